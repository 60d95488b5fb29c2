//! # fpaxos-analysis — analytic quorum metrics
//!
//! What a quorum system promises before anything runs, in the terms of the quoracle paper
//! (Whittaker et al., "Read-Write Quorum Systems Made Practical", 2021), with phase 1 (leader
//! election) in the role of reads and phase 2 (replication) in the role of writes:
//!
//! - **Load**: a *strategy* picks each operation's quorum at random from a distribution; a
//!   node's load is the probability that it is in the chosen quorum, and the system's load is the
//!   smallest achievable (over strategies) largest node load. **Capacity** is `1 / load`: how
//!   many times one node's throughput the cluster could serve. Given for phase 2 alone and for a
//!   workload where a fraction `f` of operations run phase 1.
//! - **Network load**: the expected quorum size under a load-optimal strategy.
//! - **Quorum latency**: the leader's wait for its fastest quorum — the smallest, over quorums,
//!   of the largest round trip from the leader to a member (the leader's own vote is free).
//! - **Availability**: the probability that some Q1 (or Q2) is fully alive when each node is
//!   down independently with probability `p`; the minimal crash sets that block each phase.
//! - **Fault tolerance** of each phase and the window of failure counts in which the cluster
//!   can still replicate but cannot elect a new leader.
//!
//! Closed forms are used where they exist (counting quorums, majorities, grids); other systems
//! use exact enumeration and a small linear program for `n <= 16` (or any `n <= 20` whose
//! minimal quorums are few), and a stated approximation beyond.
//!
//! **The analytic model has no leader.** Multi-Paxos routes every command through one node, so
//! the simulator's throughput is often bounded by that leader long before the analytic capacity;
//! [`Analysis::notes`] says so with numbers.
//!
//! Nothing here uses threads, clocks or OS randomness: it runs the same in wasm32.
#![deny(missing_docs)]

mod lp;
mod scenario;
mod tables;

pub use scenario::{analyze_checked, analyze_scenario, latency_matrix_ms};
use tables::{
    at_least_alive, availability_from_table, availability_sampled, blocking_from_table,
    minimal_from_table, quorum_table,
};

use fpaxos::quorum::{GridAxis, Phase, QuorumShape, QuorumSystem};
use fpaxos::NodeSet;
use serde::{Deserialize, Serialize};

/// Largest cluster for which failure patterns are enumerated exactly.
pub const MAX_EXACT_NODES: usize = 20;
/// Largest cluster for which the minimal crash sets are listed.
pub const MAX_BLOCKING_NODES: usize = 9;
/// Largest cluster for which the load linear program always runs.
pub const MAX_LP_NODES: usize = 16;
/// Most quorum columns the linear program takes (above `MAX_LP_NODES` nodes).
const MAX_LP_COLUMNS: usize = 30_000;

/// Inputs of the analysis besides the quorum system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisOptions {
    /// Fraction of operations that run phase 1 (0: phase 2 only).
    pub phase1_fraction: f64,
    /// Probability that each node is down, independently.
    pub failure_prob: f64,
    /// The leader, for quorum latency.
    pub leader: u8,
    /// One-way mean latency matrix `[from][to]` in milliseconds; `None`: all equal to 1.
    pub latency_ms: Option<Vec<Vec<f64>>>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            phase1_fraction: 0.0,
            failure_prob: 0.01,
            leader: 0,
            latency_ms: None,
        }
    }
}

/// The analytic metrics of one quorum system.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    /// Number of nodes.
    pub n: usize,
    /// Whether every Q1 intersects every Q2.
    pub safe: bool,
    /// A disjoint (Q1, Q2) pair when unsafe.
    pub counterexample: Option<(Vec<u8>, Vec<u8>)>,
    /// Largest number of failures, whichever nodes fail, that still leaves a live Q1.
    pub fault_tolerance_elect: usize,
    /// Largest number of failures, whichever nodes fail, that still leaves a live Q2.
    pub fault_tolerance_replicate: usize,
    /// A sentence about the replicate-but-cannot-elect window, if there is one.
    pub window: Option<String>,
    /// Load of phase 2 alone.
    pub load_phase2: f64,
    /// `1 / load_phase2`.
    pub capacity_phase2: f64,
    /// Load when a fraction `phase1_fraction` of operations run phase 1.
    pub load_mixed: f64,
    /// `1 / load_mixed`.
    pub capacity_mixed: f64,
    /// The phase-1 fraction used for `load_mixed`.
    pub phase1_fraction: f64,
    /// Expected phase-1 quorum size under a load-optimal phase-1 strategy.
    pub network_load_phase1: f64,
    /// Expected phase-2 quorum size under a load-optimal phase-2 strategy.
    pub network_load_phase2: f64,
    /// The leader's round trip to its fastest phase-1 quorum (milliseconds).
    pub quorum_latency_ms_phase1: f64,
    /// The leader's round trip to its fastest phase-2 quorum (milliseconds).
    pub quorum_latency_ms_phase2: f64,
    /// Probability that some Q1 is alive.
    pub availability_elect: f64,
    /// Probability that some Q2 is alive.
    pub availability_replicate: f64,
    /// The failure probability used for availability.
    pub failure_prob: f64,
    /// Minimal crash sets that block elections (`None` when `n > 9`).
    pub blocking_elect: Option<Vec<Vec<u8>>>,
    /// Minimal crash sets that block replication (`None` when `n > 9`).
    pub blocking_replicate: Option<Vec<Vec<u8>>>,
    /// Caveats and explanations, including where the leader bottleneck departs from the
    /// analytic capacity.
    pub notes: Vec<String>,
}

/// A quorum system whose quorums of each phase are all the same size and whose uniform strategy
/// puts every node in the same fraction of them (counting quorums, majorities, grids).
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Any `q1` / any `q2` nodes.
    Counting { q1: usize, q2: usize },
    /// `k1` disjoint Q1s of size `s1` cover the nodes; likewise Q2.
    Grid {
        s1: usize,
        k1: usize,
        s2: usize,
        k2: usize,
    },
    /// Anything else.
    General,
}

/// The analysis shape of a system, read from the shape it was built with.
fn shape(q: &QuorumSystem) -> Shape {
    match *q.shape() {
        QuorumShape::Majority | QuorumShape::Counting { .. } => Shape::Counting {
            q1: q.smallest(Phase::One),
            q2: q.smallest(Phase::Two),
        },
        QuorumShape::Grid { rows, cols, q1 } => {
            // A row has `cols` nodes and there are `rows` of them.
            let (rows, cols) = (rows as usize, cols as usize);
            let (row, col) = ((cols, rows), (rows, cols));
            let ((s1, k1), (s2, k2)) = match q1 {
                GridAxis::Row => (row, col),
                GridAxis::Column => (col, row),
            };
            Shape::Grid { s1, k1, s2, k2 }
        }
        QuorumShape::Weighted | QuorumShape::Explicit => Shape::General,
    }
}

/// Node loads of a strategy (probabilities over `sets`).
fn node_loads(n: usize, sets: &[NodeSet], probs: &[f64]) -> Vec<f64> {
    let mut l = vec![0.0; n];
    for (s, p) in sets.iter().zip(probs) {
        for i in s.iter() {
            l[i as usize] += p;
        }
    }
    l
}

/// Optimal load of the weighted mix of phases: each entry is (weight, quorums of that phase).
/// Returns the load and one strategy per phase.
fn lp_load(n: usize, phases: &[(f64, &[NodeSet])]) -> Option<(f64, Vec<Vec<f64>>)> {
    let phases: Vec<(f64, &[NodeSet])> = phases.iter().copied().filter(|(w, _)| *w > 0.0).collect();
    let cols: usize = phases.iter().map(|(_, s)| s.len()).sum();
    // Variables: every phase's quorum probabilities, then L, then one slack per node.
    let nv = cols + 1 + n;
    let l_col = cols;
    let mut a = Vec::new();
    let mut b = Vec::new();
    for x in 0..n {
        let mut row = vec![0.0; nv];
        let mut off = 0;
        for (w, sets) in &phases {
            for (k, s) in sets.iter().enumerate() {
                if s.contains(x as u8) {
                    row[off + k] = *w;
                }
            }
            off += sets.len();
        }
        row[l_col] = -1.0;
        row[cols + 1 + x] = 1.0;
        a.push(row);
        b.push(0.0);
    }
    let mut off = 0;
    for (_, sets) in &phases {
        let mut row = vec![0.0; nv];
        for v in &mut row[off..off + sets.len()] {
            *v = 1.0;
        }
        off += sets.len();
        a.push(row);
        b.push(1.0);
    }
    let mut c = vec![0.0; nv];
    c[l_col] = 1.0;
    let x = lp::minimize(&c, &a, &b)?;
    let mut out = Vec::new();
    let mut off = 0;
    for (_, sets) in &phases {
        out.push(x[off..off + sets.len()].to_vec());
        off += sets.len();
    }
    Some((x[l_col], out))
}

/// Smallest expected quorum size among strategies whose load is at most `load`.
fn lp_min_size(n: usize, sets: &[NodeSet], load: f64) -> Option<f64> {
    let m = sets.len();
    let nv = m + n;
    let cap = load * (1.0 + 1e-9) + 1e-12;
    let mut a = Vec::new();
    let mut b = Vec::new();
    for x in 0..n {
        let mut row = vec![0.0; nv];
        for (k, s) in sets.iter().enumerate() {
            if s.contains(x as u8) {
                row[k] = 1.0;
            }
        }
        row[m + x] = 1.0;
        a.push(row);
        b.push(cap);
    }
    let mut row = vec![0.0; nv];
    for v in &mut row[..m] {
        *v = 1.0;
    }
    a.push(row);
    b.push(1.0);
    let mut c = vec![0.0; nv];
    for (k, s) in sets.iter().enumerate() {
        c[k] = s.len() as f64;
    }
    let x = lp::minimize(&c, &a, &b)?;
    Some((0..m).map(|k| x[k] * c[k]).sum())
}

/// Loads for a general system: (load phase 2, load mixed, network load 1, network load 2).
struct Loads {
    phase2: f64,
    mixed: f64,
    net1: f64,
    net2: f64,
}

fn general_loads(
    q: &QuorumSystem,
    f: f64,
    minimal: Option<(&[NodeSet], &[NodeSet])>,
    notes: &mut Vec<String>,
) -> Loads {
    let n = q.n();
    let max = |v: Vec<f64>| v.into_iter().fold(0.0f64, f64::max);
    let mean_size = |sets: &[NodeSet], probs: &[f64]| -> f64 {
        sets.iter()
            .zip(probs)
            .map(|(s, p)| s.len() as f64 * p)
            .sum()
    };
    if let Some((m1, m2)) = minimal {
        let cols = m1.len() + m2.len();
        if n <= MAX_LP_NODES || cols <= MAX_LP_COLUMNS {
            let one = lp_load(n, &[(1.0, m1)]);
            let two = lp_load(n, &[(1.0, m2)]);
            let mixed = lp_load(n, &[(f, m1), (1.0 - f, m2)]);
            if let (Some((l1, _)), Some((l2, s2)), Some((lm, _))) = (one, two, mixed) {
                let net1 = lp_min_size(n, m1, l1).unwrap_or(l1 * n as f64);
                let net2 = lp_min_size(n, m2, l2)
                    .unwrap_or_else(|| mean_size(m2, s2.first().map_or(&[][..], |v| v)));
                return Loads {
                    phase2: l2,
                    mixed: lm,
                    net1,
                    net2,
                };
            }
            notes.push(
                "The load linear program did not converge; loads below come from a uniform strategy over minimal quorums and are upper bounds."
                    .into(),
            );
        } else {
            notes.push(format!(
                "This system has {cols} minimal quorums, too many for the exact load program in the browser; loads use a uniform strategy over minimal quorums and are upper bounds on the optimal load."
            ));
        }
        let u1 = vec![1.0 / m1.len() as f64; m1.len()];
        let u2 = vec![1.0 / m2.len() as f64; m2.len()];
        let l1 = node_loads(n, m1, &u1);
        let l2 = node_loads(n, m2, &u2);
        let mixed = l1
            .iter()
            .zip(&l2)
            .map(|(a, b)| f * a + (1.0 - f) * b)
            .collect();
        return Loads {
            phase2: max(l2),
            mixed: max(mixed),
            net1: mean_size(m1, &u1),
            net2: mean_size(m2, &u2),
        };
    }
    // Too large to enumerate: one rotating quorum per starting node, uniformly.
    notes.push(format!(
        "With {n} nodes this system is too large to enumerate; loads use a rotating strategy (one greedy quorum per starting node) and are upper bounds on the optimal load."
    ));
    let rotate = |phase: Phase| -> Vec<NodeSet> {
        (0..n)
            .filter_map(|start| {
                let mut s = NodeSet::EMPTY;
                for k in 0..n {
                    s.insert(((start + k) % n) as u8);
                    if q.is_quorum(phase, s) {
                        return Some(q.shrink(phase, s, Some(start as u8)));
                    }
                }
                None
            })
            .collect()
    };
    let (r1, r2) = (rotate(Phase::One), rotate(Phase::Two));
    let u1 = vec![1.0 / r1.len().max(1) as f64; r1.len()];
    let u2 = vec![1.0 / r2.len().max(1) as f64; r2.len()];
    let l1 = node_loads(n, &r1, &u1);
    let l2 = node_loads(n, &r2, &u2);
    let mixed = l1
        .iter()
        .zip(&l2)
        .map(|(a, b)| f * a + (1.0 - f) * b)
        .collect();
    Loads {
        phase2: max(l2),
        mixed: max(mixed),
        net1: mean_size(&r1, &u1),
        net2: mean_size(&r2, &u2),
    }
}

/// The leader's round trip to its fastest quorum of `phase`: add other nodes in order of round
/// trip until the set (with the leader) holds a quorum. Quorums are closed under supersets, so
/// this prefix is optimal.
fn quorum_latency(q: &QuorumSystem, phase: Phase, leader: usize, lat: &[Vec<f64>]) -> f64 {
    let n = q.n();
    let mut others: Vec<(f64, usize)> = (0..n)
        .filter(|&i| i != leader)
        .map(|i| (lat[leader][i] + lat[i][leader], i))
        .collect();
    others.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut s = NodeSet::single(leader as u8);
    if q.is_quorum(phase, s) {
        return 0.0;
    }
    for (rtt, i) in others {
        s.insert(i as u8);
        if q.is_quorum(phase, s) {
            return rtt;
        }
    }
    f64::INFINITY
}

fn count_range(lo: usize, hi: usize) -> String {
    if lo == hi {
        format!("{lo}")
    } else if hi == lo + 1 {
        format!("{lo} or {hi}")
    } else {
        format!("{lo} to {hi}")
    }
}

fn finite_prob(x: f64, fallback: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        fallback
    }
}

/// Analyzes a quorum system. Never panics; out-of-range options are clamped and noted.
pub fn analyze(q: &QuorumSystem, opts: &AnalysisOptions) -> Analysis {
    let n = q.n();
    let mut notes = Vec::new();
    let f = finite_prob(opts.phase1_fraction, 0.0);
    let p = finite_prob(opts.failure_prob, 0.01);
    let leader = if (opts.leader as usize) < n {
        opts.leader as usize
    } else {
        notes.push(format!(
            "Leader {} is not a node; quorum latency is computed for node 0.",
            opts.leader
        ));
        0
    };
    let lat: Vec<Vec<f64>> = match &opts.latency_ms {
        Some(m)
            if m.len() == n
                && m.iter()
                    .all(|r| r.len() == n && r.iter().all(|x| x.is_finite() && *x >= 0.0)) =>
        {
            m.clone()
        }
        Some(_) => {
            notes.push(format!(
                "The latency matrix is not {n} x {n} non-negative numbers; every link is taken as 1 ms."
            ));
            vec![vec![1.0; n]; n]
        }
        None => vec![vec![1.0; n]; n],
    };

    let ce = q.check_intersection().err();
    let safe = ce.is_none();
    if let Some(ce) = ce {
        notes.push(format!(
            "Unsafe: Q1 {} and Q2 {} share no node, so a new leader can miss a chosen value and two different values can be chosen.",
            ce.q1, ce.q2
        ));
    }
    let ft = q.fault_tolerance();

    let shape = shape(q);
    let tables =
        if n <= MAX_EXACT_NODES && (matches!(shape, Shape::General) || n <= MAX_BLOCKING_NODES) {
            Some((quorum_table(q, Phase::One), quorum_table(q, Phase::Two)))
        } else {
            None
        };

    let (loads, avail1, avail2, min_q1) =
        loads_and_availability(q, shape, tables.as_ref(), f, p, &mut notes);

    let (blocking_elect, blocking_replicate) = match (&tables, n <= MAX_BLOCKING_NODES) {
        (Some((t1, t2)), true) => (
            Some(blocking_from_table(t1, n)),
            Some(blocking_from_table(t2, n)),
        ),
        _ => (None, None),
    };

    let window = if ft.replicate > ft.elect {
        let (lo, hi) = (ft.elect + 1, ft.replicate);
        let always = min_q1.is_some_and(|m| lo + m > n);
        Some(format!(
            "with {} failures the cluster can still replicate but {} elect a new leader",
            count_range(lo, hi),
            if always {
                "cannot"
            } else {
                "may be unable to (depending on which nodes fail)"
            }
        ))
    } else {
        None
    };
    if ft.elect > ft.replicate {
        notes.push(format!(
            "With {} failures the cluster can still elect a leader but may be unable to replicate: elections succeed yet no command commits.",
            count_range(ft.replicate + 1, ft.elect)
        ));
    }

    let capacity_phase2 = 1.0 / loads.phase2;
    let q2_size = loads.net2;
    notes.push(format!(
        "The analytic model has no leader: it spreads phase-2 quorums so that no node is in more than {:.0}% of them (capacity {:.2}x one node). Multi-Paxos sends every command through leader {leader}, which takes part in all of them and exchanges about {:.0} messages per command when thrifty ({} when not) while a follower exchanges about 2 per command it accepts; so simulated throughput levels off at the leader's CPU limit, usually well below the analytic capacity.",
        loads.phase2 * 100.0,
        capacity_phase2,
        2.0 * (q2_size - 1.0).max(1.0) + 2.0,
        2 * (n.max(2) - 1) + 2,
    ));

    Analysis {
        n,
        safe,
        counterexample: ce.map(|c| (c.q1.to_vec(), c.q2.to_vec())),
        fault_tolerance_elect: ft.elect,
        fault_tolerance_replicate: ft.replicate,
        window,
        load_phase2: loads.phase2,
        capacity_phase2,
        load_mixed: loads.mixed,
        capacity_mixed: 1.0 / loads.mixed,
        phase1_fraction: f,
        network_load_phase1: loads.net1,
        network_load_phase2: loads.net2,
        quorum_latency_ms_phase1: quorum_latency(q, Phase::One, leader, &lat),
        quorum_latency_ms_phase2: quorum_latency(q, Phase::Two, leader, &lat),
        availability_elect: avail1,
        availability_replicate: avail2,
        failure_prob: p,
        blocking_elect,
        blocking_replicate,
        notes,
    }
}

/// Loads, network loads, availability of each phase and the smallest Q1: closed forms for
/// counting and grid systems, the exact tables (or sampling, when too large) otherwise.
fn loads_and_availability(
    q: &QuorumSystem,
    shape: Shape,
    tables: Option<&(Vec<bool>, Vec<bool>)>,
    f: f64,
    p: f64,
    notes: &mut Vec<String>,
) -> (Loads, f64, f64, Option<usize>) {
    let n = q.n();
    match shape {
        Shape::Counting { q1, q2 } => {
            let nf = n as f64;
            (
                Loads {
                    phase2: q2 as f64 / nf,
                    mixed: (f * q1 as f64 + (1.0 - f) * q2 as f64) / nf,
                    net1: q1 as f64,
                    net2: q2 as f64,
                },
                at_least_alive(n, q1, p),
                at_least_alive(n, q2, p),
                Some(q1),
            )
        }
        Shape::Grid { s1, k1, s2, k2 } => {
            let nf = n as f64;
            let some_alive =
                |s: usize, k: usize| 1.0 - (1.0 - (1.0 - p).powi(s as i32)).powi(k as i32);
            (
                Loads {
                    phase2: s2 as f64 / nf,
                    mixed: (f * s1 as f64 + (1.0 - f) * s2 as f64) / nf,
                    net1: s1 as f64,
                    net2: s2 as f64,
                },
                some_alive(s1, k1),
                some_alive(s2, k2),
                Some(s1),
            )
        }
        Shape::General => match tables {
            Some((t1, t2)) => {
                let (m1, m2) = (minimal_from_table(t1), minimal_from_table(t2));
                let loads = general_loads(q, f, Some((&m1, &m2)), notes);
                let min_q1 = m1.iter().map(|s| s.len()).min();
                (
                    loads,
                    availability_from_table(t1, n, p),
                    availability_from_table(t2, n, p),
                    min_q1,
                )
            }
            None => {
                let samples = 20_000;
                notes.push(format!(
                "With {n} nodes availability is estimated from {samples} sampled failure patterns (about ±{:.3}).",
                1.0 / (samples as f64).sqrt()
            ));
                (
                    general_loads(q, f, None, notes),
                    availability_sampled(q, Phase::One, p, samples),
                    availability_sampled(q, Phase::Two, p, samples),
                    None,
                )
            }
        },
    }
}
