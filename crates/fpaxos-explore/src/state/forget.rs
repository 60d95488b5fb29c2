//! Forgetting settled replies: a message its receiver ignores for good leaves the network
//! (every copy), since delivering it could only ever lead a state to itself (`World::settled`).
//! A no-op unless the search forgets settled replies.

use super::{remove_one, State};
use crate::state::fingerprint::sub;
use crate::world::World;

impl State {
    /// Whether heartbeat and retransmit timers may still fire (the budget is not spent): what
    /// [`World::settled`] takes.
    pub(crate) fn timers_fire(&self, world: &World) -> bool {
        self.used.timers < world.cfg.timers
    }

    /// Drops from the network every message its receiver has settled: the whole network,
    /// after a step that changed whether timers may fire.
    pub(super) fn forget_settled(&mut self, world: &mut World) {
        if !world.forgets() {
            return;
        }
        let timers_fire = self.timers_fire(world);
        let mut k = 0;
        while k < self.net.len() {
            let e = self.net[k];
            if world.settled(self.nodes[world.env_to(e) as usize], e, timers_fire) {
                self.forget_at(world, k);
            } else {
                k += 1;
            }
        }
    }

    /// Drops the settled messages to node `i` (its node state read once: this walk is run
    /// for most built successors, and a walk shared with [`State::forget_settled`] cost 3 %
    /// more instructions on the explorer's target).
    fn forget_settled_to(&mut self, world: &mut World, i: usize) {
        let timers_fire = self.timers_fire(world);
        let node = self.nodes[i];
        let mut k = 0;
        while k < self.net.len() {
            let e = self.net[k];
            if world.env_to(e) as usize == i && world.settled(node, e, timers_fire) {
                self.forget_at(world, k);
            } else {
                k += 1;
            }
        }
    }

    /// Drops the message at `k` of the network.
    fn forget_at(&mut self, world: &World, k: usize) {
        let e = self.net.remove(k);
        sub(&mut self.rest, &world.env_images(e));
    }

    /// [`State::forget_settled`] after node `i` took step `st` from node state `before`, in a
    /// state whose parent held no settled message (every state the search makes holds none):
    /// only the node's own messages, if its state changed, and the step's sends can be settled
    /// now. The same result as walking the whole network, for the few messages that can change
    /// (a test build checks that after every step: [`State::assert_nothing_settled`]).
    pub(super) fn forget_settled_by(&mut self, world: &mut World, i: usize, before: u32, st: u32) {
        if !world.forgets() {
            return;
        }
        let changed = self.nodes[i] != before;
        if changed {
            self.forget_settled_to(world, i);
        }
        let timers_fire = self.timers_fire(world);
        for k in 0..world.step_result(st).sends.len() {
            let e = world.step_result(st).sends[k];
            let to = world.env_to(e) as usize;
            // The node's own messages were walked above.
            if to == i && changed {
                continue;
            }
            if world.settled(self.nodes[to], e, timers_fire) {
                // Every copy (the multiset network may hold several).
                while remove_one(&mut self.net, e) {
                    sub(&mut self.rest, &world.env_images(e));
                }
            }
        }
    }

    /// Panics if the network holds a message its receiver has settled: what
    /// [`State::forget_settled_by`] relies on in every parent.
    #[cfg(test)]
    pub(super) fn assert_nothing_settled(&self, world: &mut World) {
        if !world.forgets() {
            return;
        }
        let timers_fire = self.timers_fire(world);
        for &e in &self.net {
            let to = world.env_to(e) as usize;
            assert!(
                !world.settled(self.nodes[to], e, timers_fire),
                "{:?} to node {to} is settled and still in flight",
                world.env(e).msg
            );
        }
    }
}
