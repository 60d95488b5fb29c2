//! `fpaxos url` and `fpaxos analyze`: a scenario's share link, and its analytic quorum metrics.

use super::{out, to_pretty, usage, CmdResult};
use clap::Args;
use fpaxos_cli::load_scenario;
use fpaxos_cli::overrides::Overrides;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub(crate) struct UrlArgs {
    /// Scenario JSON file (`-` for stdin; omitted: all defaults).
    #[arg(value_name = "SCENARIO.json", conflicts_with = "decode")]
    pub(crate) scenario: Option<String>,
    /// Where the playground is served.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080/")]
    pub(crate) base: String,
    /// Decode a link (or its `#s=...` fragment) and print the scenario JSON.
    #[arg(long, value_name = "LINK")]
    pub(crate) decode: Option<String>,
    #[command(flatten)]
    pub(crate) overrides: Overrides,
}

#[derive(Args, Debug)]
pub(crate) struct AnalyzeArgs {
    /// Scenario JSON file (`-` for stdin; omitted: all defaults).
    #[arg(value_name = "SCENARIO.json")]
    pub(crate) scenario: Option<String>,
    /// Fraction of operations that run phase 1 (leader elections), for the mixed load.
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    pub(crate) phase1_fraction: f64,
    /// Probability that each node is down, for availability.
    #[arg(long, value_name = "P", default_value_t = 0.01)]
    pub(crate) failure_prob: f64,
    /// Print the analysis as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) overrides: Overrides,
}

pub(crate) fn cmd_url(a: UrlArgs) -> CmdResult {
    if let Some(link) = a.decode {
        return match fpaxos_share::decode_fragment(&link) {
            Ok(shared) => {
                out(&(shared.scenario.to_json_pretty() + "\n"));
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => usage(vec![e.to_string()]),
        };
    }
    let s = match load_scenario(a.scenario.as_deref(), &a.overrides) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let view = fpaxos_share::ViewState::default();
    out(&(fpaxos_share::share_url(&a.base, &s, &view) + "\n"));
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn cmd_analyze(a: AnalyzeArgs) -> CmdResult {
    let mut errs = Vec::new();
    if !(0.0..=1.0).contains(&a.phase1_fraction) {
        errs.push(format!(
            "--phase1-fraction must be between 0 and 1, got {}",
            a.phase1_fraction
        ));
    }
    if !(0.0..=1.0).contains(&a.failure_prob) {
        errs.push(format!(
            "--failure-prob must be between 0 and 1, got {}",
            a.failure_prob
        ));
    }
    if !errs.is_empty() {
        return usage(errs);
    }
    let s = match load_scenario(a.scenario.as_deref(), &a.overrides) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let opts = fpaxos_analysis::AnalysisOptions {
        phase1_fraction: a.phase1_fraction,
        failure_prob: a.failure_prob,
        ..Default::default()
    };
    let an = fpaxos_analysis::analyze_checked(&s, &opts);
    if a.json {
        out(&(to_pretty(&an) + "\n"));
    } else {
        out(&fpaxos_cli::fmt::analysis(&s, &an));
    }
    Ok(ExitCode::SUCCESS)
}
