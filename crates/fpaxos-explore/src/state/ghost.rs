//! The ghost history a state carries beside its nodes: every vote cast, the first value chosen
//! and the first value executed per slot, and the agreement, validity and (with client
//! sessions) session checks made as they grow. Every change keeps the state's sum of their
//! fingerprint parts (`State::rest`).

use super::fingerprint::{add, chosen_images, executed_images, sub, vote_images};
use super::{replied_about, Chosen, State, Violation};
use crate::world::World;
use fpaxos::{Ballot, NodeId, NodeSet, Slot};

impl State {
    /// Where the votes for `(slot, ballot, value)` are in `votes` (or would go).
    pub(super) fn vote_at(&self, slot: Slot, ballot: Ballot, value: u32) -> Result<usize, usize> {
        let key = (slot, ballot, value);
        self.votes.binary_search_by(|v| (v.0, v.1, v.2).cmp(&key))
    }

    /// Where the value chosen in `slot` is in `chosen` (or would go).
    pub(super) fn chosen_at(&self, slot: Slot) -> Result<usize, usize> {
        self.chosen.binary_search_by_key(&slot, |c| c.slot)
    }

    /// Records `voter`'s vote; returns every voter of `(slot, ballot, value)` so far.
    pub(super) fn vote(
        &mut self,
        world: &World,
        slot: Slot,
        ballot: Ballot,
        value: u32,
        voter: NodeId,
    ) -> NodeSet {
        match self.vote_at(slot, ballot, value) {
            Ok(i) => {
                let old = self.votes[i];
                self.votes[i].3.insert(voter);
                let new = self.votes[i];
                sub(&mut self.rest, &vote_images(world, &old));
                add(&mut self.rest, &vote_images(world, &new));
                new.3
            }
            Err(i) => {
                let set = NodeSet::single(voter);
                let v = (slot, ballot, value, set);
                self.votes.insert(i, v);
                add(&mut self.rest, &vote_images(world, &v));
                set
            }
        }
    }

    /// `value` is chosen in `slot`: a violation if another value was, or if no client
    /// proposed it.
    pub(super) fn choose(
        &mut self,
        world: &World,
        slot: Slot,
        value: u32,
        ballot: Ballot,
        quorum: NodeSet,
    ) -> Option<Violation> {
        let desc = |v: u32| world.value(v).describe();
        match self.chosen_at(slot) {
            Ok(i) => {
                let c = self.chosen[i];
                (c.value != value).then(|| Violation {
                    property: "agreement",
                    slot,
                    message: format!(
                        "two values chosen in slot {slot}: {} in ballot {} by Q2 {:?}, then {} \
                         in ballot {ballot} by Q2 {:?}",
                        desc(c.value),
                        c.ballot,
                        c.quorum,
                        desc(value),
                        quorum
                    ),
                })
            }
            Err(i) => {
                let c = Chosen {
                    slot,
                    value,
                    ballot,
                    quorum,
                };
                self.chosen.insert(i, c);
                add(&mut self.rest, &chosen_images(world, &c));
                self.invalid(world, slot, value, "chosen")
            }
        }
    }

    /// Node `me` executed `value` in `slot`: it must agree with every other execution and with
    /// the value chosen there.
    pub(super) fn execute(
        &mut self,
        world: &World,
        me: NodeId,
        slot: Slot,
        value: u32,
    ) -> Option<Violation> {
        let desc = |v: u32| world.value(v).describe();
        if let Ok(i) = self.chosen_at(slot) {
            let c = self.chosen[i];
            if c.value != value {
                return Some(Violation {
                    property: "agreement",
                    slot,
                    message: format!(
                        "node {me} executed {} in slot {slot}, but {} was chosen there (ballot {}, \
                         Q2 {:?})",
                        desc(value),
                        desc(c.value),
                        c.ballot,
                        c.quorum
                    ),
                });
            }
        }
        match self.executed.binary_search_by_key(&slot, |e| e.0) {
            Ok(i) => {
                let first = self.executed[i].1;
                (first != value).then(|| Violation {
                    property: "agreement",
                    slot,
                    message: format!(
                        "node {me} executed {} in slot {slot}, another node executed {} there",
                        desc(value),
                        desc(first)
                    ),
                })
            }
            Err(i) => {
                self.executed.insert(i, (slot, value));
                add(&mut self.rest, &executed_images(world, &(slot, value)));
                self.invalid(world, slot, value, "executed")
            }
        }
    }

    /// Validity: a value holding a command no client submitted.
    fn invalid(&self, world: &World, slot: Slot, value: u32, how: &str) -> Option<Violation> {
        let v = world.value(value);
        let bad = v
            .commands()
            .iter()
            .find(|c| c.client >= world.cfg.commands || self.used.submitted & 1 << c.client == 0)?;
        Some(Violation {
            property: "validity",
            slot,
            message: format!(
                "{} {how} in slot {slot}, but command c{}#{} was never submitted",
                v.describe(),
                bad.client,
                bad.seq
            ),
        })
    }
}

impl State {
    /// Node `me` executed `value` in `slot` with client sessions, skipping the commands of
    /// `repeats` as executed before. Its record holds every command of the executed prefix (a
    /// search has at most [`crate::config::MAX_BUDGET`] commands, far below what a record
    /// forgets), so the skipped ones must be exactly those an earlier executed slot holds:
    /// one more is a write no state machine applies, one fewer runs a command twice, and
    /// either way the node's state machine differs from one that applies the log once.
    pub(super) fn repeats(
        &self,
        world: &World,
        me: NodeId,
        slot: Slot,
        value: u32,
        repeats: u16,
    ) -> Option<Violation> {
        let earlier = |c: &fpaxos::Command| {
            self.executed
                .iter()
                .take_while(|e| e.0 < slot)
                .any(|e| world.value(e.1).commands().contains(c))
        };
        let mut want = 0u16;
        for (k, c) in (0..world.cfg.commands).map(|k| (k, World::command(k))) {
            if world.value(value).commands().contains(&c) && earlier(&c) {
                want |= 1 << k;
            }
        }
        (repeats != want).then(|| {
            let names = |bits: u16| {
                let v: Vec<String> = (0..16u32)
                    .filter(|k| bits & 1 << k != 0)
                    .map(replied_about)
                    .collect();
                if v.is_empty() {
                    "none".to_string()
                } else {
                    v.join(", ")
                }
            };
            Violation {
                property: "session",
                slot,
                message: format!(
                    "node {me} skipped {} of slot {slot} as executed before, but earlier slots hold {}: \
                     its state machine differs from one that applies each command once",
                    names(repeats),
                    names(want)
                ),
            }
        })
    }
}
