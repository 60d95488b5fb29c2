//! The ballot log: what the ballot board needs of a run, recorded as the simulator carries out
//! node outputs. Each acceptor's promise (a ballot, from the prepare's first slot on), each
//! acceptance (a slot, a ballot and, through the leader's own acceptance, the value), each
//! election's Q1 and each chosen slot with its Q2. The board ([`BallotLog::board`], in
//! `board.rs`) reads it at any time cursor.
//!
//! The log observes only: it feeds no hash and steers nothing. It is kept only when the trace
//! keeps anything (`metrics.trace_capacity > 0`), so swarm, bench and check runs pay nothing.
//! Memory is bounded by [`BALLOT_CAP`]; past it the oldest entries are discarded and counted
//! ([`BallotLog::evicted`]).

use super::diagram::mirror::{append, tail};
use fpaxos::{Ballot, Msg, NodeId, NodeSet, Slot, Time, Value};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Most entries the log keeps (56 bytes each: 14 MiB).
pub const BALLOT_CAP: usize = 1 << 18;

/// One recorded protocol fact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BallotEntry {
    /// `node` promised `ballot`; the promise reports (and so covers, on the board) slots from
    /// `from_slot` on. A candidate's own promise is recorded when it sends its prepare.
    Promise {
        /// Send time.
        t: Time,
        /// The acceptor.
        node: NodeId,
        /// The ballot promised.
        ballot: Ballot,
        /// The prepare's first slot.
        from_slot: Slot,
    },
    /// `node` accepted a value in `slot` at `ballot`. The leader's own acceptance (recorded
    /// when it sends its accepts) carries the value; an acceptor's `Accepted` does not, and
    /// the board takes the value from the leader's entry of the same slot and ballot.
    Accepted {
        /// Send time.
        t: Time,
        /// The acceptor.
        node: NodeId,
        /// The slot.
        slot: Slot,
        /// The ballot.
        ballot: Ballot,
        /// The value, where known (the leader's own acceptance).
        #[serde(with = "wire_value")]
        value: Option<Value>,
    },
    /// `node` won the election of `ballot` with the promises of `quorum` (its Q1).
    Elected {
        /// Time.
        t: Time,
        /// The new leader.
        node: NodeId,
        /// Its ballot.
        ballot: Ballot,
        /// The Q1.
        quorum: NodeSet,
    },
    /// Leader `node` saw `slot` chosen in `ballot`, accepted by `quorum` (its Q2).
    Chosen {
        /// Time.
        t: Time,
        /// The leader.
        node: NodeId,
        /// The slot.
        slot: Slot,
        /// The ballot.
        ballot: Ballot,
        /// The Q2.
        quorum: NodeSet,
        /// [`Value::fingerprint`] of the chosen value.
        fingerprint: u64,
    },
}

impl BallotEntry {
    /// When it happened.
    pub fn t(&self) -> Time {
        match self {
            BallotEntry::Promise { t, .. }
            | BallotEntry::Accepted { t, .. }
            | BallotEntry::Elected { t, .. }
            | BallotEntry::Chosen { t, .. } => *t,
        }
    }
}

/// The run's promises, acceptances, elections and chosen slots, oldest first, bounded by a cap.
#[derive(Clone, Debug, Default)]
pub struct BallotLog {
    entries: VecDeque<BallotEntry>,
    evicted: u64,
    /// Time of the newest discarded entry (the board is complete only after it).
    evicted_until: Time,
    cap: usize,
    /// The last leader acceptance recorded, `(node, slot, ballot)`: a leader sends one accept per
    /// acceptor, and the log keeps one entry for them.
    last_accept: Option<(NodeId, Slot, Ballot)>,
    last_prepare: Option<(NodeId, Ballot, Slot)>,
    /// The first slot of recent prepares by ballot (a promise does not repeat it), newest last.
    prepares: VecDeque<(Ballot, Slot)>,
}

/// Recent prepares remembered to date the promises that answer them.
const PREPARES_KEPT: usize = 64;

impl BallotLog {
    /// A log keeping at most `cap` entries (tests use small caps; the simulator [`BALLOT_CAP`]).
    pub fn with_cap(cap: usize) -> BallotLog {
        BallotLog {
            cap: cap.max(1),
            ..BallotLog::default()
        }
    }

    fn push(&mut self, e: BallotEntry) {
        if self.entries.len() >= self.cap {
            if let Some(old) = self.entries.pop_front() {
                self.evicted += 1;
                self.evicted_until = old.t();
            }
        }
        self.entries.push_back(e);
    }

    /// Records what a node's outgoing message says about ballots (other messages are ignored).
    pub fn sent(&mut self, t: Time, from: NodeId, msg: &Msg) {
        match msg {
            Msg::Prepare(p) => {
                let key = (from, p.ballot, p.first_slot);
                if self.last_prepare != Some(key) {
                    self.last_prepare = Some(key);
                    if self.prepares.len() >= PREPARES_KEPT {
                        self.prepares.pop_front();
                    }
                    self.prepares.push_back((p.ballot, p.first_slot));
                    self.push(BallotEntry::Promise {
                        t,
                        node: from,
                        ballot: p.ballot,
                        from_slot: p.first_slot,
                    });
                }
            }
            Msg::Promise(p) => self.push(BallotEntry::Promise {
                t,
                node: from,
                ballot: p.ballot,
                from_slot: self.first_slot_of(p.ballot, p.executed),
            }),
            Msg::Accept(a) => {
                let key = (from, a.slot, a.ballot);
                if self.last_accept != Some(key) {
                    self.last_accept = Some(key);
                    self.push(BallotEntry::Accepted {
                        t,
                        node: from,
                        slot: a.slot,
                        ballot: a.ballot,
                        value: Some(a.value.clone()),
                    });
                }
            }
            Msg::Accepted(a) => self.push(BallotEntry::Accepted {
                t,
                node: from,
                slot: a.slot,
                ballot: a.ballot,
                value: None,
            }),
            _ => {}
        }
    }

    /// The first slot the prepare of `ballot` asked about (the newest, if it was resent), or
    /// `fallback` when that prepare is no longer remembered.
    fn first_slot_of(&self, ballot: Ballot, fallback: Slot) -> Slot {
        self.prepares
            .iter()
            .rev()
            .find(|(b, _)| *b == ballot)
            .map_or(fallback, |&(_, s)| s)
    }

    /// Records an election won.
    pub fn elected(&mut self, t: Time, node: NodeId, ballot: Ballot, quorum: NodeSet) {
        self.push(BallotEntry::Elected {
            t,
            node,
            ballot,
            quorum,
        });
    }

    /// Records a chosen slot.
    pub fn chosen(
        &mut self,
        t: Time,
        node: NodeId,
        (slot, ballot): (Slot, Ballot),
        quorum: NodeSet,
        fingerprint: u64,
    ) {
        self.push(BallotEntry::Chosen {
            t,
            node,
            slot,
            ballot,
            quorum,
            fingerprint,
        });
    }

    /// The kept entries, oldest first.
    pub fn entries(&self) -> &VecDeque<BallotEntry> {
        &self.entries
    }

    /// Entries discarded past the cap.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Time of the newest discarded entry (0 when none was discarded).
    pub fn evicted_until(&self) -> Time {
        self.evicted_until
    }

    /// Entries recorded so far, evicted ones included: where the next [`BallotLog::delta`]
    /// starts.
    pub fn recorded(&self) -> u64 {
        self.evicted + self.entries.len() as u64
    }

    /// The entries recorded since [`BallotLog::recorded`] was `since` (entries are only
    /// appended), for a mirror of the log kept elsewhere ([`BallotLog::apply`]).
    pub fn delta(&self, since: u64) -> BallotDelta {
        let (from, entries) = tail(self.entries.iter().cloned(), self.evicted, since);
        BallotDelta {
            from,
            entries,
            evicted: self.evicted,
            evicted_until: self.evicted_until,
            cap: self.cap as u64,
        }
    }

    /// Brings a mirror up to date with a delta of the log it mirrors (deltas in order, the
    /// first from 0 on an empty mirror). The mirror answers [`BallotLog::board`] as the log does.
    pub fn apply(&mut self, d: &BallotDelta) {
        self.cap = (d.cap as usize).max(1);
        append(
            &mut self.entries,
            &mut self.evicted,
            self.cap,
            d.from,
            &d.entries,
        );
        self.evicted = d.evicted;
        self.evicted_until = d.evicted_until;
    }
}

/// What a [`BallotLog`] recorded since a count of entries, with its counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BallotDelta {
    /// Index (counting evicted entries) of `entries[0]`.
    pub from: u64,
    /// The new entries.
    pub entries: Vec<BallotEntry>,
    /// Entries the log had discarded.
    pub evicted: u64,
    /// Time of the newest discarded entry.
    pub evicted_until: Time,
    /// The log's cap.
    pub cap: u64,
}

/// `#[serde(with = "wire_value")]`: an optional [`Value`] (which has no serde of its own).
mod wire_value {
    use fpaxos::{Command, Value};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum Wire {
        Noop,
        Cmd(Command),
        Batch(Vec<Command>),
    }

    pub(super) fn serialize<S: Serializer>(v: &Option<Value>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref()
            .map(|v| match v {
                Value::Noop => Wire::Noop,
                Value::Cmd(c) => Wire::Cmd(*c),
                Value::Batch(b) => Wire::Batch(b.to_vec()),
            })
            .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
        Ok(Option::<Wire>::deserialize(d)?.map(|w| match w {
            Wire::Noop => Value::Noop,
            Wire::Cmd(c) => Value::Cmd(c),
            Wire::Batch(b) => Value::Batch(b.into()),
        }))
    }
}
