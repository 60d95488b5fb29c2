//! Learning: executing the chosen prefix, commits, heartbeats, catch-up and state transfer.

use super::{digest_step, Node, Output, Role, CATCH_UP_MAX};
use crate::msg::{Ballot, ClientReply, Msg, Slot, Time, Value};
use crate::nodeset::{NodeId, NodeSet};

impl Node {
    // ----- learning -----

    pub(super) fn learn_commit(&mut self, ballot: Ballot, commit: Slot) {
        if (ballot, commit) > self.known_commit {
            self.known_commit = (ballot, commit);
        }
    }

    /// Executes what is chosen and, at a leader, proposes queued commands as the window frees.
    pub(super) fn advance(&mut self, now: Time, out: &mut Vec<Output>) {
        loop {
            self.execute_chosen(out);
            if !self.propose_queued(now, out) {
                break;
            }
        }
    }

    /// Executes the chosen prefix, replies to clients (leader), trims the log.
    pub(super) fn execute_chosen(&mut self, out: &mut Vec<Output>) {
        let (kb, kc) = self.known_commit;
        let leader = self.role == Role::Leader;
        let everyone = self.all;
        let id = self.cfg.id;
        let mut progressed = false;
        loop {
            let slot = self.executed;
            let Some(idx) = slot.checked_sub(self.base) else {
                break;
            };
            let Some(e) = self.log.get_mut(idx as usize) else {
                break;
            };
            if !e.chosen {
                if e.ballot != Ballot::ZERO && e.ballot == kb && slot < kc {
                    e.chosen = true;
                } else {
                    break;
                }
            }
            progressed = true;
            let value = e.value.clone();
            let sent_to = e.sent_to.with(id);
            self.digest = digest_step(self.digest, slot, &value);
            self.executed += 1;
            if leader {
                for c in value.commands() {
                    out.push(Output::Reply {
                        client: c.client,
                        reply: ClientReply::Done(*c),
                    });
                }
                if sent_to != everyone {
                    self.learn_to = self.learn_to.or(everyone.and(sent_to.complement(self.n)));
                    self.learn_buf.push((slot, value.clone()));
                }
            }
            out.push(Output::Decided { slot, value });
        }
        if !progressed {
            return;
        }
        let retain = self.cfg.log_retain.max(1);
        while self.executed - self.base > retain {
            self.log.pop_front();
            self.base += 1;
        }
        if leader && self.learn_buf.len() >= self.cfg.commit_batch.max(1) as usize {
            self.flush_learn(out);
        }
    }

    pub(super) fn flush_learn(&mut self, out: &mut Vec<Output>) {
        if self.learn_buf.is_empty() {
            return;
        }
        let entries = std::mem::take(&mut self.learn_buf);
        let to = self.learn_to;
        self.learn_to = NodeSet::EMPTY;
        let msg = Msg::Commit {
            ballot: self.ballot,
            commit: self.executed,
            entries,
        };
        self.send(to, &msg, out);
    }

    pub(super) fn on_commit(
        &mut self,
        now: Time,
        ballot: Ballot,
        commit: Slot,
        entries: Vec<(Slot, Value)>,
        out: &mut Vec<Output>,
    ) {
        // Chosen values stay chosen whatever the ballot that reports them.
        for (slot, value) in entries {
            if slot < self.executed || slot < self.base {
                continue;
            }
            let e = self.entry_mut(slot);
            if e.ballot == Ballot::ZERO {
                e.ballot = ballot;
            }
            e.value = value;
            e.chosen = true;
        }
        if ballot >= self.promised {
            self.observe_ballot(now, ballot, out);
            self.leader_hint = Some(ballot.node());
            self.last_contact = now;
            self.learn_commit(ballot, commit);
        }
        self.advance(now, out);
    }

    pub(super) fn install_snapshot(&mut self, upto: Slot, digest: u64, out: &mut Vec<Output>) {
        if upto <= self.executed {
            return;
        }
        let drop = (upto.saturating_sub(self.base) as usize).min(self.log.len());
        self.log.drain(..drop);
        self.base = upto;
        self.executed = upto;
        self.digest = digest;
        out.push(Output::SnapshotInstalled { upto, digest });
    }

    // ----- heartbeats -----

    pub(super) fn on_heartbeat(
        &mut self,
        now: Time,
        from: NodeId,
        ballot: Ballot,
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
        self.leader_hint = Some(from);
        self.last_contact = now;
        self.learn_commit(ballot, commit);
        self.advance(now, out);
        out.push(Output::Send {
            to: from,
            msg: Msg::HeartbeatAck {
                ballot,
                executed: self.executed,
            },
        });
    }

    pub(super) fn on_heartbeat_ack(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        executed: Slot,
        out: &mut Vec<Output>,
    ) {
        if self.role != Role::Leader || ballot != self.ballot {
            return;
        }
        self.unsuspect(from);
        // Behind what our last heartbeat announced: it is missing values, not just in flight.
        if executed >= self.hb_commit.min(self.executed) {
            return;
        }
        if executed < self.base {
            out.push(Output::Send {
                to: from,
                msg: Msg::Snapshot {
                    ballot,
                    upto: self.executed,
                    digest: self.digest,
                },
            });
            return;
        }
        let end = self.executed.min(executed + CATCH_UP_MAX);
        let entries: Vec<(Slot, Value)> = (executed..end)
            .filter_map(|s| self.entry(s).map(|e| (s, e.value.clone())))
            .collect();
        out.push(Output::Send {
            to: from,
            msg: Msg::Commit {
                ballot,
                commit: self.executed,
                entries,
            },
        });
    }
}
