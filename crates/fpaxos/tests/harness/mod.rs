//! The hand-driven cluster shared by the node tests.
//!
//! A harness in the spirit of quinn-proto's test `Pair`: a few [`Node`]s, a message queue the
//! test delivers (or drops) one message at a time, timers fired by hand, and the outputs
//! checked. Nothing here knows about latency, randomness or CPU cost: if a test fails, the
//! protocol core is at fault, not the simulator.
// Each test file uses a different part of the harness.
#![allow(dead_code)]

use fpaxos::{
    ClientReply, Command, Config, Event, Input, Msg, MsgKind, Node, NodeId, NodeSet, Output,
    PlantedBug, QuorumSpec, QuorumSystem, Role, Slot, Time, Timer, Value,
};
use std::sync::Arc;

pub const MS: Time = 1_000_000;
pub const HEARTBEAT: Time = 10 * MS;
pub const ELECTION: Time = 100 * MS;
pub const RETRANSMIT: Time = 20 * MS;

/// A message in flight.
#[derive(Clone, Debug)]
pub struct Flight {
    pub from: NodeId,
    pub to: NodeId,
    pub msg: Msg,
}

/// Nodes, the messages between them, and every other output they produced.
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub now: Time,
    pub net: Vec<Flight>,
    /// Non-message outputs, by node, in the order produced (cleared by `take_outputs`).
    pub outputs: Vec<(NodeId, Output)>,
}

/// Knobs that differ between tests.
pub struct Setup {
    pub n: usize,
    pub quorum: QuorumSpec,
    pub thrifty: bool,
    pub log_retain: u64,
    pub check_quorum: bool,
    pub pre_vote: bool,
    /// Client sessions.
    pub sessions: bool,
    /// Commands per proposed value.
    pub batch: u32,
    /// Chosen values a thrifty leader collects before it sends them in one Commit.
    pub commit_batch: u32,
    /// A planted bug in every node.
    pub planted: Option<PlantedBug>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            n: 3,
            quorum: QuorumSpec::Majority,
            thrifty: false,
            log_retain: 1000,
            check_quorum: true,
            pre_vote: false,
            sessions: false,
            batch: 1,
            commit_batch: 1,
            planted: None,
        }
    }
}

impl Cluster {
    /// Started nodes, none campaigning yet, at time 0.
    pub fn new(s: Setup) -> Cluster {
        let quorums = Arc::new(QuorumSystem::new(&s.quorum, s.n).expect("valid quorum system"));
        let nodes = (0..s.n)
            .map(|i| {
                Node::new(Config {
                    id: i as NodeId,
                    quorums: Arc::clone(&quorums),
                    thrifty: s.thrifty,
                    window: 8,
                    batch: s.batch,
                    heartbeat: HEARTBEAT,
                    election_timeout: ELECTION,
                    retransmit: RETRANSMIT,
                    commit_batch: s.commit_batch,
                    log_retain: s.log_retain,
                    bootstrap: false,
                    check_quorum: s.check_quorum,
                    pre_vote: s.pre_vote,
                    sessions: s.sessions,
                    planted: s.planted,
                })
            })
            .collect();
        let mut c = Cluster {
            nodes,
            now: 0,
            net: Vec::new(),
            outputs: Vec::new(),
        };
        for i in 0..s.n {
            let mut out = Vec::new();
            c.nodes[i].start(0, &mut out);
            c.route(i as NodeId, out);
        }
        c.outputs.clear();
        c
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn route(&mut self, from: NodeId, out: Vec<Output>) {
        for o in out {
            match o {
                Output::Send { to, msg } => self.net.push(Flight { from, to, msg }),
                other => self.outputs.push((from, other)),
            }
        }
    }

    /// Feeds `input` to node `id` at the current time.
    pub fn input(&mut self, id: NodeId, input: Input) {
        let mut out = Vec::new();
        let now = self.now;
        self.nodes[id as usize].handle(now, input, &mut out);
        self.route(id, out);
    }

    pub fn fire(&mut self, id: NodeId, timer: Timer) {
        self.input(id, Input::Timer(timer));
    }

    pub fn request(&mut self, id: NodeId, client: u32, seq: u32) -> Command {
        let cmd = Command { client, seq };
        self.input(id, Input::Request { client, cmd });
        cmd
    }

    /// Removes and returns the first message in flight matching `pick`.
    pub fn take(&mut self, pick: impl Fn(&Flight) -> bool) -> Option<Flight> {
        let i = self.net.iter().position(pick)?;
        Some(self.net.remove(i))
    }

    /// Delivers the first message of `kind` from `from` to `to`; panics if there is none.
    pub fn deliver(&mut self, from: NodeId, to: NodeId, kind: MsgKind) -> Msg {
        let f = self
            .take(|f| f.from == from && f.to == to && f.msg.kind() == kind)
            .unwrap_or_else(|| panic!("no {kind:?} {from}->{to} in flight: {:?}", self.net));
        let msg = f.msg.clone();
        self.input(to, Input::Message { from, msg });
        f.msg
    }

    /// Delivers every message in flight, including the ones they cause, until none is left.
    pub fn deliver_all(&mut self) {
        while !self.net.is_empty() {
            let f = self.net.remove(0);
            self.input(
                f.to,
                Input::Message {
                    from: f.from,
                    msg: f.msg,
                },
            );
        }
    }

    /// Delivers every message in flight until none is left, dropping those to or from `dead`.
    pub fn deliver_all_but(&mut self, dead: NodeSet) {
        self.deliver_all_dropping(|f| dead.contains(f.to) || dead.contains(f.from));
    }

    /// Delivers every message in flight until none is left, dropping those `drop` selects.
    pub fn deliver_all_dropping(&mut self, drop: impl Fn(&Flight) -> bool) {
        loop {
            self.drop_where(&drop);
            if self.net.is_empty() {
                return;
            }
            let f = self.net.remove(0);
            let msg = f.msg;
            self.input(f.to, Input::Message { from: f.from, msg });
        }
    }

    /// Drops every message in flight matching `pick`; returns how many.
    pub fn drop_where(&mut self, pick: impl Fn(&Flight) -> bool) -> usize {
        let before = self.net.len();
        self.net.retain(|f| !pick(f));
        before - self.net.len()
    }

    /// The messages of `kind` in flight, oldest first.
    pub fn in_flight(&self, kind: MsgKind) -> Vec<Flight> {
        self.net
            .iter()
            .filter(|f| f.msg.kind() == kind)
            .cloned()
            .collect()
    }

    /// What node `id` produced that `pick` selects, in order.
    pub fn outputs_of<T>(&self, id: NodeId, pick: impl Fn(&Output) -> Option<T>) -> Vec<T> {
        self.outputs
            .iter()
            .filter(|(n, _)| *n == id)
            .filter_map(|(_, o)| pick(o))
            .collect()
    }

    pub fn events(&self, id: NodeId) -> Vec<Event> {
        self.outputs_of(id, |o| match o {
            Output::Event(e) => Some(*e),
            _ => None,
        })
    }

    pub fn replies(&self, id: NodeId) -> Vec<(u32, ClientReply)> {
        self.outputs_of(id, |o| match o {
            Output::Reply { client, reply } => Some((*client, *reply)),
            _ => None,
        })
    }

    pub fn decided(&self, id: NodeId) -> Vec<(Slot, Value)> {
        self.outputs_of(id, |o| match o {
            Output::Decided { slot, value, .. } => Some((*slot, value.clone())),
            _ => None,
        })
    }

    /// The commands node `id` skipped as executed before, per slot it executed (client sessions).
    pub fn repeats(&self, id: NodeId) -> Vec<(Slot, Vec<Command>)> {
        self.outputs_of(id, |o| match o {
            Output::Decided { slot, repeats, .. } => Some((*slot, repeats.clone())),
            _ => None,
        })
    }

    /// Lets the election timeout pass and has `id` campaign.
    pub fn campaign(&mut self, id: NodeId) {
        self.now += 2 * ELECTION;
        self.fire(id, Timer::Election);
    }

    /// Leader 0 gets `count` commands of `client` chosen by Q2 {0, 1} while node 2 misses every
    /// accept; then the heartbeat timer fires and announces the new commit index.
    pub fn leave_node_2_behind(&mut self, client: u32, count: u32) -> Vec<Command> {
        let cmds: Vec<Command> = (1..=count)
            .map(|seq| self.request(0, client, seq))
            .collect();
        assert_eq!(
            self.drop_where(|f| f.to == 2),
            count as usize,
            "node 2 misses the accepts"
        );
        for _ in 0..count {
            self.deliver(0, 1, MsgKind::Accept);
            self.deliver(1, 0, MsgKind::Accepted);
        }
        assert_eq!(self.node(0).executed(), count as Slot);
        self.now += HEARTBEAT;
        self.fire(0, Timer::Heartbeat);
        cmds
    }

    /// Runs the leader's heartbeat timer every `HEARTBEAT` for `span`, delivering everything
    /// except what `drop` selects; returns the time at which `id` stopped leading, if it did.
    pub fn heartbeats(
        &mut self,
        id: NodeId,
        span: Time,
        drop: impl Fn(&Flight) -> bool,
    ) -> Option<Time> {
        let end = self.now + span;
        while self.now < end {
            self.now += HEARTBEAT;
            self.fire(id, Timer::Heartbeat);
            self.deliver_all_dropping(&drop);
            if self.node(id).role() != Role::Leader {
                return Some(self.now);
            }
        }
        None
    }

    /// Node `id` campaigns and every message is delivered: it leads and the network is quiet.
    pub fn elect(&mut self, id: NodeId) {
        self.campaign(id);
        self.deliver_all();
        assert_eq!(self.node(id).role(), Role::Leader);
        self.outputs.clear();
    }
}

pub fn targets(flights: &[Flight]) -> Vec<NodeId> {
    flights.iter().map(|f| f.to).collect()
}

/// Asserts that the messages of `msg`'s kind in flight are exactly `msg`, once to each of `to`.
pub fn assert_sent(c: &Cluster, msg: &Msg, to: &[NodeId]) {
    let flights = c.in_flight(msg.kind());
    assert_eq!(targets(&flights), to);
    for f in &flights {
        assert_eq!(&f.msg, msg, "to node {}", f.to);
    }
}

pub fn set(ids: &[NodeId]) -> NodeSet {
    NodeSet::from_ids(ids.iter().copied())
}

/// A client command.
pub fn cmd(client: u32, seq: u32) -> Command {
    Command { client, seq }
}

/// The values in the Accepts in flight, by slot (each once).
pub fn proposals(c: &Cluster) -> Vec<(Slot, Value)> {
    let mut v: Vec<(Slot, Value)> = c
        .in_flight(MsgKind::Accept)
        .into_iter()
        .filter_map(|f| match f.msg {
            Msg::Accept(a) => Some((a.slot, a.value)),
            _ => None,
        })
        .collect();
    v.sort_by_key(|(s, _)| *s);
    v.dedup();
    v
}
