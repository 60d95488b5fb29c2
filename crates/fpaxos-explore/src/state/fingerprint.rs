//! A state's fingerprint is the wrapping sum of its parts' (`fp::part`): each node's state,
//! each node's armed timers, the budgets spent with the crashed nodes, each envelope in
//! flight (once per copy), each vote entry, chosen value and executed value. A successor's is
//! then its parent's minus the parts an action removes plus those it adds
//! ([`State::successor_fp`]).

use super::{acting, Act, Bound, Chosen, State, Used};
use crate::config::{Network, MAX_NODES};
use crate::fp::{part, CHOSEN, EXECUTED, META, VOTE};
use crate::world::{Stimulus, World};
use fpaxos::{Ballot, NodeSet, Slot};

fn meta_part(crashed: NodeSet, u: &Used) -> u128 {
    let pair = |a: u32, b: u32| a as u64 | (b as u64) << 32;
    part([
        META,
        crashed.0,
        pair(u.elections, u.timers),
        pair(u.crashes, u.drops),
        pair(u.dups, u.submitted),
    ])
}

pub(super) fn vote_part(&(slot, ballot, value, voters): &(Slot, Ballot, u32, NodeSet)) -> u128 {
    part([VOTE, slot, ballot.0, value as u64, voters.0])
}

pub(super) fn chosen_part(c: &Chosen) -> u128 {
    part([CHOSEN, c.slot, c.value as u64, 0, 0])
}

pub(super) fn executed_part(&(slot, value): &(Slot, u32)) -> u128 {
    part([EXECUTED, slot, value as u64, 0, 0])
}

fn sum(parts: impl Iterator<Item = u128>) -> u128 {
    parts.fold(0, u128::wrapping_add)
}

/// A state's fingerprint and the parts of it an action may replace (the budgets' and each
/// node's), computed once for all of the state's successors.
pub(crate) struct Parts {
    pub fp: u128,
    meta: u128,
    nodes: [u128; MAX_NODES],
    /// The world's mark of the state's network ([`State::parts_marked`]; 0: unmarked).
    net_mark: u32,
}

impl State {
    /// The state's fingerprint: the wrapping sum of its parts' (see [`Parts`]). Witnesses of
    /// chosen values (ballot, quorum) are left out: they only word a violation message, and
    /// the trace is replayed to word it.
    pub(crate) fn fingerprint(&self, world: &World) -> u128 {
        self.parts(world).fp
    }

    /// The state's fingerprint, with the parts of it an action may replace.
    pub(crate) fn parts(&self, world: &World) -> Parts {
        let mut nodes = [0; MAX_NODES];
        for (i, (&n, &a)) in self.nodes.iter().zip(&self.armed).enumerate() {
            nodes[i] = world.node_part(i, n, a);
        }
        let meta = meta_part(self.crashed, &self.used);
        let fp = meta
            .wrapping_add(sum(nodes.iter().copied()))
            .wrapping_add(self.rest);
        Parts {
            fp,
            meta,
            nodes,
            net_mark: 0,
        }
    }

    /// [`State::parts`], with the state's network marked in the world (set network only) so
    /// that [`State::successor_fp`] tells whether a sent message is in flight with one load.
    /// Valid until the world marks another network.
    pub(crate) fn parts_marked(&self, world: &mut World) -> Parts {
        let mut parts = self.parts(world);
        if world.cfg.network == Network::Set {
            parts.net_mark = world.mark_net(&self.net);
        }
        parts
    }

    /// Whether envelope `e` is in this state's network: from the world's mark when `parts`
    /// carries the current one, by a search of the network otherwise.
    fn in_net(&self, world: &World, parts: &Parts, e: u32) -> bool {
        world
            .in_marked_net(parts.net_mark, e)
            .unwrap_or_else(|| self.net.binary_search(&e).is_ok())
    }

    /// The sum of the parts of the network and the ghost history, walked: what `rest` keeps.
    #[cfg(test)]
    pub(crate) fn rest_walked(&self, world: &World) -> u128 {
        sum(self.net.iter().map(|&e| world.env_part(e)))
            .wrapping_add(sum(self.votes.iter().map(vote_part)))
            .wrapping_add(sum(self.chosen.iter().map(chosen_part)))
            .wrapping_add(sum(self.executed.iter().map(executed_part)))
    }

    /// The fingerprint of the successor by `act`, from this state's (`fp`) and the parts
    /// `act` changes, without building the successor; or the bound that forbids it. `None`
    /// when the step it makes casts a vote, claims a value chosen or executes one (the ghost
    /// history changes, and the properties are checked): build the successor then
    /// ([`State::next_into`]). What it computes is what [`State::apply`] does, part by part.
    pub(crate) fn successor_fp(
        &self,
        world: &mut World,
        act: Act,
        parts: &Parts,
    ) -> Option<Result<u128, Bound>> {
        let set = world.cfg.network == Network::Set;
        let (mut used, mut crashed, mut fp) = (self.used, self.crashed, parts.fp);
        // The node that steps, its armed timers before the step, and what it reacts to.
        let stepped = match act {
            Act::Deliver(e) => {
                if !set {
                    fp = fp.wrapping_sub(world.env_part(e));
                }
                let to = world.env_to(e) as usize;
                Some((to, self.armed[to], Stimulus::Deliver(e)))
            }
            Act::Drop(e) => {
                fp = fp.wrapping_sub(world.env_part(e));
                used.drops += 1;
                None
            }
            Act::Dup(e) => {
                fp = fp.wrapping_add(world.env_part(e));
                used.dups += 1;
                None
            }
            Act::Fire(id, t) => {
                let i = id as usize;
                Some((i, self.armed[i] & !(1 << t.index()), Stimulus::Fire(t)))
            }
            Act::Crash(id) => {
                let i = id as usize;
                crashed.insert(id);
                used.crashes += 1;
                fp = fp
                    .wrapping_sub(parts.nodes[i])
                    .wrapping_add(world.node_part(i, self.nodes[i], 0));
                None
            }
            Act::Recover(id) => {
                crashed = crashed.without(id);
                let i = id as usize;
                Some((i, self.armed[i], Stimulus::Recover))
            }
            Act::Request(id, k) => {
                used.submitted |= 1 << k;
                let i = id as usize;
                Some((i, self.armed[i], Stimulus::Request(k)))
            }
        };
        if let Some((i, armed, stimulus)) = stepped {
            let st = world.step(self.nodes[i], stimulus);
            let step = world.step_result(st);
            if !(step.votes.is_empty() && step.claims.is_empty() && step.decided.is_empty()) {
                return None;
            }
            if matches!(act, Act::Fire(..)) && step.elections == 0 {
                used.timers += 1;
            }
            let armed = (armed | step.armed) & acting(world.role(step.node));
            fp = fp
                .wrapping_sub(parts.nodes[i])
                .wrapping_add(world.node_part(i, step.node, armed));
            for (k, &e) in step.sends.iter().enumerate() {
                // The set network holds one copy of a message.
                if set && (self.in_net(world, parts, e) || step.sends[..k].contains(&e)) {
                    continue;
                }
                fp = fp.wrapping_add(world.env_part(e));
            }
            used.elections += step.elections;
        }
        if used.elections > world.cfg.ballots {
            return Some(Err(Bound::Ballots));
        }
        if used.timers > world.cfg.timers {
            return Some(Err(Bound::Timers));
        }
        // Most actions (a delivery that starts no election) leave the budgets as they are.
        if (crashed, used) != (self.crashed, self.used) {
            fp = fp
                .wrapping_sub(parts.meta)
                .wrapping_add(meta_part(crashed, &used));
        }
        Some(Ok(fp))
    }
}
