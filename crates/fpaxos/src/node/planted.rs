//! Known bugs that can be planted in every node, so each checker is seen to catch one
//! (`fpaxos check --plant`, and the tests that prove the liveness monitor). `None` in every
//! real run.

use super::Node;

/// A known bug that can be planted in every node to prove a checker catches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlantedBug {
    /// A candidate never retries: no re-election when its election timer fires and no resent
    /// Prepare on its retransmit timer. A first attempt that fails leaves it a candidate forever
    /// (a liveness bug: safety is untouched).
    NoElectionRetry,
}

impl PlantedBug {
    /// Every planted bug, for command-line parsing and listings.
    pub const ALL: [PlantedBug; 1] = [PlantedBug::NoElectionRetry];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PlantedBug::NoElectionRetry => "no-election-retry",
        }
    }

    /// Looks a bug up by [`PlantedBug::name`].
    pub fn parse(name: &str) -> Option<PlantedBug> {
        PlantedBug::ALL.into_iter().find(|b| b.name() == name)
    }
}

impl Node {
    /// Whether a candidate retries its election (re-election on timeout, resent Prepares):
    /// always, unless [`PlantedBug::NoElectionRetry`] is planted.
    pub(super) fn retries_elections(&self) -> bool {
        self.cfg.planted != Some(PlantedBug::NoElectionRetry)
    }
}
