//! The tables every state shares: node states, envelopes and values are interned (a state is a
//! few vectors of small ids, cheap to clone and hash), and each node step is computed once.
//!
//! A step is `Node::handle` (or `start`, `recover`) of the real node on an interned node state
//! and one stimulus. It is a pure function (the explorer passes `now = 0` and the node draws no
//! randomness), so its result is memoised: the same node state meets the same message in many
//! global states, and the node code runs once for all of them.

use crate::config::{ExploreConfig, MAX_NODES};
use crate::fp::{armed_part, env_part, node_part, Fp, FpMap, Images, MAX_IMAGES};
use crate::symmetry::Symmetry;
use fpaxos::node::Output;
use fpaxos::{Ballot, Command, Msg, Node, NodeId, NodeSet, QuorumSystem, Role, Slot, Timer, Value};
use memory::vec_bytes;
#[cfg(test)]
pub(crate) use memory::Growth;
use std::hash::Hash;
use std::sync::Arc;

mod compute;
mod memo;
mod memory;
mod settled;

/// A message in flight.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Envelope {
    /// Sender.
    pub from: NodeId,
    /// Destination.
    pub to: NodeId,
    /// The message.
    pub msg: Msg,
}

/// What a node reacts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stimulus {
    Start,
    Deliver(u32),
    Fire(Timer),
    Request(u32),
    Recover,
}

/// A vote the stepped node cast: it accepted `value` in `slot` at `ballot`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Vote {
    pub slot: Slot,
    pub ballot: Ballot,
    pub value: u32,
}

/// What one node step did, in ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Step {
    /// The node state after the step.
    pub node: u32,
    /// Envelopes sent, in order.
    pub sends: Vec<u32>,
    /// Timers armed (bit per `Timer::index`).
    pub armed: u8,
    /// Commands the node told their client were done: bit `k` for [`World::command`]`(k)`,
    /// [`Step::REPLIED_OTHER`] for a command the search never submits.
    pub replied: u16,
    /// Elections started (new ballots).
    pub elections: u32,
    pub votes: Vec<Vote>,
    /// `(slot, ballot, Q2, value)` a leader announced chosen (`Event::Chosen`), value by id.
    pub claims: Vec<(Slot, Ballot, NodeSet, Option<u32>)>,
    /// `(slot, value, repeats)` executed; `repeats` has bit `k` for [`World::command`]`(k)`
    /// when the node skipped it as executed before (client sessions), [`Step::REPLIED_OTHER`]
    /// for a command the search never submits.
    pub decided: Vec<(Slot, u32, u16)>,
}

impl Step {
    /// The bit of [`Step::replied`] for a reply about a command the search never submits.
    pub(crate) const REPLIED_OTHER: u16 = 1 << 15;

    /// The step leaves node state `node` as it was and does nothing else: no send, timer,
    /// election, vote, claim, execution or reply.
    fn is_quiet_for(&self, node: u32) -> bool {
        self.node == node
            && self.sends.is_empty()
            && self.armed == 0
            && self.elections == 0
            && !self.touches_ghost()
    }

    /// Whether the ghost history must see the step: it votes, claims, executes or replies.
    pub(crate) fn touches_ghost(&self) -> bool {
        !(self.votes.is_empty()
            && self.claims.is_empty()
            && self.decided.is_empty()
            && self.replied == 0)
    }

    /// The heap bytes of its vectors, with 16 bytes of allocator overhead for each.
    fn heap_bytes(&self) -> u64 {
        fn vec<T>(v: &Vec<T>) -> u64 {
            match vec_bytes(v) {
                0 => 0,
                b => b + 16,
            }
        }
        vec(&self.sends) + vec(&self.votes) + vec(&self.claims) + vec(&self.decided)
    }
}

/// Interned nodes, envelopes and values, and the memoised steps.
pub(crate) struct World {
    pub cfg: ExploreConfig,
    pub quorums: Arc<QuorumSystem>,
    nodes: Vec<Node>,
    roles: Vec<Role>,
    /// Each node state's fingerprint part under each renaming of commands, by
    /// `id * MAX_IMAGES + renaming` (0 for a renaming dropped).
    node_parts: Vec<u128>,
    /// The fingerprint part of each node's armed timers, by `node * 256 + armed`.
    armed_parts: Vec<u128>,
    node_ids: FpMap<u128, u32>,
    envs: Vec<Envelope>,
    /// Each envelope's fingerprint part under each renaming, by `id * MAX_IMAGES + renaming`.
    env_parts: Vec<u128>,
    /// Each envelope's destination, by id (read for every action; the envelope itself is
    /// larger).
    env_to: Vec<NodeId>,
    env_ids: FpMap<u128, u32>,
    values: Vec<Value>,
    value_ids: FpMap<u128, u32>,
    /// Each value's id under each renaming, by `id * MAX_IMAGES + renaming`.
    value_images: Vec<u32>,
    /// The renamings of commands the search reduces by.
    sym: Symmetry,
    steps: Vec<Step>,
    /// The memo: per node state, the index in `steps` of its step on each stimulus (the row's
    /// layout is `memo::FIRE_AT`'s), or `UNKNOWN` until it is computed. Rows grow as their node
    /// state meets new envelopes: a load here is several times cheaper than a hash map's
    /// lookup, and a step is looked up for most transitions.
    steps_of: Vec<Vec<u32>>,
    /// Heap bytes of `steps_of`' rows.
    rows_heap: u64,
    /// Per envelope, its number among the envelopes interned with the same destination.
    env_slot: Vec<u32>,
    /// Per node, how many envelopes to it are interned.
    envs_to: [u32; MAX_NODES],
    /// The last step looked up, as `(node, row index, step)`: the search asks for a
    /// delivery's step twice in a row (is it a self-loop? then the successor), and the second
    /// ask skips the row.
    last: Option<(u32, usize, u32)>,
    /// Per node state, a bit per envelope whose delivery is *quiet* for it: the node state
    /// stays, and the step sends nothing, arms no timer, starts no election, votes, claims and
    /// executes nothing. In the set network such a delivery leads a global state to itself, so
    /// the search skips it with one bit test instead of the memo lookup (about half of all
    /// transitions in the benchmark searches are quiet redeliveries). A bit is set when the
    /// step is first computed, and only in the set network (in the multiset network a delivery
    /// consumes its message); an unset bit only means "not known quiet".
    quiet: Vec<Vec<u64>>,
    /// Heap bytes of `quiet`'s bit vectors.
    quiet_heap: u64,
    /// Per node state, and per whether heartbeat and retransmit timers may still fire, two
    /// bits per envelope: whether it was judged, and whether it is settled there
    /// ([`World::settled`]).
    settled: Vec<[Vec<u64>; 2]>,
    /// Heap bytes of `settled`'s bit vectors.
    settled_heap: u64,
    /// Whether the search forgets settled replies (`forget_settled`):
    /// [`World::forgets`].
    forget: bool,
    /// Replies the node called settled whose delivery was not quiet, so they were kept: none,
    /// unless `Node::ignores_for_good` is wrong (the tests hold it to zero).
    pub(crate) settled_misses: u64,
    /// The rule a node's replies are settled by: `Node::ignores_for_good` (a test plants
    /// others, to see the checks catch them).
    pub(crate) settled_rule: SettledRule,
    /// Per node state and timer (by `Timer::index`), the elections its firing starts, or
    /// `u8::MAX` until that step is first computed: a firing that the ballot or timer budget
    /// forbids (an eighth of all transitions in the thrifty N = 3 search) is then cut without
    /// the memo ([`State::fire_cut`](crate::state::State::fire_cut)).
    fire_elections: Vec<[u8; Timer::COUNT]>,
    out: Vec<Output>,
    /// Heap bytes the memoised steps' own vectors hold (kept as steps are added).
    step_heap: u64,
    /// Per envelope, the mark of the last network marked that holds it ([`World::mark_net`]):
    /// whether a message a step sends is already in flight, with one load instead of a search
    /// of the parent's network.
    net_marks: Vec<u32>,
    /// The last mark given (0: none yet).
    net_mark: u32,
}

/// Whether a node ignores a message from a sender for good, given whether its heartbeat and
/// retransmit timers may still fire (`Node::ignores_for_good`'s signature).
pub(crate) type SettledRule = fn(&Node, NodeId, &Msg, bool) -> bool;

fn intern<T>(ids: &mut FpMap<u128, u32>, table: &mut Vec<T>, fp: u128, v: T) -> u32 {
    *ids.entry(fp).or_insert_with(|| {
        table.push(v);
        (table.len() - 1) as u32
    })
}

impl World {
    pub(crate) fn new(cfg: ExploreConfig, quorums: Arc<QuorumSystem>) -> World {
        let commands = cfg.commands;
        let sym = Symmetry::new(commands, cfg.symmetry);
        let forget = cfg.forget_settled;
        let mut w = World {
            cfg,
            quorums,
            nodes: Vec::new(),
            roles: Vec::new(),
            node_parts: Vec::new(),
            armed_parts: (0..MAX_NODES as u32 * 256)
                .map(|k| armed_part(k / 256, k as u8))
                .collect(),
            node_ids: FpMap::default(),
            envs: Vec::new(),
            env_parts: Vec::new(),
            env_to: Vec::new(),
            env_ids: FpMap::default(),
            values: Vec::new(),
            value_ids: FpMap::default(),
            value_images: Vec::new(),
            sym,
            steps: Vec::new(),
            steps_of: Vec::new(),
            rows_heap: 0,
            env_slot: Vec::new(),
            envs_to: [0; MAX_NODES],
            last: None,
            quiet: Vec::new(),
            quiet_heap: 0,
            settled: Vec::new(),
            settled_heap: 0,
            forget,
            settled_misses: 0,
            settled_rule: Node::ignores_for_good,
            fire_elections: Vec::new(),
            out: Vec::new(),
            step_heap: 0,
            net_marks: Vec::new(),
            net_mark: 0,
        };
        // Every value a node can hold, known up front, so that a leader's `Chosen` event (which
        // carries only a fingerprint) maps back to a value.
        w.intern_value(Value::Noop);
        for k in 0..commands {
            w.intern_value(Value::Cmd(World::command(k)));
        }
        w
    }

    /// A fresh node `id`, interned.
    pub(crate) fn fresh_node(&mut self, id: NodeId) -> u32 {
        let node = Node::new(self.cfg.node_config(id, &self.quorums));
        self.intern_node(node)
    }

    fn intern_node(&mut self, node: Node) -> u32 {
        let fp = node_fp(&node);
        let role = node.role();
        let before = self.nodes.len();
        let id = intern(&mut self.node_ids, &mut self.nodes, fp, node);
        if self.nodes.len() > before {
            self.roles.push(role);
            self.steps_of.push(Vec::new());
            self.quiet.push(Vec::new());
            self.settled.push([Vec::new(), Vec::new()]);
            self.fire_elections.push([u8::MAX; Timer::COUNT]);
            self.node_parts.push(node_part(fp));
            for g in 1..MAX_IMAGES {
                if self.sym.is_identity(g) {
                    self.node_parts.push(node_part(fp));
                    continue;
                }
                let part = match self.sym.node(g, &self.nodes[id as usize]) {
                    Some(image) => node_part(node_fp(&image)),
                    None => 0,
                };
                self.node_parts.push(part);
            }
        }
        id
    }

    /// The image parts of the envelopes interned since the last call (after a step, once the
    /// stepped node is interned, so that the digest it sent in a promise maps).
    fn map_new_envs(&mut self) {
        for id in self.env_parts.len() / MAX_IMAGES..self.envs.len() {
            let e = &self.envs[id];
            let own = Fp::of(e);
            let (from, to) = (e.from, e.to);
            self.env_parts.push(env_part(own));
            for g in 1..MAX_IMAGES {
                if self.sym.is_identity(g) {
                    self.env_parts.push(env_part(own));
                    continue;
                }
                let part = match self.sym.msg(g, &self.envs[id].msg) {
                    Some(msg) => env_part(Fp::of(&Envelope { from, to, msg })),
                    None => 0,
                };
                self.env_parts.push(part);
            }
        }
    }

    /// Interns envelope `e`, with its fingerprint parts.
    pub(crate) fn intern_env(&mut self, e: Envelope) -> u32 {
        let id = self.intern_env_only(e);
        self.map_new_envs();
        id
    }

    /// Interns envelope `e` without its parts, which [`World::map_new_envs`] adds: a step
    /// interns what it sends before its node's new state, whose digest a promise it sends may
    /// carry.
    pub(super) fn intern_env_only(&mut self, e: Envelope) -> u32 {
        let fp = Fp::of(&e);
        let to = e.to;
        let id = intern(&mut self.env_ids, &mut self.envs, fp, e);
        if id as usize == self.env_to.len() {
            self.env_to.push(to);
            self.env_slot.push(self.envs_to[to as usize]);
            self.envs_to[to as usize] += 1;
        }
        id
    }

    /// Interns `v` with its images under every renaming (an orbit, closed under renaming).
    pub(crate) fn intern_value(&mut self, v: Value) -> u32 {
        if let Some(&id) = self.value_ids.get(&Fp::of(&v)) {
            return id;
        }
        let before = self.values.len();
        let orbit: Vec<Value> = (0..MAX_IMAGES).map(|g| self.sym.value(g, &v)).collect();
        for w in orbit {
            intern(&mut self.value_ids, &mut self.values, Fp::of(&w), w);
        }
        for id in before..self.values.len() {
            for g in 0..MAX_IMAGES {
                let image = self.sym.value(g, &self.values[id]);
                self.value_images.push(self.value_ids[&Fp::of(&image)]);
            }
        }
        self.value_ids[&Fp::of(&v)]
    }

    pub(crate) fn role(&self, id: u32) -> Role {
        self.roles[id as usize]
    }
    pub(crate) fn env(&self, id: u32) -> &Envelope {
        &self.envs[id as usize]
    }
    /// The fingerprint part of node `i` in node state `node` with timers `armed` armed
    /// (`fp::node_part` and `fp::armed_part`, each computed once), under renaming `g`.
    #[inline]
    pub(crate) fn node_part(&self, i: usize, node: u32, armed: u8, g: usize) -> u128 {
        self.node_parts[node as usize * MAX_IMAGES + g]
            .wrapping_add(self.armed_parts[i * 256 + armed as usize])
    }

    /// Node `i`'s parts in node state `node` with timers `armed`, under every renaming.
    pub(crate) fn node_images(&self, i: usize, node: u32, armed: u8) -> Images {
        std::array::from_fn(|g| self.node_part(i, node, armed, g))
    }

    /// The group's order: distinct renamings (1: no symmetry reduction).
    #[cfg(test)]
    pub(crate) fn order(&self) -> usize {
        self.sym.order()
    }

    /// The renamings still in use (see [`Symmetry`]).
    pub(crate) fn symmetry(&self) -> &Symmetry {
        &self.sym
    }

    /// Node state `n` under renaming `g`, interned.
    #[cfg(test)]
    pub(crate) fn image_node(&mut self, n: u32, g: usize) -> u32 {
        let image = self
            .sym
            .node(g, &self.nodes[n as usize].clone())
            .expect("maps");
        self.intern_node(image)
    }

    /// Envelope `e` under renaming `g`, interned.
    #[cfg(test)]
    pub(crate) fn image_env(&mut self, e: u32, g: usize) -> u32 {
        let env = self.envs[e as usize].clone();
        let msg = self.sym.msg(g, &env.msg).expect("maps");
        self.intern_env(Envelope { msg, ..env })
    }

    /// Value `v` under renaming `g`.
    #[inline]
    pub(crate) fn value_image(&self, v: u32, g: usize) -> u32 {
        self.value_images[v as usize * MAX_IMAGES + g]
    }
    /// The envelope's destination.
    pub(crate) fn env_to(&self, id: u32) -> NodeId {
        self.env_to[id as usize]
    }
    /// The envelope's fingerprint parts (`fp::env_part`) under every renaming, computed once.
    #[inline]
    pub(crate) fn env_images(&self, id: u32) -> Images {
        let at = id as usize * MAX_IMAGES;
        std::array::from_fn(|g| self.env_parts[at + g])
    }
    pub(crate) fn value(&self, id: u32) -> &Value {
        &self.values[id as usize]
    }
    pub(crate) fn step_result(&self, id: u32) -> &Step {
        &self.steps[id as usize]
    }
    /// Marks the envelopes of `net` (a state's network, in the set network model), so that
    /// [`World::in_marked_net`] tells membership with one load; returns the mark, valid until
    /// the next call.
    pub(crate) fn mark_net(&mut self, net: &[u32]) -> u32 {
        if self.net_mark == u32::MAX {
            self.net_marks.fill(0);
            self.net_mark = 0;
        }
        self.net_mark += 1;
        if self.net_marks.len() < self.envs.len() {
            self.net_marks.resize(self.envs.len(), 0);
        }
        for &e in net {
            self.net_marks[e as usize] = self.net_mark;
        }
        self.net_mark
    }

    /// Whether envelope `e` is in the network marked `mark`; `None` if `mark` is not the last
    /// mark given (0 never is). Envelopes interned since have no mark: no network held them.
    pub(crate) fn in_marked_net(&self, mark: u32, e: u32) -> Option<bool> {
        (mark != 0 && mark == self.net_mark).then(|| self.net_marks.get(e as usize) == Some(&mark))
    }

    /// Interned node states so far.
    pub(crate) fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The command a client submits as command number `k`.
    pub(crate) fn command(k: u32) -> Command {
        Command { client: k, seq: 1 }
    }

    /// Whether delivering envelope `e` to node state `node` is known to be quiet (see
    /// [`World::quiet`]'s field): it changes nothing and sends nothing.
    #[inline]
    pub(crate) fn is_quiet(&self, node: u32, e: u32) -> bool {
        let bits = &self.quiet[node as usize];
        bits.get(e as usize / 64)
            .is_some_and(|w| w >> (e % 64) & 1 != 0)
    }

    /// The elections firing timer `t` of node state `node` starts, if that step was computed
    /// (at most 254: more is never reached, and any budget is smaller).
    #[inline]
    pub(crate) fn fire_elections(&self, node: u32, t: Timer) -> Option<u32> {
        match self.fire_elections[node as usize][t.index()] {
            u8::MAX => None,
            n => Some(n as u32),
        }
    }

    fn mark_quiet(&mut self, node: u32, e: u32) {
        let bits = &mut self.quiet[node as usize];
        let word = e as usize / 64;
        if bits.len() <= word {
            let before = bits.capacity();
            bits.resize(word + 1, 0);
            self.quiet_heap += ((bits.capacity() - before) * 8) as u64;
        }
        bits[word] |= 1 << (e % 64);
    }
}

/// The fingerprint of a node's state, its id included (the configuration, which
/// `Node::hash_state` leaves out, holds it).
fn node_fp(node: &Node) -> u128 {
    let mut h = Fp::new();
    node.id().hash(&mut h);
    node.hash_state(&mut h);
    h.finish128()
}
