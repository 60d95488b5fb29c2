//! The tables every state shares: node states, envelopes and values are interned (a state is a
//! few vectors of small ids, cheap to clone and hash), and each node step is computed once.
//!
//! A step is `Node::handle` (or `start`, `recover`) of the real node on an interned node state
//! and one stimulus. It is a pure function (the explorer passes `now = 0` and the node draws no
//! randomness), so its result is memoised: the same node state meets the same message in many
//! global states, and the node code runs once for all of them.

use crate::config::{ExploreConfig, Network, MAX_NODES};
use crate::fp::{armed_part, env_part, node_part, table_bytes, Fp, FpMap};
use fpaxos::node::{Event, Output};
use fpaxos::{
    Ballot, Command, Input, Msg, Node, NodeId, NodeSet, QuorumSystem, Role, Slot, Timer, Value,
};
use std::hash::Hash;
use std::sync::Arc;

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

impl Stimulus {
    /// Below 2^32, so that `node << 32 | code` keys the memo (envelope ids stay far below
    /// 2^29: each takes memory).
    fn code(self) -> u64 {
        match self {
            Stimulus::Start => 0,
            Stimulus::Deliver(e) => (e as u64) << 3 | 1,
            Stimulus::Fire(t) => (t.index() as u64) << 3 | 2,
            Stimulus::Request(c) => (c as u64) << 3 | 3,
            Stimulus::Recover => 4,
        }
    }
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
    /// Elections started (new ballots).
    pub elections: u32,
    pub votes: Vec<Vote>,
    /// `(slot, ballot, Q2, value)` a leader announced chosen (`Event::Chosen`), value by id.
    pub claims: Vec<(Slot, Ballot, NodeSet, Option<u32>)>,
    /// `(slot, value)` executed.
    pub decided: Vec<(Slot, u32)>,
}

fn vec_bytes<T>(v: &Vec<T>) -> u64 {
    (v.capacity() * std::mem::size_of::<T>()) as u64
}

fn map_bytes<K, V>(m: &FpMap<K, V>) -> u64 {
    table_bytes(m.capacity(), std::mem::size_of::<(K, V)>())
}

impl Step {
    /// The step leaves node state `node` as it was and does nothing else: no send, timer,
    /// election, vote, claim or execution.
    fn is_quiet_for(&self, node: u32) -> bool {
        self.node == node
            && self.sends.is_empty()
            && self.armed == 0
            && self.elections == 0
            && self.votes.is_empty()
            && self.claims.is_empty()
            && self.decided.is_empty()
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
    /// Each node state's fingerprint part, by id.
    node_parts: Vec<u128>,
    /// The fingerprint part of each node's armed timers, by `node * 256 + armed`.
    armed_parts: Vec<u128>,
    node_ids: FpMap<u128, u32>,
    envs: Vec<Envelope>,
    /// Each envelope's fingerprint part, by id.
    env_parts: Vec<u128>,
    /// Each envelope's destination, by id (read for every action; the envelope itself is
    /// larger).
    env_to: Vec<NodeId>,
    env_ids: FpMap<u128, u32>,
    values: Vec<Value>,
    value_ids: FpMap<u128, u32>,
    steps: Vec<Step>,
    memo: FpMap<u64, u32>,
    /// The last step looked up, as `(key, step)`: the search asks for a delivery's step twice
    /// in a row (is it a self-loop? then the successor), and the second ask skips the map.
    last: Option<(u64, u32)>,
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

fn intern<T>(ids: &mut FpMap<u128, u32>, table: &mut Vec<T>, fp: u128, v: T) -> u32 {
    *ids.entry(fp).or_insert_with(|| {
        table.push(v);
        (table.len() - 1) as u32
    })
}

impl World {
    pub(crate) fn new(cfg: ExploreConfig, quorums: Arc<QuorumSystem>) -> World {
        let commands = cfg.commands;
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
            steps: Vec::new(),
            memo: FpMap::default(),
            last: None,
            quiet: Vec::new(),
            quiet_heap: 0,
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
        let mut h = Fp::new();
        // The id is in the configuration, which `hash_state` leaves out.
        node.id().hash(&mut h);
        node.hash_state(&mut h);
        let fp = h.finish128();
        let role = node.role();
        let me = node.id();
        let before = self.nodes.len();
        let id = intern(&mut self.node_ids, &mut self.nodes, fp, node);
        if self.nodes.len() > before {
            self.roles.push(role);
            self.quiet.push(Vec::new());
            self.fire_elections.push([u8::MAX; Timer::COUNT]);
            self.node_parts.push(node_part(me as u32, id));
        }
        id
    }

    pub(crate) fn intern_env(&mut self, e: Envelope) -> u32 {
        let fp = Fp::of(&e);
        let to = e.to;
        let id = intern(&mut self.env_ids, &mut self.envs, fp, e);
        if id as usize == self.env_parts.len() {
            self.env_parts.push(env_part(id));
            self.env_to.push(to);
        }
        id
    }

    pub(crate) fn intern_value(&mut self, v: Value) -> u32 {
        let fp = Fp::of(&v);
        intern(&mut self.value_ids, &mut self.values, fp, v)
    }

    pub(crate) fn role(&self, id: u32) -> Role {
        self.roles[id as usize]
    }
    pub(crate) fn env(&self, id: u32) -> &Envelope {
        &self.envs[id as usize]
    }
    /// The fingerprint part of node `i` in node state `node` with timers `armed` armed
    /// (`fp::node_part` and `fp::armed_part`, each computed once).
    pub(crate) fn node_part(&self, i: usize, node: u32, armed: u8) -> u128 {
        self.node_parts[node as usize].wrapping_add(self.armed_parts[i * 256 + armed as usize])
    }
    /// The envelope's destination.
    pub(crate) fn env_to(&self, id: u32) -> NodeId {
        self.env_to[id as usize]
    }
    /// The envelope's fingerprint part (`fp::env_part`), computed once.
    pub(crate) fn env_part(&self, id: u32) -> u128 {
        self.env_parts[id as usize]
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

    /// Bytes the interned tables and memoised steps hold. Node states count their inline size
    /// only: their own vectors are small and the nodes few (thousands, against millions of
    /// steps).
    pub(crate) fn memory_bytes(&self) -> u64 {
        vec_bytes(&self.nodes)
            + vec_bytes(&self.roles)
            + vec_bytes(&self.node_parts)
            + vec_bytes(&self.armed_parts)
            + map_bytes(&self.node_ids)
            + vec_bytes(&self.envs)
            + vec_bytes(&self.env_parts)
            + vec_bytes(&self.env_to)
            + map_bytes(&self.env_ids)
            + vec_bytes(&self.values)
            + map_bytes(&self.value_ids)
            + vec_bytes(&self.steps)
            + self.step_heap
            + map_bytes(&self.memo)
            + vec_bytes(&self.quiet)
            + vec_bytes(&self.fire_elections)
            + vec_bytes(&self.net_marks)
            + self.quiet_heap
    }

    /// Bytes the memo map and the step list may add at once when they next grow (inside a
    /// transition, where the search cannot stop first): the map's doubling beside the old
    /// one, and the list's.
    pub(crate) fn growth_bytes(&self) -> u64 {
        2 * map_bytes(&self.memo) + vec_bytes(&self.steps)
    }

    /// The command a client submits as command number `k`.
    pub(crate) fn command(k: u32) -> Command {
        Command { client: k, seq: 1 }
    }

    /// The step of node state `node` on `stim`: memoised, computed by the real node on a miss.
    pub(crate) fn step(&mut self, node: u32, stim: Stimulus) -> u32 {
        let key = (node as u64) << 32 | stim.code();
        if let Some((k, s)) = self.last {
            if k == key {
                return s;
            }
        }
        let idx = match self.memo.get(&key) {
            Some(&s) => s,
            None => {
                let s = self.compute(node, stim);
                match stim {
                    Stimulus::Deliver(e)
                        if self.cfg.network == Network::Set && s.is_quiet_for(node) =>
                    {
                        self.mark_quiet(node, e)
                    }
                    Stimulus::Fire(t) => {
                        self.fire_elections[node as usize][t.index()] =
                            s.elections.min(u8::MAX as u32 - 1) as u8;
                    }
                    _ => {}
                }
                self.step_heap += s.heap_bytes();
                self.steps.push(s);
                let idx = (self.steps.len() - 1) as u32;
                self.memo.insert(key, idx);
                idx
            }
        };
        self.last = Some((key, idx));
        idx
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

    fn compute(&mut self, node: u32, stim: Stimulus) -> Step {
        let mut n = self.nodes[node as usize].clone();
        let me = n.id();
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let mut delivered_accept = None;
        match stim {
            Stimulus::Start => n.start(0, &mut out),
            Stimulus::Recover => n.recover(0, &mut out),
            Stimulus::Fire(t) => n.handle(0, Input::Timer(t), &mut out),
            Stimulus::Request(k) => {
                let cmd = World::command(k);
                n.handle(
                    0,
                    Input::Request {
                        client: cmd.client,
                        cmd,
                    },
                    &mut out,
                )
            }
            Stimulus::Deliver(e) => {
                let env = self.envs[e as usize].clone();
                if let Msg::Accept(a) = &env.msg {
                    delivered_accept = Some(a.value.clone());
                }
                n.handle(
                    0,
                    Input::Message {
                        from: env.from,
                        msg: env.msg,
                    },
                    &mut out,
                )
            }
        }
        let mut step = Step::default();
        for o in out.drain(..) {
            match o {
                Output::Send { to, msg } => {
                    match &msg {
                        // A leader sends an Accept only for the value it holds at that ballot:
                        // its own vote.
                        Msg::Accept(a) => {
                            let value = self.intern_value(a.value.clone());
                            step.votes.push(Vote {
                                slot: a.slot,
                                ballot: a.ballot,
                                value,
                            });
                        }
                        // An acceptor answers Accepted only once it stored the Accept's value.
                        Msg::Accepted(a) => {
                            if let Some(v) = &delivered_accept {
                                let value = self.intern_value(v.clone());
                                step.votes.push(Vote {
                                    slot: a.slot,
                                    ballot: a.ballot,
                                    value,
                                });
                            }
                        }
                        _ => {}
                    }
                    let e = self.intern_env(Envelope { from: me, to, msg });
                    step.sends.push(e);
                }
                Output::SetTimer { timer, .. } => step.armed |= 1 << timer.index(),
                Output::Decided { slot, value } => {
                    let v = self.intern_value(value);
                    step.decided.push((slot, v));
                }
                Output::Event(Event::ElectionStarted { .. }) => step.elections += 1,
                Output::Event(Event::Chosen {
                    slot,
                    ballot,
                    fingerprint,
                    quorum,
                }) => {
                    let v = self
                        .values
                        .iter()
                        .position(|v| v.fingerprint() == fingerprint)
                        .map(|i| i as u32);
                    step.claims.push((slot, ballot, quorum, v));
                }
                Output::Reply { .. }
                | Output::SnapshotInstalled { .. }
                | Output::Event(
                    Event::Elected { .. }
                    | Event::SteppedDown { .. }
                    | Event::LaggingPromise { .. }
                    | Event::ValueRecovered { .. }
                    | Event::ThriftyFallback { .. },
                ) => {}
            }
        }
        self.out = out;
        step.votes
            .dedup_by(|a, b| a.slot == b.slot && a.ballot == b.ballot && a.value == b.value);
        step.node = self.intern_node(n);
        step
    }
}
