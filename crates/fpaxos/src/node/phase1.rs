//! Phase 1: elections, prepare and promise, and taking over as leader.

use super::{send, Entry, Event, Node, Output, Role, Timer};
use crate::msg::{Ballot, Msg, Prepare, Promise, PromiseEntry, Slot, Time, Value};
use crate::nodeset::{NodeId, NodeSet};

/// How phase 1 ranks a reported value: a value known chosen outranks every ballot.
fn rank(ballot: Ballot, chosen: bool) -> Ballot {
    if chosen {
        Ballot(u64::MAX)
    } else {
        ballot
    }
}

impl Node {
    /// Campaigns with a ballot above every ballot seen: promises itself, remembers its own
    /// accepted values as the first phase-1 reports, and asks a Q1 (thrifty) or, if `to_all`,
    /// everyone else.
    pub(super) fn start_election(&mut self, now: Time, to_all: bool, out: &mut Vec<Output>) {
        self.ballot = self.next_ballot();
        self.promised = self.ballot;
        self.role = Role::Candidate;
        self.leader_hint = None;
        self.last_contact = now;
        self.promises = NodeSet::single(self.cfg.id);
        self.heard = self.promises;
        self.pre_ballot = None;
        self.p1_snapshot = None;
        self.p1_values = self
            .accepted_from(self.executed)
            .map(|(slot, e)| (slot, (rank(e.ballot, e.chosen), e.value.clone())))
            .collect();
        out.push(Output::Event(Event::ElectionStarted {
            ballot: self.ballot,
        }));
        if self.cfg.quorums.is_q1(self.promises) {
            self.become_leader(now, out);
            return;
        }
        let targets = if to_all {
            self.others()
        } else {
            self.prepare_targets()
        };
        self.p1_asked = targets;
        send(targets, self.prepare(), out);
        self.arm(Timer::Retransmit, self.cfg.retransmit, out);
        self.arm_election(out);
    }

    /// A ballot above every ballot this node has seen or used.
    pub(super) fn next_ballot(&self) -> Ballot {
        let round = self.promised.round().max(self.ballot.round()) + 1;
        Ballot::new(round, self.cfg.id)
    }

    /// A candidate's election timer fired: its attempt failed. The nodes it asked that did not
    /// promise become suspected (so later thrifty picks avoid them), and the retry asks every
    /// node, so a thrifty candidate never waits again on a quorum holding a dead node, whatever
    /// the retransmit timer.
    pub(super) fn re_elect(&mut self, now: Time, out: &mut Vec<Output>) {
        let silent = self.p1_asked.and(self.promises.complement(self.n));
        self.suspected = self.suspected.or(silent);
        self.start_election(now, true, out);
    }

    /// The log entries holding an accepted or known-chosen value, from slot `first` on: what
    /// phase 1 reports.
    fn accepted_from(&self, first: Slot) -> impl Iterator<Item = (Slot, &Entry)> {
        (first.max(self.base)..self.log_end()).filter_map(|slot| {
            self.entry(slot)
                .filter(|e| e.ballot != Ballot::ZERO || e.chosen)
                .map(|e| (slot, e))
        })
    }

    /// The candidate's phase-1a message: everything it does not know to be chosen is in question.
    fn prepare(&self) -> Msg {
        Msg::Prepare(Prepare {
            ballot: self.ballot,
            first_slot: self.executed,
        })
    }

    /// Retransmit timer while campaigning: asks every node that has not promised yet, which also
    /// widens a thrifty Q1 that stayed silent.
    pub(super) fn resend_prepares(&mut self, out: &mut Vec<Output>) {
        let missing = self.others().and(self.promises.complement(self.n));
        self.p1_asked = self.p1_asked.or(missing);
        send(missing, self.prepare(), out);
    }

    /// Acceptor side of phase 1: unless a live leader's lease holds (check-quorum), promises the
    /// ballot and reports every accepted entry from the candidate's `first_slot` on.
    pub(super) fn on_prepare(
        &mut self,
        now: Time,
        from: NodeId,
        m: Prepare,
        out: &mut Vec<Output>,
    ) {
        if self.in_lease(now) || !self.admit(now, from, m.ballot, out) {
            return;
        }
        let entries = self
            .accepted_from(m.first_slot)
            .map(|(slot, e)| PromiseEntry {
                slot,
                ballot: e.ballot,
                value: e.value.clone(),
                chosen: e.chosen,
            })
            .collect();
        out.push(Output::Send {
            to: from,
            msg: Msg::Promise(Promise {
                ballot: m.ballot,
                executed: self.executed,
                digest: self.digest,
                base: self.base,
                entries,
                // The candidate installs our executed prefix as a snapshot only if we trimmed
                // past its own (`on_promise`): only then does it need the sessions.
                sessions: (self.cfg.sessions && self.base > m.first_slot)
                    .then(|| self.sessions.clone()),
            }),
        });
    }

    /// Candidate side of phase 1: keeps, per slot, the value accepted in the highest ballot
    /// reported, notes a state transfer if a promiser has trimmed past our executed prefix, and
    /// takes over once the promises form a Q1.
    pub(super) fn on_promise(
        &mut self,
        now: Time,
        from: NodeId,
        m: Promise,
        out: &mut Vec<Output>,
    ) {
        if self.role != Role::Candidate || m.ballot != self.ballot || self.promises.contains(from) {
            return;
        }
        self.promises.insert(from);
        self.unsuspect(from);
        if m.executed < self.executed {
            out.push(Output::Event(Event::LaggingPromise { from }));
        }
        if m.base > self.executed && self.p1_snapshot.as_ref().is_none_or(|s| m.executed > s.0) {
            self.p1_snapshot = Some((m.executed, m.digest, m.sessions));
        }
        for e in m.entries {
            let ballot = rank(e.ballot, e.chosen);
            match self.p1_values.get(&e.slot) {
                Some((b, _)) if self.keeps_p1_value(*b, ballot) => {}
                _ => {
                    self.p1_values.insert(e.slot, (ballot, e.value));
                }
            }
        }
        if self.cfg.quorums.is_q1(self.promises) {
            self.become_leader(now, out);
        }
    }

    /// Phase 1 done: re-proposes every slot from the executed prefix to the end of what phase 1
    /// found (the reported value, a value known chosen, or a no-op for a gap), then starts
    /// heartbeats and the retransmit timer.
    pub(super) fn become_leader(&mut self, now: Time, out: &mut Vec<Output>) {
        self.role = Role::Leader;
        self.leader_hint = Some(self.cfg.id);
        self.heard_since = now;
        // Suspicions survive the campaign (each promiser was cleared as it answered), so the
        // first thrifty Q2 avoids the nodes that stayed silent.
        self.pick_thrifty();
        out.push(Output::Event(Event::Elected {
            ballot: self.ballot,
            quorum: self.promises,
        }));
        if let Some((upto, digest, sessions)) = self.p1_snapshot.take() {
            // Ignored unless it reaches past our executed prefix.
            self.install_snapshot(upto, digest, sessions, out);
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
                Some((_, v)) => {
                    if self.entry(slot).is_none_or(|e| e.value != *v) {
                        out.push(Output::Event(Event::ValueRecovered { slot }));
                    }
                    v.clone()
                }
                None => match self.entry(slot) {
                    Some(e) if e.chosen => e.value.clone(),
                    _ => Value::Noop,
                },
            };
            self.next_slot = slot + 1;
            self.propose(now, slot, value, out);
        }
        self.broadcast_heartbeat(out);
        self.arm(Timer::Heartbeat, self.cfg.heartbeat, out);
        self.arm(Timer::Retransmit, self.cfg.retransmit, out);
        self.advance(now, out);
    }
}
