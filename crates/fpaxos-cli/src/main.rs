//! `fpaxos`: run, sweep, check and benchmark FPaxos scenarios from the command line.
//!
//! Exit codes: 0 success, 1 a safety violation was found, 2 a usage or scenario error (one
//! `error: ...` line per problem on stderr), 3 a liveness failure (a stall) and no safety
//! violation.

mod alloc;
mod cmd;

use clap::{Parser, Subcommand};
use cmd::check::{cmd_check, CheckArgs};
use cmd::explore::{cmd_explore, ExploreArgs};
use cmd::merge::{cmd_merge, MergeArgs};
use cmd::run::{cmd_bench, cmd_run, BenchArgs, RunArgs};
use cmd::sweep::{cmd_sweep, SweepArgs};
use cmd::url::{cmd_analyze, cmd_url, AnalyzeArgs, UrlArgs};
use cmd::Failure;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: alloc::HugePages = alloc::HugePages;

#[derive(Parser, Debug)]
#[command(
    name = "fpaxos",
    version,
    about = "FPaxos Playground: simulate Flexible Paxos with any quorum system",
    long_about = "FPaxos Playground: simulate Flexible Paxos with any quorum system.\n\n\
        Every run is deterministic: one scenario (seed included) gives one trace hash.\n\
        Exit codes: 0 ok, 1 safety violation found, 2 usage or scenario error,\n\
        3 liveness failure (a stall) without a safety violation."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One variant per subcommand, each with a matching arm in `main`.
#[derive(Subcommand, Debug)]
enum Command {
    /// Run one scenario and print a summary (or the full report with --json).
    Run(RunArgs),
    /// Vary one knob over a list of values and print one CSV row per point.
    Sweep(SweepArgs),
    /// Swarm-test: derive a random scenario from each seed (faults, then a calm phase), run it,
    /// report safety violations and liveness stalls. A seed whose cluster recovered after the
    /// calm began stops early, so --duration bounds a run rather than setting its length.
    Check(CheckArgs),
    /// Model-check the real node: breadth-first over every order of deliveries, drops,
    /// duplicates, crashes and timer firings within bounds; prints the shortest counterexample
    /// (--scenario-out writes it as a scenario that `fpaxos run` replays step by step).
    Explore(ExploreArgs),
    /// Join the --json outputs of `check --shard I/N` or `sweep --shard I/N` into the unsharded
    /// result (exit status as the check's: 1 safety violation, 3 liveness failure).
    Merge(MergeArgs),
    /// Run the reference workload (5 nodes, Q1=4 Q2=2 thrifty, 64 clients) on one thread.
    Bench(BenchArgs),
    /// Print the shareable playground link for a scenario, or decode a link back to JSON.
    Url(UrlArgs),
    /// Analytic quorum metrics: fault tolerance, load, capacity, availability, crash sets.
    Analyze(AnalyzeArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    return ExitCode::SUCCESS;
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    return ExitCode::from(2);
                }
                _ => {
                    // Keep clap's problem and tip lines; drop the usage block.
                    let text = e.render().to_string();
                    for line in text.lines() {
                        let t = line.trim();
                        if t.starts_with("error:") || t.starts_with("tip:") {
                            eprintln!("{t}");
                        }
                    }
                    eprintln!("(run `fpaxos --help` or `fpaxos <command> --help` for usage)");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let result = match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Sweep(a) => cmd_sweep(a),
        Command::Check(a) => cmd_check(a),
        Command::Explore(a) => cmd_explore(a),
        Command::Merge(a) => cmd_merge(a),
        Command::Bench(a) => cmd_bench(a),
        Command::Url(a) => cmd_url(a),
        Command::Analyze(a) => cmd_analyze(a),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(errs)) => {
            for e in errs {
                eprintln!("error: {e}");
            }
            ExitCode::from(2)
        }
    }
}
