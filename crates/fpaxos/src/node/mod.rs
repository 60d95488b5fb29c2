//! One FPaxos node: proposer, acceptor and learner in a single sans-IO state machine.
//!
//! Drive it with [`Node::start`] once, then [`Node::handle`] for every input. Each call appends
//! the node's reactions to the caller's output buffer; the caller must carry them out (send the
//! messages, arm the timers) before the next call. The node never reads a clock or draws a random
//! number: `now` is an argument and the jitter of election timers is left to the caller.
//!
//! Durable state (what survives [`Node::recover`]): the promised ballot, the log of accepted and
//! chosen entries, the executed prefix and its digest. Everything else is volatile.
//!
//! Client guarantee without client sessions: **at-least-once**. A leader answers `Done` once
//! per command it executes; a command it cannot see through (queued when it steps down, or
//! proposed in a slot a state transfer skips) gets a `Redirect`, never silence. The client then
//! resends, and a command that was in fact chosen (inside the snapshot, or re-proposed by the
//! next leader) can execute twice. With `Config::sessions` the node records the commands its
//! executed prefix holds (`crate::sessions`): a leader answers a resend of one at once instead
//! of proposing it again, and a command chosen twice (two copies proposed before either
//! executed) is applied once: `Output::Decided::repeats` lists the commands of a slot the node
//! skips as executed before. Every node skips the same ones, since its record is a function of
//! the agreed prefix (the simulator's checker holds it to that).

mod event;
mod fingerprint;
mod io;
mod learn;
mod phase1;
mod phase2;
mod planted;
mod prevote;
mod queue;
mod settled;
mod thrifty;
mod timers;

pub use event::Event;
pub use io::{Config, Input, Output, Role, Timer};
pub use planted::PlantedBug;

use crate::msg::{mix, Accept, Ballot, ClientReply, Command, Msg, Nack, Slot, Time, Value};
use crate::nodeset::{NodeId, NodeSet};
use crate::sessions::Sessions;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Most entries sent in one catch-up `Commit`.
const CATCH_UP_MAX: u64 = 256;
/// Most client commands a leader queues before dropping new ones (clients retry).
const MAX_QUEUE: usize = 1 << 16;

#[derive(Clone, Debug, Default, Hash)]
struct Entry {
    /// Ballot the value was accepted in (`ZERO`: nothing accepted).
    ballot: Ballot,
    value: Value,
    chosen: bool,
    /// Leader only: who accepted at the leader's ballot.
    acks: NodeSet,
    /// Leader only: who the accept went to.
    sent_to: NodeSet,
    /// Leader only: when it was (re)sent.
    proposed_at: Time,
}

impl Entry {
    /// The phase-2a message for this entry, at the ballot it holds.
    fn accept_msg(&self, slot: Slot, commit: Slot) -> Msg {
        Msg::Accept(Accept {
            ballot: self.ballot,
            slot,
            value: self.value.clone(),
            commit,
        })
    }
}

/// Advances a log digest by one executed value.
pub fn digest_step(digest: u64, slot: Slot, value: &Value) -> u64 {
    digest_step_fp(digest, slot, value.fingerprint())
}

/// [`digest_step`] for a value whose [`Value::fingerprint`] is `fingerprint`.
#[inline]
pub fn digest_step_fp(digest: u64, slot: Slot, fingerprint: u64) -> u64 {
    mix(digest ^ fingerprint.wrapping_add(slot.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
}

/// Sends `msg` to every node in `to`: copies to all but the last, which gets `msg` itself.
fn send(to: NodeSet, msg: Msg, out: &mut Vec<Output>) {
    let mut rest = to.iter();
    let Some(mut t) = rest.next() else { return };
    for next in rest {
        out.push(Output::Send {
            to: t,
            msg: msg.clone(),
        });
        t = next;
    }
    out.push(Output::Send { to: t, msg });
}

/// A Flexible Paxos node.
#[derive(Clone, Debug)]
pub struct Node {
    cfg: Config,
    n: usize,
    all: NodeSet,
    // Durable.
    promised: Ballot,
    log: VecDeque<Entry>,
    base: Slot,
    executed: Slot,
    digest: u64,
    /// With `Config::sessions`: the client commands of the executed prefix (shared with the
    /// snapshots sent of it until the next execution).
    sessions: Arc<Sessions>,
    // Volatile.
    role: Role,
    ballot: Ballot,
    leader_hint: Option<NodeId>,
    known_commit: (Ballot, Slot),
    last_contact: Time,
    /// Until then a leader is known live (heard from it): prepares are ignored (with
    /// check-quorum) and pre-votes denied.
    lease_until: Time,
    // Candidate.
    promises: NodeSet,
    /// Who this candidate has sent its prepare to (its own id excluded).
    p1_asked: NodeSet,
    p1_values: BTreeMap<Slot, (Ballot, Value)>,
    /// The longest executed prefix a promiser has trimmed past ours: its length, digest and
    /// (with sessions) client commands, installed when the campaign wins.
    p1_snapshot: Option<(Slot, u64, Option<Arc<Sessions>>)>,
    // Follower asking for pre-votes: the ballot it would campaign with, and who granted.
    pre_ballot: Option<Ballot>,
    pre_votes: NodeSet,
    // Leader.
    next_slot: Slot,
    queue: queue::CmdQueue,
    learn_buf: Vec<(Slot, Value)>,
    learn_to: NodeSet,
    suspected: NodeSet,
    thrifty_q2: NodeSet,
    /// Commit index sent in the latest heartbeat.
    hb_commit: Slot,
    /// Check-quorum: nodes heard at our ballot since `heard_since`.
    heard: NodeSet,
    /// Check-quorum: start of the current window (election, or the last successful check).
    heard_since: Time,
}

impl Node {
    /// A fresh node with an empty log.
    pub fn new(cfg: Config) -> Node {
        let n = cfg.quorums.n();
        Node {
            n,
            all: NodeSet::all(n),
            promised: Ballot::ZERO,
            log: VecDeque::new(),
            base: 0,
            executed: 0,
            digest: 0,
            sessions: Arc::default(),
            role: Role::Follower,
            ballot: Ballot::ZERO,
            leader_hint: None,
            known_commit: (Ballot::ZERO, 0),
            last_contact: 0,
            lease_until: 0,
            promises: NodeSet::EMPTY,
            p1_asked: NodeSet::EMPTY,
            p1_values: BTreeMap::new(),
            p1_snapshot: None,
            pre_ballot: None,
            pre_votes: NodeSet::EMPTY,
            next_slot: 0,
            queue: queue::CmdQueue::default(),
            learn_buf: Vec::new(),
            learn_to: NodeSet::EMPTY,
            suspected: NodeSet::EMPTY,
            thrifty_q2: NodeSet::EMPTY,
            hb_commit: 0,
            heard: NodeSet::EMPTY,
            heard_since: 0,
            cfg,
        }
    }

    /// Starts the node at `now`: arms the election timer, and campaigns at once if it bootstraps.
    pub fn start(&mut self, now: Time, out: &mut Vec<Output>) {
        self.last_contact = now;
        self.arm_election(out);
        if self.cfg.bootstrap {
            self.start_election(now, false, out);
        }
    }

    /// Restarts after a crash: volatile state is lost, durable state (promise, log) is kept.
    pub fn recover(&mut self, now: Time, out: &mut Vec<Output>) {
        self.role = Role::Follower;
        self.ballot = Ballot::ZERO;
        self.leader_hint = None;
        self.known_commit = (Ballot::ZERO, 0);
        self.promises = NodeSet::EMPTY;
        self.p1_values.clear();
        self.p1_snapshot = None;
        self.pre_ballot = None;
        self.queue.clear();
        self.learn_buf.clear();
        self.learn_to = NodeSet::EMPTY;
        self.suspected = NodeSet::EMPTY;
        self.last_contact = now;
        self.lease_until = 0;
        self.arm_election(out);
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.cfg.id
    }
    /// Current role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// Highest ballot promised.
    pub fn promised(&self) -> Ballot {
        self.promised
    }
    /// Own ballot while candidate or leader.
    pub fn ballot(&self) -> Ballot {
        self.ballot
    }
    /// Number of executed slots (the first unexecuted slot).
    pub fn executed(&self) -> Slot {
        self.executed
    }
    /// Digest of the executed prefix.
    pub fn digest(&self) -> u64 {
        self.digest
    }
    /// One past the highest slot with an accepted value.
    pub fn log_end(&self) -> Slot {
        self.base + self.log.len() as Slot
    }
    /// The value this node holds in `slot` (accepted, or learned as chosen), while its log
    /// keeps the slot. Read by the simulator to name a value in a violation report.
    pub fn value_at(&self, slot: Slot) -> Option<&Value> {
        self.entry(slot)
            .filter(|e| e.ballot != Ballot::ZERO || e.chosen)
            .map(|e| &e.value)
    }
    /// The leader this node believes in.
    pub fn leader_hint(&self) -> Option<NodeId> {
        self.leader_hint
    }
    /// Client commands queued at a leader.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }
    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }
    /// Nodes a thrifty leader currently sends accepts to (itself included).
    pub fn thrifty_quorum(&self) -> NodeSet {
        self.thrifty_q2
    }

    /// Handles one input at time `now`, appending reactions to `out`.
    pub fn handle(&mut self, now: Time, input: Input, out: &mut Vec<Output>) {
        match input {
            Input::Message { from, msg } => self.on_message(now, from, msg, out),
            Input::Timer(t) => self.on_timer(now, t, out),
            Input::Request { client, cmd } => self.on_request(now, client, cmd, out),
        }
    }

    // ----- helpers -----

    fn others(&self) -> NodeSet {
        self.all.without(self.cfg.id)
    }

    fn ring_after_self(&self) -> impl Iterator<Item = NodeId> {
        let (id, n) = (self.cfg.id as usize, self.n);
        (1..n).map(move |k| ((id + k) % n) as NodeId)
    }

    fn entry(&self, slot: Slot) -> Option<&Entry> {
        if slot < self.base {
            return None;
        }
        self.log.get((slot - self.base) as usize)
    }

    #[inline]
    fn entry_mut(&mut self, slot: Slot) -> &mut Entry {
        debug_assert!(slot >= self.base);
        let idx = (slot - self.base) as usize;
        if idx == self.log.len() {
            // The common case: the next slot (a new proposal, accept or commit).
            self.log.push_back(Entry::default());
        } else if idx > self.log.len() {
            self.grow_log(idx);
        }
        &mut self.log[idx]
    }

    /// Extends the log with empty entries up to index `idx`, past a gap (out of line, so that
    /// `entry_mut` stays small enough to inline).
    #[cold]
    #[inline(never)]
    fn grow_log(&mut self, idx: usize) {
        self.log.resize_with(idx + 1, Entry::default);
    }

    fn arm_election(&self, out: &mut Vec<Output>) {
        out.push(Output::SetTimer {
            timer: Timer::Election,
            after: self.cfg.election_timeout,
            jitter: self.cfg.election_timeout,
        });
    }

    fn arm(&self, timer: Timer, after: Time, out: &mut Vec<Output>) {
        out.push(Output::SetTimer {
            timer,
            after,
            jitter: 0,
        });
    }

    /// A message from the leader of `ballot` (accept, heartbeat, commit) shows it is live.
    fn heard_leader(&mut self, now: Time, ballot: Ballot) {
        self.leader_hint = Some(ballot.node());
        self.lease_until = now + self.cfg.election_timeout;
    }

    /// With check-quorum, a leader, and a node that heard from a live leader within an election
    /// timeout, ignore prepares (as etcd does): a node that can send but not hear, and so
    /// campaigns with ever higher ballots, cannot depose a leader that a Q2 still follows. A
    /// leader that loses its Q2 steps down by check-quorum, which ends its lease.
    fn in_lease(&self, now: Time) -> bool {
        self.cfg.check_quorum && (self.role == Role::Leader || now < self.lease_until)
    }

    /// Raises the promise to `b`; steps down if that displaces our own ballot.
    fn observe_ballot(&mut self, now: Time, b: Ballot, out: &mut Vec<Output>) {
        if b > self.promised {
            self.promised = b;
        }
        if self.role != Role::Follower && b > self.ballot {
            self.step_down(now, b, out);
        }
    }

    /// Heeds a proposer's `ballot` unless it is below our promise: raises the promise (stepping
    /// down if displaced) and counts the message as a sign of a live proposer, which holds off
    /// our own election. Returns whether the ballot was heeded.
    fn heed(&mut self, now: Time, ballot: Ballot, out: &mut Vec<Output>) -> bool {
        if ballot < self.promised {
            return false;
        }
        self.observe_ballot(now, ballot, out);
        self.last_contact = now;
        true
    }

    /// The admission guard of every message that asks this node to act for a proposer
    /// (prepare, accept, heartbeat): heeds `ballot`, or answers `from` with a `Nack` carrying our
    /// promise so a stale proposer learns it must step down. Returns whether to go on.
    fn admit(&mut self, now: Time, from: NodeId, ballot: Ballot, out: &mut Vec<Output>) -> bool {
        if self.heed(now, ballot, out) {
            return true;
        }
        out.push(Output::Send {
            to: from,
            msg: Msg::Nack(Nack {
                promised: self.promised,
            }),
        });
        false
    }

    fn step_down(&mut self, now: Time, seen: Ballot, out: &mut Vec<Output>) {
        out.push(Output::Event(Event::SteppedDown {
            ballot: self.ballot,
            seen,
        }));
        self.role = Role::Follower;
        // Check-quorum steps down on its own ballot: no other leader is known then.
        self.leader_hint = (seen.node() != self.cfg.id).then_some(seen.node());
        self.last_contact = now;
        self.p1_values.clear();
        self.flush_learn(out);
        for cmd in self.queue.take_all() {
            out.push(Output::Reply {
                client: cmd.client,
                reply: ClientReply::Redirect {
                    cmd,
                    leader: self.leader_hint,
                },
            });
        }
        self.arm_election(out);
    }

    // ----- dispatch -----

    fn on_message(&mut self, now: Time, from: NodeId, msg: Msg, out: &mut Vec<Output>) {
        if self.role != Role::Follower
            && msg.ballot() == Some(self.ballot)
            && !matches!(msg, Msg::Nack(_) | Msg::PreVote(_) | Msg::PreVoteReply(_))
        {
            self.heard.insert(from);
        }
        match msg {
            Msg::Prepare(m) => self.on_prepare(now, from, m, out),
            Msg::Promise(m) => self.on_promise(now, from, m, out),
            Msg::Nack(m) => self.observe_ballot(now, m.promised, out),
            Msg::Accept(m) => self.on_accept(now, from, m, out),
            Msg::Accepted(m) => self.on_accepted(now, from, m, out),
            Msg::Commit(m) => self.on_commit(now, m, out),
            Msg::Heartbeat(m) => self.on_heartbeat(now, from, m, out),
            Msg::HeartbeatAck(m) => self.on_heartbeat_ack(from, m, out),
            Msg::Snapshot(m) => self.on_snapshot(now, m, out),
            Msg::PreVote(m) => self.on_pre_vote(now, from, m, out),
            Msg::PreVoteReply(m) => self.on_pre_vote_reply(now, from, m, out),
        }
    }

    fn on_request(&mut self, now: Time, client: u32, cmd: Command, out: &mut Vec<Output>) {
        match self.role {
            // Executed here already: a resend, answered without proposing it again.
            Role::Leader | Role::Candidate
                if self.cfg.sessions && self.sessions.contains(cmd.client, cmd.seq) =>
            {
                out.push(Output::Reply {
                    client,
                    reply: ClientReply::Done(cmd),
                })
            }
            Role::Leader | Role::Candidate => {
                self.queue.push(cmd, MAX_QUEUE);
                self.advance(now, out);
            }
            Role::Follower => out.push(Output::Reply {
                client,
                reply: ClientReply::Redirect {
                    cmd,
                    leader: self.leader_hint,
                },
            }),
        }
    }
}
