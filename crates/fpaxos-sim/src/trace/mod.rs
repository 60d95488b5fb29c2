//! The event stream a run produces: what the browser draws, bounded in memory, and a stable hash
//! over every event (the run's fingerprint: equal hashes mean equal runs), and the compact
//! [`DiagramLog`] of the whole run for the space-time diagram.

pub mod ballots;
pub mod board;
pub mod diagram;

pub use ballots::{BallotDelta, BallotEntry, BallotLog, BALLOT_CAP};
pub use board::{Board, BoardValue, Cell, ChosenMark, Row};
pub use diagram::{
    DiagramCursor, DiagramDelta, DiagramLog, Fate, Mark, MarkKind, MsgRecord, CLIENT,
};
use fpaxos::msg::mix;
use fpaxos::{Ballot, MsgKind, NodeId, NodeSet, Slot, Time, Timer};
use serde::Serialize;
use std::collections::VecDeque;

/// A message endpoint: a node or a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// A cluster node.
    Node(NodeId),
    /// A client.
    Client(u32),
}

impl Endpoint {
    fn code(self) -> u64 {
        match self {
            Endpoint::Node(n) => n as u64,
            Endpoint::Client(c) => 1 << 32 | c as u64,
        }
    }
}

/// Why a message was not delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Random loss.
    Loss,
    /// Partition or cut link.
    Partition,
    /// The receiver was down.
    Crashed,
    /// Dropped by hand (a `drop_message` fault).
    Manual,
}

/// One trace event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TraceEvent {
    /// A message left `from`; it arrives at `deliver_at` unless `lost` (or dropped later).
    Send {
        /// Send time.
        t: Time,
        /// Message id.
        id: u64,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// Kind.
        kind: MsgKind,
        /// Slot, where the message has one.
        slot: Option<Slot>,
        /// Planned arrival time.
        deliver_at: Time,
        /// Lost in the network (never arrives).
        lost: Option<DropReason>,
    },
    /// A message in flight was dropped on arrival or by hand.
    Drop {
        /// Time.
        t: Time,
        /// Message id.
        id: u64,
        /// Why.
        reason: DropReason,
    },
    /// A node's timer fired.
    Timer {
        /// Time.
        t: Time,
        /// Node.
        node: NodeId,
        /// Which timer.
        timer: &'static str,
    },
    /// A node executed a slot.
    Decide {
        /// Time.
        t: Time,
        /// Node.
        node: NodeId,
        /// Slot.
        slot: Slot,
    },
    /// A node started an election.
    Campaign {
        /// Time.
        t: Time,
        /// Node.
        node: NodeId,
        /// Ballot.
        ballot: u64,
    },
    /// A node became leader with promises from `quorum`.
    Elected {
        /// Time.
        t: Time,
        /// Node.
        node: NodeId,
        /// Ballot.
        ballot: u64,
        /// The Q1.
        quorum: NodeSet,
    },
    /// A leader or candidate stepped down.
    StepDown {
        /// Time.
        t: Time,
        /// Node.
        node: NodeId,
    },
    /// The leader learned a slot is chosen from `quorum`.
    Chosen {
        /// Time.
        t: Time,
        /// Leader.
        node: NodeId,
        /// Slot.
        slot: Slot,
        /// The Q2.
        quorum: NodeSet,
    },
    /// A fault took effect.
    Fault {
        /// Time.
        t: Time,
        /// Description.
        what: String,
    },
}

impl TraceEvent {
    /// Event time.
    pub fn time(&self) -> Time {
        match self {
            TraceEvent::Send { t, .. }
            | TraceEvent::Drop { t, .. }
            | TraceEvent::Timer { t, .. }
            | TraceEvent::Decide { t, .. }
            | TraceEvent::Campaign { t, .. }
            | TraceEvent::Elected { t, .. }
            | TraceEvent::StepDown { t, .. }
            | TraceEvent::Chosen { t, .. }
            | TraceEvent::Fault { t, .. } => *t,
        }
    }
}

/// A bounded trace with a running hash over everything ever recorded.
#[derive(Clone, Debug)]
pub struct Trace {
    events: VecDeque<TraceEvent>,
    capacity: usize,
    hash: u64,
    total: u64,
    /// The whole run for the diagram; kept only when `capacity > 0` (swarm and check runs set
    /// it to 0 and pay nothing).
    diagram: DiagramLog,
    /// Promises, acceptances, elections and chosen slots for the ballot board; kept, like the
    /// diagram, only when `capacity > 0`.
    ballots: BallotLog,
}

impl Trace {
    /// A trace keeping at most `capacity` recent events, and (when `capacity > 0`) the diagram
    /// log of the whole run, up to [`diagram::MSG_CAP`] messages.
    pub fn new(capacity: usize) -> Trace {
        Trace {
            events: VecDeque::with_capacity(capacity.min(1 << 16)),
            capacity,
            hash: 0x1f2e_3d4c_5b6a_7988,
            total: 0,
            diagram: DiagramLog::with_cap(diagram::MSG_CAP),
            ballots: BallotLog::with_cap(BALLOT_CAP),
        }
    }

    #[inline]
    fn absorb(&mut self, words: &[u64]) {
        // One multiply per word (FxHash-style); `hash()` finalizes with a full mix.
        let mut h = self.hash;
        for w in words {
            h = (h.rotate_left(5) ^ *w).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        self.hash = h;
        self.total += 1;
    }

    #[inline]
    fn keep(&mut self, e: TraceEvent) {
        if self.capacity == 0 {
            return;
        }
        if self.events.len() == self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(e);
    }

    /// Records a send.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub fn send(
        &mut self,
        t: Time,
        id: u64,
        from: Endpoint,
        to: Endpoint,
        kind: MsgKind,
        slot: Option<Slot>,
        deliver_at: Time,
        lost: Option<DropReason>,
    ) {
        // Endpoints, kind and fate fit one word: 21 bits per endpoint code, 8 for the kind, 4 for
        // the drop reason, 1 for "node or client".
        let ends = (from.code() & 0xf_ffff) << 43
            | (to.code() & 0xf_ffff) << 22
            | (from.code() >> 32) << 42
            | (to.code() >> 32) << 21
            | (kind as u64) << 4
            | lost.map_or(0, |r| r as u64 + 1);
        self.absorb(&[t, id, ends, slot.map_or(u64::MAX, |s| s), deliver_at]);
        if self.capacity > 0 {
            self.keep_send(TraceEvent::Send {
                t,
                id,
                from,
                to,
                kind,
                slot,
                deliver_at,
                lost,
            });
        }
    }

    /// The kept part of [`Trace::send`] (diagram and event ring): out of line, since the runs
    /// that simulate the most (bench, check, swarm) keep nothing.
    #[cold]
    #[inline(never)]
    fn keep_send(&mut self, e: TraceEvent) {
        if let TraceEvent::Send {
            t,
            id,
            from,
            to,
            kind,
            deliver_at,
            lost,
            ..
        } = e
        {
            self.diagram.send(t, id, (from, to), kind, deliver_at, lost);
        }
        self.keep(e);
    }

    /// Records a drop of an in-flight message.
    pub fn drop_msg(&mut self, t: Time, id: u64, reason: DropReason) {
        self.absorb(&[2, t, id, reason as u64]);
        if self.capacity > 0 {
            self.diagram.drop_msg(t, id, reason);
        }
        self.keep(TraceEvent::Drop { t, id, reason });
    }

    /// Records a timer firing.
    pub fn timer(&mut self, t: Time, node: NodeId, timer: Timer) {
        self.absorb(&[3, t, node as u64, timer as u64]);
        let name = match timer {
            Timer::Election => "election",
            Timer::Heartbeat => "heartbeat",
            Timer::Retransmit => "retransmit",
        };
        self.keep(TraceEvent::Timer {
            t,
            node,
            timer: name,
        });
    }

    /// Records an execution.
    #[inline]
    pub fn decide(&mut self, t: Time, node: NodeId, slot: Slot, fingerprint: u64) {
        self.absorb(&[4, t, node as u64, slot, fingerprint]);
        if self.capacity > 0 {
            self.keep(TraceEvent::Decide { t, node, slot });
        }
    }

    /// Records a protocol event.
    pub fn campaign(&mut self, t: Time, node: NodeId, ballot: Ballot) {
        self.absorb(&[5, t, node as u64, ballot.0]);
        self.mark(t, node, MarkKind::Campaign);
        self.keep(TraceEvent::Campaign {
            t,
            node,
            ballot: ballot.0,
        });
    }

    /// Records an election win.
    pub fn elected(&mut self, t: Time, node: NodeId, ballot: Ballot, quorum: NodeSet) {
        self.absorb(&[6, t, node as u64, ballot.0, quorum.0]);
        self.mark(t, node, MarkKind::Elected);
        self.keep(TraceEvent::Elected {
            t,
            node,
            ballot: ballot.0,
            quorum,
        });
    }

    /// Records a step-down.
    pub fn step_down(&mut self, t: Time, node: NodeId) {
        self.absorb(&[7, t, node as u64]);
        self.mark(t, node, MarkKind::StepDown);
        self.keep(TraceEvent::StepDown { t, node });
    }

    /// Records a completed phase 2.
    #[inline]
    pub fn chosen(&mut self, t: Time, node: NodeId, slot: Slot, quorum: NodeSet) {
        self.absorb(&[8, t, node as u64, slot, quorum.0]);
        if self.capacity > 0 {
            self.diagram.mark(t, node, MarkKind::Chosen);
            self.keep(TraceEvent::Chosen {
                t,
                node,
                slot,
                quorum,
            });
        }
    }

    #[inline]
    fn mark(&mut self, t: Time, node: NodeId, kind: MarkKind) {
        if self.capacity > 0 {
            self.diagram.mark(t, node, kind);
        }
    }

    /// Records a fault.
    pub fn fault(&mut self, t: Time, what: String) {
        let h = what
            .bytes()
            .fold(0u64, |h, b| mix(h ^ b as u64).rotate_left(5));
        self.absorb(&[9, t, h]);
        if self.capacity > 0 {
            self.diagram.fault(t, &what);
        }
        self.keep(TraceEvent::Fault { t, what });
    }

    /// The hash over every event recorded so far, as 16 hex digits.
    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hash())
    }

    /// The hash over every event recorded so far.
    pub fn hash(&self) -> u64 {
        mix(self.hash ^ self.total)
    }

    /// Events recorded in total (kept or not).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The kept events, oldest first.
    pub fn events(&self) -> &VecDeque<TraceEvent> {
        &self.events
    }

    /// The compact log of the whole run the space-time diagram draws (empty when the trace
    /// keeps nothing, `capacity == 0`).
    pub fn diagram(&self) -> &DiagramLog {
        &self.diagram
    }

    /// The ballot log the ballot board reads (empty when the trace keeps nothing).
    pub fn ballots(&self) -> &BallotLog {
        &self.ballots
    }

    /// The ballot log to record into, or `None` when the trace keeps nothing (`capacity == 0`:
    /// swarm, bench and check runs pay nothing). Recording feeds no hash.
    #[inline]
    pub fn ballots_mut(&mut self) -> Option<&mut BallotLog> {
        (self.capacity > 0).then_some(&mut self.ballots)
    }

    /// Whether older events were discarded.
    pub fn truncated(&self) -> bool {
        self.total > self.events.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trace that keeps no events (the bench, checks and swarms) records no diagram either,
    /// and hashes every event as one that keeps them does.
    #[test]
    fn a_trace_without_capacity_keeps_nothing_but_the_hash() {
        let record = |t: &mut Trace| {
            let (a, b) = (Endpoint::Node(0), Endpoint::Node(1));
            t.send(1, 7, a, b, MsgKind::Accept, Some(3), 5, None);
            t.send(
                2,
                8,
                b,
                a,
                MsgKind::Accepted,
                Some(3),
                6,
                Some(DropReason::Loss),
            );
            t.drop_msg(3, 7, DropReason::Crashed);
            t.campaign(4, 1, Ballot(9));
            t.chosen(5, 0, 3, NodeSet::single(1));
            t.decide(6, 0, 3, 42);
            t.fault(7, "node 1 crashed".into());
        };
        let (mut none, mut some) = (Trace::new(0), Trace::new(16));
        record(&mut none);
        record(&mut some);
        assert_eq!(none.hash(), some.hash());
        assert_eq!((none.total(), some.total()), (7, 7));
        let d = none.diagram();
        assert!(none.events().is_empty());
        assert!(d.msgs().is_empty() && d.marks().is_empty() && d.faults().is_empty());
        let d = some.diagram();
        assert_eq!(some.events().len(), 7);
        assert_eq!(
            (d.msgs().len(), d.marks().len(), d.faults().len()),
            (2, 1, 1)
        );
        assert_eq!(d.chosen_marks().len(), 1);
    }
}
