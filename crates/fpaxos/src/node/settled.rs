//! Replies a node will never react to again: what a model checker may forget.
//!
//! In a network where every message stays deliverable forever (the explorer's set network), a
//! late reply that the node ignores now is still there in every later state, and each
//! combination of such replies makes a state of its own. Most of them are *settled*: the node
//! ignores them now and in every state it can reach. Each rule below rests on facts of this
//! node's code, named where they are used:
//! - a node is in office at ballot `b` (candidate or leader with `ballot == b`) only between
//!   the election that picks `b` and the next change of role: a new election takes a ballot
//!   above the promise, which is durable and never decreases, and the campaign at `b` promised
//!   `b` itself;
//! - in office, `heard` is cleared only by check-quorum at a heartbeat, `suspected` grows only
//!   at a retransmit, and `hb_commit` moves only at a heartbeat: timers the caller can rule out
//!   with `timers_fire = false`;
//! - a leader's `acks` of a slot grow until the slot is proposed again, which a leader does
//!   once per slot in its term;
//! - every input ends with `advance`, so executing and proposing are at a fixed point after
//!   each step.
//!
//! `crates/fpaxos-explore` forgets a message only where this says so *and* the node's memoised
//! step for it is quiet; its test `settled_replies_stay_settled` checks the "every state it can
//! reach" part on complete searches, and catches a rule planted wrong. `tests/settled.rs` checks
//! each rule both ways on nodes driven by hand.

use super::{Node, Role};
use crate::msg::{Ballot, Msg, Slot};
use crate::nodeset::NodeId;

impl Node {
    /// Whether this node ignores `msg` from `from` for good: delivering it changes nothing and
    /// sends nothing, now and in every state this node can reach from this one. With
    /// `timers_fire` false the answer holds only while none of this node's heartbeat and
    /// retransmit timers fires (an election timer may). Only replies are judged (nacks,
    /// promises, accepteds, heartbeat acks); any other message gets `false`: a stale request
    /// still draws an answer.
    pub fn ignores_for_good(&self, from: NodeId, msg: &Msg, timers_fire: bool) -> bool {
        match msg {
            // `observe_ballot` only: it raises the promise or deposes us, and neither ever
            // can again once the promise covers it and our own ballot does (or we hold none).
            Msg::Nack(m) => {
                m.promised <= self.promised
                    && (self.role == Role::Follower || m.promised <= self.ballot)
            }
            Msg::Promise(m) => {
                self.out_of_office(m.ballot)
                    || (self.ballot == m.ballot
                        && match self.role {
                            Role::Follower => false,
                            Role::Candidate => {
                                self.promises.contains(from)
                                    && self.heard_for_good(from, timers_fire)
                            }
                            // A leader only notes the promiser as heard.
                            Role::Leader => self.heard_for_good(from, timers_fire),
                        })
            }
            Msg::Accepted(m) => {
                self.out_of_office(m.ballot)
                    || (self.leads_settled(m.ballot, from, timers_fire)
                        && self.acked_for_good(m.slot, m.ballot, from))
            }
            Msg::HeartbeatAck(m) => {
                self.out_of_office(m.ballot)
                    || (self.leads_settled(m.ballot, from, timers_fire)
                        && m.executed >= self.hb_commit)
            }
            _ => false,
        }
    }

    /// Never again in office at `b`: not now, and `b` is another node's ballot or one this
    /// node has already campaigned at (its promise has reached `b`).
    fn out_of_office(&self, b: Ballot) -> bool {
        !(self.role != Role::Follower && self.ballot == b)
            && (b.node() != self.cfg.id || self.promised >= b)
    }

    /// `from` is in `heard` and stays there while in office (check-quorum clears it only at a
    /// heartbeat).
    fn heard_for_good(&self, from: NodeId, timers_fire: bool) -> bool {
        self.heard.contains(from) && !(timers_fire && self.cfg.check_quorum)
    }

    /// Leading at `b` with `from` heard and not suspected, for good: without heartbeats and
    /// retransmits `heard` is never cleared, `suspected` never grows and `hb_commit` stays.
    fn leads_settled(&self, b: Ballot, from: NodeId, timers_fire: bool) -> bool {
        self.role == Role::Leader
            && self.ballot == b
            && !timers_fire
            && self.heard.contains(from)
            && !self.suspected.contains(from)
    }

    /// `from`'s `Accepted` of `slot` at `b` adds nothing to the slot, ever: the slot is trimmed
    /// (executed here), or its entry already counts `from` (or holds another ballot).
    fn acked_for_good(&self, slot: Slot, b: Ballot, from: NodeId) -> bool {
        if slot < self.base {
            return true;
        }
        self.entry(slot)
            .is_some_and(|e| e.ballot != b || e.acks.contains(from))
    }
}
