//! The diagram log: what the space-time diagram needs of the whole run, kept compactly next to
//! the bounded rich trace. Every message is one 24-byte [`MsgRecord`] (send time, end time, lanes,
//! kind, fate) and the protocol events (elections, step-downs, chosen slots, faults) are
//! [`Mark`]s, so a page can draw the first election after a run of millions of messages. Chosen
//! slots (one per slot, as many as the commands) are kept apart from the rare marks (campaigns,
//! elections, step-downs), so a zoomed-out drawing reads the few rare ones without walking a
//! million chosen ones. The log observes only: it feeds no hash and steers nothing.
//!
//! Memory is bounded: at most [`MSG_CAP`] messages (48 MiB), [`MARK_CAP`] chosen marks (16 MiB)
//! and [`RARE_CAP`] rare marks (1 MiB).
//! Past a cap the oldest entries are discarded, and the log counts them ([`DiagramLog::evicted`])
//! so the page can say exactly what is missing.

pub(super) mod mirror;

pub use mirror::{DiagramCursor, DiagramDelta};

use super::{DropReason, Endpoint};
use fpaxos::{MsgKind, NodeId, Time};
use std::collections::VecDeque;

/// Most messages the log keeps: 2,097,152 × 24 bytes = 48 MiB.
pub const MSG_CAP: usize = 1 << 21;
/// Most chosen-slot marks the log keeps: 1,048,576 × 16 bytes = 16 MiB.
pub const MARK_CAP: usize = 1 << 20;
/// Most rare marks (campaigns, elections, step-downs) the log keeps: 65,536 × 16 bytes = 1 MiB.
pub const RARE_CAP: usize = 1 << 16;
/// Most faults kept (each with its description).
pub const FAULT_CAP: usize = 4096;

/// Lane code of a client in [`MsgRecord::from`] / [`MsgRecord::to`]: clients share one lane, so
/// the record keeps only that it was a client (the rich trace keeps which one).
pub const CLIENT: u16 = u16::MAX;

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Arrived (or is still in flight) at [`MsgRecord::end`].
    Delivered,
    /// Lost by the network at send time; [`MsgRecord::end`] is when it would have arrived.
    Lost(DropReason),
    /// Dropped in flight or on arrival at [`MsgRecord::end`].
    Dropped(DropReason),
}

/// One message, as the diagram draws it (24 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsgRecord {
    /// Send time.
    pub sent: Time,
    /// Planned arrival, or the drop time for [`Fate::Dropped`].
    pub end: Time,
    /// Sender node id, or [`CLIENT`].
    pub from: u16,
    /// Receiver node id, or [`CLIENT`].
    pub to: u16,
    /// Kind.
    pub kind: MsgKind,
    /// Fate.
    pub fate: Fate,
}

fn lane_code(e: Endpoint) -> u16 {
    match e {
        Endpoint::Node(n) => n as u16,
        Endpoint::Client(_) => CLIENT,
    }
}

/// A rare protocol event the diagram marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A node started an election.
    Campaign,
    /// A node became leader.
    Elected,
    /// A leader or candidate stepped down.
    StepDown,
    /// A leader learned a slot is chosen.
    Chosen,
}

/// A protocol event at a node (16 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Time.
    pub t: Time,
    /// Node.
    pub node: u16,
    /// What happened.
    pub kind: MarkKind,
}

/// The whole run's messages and marks, oldest first, bounded by [`MSG_CAP`] and [`MARK_CAP`].
#[derive(Clone, Debug, Default)]
pub struct DiagramLog {
    msgs: VecDeque<MsgRecord>,
    /// Message id of `msgs[0]`: ids are given in send order, so a record's index is its id
    /// minus this.
    first_id: u64,
    evicted: u64,
    /// Campaigns, elections and step-downs.
    marks: VecDeque<Mark>,
    marks_evicted: u64,
    /// Chosen slots.
    chosen: VecDeque<Mark>,
    chosen_evicted: u64,
    faults: Vec<(Time, String)>,
    faults_evicted: u64,
    cap: usize,
}

impl DiagramLog {
    /// A log keeping at most `cap` messages (tests use small caps; the simulator [`MSG_CAP`]).
    pub fn with_cap(cap: usize) -> DiagramLog {
        DiagramLog {
            cap: cap.max(1),
            ..DiagramLog::default()
        }
    }

    /// Records a send of message `id` (ids are consecutive in send order).
    #[inline]
    pub fn send(
        &mut self,
        t: Time,
        id: u64,
        ends: (Endpoint, Endpoint),
        kind: MsgKind,
        end: Time,
        lost: Option<DropReason>,
    ) {
        if self.msgs.is_empty() {
            self.first_id = id;
        }
        debug_assert_eq!(id, self.first_id + self.msgs.len() as u64);
        if self.msgs.len() == self.cap {
            self.msgs.pop_front();
            self.first_id += 1;
            self.evicted += 1;
        }
        self.msgs.push_back(MsgRecord {
            sent: t,
            end,
            from: lane_code(ends.0),
            to: lane_code(ends.1),
            kind,
            fate: lost.map_or(Fate::Delivered, Fate::Lost),
        });
    }

    /// Records that message `id` was dropped at `t` (ignored if it was evicted already).
    pub fn drop_msg(&mut self, t: Time, id: u64, reason: DropReason) {
        let Some(i) = id.checked_sub(self.first_id) else {
            return;
        };
        if let Some(r) = self.msgs.get_mut(i as usize) {
            r.end = t;
            r.fate = Fate::Dropped(reason);
        }
    }

    /// Records a protocol event.
    #[inline]
    pub fn mark(&mut self, t: Time, node: NodeId, kind: MarkKind) {
        let (list, cap, evicted) = if kind == MarkKind::Chosen {
            (&mut self.chosen, MARK_CAP, &mut self.chosen_evicted)
        } else {
            (&mut self.marks, RARE_CAP, &mut self.marks_evicted)
        };
        if list.len() == cap {
            list.pop_front();
            *evicted += 1;
        }
        list.push_back(Mark {
            t,
            node: node as u16,
            kind,
        });
    }

    /// Records a fault.
    pub fn fault(&mut self, t: Time, what: &str) {
        if self.faults.len() == FAULT_CAP {
            self.faults.remove(0);
            self.faults_evicted += 1;
        }
        self.faults.push((t, what.to_string()));
    }

    /// The kept messages, in send order (so sorted by [`MsgRecord::sent`]).
    pub fn msgs(&self) -> &VecDeque<MsgRecord> {
        &self.msgs
    }

    /// Message id of the record at `index` in [`DiagramLog::msgs`].
    pub fn id_of(&self, index: usize) -> u64 {
        self.first_id + index as u64
    }

    /// The kept rare marks (campaigns, elections, step-downs), oldest first (sorted by time).
    pub fn marks(&self) -> &VecDeque<Mark> {
        &self.marks
    }

    /// The kept chosen-slot marks ([`MarkKind::Chosen`]), oldest first (sorted by time).
    pub fn chosen_marks(&self) -> &VecDeque<Mark> {
        &self.chosen
    }

    /// The kept faults, oldest first.
    pub fn faults(&self) -> &[(Time, String)] {
        &self.faults
    }

    /// Messages discarded because the log was full (the oldest ones).
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Marks and faults discarded because their lists were full (the oldest ones).
    pub fn marks_evicted(&self) -> u64 {
        self.marks_evicted + self.chosen_evicted + self.faults_evicted
    }

    /// Heap bytes the log holds (allocated capacity, not only what is used).
    pub fn bytes(&self) -> usize {
        self.msgs.capacity() * std::mem::size_of::<MsgRecord>()
            + (self.marks.capacity() + self.chosen.capacity()) * std::mem::size_of::<Mark>()
            + self
                .faults
                .iter()
                .map(|f| f.1.capacity() + std::mem::size_of::<(Time, String)>())
                .sum::<usize>()
    }

    /// The note a page shows when the log discarded something, saying exactly what; `None` when
    /// the whole run is kept.
    pub fn discarded_note(&self) -> Option<String> {
        if self.evicted == 0 && self.marks_evicted() == 0 {
            return None;
        }
        let mut parts = Vec::new();
        if self.evicted > 0 {
            let from = self.msgs.front().map_or(0, |r| r.sent);
            parts.push(format!(
                "the first {} messages (those sent before {:.3} s; the diagram keeps the last {})",
                self.evicted,
                from as f64 / 1e9,
                self.cap
            ));
        }
        let lists = [
            (self.marks_evicted, self.marks.front(), "election marks"),
            (
                self.chosen_evicted,
                self.chosen.front(),
                "chosen-slot marks",
            ),
        ];
        for (evicted, front, what) in lists {
            if evicted > 0 {
                parts.push(format!(
                    "the first {evicted} {what} (before {:.3} s)",
                    front.map_or(0, |m| m.t) as f64 / 1e9
                ));
            }
        }
        if self.faults_evicted > 0 {
            let from = self.faults.first().map_or(0, |f| f.0);
            parts.push(format!(
                "the first {} faults (before {:.3} s)",
                self.faults_evicted,
                from as f64 / 1e9
            ));
        }
        Some(format!(
            "Discarded {} (diagram memory cap).",
            parts.join(" and ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Endpoint = Endpoint::Node(0);
    const B: Endpoint = Endpoint::Node(1);

    #[test]
    fn records_are_small() {
        assert_eq!(std::mem::size_of::<MsgRecord>(), 24);
        assert_eq!(std::mem::size_of::<Mark>(), 16);
    }

    #[test]
    fn keeps_every_message_below_the_cap() {
        let mut log = DiagramLog::with_cap(100);
        for id in 0..100 {
            log.send(
                id * 10,
                id,
                (A, Endpoint::Client(7)),
                MsgKind::Reply,
                id * 10 + 5,
                None,
            );
        }
        log.drop_msg(42, 3, DropReason::Crashed);
        assert_eq!(log.msgs().len(), 100);
        assert_eq!(log.evicted(), 0);
        assert_eq!(log.discarded_note(), None);
        assert_eq!(log.msgs()[0].to, CLIENT);
        assert_eq!(log.msgs()[3].fate, Fate::Dropped(DropReason::Crashed));
        assert_eq!(log.msgs()[3].end, 42);
        assert_eq!(log.id_of(99), 99);
    }

    #[test]
    fn chosen_marks_are_kept_apart_from_the_rare_ones() {
        let mut log = DiagramLog::with_cap(10);
        log.mark(5, 1, MarkKind::Campaign);
        for slot in 0..1000 {
            log.mark(10 + slot, 1, MarkKind::Chosen);
        }
        log.mark(2000, 1, MarkKind::Elected);
        log.mark(3000, 1, MarkKind::StepDown);
        let kinds: Vec<MarkKind> = log.marks().iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            [MarkKind::Campaign, MarkKind::Elected, MarkKind::StepDown]
        );
        assert_eq!(log.chosen_marks().len(), 1000);
        assert!(log
            .chosen_marks()
            .iter()
            .all(|m| m.kind == MarkKind::Chosen));
        assert_eq!(log.discarded_note(), None);
        // Past the rare marks' cap the oldest go, and the note names them apart.
        for i in 0..RARE_CAP as u64 {
            log.mark(4000 + i, 2, MarkKind::Campaign);
        }
        assert_eq!(log.marks().len(), RARE_CAP);
        assert_eq!(log.marks_evicted(), 3);
        assert_eq!(log.chosen_marks().len(), 1000);
        assert_eq!(
            log.discarded_note().as_deref(),
            Some("Discarded the first 3 election marks (before 0.000 s) (diagram memory cap).")
        );
    }

    #[test]
    fn past_the_cap_drops_the_oldest_and_says_so() {
        let mut log = DiagramLog::with_cap(10);
        for id in 0..25 {
            let lost = (id == 24).then_some(DropReason::Loss);
            log.send(
                id * 1_000_000_000,
                id,
                (A, B),
                MsgKind::Accept,
                id * 1_000_000_000 + 1,
                lost,
            );
        }
        assert_eq!(log.msgs().len(), 10);
        assert_eq!(log.evicted(), 15);
        assert_eq!(log.id_of(0), 15);
        assert_eq!(log.msgs()[9].fate, Fate::Lost(DropReason::Loss));
        // A drop of an evicted message is ignored; of a kept one, recorded at the right index.
        log.drop_msg(30, 2, DropReason::Manual);
        log.drop_msg(30, 16, DropReason::Manual);
        assert_eq!(log.msgs()[1].fate, Fate::Dropped(DropReason::Manual));
        assert_eq!(
            log.discarded_note().as_deref(),
            Some(
                "Discarded the first 15 messages (those sent before 15.000 s; the diagram keeps \
                 the last 10) (diagram memory cap)."
            )
        );
    }
}
