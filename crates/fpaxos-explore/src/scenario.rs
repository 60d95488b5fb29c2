//! A counterexample as a scenario: the trace becomes the scenario's explicit schedule
//! (`fpaxos_sim::Schedule`), which the simulator replays exactly on the same `fpaxos::Node`s,
//! so `fpaxos run`, share links and the page's space-time diagram show the violation.
//!
//! The explorer names a message by its content; a schedule by its link and number (the `nth`
//! message `from` sent `to`), which the replay can check. The numbers come from stepping the
//! trace's node steps again, in the order the nodes sent. In the default set network a message
//! stays deliverable after a delivery: a deliver step that the trace repeats later keeps its
//! message in flight (`keep`).

use crate::config::{ExploreConfig, Network};
use crate::trace::Action;
use crate::world::{Stimulus, World};
use fpaxos::{NodeId, QuorumSystem};
use fpaxos_sim::dur::Dur;
use fpaxos_sim::scenario::{Cluster, MsgRef, Schedule, Step, TimerName, Workload};
use fpaxos_sim::Scenario;

/// Simulated time between the steps of an exported schedule.
const EVERY: Dur = Dur::ms(1);

/// Numbers the messages of a trace as the simulator will.
struct Numbering {
    n: usize,
    nodes: Vec<u32>,
    /// Messages sent so far per link.
    sent: Vec<u32>,
    /// Copies in flight: (interned envelope, number on its link).
    flight: Vec<(u32, u32)>,
}

impl Numbering {
    fn absorb(&mut self, world: &World, i: usize, st: u32) {
        let step = world.step_result(st);
        self.nodes[i] = step.node;
        for &e in &step.sends {
            let env = world.env(e);
            let link = env.from as usize * self.n + env.to as usize;
            self.sent[link] += 1;
            self.flight.push((e, self.sent[link]));
        }
    }

    fn stim(&mut self, world: &mut World, i: usize, stim: Stimulus) {
        let st = world.step(self.nodes[i], stim);
        self.absorb(world, i, st);
    }
}

/// The trace `actions` (a counterexample of `cfg`) as a scenario whose schedule replays it:
/// same cluster, quorums and node options, no bootstrap leader, one client per command, one
/// step per millisecond. The planted bug is not part of a scenario: replay it with
/// `fpaxos run --plant`. An error (one sentence) if the trace does not fit `cfg`.
pub fn to_scenario(cfg: &ExploreConfig, actions: &[Action]) -> Result<Scenario, String> {
    let quorums = cfg.quorums().map_err(|e| e.join("; "))?;
    let safe = QuorumSystem::is_safe(&quorums);
    let mut world = World::new(cfg.clone(), quorums);
    let n = cfg.nodes;
    let mut num = Numbering {
        n,
        nodes: (0..n).map(|i| world.fresh_node(i as NodeId)).collect(),
        sent: vec![0; n * n],
        flight: Vec::new(),
    };
    for i in 0..n {
        num.stim(&mut world, i, Stimulus::Start);
    }
    let mut steps = Vec::with_capacity(actions.len());
    for (k, a) in actions.iter().enumerate() {
        let step = match a {
            Action::Deliver(e) | Action::Drop(e) | Action::Duplicate(e) => {
                let id = world.intern_env(e.clone());
                let Some(pos) = num.flight.iter().position(|f| f.0 == id) else {
                    return Err(format!(
                        "step {}: {} is not in flight there",
                        k + 1,
                        crate::trace::describe_msg(e)
                    ));
                };
                let m = MsgRef {
                    from: e.from as u32,
                    to: e.to as u32,
                    nth: num.flight[pos].1,
                    kind: e.msg.kind(),
                };
                match a {
                    Action::Deliver(_) => {
                        let keep = cfg.network == Network::Set && actions[k + 1..].contains(a);
                        if !keep {
                            num.flight.remove(pos);
                        }
                        num.stim(&mut world, e.to as usize, Stimulus::Deliver(id));
                        Step::deliver(m, keep)
                    }
                    Action::Drop(_) => {
                        num.flight.remove(pos);
                        Step::drop(m)
                    }
                    _ => {
                        num.flight.push(num.flight[pos]);
                        Step::duplicate(m)
                    }
                }
            }
            Action::Timer { node, timer } => {
                num.stim(&mut world, *node as usize, Stimulus::Fire(*timer));
                Step::Timer {
                    node: *node as u32,
                    timer: TimerName::of(*timer),
                }
            }
            Action::Crash { node } => Step::Crash { node: *node as u32 },
            Action::Recover { node } => {
                num.stim(&mut world, *node as usize, Stimulus::Recover);
                Step::Recover { node: *node as u32 }
            }
            Action::Request { node, command } | Action::Resend { node, command } => {
                num.stim(&mut world, *node as usize, Stimulus::Request(*command));
                let (node, client) = (*node as u32, *command);
                if let Action::Request { .. } = a {
                    Step::Request { node, client }
                } else {
                    Step::Resend { node, client }
                }
            }
        };
        steps.push(step);
    }
    Ok(scenario(cfg, safe, steps))
}

fn scenario(cfg: &ExploreConfig, safe: bool, steps: Vec<Step>) -> Scenario {
    let d = Scenario::default();
    let len = steps.len() as u64;
    Scenario {
        name: format!(
            "explore counterexample: {} nodes, {}",
            cfg.nodes,
            cfg.quorum.label(cfg.nodes)
        ),
        notes: format!(
            "The shortest counterexample `fpaxos explore` found ({len} steps), replayed step by step{}.",
            cfg.planted
                .map(|b| format!(" with the planted bug {} (`fpaxos run --plant {}`)", b.name(), b.name()))
                .unwrap_or_default()
        ),
        duration: Dur(EVERY.0 * (len + 1)),
        warmup: Dur(0),
        cluster: Cluster {
            nodes: cfg.nodes as u32,
            quorum: cfg.quorum.clone(),
            allow_unsafe: !safe,
            thrifty: cfg.thrifty,
            initial_leader: None,
            check_quorum: cfg.check_quorum,
            pre_vote: cfg.pre_vote,
            sessions: cfg.sessions,
            ..d.cluster.clone()
        },
        workload: Workload {
            clients: cfg.commands,
            ..d.workload.clone()
        },
        schedule: Some(Schedule {
            every: EVERY,
            steps,
        }),
        ..d
    }
}
