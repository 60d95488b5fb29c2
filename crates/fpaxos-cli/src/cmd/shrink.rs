//! `fpaxos check --shrink`: the first seed that broke safety (or else the first stall), shrunk
//! to a small scenario that fails the same way (see `fpaxos_sim::shrink`). Candidates of one
//! batch run on all cores.

use super::check::SeedFailure;
use fpaxos::PlantedBug;
use fpaxos_sim::shrink::{fails, shrink, Failure};
use fpaxos_sim::{Scenario, Sim};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A shrunk failure, as `check --json` prints it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShrunkReport {
    /// The seed that was shrunk.
    pub(crate) seed: u64,
    /// How it fails: "a liveness stall", "a safety violation (agreement)", ….
    pub(crate) failure: String,
    /// What was removed or simplified, one line per setting.
    pub(crate) removed: Vec<String>,
    /// Simulator runs spent.
    pub(crate) runs: u32,
    /// The run budget ran out (the scenario may shrink further with a larger `--shrink-runs`).
    pub(crate) budget_exhausted: bool,
    /// The shrunk scenario: `fpaxos run` of it fails the same way.
    pub(crate) scenario: Scenario,
}

/// Shrinks `f` (a safety or liveness failure; a panic is not shrunk) with at most `budget` runs,
/// on `pool`'s threads. `None` when the full run of its scenario does not fail (it always does:
/// check stops a seed early only once it can no longer fail differently).
pub(crate) fn shrink_failure(
    f: &SeedFailure,
    plant: Option<PlantedBug>,
    budget: u32,
    pool: &rayon::ThreadPool,
) -> Option<ShrunkReport> {
    if f.panic.is_some() {
        return None;
    }
    let report = Sim::with_planted(f.scenario.check().ok()?, plant).run_to_end();
    let target = Failure::of(&report)?;
    let out = shrink(&f.scenario, budget, &mut |cands: &[Scenario]| {
        pool.install(|| cands.par_iter().map(|c| fails(c, target, plant)).collect())
    });
    Some(ShrunkReport {
        seed: f.seed,
        failure: target.describe(),
        removed: out.removed,
        runs: out.runs,
        budget_exhausted: out.budget_exhausted,
        scenario: out.scenario,
    })
}

/// The readable form: what was removed, the scenario, how to replay it; `passed_over` is a lower
/// seed that stalled, passed over for this safety violation.
pub(crate) fn text(
    r: &ShrunkReport,
    plant: Option<PlantedBug>,
    passed_over: Option<u64>,
) -> String {
    let plant = plant
        .map(|b| format!(" --plant {}", b.name()))
        .unwrap_or_default();
    let chosen = passed_over
        .map(|s| format!(" (chosen over the stall at seed {s}: a safety violation comes first)"))
        .unwrap_or_default();
    let mut t = format!(
        "\n--- seed {}{chosen} shrunk in {} runs{}; it still fails with {}; removed or simplified:\n",
        r.seed,
        r.runs,
        if r.budget_exhausted {
            " (run budget exhausted; --shrink-runs allows more)"
        } else {
            ""
        },
        r.failure
    );
    for line in &r.removed {
        t.push_str(&format!("  {line}\n"));
    }
    for fault in &r.scenario.faults {
        t.push_str(&format!(
            "  fault kept at {}: {}\n",
            fault.at.readable(),
            fault.action.describe()
        ));
    }
    t.push_str(&format!(
        "reproduce with `fpaxos run seed-{}.shrunk.json{plant}` using this scenario:\n{}\n",
        r.seed,
        r.scenario.to_json_pretty()
    ));
    t
}
