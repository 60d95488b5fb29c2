//! `fpaxos explore`: a bounded, exhaustive, breadth-first model check of the real node
//! (`fpaxos-explore`), timed here (the explorer has no clock).

use super::{out, to_pretty, usage, CmdResult};
use clap::Args;
use fpaxos::{PlantedBug, QuorumSpec};
use fpaxos_cli::fmt::{si, thousands};
use fpaxos_explore::{ExploreConfig, Explorer, Network, Outcome, Stats};
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args, Debug)]
pub(crate) struct ExploreArgs {
    /// Cluster size (at most 5).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) nodes: usize,
    /// Quorum system: `majority`, `Q1,Q2` (e.g. 2,2) or `grid:RxC`; non-intersecting ones are
    /// allowed (the explorer should find them unsafe).
    #[arg(long, value_name = "SPEC", default_value = "majority", value_parser = QuorumSpec::parse_cli)]
    pub(crate) quorum: QuorumSpec,
    /// Most elections started (ballots) in a run.
    #[arg(long, value_name = "B", default_value_t = 2)]
    pub(crate) ballots: u32,
    /// Client commands, each submitted once to a node of the search's choice.
    #[arg(long, value_name = "C", default_value_t = 2)]
    pub(crate) commands: u32,
    /// Most resends: a client hands a command it submitted to a node again, as a client whose
    /// timeout passed does (with `--sessions`, this explores the nodes' client sessions).
    #[arg(long, value_name = "R", default_value_t = 0)]
    pub(crate) resends: u32,
    /// Most crashes (a crashed node may recover later).
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub(crate) crashes: u32,
    /// Network as a multiset (delivery consumes a copy; drops and dups are bounded actions)
    /// instead of the default set of every message sent (loss, duplication and reordering
    /// without bounds).
    #[arg(long)]
    pub(crate) multiset: bool,
    /// Multiset network: most dropped messages (safety needs none: undelivered messages are
    /// explored anyway).
    #[arg(long, value_name = "D", default_value_t = 0)]
    pub(crate) drops: u32,
    /// Multiset network: most duplicated messages.
    #[arg(long, value_name = "U", default_value_t = 0)]
    pub(crate) dups: u32,
    /// Most heartbeat/retransmit timer firings.
    #[arg(long, value_name = "T", default_value_t = 0)]
    pub(crate) timers: u32,
    /// Stop after this many unique states (at about 45 bytes each, the default takes up to
    /// about 4.5 GB and a few minutes; `--max-memory` stops a search earlier on a smaller
    /// machine).
    #[arg(long, value_name = "M", default_value_t = 100_000_000)]
    pub(crate) max_states: u64,
    /// Stop (with a bounded result) before the search's tables grow past SIZE: `auto` (three
    /// quarters of the memory available when the search starts; no limit where that cannot be
    /// read), `none` (or 0), or a size such as 8G, 512M (binary units: K, M, G, T, with or without B).
    #[arg(long, value_name = "SIZE", default_value = "auto", value_parser = parse_memory)]
    pub(crate) max_memory: MemoryBudget,
    /// Thrifty sends.
    #[arg(long)]
    pub(crate) thrifty: bool,
    /// Turn check-quorum off (on by default, as in scenarios).
    #[arg(long)]
    pub(crate) no_check_quorum: bool,
    /// Pre-vote.
    #[arg(long)]
    pub(crate) pre_vote: bool,
    /// Client sessions: nodes record the commands they executed and answer a resend of one at
    /// once (they matter only with `--resends`).
    #[arg(long)]
    pub(crate) sessions: bool,
    /// Count every state: no symmetry reduction (by default the search explores one of each
    /// pair of states that differ by swapping the first two commands).
    #[arg(long)]
    pub(crate) no_symmetry: bool,
    /// Keep every message sent: do not forget replies their receiver ignores for good (by
    /// default the network forgets them, since delivering one could only lead a state to
    /// itself, less that copy in the multiset network).
    #[arg(long)]
    pub(crate) keep_settled: bool,
    /// Plant a known bug in every node: lowest-ballot-value (phase 1 keeps the lowest-ballot
    /// value), accept-below-promise (acceptors accept Accepts below their promise),
    /// reply-before-chosen (a leader says "done" when it proposes), no-election-retry (a
    /// liveness bug: explore checks safety only), sessions-before-chosen (a leader records a
    /// command in its client sessions when it proposes it: needs `--sessions`; with
    /// `--resends 1` its early answer to a resend is found first), sessions-no-skip (a node
    /// applies a command chosen twice again: needs `--sessions` and a resend).
    #[arg(long, value_name = "BUG", value_parser = super::parse_plant)]
    pub(crate) plant: Option<PlantedBug>,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// On a violation, write the counterexample to FILE as a scenario whose explicit schedule
    /// replays it step by step: `fpaxos run FILE` (with the same `--plant`) shows the same
    /// violation, and `fpaxos url FILE` makes a link to it.
    #[arg(long, value_name = "FILE")]
    pub(crate) scenario_out: Option<String>,
}

/// `--max-memory`: a size in bytes (0: no limit), or three quarters of what is available.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MemoryBudget {
    Auto,
    Bytes(u64),
}

/// Parses `auto`, `none` (or `0`) or a size with an optional binary unit (`8G`, `512MB`, `1.5GiB`).
pub(crate) fn parse_memory(v: &str) -> Result<MemoryBudget, String> {
    let t = v.trim().to_ascii_lowercase();
    match t.as_str() {
        "auto" => return Ok(MemoryBudget::Auto),
        "none" | "0" => return Ok(MemoryBudget::Bytes(0)),
        _ => {}
    }
    let t = t.trim_end_matches("ib").trim_end_matches('b');
    let (num, shift) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 10),
        Some('m') => (&t[..t.len() - 1], 20),
        Some('g') => (&t[..t.len() - 1], 30),
        Some('t') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    match num.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x * ((1u64 << shift) as f64) < 1.8e19 => {
            Ok(MemoryBudget::Bytes((x * (1u64 << shift) as f64) as u64))
        }
        _ => Err(format!(
            "{v:?} is not a memory size: use auto, none, or a size such as 8G or 512M"
        )),
    }
}

/// `MemAvailable` of `/proc/meminfo`, in bytes (Linux); `None` elsewhere.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[derive(Serialize)]
struct ExploreJson<'a> {
    config: &'a ExploreConfig,
    summary: String,
    /// What the search checked, and that liveness was not ([`ExploreConfig::checked`]).
    checked: String,
    stats: Stats,
    seconds: f64,
    states_per_second: f64,
    generated_per_second: f64,
    #[serde(flatten)]
    outcome: &'a Outcome,
}

pub(crate) fn cmd_explore(a: ExploreArgs) -> CmdResult {
    let cfg = ExploreConfig {
        nodes: a.nodes,
        quorum: a.quorum,
        ballots: a.ballots,
        commands: a.commands,
        resends: a.resends,
        crashes: a.crashes,
        network: if a.multiset {
            Network::Multiset
        } else {
            Network::Set
        },
        drops: a.drops,
        dups: a.dups,
        timers: a.timers,
        max_states: a.max_states,
        max_memory: match a.max_memory {
            MemoryBudget::Auto => available_memory().map_or(0, |b| b / 4 * 3),
            MemoryBudget::Bytes(b) => b,
        },
        planted: a.plant,
        thrifty: a.thrifty,
        check_quorum: !a.no_check_quorum,
        pre_vote: a.pre_vote,
        sessions: a.sessions,
        symmetry: !a.no_symmetry,
        forget_settled: !a.keep_settled,
    };
    let mut ex = match Explorer::new(cfg.clone()) {
        Ok(ex) => ex,
        Err(errs) => return usage(errs),
    };
    let start = Instant::now();
    // Progress on a terminal: a large search runs for minutes.
    let bar = super::spinner("explore");
    loop {
        let p = ex.run(1 << 16);
        if p.done {
            break;
        }
        let secs = start.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!(
            "{} states, complete to depth {}, {} states/s, tables {}B",
            thousands(p.stats.unique),
            p.stats.complete_depth,
            thousands((p.stats.unique as f64 / secs) as u64),
            si(ex.memory_bytes() as f64)
        ));
        bar.tick();
    }
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let stats = ex.stats();
    let outcome = ex.result();
    let summary = ex.summary();
    let rate = stats.unique as f64 / secs;
    let gen_rate = stats.generated as f64 / secs;
    let code = match outcome {
        Outcome::Violation { .. } => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    };
    let written = match (&a.scenario_out, &outcome) {
        (Some(path), Outcome::Violation { trace, .. }) => match write_scenario(&cfg, trace, path) {
            Ok(line) => Some(line),
            Err(e) => return usage(vec![e]),
        },
        (Some(path), _) => Some(format!("no counterexample: nothing written to {path}")),
        _ => None,
    };
    if a.json {
        let j = ExploreJson {
            config: &cfg,
            summary,
            checked: cfg.checked(),
            stats,
            seconds: secs,
            states_per_second: rate,
            generated_per_second: gen_rate,
            outcome: &outcome,
        };
        out(&(to_pretty(&j) + "\n"));
        if let Some(w) = written {
            eprintln!("{w}");
        }
        return Ok(code);
    }
    let mut text = format!(
        "explore: {} nodes, {}, {:?} network, ballots {}, commands {}, resends {}, crashes {}, drops {}, dups {}, timers {}{}{}\n",
        cfg.nodes,
        cfg.quorum.label(cfg.nodes),
        cfg.network,
        cfg.ballots,
        cfg.commands,
        cfg.resends,
        cfg.crashes,
        cfg.drops,
        cfg.dups,
        cfg.timers,
        if cfg.sessions { ", client sessions" } else { "" },
        cfg.planted
            .map(|b| format!(", planted bug {}", b.name()))
            .unwrap_or_default()
    );
    text += &format!(
        "{} unique states ({} transitions, {} node states), depth {} ({} complete), {:.2} s, \
         {} states/s ({} transitions/s)\n",
        thousands(stats.unique),
        thousands(stats.generated),
        thousands(stats.node_states),
        stats.max_depth,
        stats.complete_depth,
        secs,
        thousands(rate as u64),
        thousands(gen_rate as u64)
    );
    if let Outcome::Violation { trace, .. } = &outcome {
        text += "shortest counterexample:\n";
        for s in trace {
            text += &format!("  {:>3}. {}\n", s.n, s.text);
        }
    }
    text += &summary;
    text += "\n";
    // A clean result says what it covers: safety, not liveness (`fpaxos check` judges that).
    if let Outcome::NoViolation { .. } = &outcome {
        text += &cfg.checked();
        text += " `fpaxos check` judges liveness in simulated runs.\n";
    }
    if let Some(w) = written {
        text += &w;
        text += "\n";
    }
    out(&text);
    Ok(code)
}

/// Writes the counterexample as a scenario with a schedule; returns the line saying so.
fn write_scenario(
    cfg: &ExploreConfig,
    trace: &[fpaxos_explore::TraceStep],
    path: &str,
) -> Result<String, String> {
    let actions: Vec<_> = trace.iter().map(|s| s.action.clone()).collect();
    let s = fpaxos_explore::to_scenario(cfg, &actions)?;
    std::fs::write(path, s.to_json_pretty() + "\n")
        .map_err(|e| format!("cannot write {path}: {e}"))?;
    let plant = cfg
        .planted
        .map(|b| format!(" --plant {}", b.name()))
        .unwrap_or_default();
    Ok(format!(
        "counterexample scenario written to {path} ({} steps); replay it with `fpaxos run {path}{plant}`",
        actions.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::{parse_memory, MemoryBudget};

    #[test]
    fn memory_sizes_parse_in_binary_units_and_nonsense_is_refused() {
        let b = |v: &str| {
            parse_memory(v).map(|m| match m {
                MemoryBudget::Bytes(b) => b,
                MemoryBudget::Auto => u64::MAX,
            })
        };
        assert_eq!(b("auto"), Ok(u64::MAX));
        assert_eq!(b("none"), Ok(0));
        assert_eq!(b("0"), Ok(0));
        assert_eq!(b("8G"), Ok(8 << 30));
        assert_eq!(b("8GB"), Ok(8 << 30));
        assert_eq!(b("8 GiB"), Ok(8 << 30));
        assert_eq!(b("512m"), Ok(512 << 20));
        assert_eq!(b("1.5G"), Ok(3 << 29));
        assert_eq!(b("4096"), Ok(4096));
        assert_eq!(b("64K"), Ok(64 << 10));
        for bad in ["", "G", "-1G", "lots", "1e30G", "NaN", "8X"] {
            let e = parse_memory(bad).expect_err(bad);
            assert!(e.contains("not a memory size"), "{bad}: {e}");
        }
    }
}
