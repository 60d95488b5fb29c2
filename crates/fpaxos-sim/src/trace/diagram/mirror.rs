//! A copy of a [`DiagramLog`] kept elsewhere, fed by deltas: the page mirrors the log of a run
//! that a Web Worker simulates. [`DiagramLog::delta`] says what the log recorded or changed
//! since a [`DiagramCursor`]; [`DiagramLog::apply`] makes a mirror equal to the log again.
//!
//! Marks, chosen marks and faults are only appended. A message's record is appended at its
//! send and changes at most once more, when the message is dropped in flight or on arrival
//! ([`DiagramLog::drop_msg`]), which happens no later than its planned arrival
//! ([`MsgRecord::end`]). So a record that is lost, dropped, or delivered before the run's time
//! is final, and a delta starts again at the first record that was not final at the last one.
//!
//! On the wire ([`DiagramDelta`]'s serde) messages are 24 bytes and marks 16, packed, so a
//! page reads a delta of a hundred thousand messages as one byte array.

use super::{DiagramLog, Fate, Mark, MarkKind, MsgRecord, FAULT_CAP, MARK_CAP, RARE_CAP};
use crate::trace::DropReason;
use fpaxos::{MsgKind, Time};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Where the next delta of a [`DiagramLog`] starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagramCursor {
    /// Id of the first message whose record was not final at the last delta.
    pub msgs: u64,
    /// Rare marks recorded so far (evicted ones included).
    pub marks: u64,
    /// Chosen marks recorded so far.
    pub chosen: u64,
    /// Faults recorded so far.
    pub faults: u64,
}

/// What a [`DiagramLog`] recorded or changed since a [`DiagramCursor`], with its counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DiagramDelta {
    /// Id of the first record in `msgs`.
    pub msgs_from: u64,
    /// Records from `msgs_from` on (new ones, and ones that may have changed).
    #[serde(with = "packed")]
    pub msgs: Vec<MsgRecord>,
    /// Index (counting evicted ones) of the first rare mark in `marks`.
    pub marks_from: u64,
    /// New rare marks.
    #[serde(with = "packed")]
    pub marks: Vec<Mark>,
    /// Index of the first chosen mark in `chosen`.
    pub chosen_from: u64,
    /// New chosen marks.
    #[serde(with = "packed")]
    pub chosen: Vec<Mark>,
    /// Index of the first fault in `faults`.
    pub faults_from: u64,
    /// New faults.
    pub faults: Vec<(Time, String)>,
    /// The log's counters after the delta: messages, rare marks, chosen marks and faults
    /// evicted.
    pub evicted: [u64; 4],
    /// The log's message cap.
    pub cap: u64,
}

/// New entries of an append-only list that evicts its oldest: from index `from` (counting
/// evicted ones) on, or from the oldest kept if `from` was evicted.
pub(in crate::trace) fn tail<T: Clone>(
    list: impl ExactSizeIterator<Item = T>,
    evicted: u64,
    from: u64,
) -> (u64, Vec<T>) {
    let from = from.max(evicted);
    let skip = (from - evicted) as usize;
    (from, list.skip(skip).collect())
}

/// Appends `items` (starting at index `from`) to a mirrored list, skipping what it holds and
/// evicting past `cap` as the original did; a gap (the original evicted entries the mirror never
/// saw) empties the mirror first.
pub(in crate::trace) fn append<T: Clone>(
    list: &mut VecDeque<T>,
    evicted: &mut u64,
    cap: usize,
    from: u64,
    items: &[T],
) {
    let total = *evicted + list.len() as u64;
    if from > total {
        list.clear();
        *evicted = from;
    }
    let held = (*evicted + list.len() as u64).saturating_sub(from) as usize;
    for it in items.iter().skip(held) {
        if list.len() >= cap {
            list.pop_front();
            *evicted += 1;
        }
        list.push_back(it.clone());
    }
}

impl DiagramLog {
    /// Id the next message sent will have (one past the newest record).
    fn next_id(&self) -> u64 {
        self.first_id + self.msgs.len() as u64
    }

    /// What the log recorded or changed since `since`, at simulated time `now`, and the cursor
    /// for the next delta. Records of messages still in flight at `now` are in this delta and
    /// will be in the next one again.
    pub fn delta(&self, since: DiagramCursor, now: Time) -> (DiagramDelta, DiagramCursor) {
        let from = since.msgs.max(self.first_id).min(self.next_id());
        let start = (from - self.first_id) as usize;
        let msgs: Vec<MsgRecord> = self.msgs.range(start..).copied().collect();
        let open = msgs
            .iter()
            .position(|r| r.fate == Fate::Delivered && r.end >= now)
            .map_or(self.next_id(), |i| from + i as u64);
        let (marks_from, marks) = tail(self.marks.iter().copied(), self.marks_evicted, since.marks);
        let (chosen_from, chosen) = tail(
            self.chosen.iter().copied(),
            self.chosen_evicted,
            since.chosen,
        );
        let (faults_from, faults) = tail(
            self.faults.iter().cloned(),
            self.faults_evicted,
            since.faults,
        );
        let next = DiagramCursor {
            msgs: open,
            marks: self.marks_evicted + self.marks.len() as u64,
            chosen: self.chosen_evicted + self.chosen.len() as u64,
            faults: self.faults_evicted + self.faults.len() as u64,
        };
        let delta = DiagramDelta {
            msgs_from: from,
            msgs,
            marks_from,
            marks,
            chosen_from,
            chosen,
            faults_from,
            faults,
            evicted: [
                self.evicted,
                self.marks_evicted,
                self.chosen_evicted,
                self.faults_evicted,
            ],
            cap: self.cap as u64,
        };
        (delta, next)
    }

    /// Brings a mirror up to date with a delta of the log it mirrors (deltas in the order they
    /// were taken, the first from `DiagramCursor::default()` on an empty mirror).
    pub fn apply(&mut self, d: &DiagramDelta) {
        self.cap = (d.cap as usize).max(1);
        if !d.msgs.is_empty() {
            if self.msgs.is_empty() || d.msgs_from > self.next_id() || d.msgs_from < self.first_id {
                // A fresh mirror, or one the original's evictions went past.
                self.msgs.clear();
                self.first_id = d.msgs_from;
            } else {
                self.msgs.truncate((d.msgs_from - self.first_id) as usize);
            }
            for r in &d.msgs {
                if self.msgs.len() >= self.cap {
                    self.msgs.pop_front();
                    self.first_id += 1;
                }
                self.msgs.push_back(*r);
            }
        }
        append(
            &mut self.marks,
            &mut self.marks_evicted,
            RARE_CAP,
            d.marks_from,
            &d.marks,
        );
        append(
            &mut self.chosen,
            &mut self.chosen_evicted,
            MARK_CAP,
            d.chosen_from,
            &d.chosen,
        );
        let mut faults: VecDeque<(Time, String)> = std::mem::take(&mut self.faults).into();
        append(
            &mut faults,
            &mut self.faults_evicted,
            FAULT_CAP,
            d.faults_from,
            &d.faults,
        );
        self.faults = faults.into();
        [
            self.evicted,
            self.marks_evicted,
            self.chosen_evicted,
            self.faults_evicted,
        ] = d.evicted;
    }
}

const KINDS: [MarkKind; 4] = [
    MarkKind::Campaign,
    MarkKind::Elected,
    MarkKind::StepDown,
    MarkKind::Chosen,
];
const REASONS: [DropReason; 4] = [
    DropReason::Loss,
    DropReason::Partition,
    DropReason::Crashed,
    DropReason::Manual,
];

/// A fixed-size little-endian encoding.
trait Packed: Sized {
    const SIZE: usize;
    fn put(&self, out: &mut Vec<u8>);
    /// `None` for bytes no value encodes to.
    fn get(b: &[u8]) -> Option<Self>;
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    let mut a = [0; 8];
    a.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(a)
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn index_of<T: PartialEq>(all: &[T], x: &T) -> u8 {
    all.iter().position(|y| y == x).unwrap_or(0) as u8
}

impl Packed for MsgRecord {
    const SIZE: usize = 24;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.sent.to_le_bytes());
        out.extend_from_slice(&self.end.to_le_bytes());
        out.extend_from_slice(&self.from.to_le_bytes());
        out.extend_from_slice(&self.to.to_le_bytes());
        out.push(index_of(&MsgKind::ALL, &self.kind));
        out.push(match self.fate {
            Fate::Delivered => 0,
            Fate::Lost(r) => 1 + index_of(&REASONS, &r),
            Fate::Dropped(r) => 5 + index_of(&REASONS, &r),
        });
        out.extend_from_slice(&[0, 0]);
    }
    fn get(b: &[u8]) -> Option<MsgRecord> {
        let fate = match b[21] {
            0 => Fate::Delivered,
            f @ 1..=4 => Fate::Lost(REASONS[f as usize - 1]),
            f @ 5..=8 => Fate::Dropped(REASONS[f as usize - 5]),
            _ => return None,
        };
        Some(MsgRecord {
            sent: u64_at(b, 0),
            end: u64_at(b, 8),
            from: u16_at(b, 16),
            to: u16_at(b, 18),
            kind: *MsgKind::ALL.get(b[20] as usize)?,
            fate,
        })
    }
}

impl Packed for Mark {
    const SIZE: usize = 16;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.t.to_le_bytes());
        out.extend_from_slice(&self.node.to_le_bytes());
        out.push(index_of(&KINDS, &self.kind));
        out.extend_from_slice(&[0; 5]);
    }
    fn get(b: &[u8]) -> Option<Mark> {
        Some(Mark {
            t: u64_at(b, 0),
            node: u16_at(b, 8),
            kind: *KINDS.get(b[10] as usize)?,
        })
    }
}

/// `#[serde(with = "packed")]`: a list of [`Packed`] values as one byte string (a `Uint8Array`
/// through serde-wasm-bindgen).
mod packed {
    use super::Packed;
    use serde::de::Error;
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<T: Packed, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::with_capacity(v.len() * T::SIZE);
        for x in v {
            x.put(&mut out);
        }
        s.serialize_bytes(&out)
    }

    fn decode<T: Packed, E: Error>(b: &[u8]) -> Result<Vec<T>, E> {
        if !b.len().is_multiple_of(T::SIZE) {
            return Err(E::custom(format!(
                "{} bytes is not a whole number of {}-byte records",
                b.len(),
                T::SIZE
            )));
        }
        b.chunks_exact(T::SIZE)
            .map(|c| T::get(c).ok_or_else(|| E::custom("a record with an unknown kind or fate")))
            .collect()
    }

    pub(super) fn deserialize<'de, T: Packed, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        decode(&super::read_bytes(d)?)
    }
}

/// Reads a byte string: a `Uint8Array` through serde-wasm-bindgen, an array of numbers
/// through JSON.
pub(in crate::trace) fn read_bytes<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<u8>, D::Error> {
    use serde::de::{Error, SeqAccess, Visitor};

    struct Bytes;

    impl<'de> Visitor<'de> for Bytes {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a byte string")
        }
        fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<u8>, E> {
            Ok(b.to_vec())
        }
        fn visit_byte_buf<E: Error>(self, b: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(b)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut b = Vec::new();
            while let Some(x) = seq.next_element::<u8>()? {
                b.push(x);
            }
            Ok(b)
        }
    }

    d.deserialize_byte_buf(Bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Endpoint;
    use fpaxos::NodeId;

    /// A small xorshift, so the test needs no RNG crate.
    struct Xs(u64);
    impl Xs {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn assert_same(a: &DiagramLog, b: &DiagramLog, what: &str) {
        assert_eq!(a.msgs, b.msgs, "{what}: messages");
        assert_eq!(a.first_id, b.first_id, "{what}: first id");
        assert_eq!(a.evicted, b.evicted, "{what}: evicted");
        assert_eq!(a.marks, b.marks, "{what}: marks");
        assert_eq!(a.chosen, b.chosen, "{what}: chosen");
        assert_eq!(a.faults, b.faults, "{what}: faults");
        assert_eq!(
            a.marks_evicted(),
            b.marks_evicted(),
            "{what}: marks evicted"
        );
        assert_eq!(a.discarded_note(), b.discarded_note(), "{what}: note");
    }

    /// Drives a log as a run does (sends in id order, drops of messages in flight only, marks,
    /// faults) and a mirror fed a delta every few steps, through JSON; the mirror equals the
    /// log after each delta.
    fn mirror_run(seed: u64, cap: usize, steps: u64) {
        let mut rng = Xs(seed | 1);
        let mut log = DiagramLog::with_cap(cap);
        let mut mirror = DiagramLog::default();
        let mut cursor = DiagramCursor::default();
        let mut now: Time = 0;
        let mut next_id = 0;
        let mut flying: Vec<(u64, Time)> = Vec::new();
        for step in 0..steps {
            now += rng.next(3);
            match rng.next(10) {
                0..=4 => {
                    let end = now + rng.next(40);
                    let lost = (rng.next(8) == 0).then_some(DropReason::Loss);
                    let kind = MsgKind::ALL[rng.next(13) as usize];
                    let to = Endpoint::Node(rng.next(5) as NodeId);
                    log.send(now, next_id, (Endpoint::Node(0), to), kind, end, lost);
                    if lost.is_none() {
                        flying.push((next_id, end));
                    }
                    next_id += 1;
                }
                5 if !flying.is_empty() => {
                    // Dropped in flight, or on arrival at a crashed node (at its end).
                    let (id, end) = flying.swap_remove(rng.next(flying.len() as u64) as usize);
                    let at = if rng.next(2) == 0 { now.min(end) } else { end };
                    now = now.max(at);
                    log.drop_msg(at, id, REASONS[rng.next(4) as usize]);
                }
                6 => log.mark(now, rng.next(5) as NodeId, KINDS[rng.next(4) as usize]),
                7 if rng.next(50) == 0 => log.fault(now, &format!("fault {step}")),
                _ => {}
            }
            flying.retain(|&(_, end)| end >= now);
            if rng.next(7) == 0 || step + 1 == steps {
                let (d, next) = log.delta(cursor, now);
                let text = serde_json::to_string(&d).expect("writes");
                let back: DiagramDelta = serde_json::from_str(&text).expect("reads");
                assert_eq!(back, d, "the delta reads back");
                mirror.apply(&back);
                cursor = next;
                assert_same(&mirror, &log, &format!("seed {seed}, step {step}"));
            }
        }
    }

    #[test]
    fn a_mirror_fed_deltas_equals_the_log() {
        for seed in 1..40 {
            mirror_run(seed, 1 << 12, 3_000);
        }
    }

    #[test]
    fn a_mirror_follows_evictions() {
        for seed in 1..40 {
            mirror_run(seed, 16, 3_000);
        }
    }

    #[test]
    fn a_delta_after_a_long_gap_still_mirrors() {
        // Far more messages than the cap between two deltas.
        let mut log = DiagramLog::with_cap(8);
        let mut mirror = DiagramLog::default();
        let e = (Endpoint::Node(0), Endpoint::Node(1));
        for id in 0..5 {
            log.send(id, id, e, MsgKind::Accept, id + 1, None);
        }
        let (d, c) = log.delta(DiagramCursor::default(), 3);
        mirror.apply(&d);
        for id in 5..100 {
            log.send(id, id, e, MsgKind::Accept, id + 1, None);
        }
        let (d, _) = log.delta(c, 99);
        mirror.apply(&d);
        assert_same(&mirror, &log, "after the gap");
        assert_eq!(mirror.evicted(), 92);
    }

    #[test]
    fn records_travel_packed() {
        let r = MsgRecord {
            sent: 1,
            end: u64::MAX,
            from: super::super::CLIENT,
            to: 4,
            kind: MsgKind::PreVoteReply,
            fate: Fate::Dropped(DropReason::Manual),
        };
        let mut b = Vec::new();
        r.put(&mut b);
        assert_eq!(b.len(), MsgRecord::SIZE);
        assert_eq!(MsgRecord::get(&b), Some(r));
        // Garbage is refused, not misread.
        b[20] = 200;
        assert_eq!(MsgRecord::get(&b), None);
        let bad = r#"{"msgs_from":0,"msgs":[1,2,3],"marks_from":0,"marks":[],"chosen_from":0,"chosen":[],"faults_from":0,"faults":[],"evicted":[0,0,0,0],"cap":8}"#;
        let err = serde_json::from_str::<DiagramDelta>(bad).expect_err("3 bytes");
        assert!(err.to_string().contains("24-byte records"), "{err}");
    }
}
