//! What a node reports besides messages: elections, choices, and the coverage events the
//! swarm counts.

use crate::msg::{Ballot, Slot};
use crate::nodeset::{NodeId, NodeSet};

/// Something worth drawing or counting that is not a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// This node started phase 1 with `ballot`.
    ElectionStarted {
        /// The new ballot.
        ballot: Ballot,
    },
    /// Phase 1 completed: this node leads `ballot`, with promises from `quorum`.
    Elected {
        /// The ballot.
        ballot: Ballot,
        /// The Q1 that promised.
        quorum: NodeSet,
    },
    /// This node stopped leading (or campaigning) because it saw `seen`.
    SteppedDown {
        /// Its own ballot.
        ballot: Ballot,
        /// The higher ballot seen.
        seen: Ballot,
    },
    /// Phase 2 completed for `slot`: the leader learned it is chosen from `quorum`.
    Chosen {
        /// The slot.
        slot: Slot,
        /// The ballot.
        ballot: Ballot,
        /// The Q2 that accepted (leader included).
        quorum: NodeSet,
        /// [`Value::fingerprint`](crate::msg::Value::fingerprint) of the chosen value, so that a checker can compare what is
        /// chosen, not only what is executed.
        fingerprint: u64,
    },
    /// A promise for this candidate's ballot came from an acceptor whose executed prefix is
    /// behind the candidate's: if the Q1 forms, it forms through a lagging acceptor. Counted by
    /// the swarm's coverage report; changes nothing.
    LaggingPromise {
        /// The lagging acceptor.
        from: NodeId,
    },
    /// Phase 1 recovered, for `slot`, a value other than what this new leader held there
    /// (nothing, or another value): value recovery changed the slot. Coverage only.
    ValueRecovered {
        /// The slot.
        slot: Slot,
    },
    /// The retransmit timer resent overdue accepts to nodes outside the thrifty Q2: the
    /// thrifty leader fell back to everyone who had not acknowledged. Coverage only.
    ThriftyFallback {
        /// The nodes beyond the thrifty Q2 that were sent to.
        to: NodeSet,
    },
}
