//! The subcommands, one module each, and what they share: exit-code plumbing, output and
//! worker pools.

pub(crate) mod check;
pub(crate) mod coverage;
pub(crate) mod explore;
pub(crate) mod merge;
pub(crate) mod run;
pub(crate) mod shard;
pub(crate) mod shrink;
pub(crate) mod sweep;
pub(crate) mod url;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Why a command failed.
pub(crate) enum Failure {
    /// Bad input: exit 2.
    Usage(Vec<String>),
}

pub(crate) type CmdResult = Result<ExitCode, Failure>;

pub(crate) fn usage<T>(errs: Vec<String>) -> Result<T, Failure> {
    Err(Failure::Usage(errs))
}

/// Writes to stdout; a closed pipe (e.g. `| head`) ends the program quietly.
pub(crate) fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    if o.write_all(text.as_bytes())
        .and_then(|_| o.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

pub(crate) fn pool(jobs: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    if jobs == Some(0) {
        return usage(vec!["--jobs must be at least 1".into()]);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Usage(vec![format!("cannot start worker threads: {e}")]))
}

pub(crate) fn progress(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} {elapsed_precise} eta {eta}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(what.to_string());
    pb
}

/// A spinner with a message on standard error, for work of unknown length; hidden unless
/// standard error is a terminal.
pub(crate) fn spinner(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{prefix} {spinner} {elapsed_precise} {msg}") {
        pb.set_style(style);
    }
    pb.set_prefix(what.to_string());
    pb
}

/// The JSON the CLI prints: the same serialiser as the page's export.
pub(crate) fn to_pretty<T: Serialize>(v: &T) -> String {
    fpaxos_sim::json::pretty_json(v)
}

/// Exit status of a run or a check: 1 for a safety violation (whatever else), 3 for a liveness
/// failure alone, 0 when both hold.
pub(crate) fn verdict(safe: bool, live: bool) -> ExitCode {
    match (safe, live) {
        (false, _) => ExitCode::from(1),
        (true, false) => ExitCode::from(3),
        (true, true) => ExitCode::SUCCESS,
    }
}

/// Parses `--plant`.
pub(crate) fn parse_plant(s: &str) -> Result<fpaxos::PlantedBug, String> {
    fpaxos::PlantedBug::parse(s).ok_or_else(|| {
        let names: Vec<&str> = fpaxos::PlantedBug::ALL.iter().map(|b| b.name()).collect();
        format!("unknown bug `{s}`; known: {}", names.join(", "))
    })
}
