//! Learning: executing the chosen prefix, commits, heartbeats, catch-up and state transfer.

use super::{digest_step_fp, send, Node, Output, Role, CATCH_UP_MAX};
use crate::msg::{
    Ballot, ClientReply, Commit, Heartbeat, HeartbeatAck, Msg, Slot, Snapshot, Time, Value,
};
use crate::nodeset::{NodeId, NodeSet};
use crate::sessions::Sessions;
use std::sync::Arc;

impl Node {
    /// Remembers the newest `(ballot, commit)` heard: entries accepted in that ballot below that
    /// slot are chosen.
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
            let fingerprint = value.fingerprint();
            self.digest = digest_step_fp(self.digest, slot, fingerprint);
            self.executed += 1;
            let mut repeats = Vec::new();
            if self.cfg.sessions {
                if self.skips_repeats() {
                    repeats.extend(
                        value
                            .commands()
                            .iter()
                            .filter(|c| self.sessions.contains(c.client, c.seq)),
                    );
                }
                self.record(&value);
            }
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
            out.push(Output::Decided {
                slot,
                value,
                fingerprint,
                repeats,
            });
        }
        if !progressed {
            return;
        }
        let retain = self.cfg.log_retain.max(1);
        let excess = (self.executed - self.base).saturating_sub(retain);
        if excess > 0 {
            // One drain, not a pop per slot.
            self.log.drain(..(excess as usize).min(self.log.len()));
            self.base += excess;
        }
        if leader && self.learn_buf.len() >= self.cfg.commit_batch.max(1) as usize {
            self.flush_learn(out);
        }
    }

    /// Thrifty leader: tells the nodes outside a slot's Q2 what was chosen, in one batch.
    pub(super) fn flush_learn(&mut self, out: &mut Vec<Output>) {
        if self.learn_buf.is_empty() {
            return;
        }
        let entries = std::mem::take(&mut self.learn_buf);
        let to = self.learn_to;
        self.learn_to = NodeSet::EMPTY;
        let msg = Msg::Commit(Commit {
            ballot: self.ballot,
            commit: self.executed,
            entries,
        });
        send(to, msg, out);
    }

    /// Stores the chosen values, and takes the commit index only from a ballot not below our
    /// promise.
    pub(super) fn on_commit(&mut self, now: Time, m: Commit, out: &mut Vec<Output>) {
        // Chosen values stay chosen whatever the ballot that reports them.
        for (slot, value) in m.entries {
            if slot < self.executed || slot < self.base {
                continue;
            }
            // Marks the value chosen but keeps the ballot this node accepted in (if any): a
            // commit is no phase-2a, and a value already known chosen is never replaced.
            let e = self.entry_mut(slot);
            if !e.chosen {
                e.value = value;
                e.chosen = true;
            }
        }
        if self.heed(now, m.ballot, out) {
            self.heard_leader(now, m.ballot);
            self.learn_commit(m.ballot, m.commit);
        }
        self.advance(now, out);
    }

    /// State transfer from a leader whose log no longer reaches back to our executed prefix.
    pub(super) fn on_snapshot(&mut self, now: Time, m: Snapshot, out: &mut Vec<Output>) {
        self.heed(now, m.ballot, out);
        self.install_snapshot(m.upto, m.digest, m.sessions, out);
        self.advance(now, out);
    }

    /// Records `value`'s commands in the client sessions.
    pub(super) fn record(&mut self, value: &Value) {
        let sessions = Arc::make_mut(&mut self.sessions);
        for c in value.commands() {
            sessions.insert(c.client, c.seq);
        }
    }

    /// Skips the executed prefix to `upto` (never backwards), dropping the log below it; with
    /// client sessions, `sessions` are that prefix's.
    pub(super) fn install_snapshot(
        &mut self,
        upto: Slot,
        digest: u64,
        sessions: Option<Arc<Sessions>>,
        out: &mut Vec<Output>,
    ) {
        if upto <= self.executed {
            return;
        }
        let drop = (upto.saturating_sub(self.base) as usize).min(self.log.len());
        let (leader, ballot, executed, base) = (self.role, self.ballot, self.executed, self.base);
        for (i, e) in self.log.drain(..drop).enumerate() {
            // Our own proposals in skipped slots will never execute here: their clients get a
            // retry instead of silence (the command may already be in the snapshot, so a retry
            // can run it twice: at-least-once, see the module docs).
            if leader == Role::Leader && e.ballot == ballot && base + i as Slot >= executed {
                for cmd in e.value.commands() {
                    out.push(Output::Reply {
                        client: cmd.client,
                        reply: ClientReply::Redirect {
                            cmd: *cmd,
                            leader: self.leader_hint,
                        },
                    });
                }
            }
        }
        self.base = upto;
        self.executed = upto;
        self.digest = digest;
        if self.cfg.sessions {
            // A sender without sessions (a cluster whose nodes disagree on the setting) leaves
            // ours: everything in it was executed, so it still claims nothing.
            if let Some(s) = sessions {
                self.sessions = s;
            }
        }
        out.push(Output::SnapshotInstalled { upto, digest });
    }

    /// Leader: announces itself and its commit index to every other node; the acks tell it who
    /// needs catching up.
    pub(super) fn broadcast_heartbeat(&mut self, out: &mut Vec<Output>) {
        self.hb_commit = self.executed;
        let hb = Msg::Heartbeat(Heartbeat {
            ballot: self.ballot,
            commit: self.executed,
        });
        send(self.others(), hb, out);
    }

    /// Follower: learns the commit index and answers with how far it has executed.
    pub(super) fn on_heartbeat(
        &mut self,
        now: Time,
        from: NodeId,
        m: Heartbeat,
        out: &mut Vec<Output>,
    ) {
        if !self.admit(now, from, m.ballot, out) {
            return;
        }
        self.heard_leader(now, m.ballot);
        self.learn_commit(m.ballot, m.commit);
        self.advance(now, out);
        out.push(Output::Send {
            to: from,
            msg: Msg::HeartbeatAck(HeartbeatAck {
                ballot: m.ballot,
                executed: self.executed,
            }),
        });
    }

    /// Sends `to` this node's executed state: what a node behind the trimmed part of the log
    /// needs, since the entries it is missing are gone.
    pub(super) fn send_snapshot(&self, to: NodeId, ballot: Ballot, out: &mut Vec<Output>) {
        out.push(Output::Send {
            to,
            msg: Msg::Snapshot(Snapshot {
                ballot,
                upto: self.executed,
                digest: self.digest,
                sessions: self.cfg.sessions.then(|| self.sessions.clone()),
            }),
        });
    }

    /// Leader: catches up a follower that is behind its last heartbeat, with the chosen entries
    /// it lacks or, if those are trimmed, a snapshot.
    pub(super) fn on_heartbeat_ack(
        &mut self,
        from: NodeId,
        m: HeartbeatAck,
        out: &mut Vec<Output>,
    ) {
        let HeartbeatAck { ballot, executed } = m;
        if self.role != Role::Leader || ballot != self.ballot {
            return;
        }
        self.unsuspect(from);
        // Behind what our last heartbeat announced: it is missing values, not just in flight.
        if executed >= self.hb_commit.min(self.executed) {
            return;
        }
        if executed < self.base {
            self.send_snapshot(from, ballot, out);
            return;
        }
        let end = self.executed.min(executed + CATCH_UP_MAX);
        let entries: Vec<(Slot, Value)> = (executed..end)
            .filter_map(|s| self.entry(s).map(|e| (s, e.value.clone())))
            .collect();
        out.push(Output::Send {
            to: from,
            msg: Msg::Commit(Commit {
                ballot,
                commit: self.executed,
                entries,
            }),
        });
    }
}
