//! Values, ballots and the messages nodes exchange.

use crate::nodeset::NodeId;
use crate::sessions::Sessions;
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

    /// This value with every command `c` replaced by `cmd(c)` (see `Node::map_commands`).
    pub fn map_commands(&self, cmd: &dyn Fn(Command) -> Command) -> Value {
        match self {
            Value::Noop => Value::Noop,
            Value::Cmd(c) => Value::Cmd(cmd(*c)),
            Value::Batch(cs) => Value::Batch(cs.iter().map(|&c| cmd(c)).collect()),
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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PromiseEntry {
    /// The slot.
    pub slot: Slot,
    /// The ballot the value was accepted in.
    pub ballot: Ballot,
    /// The accepted value.
    pub value: Value,
    /// The acceptor knows the value is chosen (from a commit or its own execution). Phase 1
    /// treats such a report as above every ballot; `ballot` stays the one the acceptor actually
    /// accepted in (`ZERO` if it learned the value without accepting it).
    pub chosen: bool,
}

/// Messages between nodes. Each variant wraps a payload struct of the same name, so a handler
/// takes the whole payload and the fields keep their docs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Phase 1a.
    Prepare(Prepare),
    /// Phase 1b.
    Promise(Promise),
    /// A rejection of a stale ballot.
    Nack(Nack),
    /// Phase 2a.
    Accept(Accept),
    /// Phase 2b.
    Accepted(Accepted),
    /// Chosen values.
    Commit(Commit),
    /// Leader liveness and commit index.
    Heartbeat(Heartbeat),
    /// A follower's answer to a heartbeat.
    HeartbeatAck(HeartbeatAck),
    /// State transfer.
    Snapshot(Snapshot),
    /// Pre-vote: "would you vote for me?"
    PreVote(PreVote),
    /// The answer to a pre-vote.
    PreVoteReply(PreVoteReply),
}

impl Msg {
    /// This message with every command `c` it carries replaced by `cmd(c)` and every digest of
    /// an executed prefix by `digest`'s (see `Node::map_commands`); `None` when `digest` does
    /// not know one.
    pub fn map_commands(
        &self,
        cmd: &dyn Fn(Command) -> Command,
        digest: &dyn Fn(u64) -> Option<u64>,
    ) -> Option<Msg> {
        Some(match self {
            Msg::Promise(p) => Msg::Promise(Promise {
                digest: digest(p.digest)?,
                sessions: p.sessions.as_ref().map(|t| Arc::new(map_sessions(t, cmd))),
                entries: p
                    .entries
                    .iter()
                    .map(|e| PromiseEntry {
                        value: e.value.map_commands(cmd),
                        ..e.clone()
                    })
                    .collect(),
                ..p.clone()
            }),
            Msg::Accept(a) => Msg::Accept(Accept {
                value: a.value.map_commands(cmd),
                ..a.clone()
            }),
            Msg::Commit(c) => Msg::Commit(Commit {
                entries: c
                    .entries
                    .iter()
                    .map(|(slot, v)| (*slot, v.map_commands(cmd)))
                    .collect(),
                ..c.clone()
            }),
            Msg::Snapshot(s) => Msg::Snapshot(Snapshot {
                digest: digest(s.digest)?,
                sessions: s.sessions.as_ref().map(|t| Arc::new(map_sessions(t, cmd))),
                ..*s
            }),
            // No command and no digest.
            Msg::Prepare(_)
            | Msg::Nack(_)
            | Msg::Accepted(_)
            | Msg::Heartbeat(_)
            | Msg::HeartbeatAck(_)
            | Msg::PreVote(_)
            | Msg::PreVoteReply(_) => self.clone(),
        })
    }
}

/// `t` with every command `c` it records replaced by `cmd(c)`.
pub(crate) fn map_sessions(t: &Sessions, cmd: &dyn Fn(Command) -> Command) -> Sessions {
    t.map(&|client, seq| {
        let c = cmd(Command { client, seq });
        (c.client, c.seq)
    })
}

/// Phase 1a: "promise me `ballot` and tell me what you accepted from slot `first_slot` on".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Prepare {
    /// The candidate's ballot.
    pub ballot: Ballot,
    /// First slot the candidate does not know to be chosen.
    pub first_slot: Slot,
}

/// Phase 1b: a promise, with the acceptor's accepted entries from the prepare's `first_slot` on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Promise {
    /// The ballot promised.
    pub ballot: Ballot,
    /// The acceptor's first unexecuted slot.
    pub executed: Slot,
    /// Digest of the acceptor's executed log prefix.
    pub digest: u64,
    /// The first slot the acceptor still keeps in its log.
    pub base: Slot,
    /// Accepted entries at or after the prepare's `first_slot`.
    pub entries: Vec<PromiseEntry>,
    /// With client sessions on, when the acceptor has trimmed its log past the prepare's
    /// `first_slot` (the candidate will install this promise's executed prefix as a snapshot):
    /// the client commands that prefix executed.
    pub sessions: Option<Arc<Sessions>>,
}

/// A rejection: the sender has promised a higher ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Nack {
    /// The sender's promised ballot.
    pub promised: Ballot,
}

/// Phase 2a: accept `value` in `slot`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Accept {
    /// The leader's ballot.
    pub ballot: Ballot,
    /// The slot.
    pub slot: Slot,
    /// The value.
    pub value: Value,
    /// Every slot below this one is chosen (piggybacked commit).
    pub commit: Slot,
}

/// Phase 2b: accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Accepted {
    /// The ballot accepted.
    pub ballot: Ballot,
    /// The slot.
    pub slot: Slot,
}

/// Chosen values for nodes that did not see (or missed) the accepts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Commit {
    /// The leader's ballot.
    pub ballot: Ballot,
    /// Every slot below this one is chosen.
    pub commit: Slot,
    /// Chosen `(slot, value)` pairs.
    pub entries: Vec<(Slot, Value)>,
}

/// Leader liveness and commit index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Heartbeat {
    /// The leader's ballot.
    pub ballot: Ballot,
    /// Every slot below this one is chosen.
    pub commit: Slot,
}

/// A follower's answer to a heartbeat: how far it has executed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HeartbeatAck {
    /// The heartbeat's ballot.
    pub ballot: Ballot,
    /// The follower's first unexecuted slot.
    pub executed: Slot,
}

/// State transfer for a follower behind the leader's log base.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Snapshot {
    /// The leader's ballot.
    pub ballot: Ballot,
    /// Executed prefix length.
    pub upto: Slot,
    /// Digest of that prefix.
    pub digest: u64,
    /// The client commands that prefix executed, with client sessions on (`Config::sessions`).
    pub sessions: Option<Arc<Sessions>>,
}

/// Pre-vote: would the receiver vote for the sender if it campaigned? Changes no state at the
/// receiver (no promise), so a node that cannot win never disturbs the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PreVote {
    /// The ballot the sender would campaign with.
    pub ballot: Ballot,
}

/// The answer to a pre-vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PreVoteReply {
    /// The pre-vote's ballot.
    pub ballot: Ballot,
    /// True if the sender has not heard from a live leader within an election timeout.
    pub granted: bool,
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
    /// Pre-vote request.
    PreVote,
    /// Pre-vote answer.
    PreVoteReply,
}

impl MsgKind {
    /// All kinds, in display order.
    pub const ALL: [MsgKind; 13] = [
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
        MsgKind::PreVote,
        MsgKind::PreVoteReply,
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
            MsgKind::PreVote => "pre_vote",
            MsgKind::PreVoteReply => "pre_vote_reply",
        }
    }
}

impl Msg {
    /// This message's kind.
    pub fn kind(&self) -> MsgKind {
        match self {
            Msg::Prepare(_) => MsgKind::Prepare,
            Msg::Promise(_) => MsgKind::Promise,
            Msg::Nack(_) => MsgKind::Nack,
            Msg::Accept(_) => MsgKind::Accept,
            Msg::Accepted(_) => MsgKind::Accepted,
            Msg::Commit(_) => MsgKind::Commit,
            Msg::Heartbeat(_) => MsgKind::Heartbeat,
            Msg::HeartbeatAck(_) => MsgKind::HeartbeatAck,
            Msg::Snapshot(_) => MsgKind::Snapshot,
            Msg::PreVote(_) => MsgKind::PreVote,
            Msg::PreVoteReply(_) => MsgKind::PreVoteReply,
        }
    }

    /// The slot this message is about, if one.
    pub fn slot(&self) -> Option<Slot> {
        match self {
            Msg::Accept(m) => Some(m.slot),
            Msg::Accepted(m) => Some(m.slot),
            Msg::Prepare(m) => Some(m.first_slot),
            _ => None,
        }
    }

    /// The ballot this message carries, if one.
    pub fn ballot(&self) -> Option<Ballot> {
        Some(match self {
            Msg::Prepare(m) => m.ballot,
            Msg::Promise(m) => m.ballot,
            Msg::Accept(m) => m.ballot,
            Msg::Accepted(m) => m.ballot,
            Msg::Commit(m) => m.ballot,
            Msg::Heartbeat(m) => m.ballot,
            Msg::HeartbeatAck(m) => m.ballot,
            Msg::Snapshot(m) => m.ballot,
            Msg::Nack(m) => m.promised,
            Msg::PreVote(m) => m.ballot,
            Msg::PreVoteReply(m) => m.ballot,
        })
    }

    /// Approximate size on the wire in bytes (for bandwidth modelling); `cmd_bytes` per command.
    pub fn wire_bytes(&self, cmd_bytes: u32) -> u32 {
        let header = 24u32;
        let value = |v: &Value| 8 + v.commands().len() as u32 * cmd_bytes;
        let sessions = |t: &Option<Arc<Sessions>>| t.as_ref().map_or(0, |t| t.wire_bytes());
        header
            + match self {
                Msg::Prepare(_) | Msg::Nack(_) | Msg::Accepted(_) => 16,
                Msg::PreVote(_) => 8,
                Msg::PreVoteReply(_) => 12,
                Msg::Heartbeat(_) | Msg::HeartbeatAck(_) => 24,
                Msg::Snapshot(m) => 24 + sessions(&m.sessions),
                Msg::Promise(m) => {
                    32 + m.entries.iter().map(|e| 16 + value(&e.value)).sum::<u32>()
                        + sessions(&m.sessions)
                }
                Msg::Accept(m) => 24 + value(&m.value),
                Msg::Commit(m) => 16 + m.entries.iter().map(|(_, v)| 8 + value(v)).sum::<u32>(),
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
