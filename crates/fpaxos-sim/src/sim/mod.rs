//! The discrete-event simulator: it owns time, the seeded RNG, the network, node CPUs, clients and
//! faults, and drives [`fpaxos::Node`]s through their sans-IO interface.
//!
//! Events are ordered by `(time, class, sequence number)`: faults come before anything else at the
//! same instant, and ties otherwise break by insertion order. Nothing depends on wall-clock time,
//! hash-map iteration order or the platform, so one scenario gives one run everywhere.

mod clients;
mod cpu;
mod faults;
mod network;
mod schedule;
mod view;

pub use view::{FlightView, NodeView, QuorumMark};

use crate::checker::Checker;
use crate::coverage::CoverageMonitor;
use crate::liveness::{Bound, Monitor, Topology};
use crate::report::{Metrics, Report, RunEnd};
use crate::rng::Rng;
use crate::scenario::{Checked, Latency, Scenario, ScenarioErrors};
use crate::trace::Trace;
use clients::Client;
use cpu::SimNode;
use fpaxos::{
    Config, Node, NodeId, NodeSet, Output, PlantedBug, QuorumSystem, Role, Slot, Time, Timer,
};
use network::InFlight;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

/// Class bit in the event key: faults sort before every other event at the same time.
const CLASS_OTHER: u64 = 1 << 63;

/// A scheduled event.
#[derive(Clone, Copy, Debug)]
enum Ev {
    /// A message arrives; `flight` indexes the flight table.
    Deliver {
        flight: u32,
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
        /// A `u16` keeps `Ev` at 8 bytes and a queued event at 24; validation caps clients
        /// below that (checked at compile time below).
        client: u16,
        seq: u32,
    },
    Arrival,
    Fault {
        idx: u32,
    },
    /// Step `idx` of the scenario's schedule (schedule mode only).
    Step {
        idx: u32,
    },
}

const _: () = assert!(crate::scenario::limits::CLIENTS.max <= u16::MAX as u32);

/// An event in the queue, ordered by `(time, key)`; `key` holds the class bit and sequence number.
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
        // Reversed: BinaryHeap is a max-heap and we want the earliest event first. One 128-bit
        // comparison instead of two branches on 64-bit ones.
        let rank = |s: &Scheduled| (s.time as u128) << 64 | s.key as u128;
        rank(o).cmp(&rank(self))
    }
}

/// How far [`Sim::run_until_budget`] got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The run is over (its end time passed or the request target was met): nothing more will
    /// happen.
    pub ended: bool,
    /// Every event at or before the goal has been handled and the clock stands at the goal
    /// (also true once the run is over). False when the budget ran out first.
    pub reached: bool,
}

impl Progress {
    const ENDED: Progress = Progress {
        ended: true,
        reached: true,
    };
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
    /// Node-to-node loss probability now (`network.loss`, changed by `loss` faults).
    loss: f64,
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
    /// The liveness monitor (observes only).
    live: Monitor,
    /// Coverage counts (observe only).
    coverage: CoverageMonitor,
    events: u64,
    last_quorum: Option<QuorumMark>,
    done: bool,
    /// Events up to this time may be handled without a round trip through the heap.
    horizon: Time,
    max_executed: Slot,
    /// Schedule mode: the replay of the scenario's explicit schedule (`None` otherwise).
    replay: Option<Box<schedule::Replay>>,
}

impl Sim {
    /// Sets up a run of a checked scenario at time 0. Taking a [`Checked`] means the scenario
    /// was validated and its quorum system built exactly once, by [`Scenario::check`].
    pub fn new(checked: Checked) -> Sim {
        Sim::with_planted(checked, None)
    }

    /// Like [`Sim::new`], with a known bug planted in every node: for proving that the safety
    /// and liveness checkers catch it (`fpaxos check --plant`).
    pub fn with_planted(checked: Checked, planted: Option<PlantedBug>) -> Sim {
        if checked.schedule.is_some() {
            return Sim::scheduled(checked, planted);
        }
        Sim::build(checked, planted, None)
    }

    /// Sets up a run; with `replay`, one in schedule mode (see `schedule.rs`): every timeout
    /// is zero and no node bootstraps, since the schedule says when each timer fires.
    fn build(
        checked: Checked,
        planted: Option<PlantedBug>,
        replay: Option<Box<schedule::Replay>>,
    ) -> Sim {
        let (s, quorums) = checked.into_parts();
        let n = s.cluster.nodes as usize;
        let c = &s.cluster;
        let timeout = |d: crate::dur::Dur| if replay.is_some() { 0 } else { d.0 };
        let nodes = (0..n)
            .map(|i| SimNode {
                node: Node::new(Config {
                    id: i as NodeId,
                    quorums: Arc::clone(&quorums),
                    thrifty: c.thrifty,
                    window: c.window,
                    batch: c.batch,
                    heartbeat: timeout(c.heartbeat),
                    election_timeout: timeout(c.election_timeout),
                    retransmit: timeout(c.retransmit),
                    commit_batch: c.commit_batch,
                    log_retain: c.log_retain as u64,
                    bootstrap: replay.is_none() && c.initial_leader == Some(i as u32),
                    check_quorum: c.check_quorum,
                    pre_vote: c.pre_vote,
                    sessions: c.sessions,
                    planted,
                }),
                crashed: false,
                epoch: 0,
                busy_until: 0,
                cpu_pending: false,
                inbox: VecDeque::new(),
                timer_gen: [0; Timer::COUNT],
                slow: 1.0,
                slow_until: 0,
            })
            .collect();
        let links = s.network.link_latencies(n);
        let live = Monitor::new(n, Bound::new(&s), Arc::clone(&quorums));
        let coverage = CoverageMonitor::new(n, quorums.smallest(fpaxos::Phase::Two));
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
            loss: s.network.loss,
            link_free: vec![0; n * n],
            flights: Vec::new(),
            free_flights: Vec::new(),
            next_msg_id: 0,
            clients: (0..clients)
                .map(|i| {
                    let target = if c.initial_leader.is_some() {
                        first_target
                    } else {
                        (i % n) as NodeId
                    };
                    let w = &s.workload;
                    Client::new(target, w.timeout.0, w.rate.is_some() || w.outstanding > 4)
                })
                .collect(),
            issued_total: 0,
            completed_total: 0,
            arrival_rr: 0,
            out: Vec::with_capacity(64),
            checker: if c.sessions {
                Checker::new(n, clients).with_sessions()
            } else {
                Checker::new(n, clients)
            },
            trace: Trace::new(s.metrics.trace_capacity as usize),
            metrics: Metrics::new(n, s.warmup.0, s.metrics.bucket.0, s.duration.0),
            live,
            coverage,
            events: 0,
            last_quorum: None,
            done: false,
            horizon: 0,
            max_executed: 0,
            replay,
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
        let topo = topology(
            0,
            &sim.nodes,
            &sim.blocked_partition,
            &sim.blocked_cut,
            sim.loss,
        );
        sim.live.observe(0, &topo);
        if sim.replay.is_some() {
            sim.start_replay();
            return sim;
        }
        for i in 0..n {
            let mut out = sim.lend_out();
            sim.nodes[i].node.start(0, &mut out);
            sim.apply_outputs(i, 0, 0, &mut out);
            sim.return_out(out);
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
        sim
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

    /// Handles the next event: the smallest step, for stepping through a run by hand. Returns
    /// false once the run is over.
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
        !self.done
    }

    /// Handles the events at or before `goal` (capped at the end), at most `budget` of them, and
    /// moves the clock to `goal` once they are done. For playing a run in slices, e.g. one per
    /// animation frame; slices of any size give the same run as [`Sim::run_to_end`].
    pub fn run_until_budget(&mut self, goal: Time, budget: u64) -> Progress {
        let t = goal.min(self.end);
        self.horizon = t;
        for _ in 0..budget {
            match self.queue.peek() {
                Some(top) if top.time <= t => {
                    if !self.step() {
                        return Progress::ENDED;
                    }
                }
                _ => {
                    if t >= self.end {
                        self.finish();
                        return Progress::ENDED;
                    }
                    self.now = self.now.max(t);
                    return Progress {
                        ended: false,
                        reached: true,
                    };
                }
            }
        }
        Progress {
            ended: self.done,
            reached: false,
        }
    }

    /// Runs to the end and returns the report.
    pub fn run_to_end(&mut self) -> Report {
        self.horizon = self.end;
        while self.step() {}
        self.report()
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

    /// The liveness bound of this run's scenario.
    pub fn liveness_bound(&self) -> &Bound {
        self.live.bound()
    }

    /// When a client last got a reply to a pending request (none yet: `None`).
    pub fn last_completion(&self) -> Option<Time> {
        self.live.last_completion()
    }

    /// The report for the run so far.
    pub fn report(&self) -> Report {
        self.metrics.finish(RunEnd {
            scenario: &self.scenario,
            checker: &self.checker,
            trace: &self.trace,
            upto: self.now.min(self.end),
            events: self.events,
            completed_total: self.completed_total,
            slots: self.max_executed,
            liveness: self.live.finish(self.now.min(self.end)),
            bound: self.live.bound(),
            coverage: self.coverage.counts,
            schedule_error: self.replay.as_ref().and_then(|r| r.error.clone()),
        })
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

    /// Lends the output buffer, for a node to write its outputs into while the simulator is
    /// borrowed too; [`Sim::return_out`] takes it back. (A helper that lends it to a closure
    /// cost 1 % of the bench: the closure moves the node's input.)
    #[inline(always)]
    fn lend_out(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.out)
    }

    /// Takes back the buffer [`Sim::lend_out`] lent. What `take` left in its place is an empty
    /// vector that holds no memory (nothing uses `self.out` meanwhile), so it is forgotten
    /// rather than dropped: its drop was an out-of-line call for every piece of work (0.9 % of
    /// the bench).
    #[inline(always)]
    fn return_out(&mut self, out: Vec<Output>) {
        let placeholder = std::mem::replace(&mut self.out, out);
        debug_assert_eq!(placeholder.capacity(), 0);
        std::mem::forget(placeholder);
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

    /// Inlined into its one caller, `step`: one call less per event.
    #[inline(always)]
    fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::Deliver { flight } => self.deliver(flight),
            Ev::CpuDone { node, epoch } => self.cpu_done(node, epoch),
            Ev::Timer { node, timer, gen } => self.timer_fired(node, timer, gen),
            Ev::ClientIssue { client } => self.issue(client),
            Ev::ClientTimeout { client } => self.client_timeout(client),
            Ev::ClientRetry { client, seq } => self.client_seek(client as u32, seq),
            Ev::Arrival => self.arrival(),
            Ev::Fault { idx } => self.apply_fault(idx as usize),
            Ev::Step { idx } => self.replay_step(idx as usize),
        }
    }

    /// Tells the metrics whether a live leader exists; called whenever a node gains or loses
    /// the lead.
    fn recount_leaders(&mut self) {
        let mut leaders = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.crashed && s.node.role() == Role::Leader)
            .map(|(i, _)| i as NodeId);
        let first = leaders.next();
        let sole = first.filter(|_| leaders.next().is_none());
        self.metrics.leaders_alive(self.now, first.is_some());
        self.metrics.sole_leader(self.now, sole);
    }
}

/// What the liveness monitor needs to know of the cluster now.
fn topology<'a>(
    now: Time,
    nodes: &[SimNode],
    partition: &'a [u64],
    cut: &'a [u64],
    loss: f64,
) -> Topology<'a> {
    let (mut up, mut slowed, mut slow_work_until) = (NodeSet::EMPTY, NodeSet::EMPTY, 0);
    for (i, sn) in nodes.iter().enumerate() {
        if !sn.crashed {
            up.insert(i as NodeId);
            if sn.slow > 1.0 {
                slowed.insert(i as NodeId);
            } else if sn.slow_until > now {
                slow_work_until = slow_work_until.max(sn.slow_until);
            }
        }
    }
    Topology {
        up,
        slowed,
        slow_work_until,
        lossy: loss > 0.0,
        partition,
        cut,
    }
}

/// Checks a scenario once and runs it to the end.
pub fn run(scenario: &Scenario) -> Result<Report, ScenarioErrors> {
    Ok(Sim::new(scenario.check()?).run_to_end())
}
