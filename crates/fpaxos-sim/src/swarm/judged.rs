//! How much the liveness rule judged over a set of seeds, summed as `fpaxos check`, `fpaxos
//! merge` and the page's hunt report it.

use crate::liveness::NotJudged;
use crate::Report;
use serde::{Deserialize, Serialize};

/// How much the liveness rule judged over a set of seeds: a seed in which it never applied (no
/// healthy set with requests pending, loss, a slow node, overload) says nothing about liveness,
/// so "no stall" means only as much as this. Whole milliseconds per seed, so sums are exact in
/// any order (merged shards and parallel workers give the same numbers).
#[derive(Serialize, Deserialize, Default, Clone, Copy, PartialEq, Debug)]
pub struct LivenessJudged {
    /// Seeds in which the rule applied for some time.
    pub seeds: u64,
    /// Time the rule applied, summed over the seeds (ms).
    pub judged_ms: u64,
    /// Simulated time, summed over the seeds (ms).
    pub simulated_ms: u64,
    /// The rest of the simulated time by why the rule did not apply, summed over the seeds
    /// (whole ms per seed, so that sums in any order are equal).
    #[serde(default)]
    pub not_judged: NotJudged,
}

impl std::iter::Sum for LivenessJudged {
    fn sum<I: Iterator<Item = LivenessJudged>>(iter: I) -> LivenessJudged {
        iter.fold(LivenessJudged::default(), LivenessJudged::plus)
    }
}

impl LivenessJudged {
    /// One seed's run.
    pub fn of(r: &Report) -> LivenessJudged {
        LivenessJudged {
            seeds: u64::from(r.liveness.judged_ms > 0.0),
            judged_ms: r.liveness.judged_ms.round() as u64,
            simulated_ms: r.sim.simulated_ms.round() as u64,
            not_judged: r.liveness.not_judged.rounded(),
        }
    }

    /// Both sets of seeds together.
    pub fn plus(self, o: LivenessJudged) -> LivenessJudged {
        LivenessJudged {
            seeds: self.seeds + o.seeds,
            judged_ms: self.judged_ms + o.judged_ms,
            simulated_ms: self.simulated_ms + o.simulated_ms,
            not_judged: self.not_judged.plus(o.not_judged),
        }
    }

    /// "liveness judged in K of N seeds, for X s of Y s simulated (P %); not judged: a node
    /// slowed 21 %, ...", the reasons largest first.
    pub fn describe(&self, of_seeds: u64) -> String {
        let judged = format!(
            "liveness judged in {} of {of_seeds} seeds, for {:.1} s of {:.1} s simulated ({:.0} %)",
            self.seeds,
            self.judged_ms as f64 / 1e3,
            self.simulated_ms as f64 / 1e3,
            self.judged_ms as f64 * 100.0 / self.simulated_ms.max(1) as f64,
        );
        match self.not_judged.describe(self.simulated_ms as f64) {
            rest if rest.is_empty() => judged,
            rest => format!("{judged}; not judged: {rest}"),
        }
    }
}
