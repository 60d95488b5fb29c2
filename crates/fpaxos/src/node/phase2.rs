//! Phase 2: proposing values, accept and accepted, and noticing that a slot is chosen.

use super::{send, Event, Node, Output, Role};
use crate::msg::{Accept, Accepted, ClientReply, Msg, Slot, Time, Value};
use crate::nodeset::{NodeId, NodeSet};

impl Node {
    /// Leader: accepts `value` in `slot` itself and asks the rest of its (thrifty) Q2.
    pub(super) fn propose(&mut self, now: Time, slot: Slot, value: Value, out: &mut Vec<Output>) {
        let (id, ballot, commit) = (self.cfg.id, self.ballot, self.executed);
        let to = self.thrifty_q2.without(id);
        let e = self.entry_mut(slot);
        e.ballot = ballot;
        // A value known chosen is never replaced: re-proposing it is all a leader may do.
        if !e.chosen {
            e.value = value;
        }
        e.acks = NodeSet::single(id);
        e.sent_to = to;
        e.proposed_at = now;
        send(to, e.accept_msg(slot, commit), out);
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
            if self.entry(self.next_slot).is_some_and(|e| e.chosen) {
                // Only reachable with unsafe quorums: a rival's commit chose this slot.
                self.next_slot += 1;
                continue;
            }
            let value = if batch == 1 || self.queue.len() == 1 {
                Value::Cmd(self.queue.pop_front().expect("queue is not empty"))
            } else {
                Value::Batch(self.queue.take_front(batch).into())
            };
            // With sessions, commands executed since they were queued (a resend whose first
            // copy another slot carried) are answered, not proposed again.
            let Some(value) = self.without_executed(value, out) else {
                continue;
            };
            let slot = self.next_slot;
            self.next_slot += 1;
            if self.records_before_chosen() {
                self.record(&value);
            }
            if self.replies_before_chosen() {
                for &c in value.commands() {
                    out.push(Output::Reply {
                        client: c.client,
                        reply: ClientReply::Done(c),
                    });
                }
            }
            self.propose(now, slot, value, out);
            any = true;
        }
        any
    }

    /// `value` without the commands the sessions record as executed, each answered `Done`;
    /// `None` when none is left. Without sessions, or with none executed (the common case),
    /// `value` is returned as it is.
    fn without_executed(&self, value: Value, out: &mut Vec<Output>) -> Option<Value> {
        if !self.cfg.sessions
            || !value
                .commands()
                .iter()
                .any(|c| self.sessions.contains(c.client, c.seq))
        {
            return Some(value);
        }
        let mut fresh = Vec::new();
        for &c in value.commands() {
            if self.sessions.contains(c.client, c.seq) {
                out.push(Output::Reply {
                    client: c.client,
                    reply: ClientReply::Done(c),
                });
            } else {
                fresh.push(c);
            }
        }
        match (value, fresh.as_slice()) {
            (_, []) => None,
            (Value::Batch(_), _) => Some(Value::Batch(fresh.into())),
            (_, [c]) => Some(Value::Cmd(*c)),
            (_, _) => Some(Value::Batch(fresh.into())),
        }
    }

    /// Marks `slot` chosen once a Q2 has accepted it in the leader's ballot.
    pub(super) fn check_chosen(&mut self, slot: Slot, out: &mut Vec<Output>) {
        let ballot = self.ballot;
        let q = &self.cfg.quorums;
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
                    fingerprint: e.value.fingerprint(),
                }));
            }
        }
    }

    /// Acceptor side of phase 2: accepts unless the ballot is stale or the value cannot be
    /// stored (see `store_accepted`), and learns the piggybacked commit index.
    pub(super) fn on_accept(&mut self, now: Time, from: NodeId, m: Accept, out: &mut Vec<Output>) {
        if !self.admit(now, from, m.ballot, out) && !self.accepts_below_promise() {
            return;
        }
        self.heard_leader(now, m.ballot);
        if m.slot < self.base {
            // Executed and trimmed here, hence chosen: the leader re-proposing it is behind this
            // node (e.g. elected by a Q1 of itself alone). Nothing is stored, so no Accepted; it
            // gets the executed state instead, or it would retransmit forever (a stall the
            // liveness checker found: swarm seed 7197).
            self.send_snapshot(from, m.ballot, out);
        }
        if self.store_accepted(&m) {
            out.push(Output::Send {
                to: from,
                msg: Msg::Accepted(Accepted {
                    ballot: m.ballot,
                    slot: m.slot,
                }),
            });
        }
        self.learn_commit(m.ballot, m.commit);
        self.advance(now, out);
    }

    /// Stores an admitted accept; returns whether the acceptor now holds `m.value` at
    /// `m.ballot`, the only case in which it may answer `Accepted`. A trimmed slot stores
    /// nothing, and a slot known chosen keeps its value (it takes the ballot only if the values
    /// agree).
    fn store_accepted(&mut self, m: &Accept) -> bool {
        if m.slot < self.base {
            return false;
        }
        let e = self.entry_mut(m.slot);
        if e.chosen && e.value != m.value {
            return false;
        }
        e.ballot = m.ballot;
        e.value = m.value.clone();
        true
    }

    /// Leader side of phase 2: counts the acceptor towards the slot's Q2.
    pub(super) fn on_accepted(
        &mut self,
        now: Time,
        from: NodeId,
        m: Accepted,
        out: &mut Vec<Output>,
    ) {
        if self.role != Role::Leader || m.ballot != self.ballot {
            return;
        }
        self.unsuspect(from);
        let Some(idx) = m.slot.checked_sub(self.base) else {
            return;
        };
        if let Some(e) = self.log.get_mut(idx as usize) {
            if e.ballot == m.ballot {
                e.acks.insert(from);
            }
        }
        self.check_chosen(m.slot, out);
        self.advance(now, out);
    }
}
