//! Thrifty sends: which quorum a leader sends to, whom it suspects, and the retransmit fallback
//! that widens the sends when a chosen acceptor stays silent.

use super::{Node, Output};
use crate::msg::{Msg, Time};
use crate::nodeset::{NodeId, NodeSet};
use crate::quorum::Phase;

impl Node {
    pub(super) fn retransmit_accepts(&mut self, now: Time, out: &mut Vec<Output>) {
        let mut newly_suspected = NodeSet::EMPTY;
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
            e.sent_to = e.sent_to.or(to);
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
        }
        if !newly_suspected.is_subset(self.suspected) {
            self.suspected = self.suspected.or(newly_suspected);
            self.pick_thrifty();
        }
    }

    pub(super) fn pick_thrifty(&mut self) {
        self.thrifty_q2 = if self.cfg.thrifty {
            self.cfg
                .quorums
                .pick(
                    Phase::Two,
                    self.cfg.id,
                    self.ring_after_self(),
                    self.suspected,
                )
                .or_else(|| {
                    self.cfg.quorums.pick(
                        Phase::Two,
                        self.cfg.id,
                        self.ring_after_self(),
                        NodeSet::EMPTY,
                    )
                })
                .unwrap_or(self.all)
        } else {
            self.all
        };
    }

    pub(super) fn unsuspect(&mut self, j: NodeId) {
        if self.suspected.contains(j) {
            self.suspected = self.suspected.without(j);
            self.pick_thrifty();
        }
    }
}
