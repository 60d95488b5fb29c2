//! The three commands on JSON text, with no JavaScript in sight: what `fpaxos run --json`,
//! `fpaxos analyze --json` and `fpaxos url` print, computed by the same library calls. The
//! wasm-bindgen layer (`lib.rs`) only turns JS values into this text and back, so native tests
//! here cover everything but the conversion.

use fpaxos_sim::json::pretty_json;
use fpaxos_sim::scenario::Checked;
use fpaxos_sim::{Scenario, ScenarioErrors, Sim};

/// Where the CLI's `fpaxos url` points links by default (`--base`).
pub const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

/// Parses and validates scenario JSON the way the CLI does a scenario file: every problem is one
/// sentence. Empty text means every default, like `fpaxos run` with no file.
pub fn checked(text: &str) -> Result<Checked, Vec<String>> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    Scenario::from_json(text)
        .and_then(|s| s.check())
        .map_err(ScenarioErrors::into_lines)
}

/// The report as `fpaxos run --json` prints it, final newline included, so writing it to a file
/// gives the CLI's bytes.
pub fn run_json(text: &str) -> Result<String, Vec<String>> {
    let report = Sim::new(checked(text)?).run_to_end();
    Ok(pretty_json(&report) + "\n")
}

/// The knobs of `fpaxos analyze` that are not part of the scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnalyzeOptions {
    /// `--phase1-fraction`: fraction of operations that run phase 1.
    pub phase1_fraction: f64,
    /// `--failure-prob`: probability that each node is down.
    pub failure_prob: f64,
}

impl Default for AnalyzeOptions {
    /// The CLI's defaults.
    fn default() -> Self {
        let d = fpaxos_analysis::AnalysisOptions::default();
        AnalyzeOptions {
            phase1_fraction: d.phase1_fraction,
            failure_prob: d.failure_prob,
        }
    }
}

/// The analysis as `fpaxos analyze --json` prints it, final newline included.
pub fn analyze_json(text: &str, o: AnalyzeOptions) -> Result<String, Vec<String>> {
    let mut errs = Vec::new();
    for (name, v) in [
        ("phase1Fraction", o.phase1_fraction),
        ("failureProb", o.failure_prob),
    ] {
        if !(0.0..=1.0).contains(&v) {
            errs.push(format!("{name} must be between 0 and 1, got {v}"));
        }
    }
    let s = checked(text);
    if let Err(e) = &s {
        errs.extend(e.iter().map(String::from));
    }
    let s = match s {
        Ok(s) if errs.is_empty() => s,
        _ => return Err(errs),
    };
    let opts = fpaxos_analysis::AnalysisOptions {
        phase1_fraction: o.phase1_fraction,
        failure_prob: o.failure_prob,
        ..Default::default()
    };
    Ok(pretty_json(&fpaxos_analysis::analyze_checked(&s, &opts)) + "\n")
}

/// The share link `fpaxos url --base BASE` prints (without its final newline).
pub fn url(text: &str, base: &str) -> Result<String, Vec<String>> {
    let s = checked(text)?;
    let view = fpaxos_share::ViewState::default();
    Ok(fpaxos_share::share_url(base, &s, &view))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_text_is_the_default_scenario() {
        let short = r#"{"duration": "300ms", "warmup": "100ms"}"#;
        let want = fpaxos_sim::run(&Scenario::from_json(short).expect("valid")).expect("runs");
        assert_eq!(run_json(short).expect("runs"), pretty_json(&want) + "\n");
        assert_eq!(
            url("", DEFAULT_BASE).expect("default"),
            url("{}", DEFAULT_BASE).expect("default")
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let e = run_json(r#"{"cluster": {"nodes": 0}}"#).expect_err("invalid");
        assert!(!e.is_empty());
        assert!(run_json("[1]").is_err());
        assert!(run_json("{").is_err());
        let e = analyze_json(
            r#"{"cluster": {"nodes": 0}}"#,
            AnalyzeOptions {
                phase1_fraction: 2.0,
                failure_prob: 0.5,
            },
        )
        .expect_err("invalid");
        assert!(
            e[0].starts_with("phase1Fraction must be between 0 and 1"),
            "{e:?}"
        );
        assert!(e.len() >= 2, "{e:?}");
    }
}
