//! Read-only views of a running simulation, for drawing it.

use super::Sim;
use crate::trace::Endpoint;
use fpaxos::{MsgKind, NodeId, NodeSet, Role, Slot, Time};

/// A message in flight, for drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlightView {
    /// Message id (use it to drop the message).
    pub id: u64,
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// Kind.
    pub kind: MsgKind,
    /// Send time.
    pub sent_at: Time,
    /// Arrival time.
    pub deliver_at: Time,
}

/// A node's state, for drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeView {
    /// Node id.
    pub id: NodeId,
    /// Role.
    pub role: Role,
    /// Down?
    pub crashed: bool,
    /// Own ballot (candidate/leader) or promised ballot.
    pub ballot: u64,
    /// Executed slots.
    pub executed: Slot,
    /// One past the highest accepted slot.
    pub log_end: Slot,
    /// Messages waiting for the CPU.
    pub inbox: usize,
    /// CPU slow-down factor.
    pub slow: f64,
}

/// The latest completed quorum, for highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuorumMark {
    /// Phase 1 or 2.
    pub phase: fpaxos::Phase,
    /// The quorum.
    pub quorum: NodeSet,
    /// The leader.
    pub leader: NodeId,
    /// When.
    pub at: Time,
}

impl Sim {
    /// Node states.
    pub fn node_views(&self) -> Vec<NodeView> {
        self.nodes
            .iter()
            .map(|s| NodeView {
                id: s.node.id(),
                role: s.node.role(),
                crashed: s.crashed,
                ballot: if s.node.role() == Role::Follower {
                    s.node.promised().0
                } else {
                    s.node.ballot().0
                },
                executed: s.node.executed(),
                log_end: s.node.log_end(),
                inbox: s.inbox.len(),
                slow: s.slow,
            })
            .collect()
    }

    /// Messages in flight.
    pub fn in_flight(&self) -> impl Iterator<Item = FlightView> + '_ {
        self.flights.iter().flatten().map(|f| f.msg)
    }

    /// The safety violations the checker has recorded so far, first first (for finding the
    /// moment a run breaks: [`crate::cue`]).
    pub fn violations(&self) -> &[crate::checker::Violation] {
        self.checker.violations()
    }

    /// The latest quorum that completed a phase.
    pub fn last_quorum(&self) -> Option<QuorumMark> {
        self.last_quorum
    }
}
