//! What a simulation worker runs: a [`Job`] in, an [`Answer`] out. Pure Rust over the engine's
//! own functions, so the same [`execute`] runs in a Web Worker, inline on the page when workers
//! are unavailable, and natively in tests.
//!
//! **Invariant**: a job's answer equals the engine's for the same input: a variant's report is
//! `fpaxos_sim::run`'s, a sweep row is `fpaxos sweep`'s ([`sweep::run_point`]), a seed's outcome
//! is [`SeedRun::run`]'s.

use super::report_de::WireReport;
use fpaxos::{MsgKind, NodeId, Role, Slot, Time};
use fpaxos_sim::sweep::availability::{Experiment, SeedOutcome, SeedRun};
use fpaxos_sim::sweep::{self, Knob, SweepRow};
use fpaxos_sim::{Endpoint, FlightView, NodeView, Scenario, Sim};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// Most messages in flight a cluster snapshot keeps (the compare panel's rings draw this many).
pub(crate) const MAX_FLIGHTS: usize = 150;

/// One unit of work for a worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum Job {
    /// Run a scenario to its end: its report and the cluster at the end.
    Variant {
        /// The scenario.
        scenario: Scenario,
    },
    /// The cluster of `scenario` at simulated time `at` (at most its end).
    ClusterAt {
        /// The scenario.
        scenario: Scenario,
        /// Simulated ns.
        at: Time,
    },
    /// One sweep point, exactly as `fpaxos sweep` runs it.
    SweepPoint {
        /// The knob swept.
        knob: Knob,
        /// The point's label.
        label: String,
        /// The point's scenario, or why it could not be built.
        point: Result<Scenario, String>,
    },
    /// Seeds `from..to` of an availability experiment over a point that passed its checks.
    Seeds {
        /// The point's scenario.
        point: Scenario,
        /// The experiment.
        exp: Experiment,
        /// First seed index.
        from: u32,
        /// One past the last seed index.
        to: u32,
    },
}

/// What a worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum Answer {
    /// A variant's run: the report, or the scenario's validation messages.
    Variant(Result<Box<(WireReport, SimAt)>, Vec<String>>),
    /// The cluster at a time (`None`: the scenario does not validate).
    ClusterAt(Option<SimAt>),
    /// A sweep row.
    SweepRow(Box<SweepRow>),
    /// The seeds' outcomes in seed order, or the first seed's error.
    Seeds(Result<Vec<SeedOutcome>, String>),
    /// The worker could not read the job (a bug: the page and worker disagree on the format).
    Failed(String),
}

/// A node at a moment, as [`NodeView`] with the role as data.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct NodeAt {
    id: NodeId,
    role: u8,
    crashed: bool,
    ballot: u64,
    executed: Slot,
    log_end: Slot,
    inbox: u64,
    slow: f64,
}

/// A message in flight, as [`FlightView`] with the endpoints as data.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct FlightAt {
    id: u64,
    from: (bool, u32),
    to: (bool, u32),
    kind: MsgKind,
    sent_at: Time,
    deliver_at: Time,
}

/// A snapshot of a simulation for drawing: the same reads as [`Sim::now`], [`Sim::node_views`]
/// and [`Sim::in_flight`] (the first [`MAX_FLIGHTS`] messages).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct SimAt {
    now: Time,
    nodes: Vec<NodeAt>,
    flights: Vec<FlightAt>,
}

fn endpoint_to(e: Endpoint) -> (bool, u32) {
    match e {
        Endpoint::Node(n) => (true, u32::from(n)),
        Endpoint::Client(c) => (false, c),
    }
}

fn endpoint_of((node, i): (bool, u32)) -> Endpoint {
    if node {
        Endpoint::Node(NodeId::try_from(i).unwrap_or(NodeId::MAX))
    } else {
        Endpoint::Client(i)
    }
}

impl SimAt {
    /// Takes the snapshot.
    pub(crate) fn of(sim: &Sim) -> SimAt {
        let nodes = sim
            .node_views()
            .into_iter()
            .map(|v| NodeAt {
                id: v.id,
                role: match v.role {
                    Role::Follower => 0,
                    Role::Candidate => 1,
                    Role::Leader => 2,
                },
                crashed: v.crashed,
                ballot: v.ballot,
                executed: v.executed,
                log_end: v.log_end,
                inbox: v.inbox as u64,
                slow: v.slow,
            })
            .collect();
        let flights = sim
            .in_flight()
            .take(MAX_FLIGHTS)
            .map(|f| FlightAt {
                id: f.id,
                from: endpoint_to(f.from),
                to: endpoint_to(f.to),
                kind: f.kind,
                sent_at: f.sent_at,
                deliver_at: f.deliver_at,
            })
            .collect();
        SimAt {
            now: sim.now(),
            nodes,
            flights,
        }
    }

    /// Simulated time of the snapshot.
    pub(crate) fn now(&self) -> Time {
        self.now
    }

    /// The nodes, as [`Sim::node_views`] gave them.
    pub(crate) fn node_views(&self) -> Vec<NodeView> {
        self.nodes
            .iter()
            .map(|n| NodeView {
                id: n.id,
                role: match n.role {
                    2 => Role::Leader,
                    1 => Role::Candidate,
                    _ => Role::Follower,
                },
                crashed: n.crashed,
                ballot: n.ballot,
                executed: n.executed,
                log_end: n.log_end,
                inbox: n.inbox as usize,
                slow: n.slow,
            })
            .collect()
    }

    /// The messages in flight, as [`Sim::in_flight`] gave them.
    pub(crate) fn in_flight(&self) -> impl Iterator<Item = FlightView> + '_ {
        self.flights.iter().map(|f| FlightView {
            id: f.id,
            from: endpoint_of(f.from),
            to: endpoint_of(f.to),
            kind: f.kind,
            sent_at: f.sent_at,
            deliver_at: f.deliver_at,
        })
    }
}

/// Runs `sim` until simulated time `at` (or its end).
fn run_to(sim: &mut Sim, at: Time) {
    while !sim.is_done() {
        let p = sim.run_until_budget(at, 1 << 20);
        if p.reached || p.ended {
            break;
        }
    }
}

thread_local! {
    /// The last simulation a `ClusterAt` job left, so moving a cursor forward continues it
    /// instead of starting over (slicing never changes a run).
    static LAST: RefCell<Option<Sim>> = const { RefCell::new(None) };
}

fn cluster_at(scenario: &Scenario, at: Time) -> Option<SimAt> {
    let checked = scenario.check().ok()?;
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        let reuse = last
            .as_ref()
            .is_some_and(|s| s.scenario() == &*checked && s.now() <= at);
        if !reuse {
            *last = Some(Sim::new(checked));
        }
        let sim = last.as_mut()?;
        run_to(sim, at);
        Some(SimAt::of(sim))
    })
}

/// Runs a job.
pub(crate) fn execute(job: Job) -> Answer {
    match job {
        Job::Variant { scenario } => Answer::Variant(match scenario.check() {
            Err(e) => Err(e.0),
            Ok(c) => {
                let mut sim = Sim::new(c);
                let report = sim.run_to_end();
                Ok(Box::new((WireReport(report), SimAt::of(&sim))))
            }
        }),
        Job::ClusterAt { scenario, at } => Answer::ClusterAt(cluster_at(&scenario, at)),
        Job::SweepPoint { knob, label, point } => {
            Answer::SweepRow(Box::new(sweep::run_point(knob, &label, &point)))
        }
        Job::Seeds {
            point,
            exp,
            from,
            to,
        } => Answer::Seeds(
            (from..to)
                .map(|i| SeedRun::new(&point, &exp, i).map(SeedRun::run))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_reads_like_the_sim() {
        let s = crate::presets::by_id("basics").expect("preset").scenario;
        let mut sim = Sim::new(s.check().expect("valid"));
        run_to(&mut sim, 1_234_567_890);
        let at = SimAt::of(&sim);
        assert_eq!(at.now(), sim.now());
        assert_eq!(at.node_views(), sim.node_views());
        let want: Vec<FlightView> = sim.in_flight().take(MAX_FLIGHTS).collect();
        assert!(!want.is_empty());
        assert_eq!(at.in_flight().collect::<Vec<_>>(), want);
        // Forward from a cached simulation equals a fresh one; backwards starts over.
        let a = cluster_at(&s, 2_000_000_000).expect("valid");
        let b = cluster_at(&s, 1_234_567_890).expect("valid");
        assert_eq!(b, at);
        let c = cluster_at(&s, 2_000_000_000).expect("valid");
        assert_eq!(a, c);
    }

    #[test]
    fn answers_equal_the_engine() {
        let s = Scenario::default();
        let Answer::Variant(Ok(done)) = execute(Job::Variant {
            scenario: s.clone(),
        }) else {
            panic!("runs")
        };
        let (r, end) = *done;
        assert_eq!(r.0, fpaxos_sim::run(&s).expect("runs"));
        assert_eq!(end.now(), s.duration.0);
        let mut bad = s.clone();
        bad.cluster.nodes = 0;
        assert!(matches!(
            execute(Job::Variant { scenario: bad }),
            Answer::Variant(Err(_))
        ));
    }
}
