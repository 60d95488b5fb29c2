//! The coverage section of `fpaxos check`: how many seeds reached each situation where
//! consensus bugs hide (`fpaxos_sim::coverage`), and which none reached.

use fpaxos_sim::coverage::Coverage;
use serde::{Deserialize, Serialize};

/// Coverage over the seeds of a check (`--json`: `coverage`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoverageSummary {
    /// Seeds that reached each situation at least once.
    pub(crate) seeds_reaching: Coverage,
    /// Times each situation happened, over all seeds.
    pub(crate) occurrences: Coverage,
}

impl CoverageSummary {
    /// Adds one seed's run.
    pub(crate) fn add_run(&mut self, c: &Coverage) {
        self.seeds_reaching = self.seeds_reaching.plus(&c.reached());
        self.occurrences = self.occurrences.plus(c);
    }

    /// Two shards' coverage together.
    pub(crate) fn plus(&self, o: &CoverageSummary) -> CoverageSummary {
        CoverageSummary {
            seeds_reaching: self.seeds_reaching.plus(&o.seeds_reaching),
            occurrences: self.occurrences.plus(&o.occurrences),
        }
    }
}

/// One line per situation, and a warning naming those no seed reached.
pub(crate) fn text(c: &CoverageSummary, seeds: u64) -> String {
    let reach = c.seeds_reaching.counts();
    let times = c.occurrences.counts();
    let mut t = String::from("coverage (seeds that reached each situation):\n");
    let mut never = Vec::new();
    for (i, (_, what)) in Coverage::SITUATIONS.iter().enumerate() {
        if reach[i] == 0 {
            never.push(*what);
            t.push_str(&format!("  {what:<48} never\n"));
        } else {
            t.push_str(&format!(
                "  {what:<48} {} of {seeds} seeds ({} times)\n",
                reach[i], times[i]
            ));
        }
    }
    if !never.is_empty() {
        t.push_str(&format!(
            "  NOT REACHED by any of these {seeds} seeds: {}; this check says nothing about \
             bugs that need them (try more seeds, or pins such as --thrifty)\n",
            never.join("; ")
        ));
    }
    t
}
