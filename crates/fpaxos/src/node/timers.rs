//! Timers: elections (and re-elections), heartbeats with the check-quorum test, retransmits.

use super::{Node, Output, Role, Timer};
use crate::msg::Time;
use crate::nodeset::NodeSet;

impl Node {
    /// Check-quorum, run at each heartbeat tick so that it needs no timer or message of its
    /// own: once an election timeout has passed since the window opened, the nodes heard at our
    /// ballot (promises, accepted, heartbeat acks), with us, must form a Q2; then a new window
    /// opens. Returns false if the leader must step down.
    fn quorum_heard(&mut self, now: Time) -> bool {
        if !self.cfg.check_quorum
            || now.saturating_sub(self.heard_since) < self.cfg.election_timeout
        {
            return true;
        }
        let ok = self.cfg.quorums.is_q2(self.heard.with(self.cfg.id));
        self.heard = NodeSet::single(self.cfg.id);
        self.heard_since = now;
        ok
    }

    pub(super) fn on_timer(&mut self, now: Time, t: Timer, out: &mut Vec<Output>) {
        match (t, self.role) {
            (Timer::Election, Role::Follower) => {
                let quiet = now.saturating_sub(self.last_contact);
                if quiet < self.cfg.election_timeout {
                    out.push(Output::SetTimer {
                        timer: Timer::Election,
                        after: self.cfg.election_timeout - quiet,
                        jitter: self.cfg.election_timeout,
                    });
                } else if self.cfg.pre_vote {
                    self.start_pre_vote(now, out);
                } else {
                    self.start_election(now, false, out);
                }
            }
            (Timer::Election, Role::Candidate) => {
                if self.retries_elections() {
                    self.re_elect(now, out);
                }
            }
            (Timer::Heartbeat, Role::Leader) => {
                if !self.quorum_heard(now) {
                    self.step_down(now, self.ballot, out);
                    return;
                }
                self.broadcast_heartbeat(out);
                self.flush_learn(out);
                self.arm(Timer::Heartbeat, self.cfg.heartbeat, out);
            }
            (Timer::Retransmit, Role::Leader) => {
                self.retransmit_accepts(now, out);
                self.arm(Timer::Retransmit, self.cfg.retransmit, out);
            }
            (Timer::Retransmit, Role::Candidate) => {
                if !self.retries_elections() {
                    return;
                }
                self.resend_prepares(out);
                self.arm(Timer::Retransmit, self.cfg.retransmit, out);
            }
            // A leader has no election to hold; the other timers only matter in one role.
            (Timer::Election, Role::Leader)
            | (Timer::Heartbeat, _)
            | (Timer::Retransmit, Role::Follower) => {}
        }
    }
}
