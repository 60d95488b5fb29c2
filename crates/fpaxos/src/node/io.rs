//! The node's interface: its configuration, the inputs it handles, the outputs it writes, its
//! timers and its role.

use super::{Event, PlantedBug};
use crate::msg::{ClientReply, Command, Msg, Slot, Time, Value};
use crate::nodeset::NodeId;
use crate::quorum::QuorumSystem;
use std::sync::Arc;

/// Static configuration of a node.
#[derive(Clone, Debug)]
pub struct Config {
    /// This node's id.
    pub id: NodeId,
    /// The quorum system (shared by all nodes).
    pub quorums: Arc<QuorumSystem>,
    /// Send phase-1/phase-2 messages to a chosen quorum only, falling back to all on timeout.
    pub thrifty: bool,
    /// Most slots proposed but not yet executed.
    pub window: u32,
    /// Most client commands per slot.
    pub batch: u32,
    /// Leader heartbeat interval.
    pub heartbeat: Time,
    /// Election timeout (the caller adds up to the same again as random jitter).
    pub election_timeout: Time,
    /// Time after which unanswered accepts/prepares are resent to every node.
    pub retransmit: Time,
    /// Chosen entries buffered before a thrifty leader sends them to nodes outside its quorum.
    pub commit_batch: u32,
    /// Executed entries kept in the log for lagging peers.
    pub log_retain: u64,
    /// Start an election at once (the initial leader).
    pub bootstrap: bool,
    /// Check-quorum: a leader that has not heard, within an election timeout, from a set of
    /// nodes that forms a Q2 with itself steps down (a Q2, not a Q1: an FPaxos leader keeps
    /// leading with only a Q2 alive). Without it a leader that can send but not receive keeps
    /// followers quiet with heartbeats and stalls the cluster forever.
    pub check_quorum: bool,
    /// Pre-vote (off by default, as in etcd): a follower whose election timer fires first asks
    /// every node whether it would vote, and bumps its ballot only once a Q1 (itself included)
    /// grants. A node grants only if it has not heard from a live leader within an election
    /// timeout, so a node that was cut off alone cannot depose a healthy leader when it rejoins.
    pub pre_vote: bool,
    /// Client sessions (off by default): the node records the client commands it executes
    /// (`crate::sessions`), and a leader or candidate answers a resend of one with `Done` at
    /// once instead of proposing it again; state transfers carry the record.
    pub sessions: bool,
    /// A deliberately planted bug (`None` in every real run): the checkers are trusted only
    /// once each has been seen to catch a planted bug, in tests and with `fpaxos check --plant`.
    pub planted: Option<PlantedBug>,
}

/// The node's timers. Arming a timer replaces its previous deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// Followers: has the leader been silent too long? Candidates: retry with a higher ballot.
    Election,
    /// Leader: send heartbeats and flush buffered commits.
    Heartbeat,
    /// Leader/candidate: resend unanswered accepts/prepares to every node.
    Retransmit,
}

impl Timer {
    /// Number of timer kinds.
    pub const COUNT: usize = 3;

    /// Dense index for tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// An input to a node.
#[derive(Clone, Debug)]
pub enum Input {
    /// A message from another node.
    Message {
        /// Sender.
        from: NodeId,
        /// The message.
        msg: Msg,
    },
    /// A timer armed earlier fired.
    Timer(Timer),
    /// A client command.
    Request {
        /// Client id.
        client: u32,
        /// The command.
        cmd: Command,
    },
}

/// An output of a node.
#[derive(Clone, Debug)]
pub enum Output {
    /// Send `msg` to node `to`.
    Send {
        /// Destination.
        to: NodeId,
        /// The message.
        msg: Msg,
    },
    /// Answer a client.
    Reply {
        /// Client id.
        client: u32,
        /// The answer.
        reply: ClientReply,
    },
    /// Arm `timer` to fire after `after` plus a random delay in `0..jitter` chosen by the caller.
    SetTimer {
        /// Which timer.
        timer: Timer,
        /// Base delay.
        after: Time,
        /// Random extra delay bound (0: none).
        jitter: Time,
    },
    /// `slot` was executed with `value` (emitted in slot order, once per slot).
    Decided {
        /// The slot.
        slot: Slot,
        /// The chosen value.
        value: Value,
        /// `value`'s [`Value::fingerprint`] (the node computes it for its digest anyway).
        fingerprint: u64,
        /// With client sessions: the commands of `value` the node had executed before (in an
        /// earlier slot, or in the snapshot it installed), which it does not apply again, so
        /// that a command chosen twice runs once. Empty without sessions.
        repeats: Vec<Command>,
    },
    /// The node skipped to `upto` by state transfer; `digest` covers the skipped prefix.
    SnapshotInstalled {
        /// New executed prefix length.
        upto: Slot,
        /// Digest of that prefix.
        digest: u64,
    },
    /// Something to draw or count.
    Event(Event),
}

/// A node's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Accepts what the leader proposes.
    Follower,
    /// Running phase 1.
    Candidate,
    /// Completed phase 1; runs phase 2 for client commands.
    Leader,
}
