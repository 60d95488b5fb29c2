//! `fpaxos`: run, sweep, check and benchmark FPaxos scenarios from the command line.
//!
//! Exit codes: 0 success, 1 a safety violation was found, 2 a usage or scenario error (one
//! `error: ...` line per problem on stderr).

use clap::{Args, Parser, Subcommand};
use fpaxos_cli::fmt::{si, summary, thousands};
use fpaxos_cli::overrides::Overrides;
use fpaxos_cli::{bench, load_scenario, read_scenario_value};
use fpaxos_sim::checker::Violation;
use fpaxos_sim::sweep::{self, Knob, PointStatus, SweepRow, SweepSpec};
use fpaxos_sim::{swarm, Scenario};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "fpaxos",
    version,
    about = "FPaxos Playground: simulate Flexible Paxos with any quorum system",
    long_about = "FPaxos Playground: simulate Flexible Paxos with any quorum system.\n\n\
        Every run is deterministic: one scenario (seed included) gives one trace hash.\n\
        Exit codes: 0 ok, 1 safety violation found, 2 usage or scenario error."
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
    /// Swarm-test: derive a random scenario from each seed, run it, report safety violations.
    Check(CheckArgs),
    /// Run the reference workload (5 nodes, Q1=4 Q2=2 thrifty, 64 clients) on one thread.
    Bench(BenchArgs),
    /// Print the shareable playground link for a scenario, or decode a link back to JSON.
    Url(UrlArgs),
    /// Analytic quorum metrics: fault tolerance, load, capacity, availability, crash sets.
    Analyze(AnalyzeArgs),
}

#[derive(Args, Debug)]
struct UrlArgs {
    /// Scenario JSON file (`-` for stdin; omitted: all defaults).
    #[arg(value_name = "SCENARIO.json", conflicts_with = "decode")]
    scenario: Option<String>,
    /// Where the playground is served.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080/")]
    base: String,
    /// Decode a link (or its `#s=...` fragment) and print the scenario JSON.
    #[arg(long, value_name = "LINK")]
    decode: Option<String>,
    #[command(flatten)]
    overrides: Overrides,
}

#[derive(Args, Debug)]
struct AnalyzeArgs {
    /// Scenario JSON file (`-` for stdin; omitted: all defaults).
    #[arg(value_name = "SCENARIO.json")]
    scenario: Option<String>,
    /// Fraction of operations that run phase 1 (leader elections), for the mixed load.
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    phase1_fraction: f64,
    /// Probability that each node is down, for availability.
    #[arg(long, value_name = "P", default_value_t = 0.01)]
    failure_prob: f64,
    /// Print the analysis as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    overrides: Overrides,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Scenario JSON file (`-` for stdin; omitted: all defaults).
    #[arg(value_name = "SCENARIO.json")]
    scenario: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Print the final scenario JSON (after overrides) and exit without running.
    #[arg(long)]
    print_scenario: bool,
    #[command(flatten)]
    overrides: Overrides,
}

#[derive(Args, Debug)]
struct SweepArgs {
    /// What to vary: q2=1..5, q1=2..5, nodes=3..9, clients=1,2,4,8, outstanding=1,4,
    /// rate=1000,2000, latency=1ms,uniform:1ms..3ms, loss=0..0.1:0.02, duplicate=0,0.01,
    /// cpu=0..50us:10us, thrifty=false,true, seed=1..10, window=1,8,64, batch=1,4, duration=1s,5s.
    #[arg(long, value_name = "KNOB=VALUES", value_parser = SweepSpec::parse)]
    vary: SweepSpec,
    /// Scenario JSON file (`-` for stdin; omitted: all defaults).
    #[arg(value_name = "SCENARIO.json")]
    scenario: Option<String>,
    /// Keep Q1 at this size while varying q2 (default: the smallest safe Q1, N - Q2 + 1).
    #[arg(long, value_name = "N")]
    q1: Option<u32>,
    /// Keep Q2 at this size while varying q1 (default: the smallest safe Q2, N - Q1 + 1).
    #[arg(long, value_name = "N")]
    q2: Option<u32>,
    /// Print the rows as a JSON array instead of CSV.
    #[arg(long)]
    json: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    overrides: Overrides,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Number of seeds to run.
    #[arg(long, value_name = "N", default_value_t = 100)]
    seeds: u64,
    /// First seed.
    #[arg(long, value_name = "S", default_value_t = 1)]
    start_seed: u64,
    /// Print the full scenario JSON of at most this many failing seeds.
    #[arg(long, value_name = "N", default_value_t = 3)]
    show: usize,
    /// Also write every failing scenario to DIR/seed-<S>.json.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Overrides pin a setting while the rest is drawn from the seed.
    #[command(flatten)]
    overrides: Overrides,
}

#[derive(Args, Debug)]
struct BenchArgs {
    /// Requests to commit.
    #[arg(long, value_name = "N", default_value_t = bench::REFERENCE_COMMITS)]
    commits: u64,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Why a command failed.
enum Failure {
    /// Bad input: exit 2.
    Usage(Vec<String>),
}

type CmdResult = Result<ExitCode, Failure>;

fn usage<T>(errs: Vec<String>) -> Result<T, Failure> {
    Err(Failure::Usage(errs))
}

/// Writes to stdout; a closed pipe (e.g. `| head`) ends the program quietly.
fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    if o.write_all(text.as_bytes())
        .and_then(|_| o.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

fn pool(jobs: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    if jobs == Some(0) {
        return usage(vec!["--jobs must be at least 1".into()]);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Usage(vec![format!("cannot start worker threads: {e}")]))
}

fn progress(len: u64, what: &str) -> ProgressBar {
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

/// The JSON the CLI prints: the same serialiser as the page's export.
fn to_pretty<T: Serialize>(v: &T) -> String {
    fpaxos_sim::json::pretty_json(v)
}

// ----- run -----

fn cmd_run(a: RunArgs) -> CmdResult {
    let s = match load_scenario(a.scenario.as_deref(), &a.overrides) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    if a.print_scenario {
        out(&(s.to_json_pretty() + "\n"));
        return Ok(ExitCode::SUCCESS);
    }
    let start = Instant::now();
    let report = match fpaxos_sim::run(&s) {
        Ok(r) => r,
        Err(e) => return usage(e.0),
    };
    let wall_ms = start.elapsed().as_secs_f64() * 1e3;
    if a.json {
        out(&(to_pretty(&report) + "\n"));
    } else {
        out(&summary(&report, wall_ms));
    }
    Ok(if report.safety.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

// ----- sweep -----

fn cmd_sweep(a: SweepArgs) -> CmdResult {
    let mut spec = a.vary;
    match (spec.knob, a.q1, a.q2) {
        (_, Some(_), Some(_)) => {
            return usage(vec!["give --q1 or --q2, not both".into()]);
        }
        (Knob::Q2, q1, None) => spec.pin_other = q1,
        (Knob::Q1, None, q2) => spec.pin_other = q2,
        (_, None, None) => {}
        (k, Some(_), None) => {
            return usage(vec![format!(
            "--q1 pins Q1 while varying q2, but the sweep varies {k}; use --quorum Q1,Q2 instead"
        )])
        }
        (k, None, Some(_)) => {
            return usage(vec![format!(
            "--q2 pins Q2 while varying q1, but the sweep varies {k}; use --quorum Q1,Q2 instead"
        )])
        }
    }
    let mut v = match read_scenario_value(a.scenario.as_deref()) {
        Ok(v) => v,
        Err(e) => return usage(e),
    };
    if let Err(e) = a.overrides.apply(&mut v) {
        return usage(e);
    }
    let base = match Scenario::from_value(v) {
        Ok(s) => s,
        Err(e) => return usage(e.0),
    };
    let pts = sweep::points_checked(&base, &spec);
    // If no point could run, the base scenario itself is wrong: say why, like `run` would.
    let prechecks: Vec<Result<(), Box<SweepRow>>> = pts
        .iter()
        .map(|(l, s)| sweep::precheck(spec.knob, l, s))
        .collect();
    if prechecks
        .iter()
        .all(|p| matches!(p, Err(r) if r.status == PointStatus::Invalid))
    {
        let first = &pts[0];
        let errs = match &first.1 {
            Err(e) => vec![format!("{}={}: {e}", spec.knob, first.0)],
            Ok(s) => s
                .validate()
                .err()
                .map(|e| e.0)
                .unwrap_or_else(|| vec!["no point of the sweep is valid".into()])
                .into_iter()
                .map(|e| format!("{}={}: {e}", spec.knob, first.0))
                .collect(),
        };
        return usage(errs);
    }
    let pool = pool(a.jobs)?;
    let pb = progress(pts.len() as u64, &format!("sweep {}", spec.knob));
    let rows: Vec<SweepRow> = pool.install(|| {
        pts.par_iter()
            .map(|(label, s)| {
                let r = sweep::run_point(spec.knob, label, s);
                pb.inc(1);
                r
            })
            .collect()
    });
    pb.finish_and_clear();
    if a.json {
        out(&(to_pretty(&rows) + "\n"));
    } else {
        out(&sweep::to_csv(&rows));
    }
    Ok(ExitCode::SUCCESS)
}

// ----- check -----

#[derive(Serialize)]
struct SeedFailure {
    seed: u64,
    /// The simulator panicked (an engine bug; only caught where panics unwind, i.e. debug builds).
    panic: Option<String>,
    violations: Vec<Violation>,
    scenario: Scenario,
}

impl SeedFailure {
    fn headline(&self) -> String {
        match (&self.panic, self.violations.first()) {
            (Some(p), _) => format!("the simulator panicked: {p}"),
            (None, Some(v)) => v.message.clone(),
            (None, None) => String::new(),
        }
    }
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Records panics instead of printing them, so `check` can report the seed that caused one.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic".to_string()
        };
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
    }));
}

#[derive(Default)]
struct SeedOutcome {
    seed: u64,
    invalid: Option<Vec<String>>,
    failure: Option<SeedFailure>,
    events: u64,
    committed: u64,
}

#[derive(Serialize)]
struct CheckSummary {
    seeds: u64,
    start_seed: u64,
    violations: usize,
    failing: Vec<SeedFailure>,
    events: u64,
    committed: u64,
    wall_ms: f64,
    events_per_sec: f64,
}

fn seed_scenario(seed: u64, pins: &swarm::Pins, o: &Overrides) -> Result<Scenario, Vec<String>> {
    let s = swarm::generate(seed, pins);
    let mut v = serde_json::to_value(&s).map_err(|e| vec![e.to_string()])?;
    o.apply(&mut v)?;
    let s = Scenario::from_value(v).map_err(|e| e.0)?;
    s.validate().map_err(|e| e.0)?;
    Ok(s)
}

fn check_seed(seed: u64, pins: &swarm::Pins, o: &Overrides) -> SeedOutcome {
    let s = match seed_scenario(seed, pins, o) {
        Ok(s) => s,
        Err(e) => {
            return SeedOutcome {
                seed,
                invalid: Some(e),
                ..SeedOutcome::default()
            }
        }
    };
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fpaxos_sim::run(&s)));
    let run = match run {
        Ok(r) => r,
        Err(_) => {
            let msg = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "unknown panic".into());
            return SeedOutcome {
                seed,
                failure: Some(SeedFailure {
                    seed,
                    panic: Some(msg),
                    violations: Vec::new(),
                    scenario: s,
                }),
                ..SeedOutcome::default()
            };
        }
    };
    match run {
        Err(e) => SeedOutcome {
            seed,
            invalid: Some(e.0),
            ..SeedOutcome::default()
        },
        Ok(r) => SeedOutcome {
            seed,
            invalid: None,
            events: r.sim.events,
            committed: r.committed,
            failure: (!r.safety.ok).then(|| SeedFailure {
                seed,
                panic: None,
                violations: r.safety.violations.into_iter().take(10).collect(),
                scenario: s,
            }),
        },
    }
}

fn cmd_check(a: CheckArgs) -> CmdResult {
    if a.seeds == 0 {
        return usage(vec!["--seeds must be at least 1".into()]);
    }
    let Some(end) = a.start_seed.checked_add(a.seeds) else {
        return usage(vec!["--start-seed + --seeds overflows".into()]);
    };
    let pins = match a.overrides.pins() {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    // Fail fast when the overrides cannot make a valid scenario.
    if let Err(e) = seed_scenario(a.start_seed, &pins, &a.overrides) {
        return usage(
            e.into_iter()
                .map(|m| format!("seed {}: {m}", a.start_seed))
                .collect(),
        );
    }
    let pool = pool(a.jobs)?;
    quiet_panics();
    let pb = progress(a.seeds, "check");
    let start = Instant::now();
    let outcomes: Vec<SeedOutcome> = pool.install(|| {
        (a.start_seed..end)
            .into_par_iter()
            .map(|seed| {
                let o = check_seed(seed, &pins, &a.overrides);
                pb.inc(1);
                o
            })
            .collect()
    });
    pb.finish_and_clear();
    let wall = start.elapsed().as_secs_f64().max(1e-9);
    if let Some(bad) = outcomes.iter().find(|o| o.invalid.is_some()) {
        let errs = bad.invalid.clone().unwrap_or_default();
        return usage(
            errs.into_iter()
                .map(|m| format!("seed {}: {m}", bad.seed))
                .collect(),
        );
    }
    let events: u64 = outcomes.iter().map(|o| o.events).sum();
    let committed: u64 = outcomes.iter().map(|o| o.committed).sum();
    let failing: Vec<SeedFailure> = outcomes.into_iter().filter_map(|o| o.failure).collect();
    let mut write_errs = Vec::new();
    if let Some(dir) = &a.out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            write_errs.push(format!("cannot create {dir}: {e}"));
        } else {
            for f in &failing {
                let path = std::path::Path::new(dir).join(format!("seed-{}.json", f.seed));
                if let Err(e) = std::fs::write(&path, f.scenario.to_json_pretty() + "\n") {
                    write_errs.push(format!("cannot write {}: {e}", path.display()));
                }
            }
        }
    }
    let summary = CheckSummary {
        seeds: a.seeds,
        start_seed: a.start_seed,
        violations: failing.len(),
        failing,
        events,
        committed,
        wall_ms: wall * 1e3,
        events_per_sec: events as f64 / wall,
    };
    if a.json {
        out(&(to_pretty(&summary) + "\n"));
    } else {
        let mut text = String::new();
        for f in &summary.failing {
            text.push_str(&format!("VIOLATION seed {}: {}\n", f.seed, f.headline()));
        }
        for f in summary.failing.iter().take(a.show) {
            text.push_str(&format!(
                "\n--- seed {}: {}; reproduce with `fpaxos run seed-{}.json` using this scenario:\n",
                f.seed,
                f.headline(),
                f.seed
            ));
            for v in f.violations.iter().skip(1) {
                text.push_str(&format!("  {}\n", v.message));
            }
            text.push_str(&f.scenario.to_json_pretty());
            text.push('\n');
        }
        if summary.failing.len() > a.show {
            text.push_str(&format!(
                "\n({} more failing seeds not shown; use --show or --out-dir to see them)\n",
                summary.failing.len() - a.show
            ));
        }
        text.push_str(&format!(
            "\nchecked {} seeds ({}..={}): {} failed (safety violation or simulator panic)\n\
             {} events, {} commits in {:.1} s ({} events/s on {} threads)\n",
            a.seeds,
            a.start_seed,
            end - 1,
            summary.violations,
            thousands(events),
            thousands(committed),
            wall,
            si(summary.events_per_sec),
            pool.current_num_threads(),
        ));
        out(&text);
    }
    if !write_errs.is_empty() {
        for e in write_errs {
            eprintln!("error: {e}");
        }
        return Ok(ExitCode::from(2));
    }
    Ok(if summary.violations > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

// ----- bench -----

fn cmd_bench(a: BenchArgs) -> CmdResult {
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

// ----- url -----

fn cmd_url(a: UrlArgs) -> CmdResult {
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

// ----- analyze -----

fn cmd_analyze(a: AnalyzeArgs) -> CmdResult {
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
    let an = match fpaxos_analysis::analyze_scenario(&s, &opts) {
        Ok(x) => x,
        Err(e) => return usage(e.0),
    };
    if a.json {
        out(&(to_pretty(&an) + "\n"));
    } else {
        out(&fpaxos_cli::fmt::analysis(&s, &an));
    }
    Ok(ExitCode::SUCCESS)
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
