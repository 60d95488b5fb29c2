//! [`SimAt`]: what the cluster views draw of a simulation at a moment, as data. The page's
//! cluster view, its animation export and the compare panel's rings all draw from one, never
//! from a live [`Sim`]; a worker's answer carries one across (`Job::ClusterAt`,
//! `Job::Variant`). So a view cannot show a run ahead of the time the page shows, and a run
//! that moves to a worker changes what sends the snapshot, not what draws it.

use fpaxos::{MsgKind, NodeId, NodeSet, Phase, Role, Slot, Time};
use fpaxos_sim::{Endpoint, FlightView, NodeView, QuorumMark, Sim};
use serde::{Deserialize, Serialize};

/// Most messages in flight the page's cluster view (and its animation export) draws.
pub(crate) const DRAWN_FLIGHTS: usize = 400;

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

/// The latest quorum, as [`QuorumMark`] with the phase and set as data.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct QuorumAt {
    phase_one: bool,
    quorum: u64,
    leader: NodeId,
    at: Time,
}

/// A cut link between two nodes `a < b`: which directions are blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CutLink {
    /// The lower node.
    pub(crate) a: NodeId,
    /// The higher node.
    pub(crate) b: NodeId,
    /// Messages from `a` to `b` are blocked.
    pub(crate) ab: bool,
    /// Messages from `b` to `a` are blocked.
    pub(crate) ba: bool,
}

impl CutLink {
    /// Blocked one way only.
    pub(crate) fn one_way(&self) -> bool {
        self.ab != self.ba
    }
}

/// A snapshot of a simulation for drawing: the same reads as [`Sim::now`],
/// [`Sim::node_views`], [`Sim::in_flight`] (the first `max_flights` messages, and how many
/// there are), [`Sim::last_quorum`] and [`Sim::link_blocked`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct SimAt {
    now: Time,
    nodes: Vec<NodeAt>,
    flights: Vec<FlightAt>,
    flights_total: u64,
    quorum: Option<QuorumAt>,
    cut: Vec<CutLink>,
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
    /// Takes the snapshot, keeping at most `max_flights` messages in flight.
    pub(crate) fn of(sim: &Sim, max_flights: usize) -> SimAt {
        let nodes: Vec<NodeAt> = sim
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
        let mut flights = Vec::new();
        let mut flights_total = 0u64;
        for f in sim.in_flight() {
            flights_total += 1;
            if flights.len() < max_flights {
                flights.push(FlightAt {
                    id: f.id,
                    from: endpoint_to(f.from),
                    to: endpoint_to(f.to),
                    kind: f.kind,
                    sent_at: f.sent_at,
                    deliver_at: f.deliver_at,
                });
            }
        }
        let n = nodes.len();
        let mut cut = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                let (a, b) = (a as NodeId, b as NodeId);
                let (ab, ba) = (sim.link_blocked(a, b), sim.link_blocked(b, a));
                if ab || ba {
                    cut.push(CutLink { a, b, ab, ba });
                }
            }
        }
        SimAt {
            now: sim.now(),
            nodes,
            flights,
            flights_total,
            quorum: sim.last_quorum().map(|q| QuorumAt {
                phase_one: q.phase == Phase::One,
                quorum: q.quorum.0,
                leader: q.leader,
                at: q.at,
            }),
            cut,
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

    /// Whether node `n` is down (false for a node the snapshot does not have).
    pub(crate) fn crashed(&self, n: NodeId) -> bool {
        self.nodes.get(n as usize).is_some_and(|v| v.crashed)
    }

    /// The messages in flight kept, first first, as [`Sim::in_flight`] gave them.
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

    /// Messages in flight that the snapshot does not keep.
    pub(crate) fn flights_not_kept(&self) -> u64 {
        self.flights_total - self.flights.len() as u64
    }

    /// The latest quorum that completed a phase.
    pub(crate) fn last_quorum(&self) -> Option<QuorumMark> {
        self.quorum.map(|q| QuorumMark {
            phase: if q.phase_one { Phase::One } else { Phase::Two },
            quorum: NodeSet(q.quorum),
            leader: q.leader,
            at: q.at,
        })
    }

    /// The links cut in at least one direction, in node order.
    pub(crate) fn cut_links(&self) -> &[CutLink] {
        &self.cut
    }

    /// Whether the link between `a` and `b` is cut in either direction.
    pub(crate) fn link_cut(&self, a: NodeId, b: NodeId) -> bool {
        let (a, b) = (a.min(b), a.max(b));
        self.cut.iter().any(|c| c.a == a && c.b == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::job::run_to;
    use fpaxos_sim::{Dur, Fault, FaultAction, Scenario};

    #[test]
    fn a_snapshot_reads_like_the_sim() {
        let mut s = crate::presets::by_id("basics").expect("preset").scenario;
        s.faults.push(Fault {
            at: Dur::ms(900),
            action: FaultAction::CutLink {
                from: 2,
                to: 0,
                both: false,
            },
        });
        s.faults.push(Fault {
            at: Dur::ms(1000),
            action: FaultAction::Crash { node: 1 },
        });
        let mut sim = Sim::new(s.check().expect("valid"));
        run_to(&mut sim, 1_234_567_890);
        let at = SimAt::of(&sim, 3);
        assert_eq!(at.now(), sim.now());
        assert_eq!(at.node_views(), sim.node_views());
        let all: Vec<FlightView> = sim.in_flight().collect();
        assert!(all.len() > 3, "{}", all.len());
        assert_eq!(at.in_flight().collect::<Vec<_>>(), all[..3]);
        assert_eq!(at.flights_not_kept(), all.len() as u64 - 3);
        assert!(sim.last_quorum().is_some());
        assert_eq!(at.last_quorum(), sim.last_quorum());
        assert_eq!(
            at.cut_links(),
            [CutLink {
                a: 0,
                b: 2,
                ab: false,
                ba: true
            }]
        );
        assert!(at.cut_links()[0].one_way());
        assert!(at.link_cut(2, 0) && at.link_cut(0, 2) && !at.link_cut(0, 1));
        assert!(at.crashed(1) && !at.crashed(0) && !at.crashed(9));
        let everything = SimAt::of(&sim, usize::MAX);
        assert_eq!(everything.in_flight().count(), all.len());
        assert_eq!(everything.flights_not_kept(), 0);
    }

    #[test]
    fn a_snapshot_of_a_new_run_has_no_quorum_and_no_cut() {
        let s = Scenario::default();
        let sim = Sim::new(s.check().expect("valid"));
        let at = SimAt::of(&sim, DRAWN_FLIGHTS);
        assert_eq!(at.now(), 0);
        assert_eq!(at.node_views().len(), s.cluster.nodes as usize);
        assert_eq!(at.in_flight().count(), sim.in_flight().count());
        assert_eq!(at.last_quorum(), None);
        assert!(at.cut_links().is_empty());
    }
}
