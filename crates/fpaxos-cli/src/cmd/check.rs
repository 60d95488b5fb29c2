//! `fpaxos check`: swarm testing, one generated scenario per seed, on all cores.

use super::{out, pool, progress, to_pretty, usage, CmdResult};
use clap::Args;
use fpaxos_cli::fmt::{si, thousands};
use fpaxos_cli::load_seed;
use fpaxos_cli::overrides::Overrides;
use fpaxos_sim::checker::Violation;
use fpaxos_sim::{swarm, Scenario, Sim};
use rayon::prelude::*;
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// Number of seeds to run.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub(crate) seeds: u64,
    /// First seed.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub(crate) start_seed: u64,
    /// Print the full scenario JSON of at most this many failing seeds.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) show: usize,
    /// Also write every failing scenario to DIR/seed-<S>.json.
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub(crate) jobs: Option<usize>,
    /// Overrides pin a setting while the rest is drawn from the seed.
    #[command(flatten)]
    pub(crate) overrides: Overrides,
}

#[derive(Serialize)]
pub(crate) struct SeedFailure {
    pub(crate) seed: u64,
    /// The simulator panicked (an engine bug; only caught where panics unwind, i.e. debug builds).
    pub(crate) panic: Option<String>,
    pub(crate) violations: Vec<Violation>,
    pub(crate) scenario: Scenario,
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
pub(crate) struct SeedOutcome {
    pub(crate) seed: u64,
    pub(crate) invalid: Option<Vec<String>>,
    pub(crate) failure: Option<SeedFailure>,
    pub(crate) events: u64,
    pub(crate) committed: u64,
}

#[derive(Serialize)]
pub(crate) struct CheckSummary {
    pub(crate) seeds: u64,
    pub(crate) start_seed: u64,
    pub(crate) violations: usize,
    pub(crate) failing: Vec<SeedFailure>,
    pub(crate) events: u64,
    pub(crate) committed: u64,
    pub(crate) wall_ms: f64,
    pub(crate) events_per_sec: f64,
}

fn check_seed(seed: u64, pins: &swarm::Pins, o: &Overrides) -> SeedOutcome {
    let checked = match load_seed(seed, pins, o) {
        Ok(c) => c,
        Err(e) => {
            return SeedOutcome {
                seed,
                invalid: Some(e),
                ..SeedOutcome::default()
            }
        }
    };
    let s = checked.scenario().clone();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Sim::new(checked).run_to_end()
    }));
    match run {
        Err(_) => {
            let msg = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "unknown panic".into());
            SeedOutcome {
                seed,
                failure: Some(SeedFailure {
                    seed,
                    panic: Some(msg),
                    violations: Vec::new(),
                    scenario: s,
                }),
                ..SeedOutcome::default()
            }
        }
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

pub(crate) fn cmd_check(a: CheckArgs) -> CmdResult {
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
    if let Err(e) = load_seed(a.start_seed, &pins, &a.overrides) {
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
