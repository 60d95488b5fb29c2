//! Coverage: how often a run reached the situations where consensus bugs hide ("sometimes"
//! properties, in the style of Antithesis and TigerBeetle's VOPR). A swarm check that passes
//! says little about a situation it never reached; `fpaxos check` sums these counts over its
//! seeds and names every situation no seed reached.
//!
//! The counts are observations: taken from the node's coverage events and from the simulator's
//! own state, they schedule nothing and draw no random number, so a run with them is the run
//! without them (the trace hash does not cover them).

use fpaxos::{Event, NodeId, NodeSet, Slot};
use serde::{Deserialize, Serialize};

/// Times each situation happened in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Coverage {
    /// Elections won while a slot was proposed (an Accept sent) beyond the highest slot chosen
    /// so far: a leader change with proposals in flight, which the new leader must recover or
    /// fill.
    pub leader_change_in_flight: u64,
    /// Elections whose Q1 included an acceptor that promised with an executed prefix behind the
    /// candidate's.
    pub q1_through_lagging: u64,
    /// Slots where phase 1 recovered a value other than what the new leader held there.
    pub recovery_changed_slot: u64,
    /// Slots chosen by a Q2 of the smallest size the quorum system allows.
    pub q2_at_minimum: u64,
    /// Snapshots installed: state transfer to a node behind the trimmed log.
    pub state_transfer: u64,
    /// Retransmits of a thrifty leader that widened beyond its thrifty Q2.
    pub thrifty_fallback: u64,
}

impl Coverage {
    /// Each situation's JSON key and description, in the order of [`Coverage::counts`].
    pub const SITUATIONS: [(&'static str, &'static str); 6] = [
        (
            "leader_change_in_flight",
            "a leader change with proposals in flight",
        ),
        (
            "q1_through_lagging",
            "a Q1 formed through a lagging acceptor",
        ),
        (
            "recovery_changed_slot",
            "value recovery that changed a slot",
        ),
        ("q2_at_minimum", "a slot chosen by a Q2 at its minimum size"),
        ("state_transfer", "state transfer (a snapshot installed)"),
        ("thrifty_fallback", "thrifty fallback beyond the Q2"),
    ];

    /// The counts, in the order of [`Coverage::SITUATIONS`].
    pub fn counts(&self) -> [u64; 6] {
        [
            self.leader_change_in_flight,
            self.q1_through_lagging,
            self.recovery_changed_slot,
            self.q2_at_minimum,
            self.state_transfer,
            self.thrifty_fallback,
        ]
    }

    /// A coverage from counts in the order of [`Coverage::SITUATIONS`].
    pub fn from_counts(c: [u64; 6]) -> Coverage {
        Coverage {
            leader_change_in_flight: c[0],
            q1_through_lagging: c[1],
            recovery_changed_slot: c[2],
            q2_at_minimum: c[3],
            state_transfer: c[4],
            thrifty_fallback: c[5],
        }
    }

    /// The sum of two coverages, situation by situation (saturating).
    pub fn plus(&self, other: &Coverage) -> Coverage {
        let (a, b) = (self.counts(), other.counts());
        Coverage::from_counts(std::array::from_fn(|i| a[i].saturating_add(b[i])))
    }

    /// 1 for each situation reached at least once, else 0: summed over runs, the number of
    /// runs that reached it.
    pub fn reached(&self) -> Coverage {
        Coverage::from_counts(self.counts().map(|c| u64::from(c > 0)))
    }
}

/// Counts situations as the simulator reports node events to it.
#[derive(Clone, Debug)]
pub(crate) struct CoverageMonitor {
    pub(crate) counts: Coverage,
    /// Per candidate: acceptors that promised while lagging, in its current campaign.
    lagging: Vec<NodeSet>,
    /// The smallest Q2 size of the quorum system.
    min_q2: usize,
    /// One past the highest slot any Accept was sent for, and one past the highest chosen.
    proposed_end: Slot,
    chosen_end: Slot,
}

impl CoverageMonitor {
    pub(crate) fn new(nodes: usize, min_q2: usize) -> CoverageMonitor {
        CoverageMonitor {
            counts: Coverage::default(),
            lagging: vec![NodeSet::EMPTY; nodes],
            min_q2,
            proposed_end: 0,
            chosen_end: 0,
        }
    }

    /// An Accept for `slot` was sent.
    #[inline]
    pub(crate) fn proposed(&mut self, slot: Slot) {
        self.proposed_end = self.proposed_end.max(slot + 1);
    }

    /// A node event.
    pub(crate) fn event(&mut self, id: NodeId, e: &Event) {
        let c = &mut self.counts;
        match *e {
            Event::ElectionStarted { .. } => self.lagging[id as usize] = NodeSet::EMPTY,
            Event::LaggingPromise { from } => self.lagging[id as usize].insert(from),
            Event::Elected { quorum, .. } => {
                if quorum.intersects(self.lagging[id as usize]) {
                    c.q1_through_lagging += 1;
                }
                if self.proposed_end > self.chosen_end {
                    c.leader_change_in_flight += 1;
                }
            }
            Event::ValueRecovered { .. } => c.recovery_changed_slot += 1,
            Event::Chosen { slot, quorum, .. } => {
                self.chosen_end = self.chosen_end.max(slot + 1);
                if quorum.len() == self.min_q2 {
                    c.q2_at_minimum += 1;
                }
            }
            Event::ThriftyFallback { .. } => c.thrifty_fallback += 1,
            Event::SteppedDown { .. } => {}
        }
    }

    /// A node installed a snapshot.
    pub(crate) fn state_transfer(&mut self) {
        self.counts.state_transfer += 1;
    }
}
