//! The ballot board of one slot at one time: ballots × acceptors, who promised (the Q1s) and who
//! accepted which value (the Q2s), and the facts the page highlights: the chosen value's Q2, the
//! next ballot's Q1 and their intersection, which Flexible Paxos needs non-empty. An unsafe run
//! shows it empty, and two different values chosen for one slot.
//!
//! Computed from the [`BallotLog`] here, in the engine, so the page only draws it.

use super::ballots::{BallotEntry, BallotLog};
use fpaxos::{Ballot, NodeId, NodeSet, Slot, Time};
use std::collections::BTreeMap;

/// Most ballot rows a board shows: the newest; older ones are counted in [`Board::hidden_rows`]
/// (the rows of chosen ballots and of the next ballot are always kept).
pub const MAX_ROWS: usize = 16;

/// One acceptor in one ballot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    /// It promised this ballot (a promise covering the slot).
    pub promised: bool,
    /// It accepted a value in this ballot: an index into [`Board::values`] (`None` inside:
    /// accepted, but the value is not known, e.g. the leader's entry was discarded).
    pub accepted: Option<Option<usize>>,
    /// It belongs to the chosen value's Q2 (this row is the chosen ballot).
    pub in_q2: bool,
    /// It belongs to the next ballot's Q1 (this row is the next ballot).
    pub in_q1: bool,
}

/// One ballot's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The ballot.
    pub ballot: Ballot,
    /// One cell per node, by node id.
    pub cells: Vec<Cell>,
}

/// A value seen in the slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardValue {
    /// A short label (`c1#4`, `no-op`, `batch of 3`, or the fingerprint when unknown).
    pub label: String,
    /// [`fpaxos::Value::fingerprint`].
    pub fingerprint: u64,
}

/// A leader saw the slot chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChosenMark {
    /// When.
    pub t: Time,
    /// The leader.
    pub leader: NodeId,
    /// The ballot.
    pub ballot: Ballot,
    /// Index into [`Board::values`].
    pub value: usize,
    /// The Q2 that accepted it.
    pub quorum: NodeSet,
}

/// The board of one slot at one time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    /// The slot.
    pub slot: Slot,
    /// The time it shows (entries after it are left out).
    pub at: Time,
    /// Node count (columns).
    pub nodes: usize,
    /// Rows, lowest ballot first.
    pub rows: Vec<Row>,
    /// Older rows left out (beyond [`MAX_ROWS`]).
    pub hidden_rows: usize,
    /// Values accepted or chosen in the slot, in order of first sight.
    pub values: Vec<BoardValue>,
    /// Every time a leader saw the slot chosen, in time order.
    pub chosen: Vec<ChosenMark>,
    /// Indices of the different values chosen for the slot, when more than one was (an
    /// agreement violation); empty otherwise.
    pub conflicting: Vec<usize>,
    /// The ballot and Q2 of the chosen value (the lowest ballot in which it was chosen).
    pub chosen_q2: Option<(Ballot, NodeSet)>,
    /// The next ballot above it whose promises cover the slot, and its Q1: the first such
    /// ballot that won its election by `at`, with the election's quorum; else the first one,
    /// with the promises sent so far.
    pub next_q1: Option<(Ballot, NodeSet)>,
    /// The next ballot won its election by `at` (else its Q1 is still forming, and a partial
    /// Q1 may miss the chosen Q2 even with safe quorums).
    pub next_elected: bool,
    /// `chosen_q2 ∩ next_q1`, when both exist (empty: the next leader could not learn the
    /// chosen value).
    pub intersection: Option<NodeSet>,
    /// The log discarded older entries: the board may miss facts before this time.
    pub incomplete_before: Option<Time>,
}

impl Board {
    /// The row of `ballot`, if shown.
    pub fn row(&self, ballot: Ballot) -> Option<&Row> {
        self.rows.iter().find(|r| r.ballot == ballot)
    }
}

/// What the log says about one slot up to a time, before it is laid out.
#[derive(Default)]
struct Facts {
    /// ballot → (promised, accepted) node sets.
    ballots: BTreeMap<Ballot, (NodeSet, NodeSet)>,
    /// (ballot → value index) of the leaders' own acceptances.
    ballot_value: BTreeMap<Ballot, usize>,
    elected: BTreeMap<Ballot, NodeSet>,
    values: Vec<BoardValue>,
    chosen: Vec<(Time, NodeId, Ballot, u64, NodeSet)>,
}

impl Facts {
    fn value_index(&mut self, fingerprint: u64, label: impl FnOnce() -> String) -> usize {
        if let Some(i) = self
            .values
            .iter()
            .position(|v| v.fingerprint == fingerprint)
        {
            return i;
        }
        self.values.push(BoardValue {
            label: label(),
            fingerprint,
        });
        self.values.len() - 1
    }

    fn gather(log: &BallotLog, slot: Slot, at: Time) -> Facts {
        let mut f = Facts::default();
        for e in log.entries().iter().filter(|e| e.t() <= at) {
            match e {
                BallotEntry::Promise {
                    node,
                    ballot,
                    from_slot,
                    ..
                } if *from_slot <= slot => f.ballots.entry(*ballot).or_default().0.insert(*node),
                BallotEntry::Accepted {
                    node,
                    slot: s,
                    ballot,
                    value,
                    ..
                } if *s == slot => {
                    f.ballots.entry(*ballot).or_default().1.insert(*node);
                    if let Some(v) = value {
                        let i = f.value_index(v.fingerprint(), || v.describe());
                        f.ballot_value.insert(*ballot, i);
                    }
                }
                BallotEntry::Elected { ballot, quorum, .. } => {
                    f.elected.insert(*ballot, *quorum);
                }
                BallotEntry::Chosen {
                    t,
                    node,
                    slot: s,
                    ballot,
                    quorum,
                    fingerprint,
                } if *s == slot => f.chosen.push((*t, *node, *ballot, *fingerprint, *quorum)),
                _ => {}
            }
        }
        f
    }
}

impl BallotLog {
    /// The board of `slot` as it stood at time `at`.
    pub fn board(&self, slot: Slot, at: Time, nodes: usize) -> Board {
        let mut f = Facts::gather(self, slot, at);
        let chosen: Vec<ChosenMark> = std::mem::take(&mut f.chosen)
            .into_iter()
            .map(|(t, leader, ballot, fp, quorum)| ChosenMark {
                t,
                leader,
                ballot,
                value: f.value_index(fp, || format!("value {fp:016x}")),
                quorum,
            })
            .collect();
        let mut conflicting: Vec<usize> = Vec::new();
        for c in &chosen {
            if !conflicting.contains(&c.value) {
                conflicting.push(c.value);
            }
        }
        if conflicting.len() < 2 {
            conflicting.clear();
        }
        let chosen_q2 = chosen
            .iter()
            .min_by_key(|c| (c.ballot, c.t))
            .map(|c| (c.ballot, c.quorum));
        // The next ballot above the chosen one whose promises cover the slot: the first that
        // won its election by `at` (its Q1 is the election's quorum), else the first still
        // campaigning (its promises so far).
        let next = chosen_q2.and_then(|(b, _)| {
            let mut later = f
                .ballots
                .range(Ballot(b.0 + 1)..)
                .filter(|(_, (p, _))| !p.is_empty());
            let first = later.clone().next();
            later
                .find_map(|(n, _)| f.elected.get(n).map(|q| (*n, *q, true)))
                .or(first.map(|(n, (p, _))| (*n, *p, false)))
        });
        let next_q1 = next.map(|(b, q, _)| (b, q));
        let next_elected = next.is_some_and(|(_, _, e)| e);
        let intersection = match (chosen_q2, next_q1) {
            (Some((_, q2)), Some((_, q1))) => Some(q2.and(q1)),
            _ => None,
        };
        let keep = |b: Ballot| {
            chosen.iter().any(|c| c.ballot == b) || next_q1.is_some_and(|(n, _)| n == b)
        };
        let total = f.ballots.len();
        let mut hidden_rows = 0;
        let mut rows = Vec::new();
        for (i, (&ballot, &(promised, accepted))) in f.ballots.iter().enumerate() {
            if total - i > MAX_ROWS && !keep(ballot) {
                hidden_rows += 1;
                continue;
            }
            let value = f.ballot_value.get(&ballot).copied();
            let cells = (0..nodes as NodeId)
                .map(|n| Cell {
                    promised: promised.contains(n),
                    accepted: accepted.contains(n).then_some(value),
                    in_q2: chosen_q2.is_some_and(|(b, q)| b == ballot && q.contains(n)),
                    in_q1: next_q1.is_some_and(|(b, q)| b == ballot && q.contains(n)),
                })
                .collect();
            rows.push(Row { ballot, cells });
        }
        Board {
            slot,
            at,
            nodes,
            rows,
            hidden_rows,
            values: f.values,
            chosen,
            conflicting,
            chosen_q2,
            next_q1,
            next_elected,
            intersection,
            incomplete_before: (self.evicted() > 0).then_some(self.evicted_until()),
        }
    }

    /// The slot a board should open on at time `at`: the lowest slot where different values
    /// were chosen; else the last chosen slot whose chosen Q2 a later ballot's Q1 met (the
    /// intersection Flexible Paxos relies on, visible); else the last chosen slot; else the
    /// last slot anything was accepted in. `None` before anything was accepted.
    pub fn interesting_slot(&self, at: Time) -> Option<Slot> {
        // slot → (fingerprint first chosen, lowest chosen ballot); ballot → lowest first slot
        // its promises cover.
        let mut chosen: BTreeMap<Slot, (u64, Ballot)> = BTreeMap::new();
        let mut promised: BTreeMap<Ballot, Slot> = BTreeMap::new();
        let mut elected = Vec::new();
        let mut conflict: Option<Slot> = None;
        let mut last_accepted = None;
        for e in self.entries().iter().filter(|e| e.t() <= at) {
            match e {
                BallotEntry::Chosen {
                    slot,
                    fingerprint,
                    ballot,
                    ..
                } => {
                    let c = chosen.entry(*slot).or_insert((*fingerprint, *ballot));
                    c.1 = c.1.min(*ballot);
                    if c.0 != *fingerprint && conflict.is_none_or(|k| *slot < k) {
                        conflict = Some(*slot);
                    }
                }
                BallotEntry::Accepted { slot, .. } => {
                    last_accepted = Some(last_accepted.map_or(*slot, |l: Slot| l.max(*slot)));
                }
                BallotEntry::Promise {
                    ballot, from_slot, ..
                } => {
                    let f = promised.entry(*ballot).or_insert(*from_slot);
                    *f = (*f).min(*from_slot);
                }
                BallotEntry::Elected { ballot, .. } => {
                    elected.push(*ballot);
                }
            }
        }
        if conflict.is_some() {
            return conflict;
        }
        // A later elected ballot's promises cover the slot: the board shows its Q1 meeting the
        // chosen Q2.
        let met = chosen.iter().rev().take(4096).find(|(&s, &(_, b))| {
            promised
                .range(Ballot(b.0 + 1)..)
                .any(|(n, &from)| from <= s && elected.contains(n))
        });
        met.map(|(s, _)| *s)
            .or(chosen.keys().next_back().copied())
            .or(last_accepted)
    }

    /// The lowest and highest slot anything was accepted in by time `at`.
    pub fn slot_range(&self, at: Time) -> Option<(Slot, Slot)> {
        self.entries()
            .iter()
            .take_while(|e| e.t() <= at)
            .filter_map(|e| match e {
                BallotEntry::Accepted { slot, .. } | BallotEntry::Chosen { slot, .. } => {
                    Some(*slot)
                }
                _ => None,
            })
            .fold(None, |r, s| {
                Some(r.map_or((s, s), |(lo, hi): (Slot, Slot)| (lo.min(s), hi.max(s))))
            })
    }
}
