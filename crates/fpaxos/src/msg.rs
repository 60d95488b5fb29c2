//! Values, ballots and the messages nodes exchange.

use crate::nodeset::NodeId;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Simulated time in nanoseconds. The core never reads a clock: time is always an argument.
pub type Time = u64;

/// A log position.
pub type Slot = u64;

/// A ballot: `(round, node)` packed so that ordering compares the round first.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Ballot(pub u64);

impl Ballot {
    /// The ballot below every real ballot.
    pub const ZERO: Ballot = Ballot(0);

    /// The ballot of `round` owned by `node`.
    pub fn new(round: u32, node: NodeId) -> Ballot {
        Ballot((round as u64) << 8 | node as u64)
    }

    /// The round number.
    pub fn round(self) -> u32 {
        (self.0 >> 8) as u32
    }

    /// The node that owns this ballot.
    pub fn node(self) -> NodeId {
        (self.0 & 0xff) as NodeId
    }
}

impl std::fmt::Display for Ballot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.round(), self.node())
    }
}

/// A client command: which client sent it and its sequence number at that client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Command {
    /// Client id.
    pub client: u32,
    /// Per-client sequence number, starting at 1.
    pub seq: u32,
}

/// What a slot holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// Fills a gap found by a new leader.
    #[default]
    Noop,
    /// One client command.
    Cmd(Command),
    /// Several client commands batched into one slot.
    Batch(Arc<[Command]>),
}

impl Value {
    /// A stable 64-bit fingerprint (the same on every platform).
    pub fn fingerprint(&self) -> u64 {
        match self {
            Value::Noop => 0x6e6f_6f70,
            Value::Cmd(c) => cmd_fp(*c),
            Value::Batch(cs) => cs
                .iter()
                .fold(0xb47c_u64, |h, c| mix(h ^ cmd_fp(*c)).rotate_left(7)),
        }
    }

    /// The commands this value carries.
    pub fn commands(&self) -> &[Command] {
        match self {
            Value::Noop => &[],
            Value::Cmd(c) => std::slice::from_ref(c),
            Value::Batch(cs) => cs,
        }
    }

    /// Short text for traces and tooltips.
    pub fn describe(&self) -> String {
        match self {
            Value::Noop => "no-op".into(),
            Value::Cmd(c) => format!("c{}#{}", c.client, c.seq),
            Value::Batch(cs) => format!("batch of {}", cs.len()),
        }
    }
}

fn cmd_fp(c: Command) -> u64 {
    mix(((c.client as u64) << 32 | c.seq as u64) ^ 0x9e37_79b9_7f4a_7c15)
}

/// A 64-bit finalizer (splitmix64): stable and well mixed.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One accepted log entry reported in a promise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromiseEntry {
    /// The slot.
    pub slot: Slot,
    /// The ballot the value was accepted in.
    pub ballot: Ballot,
    /// The accepted value.
    pub value: Value,
}

/// Messages between nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Phase 1a: "promise me `ballot` and tell me what you accepted from slot `from` on".
    Prepare {
        /// The candidate's ballot.
        ballot: Ballot,
        /// First slot the candidate does not know to be chosen.
        from: Slot,
    },
    /// Phase 1b: a promise, with the acceptor's accepted entries from `from` on.
    Promise {
        /// The ballot promised.
        ballot: Ballot,
        /// The acceptor's first unexecuted slot.
        executed: Slot,
        /// Digest of the acceptor's executed log prefix.
        digest: u64,
        /// The first slot the acceptor still keeps in its log.
        base: Slot,
        /// Accepted entries at or after the prepare's `from`.
        entries: Vec<PromiseEntry>,
    },
    /// A rejection: the sender has promised a higher ballot.
    Nack {
        /// The sender's promised ballot.
        promised: Ballot,
    },
    /// Phase 2a: accept `value` in `slot`.
    Accept {
        /// The leader's ballot.
        ballot: Ballot,
        /// The slot.
        slot: Slot,
        /// The value.
        value: Value,
        /// Every slot below this one is chosen (piggybacked commit).
        commit: Slot,
    },
    /// Phase 2b: accepted.
    Accepted {
        /// The ballot accepted.
        ballot: Ballot,
        /// The slot.
        slot: Slot,
    },
    /// Chosen values for nodes that did not see (or missed) the accepts.
    Commit {
        /// The leader's ballot.
        ballot: Ballot,
        /// Every slot below this one is chosen.
        commit: Slot,
        /// Chosen `(slot, value)` pairs.
        entries: Vec<(Slot, Value)>,
    },
    /// Leader liveness and commit index.
    Heartbeat {
        /// The leader's ballot.
        ballot: Ballot,
        /// Every slot below this one is chosen.
        commit: Slot,
    },
    /// A follower's answer to a heartbeat: how far it has executed.
    HeartbeatAck {
        /// The heartbeat's ballot.
        ballot: Ballot,
        /// The follower's first unexecuted slot.
        executed: Slot,
    },
    /// State transfer for a follower behind the leader's log base.
    Snapshot {
        /// The leader's ballot.
        ballot: Ballot,
        /// Executed prefix length.
        upto: Slot,
        /// Digest of that prefix.
        digest: u64,
    },
}

/// Message kinds, for metrics and drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MsgKind {
    /// Client request.
    Request,
    /// Reply or redirect to a client.
    Reply,
    /// Phase 1a.
    Prepare,
    /// Phase 1b.
    Promise,
    /// Rejection.
    Nack,
    /// Phase 2a.
    Accept,
    /// Phase 2b.
    Accepted,
    /// Chosen values.
    Commit,
    /// Leader heartbeat.
    Heartbeat,
    /// Heartbeat answer.
    HeartbeatAck,
    /// State transfer.
    Snapshot,
}

impl MsgKind {
    /// All kinds, in display order.
    pub const ALL: [MsgKind; 11] = [
        MsgKind::Request,
        MsgKind::Reply,
        MsgKind::Prepare,
        MsgKind::Promise,
        MsgKind::Nack,
        MsgKind::Accept,
        MsgKind::Accepted,
        MsgKind::Commit,
        MsgKind::Heartbeat,
        MsgKind::HeartbeatAck,
        MsgKind::Snapshot,
    ];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            MsgKind::Request => "request",
            MsgKind::Reply => "reply",
            MsgKind::Prepare => "prepare",
            MsgKind::Promise => "promise",
            MsgKind::Nack => "nack",
            MsgKind::Accept => "accept",
            MsgKind::Accepted => "accepted",
            MsgKind::Commit => "commit",
            MsgKind::Heartbeat => "heartbeat",
            MsgKind::HeartbeatAck => "heartbeat_ack",
            MsgKind::Snapshot => "snapshot",
        }
    }
}

impl Msg {
    /// This message's kind.
    pub fn kind(&self) -> MsgKind {
        match self {
            Msg::Prepare { .. } => MsgKind::Prepare,
            Msg::Promise { .. } => MsgKind::Promise,
            Msg::Nack { .. } => MsgKind::Nack,
            Msg::Accept { .. } => MsgKind::Accept,
            Msg::Accepted { .. } => MsgKind::Accepted,
            Msg::Commit { .. } => MsgKind::Commit,
            Msg::Heartbeat { .. } => MsgKind::Heartbeat,
            Msg::HeartbeatAck { .. } => MsgKind::HeartbeatAck,
            Msg::Snapshot { .. } => MsgKind::Snapshot,
        }
    }

    /// The slot this message is about, if one.
    pub fn slot(&self) -> Option<Slot> {
        match self {
            Msg::Accept { slot, .. } | Msg::Accepted { slot, .. } => Some(*slot),
            Msg::Prepare { from, .. } => Some(*from),
            _ => None,
        }
    }

    /// The ballot this message carries, if one.
    pub fn ballot(&self) -> Option<Ballot> {
        match self {
            Msg::Prepare { ballot, .. }
            | Msg::Promise { ballot, .. }
            | Msg::Accept { ballot, .. }
            | Msg::Accepted { ballot, .. }
            | Msg::Commit { ballot, .. }
            | Msg::Heartbeat { ballot, .. }
            | Msg::HeartbeatAck { ballot, .. }
            | Msg::Snapshot { ballot, .. } => Some(*ballot),
            Msg::Nack { promised } => Some(*promised),
        }
    }

    /// Approximate size on the wire in bytes (for bandwidth modelling); `cmd_bytes` per command.
    pub fn wire_bytes(&self, cmd_bytes: u32) -> u32 {
        let header = 24u32;
        let value = |v: &Value| 8 + v.commands().len() as u32 * cmd_bytes;
        header
            + match self {
                Msg::Prepare { .. } | Msg::Nack { .. } | Msg::Accepted { .. } => 16,
                Msg::Heartbeat { .. } | Msg::HeartbeatAck { .. } | Msg::Snapshot { .. } => 24,
                Msg::Promise { entries, .. } => {
                    32 + entries.iter().map(|e| 16 + value(&e.value)).sum::<u32>()
                }
                Msg::Accept { value: v, .. } => 24 + value(v),
                Msg::Commit { entries, .. } => {
                    16 + entries.iter().map(|(_, v)| 8 + value(v)).sum::<u32>()
                }
            }
    }
}

/// What a node tells a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientReply {
    /// The command was executed.
    Done(Command),
    /// This node is not the leader; try `leader` if known.
    Redirect {
        /// The command being redirected.
        cmd: Command,
        /// The leader this node believes in.
        leader: Option<NodeId>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballot_order() {
        assert!(Ballot::new(2, 0) > Ballot::new(1, 7));
        assert!(Ballot::new(1, 3) > Ballot::new(1, 2));
        assert_eq!(Ballot::new(5, 9).round(), 5);
        assert_eq!(Ballot::new(5, 9).node(), 9);
    }

    #[test]
    fn fingerprints_are_stable() {
        // Golden values: these must never change (trace hashes depend on them).
        assert_eq!(Value::Noop.fingerprint(), 0x6e6f_6f70);
        let c = Command { client: 1, seq: 2 };
        assert_eq!(Value::Cmd(c).fingerprint(), cmd_fp(c));
        assert_ne!(
            Value::Cmd(c).fingerprint(),
            Value::Cmd(Command { client: 2, seq: 1 }).fingerprint()
        );
    }
}
