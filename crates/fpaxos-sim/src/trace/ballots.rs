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
#[derive(Clone, Debug, PartialEq)]
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
    #[serde(with = "packed")]
    pub entries: Vec<BallotEntry>,
    /// Entries the log had discarded.
    pub evicted: u64,
    /// Time of the newest discarded entry.
    pub evicted_until: Time,
    /// The log's cap.
    pub cap: u64,
}

/// `#[serde(with = "packed")]`: ballot entries as one byte string (a `Uint8Array` through
/// serde-wasm-bindgen: a page reads a hundred thousand entries as one array, not as objects).
/// Each entry is a tag byte, its time and node, then its fields, little-endian; a value is a
/// kind byte (none, no-op, one command, a batch with its length) and its commands.
mod packed {
    use super::BallotEntry;
    use crate::trace::diagram::mirror::read_bytes;
    use fpaxos::{Ballot, Command, NodeSet, Value};
    use serde::de::Error;
    use serde::{Deserializer, Serializer};

    fn put_value(out: &mut Vec<u8>, v: &Option<Value>) {
        let cmds: &[Command] = match v {
            None => return out.push(0),
            Some(Value::Noop) => return out.push(1),
            Some(Value::Cmd(c)) => {
                out.push(2);
                std::slice::from_ref(c)
            }
            Some(Value::Batch(b)) => {
                out.push(3);
                out.extend_from_slice(&(b.len() as u32).to_le_bytes());
                b
            }
        };
        for c in cmds {
            out.extend_from_slice(&c.client.to_le_bytes());
            out.extend_from_slice(&c.seq.to_le_bytes());
        }
    }

    pub(super) fn serialize<S: Serializer>(v: &[BallotEntry], s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::with_capacity(v.len() * 28);
        for e in v {
            let (tag, t, node) = match e {
                BallotEntry::Promise { t, node, .. } => (0, t, node),
                BallotEntry::Accepted { t, node, .. } => (1, t, node),
                BallotEntry::Elected { t, node, .. } => (2, t, node),
                BallotEntry::Chosen { t, node, .. } => (3, t, node),
            };
            out.push(tag);
            out.extend_from_slice(&t.to_le_bytes());
            out.push(*node);
            let words: &[u64] = match e {
                BallotEntry::Promise {
                    ballot, from_slot, ..
                } => &[ballot.0, *from_slot],
                BallotEntry::Accepted { slot, ballot, .. } => &[*slot, ballot.0],
                BallotEntry::Elected { ballot, quorum, .. } => &[ballot.0, quorum.0],
                BallotEntry::Chosen {
                    slot,
                    ballot,
                    quorum,
                    fingerprint,
                    ..
                } => &[*slot, ballot.0, quorum.0, *fingerprint],
            };
            for w in words {
                out.extend_from_slice(&w.to_le_bytes());
            }
            if let BallotEntry::Accepted { value, .. } = e {
                put_value(&mut out, value);
            }
        }
        s.serialize_bytes(&out)
    }

    /// Reads entries off the front of a byte string; `None` at bytes no entry encodes to.
    struct Reader<'a>(&'a [u8]);

    impl Reader<'_> {
        fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
            let (head, rest) = self.0.split_first_chunk::<N>()?;
            self.0 = rest;
            Some(*head)
        }
        fn u8(&mut self) -> Option<u8> {
            self.take::<1>().map(|b| b[0])
        }
        fn u32(&mut self) -> Option<u32> {
            self.take().map(u32::from_le_bytes)
        }
        fn u64(&mut self) -> Option<u64> {
            self.take().map(u64::from_le_bytes)
        }
        fn cmd(&mut self) -> Option<Command> {
            Some(Command {
                client: self.u32()?,
                seq: self.u32()?,
            })
        }
        fn value(&mut self) -> Option<Option<Value>> {
            Some(match self.u8()? {
                0 => None,
                1 => Some(Value::Noop),
                2 => Some(Value::Cmd(self.cmd()?)),
                3 => {
                    let n = self.u32()? as usize;
                    // Each command takes 8 bytes: a length beyond what is left is garbage.
                    if n > self.0.len() / 8 {
                        return None;
                    }
                    let cmds = (0..n).map(|_| self.cmd()).collect::<Option<Vec<_>>>()?;
                    Some(Value::Batch(cmds.into()))
                }
                _ => return None,
            })
        }
        fn entry(&mut self) -> Option<BallotEntry> {
            let tag = self.u8()?;
            let (t, node) = (self.u64()?, self.u8()?);
            Some(match tag {
                0 => BallotEntry::Promise {
                    t,
                    node,
                    ballot: Ballot(self.u64()?),
                    from_slot: self.u64()?,
                },
                1 => BallotEntry::Accepted {
                    t,
                    node,
                    slot: self.u64()?,
                    ballot: Ballot(self.u64()?),
                    value: self.value()?,
                },
                2 => BallotEntry::Elected {
                    t,
                    node,
                    ballot: Ballot(self.u64()?),
                    quorum: NodeSet(self.u64()?),
                },
                3 => BallotEntry::Chosen {
                    t,
                    node,
                    slot: self.u64()?,
                    ballot: Ballot(self.u64()?),
                    quorum: NodeSet(self.u64()?),
                    fingerprint: self.u64()?,
                },
                _ => return None,
            })
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<BallotEntry>, D::Error> {
        let bytes = read_bytes(d)?;
        let mut r = Reader(&bytes);
        let mut out = Vec::new();
        while !r.0.is_empty() {
            out.push(
                r.entry()
                    .ok_or_else(|| D::Error::custom("a malformed ballot entry"))?,
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fpaxos::Command;

    fn cmd(client: u32, seq: u32) -> Command {
        Command { client, seq }
    }

    #[test]
    fn every_entry_travels_packed_and_garbage_is_refused() {
        let values = [
            None,
            Some(Value::Noop),
            Some(Value::Cmd(cmd(3, 9))),
            Some(Value::Batch(vec![cmd(1, 1), cmd(u32::MAX, 2)].into())),
        ];
        let mut entries = vec![
            BallotEntry::Promise {
                t: 1,
                node: 2,
                ballot: Ballot(7),
                from_slot: 4,
            },
            BallotEntry::Elected {
                t: 2,
                node: 0,
                ballot: Ballot(u64::MAX),
                quorum: NodeSet(0b101),
            },
            BallotEntry::Chosen {
                t: 3,
                node: 1,
                slot: 5,
                ballot: Ballot(8),
                quorum: NodeSet(0b11),
                fingerprint: 0xdead_beef,
            },
        ];
        for (i, value) in values.into_iter().enumerate() {
            entries.push(BallotEntry::Accepted {
                t: 10 + i as u64,
                node: 4,
                slot: i as u64,
                ballot: Ballot(1),
                value,
            });
        }
        let d = BallotDelta {
            from: 3,
            entries,
            evicted: 3,
            evicted_until: 1,
            cap: 8,
        };
        let text = serde_json::to_string(&d).expect("writes");
        let back: BallotDelta = serde_json::from_str(&text).expect("reads");
        assert_eq!(back, d);
        // A truncated entry, an unknown tag and a batch longer than the bytes are refused.
        let bytes: Vec<u8> =
            serde_json::from_value(serde_json::to_value(&d).expect("value")["entries"].clone())
                .expect("bytes");
        let with = |b: &[u8]| {
            let mut v = serde_json::to_value(&d).expect("value");
            v["entries"] = serde_json::json!(b);
            serde_json::from_value::<BallotDelta>(v)
        };
        assert!(with(&bytes[..bytes.len() - 1]).is_err(), "truncated");
        let mut bad = bytes.clone();
        bad[0] = 9;
        assert!(with(&bad).is_err(), "unknown tag");
        let mut batch = vec![1u8];
        batch.extend_from_slice(&0u64.to_le_bytes());
        batch.push(0);
        batch.extend_from_slice(&[0; 16]);
        batch.push(3);
        batch.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(with(&batch).is_err(), "a batch longer than its bytes");
        assert!(with(&[]).expect("empty").entries.is_empty());
    }

    #[test]
    fn a_mirror_fed_deltas_keeps_the_same_entries_past_the_cap() {
        let mut log = BallotLog::with_cap(5);
        let mut mirror = BallotLog::default();
        let mut seen = 0;
        for i in 0..23u64 {
            log.elected(i, (i % 3) as NodeId, Ballot(i), NodeSet(1));
            if i % 4 == 0 {
                mirror.apply(&log.delta(seen));
                seen = log.recorded();
                assert_eq!(mirror.entries(), log.entries());
                assert_eq!(mirror.evicted(), log.evicted());
                assert_eq!(mirror.evicted_until(), log.evicted_until());
            }
        }
    }
}
