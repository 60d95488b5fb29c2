//! Phase 1: elections, prepare and promise, and taking over as leader.

use super::{Event, Node, Output, Role, Timer};
use crate::msg::{Ballot, Msg, PromiseEntry, Slot, Time, Value};
use crate::nodeset::{NodeId, NodeSet};
use crate::quorum::Phase;

impl Node {
    // ----- phase 1 -----

    pub(super) fn start_election(&mut self, now: Time, out: &mut Vec<Output>) {
        let round = self.promised.round().max(self.ballot.round()) + 1;
        self.ballot = Ballot::new(round, self.cfg.id);
        self.promised = self.ballot;
        self.role = Role::Candidate;
        self.leader_hint = None;
        self.last_contact = now;
        self.promises = NodeSet::single(self.cfg.id);
        self.p1_snapshot = None;
        self.p1_values.clear();
        for slot in self.executed.max(self.base)..self.log_end() {
            if let Some(e) = self.entry(slot) {
                if e.ballot != Ballot::ZERO {
                    self.p1_values.insert(slot, (e.ballot, e.value.clone()));
                }
            }
        }
        out.push(Output::Event(Event::ElectionStarted {
            ballot: self.ballot,
        }));
        if self.cfg.quorums.is_q1(self.promises) {
            self.become_leader(now, out);
            return;
        }
        let targets = if self.cfg.thrifty {
            self.cfg
                .quorums
                .pick(
                    Phase::One,
                    self.cfg.id,
                    self.ring_after_self(),
                    self.suspected,
                )
                .map(|q| q.without(self.cfg.id))
                .unwrap_or(self.others())
        } else {
            self.others()
        };
        self.p1_sent = targets;
        let prep = Msg::Prepare {
            ballot: self.ballot,
            from: self.executed,
        };
        self.send(targets, &prep, out);
        self.arm(Timer::Retransmit, self.cfg.retransmit, out);
        self.arm_election(out);
    }

    pub(super) fn on_prepare(
        &mut self,
        now: Time,
        from: NodeId,
        ballot: Ballot,
        start: Slot,
        out: &mut Vec<Output>,
    ) {
        if ballot < self.promised {
            out.push(Output::Send {
                to: from,
                msg: Msg::Nack {
                    promised: self.promised,
                },
            });
            return;
        }
        self.observe_ballot(now, ballot, out);
        self.last_contact = now;
        let mut entries = Vec::new();
        for slot in start.max(self.base)..self.log_end() {
            if let Some(e) = self.entry(slot) {
                if e.ballot != Ballot::ZERO {
                    entries.push(PromiseEntry {
                        slot,
                        ballot: e.ballot,
                        value: e.value.clone(),
                    });
                }
            }
        }
        out.push(Output::Send {
            to: from,
            msg: Msg::Promise {
                ballot,
                executed: self.executed,
                digest: self.digest,
                base: self.base,
                entries,
            },
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_promise(
        &mut self,
        now: Time,
        from: NodeId,
        ballot: Ballot,
        executed: Slot,
        digest: u64,
        base: Slot,
        entries: Vec<PromiseEntry>,
        out: &mut Vec<Output>,
    ) {
        if self.role != Role::Candidate || ballot != self.ballot || self.promises.contains(from) {
            return;
        }
        self.promises.insert(from);
        self.unsuspect(from);
        if base > self.executed && self.p1_snapshot.is_none_or(|(u, _)| executed > u) {
            self.p1_snapshot = Some((executed, digest));
        }
        for e in entries {
            match self.p1_values.get(&e.slot) {
                Some((b, _)) if *b >= e.ballot => {}
                _ => {
                    self.p1_values.insert(e.slot, (e.ballot, e.value));
                }
            }
        }
        if self.cfg.quorums.is_q1(self.promises) {
            self.become_leader(now, out);
        }
    }

    pub(super) fn become_leader(&mut self, now: Time, out: &mut Vec<Output>) {
        self.role = Role::Leader;
        self.leader_hint = Some(self.cfg.id);
        self.suspected = NodeSet::EMPTY;
        self.pick_thrifty();
        out.push(Output::Event(Event::Elected {
            ballot: self.ballot,
            quorum: self.promises,
        }));
        if let Some((upto, digest)) = self.p1_snapshot.take() {
            if upto > self.executed {
                self.install_snapshot(upto, digest, out);
            }
        }
        let start = self.executed;
        let values = std::mem::take(&mut self.p1_values);
        let end = values
            .keys()
            .next_back()
            .map_or(start, |s| (*s + 1).max(start))
            .max(self.log_end());
        self.next_slot = start;
        for slot in start..end {
            let value = match values.get(&slot) {
                Some((_, v)) => v.clone(),
                None => match self.entry(slot) {
                    Some(e) if e.chosen => e.value.clone(),
                    _ => Value::Noop,
                },
            };
            self.next_slot = slot + 1;
            self.propose(now, slot, value, out);
        }
        self.hb_commit = self.executed;
        let hb = Msg::Heartbeat {
            ballot: self.ballot,
            commit: self.executed,
        };
        self.send(self.others(), &hb, out);
        self.arm(Timer::Heartbeat, self.cfg.heartbeat, out);
        self.arm(Timer::Retransmit, self.cfg.retransmit, out);
        self.advance(now, out);
    }
}
