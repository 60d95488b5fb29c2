//! Analytic metrics against hand-computed values.

use fpaxos::quorum::{GridAxis, QuorumSpec, QuorumSystem};
use fpaxos::NodeSet;
use fpaxos_analysis::*;

fn qs(spec: QuorumSpec, n: usize) -> QuorumSystem {
    QuorumSystem::new(&spec, n).expect("valid quorum system")
}

/// Failures survived while still electing and while still replicating.
fn tolerance(a: &Analysis) -> (usize, usize) {
    (a.fault_tolerance_elect, a.fault_tolerance_replicate)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-7
}

macro_rules! assert_close {
    ($a:expr, $b:expr) => {
        assert!(
            close($a, $b),
            "{} = {} but expected {}",
            stringify!($a),
            $a,
            $b
        )
    };
}

/// Every `k`-subset of `0..n`, as an explicit quorum list (forces the general code path).
fn all_subsets(n: usize, k: usize) -> Vec<NodeSet> {
    fpaxos::quorum::subsets_of_size(n, k).collect()
}

#[test]
fn majority_five() {
    let a = analyze(&qs(QuorumSpec::Majority, 5), &AnalysisOptions::default());
    assert!(a.safe && a.counterexample.is_none());
    assert_close!(a.load_phase2, 0.6);
    assert_close!(a.capacity_phase2, 5.0 / 3.0);
    assert_close!(a.load_mixed, 0.6);
    assert_close!(a.network_load_phase2, 3.0);
    assert_eq!(tolerance(&a), (2, 2));
    assert_eq!(a.window, None);
    // All one-way latencies 1 ms: round trip 2 ms to the second-fastest other node.
    assert_close!(a.quorum_latency_ms_phase2, 2.0);
    assert!(
        a.notes.iter().any(|n| n.contains("no leader")),
        "{:?}",
        a.notes
    );
}

#[test]
fn counting_phase2_capacity_is_n_over_q2() {
    let a = analyze(
        &qs(QuorumSpec::Counting { q1: 4, q2: 2 }, 5),
        &AnalysisOptions::default(),
    );
    assert_close!(a.load_phase2, 2.0 / 5.0);
    assert_close!(a.capacity_phase2, 5.0 / 2.0);
    assert_close!(a.network_load_phase1, 4.0);
    assert_close!(a.network_load_phase2, 2.0);
    assert_eq!(tolerance(&a), (1, 3));
    assert_eq!(
        a.window.as_deref(),
        Some("with 2 or 3 failures the cluster can still replicate but cannot elect a new leader")
    );
}

#[test]
fn counting_mixed_half() {
    let opts = AnalysisOptions {
        phase1_fraction: 0.5,
        ..Default::default()
    };
    let a = analyze(&qs(QuorumSpec::Counting { q1: 4, q2: 2 }, 5), &opts);
    // 0.5 * 4/5 + 0.5 * 2/5
    assert_close!(a.load_mixed, 0.6);
    assert_close!(a.capacity_mixed, 1.0 / 0.6);
    assert_close!(a.phase1_fraction, 0.5);
}

#[test]
fn grids() {
    // 2 rows x 3 columns, Q1 = a row (3 nodes, 2 of them), Q2 = a column (2 nodes, 3 of them).
    let g = qs(QuorumSpec::grid(2, 3, GridAxis::Row), 6);
    let opts = AnalysisOptions {
        phase1_fraction: 0.25,
        ..Default::default()
    };
    let a = analyze(&g, &opts);
    assert_close!(a.load_phase2, 1.0 / 3.0);
    assert_close!(a.capacity_phase2, 3.0);
    assert_close!(a.load_mixed, 0.25 / 2.0 + 0.75 / 3.0);
    assert_close!(a.network_load_phase1, 3.0);
    assert_close!(a.network_load_phase2, 2.0);
    // Columns axis swaps the roles.
    let c = qs(QuorumSpec::grid(2, 3, GridAxis::Column), 6);
    assert_close!(analyze(&c, &AnalysisOptions::default()).load_phase2, 0.5);
    // 3 x 3: every row and column has load 1/3.
    let g3 = qs(QuorumSpec::grid(3, 3, GridAxis::Row), 9);
    let a = analyze(&g3, &opts);
    assert_close!(a.load_phase2, 1.0 / 3.0);
    assert_close!(a.load_mixed, 1.0 / 3.0);
    // Some row alive: 1 - (1 - 0.99^3)^3.
    assert_close!(a.availability_elect, 1.0 - (1.0 - 0.99f64.powi(3)).powi(3));
    // Blocking replication takes one node per column (3 nodes, 27 ways), and those are minimal.
    let b = a.blocking_replicate.unwrap();
    assert_eq!(b.len(), 27);
    assert!(b.iter().all(|s| s.len() == 3));
}

#[test]
fn closed_forms_match_the_general_path() {
    // Explicit lists of the same systems take the LP and enumeration path.
    let opts = AnalysisOptions {
        phase1_fraction: 0.3,
        failure_prob: 0.1,
        ..Default::default()
    };
    for (n, q1, q2) in [(5, 3, 3), (5, 4, 2), (6, 4, 3), (4, 3, 2)] {
        let closed = analyze(
            &qs(
                QuorumSpec::Counting {
                    q1: q1 as u32,
                    q2: q2 as u32,
                },
                n,
            ),
            &opts,
        );
        let general = analyze(
            &qs(
                QuorumSpec::Explicit {
                    q1: all_subsets(n, q1),
                    q2: all_subsets(n, q2),
                },
                n,
            ),
            &opts,
        );
        assert_close!(general.load_phase2, closed.load_phase2);
        assert_close!(general.load_mixed, closed.load_mixed);
        assert_close!(general.network_load_phase1, closed.network_load_phase1);
        assert_close!(general.network_load_phase2, closed.network_load_phase2);
        assert_close!(general.availability_elect, closed.availability_elect);
        assert_close!(
            general.availability_replicate,
            closed.availability_replicate
        );
        assert_eq!(general.blocking_elect, closed.blocking_elect);
        assert_eq!(general.window, closed.window);
    }
}

#[test]
fn weighted() {
    // Weights 3,1,1,1,1 (total 7), thresholds 4: minimal quorums {0,i} and {1,2,3,4}.
    // Optimal: {1,2,3,4} with probability 3/7, each {0,i} with 1/7: every node has load 4/7.
    let w = qs(QuorumSpec::weighted(&[3, 1, 1, 1, 1], 4, 4), 5);
    let a = analyze(&w, &AnalysisOptions::default());
    assert_close!(a.load_phase2, 4.0 / 7.0);
    assert_close!(a.capacity_phase2, 7.0 / 4.0);
    // Expected size: 3/7 * 4 + 4/7 * 2.
    assert_close!(a.network_load_phase2, 20.0 / 7.0);
    // Losing node 0 and any other leaves weight 3.
    assert_eq!(a.fault_tolerance_replicate, 1);
}

#[test]
fn explicit() {
    let e = qs(
        QuorumSpec::explicit(&[&[0, 1], &[2, 3]], &[&[0, 2], &[1, 3]]),
        4,
    );
    let a = analyze(&e, &AnalysisOptions::default());
    assert_close!(a.load_phase2, 0.5);
    assert_close!(a.load_mixed, 0.5);
    // Q2 = {0} or {1,2}: half and half puts every node at 1/2.
    let f = qs(
        QuorumSpec::explicit(&[&[0, 1], &[0, 2]], &[&[0], &[1, 2]]),
        3,
    );
    let a = analyze(&f, &AnalysisOptions::default());
    assert!(a.safe);
    assert_close!(a.load_phase2, 0.5);
    assert_close!(a.network_load_phase2, 1.5);
    // Replicating with node 0 alone costs no round trip.
    assert_close!(a.quorum_latency_ms_phase2, 0.0);
}

#[test]
fn availability_majority_three() {
    let opts = AnalysisOptions {
        failure_prob: 0.1,
        ..Default::default()
    };
    let a = analyze(&qs(QuorumSpec::Majority, 3), &opts);
    assert_close!(a.availability_elect, 0.972);
    assert_close!(a.availability_replicate, 0.972);
    assert_close!(a.failure_prob, 0.1);
}

#[test]
fn blocking_sets_counting() {
    let a = analyze(
        &qs(QuorumSpec::Counting { q1: 4, q2: 2 }, 5),
        &AnalysisOptions::default(),
    );
    let e = a.blocking_elect.unwrap();
    assert_eq!(e.len(), 10);
    assert!(e.iter().all(|s| s.len() == 2));
    assert_eq!(e[0], vec![0, 1]);
    let r = a.blocking_replicate.unwrap();
    assert_eq!(r.len(), 5);
    assert!(r.iter().all(|s| s.len() == 4));
    // No lists above 9 nodes.
    let big = analyze(&qs(QuorumSpec::Majority, 10), &AnalysisOptions::default());
    assert!(big.blocking_elect.is_none() && big.blocking_replicate.is_none());
}

#[test]
fn unsafe_is_reported() {
    let a = analyze(
        &qs(QuorumSpec::Counting { q1: 3, q2: 3 }, 6),
        &AnalysisOptions::default(),
    );
    assert!(!a.safe);
    let (x, y) = a.counterexample.unwrap();
    assert!(x.iter().all(|i| !y.contains(i)));
    assert!(a.notes[0].starts_with("Unsafe"));
}

#[test]
fn quorum_latency_from_matrix() {
    // Leader 0; one-way latencies 1, 2, 3, 4 ms to nodes 1..4 (round trips 2, 4, 6, 8).
    let m: Vec<Vec<f64>> = (0..5usize)
        .map(|a| {
            (0..5usize)
                .map(|b| match (a, b) {
                    (0, b) => b.max(1) as f64,
                    (a, 0) => a as f64,
                    _ => 1.0,
                })
                .collect()
        })
        .collect();
    let opts = AnalysisOptions {
        latency_ms: Some(m),
        ..Default::default()
    };
    let a = analyze(&qs(QuorumSpec::Counting { q1: 4, q2: 2 }, 5), &opts);
    assert_close!(a.quorum_latency_ms_phase2, 2.0);
    assert_close!(a.quorum_latency_ms_phase1, 6.0);
    let a = analyze(&qs(QuorumSpec::Majority, 5), &opts);
    assert_close!(a.quorum_latency_ms_phase2, 4.0);
    // A malformed matrix falls back to 1 ms everywhere, with a note.
    let bad = AnalysisOptions {
        latency_ms: Some(vec![vec![f64::NAN]]),
        ..Default::default()
    };
    let a = analyze(&qs(QuorumSpec::Majority, 5), &bad);
    assert_close!(a.quorum_latency_ms_phase2, 2.0);
    assert!(a.notes.iter().any(|n| n.contains("latency matrix")));
}

#[test]
fn large_systems_stay_quick_and_say_so() {
    let opts = AnalysisOptions::default();
    let a = analyze(&qs(QuorumSpec::Majority, 64), &opts);
    assert_close!(a.load_phase2, 33.0 / 64.0);
    assert!(a.availability_replicate > 0.999_999);
    // Weighted with 30 nodes: no enumeration; upper bound and sampled availability, noted.
    let w = qs(QuorumSpec::weighted(&[1; 30], 16, 16), 30);
    let a = analyze(&w, &opts);
    assert!(a.load_phase2 >= 16.0 / 30.0 - 1e-9 && a.load_phase2 <= 1.0);
    assert!(a.notes.iter().any(|n| n.contains("upper bound")));
    assert!(a.notes.iter().any(|n| n.contains("sampled")));
    // Weighted with 16 nodes: the exact program on thousands of quorums.
    let w = qs(QuorumSpec::weighted(&[1; 16], 9, 8), 16);
    let a = analyze(&w, &opts);
    assert_close!(a.load_phase2, 0.5);
}

#[test]
fn scenario_network_and_leader() {
    use fpaxos_sim::scenario::{Latency, LinkLatency};
    use fpaxos_sim::{Dur, Scenario};
    let mut s = Scenario::default();
    s.cluster.quorum = QuorumSpec::Counting { q1: 4, q2: 2 };
    s.cluster.initial_leader = Some(2);
    s.network.latency = Latency::Const { value: Dur::ms(10) };
    s.network.links = vec![LinkLatency {
        from: 2,
        to: 4,
        latency: Latency::Const { value: Dur::ms(1) },
        both: true,
    }];
    let a = analyze_scenario(&s, &AnalysisOptions::default()).unwrap();
    assert_close!(a.quorum_latency_ms_phase2, 2.0);
    assert_close!(a.quorum_latency_ms_phase1, 20.0);
    let m = latency_matrix_ms(&s);
    assert_close!(m[4][2], 1.0);
    assert_close!(m[0][1], 10.0);
    s.cluster.quorum = QuorumSpec::Counting { q1: 9, q2: 2 };
    assert!(analyze_scenario(&s, &AnalysisOptions::default()).is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]

    /// The optimal load lies between the size bound and the uniform strategy, and availability
    /// matches a direct sum over failure patterns.
    #[test]
    fn general_systems_are_bounded(
        ws in proptest::collection::vec(1u32..5, 2..9),
        a in 0.0f64..1.0,
        b in 0.0f64..1.0,
        f in 0.0f64..1.0,
        p in 0.0f64..0.5,
    ) {
        let n = ws.len();
        let total: u32 = ws.iter().sum();
        let q1 = 1 + (a * (total - 1) as f64) as u32;
        let q2 = 1 + (b * (total - 1) as f64) as u32;
        let q = qs(QuorumSpec::Weighted { weights: ws.clone(), q1, q2 }, n);
        let opts = AnalysisOptions { phase1_fraction: f, failure_prob: p, ..Default::default() };
        let r = analyze(&q, &opts);
        let m1 = q.minimal_quorums(fpaxos::Phase::One).unwrap();
        let m2 = q.minimal_quorums(fpaxos::Phase::Two).unwrap();
        let min1 = m1.iter().map(|s| s.len()).min().unwrap() as f64;
        let min2 = m2.iter().map(|s| s.len()).min().unwrap() as f64;
        // Lower bound: expected quorum size spread over n nodes.
        proptest::prop_assert!(r.load_phase2 >= min2 / n as f64 - 1e-7);
        proptest::prop_assert!(r.load_mixed >= (f * min1 + (1.0 - f) * min2) / n as f64 - 1e-7);
        // Upper bound: the uniform strategy over minimal quorums.
        let uni = |sets: &[NodeSet]| -> Vec<f64> {
            (0..n).map(|x| sets.iter().filter(|s| s.contains(x as u8)).count() as f64 / sets.len() as f64).collect()
        };
        let (u1, u2) = (uni(&m1), uni(&m2));
        let umax2 = u2.iter().cloned().fold(0.0, f64::max);
        let umix = (0..n).map(|x| f * u1[x] + (1.0 - f) * u2[x]).fold(0.0, f64::max);
        proptest::prop_assert!(r.load_phase2 <= umax2 + 1e-7);
        proptest::prop_assert!(r.load_mixed <= umix + 1e-7);
        proptest::prop_assert!(r.network_load_phase2 >= min2 - 1e-7 && r.network_load_phase2 <= n as f64 + 1e-7);
        // Availability by a direct sum.
        let mut direct = 0.0;
        for mask in 0u64..(1 << n) {
            let alive = NodeSet(mask);
            if q.is_q2(alive) {
                direct += (1.0 - p).powi(alive.len() as i32) * p.powi((n - alive.len()) as i32);
            }
        }
        proptest::prop_assert!((r.availability_replicate - direct).abs() < 1e-9);
        // Every minimal crash set blocks replication; removing any node from it unblocks.
        for c in r.blocking_replicate.unwrap() {
            let crashed = NodeSet::from_ids(c.iter().copied());
            proptest::prop_assert!(!q.is_q2(crashed.complement(n)));
            for i in &c {
                proptest::prop_assert!(q.is_q2(crashed.without(*i).complement(n)));
            }
        }
    }
}
