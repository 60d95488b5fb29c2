//! One global state of the model (every node, the network, the budgets spent and the ghost
//! history the properties need), its enabled actions, and the successor function that checks
//! agreement, validity and replies on every transition.

use crate::config::Network;
use crate::fp::{Images, MAX_IMAGES};
use crate::world::{Stimulus, World};
use fingerprint::{add, sub};
use fpaxos::{Ballot, NodeId, NodeSet, Role, Slot, Timer};
use serde::Serialize;

/// A safety violation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// `agreement`, `validity`, `reply` or `session`.
    pub property: &'static str,
    /// The slot.
    pub slot: Slot,
    /// One readable sentence.
    pub message: String,
}

/// A bound that cut a transition off (the search is then bounded, not complete).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Bound {
    Ballots,
    Timers,
    Crashes,
    Drops,
    Dups,
    Resends,
}

impl Bound {
    pub(crate) const ALL: [Bound; 6] = [
        Bound::Ballots,
        Bound::Timers,
        Bound::Crashes,
        Bound::Drops,
        Bound::Dups,
        Bound::Resends,
    ];
    pub(crate) fn name(self) -> &'static str {
        match self {
            Bound::Ballots => "ballots",
            Bound::Timers => "timers",
            Bound::Crashes => "crashes",
            Bound::Drops => "drops",
            Bound::Dups => "dups",
            Bound::Resends => "resends",
        }
    }
}

/// One transition, in interned ids (the search tree stores these).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Act {
    Deliver(u32),
    Drop(u32),
    Dup(u32),
    Fire(NodeId, Timer),
    Crash(NodeId),
    Recover(NodeId),
    Request(NodeId, u32),
    /// A client hands its submitted command to the node again.
    Resend(NodeId, u32),
}

/// Budgets spent so far (part of the state: two states that differ only in what is left to
/// spend have different futures).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Used {
    pub elections: u32,
    pub timers: u32,
    pub crashes: u32,
    pub drops: u32,
    pub dups: u32,
    /// Bit per command submitted.
    pub submitted: u32,
    pub resends: u32,
}

/// A value chosen in a slot: by a Q2 of votes in one ballot, or announced by a leader.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Chosen {
    slot: Slot,
    value: u32,
    ballot: Ballot,
    quorum: NodeSet,
}

/// A global state.
#[derive(Clone, Debug)]
pub(crate) struct State {
    /// Interned node state per node id.
    pub nodes: Vec<u32>,
    /// Armed timers per node (bit per `Timer::index`), only those that act in the node's role.
    pub armed: Vec<u8>,
    pub crashed: NodeSet,
    /// Messages in flight: a sorted multiset of interned envelopes.
    pub net: Vec<u32>,
    pub used: Used,
    /// Ghost: every vote cast, `(slot, ballot, value) -> voters`, sorted.
    votes: Vec<(Slot, Ballot, u32, NodeSet)>,
    /// Ghost: the first value chosen per slot, sorted by slot.
    chosen: Vec<Chosen>,
    /// Ghost: the first value executed per slot, sorted by slot.
    executed: Vec<(Slot, u32)>,
    /// The sum of the fingerprint parts of `net`, `votes`, `chosen` and `executed`, kept as
    /// they change (every change goes through `apply`), so that a fingerprint does not walk
    /// them ([`State::parts`]).
    rest: Images,
}

/// The timers that do something in `role` (the others fire as no-ops, which the search
/// skips: a no-op firing changes no node and no message).
fn acting(role: Role) -> u8 {
    let bit = |t: Timer| 1u8 << t.index();
    match role {
        Role::Follower => bit(Timer::Election),
        Role::Candidate => bit(Timer::Election) | bit(Timer::Retransmit),
        Role::Leader => bit(Timer::Heartbeat) | bit(Timer::Retransmit),
    }
}

const TIMERS: [Timer; 3] = [Timer::Election, Timer::Heartbeat, Timer::Retransmit];

fn insert_sorted(v: &mut Vec<u32>, e: u32) {
    let at = v.partition_point(|&x| x <= e);
    v.insert(at, e);
}

fn remove_one(v: &mut Vec<u32>, e: u32) -> bool {
    match v.binary_search(&e) {
        Ok(i) => {
            v.remove(i);
            true
        }
        Err(_) => false,
    }
}

impl State {
    /// Every node fresh and started (election timers armed, nothing in flight).
    pub(crate) fn initial(world: &mut World) -> State {
        let n = world.cfg.nodes;
        let mut s = State {
            nodes: Vec::with_capacity(n),
            armed: vec![0; n],
            crashed: NodeSet::EMPTY,
            net: Vec::new(),
            used: Used::default(),
            votes: Vec::new(),
            chosen: Vec::new(),
            executed: Vec::new(),
            rest: [0; MAX_IMAGES],
        };
        for i in 0..n {
            let fresh = world.fresh_node(i as NodeId);
            s.nodes.push(fresh);
            let st = world.step(fresh, Stimulus::Start);
            // A start only arms timers (no bootstrap leader): no property to check yet.
            let _ = s.absorb(world, i, st);
        }
        s
    }

    /// Whether `o` is this state as far as [`State::fingerprint`] tells (the same fields, and
    /// chosen values by slot and value only): what the tests hold fingerprints to.
    #[cfg(test)]
    pub(crate) fn same_as(&self, o: &State) -> bool {
        // Destructured, so that a field added to `State` cannot be forgotten here.
        let State {
            nodes,
            armed,
            crashed,
            net,
            used,
            votes,
            chosen,
            executed,
            rest: _,
        } = self;
        *nodes == o.nodes
            && *net == o.net
            && *armed == o.armed
            && *crashed == o.crashed
            && *used == o.used
            && *votes == o.votes
            && *executed == o.executed
            && chosen.len() == o.chosen.len()
            && chosen
                .iter()
                .zip(&o.chosen)
                .all(|(a, b)| (a.slot, a.value) == (b.slot, b.value))
    }

    /// Whether `act` leaves this state as it is, told without computing the successor: in the
    /// default network (a delivered message stays in flight) it delivers a message whose
    /// memoised step keeps its node's state, starts no election, arms no timer that is not
    /// armed, sends only messages in flight or settled at their receivers (which the successor
    /// would forget again), repeats only votes counted (and chosen, where they make a Q2) and
    /// neither claims nor executes anything. `false` means "compute it".
    pub(crate) fn unchanged_by(&self, world: &mut World, act: Act) -> bool {
        let Act::Deliver(e) = act else {
            return false;
        };
        if world.cfg.network != Network::Set {
            return false;
        }
        let to = world.env_to(e) as usize;
        let node = self.nodes[to];
        let st = world.step(node, Stimulus::Deliver(e));
        let step = world.step_result(st);
        let kept = step.node == node
            && step.elections == 0
            && (self.armed[to] | step.armed) & acting(world.role(node)) == self.armed[to]
            && step.claims.is_empty()
            && step.decided.is_empty()
            && step.replied == 0
            && step.votes.iter().all(|v| {
                let Ok(i) = self.vote_at(v.slot, v.ballot, v.value) else {
                    return false;
                };
                let voters = self.votes[i].3;
                voters.contains(to as NodeId)
                    && (!world.quorums.is_q2(voters)
                        || self
                            .chosen_at(v.slot)
                            .is_ok_and(|c| self.chosen[c].value == v.value))
            });
        // Every node keeps its state, so each send's receiver judges it as in this state.
        let timers_fire = self.timers_fire(world);
        let sends = step.sends.len();
        kept && (0..sends).all(|k| {
            let e = world.step_result(st).sends[k];
            self.net.binary_search(&e).is_ok()
                || world.settled(self.nodes[world.env_to(e) as usize], e, timers_fire)
        })
    }

    /// Whether `act` is a delivery known quiet for its destination's node state
    /// ([`World::is_quiet`], set network only): it leads this state to itself. The node's
    /// armed timers stay too, since every state keeps a node's armed timers within what its
    /// role uses (`acting`: every step's timers are masked so, a crash disarms all, a firing
    /// clears one).
    pub(crate) fn quiet(&self, world: &World, act: Act) -> bool {
        let Act::Deliver(e) = act else {
            return false;
        };
        let to = world.env_to(e) as usize;
        let quiet = world.is_quiet(self.nodes[to], e);
        debug_assert!(!quiet || self.armed[to] & !acting(world.role(self.nodes[to])) == 0);
        quiet
    }

    /// The bound that forbids `act` when it fires a timer whose step's elections are known
    /// ([`World::fire_elections`]), told without the memo: the bound [`State::successor_fp`]
    /// and [`State::apply`] would find. A firing that starts no election spends a timer; one
    /// that starts elections spends ballots.
    pub(crate) fn fire_cut(&self, world: &World, act: Act) -> Option<Bound> {
        let Act::Fire(id, t) = act else {
            return None;
        };
        let elections = world.fire_elections(self.nodes[id as usize], t)?;
        let cfg = &world.cfg;
        if elections == 0 {
            (self.used.timers + 1 > cfg.timers).then_some(Bound::Timers)
        } else {
            (self.used.elections + elections > cfg.ballots).then_some(Bound::Ballots)
        }
    }

    /// The enabled actions, in a fixed order (so a run repeats exactly).
    pub(crate) fn actions(&self, world: &World, acts: &mut Vec<Act>) {
        let cfg = &world.cfg;
        acts.clear();
        let distinct = |i: usize| i == 0 || self.net[i - 1] != self.net[i];
        for (i, &e) in self.net.iter().enumerate() {
            if distinct(i) && !self.crashed.contains(world.env_to(e)) {
                acts.push(Act::Deliver(e));
            }
        }
        for (i, &node) in self.nodes.iter().enumerate() {
            let id = i as NodeId;
            if self.crashed.contains(id) {
                continue;
            }
            for t in TIMERS {
                if self.armed[i] & 1 << t.index() != 0 {
                    acts.push(Act::Fire(id, t));
                }
            }
            if world.role(node) != Role::Follower {
                // A follower only redirects a request: no state changes, so it is skipped.
                for k in 0..cfg.commands {
                    if self.used.submitted & 1 << k == 0 {
                        acts.push(Act::Request(id, k));
                    } else if self.used.resends < cfg.resends {
                        acts.push(Act::Resend(id, k));
                    }
                }
            }
        }
        for i in 0..self.nodes.len() {
            let id = i as NodeId;
            if self.crashed.contains(id) {
                acts.push(Act::Recover(id));
            } else if self.used.crashes < cfg.crashes {
                acts.push(Act::Crash(id));
            }
        }
        if cfg.network == Network::Set {
            return;
        }
        for (i, &e) in self.net.iter().enumerate() {
            if !distinct(i) {
                continue;
            }
            if self.used.drops < cfg.drops {
                acts.push(Act::Drop(e));
            }
            if self.used.dups < cfg.dups {
                acts.push(Act::Dup(e));
            }
        }
    }

    /// Which budgets have an action they would have allowed with one more unit: the bounds
    /// that cut the search here (crashes, drops, dups, resends).
    pub(crate) fn budget_cuts(&self, world: &World) -> [bool; 4] {
        let cfg = &world.cfg;
        let alive = self.crashed.len() < self.nodes.len();
        let msgs = !self.net.is_empty() && cfg.network == Network::Multiset;
        // A resend goes to a live candidate or leader, as a request does (`actions`).
        let resendable = self.used.submitted != 0
            && self.nodes.iter().enumerate().any(|(i, &node)| {
                !self.crashed.contains(i as NodeId) && world.role(node) != Role::Follower
            });
        [
            alive && self.used.crashes >= cfg.crashes,
            msgs && self.used.drops >= cfg.drops,
            msgs && self.used.dups >= cfg.dups,
            resendable && self.used.resends >= cfg.resends,
        ]
    }

    /// Makes `self` a copy of `o`, keeping `self`'s allocations (the search computes every
    /// successor in one scratch state and clones only the new ones).
    fn copy_from(&mut self, o: &State) {
        // Destructured, so that a field added to `State` cannot be forgotten here.
        let State {
            nodes,
            armed,
            crashed,
            net,
            used,
            votes,
            chosen,
            executed,
            rest,
        } = self;
        nodes.clone_from(&o.nodes);
        armed.clone_from(&o.armed);
        *crashed = o.crashed;
        net.clone_from(&o.net);
        *used = o.used;
        votes.clone_from(&o.votes);
        chosen.clone_from(&o.chosen);
        executed.clone_from(&o.executed);
        *rest = o.rest;
    }

    /// The successor by `act`, with the violation it exposes, or the bound that forbids it
    /// (an owned state: the search uses [`State::next_into`]).
    pub(crate) fn next(
        &self,
        world: &mut World,
        act: Act,
    ) -> Result<(State, Option<Violation>), Bound> {
        let mut s = self.clone();
        let v = State::apply(&mut s, world, act)?;
        Ok((s, v))
    }

    /// Writes the successor by `act` into `s` (whatever it held), returning the violation it
    /// exposes, or the bound that forbids it (`s` is then garbage).
    pub(crate) fn next_into(
        &self,
        world: &mut World,
        act: Act,
        s: &mut State,
    ) -> Result<Option<Violation>, Bound> {
        s.copy_from(self);
        State::apply(s, world, act)
    }

    /// Takes `act` in `s` itself (a copy of the state it leaves).
    fn apply(s: &mut State, world: &mut World, act: Act) -> Result<Option<Violation>, Bound> {
        let mut violation = None;
        let timers_before = s.used.timers;
        // The node that stepped, its state before, and the step.
        let mut stepped = None;
        match act {
            Act::Deliver(e) => {
                if world.cfg.network == Network::Multiset && remove_one(&mut s.net, e) {
                    sub(&mut s.rest, &world.env_images(e));
                }
                let to = world.env_to(e) as usize;
                let st = world.step(s.nodes[to], Stimulus::Deliver(e));
                stepped = Some((to, s.nodes[to], st));
                violation = s.absorb(world, to, st);
            }
            Act::Drop(e) => {
                if remove_one(&mut s.net, e) {
                    sub(&mut s.rest, &world.env_images(e));
                }
                s.used.drops += 1;
            }
            Act::Dup(e) => {
                insert_sorted(&mut s.net, e);
                add(&mut s.rest, &world.env_images(e));
                s.used.dups += 1;
            }
            Act::Fire(id, t) => {
                let i = id as usize;
                s.armed[i] &= !(1 << t.index());
                let st = world.step(s.nodes[i], Stimulus::Fire(t));
                if world.step_result(st).elections == 0 {
                    s.used.timers += 1;
                }
                stepped = Some((i, s.nodes[i], st));
                violation = s.absorb(world, i, st);
            }
            Act::Crash(id) => {
                s.crashed.insert(id);
                s.armed[id as usize] = 0;
                s.used.crashes += 1;
            }
            Act::Recover(id) => {
                s.crashed = s.crashed.without(id);
                let st = world.step(s.nodes[id as usize], Stimulus::Recover);
                stepped = Some((id as usize, s.nodes[id as usize], st));
                violation = s.absorb(world, id as usize, st);
            }
            Act::Request(id, k) | Act::Resend(id, k) => {
                if let Act::Resend(..) = act {
                    s.used.resends += 1;
                }
                s.used.submitted |= 1 << k;
                let st = world.step(s.nodes[id as usize], Stimulus::Request(k));
                stepped = Some((id as usize, s.nodes[id as usize], st));
                violation = s.absorb(world, id as usize, st);
            }
        }
        if s.used.timers != timers_before {
            // Whether timers may fire can change what is settled anywhere.
            s.forget_settled(world);
        } else if let Some((i, before, st)) = stepped {
            s.forget_settled_by(world, i, before, st);
        }
        #[cfg(test)]
        s.assert_nothing_settled(world);
        let cfg = &world.cfg;
        if s.used.elections > cfg.ballots {
            return Err(Bound::Ballots);
        }
        if s.used.timers > cfg.timers {
            return Err(Bound::Timers);
        }
        Ok(violation)
    }

    /// Applies node `i`'s step `st`: new node state, timers, sends, and the ghost history,
    /// checking the properties on the way. Returns the first violation.
    fn absorb(&mut self, world: &World, i: usize, st: u32) -> Option<Violation> {
        let step = world.step_result(st);
        self.nodes[i] = step.node;
        self.armed[i] = (self.armed[i] | step.armed) & acting(world.role(step.node));
        let multiset = world.cfg.network == Network::Multiset;
        for &e in &step.sends {
            if multiset {
                insert_sorted(&mut self.net, e);
            } else if let Err(at) = self.net.binary_search(&e) {
                self.net.insert(at, e);
            } else {
                continue;
            }
            add(&mut self.rest, &world.env_images(e));
        }
        self.used.elections += step.elections;
        let mut first = None;
        let mut note = |v: Option<Violation>| {
            if first.is_none() {
                first = v;
            }
        };
        let me = i as NodeId;
        for v in &step.votes {
            let voters = self.vote(world, v.slot, v.ballot, v.value, me);
            if world.quorums.is_q2(voters) {
                note(self.choose(world, v.slot, v.value, v.ballot, voters));
            }
        }
        for &(slot, ballot, quorum, value) in &step.claims {
            match value {
                Some(v) => note(self.choose(world, slot, v, ballot, quorum)),
                None => note(Some(Violation {
                    property: "validity",
                    slot,
                    message: format!(
                        "node {me} announced a value chosen in slot {slot} (ballot {ballot}) \
                         that no client proposed"
                    ),
                })),
            }
        }
        for &(slot, value, repeats) in &step.decided {
            note(self.execute(world, me, slot, value));
            if world.cfg.sessions {
                note(self.repeats(world, me, slot, value, repeats));
            }
        }
        if step.replied != 0 {
            note(self.replies(world, me, step));
        }
        first
    }

    /// Node `me` told clients that the commands of `step.replied` were done: each must be in
    /// a value chosen by now (after the step's own votes, claims and executions).
    fn replies(&self, world: &World, me: NodeId, step: &crate::world::Step) -> Option<Violation> {
        let held = |c: fpaxos::Command| {
            self.chosen
                .iter()
                .any(|ch| world.value(ch.value).commands().contains(&c))
        };
        // A reply about a command never submitted (`REPLIED_OTHER`) finds no chosen value.
        let k = (0..16u32).find(|&k| step.replied & 1 << k != 0 && !held(World::command(k)))?;
        let c = World::command(k);
        // The slot the node voted the command into in this step, if it did.
        let slot = step
            .votes
            .iter()
            .find(|v| world.value(v.value).commands().contains(&c))
            .map_or(0, |v| v.slot);
        let what = replied_about(k);
        Some(Violation {
            property: "reply",
            slot,
            message: format!(
                "node {me} told a client that {what} was done, but no chosen value holds it"
            ),
        })
    }
}

/// The command of bit `k` of [`crate::world::Step::replied`], as a violation names it.
pub(super) fn replied_about(k: u32) -> String {
    if 1 << k == crate::world::Step::REPLIED_OTHER {
        "a command no client submitted".to_string()
    } else {
        fpaxos::Value::Cmd(World::command(k)).describe()
    }
}

mod fingerprint;
mod forget;
mod ghost;
#[cfg(test)]
mod tests;
