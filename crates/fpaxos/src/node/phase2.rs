//! Phase 2: proposing values, accept and accepted, and noticing that a slot is chosen.

use super::{Event, Node, Output, Role};
use crate::msg::{Ballot, Msg, Slot, Time, Value};
use crate::nodeset::{NodeId, NodeSet};
use std::sync::Arc;

impl Node {
    // ----- phase 2 -----

    pub(super) fn propose(&mut self, now: Time, slot: Slot, value: Value, out: &mut Vec<Output>) {
        let (id, ballot, commit) = (self.cfg.id, self.ballot, self.executed);
        let to = self.thrifty_q2.without(id);
        let e = self.entry_mut(slot);
        e.ballot = ballot;
        e.value = value;
        e.acks = NodeSet::single(id);
        e.sent_to = to;
        e.proposed_at = now;
        let msg = Msg::Accept {
            ballot,
            slot,
            value: e.value.clone(),
            commit,
        };
        for t in to.iter() {
            out.push(Output::Send {
                to: t,
                msg: msg.clone(),
            });
        }
        self.check_chosen(slot, out);
    }

    /// Proposes queued commands while the window allows; returns whether it proposed any.
    pub(super) fn propose_queued(&mut self, now: Time, out: &mut Vec<Output>) -> bool {
        let batch = self.cfg.batch.max(1) as usize;
        let mut any = false;
        // Only reachable with unsafe quorums: a rival leader's commits carried execution past
        // our own proposals. Never propose into slots already executed.
        self.next_slot = self.next_slot.max(self.executed);
        while self.role == Role::Leader
            && !self.queue.is_empty()
            && self.next_slot - self.executed < self.cfg.window.max(1) as Slot
        {
            let value = if batch == 1 || self.queue.len() == 1 {
                Value::Cmd(self.queue.pop_front().expect("queue is not empty"))
            } else {
                let k = batch.min(self.queue.len());
                Value::Batch(self.queue.drain(..k).collect())
            };
            let slot = self.next_slot;
            self.next_slot += 1;
            self.propose(now, slot, value, out);
            any = true;
        }
        any
    }

    pub(super) fn check_chosen(&mut self, slot: Slot, out: &mut Vec<Output>) {
        let ballot = self.ballot;
        let q = Arc::clone(&self.cfg.quorums);
        let Some(idx) = slot.checked_sub(self.base) else {
            return;
        };
        if let Some(e) = self.log.get_mut(idx as usize) {
            if !e.chosen && e.ballot == ballot && q.is_q2(e.acks) {
                e.chosen = true;
                out.push(Output::Event(Event::Chosen {
                    slot,
                    ballot,
                    quorum: e.acks,
                }));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_accept(
        &mut self,
        now: Time,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        value: Value,
        commit: Slot,
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
        self.leader_hint = Some(ballot.node());
        self.last_contact = now;
        if slot >= self.base {
            let e = self.entry_mut(slot);
            e.ballot = ballot;
            if !e.chosen {
                e.value = value;
            }
        }
        out.push(Output::Send {
            to: from,
            msg: Msg::Accepted { ballot, slot },
        });
        self.learn_commit(ballot, commit);
        self.advance(now, out);
    }

    pub(super) fn on_accepted(
        &mut self,
        now: Time,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        out: &mut Vec<Output>,
    ) {
        if self.role != Role::Leader || ballot != self.ballot {
            return;
        }
        self.unsuspect(from);
        let Some(idx) = slot.checked_sub(self.base) else {
            return;
        };
        if let Some(e) = self.log.get_mut(idx as usize) {
            if e.ballot == ballot {
                e.acks.insert(from);
            }
        }
        self.check_chosen(slot, out);
        self.advance(now, out);
    }
}
