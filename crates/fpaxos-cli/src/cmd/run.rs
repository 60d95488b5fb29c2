//! `fpaxos run` and `fpaxos bench`: one scenario, or the reference workload, on one thread.

use super::{out, to_pretty, usage, CmdResult};
use clap::Args;
use fpaxos::PlantedBug;
use fpaxos_cli::fmt::summary;
use fpaxos_cli::overrides::Overrides;
use fpaxos_cli::{bench, load_scenario};
use fpaxos_sim::Sim;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args, Debug)]
pub(crate) struct RunArgs {
    /// Scenario JSON file (`-` for stdin; omitted: all defaults). A scenario with a `schedule`
    /// (e.g. from `fpaxos explore --scenario-out`) replays exactly those steps.
    #[arg(value_name = "SCENARIO.json")]
    pub(crate) scenario: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Print the final scenario JSON (after overrides) and exit without running.
    #[arg(long)]
    pub(crate) print_scenario: bool,
    /// Plant a known bug in every node, to see the checkers catch it: no-election-retry,
    /// reply-before-chosen, sessions-before-chosen and sessions-no-skip (with --sessions), or
    /// the bug an explored counterexample was found with (lowest-ballot-value,
    /// accept-below-promise, reply-before-chosen, sessions-no-skip).
    #[arg(long, value_name = "BUG", value_parser = super::parse_plant)]
    pub(crate) plant: Option<PlantedBug>,
    #[command(flatten)]
    pub(crate) overrides: Overrides,
}

#[derive(Args, Debug)]
pub(crate) struct BenchArgs {
    /// Requests to commit.
    #[arg(long, value_name = "N", default_value_t = bench::REFERENCE_COMMITS)]
    pub(crate) commits: u64,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn cmd_run(a: RunArgs) -> CmdResult {
    let s = match load_scenario(a.scenario.as_deref(), &a.overrides) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    if a.print_scenario {
        out(&(s.to_json_pretty() + "\n"));
        return Ok(ExitCode::SUCCESS);
    }
    let start = Instant::now();
    let report = Sim::with_planted(s, a.plant).run_to_end();
    let wall_ms = start.elapsed().as_secs_f64() * 1e3;
    if a.json {
        out(&(to_pretty(&report) + "\n"));
    } else {
        out(&summary(&report, wall_ms));
    }
    Ok(super::verdict(report.safety.ok, report.liveness.ok))
}

pub(crate) fn cmd_bench(a: BenchArgs) -> CmdResult {
    if a.commits == 0 {
        return usage(vec!["--commits must be at least 1".into()]);
    }
    let r = match bench::run(a.commits) {
        Ok(r) => r,
        Err(e) => return usage(e.0),
    };
    if a.json {
        out(&(to_pretty(&r) + "\n"));
    } else {
        out(&(bench::describe(&r) + "\n"));
    }
    Ok(ExitCode::SUCCESS)
}
