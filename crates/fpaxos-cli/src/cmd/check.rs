//! `fpaxos check`: swarm testing, one generated scenario per seed, on all cores.

use super::coverage::{self, CoverageSummary};
use super::shard::{without_defaults, Shard, ShardHeader};
use super::shrink::{self, ShrunkReport};
use super::{out, pool, progress, to_pretty, usage, CmdResult};
use clap::Args;
use fpaxos::PlantedBug;
use fpaxos_cli::fmt::{si, thousands};
use fpaxos_cli::load_seed;
use fpaxos_cli::overrides::Overrides;
use fpaxos_sim::checker::Violation;
use fpaxos_sim::liveness::Stall;
use fpaxos_sim::swarm::LivenessJudged;
use fpaxos_sim::{swarm, Scenario, Sim};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
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
    /// Plant a known bug in every node, to see the checkers catch it: no-election-retry,
    /// lowest-ballot-value, accept-below-promise, reply-before-chosen, sessions-before-chosen,
    /// sessions-no-skip (the last two with --sessions; see `fpaxos explore --help`).
    #[arg(long, value_name = "BUG", value_parser = super::parse_plant)]
    pub(crate) plant: Option<PlantedBug>,
    /// Run only shard I of N of the seeds (I counts from 0: 0/4 .. 3/4), a contiguous part;
    /// `fpaxos merge` joins the shards' --json outputs into the unsharded result.
    #[arg(long, value_name = "I/N", value_parser = super::shard::parse)]
    pub(crate) shard: Option<Shard>,
    /// Shrink a failing seed to a small scenario that fails the same way (fewer faults, nodes,
    /// clients, a shorter run, less noise) and print it with what was removed: the first seed
    /// that broke safety, or the first stall when none did.
    #[arg(long)]
    pub(crate) shrink: bool,
    /// Simulator runs the shrinker may spend.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub(crate) shrink_runs: u32,
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
    /// Liveness stalls (the first few).
    pub(crate) stalls: Vec<Stall>,
    pub(crate) scenario: Scenario,
}

impl SeedFailure {
    /// `panic`, `safety` or `liveness` (a safety violation outranks a stall).
    fn kind(&self) -> &'static str {
        if self.panic.is_some() {
            "panic"
        } else if !self.violations.is_empty() {
            "safety"
        } else {
            "liveness"
        }
    }

    fn headline(&self) -> String {
        match (&self.panic, self.violations.first(), self.stalls.first()) {
            (Some(p), _, _) => format!("the simulator panicked: {p}"),
            (None, Some(v), _) => v.message.clone(),
            (None, None, Some(st)) => format!(
                "stalled from {:.1} ms to {:.1} ms ({}): {}. During it: {}",
                st.from_ms,
                st.to_ms,
                st.ended_by,
                st.why,
                st.explained()
            ),
            (None, None, None) => String::new(),
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
    pub(crate) coverage: fpaxos_sim::coverage::Coverage,
    pub(crate) judged: LivenessJudged,
}

/// The result of a check (`--json`). `F` is a failing seed: [`SeedFailure`] when printed,
/// any JSON when `fpaxos merge` reads it back (the printed form is all a merge needs).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckSummary<F = SeedFailure> {
    /// Only in a shard's output: which shard of which check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) shard: Option<ShardHeader>,
    pub(crate) seeds: u64,
    pub(crate) start_seed: u64,
    /// Seeds with a safety violation or a simulator panic.
    pub(crate) violations: usize,
    /// Seeds with a liveness failure and no safety violation.
    pub(crate) liveness_failures: usize,
    pub(crate) failing: Vec<F>,
    pub(crate) events: u64,
    pub(crate) committed: u64,
    pub(crate) wall_ms: f64,
    pub(crate) events_per_sec: f64,
    /// How many seeds reached each situation where bugs hide.
    pub(crate) coverage: CoverageSummary,
    /// How much the liveness rule judged (absent from shards written before it: zeros).
    #[serde(default)]
    pub(crate) liveness_judged: LivenessJudged,
    /// With `--shrink`: the first seed that broke safety, or else the first stall, shrunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) shrunk: Option<ShrunkReport>,
}

/// The failing seeds in the order `--shrink` tries them: those that broke safety first, then
/// the stalls, each in seed order. A safety violation is the failure worth reading first, so a
/// stall at a lower seed does not hide it. (A panic is not shrunk.)
fn shrink_order(failing: &[SeedFailure]) -> impl Iterator<Item = &SeedFailure> {
    let of = |kind: &'static str| failing.iter().filter(move |f| f.kind() == kind);
    of("safety").chain(of("liveness"))
}

fn check_seed(
    seed: u64,
    pins: &swarm::Pins,
    o: &Overrides,
    plant: Option<PlantedBug>,
) -> SeedOutcome {
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
        swarm::run_seed(Sim::with_planted(checked, plant))
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
                    stalls: Vec::new(),
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
            judged: LivenessJudged::of(&r),
            coverage: r.coverage,
            failure: (!r.safety.ok || !r.liveness.ok).then(|| SeedFailure {
                seed,
                panic: None,
                violations: r.safety.violations.into_iter().take(10).collect(),
                stalls: r.liveness.stalls.into_iter().take(3).collect(),
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
    // A shard runs a contiguous part of the seeds: a plain check of a smaller range.
    let (first, end, header) = match a.shard {
        None => (a.start_seed, end, None),
        Some(sh) => {
            let r = match sh.range(a.seeds, "seeds") {
                Ok(r) => r,
                Err(e) => return usage(vec![e]),
            };
            let h = ShardHeader::new(sh, "check", a.seeds, shard_args(&a));
            (a.start_seed + r.start, a.start_seed + r.end, Some(h))
        }
    };
    if a.shrink && a.shard.is_some() {
        return usage(vec![
            "--shrink shrinks a failing seed chosen from the whole check; run it without --shard \
             (or on the failing seed alone: --start-seed S --seeds 1 --shrink)"
                .into(),
        ]);
    }
    let pool = pool(a.jobs)?;
    quiet_panics();
    let pb = progress(end - first, "check");
    let start = Instant::now();
    let outcomes: Vec<SeedOutcome> = pool.install(|| {
        (first..end)
            .into_par_iter()
            .map(|seed| {
                let o = check_seed(seed, &pins, &a.overrides, a.plant);
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
    let mut cover = CoverageSummary::default();
    outcomes.iter().for_each(|o| cover.add_run(&o.coverage));
    let judged = outcomes.iter().map(|o| o.judged).sum();
    let failing: Vec<SeedFailure> = outcomes.into_iter().filter_map(|o| o.failure).collect();
    let shrunk = shrink_order(&failing)
        .filter(|_| a.shrink)
        .find_map(|f| shrink::shrink_failure(f, a.plant, a.shrink_runs, &pool));
    let mut write_errs = Vec::new();
    if let Some(dir) = &a.out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            write_errs.push(format!("cannot create {dir}: {e}"));
        } else {
            let shrunk = shrunk
                .iter()
                .map(|r| (format!("seed-{}.shrunk.json", r.seed), &r.scenario));
            let all = failing
                .iter()
                .map(|f| (format!("seed-{}.json", f.seed), &f.scenario))
                .chain(shrunk);
            for (name, scenario) in all {
                let path = std::path::Path::new(dir).join(name);
                if let Err(e) = std::fs::write(&path, scenario.to_json_pretty() + "\n") {
                    write_errs.push(format!("cannot write {}: {e}", path.display()));
                }
            }
        }
    }
    let summary = CheckSummary {
        shard: header,
        seeds: end - first,
        start_seed: first,
        violations: failing.iter().filter(|f| f.kind() != "liveness").count(),
        liveness_failures: failing.iter().filter(|f| f.kind() == "liveness").count(),
        failing,
        events,
        committed,
        wall_ms: wall * 1e3,
        events_per_sec: events as f64 / wall,
        coverage: cover,
        liveness_judged: judged,
        shrunk,
    };
    if a.json {
        out(&(to_pretty(&summary) + "\n"));
    } else {
        out(&text_summary(&summary, &a, pool.current_num_threads()));
    }
    if !write_errs.is_empty() {
        for e in write_errs {
            eprintln!("error: {e}");
        }
        return Ok(ExitCode::from(2));
    }
    Ok(super::verdict(
        summary.violations == 0,
        summary.liveness_failures == 0,
    ))
}

/// What decides a check's result, recorded in each shard so `merge` joins only shards of one
/// check: the seeds, the planted bug and the overrides (without the ones left unset).
fn shard_args(a: &CheckArgs) -> Value {
    let overrides = serde_json::to_value(&a.overrides).unwrap_or(Value::Null);
    json!({
        "start_seed": a.start_seed,
        "seeds": a.seeds,
        "plant": a.plant.map(|b| b.name()),
        "overrides": without_defaults(overrides),
    })
}

/// The readable result: one line per failing seed, the scenarios of the first few, totals.
fn text_summary(summary: &CheckSummary, a: &CheckArgs, threads: usize) -> String {
    let plant = a
        .plant
        .map(|b| format!(" --plant {}", b.name()))
        .unwrap_or_default();
    let end = summary.start_seed + summary.seeds;
    let wall = summary.wall_ms / 1e3;
    let of = summary
        .shard
        .as_ref()
        .map(|h| {
            format!(
                ", shard {} of seeds {}..={}",
                h.spec(),
                a.start_seed,
                a.start_seed + a.seeds - 1
            )
        })
        .unwrap_or_default();
    let mut text = String::new();
    for f in &summary.failing {
        let tag = if f.kind() == "liveness" {
            "STALL"
        } else {
            "VIOLATION"
        };
        text.push_str(&format!("{tag} seed {}: {}\n", f.seed, f.headline()));
    }
    for f in summary.failing.iter().take(a.show) {
        text.push_str(&format!(
            "\n--- seed {}: {}; reproduce with `fpaxos run seed-{}.json{plant}` using this scenario:\n",
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
    if let Some(r) = &summary.shrunk {
        // A lower stall passed over is named, so the choice does not look arbitrary.
        let stall = summary.failing.iter().find(|f| f.kind() == "liveness");
        let passed_over = stall.map(|f| f.seed).filter(|&s| s < r.seed);
        text.push_str(&shrink::text(r, a.plant, passed_over));
    } else if a.shrink && !summary.failing.is_empty() {
        text.push_str(
            "\n(--shrink: no failing seed could be shrunk; a simulator panic is not shrunk)\n",
        );
    }
    if summary.failing.len() > a.show && a.out_dir.is_none() {
        let more = summary.failing.len() - a.show;
        text.push_str(&format!(
            "\n(the scenario{} of {more} failing seed{} not printed; --show N prints \
             more, --out-dir DIR writes every one)\n",
            if more == 1 { "" } else { "s" },
            if more == 1 { " is" } else { "s are" },
        ));
    }
    text.push('\n');
    text.push_str(&coverage::text(&summary.coverage, summary.seeds));
    let judged = &summary.liveness_judged;
    text.push_str(&format!(
        "{}; where the rule did not apply, no stall can be found\n",
        judged.describe(summary.seeds)
    ));
    if judged.not_judged.loss_ms * 5.0 > judged.simulated_ms as f64 {
        text.push_str(
            "(to judge liveness through the chaos phases' crashes and partitions as well, run \
             the same seeds again with --loss 0)\n",
        );
    }
    text.push_str(&format!(
        "\nchecked {} seeds ({}..={}{of}): {} failed safety (violation or simulator panic), \
         {} failed liveness (a stall){}\n\
         {} events, {} commits in {:.1} s ({} events/s on {threads} threads)\n",
        summary.seeds,
        summary.start_seed,
        end - 1,
        summary.violations,
        summary.liveness_failures,
        if plant.is_empty() {
            String::new()
        } else {
            format!(
                " with the bug `{}` planted",
                plant.trim_start_matches(" --plant ")
            )
        },
        thousands(summary.events),
        thousands(summary.committed),
        wall,
        si(summary.events_per_sec),
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failing seed: with a violation (safety), a panic, or neither (a stall).
    fn failure(seed: u64, kind: &str) -> SeedFailure {
        let violation = json!({
            "kind": "agreement", "slot": 3, "first": "c0#1", "second": "c1#1",
            "first_node": 0, "node": 1, "time_ns": 5, "message": "two values in slot 3"
        });
        SeedFailure {
            seed,
            panic: (kind == "panic").then(|| "boom".to_string()),
            violations: match kind {
                "safety" => vec![serde_json::from_value(violation).unwrap()],
                _ => Vec::new(),
            },
            stalls: Vec::new(),
            scenario: Scenario::default(),
        }
    }

    /// `--shrink` takes the first seed that broke safety even when stalls come before it, and
    /// the first stall only when no seed broke safety; a panic is never offered.
    #[test]
    fn shrink_takes_a_safety_violation_before_a_lower_stall() {
        let seeds = |fs: &[SeedFailure]| shrink_order(fs).map(|f| f.seed).collect::<Vec<_>>();
        let mixed = [
            failure(103, "liveness"),
            failure(200, "panic"),
            failure(525, "safety"),
            failure(595, "liveness"),
            failure(700, "safety"),
        ];
        assert_eq!(mixed[0].kind(), "liveness");
        assert_eq!(seeds(&mixed), [525, 700, 103, 595]);
        assert_eq!(seeds(&mixed[..2]), [103]);
        assert_eq!(seeds(&mixed[1..2]), Vec::<u64>::new());
    }

    /// The shrunk report names a lower stall it was chosen over, and only then.
    #[test]
    fn a_shrunk_violation_names_the_lower_stall_it_was_chosen_over() {
        let r = ShrunkReport {
            seed: 525,
            failure: "a safety violation (agreement)".into(),
            removed: vec!["faults: 34 -> 6".into()],
            runs: 217,
            budget_exhausted: false,
            scenario: Scenario::default(),
        };
        let with = shrink::text(&r, None, Some(103));
        assert!(
            with.starts_with("\n--- seed 525 (chosen over the stall at seed 103: a safety violation comes first) shrunk in 217 runs;"),
            "{with}"
        );
        let without = shrink::text(&r, None, None);
        assert!(
            without.starts_with("\n--- seed 525 shrunk in 217 runs;"),
            "{without}"
        );
    }
}
