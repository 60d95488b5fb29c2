//! A state's fingerprint is the wrapping sum of its parts' (`fp::part`): each node's state,
//! each node's armed timers, the budgets spent with the crashed nodes, each envelope in
//! flight (once per copy), each vote entry, chosen value and executed value. A successor's is
//! then its parent's minus the parts an action removes plus those it adds
//! ([`State::successor_fp`]).

use super::{acting, Act, Bound, Chosen, State, Used};
use crate::config::{Network, MAX_NODES};
use crate::fp::{part, Images, CHOSEN, EXECUTED, MAX_IMAGES, META, VOTE};
use crate::world::{Stimulus, World};
use fpaxos::{Ballot, NodeSet, Slot};

/// The part of `x` and of its image under the swap of commands, `image`, hashed once when
/// they are equal (no symmetry, or a part the swap leaves alone).
#[inline]
fn pair<T: PartialEq + Copy>(x: T, image: T, part: impl Fn(T) -> u128) -> Images {
    let own = part(x);
    [own, if image == x { own } else { part(image) }]
}

/// The parts of the budgets spent and the crashed nodes (the swap renames the commands
/// submitted).
fn meta_images(world: &World, crashed: NodeSet, u: &Used) -> Images {
    let pair_of = |a: u32, b: u32| a as u64 | (b as u64) << 32;
    let swapped = world.symmetry().bits(1, u.submitted);
    pair(u.submitted, swapped, |submitted| {
        part([
            META,
            crashed.0,
            pair_of(u.elections, u.timers),
            pair_of(u.crashes, u.drops),
            // Each budget is at most `MAX_BUDGET`, far below 2^16.
            pair_of(u.dups | u.resends << 16, submitted),
        ])
    })
}

pub(super) fn vote_images(
    world: &World,
    &(slot, ballot, value, voters): &(Slot, Ballot, u32, NodeSet),
) -> Images {
    pair(value, world.value_image(value, 1), |value| {
        part([VOTE, slot, ballot.0, value as u64, voters.0])
    })
}

pub(super) fn chosen_images(world: &World, c: &Chosen) -> Images {
    pair(c.value, world.value_image(c.value, 1), |value| {
        part([CHOSEN, c.slot, value as u64, 0, 0])
    })
}

pub(super) fn executed_images(world: &World, &(slot, value): &(Slot, u32)) -> Images {
    pair(value, world.value_image(value, 1), |value| {
        part([EXECUTED, slot, value as u64, 0, 0])
    })
}

/// Adds the parts `p` (one per renaming) to `sums`.
#[inline]
pub(super) fn add(sums: &mut Images, p: &Images) {
    for (s, x) in sums.iter_mut().zip(p) {
        *s = s.wrapping_add(*x);
    }
}

/// Takes the parts `p` (one per renaming) away from `sums`.
#[inline]
pub(super) fn sub(sums: &mut Images, p: &Images) {
    for (s, x) in sums.iter_mut().zip(p) {
        *s = s.wrapping_sub(*x);
    }
}

/// Replaces the parts `old` by `new` in `sums`, under every renaming.
#[inline]
fn replace(sums: &mut Images, old: &Images, new: &Images) {
    for ((s, o), n) in sums.iter_mut().zip(old).zip(new) {
        *s = s.wrapping_sub(*o).wrapping_add(*n);
    }
}

/// A state's key and the parts of it an action may replace (the budgets' and each node's),
/// under every renaming of commands, computed once for all of the state's successors.
pub(crate) struct Parts {
    /// The key: the least fingerprint among the state's images (`Symmetry::key`; with one
    /// renaming, the state's own fingerprint).
    pub fp: u128,
    /// The fingerprint of each image.
    sums: Images,
    meta: Images,
    nodes: [Images; MAX_NODES],
    /// The world's mark of the state's network ([`State::parts_marked`]; 0: unmarked).
    net_mark: u32,
}

impl State {
    /// The state's key: the least of its images' fingerprints, each the wrapping sum of its
    /// parts' (see [`Parts`]). Witnesses of chosen values (ballot, quorum) are left out: they
    /// only word a violation message, and the trace is replayed to word it.
    pub(crate) fn fingerprint(&self, world: &World) -> u128 {
        self.parts(world).fp
    }

    /// The fingerprint of each image of the state (the state's own first).
    #[cfg(test)]
    pub(crate) fn images(&self, world: &World) -> Images {
        self.parts(world).sums
    }

    /// The state's key, with the parts of it an action may replace.
    pub(crate) fn parts(&self, world: &World) -> Parts {
        let mut nodes = [[0; MAX_IMAGES]; MAX_NODES];
        for (i, (&n, &a)) in self.nodes.iter().zip(&self.armed).enumerate() {
            nodes[i] = world.node_images(i, n, a);
        }
        let meta = meta_images(world, self.crashed, &self.used);
        let mut sums = self.rest;
        add(&mut sums, &meta);
        for node in nodes.iter().take(self.nodes.len()) {
            add(&mut sums, node);
        }
        Parts {
            fp: world.symmetry().key(&sums),
            sums,
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

    /// The sum of the parts of the network and the ghost history under each renaming,
    /// walked: what `rest` keeps.
    #[cfg(test)]
    pub(crate) fn rest_walked(&self, world: &World) -> Images {
        let mut sums = [0; MAX_IMAGES];
        for &e in &self.net {
            add(&mut sums, &world.env_images(e));
        }
        for v in &self.votes {
            add(&mut sums, &vote_images(world, v));
        }
        for c in &self.chosen {
            add(&mut sums, &chosen_images(world, c));
        }
        for x in &self.executed {
            add(&mut sums, &executed_images(world, x));
        }
        sums
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
        let forget = world.forgets();
        let (mut used, mut crashed, mut sums) = (self.used, self.crashed, parts.sums);
        // The node that steps, its armed timers before the step, and what it reacts to.
        let stepped = match act {
            Act::Deliver(e) => {
                if !set {
                    sub(&mut sums, &world.env_images(e));
                }
                let to = world.env_to(e) as usize;
                Some((to, self.armed[to], Stimulus::Deliver(e)))
            }
            Act::Drop(e) => {
                sub(&mut sums, &world.env_images(e));
                used.drops += 1;
                None
            }
            Act::Dup(e) => {
                add(&mut sums, &world.env_images(e));
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
                let new = world.node_images(i, self.nodes[i], 0);
                replace(&mut sums, &parts.nodes[i], &new);
                None
            }
            Act::Recover(id) => {
                crashed = crashed.without(id);
                let i = id as usize;
                Some((i, self.armed[i], Stimulus::Recover))
            }
            Act::Request(id, k) | Act::Resend(id, k) => {
                if let Act::Resend(..) = act {
                    used.resends += 1;
                }
                used.submitted |= 1 << k;
                let i = id as usize;
                Some((i, self.armed[i], Stimulus::Request(k)))
            }
        };
        if let Some((i, armed, stimulus)) = stepped {
            let st = world.step(self.nodes[i], stimulus);
            let step = world.step_result(st);
            if step.touches_ghost() {
                return None;
            }
            if matches!(act, Act::Fire(..)) && step.elections == 0 {
                used.timers += 1;
            }
            let armed = (armed | step.armed) & acting(world.role(step.node));
            let node = step.node;
            let sends = step.sends.len();
            let new = world.node_images(i, node, armed);
            replace(&mut sums, &parts.nodes[i], &new);
            // The last timer firing spent: replies anywhere may be settled now, so the
            // successor is built instead.
            if forget && used.timers != self.used.timers && used.timers == world.cfg.timers {
                return None;
            }
            let timers_fire = used.timers < world.cfg.timers;
            // The receiver's replies that its new state has settled leave the network
            // (`State::forget_settled`; the others' were judged in the parent already).
            if forget && node != self.nodes[i] {
                // A multiset delivery consumed its own copy already (above).
                let mut consumed = match act {
                    Act::Deliver(e) if !set => Some(e),
                    _ => None,
                };
                for &e in &self.net {
                    if consumed == Some(e) {
                        consumed = None;
                        continue;
                    }
                    if world.env_to(e) as usize == i && world.settled(node, e, timers_fire) {
                        sub(&mut sums, &world.env_images(e));
                    }
                }
            }
            for k in 0..sends {
                let step = world.step_result(st);
                let e = step.sends[k];
                // The set network holds one copy of a message.
                if set && (self.in_net(world, parts, e) || step.sends[..k].contains(&e)) {
                    continue;
                }
                if forget {
                    let to = world.env_to(e) as usize;
                    let receiver = if to == i { node } else { self.nodes[to] };
                    if world.settled(receiver, e, timers_fire) {
                        continue;
                    }
                }
                add(&mut sums, &world.env_images(e));
            }
            used.elections += world.step_result(st).elections;
        }
        if used.elections > world.cfg.ballots {
            return Some(Err(Bound::Ballots));
        }
        if used.timers > world.cfg.timers {
            return Some(Err(Bound::Timers));
        }
        // Most actions (a delivery that starts no election) leave the budgets as they are.
        if (crashed, used) != (self.crashed, self.used) {
            let new = meta_images(world, crashed, &used);
            replace(&mut sums, &parts.meta, &new);
        }
        Some(Ok(world.symmetry().key(&sums)))
    }
}
