//! The discrete-event simulator: it owns time, the seeded RNG, the network, node CPUs, clients and
//! faults, and drives [`fpaxos::Node`]s through their sans-IO interface.
//!
//! Events are ordered by `(time, class, sequence number)`: faults come before anything else at the
//! same instant, and ties otherwise break by insertion order. Nothing depends on wall-clock time,
//! hash-map iteration order or the platform, so one scenario gives one run everywhere.

use crate::checker::Checker;
use crate::dur::Dur;
use crate::report::{Messages, Metrics, NodeLoad, Report, Safety, SimStats};
use crate::rng::Rng;
use crate::scenario::{FaultAction, Latency, Scenario, ScenarioErrors};
use crate::trace::{DropReason, Endpoint, Trace};
use fpaxos::{
    ClientReply, Command, Config, Event, Input, Msg, MsgKind, Node, NodeId, NodeSet, Output,
    QuorumSystem, Role, Slot, Time, Timer,
};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

/// Class bit in the event key: faults sort before every other event at the same time.
const CLASS_OTHER: u64 = 1 << 63;
/// Most requests one open-loop client keeps pending before it sheds new arrivals.
const OPEN_LOOP_PENDING_CAP: usize = 10_000;
/// Most open-loop requests in flight across all clients; arrivals beyond it are shed (an
/// overloaded system would queue without bound otherwise).
const OPEN_LOOP_TOTAL_CAP: u64 = 100_000;

#[derive(Clone, Copy, Debug)]
enum Ev {
    Deliver {
        slot: u32,
    },
    CpuDone {
        node: NodeId,
        epoch: u32,
    },
    Timer {
        node: NodeId,
        timer: Timer,
        gen: u32,
    },
    ClientIssue {
        client: u32,
    },
    ClientTimeout {
        client: u32,
    },
    ClientRetry {
        client: u32,
        seq: u32,
    },
    Arrival,
    Fault {
        idx: u32,
    },
}

#[derive(Clone, Copy, Debug)]
struct Scheduled {
    time: Time,
    key: u64,
    ev: Ev,
}

impl PartialEq for Scheduled {
    fn eq(&self, o: &Self) -> bool {
        self.time == o.time && self.key == o.key
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, o: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest event first.
        o.time.cmp(&self.time).then(o.key.cmp(&self.key))
    }
}

#[derive(Clone, Debug)]
enum Payload {
    Node(Msg),
    Request(Command),
    Reply(ClientReply),
}

#[derive(Clone, Debug)]
struct InFlight {
    id: u64,
    from: Endpoint,
    to: Endpoint,
    kind: MsgKind,
    sent_at: Time,
    deliver_at: Time,
    payload: Payload,
}

/// A message in flight, for drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlightView {
    /// Message id (use it to drop the message).
    pub id: u64,
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// Kind.
    pub kind: MsgKind,
    /// Send time.
    pub sent_at: Time,
    /// Arrival time.
    pub deliver_at: Time,
}

#[derive(Clone, Debug)]
enum Work {
    Msg { from: NodeId, msg: Msg },
    Request { client: u32, cmd: Command },
    Timer(Timer),
}

#[derive(Clone, Debug)]
struct SimNode {
    node: Node,
    crashed: bool,
    epoch: u32,
    busy_until: Time,
    cpu_pending: bool,
    inbox: VecDeque<Work>,
    timer_gen: [u32; Timer::COUNT],
    slow: f64,
}

/// A node's state, for drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeView {
    /// Node id.
    pub id: NodeId,
    /// Role.
    pub role: Role,
    /// Down?
    pub crashed: bool,
    /// Own ballot (candidate/leader) or promised ballot.
    pub ballot: u64,
    /// Executed slots.
    pub executed: Slot,
    /// One past the highest accepted slot.
    pub log_end: Slot,
    /// Messages waiting for the CPU.
    pub inbox: usize,
    /// CPU slow-down factor.
    pub slow: f64,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    seq: u32,
    first_sent: Time,
    last_sent: Time,
    target: NodeId,
}

#[derive(Clone, Debug, Default)]
struct Client {
    target: NodeId,
    next_seq: u32,
    pending: Vec<Pending>,
    timeout_armed: bool,
}

/// The latest completed quorum, for highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuorumMark {
    /// Phase 1 or 2.
    pub phase: fpaxos::Phase,
    /// The quorum.
    pub quorum: NodeSet,
    /// The leader.
    pub leader: NodeId,
    /// When.
    pub at: Time,
}

/// A running simulation.
pub struct Sim {
    scenario: Scenario,
    quorums: Arc<QuorumSystem>,
    n: usize,
    now: Time,
    end: Time,
    seq: u64,
    queue: BinaryHeap<Scheduled>,
    rng: Rng,
    nodes: Vec<SimNode>,
    links: Vec<Latency>,
    blocked_partition: Vec<u64>,
    blocked_cut: Vec<u64>,
    link_free: Vec<Time>,
    flights: Vec<Option<InFlight>>,
    free_flights: Vec<u32>,
    next_msg_id: u64,
    clients: Vec<Client>,
    issued_total: u64,
    completed_total: u64,
    arrival_rr: u32,
    out: Vec<Output>,
    checker: Checker,
    trace: Trace,
    metrics: Metrics,
    events: u64,
    leaderless_since: Option<Time>,
    last_quorum: Option<QuorumMark>,
    done: bool,
    /// Events up to this time may be handled without a round trip through the heap.
    horizon: Time,
    wall_ms: f64,
    max_executed: Slot,
}

impl Sim {
    /// Validates `scenario` and sets up a run at time 0.
    pub fn new(scenario: &Scenario) -> Result<Sim, ScenarioErrors> {
        scenario.validate()?;
        let quorums = Arc::new(scenario.quorum_system()?);
        let s = scenario.clone();
        let n = s.cluster.nodes as usize;
        let c = &s.cluster;
        let nodes = (0..n)
            .map(|i| SimNode {
                node: Node::new(Config {
                    id: i as NodeId,
                    quorums: Arc::clone(&quorums),
                    thrifty: c.thrifty,
                    window: c.window,
                    batch: c.batch,
                    heartbeat: c.heartbeat.0,
                    election_timeout: c.election_timeout.0,
                    retransmit: c.retransmit.0,
                    commit_batch: c.commit_batch,
                    log_retain: c.log_retain as u64,
                    bootstrap: c.initial_leader == Some(i as u32),
                    check_quorum: true,
                    pre_vote: false,
                }),
                crashed: false,
                epoch: 0,
                busy_until: 0,
                cpu_pending: false,
                inbox: VecDeque::new(),
                timer_gen: [0; Timer::COUNT],
                slow: 1.0,
            })
            .collect();
        let links = link_table(&s);
        let clients = s.workload.clients as usize;
        let first_target = c.initial_leader.unwrap_or(0) as NodeId;
        let mut sim = Sim {
            quorums,
            n,
            now: 0,
            end: s.duration.0,
            seq: 0,
            queue: BinaryHeap::with_capacity(1024),
            rng: Rng::new(s.seed),
            nodes,
            links,
            blocked_partition: vec![0; n],
            blocked_cut: vec![0; n],
            link_free: vec![0; n * n],
            flights: Vec::new(),
            free_flights: Vec::new(),
            next_msg_id: 0,
            clients: (0..clients)
                .map(|i| Client {
                    target: if c.initial_leader.is_some() {
                        first_target
                    } else {
                        (i % n) as NodeId
                    },
                    next_seq: 1,
                    ..Client::default()
                })
                .collect(),
            issued_total: 0,
            completed_total: 0,
            arrival_rr: 0,
            out: Vec::with_capacity(64),
            checker: Checker::new(n, clients),
            trace: Trace::new(s.metrics.trace_capacity as usize),
            metrics: Metrics::new(n, s.warmup.0, s.metrics.bucket.0, s.duration.0),
            events: 0,
            leaderless_since: Some(0),
            last_quorum: None,
            done: false,
            horizon: 0,
            wall_ms: 0.0,
            max_executed: 0,
            scenario: s,
        };
        for (i, f) in sim.scenario.faults.iter().enumerate() {
            let at = f.at.0;
            sim.seq += 1;
            sim.queue.push(Scheduled {
                time: at,
                key: sim.seq,
                ev: Ev::Fault { idx: i as u32 },
            });
        }
        for i in 0..n {
            let mut out = std::mem::take(&mut sim.out);
            sim.nodes[i].node.start(0, &mut out);
            sim.apply_outputs(i, 0, 0, &mut out);
            sim.out = out;
        }
        if let Some(rate) = sim.scenario.workload.rate {
            if clients > 0 {
                let gap = sim.exp_gap(rate);
                sim.schedule(gap, Ev::Arrival);
            }
        } else {
            for cl in 0..clients as u32 {
                for _ in 0..sim.scenario.workload.outstanding {
                    sim.issue(cl);
                }
            }
        }
        Ok(sim)
    }

    // ----- public driving API -----

    /// Current simulated time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// When the run ends.
    pub fn end_time(&self) -> Time {
        self.end
    }

    /// Whether the run reached its end.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Time of the next event, if any before the end.
    pub fn next_event_time(&self) -> Option<Time> {
        self.queue.peek().map(|e| e.time).filter(|t| *t <= self.end)
    }

    /// Processes one event. Returns false when the run is over.
    pub fn step(&mut self) -> bool {
        let Some(top) = self.queue.peek() else {
            self.finish();
            return false;
        };
        if top.time > self.end {
            self.finish();
            return false;
        }
        let ev = self.queue.pop().expect("peeked");
        self.now = ev.time;
        self.metrics.advance(ev.time);
        self.events += 1;
        self.dispatch(ev.ev);
        if self.done {
            return false;
        }
        true
    }

    /// Processes up to `budget` events. Returns false when the run is over.
    pub fn run_events(&mut self, budget: u64) -> bool {
        for _ in 0..budget {
            if !self.step() {
                return false;
            }
        }
        !self.done
    }

    /// Processes every event at or before `t` (capped at the end). Returns false when over.
    pub fn run_until(&mut self, t: Time) -> bool {
        let t = t.min(self.end);
        self.horizon = t;
        while let Some(top) = self.queue.peek() {
            if top.time > t {
                break;
            }
            if !self.step() {
                return false;
            }
        }
        if t >= self.end {
            self.finish();
            return false;
        }
        self.now = self.now.max(t);
        true
    }

    /// Like [`Sim::run_until`] but stops after `budget` events; returns (more to do, reached `t`).
    pub fn run_until_budget(&mut self, t: Time, budget: u64) -> (bool, bool) {
        let t = t.min(self.end);
        self.horizon = t;
        for _ in 0..budget {
            match self.queue.peek() {
                Some(top) if top.time <= t => {
                    if !self.step() {
                        return (false, true);
                    }
                }
                _ => {
                    if t >= self.end {
                        self.finish();
                        return (false, true);
                    }
                    self.now = self.now.max(t);
                    return (true, true);
                }
            }
        }
        (!self.done, false)
    }

    /// Runs to the end and returns the report.
    pub fn run_to_end(&mut self) -> Report {
        #[cfg(not(target_arch = "wasm32"))]
        let start = std::time::Instant::now();
        self.horizon = self.end;
        while self.step() {}
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.wall_ms += start.elapsed().as_secs_f64() * 1e3;
        }
        self.report()
    }

    /// Adds wall-clock time measured by the caller (for platforms without `Instant`).
    pub fn add_wall_ms(&mut self, ms: f64) {
        self.wall_ms += ms;
    }

    /// Applies a fault now (as if scheduled at `now`), e.g. a click in the browser. Faults sort
    /// before other events at the same instant, so recording it in the scenario at the time given
    /// replays the same run. Returns the fault as it should be recorded.
    pub fn inject(&mut self, at: Time, action: FaultAction) -> crate::scenario::Fault {
        let at = at.max(self.now);
        let f = crate::scenario::Fault {
            at: Dur(at),
            action,
        };
        self.scenario.faults.push(f.clone());
        let idx = (self.scenario.faults.len() - 1) as u32;
        self.seq += 1;
        self.queue.push(Scheduled {
            time: at,
            key: self.seq,
            ev: Ev::Fault { idx },
        });
        f
    }

    /// The scenario (including injected faults).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The quorum system.
    pub fn quorums(&self) -> &QuorumSystem {
        &self.quorums
    }

    /// The trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Node states.
    pub fn node_views(&self) -> Vec<NodeView> {
        self.nodes
            .iter()
            .map(|s| NodeView {
                id: s.node.id(),
                role: s.node.role(),
                crashed: s.crashed,
                ballot: if s.node.role() == Role::Follower {
                    s.node.promised().0
                } else {
                    s.node.ballot().0
                },
                executed: s.node.executed(),
                log_end: s.node.log_end(),
                inbox: s.inbox.len(),
                slow: s.slow,
            })
            .collect()
    }

    /// Messages in flight.
    pub fn in_flight(&self) -> impl Iterator<Item = FlightView> + '_ {
        self.flights.iter().flatten().map(|f| FlightView {
            id: f.id,
            from: f.from,
            to: f.to,
            kind: f.kind,
            sent_at: f.sent_at,
            deliver_at: f.deliver_at,
        })
    }

    /// The latest quorum that completed a phase.
    pub fn last_quorum(&self) -> Option<QuorumMark> {
        self.last_quorum
    }

    /// Whether a link is currently cut (partition or cut link).
    pub fn link_blocked(&self, from: NodeId, to: NodeId) -> bool {
        (self.blocked_partition[from as usize] | self.blocked_cut[from as usize]) >> to & 1 == 1
    }

    /// Requests completed so far (whole run).
    pub fn completed(&self) -> u64 {
        self.completed_total
    }

    /// The report for the run so far.
    pub fn report(&self) -> Report {
        let m = &self.metrics;
        let upto = self.now.min(self.end);
        let measured = upto.saturating_sub(m.warmup).max(1);
        let total: u64 = m.by_kind.iter().sum();
        let by_kind = MsgKind::ALL
            .iter()
            .map(|k| (k.name().to_string(), m.by_kind[*k as usize]))
            .filter(|(_, v)| *v > 0)
            .collect();
        let violations = self.checker.violations().to_vec();
        let leaderless = m.leaderless
            + self
                .leaderless_since
                .map_or(0, |since| upto.saturating_sub(since));
        Report {
            scenario: self.scenario.clone(),
            committed: m.completed,
            throughput: m.completed as f64 / (measured as f64 / 1e9),
            latency_ms: m.latency(),
            messages: Messages {
                total,
                per_commit: if m.completed > 0 {
                    // Messages in the measured window are not tracked apart; use whole-run ratio.
                    total as f64 / self.completed_total.max(1) as f64
                } else {
                    0.0
                },
                by_kind,
                by_node: (0..self.n)
                    .map(|i| NodeLoad {
                        sent: m.sent[i],
                        received: m.received[i],
                        busy: m.busy[i] as f64 / measured as f64,
                    })
                    .collect(),
            },
            leader_changes: m.elections.saturating_sub(1),
            leaderless_ms: leaderless as f64 / 1e6,
            leaderless_intervals: m
                .leaderless_intervals
                .iter()
                .copied()
                .chain(self.leaderless_since.map(|since| (since, upto)))
                .filter(|(a, b)| b > a)
                .map(|(a, b)| (a as f64 / 1e6, b as f64 / 1e6))
                .collect(),
            slots: self.max_executed,
            safety: Safety {
                ok: violations.is_empty(),
                violations,
            },
            trace_hash: self.trace.hash_hex(),
            sim: SimStats {
                events: self.events,
                message_events: m.message_events,
                wall_ms: self.wall_ms,
                events_per_sec: if self.wall_ms > 0.0 {
                    self.events as f64 / (self.wall_ms / 1e3)
                } else {
                    0.0
                },
                simulated_ms: upto as f64 / 1e6,
            },
            timeline: m.timeline(upto),
            latency_cdf: m.cdf(),
        }
    }

    // ----- internals -----

    fn finish(&mut self) {
        if !self.done {
            self.done = true;
            if !self.completion_target_met() {
                self.now = self.end;
            }
        }
    }

    fn completion_target_met(&self) -> bool {
        self.scenario
            .workload
            .requests
            .is_some_and(|r| self.completed_total >= r)
    }

    #[inline]
    fn schedule(&mut self, at: Time, ev: Ev) {
        self.seq += 1;
        self.queue.push(Scheduled {
            time: at,
            key: CLASS_OTHER | self.seq,
            ev,
        });
    }

    fn exp_gap(&mut self, rate: f64) -> Time {
        let gap = self.rng.exp1() / rate * 1e9;
        self.now + (gap.min(3.6e12) as Time).max(1)
    }

    fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::Deliver { slot } => self.deliver(slot),
            Ev::CpuDone { node, epoch } => {
                let sn = &mut self.nodes[node as usize];
                if sn.epoch != epoch || sn.crashed {
                    return;
                }
                sn.cpu_pending = false;
                let Some(mut w) = sn.inbox.pop_front() else {
                    return;
                };
                loop {
                    self.process(node as usize, w);
                    let sn = &mut self.nodes[node as usize];
                    if sn.inbox.is_empty() || sn.crashed || self.done {
                        break;
                    }
                    let at = sn.busy_until;
                    // Fast path: if the CPU frees up strictly before anything else happens, the
                    // CpuDone event would be the next one popped anyway; handle the next message
                    // now instead of a round trip through the heap. Same run, fewer heap ops.
                    let next = self.queue.peek().map_or(Time::MAX, |e| e.time);
                    if at < next && at <= self.horizon {
                        w = sn.inbox.pop_front().expect("inbox is not empty");
                        self.now = at;
                        self.metrics.advance(at);
                        self.events += 1;
                        continue;
                    }
                    sn.cpu_pending = true;
                    let epoch = sn.epoch;
                    self.schedule(at, Ev::CpuDone { node, epoch });
                    break;
                }
            }
            Ev::Timer { node, timer, gen } => {
                let sn = &self.nodes[node as usize];
                if sn.crashed || sn.timer_gen[timer.index()] != gen {
                    return;
                }
                self.trace.timer(self.now, node, timer);
                self.enqueue(node as usize, Work::Timer(timer));
            }
            Ev::ClientIssue { client } => self.issue(client),
            Ev::ClientTimeout { client } => self.client_timeout(client),
            Ev::ClientRetry { client, seq } => self.client_resend(client, seq, None),
            Ev::Arrival => {
                let k = self.clients.len() as u32;
                if k > 0 {
                    let c = self.arrival_rr % k;
                    self.arrival_rr = self.arrival_rr.wrapping_add(1);
                    let in_flight = self.issued_total - self.completed_total;
                    if self.clients[c as usize].pending.len() < OPEN_LOOP_PENDING_CAP
                        && in_flight < OPEN_LOOP_TOTAL_CAP
                    {
                        self.issue(c);
                    }
                    if let Some(rate) = self.scenario.workload.rate {
                        if !self.issue_limit_reached() {
                            let at = self.exp_gap(rate);
                            self.schedule(at, Ev::Arrival);
                        }
                    }
                }
            }
            Ev::Fault { idx } => self.apply_fault(idx as usize),
        }
    }

    fn issue_limit_reached(&self) -> bool {
        self.scenario
            .workload
            .requests
            .is_some_and(|r| self.issued_total >= r)
    }

    /// A message arrives at a node: handle it now if the CPU is idle, else queue it.
    #[inline]
    fn enqueue(&mut self, node: usize, w: Work) {
        let now = self.now;
        let sn = &mut self.nodes[node];
        if sn.inbox.is_empty() && sn.busy_until <= now {
            self.process(node, w);
        } else {
            sn.inbox.push_back(w);
            if !sn.cpu_pending {
                sn.cpu_pending = true;
                let (at, epoch) = (sn.busy_until.max(now), sn.epoch);
                self.schedule(
                    at,
                    Ev::CpuDone {
                        node: node as NodeId,
                        epoch,
                    },
                );
            }
        }
    }

    fn process(&mut self, node: usize, w: Work) {
        let now = self.now;
        let slow = self.nodes[node].slow;
        let recv_cost = match w {
            Work::Timer(_) => 0,
            _ => {
                self.metrics.received[node] += 1;
                scale(self.scenario.cpu.per_recv.0, slow)
            }
        };
        let input = match w {
            Work::Msg { from, msg } => Input::Message { from, msg },
            Work::Request { client, cmd } => Input::Request { client, cmd },
            Work::Timer(t) => Input::Timer(t),
        };
        let mut out = std::mem::take(&mut self.out);
        self.nodes[node].node.handle(now, input, &mut out);
        let busy_end = self.apply_outputs(node, now, recv_cost, &mut out);
        self.out = out;
        let sn = &mut self.nodes[node];
        sn.busy_until = busy_end;
        self.metrics.busy(node, now, busy_end - now);
    }

    /// Carries out a node's outputs; sends leave one by one after the receive cost. Returns
    /// when the CPU is free again.
    fn apply_outputs(
        &mut self,
        node: usize,
        now: Time,
        recv_cost: Time,
        out: &mut Vec<Output>,
    ) -> Time {
        let send_cost = scale(self.scenario.cpu.per_send.0, self.nodes[node].slow);
        let mut t = now + recv_cost;
        let id = node as NodeId;
        for o in out.drain(..) {
            match o {
                Output::Send { to, msg } => {
                    t += send_cost;
                    self.metrics.sent(node);
                    let kind = msg.kind();
                    self.transmit(
                        Endpoint::Node(id),
                        Endpoint::Node(to),
                        kind,
                        Payload::Node(msg),
                        t,
                    );
                }
                Output::Reply { client, reply } => {
                    t += send_cost;
                    self.metrics.sent(node);
                    self.transmit(
                        Endpoint::Node(id),
                        Endpoint::Client(client),
                        MsgKind::Reply,
                        Payload::Reply(reply),
                        t,
                    );
                }
                Output::SetTimer {
                    timer,
                    after,
                    jitter,
                } => {
                    let extra = if jitter > 0 {
                        self.rng.below(jitter)
                    } else {
                        0
                    };
                    let sn = &mut self.nodes[node];
                    sn.timer_gen[timer.index()] = sn.timer_gen[timer.index()].wrapping_add(1);
                    let gen = sn.timer_gen[timer.index()];
                    self.schedule(
                        now + after + extra,
                        Ev::Timer {
                            node: id,
                            timer,
                            gen,
                        },
                    );
                }
                Output::Decided { slot, value } => {
                    self.trace.decide(now, id, slot, value.fingerprint());
                    self.checker.decide(now, id, slot, &value);
                    self.max_executed = self.max_executed.max(slot + 1);
                }
                Output::SnapshotInstalled { upto, digest } => {
                    self.trace.fault(
                        now,
                        format!("node {id} installed a snapshot up to slot {upto}"),
                    );
                    self.checker.snapshot(now, id, upto, digest);
                }
                Output::Event(e) => self.on_event(id, now, e),
            }
        }
        t
    }

    fn on_event(&mut self, id: NodeId, now: Time, e: Event) {
        match e {
            Event::ElectionStarted { ballot } => self.trace.campaign(now, id, ballot),
            Event::Elected { ballot, quorum } => {
                self.trace.elected(now, id, ballot, quorum);
                self.metrics.elections += 1;
                self.last_quorum = Some(QuorumMark {
                    phase: fpaxos::Phase::One,
                    quorum,
                    leader: id,
                    at: now,
                });
                self.recount_leaders();
            }
            Event::SteppedDown { .. } => {
                self.trace.step_down(now, id);
                self.recount_leaders();
            }
            Event::Chosen {
                slot,
                quorum,
                fingerprint,
                ..
            } => {
                self.checker.chosen(now, id, slot, fingerprint);
                self.trace.chosen(now, id, slot, quorum);
                self.last_quorum = Some(QuorumMark {
                    phase: fpaxos::Phase::Two,
                    quorum,
                    leader: id,
                    at: now,
                });
            }
        }
    }

    fn recount_leaders(&mut self) {
        let alive = self
            .nodes
            .iter()
            .filter(|s| !s.crashed && s.node.role() == Role::Leader)
            .count() as u32;
        let now = self.now;
        if alive == 0 && self.leaderless_since.is_none() {
            self.leaderless_since = Some(now);
        } else if alive > 0 {
            if let Some(since) = self.leaderless_since.take() {
                self.metrics.leaderless += now.saturating_sub(since);
                if self.metrics.leaderless_intervals.len() < 1000 {
                    self.metrics.leaderless_intervals.push((since, now));
                }
            }
        }
    }

    #[inline]
    fn alloc_flight(&mut self, f: InFlight) -> u32 {
        if let Some(i) = self.free_flights.pop() {
            self.flights[i as usize] = Some(f);
            i
        } else {
            self.flights.push(Some(f));
            (self.flights.len() - 1) as u32
        }
    }

    /// Records a message the network loses at send time (it gets an id but never arrives).
    fn trace_lost(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        kind: MsgKind,
        slot: Option<Slot>,
        at: Time,
        reason: DropReason,
    ) {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        self.trace
            .send(self.now, id, from, to, kind, slot, at, Some(reason));
    }

    fn transmit(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        kind: MsgKind,
        payload: Payload,
        depart: Time,
    ) {
        self.metrics.by_kind[kind as usize] += 1;
        self.metrics.message_events += 1;
        let slot = msg_slot(&payload);
        let copies = match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => {
                if self.link_blocked(a, b) {
                    self.trace_lost(from, to, kind, slot, depart, DropReason::Partition);
                    return;
                }
                if self.rng.chance(self.scenario.network.loss) {
                    let lat = self
                        .rng
                        .latency(&self.links[a as usize * self.n + b as usize]);
                    self.trace_lost(from, to, kind, slot, depart + lat, DropReason::Loss);
                    return;
                }
                if self.rng.chance(self.scenario.network.duplicate) {
                    2
                } else {
                    1
                }
            }
            (Endpoint::Client(c), Endpoint::Node(b)) | (Endpoint::Node(b), Endpoint::Client(c)) => {
                // A client sits beside its home node: partitions cut it off like that node.
                let home = (c as usize % self.n) as NodeId;
                if home != b && self.blocked_partition[home as usize] >> b & 1 == 1 {
                    self.trace_lost(from, to, kind, slot, depart, DropReason::Partition);
                    return;
                }
                1
            }
            _ => 1,
        };
        let bytes = if self.scenario.network.bandwidth_mbps.is_some() {
            match &payload {
                Payload::Node(m) => m.wire_bytes(self.scenario.workload.command_bytes),
                _ => 24 + self.scenario.workload.command_bytes,
            }
        } else {
            0
        };
        let mut payload = Some(payload);
        for copy in 0..copies {
            let lat = match (from, to) {
                (Endpoint::Node(a), Endpoint::Node(b)) => {
                    let link = a as usize * self.n + b as usize;
                    let mut queued = 0;
                    if let Some(mbps) = self.scenario.network.bandwidth_mbps {
                        let tx = (bytes as f64 * 8.0 / (mbps * 1e6) * 1e9) as Time;
                        let lf = &mut self.link_free[link];
                        let start = (*lf).max(depart);
                        *lf = start + tx;
                        queued = start + tx - depart;
                    }
                    queued + self.rng.latency(&self.links[link])
                }
                _ => self.rng.latency(&self.scenario.network.client_latency),
            };
            let id = self.next_msg_id;
            self.next_msg_id += 1;
            let deliver_at = depart + lat;
            self.trace
                .send(self.now, id, from, to, kind, slot, deliver_at, None);
            let payload = if copy + 1 == copies {
                payload.take()
            } else {
                payload.clone()
            };
            let Some(payload) = payload else { return };
            let f = InFlight {
                id,
                from,
                to,
                kind,
                sent_at: self.now,
                deliver_at,
                payload,
            };
            let idx = self.alloc_flight(f);
            self.schedule(deliver_at, Ev::Deliver { slot: idx });
        }
    }

    fn deliver(&mut self, slot: u32) {
        let Some(f) = self.flights[slot as usize].take() else {
            return; // dropped by hand
        };
        self.free_flights.push(slot);
        self.metrics.message_events += 1;
        match f.to {
            Endpoint::Node(n) => {
                if self.nodes[n as usize].crashed {
                    self.trace.drop_msg(self.now, f.id, DropReason::Crashed);
                    return;
                }
                let w = match f.payload {
                    Payload::Node(msg) => {
                        let Endpoint::Node(from) = f.from else { return };
                        Work::Msg { from, msg }
                    }
                    Payload::Request(cmd) => Work::Request {
                        client: cmd.client,
                        cmd,
                    },
                    Payload::Reply(_) => return,
                };
                self.enqueue(n as usize, w);
            }
            Endpoint::Client(c) => {
                let Payload::Reply(reply) = f.payload else {
                    return;
                };
                let from = match f.from {
                    Endpoint::Node(n) => n,
                    Endpoint::Client(_) => return,
                };
                self.client_reply(c, from, reply);
            }
        }
    }

    // ----- clients -----

    fn issue(&mut self, client: u32) {
        if self.issue_limit_reached() {
            return;
        }
        let now = self.now;
        let cl = &mut self.clients[client as usize];
        let seq = cl.next_seq;
        cl.next_seq += 1;
        let target = cl.target;
        cl.pending.push(Pending {
            seq,
            first_sent: now,
            last_sent: now,
            target,
        });
        let arm = !cl.timeout_armed;
        cl.timeout_armed = true;
        self.issued_total += 1;
        self.checker.issued(client, seq);
        let cmd = Command { client, seq };
        self.transmit(
            Endpoint::Client(client),
            Endpoint::Node(target),
            MsgKind::Request,
            Payload::Request(cmd),
            now,
        );
        if arm {
            let at = now + self.scenario.workload.timeout.0;
            self.schedule(at, Ev::ClientTimeout { client });
        }
    }

    fn client_reply(&mut self, client: u32, from: NodeId, reply: ClientReply) {
        let now = self.now;
        match reply {
            ClientReply::Done(cmd) => {
                let cl = &mut self.clients[client as usize];
                let Some(pos) = cl.pending.iter().position(|p| p.seq == cmd.seq) else {
                    return; // duplicate reply
                };
                let p = cl.pending.swap_remove(pos);
                self.completed_total += 1;
                self.metrics.completion(now, now - p.first_sent);
                cl.target = from;
                if self.completion_target_met() {
                    self.done = true;
                    return;
                }
                if self.scenario.workload.rate.is_none() {
                    let think = self.scenario.workload.think.0;
                    if think == 0 {
                        self.issue(client);
                    } else {
                        self.schedule(now + think, Ev::ClientIssue { client });
                    }
                }
            }
            ClientReply::Redirect { cmd, leader } => {
                let n = self.n as NodeId;
                match leader {
                    Some(l) if l != from => self.client_resend(client, cmd.seq, Some(l)),
                    _ => {
                        let cl = &mut self.clients[client as usize];
                        cl.target = (from + 1) % n;
                        let backoff = self.scenario.cluster.heartbeat.0;
                        self.schedule(
                            now + backoff,
                            Ev::ClientRetry {
                                client,
                                seq: cmd.seq,
                            },
                        );
                    }
                }
            }
        }
    }

    fn client_resend(&mut self, client: u32, seq: u32, target: Option<NodeId>) {
        let now = self.now;
        let cl = &mut self.clients[client as usize];
        if let Some(t) = target {
            cl.target = t;
        }
        let target = cl.target;
        let Some(p) = cl.pending.iter_mut().find(|p| p.seq == seq) else {
            return;
        };
        p.last_sent = now;
        p.target = target;
        self.transmit(
            Endpoint::Client(client),
            Endpoint::Node(target),
            MsgKind::Request,
            Payload::Request(Command { client, seq }),
            now,
        );
    }

    fn client_timeout(&mut self, client: u32) {
        let now = self.now;
        let timeout = self.scenario.workload.timeout.0;
        let n = self.n as NodeId;
        let cl = &mut self.clients[client as usize];
        let mut resend = Vec::new();
        let mut next: Option<Time> = None;
        for p in cl.pending.iter_mut() {
            if p.last_sent + timeout <= now {
                p.target = (p.target + 1) % n;
                p.last_sent = now;
                resend.push((p.seq, p.target));
            }
            let due = p.last_sent + timeout;
            next = Some(next.map_or(due, |x: Time| x.min(due)));
        }
        if let Some((_, t)) = resend.last() {
            cl.target = *t;
        }
        cl.timeout_armed = next.is_some();
        for (seq, target) in resend {
            self.transmit(
                Endpoint::Client(client),
                Endpoint::Node(target),
                MsgKind::Request,
                Payload::Request(Command { client, seq }),
                now,
            );
        }
        if let Some(at) = next {
            self.schedule(at, Ev::ClientTimeout { client });
        }
    }

    // ----- faults -----

    fn apply_fault(&mut self, idx: usize) {
        let Some(f) = self.scenario.faults.get(idx).cloned() else {
            return;
        };
        let now = self.now;
        self.trace.fault(now, f.action.describe());
        let n = self.n;
        match f.action {
            FaultAction::Crash { node } => {
                let sn = &mut self.nodes[node as usize];
                if !sn.crashed {
                    sn.crashed = true;
                    sn.epoch += 1;
                    sn.inbox.clear();
                    sn.cpu_pending = false;
                    for g in sn.timer_gen.iter_mut() {
                        *g = g.wrapping_add(1);
                    }
                    self.recount_leaders();
                }
            }
            FaultAction::Recover { node } => {
                let i = node as usize;
                if self.nodes[i].crashed {
                    let sn = &mut self.nodes[i];
                    sn.crashed = false;
                    sn.epoch += 1;
                    sn.busy_until = now;
                    let mut out = std::mem::take(&mut self.out);
                    self.nodes[i].node.recover(now, &mut out);
                    let end = self.apply_outputs(i, now, 0, &mut out);
                    self.out = out;
                    self.nodes[i].busy_until = end;
                    self.recount_leaders();
                }
            }
            FaultAction::Partition { groups } => {
                let mut group = vec![usize::MAX; n];
                for (gi, g) in groups.iter().enumerate() {
                    for node in g {
                        group[*node as usize] = gi;
                    }
                }
                for a in 0..n {
                    let mut mask = 0u64;
                    for b in 0..n {
                        if a != b && (group[a] != group[b] || group[a] == usize::MAX) {
                            mask |= 1 << b;
                        }
                    }
                    self.blocked_partition[a] = mask;
                }
            }
            FaultAction::Heal => {
                self.blocked_partition.iter_mut().for_each(|m| *m = 0);
                self.blocked_cut.iter_mut().for_each(|m| *m = 0);
            }
            FaultAction::CutLink { from, to, both } => {
                self.blocked_cut[from as usize] |= 1 << to;
                if both {
                    self.blocked_cut[to as usize] |= 1 << from;
                }
            }
            FaultAction::RestoreLink { from, to, both } => {
                self.blocked_cut[from as usize] &= !(1 << to);
                if both {
                    self.blocked_cut[to as usize] &= !(1 << from);
                }
            }
            FaultAction::Slow { node, factor } => self.nodes[node as usize].slow = factor,
            FaultAction::DropMessage { id } => {
                if let Some(pos) = self
                    .flights
                    .iter()
                    .position(|f| f.as_ref().is_some_and(|f| f.id == id))
                {
                    self.flights[pos] = None;
                    self.free_flights.push(pos as u32);
                    self.trace.drop_msg(now, id, DropReason::Manual);
                }
            }
        }
    }
}

fn scale(cost: Time, factor: f64) -> Time {
    if factor == 1.0 {
        cost
    } else {
        (cost as f64 * factor) as Time
    }
}

fn msg_slot(p: &Payload) -> Option<Slot> {
    match p {
        Payload::Node(m) => m.slot(),
        _ => None,
    }
}

/// Resolves the latency model of every directed node pair.
fn link_table(s: &Scenario) -> Vec<Latency> {
    let n = s.cluster.nodes as usize;
    let net = &s.network;
    let mut t = vec![net.latency.clone(); n * n];
    if let Some(r) = &net.regions {
        for a in 0..n {
            for b in 0..n {
                t[a * n + b] = if r.of_node[a] == r.of_node[b] {
                    r.local.clone()
                } else {
                    r.remote.clone()
                };
            }
        }
    }
    if let Some(m) = &net.matrix {
        for a in 0..n {
            for b in 0..n {
                t[a * n + b] = Latency::Const { value: m[a][b] };
            }
        }
    }
    for l in &net.links {
        let (a, b) = (l.from as usize, l.to as usize);
        t[a * n + b] = l.latency.clone();
        if l.both {
            t[b * n + a] = l.latency.clone();
        }
    }
    t
}

/// Runs a scenario to the end.
pub fn run(scenario: &Scenario) -> Result<Report, ScenarioErrors> {
    Ok(Sim::new(scenario)?.run_to_end())
}
