//! Thrifty sends: which quorum a leader sends to, whom it suspects, and the retransmit fallback
//! that widens the sends when a chosen acceptor stays silent.

use super::{send, Event, Node, Output};
use crate::msg::Time;
use crate::nodeset::{NodeId, NodeSet};
use crate::quorum::Phase;

impl Node {
    /// A quorum of `phase` that includes this node and avoids `avoid`, preferring the nodes
    /// right after this one in id order (so nodes spread their load).
    fn pick(&self, phase: Phase, avoid: NodeSet) -> Option<NodeSet> {
        self.cfg
            .quorums
            .pick(phase, self.cfg.id, self.ring_after_self(), avoid)
    }

    /// Whom a candidate sends its prepare to: a Q1 that avoids suspects when thrifty, otherwise
    /// (or if no such Q1 exists) every other node.
    pub(super) fn prepare_targets(&self) -> NodeSet {
        if !self.cfg.thrifty {
            return self.others();
        }
        self.pick(Phase::One, self.suspected)
            .map(|q| q.without(self.cfg.id))
            .unwrap_or(self.others())
    }

    /// Leader retransmit timer: resends every overdue, unchosen accept to all nodes that have not
    /// acknowledged it, and suspects the ones that were asked and stayed silent, so the thrifty
    /// Q2 moves away from them.
    pub(super) fn retransmit_accepts(&mut self, now: Time, out: &mut Vec<Output>) {
        let mut newly_suspected = NodeSet::EMPTY;
        let mut widened = NodeSet::EMPTY;
        let others = self.others();
        let (ballot, commit, retransmit) = (self.ballot, self.executed, self.cfg.retransmit);
        let start = self.executed.max(self.base);
        for slot in start..self.next_slot {
            let Some(idx) = slot.checked_sub(self.base) else {
                continue;
            };
            let Some(e) = self.log.get_mut(idx as usize) else {
                break;
            };
            if e.chosen || e.ballot != ballot || e.proposed_at + retransmit > now {
                continue;
            }
            newly_suspected = newly_suspected.or(e.sent_to.and(e.acks.complement(self.n)));
            let to = others.and(e.acks.complement(self.n));
            widened = widened.or(to.and(self.thrifty_q2.complement(self.n)));
            e.sent_to = e.sent_to.or(to);
            e.proposed_at = now;
            send(to, e.accept_msg(slot, commit), out);
        }
        if self.cfg.thrifty && !widened.is_empty() {
            out.push(Output::Event(Event::ThriftyFallback { to: widened }));
        }
        if !newly_suspected.is_subset(self.suspected) {
            self.suspected = self.suspected.or(newly_suspected);
            self.pick_thrifty();
        }
    }

    /// Chooses the Q2 a thrifty leader sends accepts to: one avoiding suspects if possible, any
    /// Q2 otherwise; a leader that is not thrifty sends to everyone.
    pub(super) fn pick_thrifty(&mut self) {
        self.thrifty_q2 = if self.cfg.thrifty {
            self.pick(Phase::Two, self.suspected)
                .or_else(|| self.pick(Phase::Two, NodeSet::EMPTY))
                .unwrap_or(self.all)
        } else {
            self.all
        };
    }

    /// A node answered: it is alive, so it may rejoin the thrifty Q2.
    pub(super) fn unsuspect(&mut self, j: NodeId) {
        if self.suspected.contains(j) {
            self.suspected = self.suspected.without(j);
            self.pick_thrifty();
        }
    }
}
