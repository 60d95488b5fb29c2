//! Swarm testing (in the style of TigerBeetle's VOPR): one seed derives a whole scenario —
//! cluster size, quorum system, thrift, network model, workload, and a schedule of partitions,
//! crashes, slow nodes and cut links — so that many seeds explore many corners and any failure is
//! reproduced by its seed alone (or by the scenario JSON it printed).
//!
//! Each generated run has two phases: a *fault phase* with random faults and their repairs,
//! then a *calm phase* where the network is healed, message loss stops, crashed nodes recover
//! and slow nodes return to normal speed. The calm phase lasts longer than the liveness bound
//! ([`crate::liveness::Bound`]; bounds above 4 s are capped there), so a cluster that fails to
//! elect and commit after it is reported as a stall, as TigerBeetle's VOPR does.
//!
//! **Invariant**: [`scenario_for_seed`] always returns a scenario that passes
//! [`Scenario::validate`], with intersecting quorums. Unsafe quorums appear only when the caller
//! pins `allow_unsafe` (see [`Pins`]).

use crate::dur::Dur;
use crate::liveness::Bound;
use crate::rng::Rng;
use crate::scenario::{Fault, FaultAction, Latency, Scenario};
use crate::sim::Sim;
use crate::Report;
use fpaxos::quorum::{GridAxis, QuorumSpec, QuorumSystem};
use fpaxos::NodeSet;
use fpaxos::Time;
use serde::{Deserialize, Serialize};

mod judged;
pub use judged::LivenessJudged;

/// Largest cluster the generator draws.
pub const MAX_SWARM_NODES: u32 = 9;

/// How much longer than the liveness bound the calm phase lasts at least.
const CALM_MARGIN: Dur = Dur::ms(250);

/// Longest calm phase before the margin. A bound above it comes from heavy open-loop load on
/// slow CPUs (the time to drain every pending request); such a seed still gets a calm phase
/// this long, but a stall shorter than its bound cannot be seen in it, so its liveness is
/// checked only up to this length. Without the cap those seeds would run for tens of simulated
/// seconds with tens of thousands of requests pending and dominate a check's time.
const MAX_CALM: Dur = Dur::secs(4);

/// Settings fixed by the caller; everything else is drawn from the seed. Pins are honoured while
/// generating (a pinned cluster size shapes the quorum and the faults), and [`Pins::apply`] sets
/// them again afterwards.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pins {
    /// Cluster size.
    pub nodes: Option<u32>,
    /// Quorum system.
    pub quorum: Option<QuorumSpec>,
    /// Thrifty messaging.
    pub thrifty: Option<bool>,
    /// Allow quorums that do not intersect (and, if the quorum is not pinned, draw some).
    pub allow_unsafe: bool,
    /// Node-to-node loss probability for the whole run (the page's hunt without random loss pins
    /// 0, so that the liveness rule judges the chaos phases too). Set after everything is
    /// drawn, so the draws do not change: the seed's scenario is the unpinned one with this
    /// loss, as `fpaxos check --loss` makes it through its overrides (a lossy seed keeps its
    /// calm phase's `loss 0`, harmless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
}

impl Pins {
    /// Sets the pinned fields on `s`: the size through [`Scenario::set_nodes`] (so what depends
    /// on it follows), then the quorum system as pinned.
    pub fn apply(&self, s: &mut Scenario) {
        if let Some(n) = self.nodes {
            s.set_nodes(n);
        }
        if let Some(q) = &self.quorum {
            s.cluster.quorum = q.clone();
        }
        if let Some(t) = self.thrifty {
            s.cluster.thrifty = t;
        }
        if self.allow_unsafe {
            s.cluster.allow_unsafe = true;
        }
        if let Some(p) = self.loss {
            s.network.loss = p;
        }
    }
}

/// The scenario for `seed`, with nothing pinned.
pub fn scenario_for_seed(seed: u64) -> Scenario {
    generate(seed, &Pins::default())
}

/// Simulated time between checks of whether a seed may stop early.
const EARLY_STOP_STEP: Time = 50_000_000;

/// Runs a swarm seed to its end (as `fpaxos check` and the page's hunt do), or stops it once its calm phase (from the last scheduled fault
/// on) has shown a recovered cluster: a request completed at least one election cycle
/// (step-down, detection and one round of the liveness bound) after the calm began, so a
/// recovered node that was going to disrupt the leader has had its chance. What would follow
/// is steady service, which tells neither checker anything new; a cluster that does not
/// recover runs to the end and its stall is reported. A failure found in the shortened run is
/// in the full run too (same prefix), so `fpaxos run` of the printed scenario reproduces it.
pub fn run_seed(mut sim: Sim) -> Report {
    let calm = sim
        .scenario()
        .faults
        .iter()
        .map(|f| f.at.0)
        .max()
        .unwrap_or(0);
    let b = *sim.liveness_bound();
    let settled_at = calm
        .saturating_add(b.stepdown)
        .saturating_add(b.detect)
        .saturating_add(b.round);
    let mut goal = 0;
    loop {
        goal += EARLY_STOP_STEP;
        if sim.run_until_budget(goal, u64::MAX).ended {
            break;
        }
        if sim.last_completion().is_some_and(|t| t >= settled_at) {
            break;
        }
    }
    sim.report()
}

/// Uniform in `lo..=hi`.
fn range(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    lo + rng.below(hi - lo + 1)
}

fn pick<T: Clone>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.below(items.len() as u64) as usize].clone()
}

/// A duration uniform in `[lo, hi]` rounded to whole microseconds (keeps the JSON short).
fn dur_between(rng: &mut Rng, lo: Dur, hi: Dur) -> Dur {
    let us = range(rng, lo.0 / 1_000, hi.0 / 1_000);
    Dur::us(us)
}

/// The scenario for `seed` with `pins` honoured.
pub fn generate(seed: u64, pins: &Pins) -> Scenario {
    // A distinct stream from the simulator's own use of the seed.
    let mut rng = Rng::new(seed ^ 0x5157_4152_4d00_0001);
    let mut s = Scenario {
        name: format!("swarm seed {seed}"),
        seed,
        ..Scenario::default()
    };

    // ----- cluster -----
    let n = match (pins.nodes, &pins.quorum) {
        (Some(n), _) => n,
        (None, Some(q)) => nodes_for_quorum(&mut rng, q, pins.allow_unsafe),
        (None, None) => range(&mut rng, 1, MAX_SWARM_NODES as u64) as u32,
    };
    s.cluster.nodes = n;
    s.cluster.quorum = match &pins.quorum {
        Some(q) => q.clone(),
        None => draw_quorum(&mut rng, n, pins.allow_unsafe),
    };
    s.cluster.allow_unsafe = pins.allow_unsafe;
    s.cluster.thrifty = pins.thrifty.unwrap_or_else(|| rng.chance(0.5));
    s.cluster.pre_vote = rng.chance(0.3);
    s.cluster.window = pick(&mut rng, &[1, 4, 16, 64]);
    s.cluster.batch = pick(&mut rng, &[1, 1, 2, 8]);
    s.cluster.heartbeat = dur_between(&mut rng, Dur::ms(5), Dur::ms(30));
    s.cluster.election_timeout = Dur(s.cluster.heartbeat.0 * range(&mut rng, 4, 10));
    s.cluster.retransmit = dur_between(&mut rng, Dur::ms(20), Dur::ms(100));
    s.cluster.commit_batch = pick(&mut rng, &[1, 4, 16]);
    s.cluster.log_retain = pick(&mut rng, &[8, 64, 1024]);
    s.cluster.initial_leader = if rng.chance(0.7) && n > 0 {
        Some(rng.below(n as u64) as u32)
    } else {
        None
    };

    // ----- network -----
    let base = dur_between(&mut rng, Dur::us(100), Dur::ms(10));
    s.network.latency = match rng.below(5) {
        0 => Latency::Const { value: base },
        1 => Latency::Uniform {
            min: Dur(base.0 / 2),
            max: Dur(base.0 * 2),
        },
        2 => Latency::Normal {
            mean: base,
            stddev: Dur(base.0 / 4),
        },
        3 => Latency::Lognormal {
            median: base,
            sigma: (range(&mut rng, 1, 8) as f64) / 10.0,
        },
        _ => Latency::Exponential {
            min: Dur(base.0 / 2),
            mean: Dur(base.0 / 2),
        },
    };
    s.network.loss = if rng.chance(0.5) {
        0.0
    } else {
        range(&mut rng, 1, 50) as f64 / 1000.0
    };
    s.network.duplicate = if rng.chance(0.7) {
        0.0
    } else {
        range(&mut rng, 1, 50) as f64 / 1000.0
    };

    // ----- CPU and workload -----
    s.cpu.per_recv = dur_between(&mut rng, Dur(0), Dur::us(20));
    s.cpu.per_send = dur_between(&mut rng, Dur(0), Dur::us(10));
    s.workload.clients = range(&mut rng, 1, 8) as u32;
    s.workload.outstanding = range(&mut rng, 1, 2) as u32;
    if rng.chance(0.2) {
        s.workload.rate = Some(range(&mut rng, 100, 2500) as f64);
    }
    s.workload.timeout = dur_between(&mut rng, Dur::ms(50), Dur::ms(500));

    // ----- time -----
    s.duration = Dur::ms(range(&mut rng, 2000, 5000));
    s.warmup = Dur(0);
    s.metrics.trace_capacity = 0;
    s.metrics.bucket = Dur::ms(100);

    // ----- faults -----
    s.faults = draw_faults(&mut rng, n, s.duration, s.network.loss > 0.0);

    pins.apply(&mut s);
    // The calm phase outlasts the liveness bound (with room for the calm itself to settle), so
    // a cluster that cannot recover is caught.
    let calm = Dur(s.duration.0 / 4 * 3);
    let bound = Bound::new(&s).total(0);
    s.duration = Dur(s
        .duration
        .0
        .max(calm.0 + bound.min(MAX_CALM.0) + CALM_MARGIN.0));
    debug_assert!(
        s.validate().is_ok() || pins.nodes.is_some() || pins.quorum.is_some(),
        "swarm seed {seed} generated an invalid scenario: {:?}",
        s.validate()
    );
    s
}

/// A cluster size that fits a pinned quorum (safe, unless unsafe is allowed).
fn nodes_for_quorum(rng: &mut Rng, q: &QuorumSpec, allow_unsafe: bool) -> u32 {
    match q {
        QuorumSpec::Majority => range(rng, 1, MAX_SWARM_NODES as u64) as u32,
        QuorumSpec::Counting { q1, q2 } => {
            let lo = (*q1).max(*q2).max(1);
            let hi = if allow_unsafe {
                MAX_SWARM_NODES.max(lo)
            } else {
                (q1 + q2)
                    .saturating_sub(1)
                    .clamp(lo, MAX_SWARM_NODES.max(lo))
            };
            range(rng, lo as u64, hi as u64) as u32
        }
        QuorumSpec::Grid { rows, cols, .. } => rows.saturating_mul(*cols),
        QuorumSpec::Weighted { weights, .. } => weights.len() as u32,
        QuorumSpec::Explicit { q1, q2 } => q1
            .iter()
            .chain(q2)
            .filter_map(|s| s.iter().max())
            .max()
            .map_or(1, |m| m as u32 + 1),
    }
}

/// A random quorum system over `n` nodes: safe, or (when allowed) sometimes unsafe counting.
fn draw_quorum(rng: &mut Rng, n: u32, allow_unsafe: bool) -> QuorumSpec {
    if allow_unsafe && rng.chance(0.5) {
        let q2 = range(rng, 1, n as u64) as u32;
        let q1 = range(rng, 1, n as u64) as u32;
        return QuorumSpec::Counting { q1, q2 };
    }
    let q = match rng.below(5) {
        0 => QuorumSpec::Majority,
        1 => {
            // Any q2, then a Q1 at least N - Q2 + 1 (sometimes larger than needed).
            let q2 = range(rng, 1, n as u64) as u32;
            let min_q1 = n + 1 - q2;
            let q1 = range(rng, min_q1 as u64, n as u64) as u32;
            QuorumSpec::Counting { q1, q2 }
        }
        2 => {
            let dims: Vec<(u32, u32)> = (1..=n)
                .filter(|r| n.is_multiple_of(*r))
                .map(|r| (r, n / r))
                .collect();
            let (rows, cols) = pick(rng, &dims);
            let q1 = if rng.chance(0.5) {
                GridAxis::Row
            } else {
                GridAxis::Column
            };
            QuorumSpec::Grid { rows, cols, q1 }
        }
        3 => draw_explicit(rng, n),
        _ => {
            let weights: Vec<u32> = (0..n).map(|_| range(rng, 1, 3) as u32).collect();
            let total: u32 = weights.iter().sum();
            let q2 = range(rng, 1, total as u64) as u32;
            let min_q1 = total + 1 - q2;
            let q1 = range(rng, min_q1 as u64, total as u64) as u32;
            QuorumSpec::Weighted { weights, q1, q2 }
        }
    };
    debug_assert!(QuorumSystem::new(&q, n as usize).is_ok_and(|s| s.is_safe()));
    q
}

/// Explicit quorum lists: a few random phase-2 sets, then phase-1 sets that each meet every
/// phase-2 set (a random start, plus one member of every phase-2 set it misses).
fn draw_explicit(rng: &mut Rng, n: u32) -> QuorumSpec {
    let random_set = |rng: &mut Rng| {
        let size = range(rng, 1, n as u64);
        let mut ids: Vec<u8> = (0..n as u8).collect();
        for i in (1..ids.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            ids.swap(i, j);
        }
        NodeSet::from_ids(ids.into_iter().take(size as usize))
    };
    let q2: Vec<NodeSet> = (0..range(rng, 1, 3)).map(|_| random_set(rng)).collect();
    let q1 = (0..range(rng, 1, 3))
        .map(|_| {
            let mut s = random_set(rng);
            for q in &q2 {
                if !s.intersects(*q) {
                    let members = q.to_vec();
                    s.insert(members[rng.below(members.len() as u64) as usize]);
                }
            }
            s
        })
        .collect();
    QuorumSpec::Explicit { q1, q2 }
}

/// Splits the nodes into groups for a partition. Most splits are two sides of nearly equal size,
/// which is what it takes for each side to hold both a Q1 and a Q2 when the quorums are too
/// small: the split brain that unsafe quorums cannot survive.
fn draw_partition(rng: &mut Rng, n: u32) -> Vec<Vec<u32>> {
    let mut nodes: Vec<u32> = (0..n).collect();
    for i in (1..nodes.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        nodes.swap(i, j);
    }
    let mode = rng.below(100);
    let mut groups: Vec<Vec<u32>> = if mode < 60 {
        let cut = if rng.chance(0.5) {
            n / 2
        } else {
            n.div_ceil(2)
        };
        let (a, b) = nodes.split_at(cut as usize);
        vec![a.to_vec(), b.to_vec()]
    } else if mode < 85 {
        let cut = range(rng, 1, n as u64 - 1) as usize;
        let (a, b) = nodes.split_at(cut);
        vec![a.to_vec(), b.to_vec()]
    } else {
        // Three groups (some maybe empty); with some chance one node is left isolated.
        let mut gs = vec![Vec::new(), Vec::new(), Vec::new()];
        let isolate = rng.chance(0.5);
        for (i, node) in nodes.iter().enumerate() {
            if isolate && i == 0 {
                continue;
            }
            gs[rng.below(3) as usize].push(*node);
        }
        gs
    };
    groups.retain(|g| !g.is_empty());
    for g in &mut groups {
        g.sort_unstable();
    }
    groups
}

/// Random faults in the first three quarters of the run, then a full repair (message loss
/// included when the network is `lossy`).
fn draw_faults(rng: &mut Rng, n: u32, duration: Dur, lossy: bool) -> Vec<Fault> {
    let mut faults = Vec::new();
    let calm = Dur(duration.0 / 4 * 3);
    let mut crashed = vec![false; n as usize];
    let mut t = dur_between(rng, Dur::ms(50), Dur::ms(600));
    let intensity = rng.below(4); // 0: no faults at all (but the calm phase), 3: busy
    if intensity == 0 {
        t = calm;
    }
    let push = |faults: &mut Vec<Fault>, at: Dur, action: FaultAction| {
        if at < calm {
            faults.push(Fault { at, action });
        }
    };
    while t < calm {
        let undo_after = dur_between(rng, Dur::ms(150), Dur::ms(1500));
        let undo = rng.chance(0.7);
        let kind = rng.below(10);
        match kind {
            0..=3 if n >= 2 => {
                let groups = draw_partition(rng, n);
                push(&mut faults, t, FaultAction::Partition { groups });
                if undo {
                    push(&mut faults, Dur(t.0 + undo_after.0), FaultAction::Heal);
                }
            }
            4 | 5 => {
                let node = rng.below(n as u64) as u32;
                if crashed[node as usize] {
                    push(&mut faults, t, FaultAction::Recover { node });
                    crashed[node as usize] = false;
                } else {
                    push(&mut faults, t, FaultAction::Crash { node });
                    if undo {
                        push(
                            &mut faults,
                            Dur(t.0 + undo_after.0),
                            FaultAction::Recover { node },
                        );
                    } else {
                        crashed[node as usize] = true;
                    }
                }
            }
            6 => {
                let node = rng.below(n as u64) as u32;
                let factor = range(rng, 2, 50) as f64;
                push(&mut faults, t, FaultAction::Slow { node, factor });
                if undo {
                    push(
                        &mut faults,
                        Dur(t.0 + undo_after.0),
                        FaultAction::Slow { node, factor: 1.0 },
                    );
                }
            }
            7 if n >= 2 => {
                let from = rng.below(n as u64) as u32;
                let to = (from + 1 + rng.below(n as u64 - 1) as u32) % n;
                let both = rng.chance(0.7);
                push(&mut faults, t, FaultAction::CutLink { from, to, both });
                if undo {
                    push(
                        &mut faults,
                        Dur(t.0 + undo_after.0),
                        FaultAction::RestoreLink { from, to, both },
                    );
                }
            }
            8 => push(&mut faults, t, FaultAction::Heal),
            _ => {}
        }
        let gap = match intensity {
            1 => dur_between(rng, Dur::ms(400), Dur::ms(1500)),
            2 => dur_between(rng, Dur::ms(150), Dur::ms(800)),
            _ => dur_between(rng, Dur::ms(30), Dur::ms(400)),
        };
        t = Dur(t.0 + gap.0);
    }
    // Calm phase: everything repaired.
    faults.push(Fault {
        at: calm,
        action: FaultAction::Heal,
    });
    if lossy {
        faults.push(Fault {
            at: calm,
            action: FaultAction::Loss { probability: 0.0 },
        });
    }
    for node in 0..n {
        faults.push(Fault {
            at: calm,
            action: FaultAction::Recover { node },
        });
        faults.push(Fault {
            at: calm,
            action: FaultAction::Slow { node, factor: 1.0 },
        });
    }
    // Stable sort: same-time faults keep their drawing order.
    faults.sort_by_key(|f| f.at);
    faults
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_scenarios_are_valid_safe_and_deterministic() {
        for seed in 0..2000 {
            let s = scenario_for_seed(seed);
            assert_eq!(s, scenario_for_seed(seed));
            if let Err(e) = s.validate() {
                panic!("seed {seed}: {e}\n{}", s.to_json_pretty());
            }
            assert!(s.quorum_system().unwrap().is_safe(), "seed {seed}");
            assert!((1..=MAX_SWARM_NODES).contains(&s.cluster.nodes));
            let back = Scenario::from_json(&s.to_json_pretty()).unwrap();
            assert_eq!(back, s, "seed {seed} does not round-trip through JSON");
        }
    }

    #[test]
    fn draws_every_quorum_kind_and_partitions() {
        let mut kinds = std::collections::HashSet::new();
        let mut partitions = 0;
        for seed in 0..500 {
            let s = scenario_for_seed(seed);
            kinds.insert(std::mem::discriminant(&s.cluster.quorum));
            if s.faults
                .iter()
                .any(|f| matches!(f.action, FaultAction::Partition { .. }))
            {
                partitions += 1;
            }
        }
        assert_eq!(
            kinds.len(),
            5,
            "majority, counting, grid, weighted and explicit"
        );
        assert!(partitions > 150, "only {partitions} of 500 seeds partition");
    }

    #[test]
    fn pins_shape_the_scenario() {
        let pins = Pins {
            nodes: Some(5),
            quorum: Some(QuorumSpec::Counting { q1: 2, q2: 2 }),
            allow_unsafe: true,
            ..Pins::default()
        };
        for seed in 0..200 {
            let s = generate(seed, &pins);
            assert_eq!(s.cluster.nodes, 5);
            s.validate().unwrap();
        }
        let q_only = Pins {
            quorum: Some(QuorumSpec::Counting { q1: 4, q2: 2 }),
            ..Pins::default()
        };
        for seed in 0..200 {
            let s = generate(seed, &q_only);
            assert!((4..=5).contains(&s.cluster.nodes), "seed {seed}");
            s.validate().unwrap();
        }
    }

    /// A pinned loss changes nothing else: the seed's scenario is the unpinned one with that
    /// loss, as `fpaxos check --loss` makes it (it sets the loss after generating).
    #[test]
    fn a_pinned_loss_is_the_only_change() {
        let lossless = Pins {
            loss: Some(0.0),
            ..Pins::default()
        };
        let mut lossy_seeds = 0;
        for seed in 0..100 {
            let mut drawn = generate(seed, &Pins::default());
            lossy_seeds += usize::from(drawn.network.loss > 0.0);
            drawn.network.loss = 0.0;
            assert_eq!(generate(seed, &lossless), drawn, "seed {seed}");
        }
        assert!(lossy_seeds > 20, "only {lossy_seeds} lossy seeds");
    }
}
