use super::*;

fn qs(spec: QuorumSpec, n: usize) -> QuorumSystem {
    QuorumSystem::new(&spec, n).expect("valid")
}

#[test]
fn majority_and_counting() {
    let m = qs(QuorumSpec::Majority, 5);
    assert!(m.is_safe());
    assert_eq!(
        m.fault_tolerance(),
        FaultTolerance {
            elect: 2,
            replicate: 2
        }
    );
    let c = qs(QuorumSpec::Counting { q1: 4, q2: 2 }, 5);
    assert!(c.is_safe());
    assert_eq!(
        c.fault_tolerance(),
        FaultTolerance {
            elect: 1,
            replicate: 3
        }
    );
    let bad = qs(QuorumSpec::Counting { q1: 2, q2: 2 }, 5);
    let ce = bad.check_intersection().unwrap_err();
    assert!(!ce.q1.intersects(ce.q2));
    assert!(bad.is_q1(ce.q1) && bad.is_q2(ce.q2));
    let trap = qs(QuorumSpec::Counting { q1: 3, q2: 3 }, 6);
    assert!(!trap.is_safe());
}

#[test]
fn labels_name_the_quorum_sizes() {
    let labels: Vec<String> = [
        QuorumSpec::Majority,
        QuorumSpec::Counting { q1: 4, q2: 2 },
        QuorumSpec::Grid {
            rows: 2,
            cols: 3,
            q1: GridAxis::Row,
        },
        QuorumSpec::Grid {
            rows: 2,
            cols: 3,
            q1: GridAxis::Column,
        },
    ]
    .iter()
    .map(|q| q.label(5))
    .collect();
    assert_eq!(
        labels,
        [
            "majority (3/3)",
            "Q1=4 Q2=2",
            "grid 2x3 (Q1 row, Q2 column)",
            "grid 2x3 (Q1 column, Q2 row)"
        ]
    );
}

#[test]
fn grid() {
    let g = qs(QuorumSpec::grid(5, 4, GridAxis::Row), 20);
    assert!(g.is_safe());
    assert!(g.is_q1(NodeSet::from_ids([4, 5, 6, 7])));
    assert!(!g.is_q1(NodeSet::from_ids([3, 4, 5, 6])));
    assert!(g.is_q2(NodeSet::from_ids([1, 5, 9, 13, 17])));
    // Elections need a full row: killing one node per row (5) blocks them.
    assert_eq!(
        g.fault_tolerance(),
        FaultTolerance {
            elect: 4,
            replicate: 3
        }
    );
    assert_eq!(
        g.pick(Phase::Two, 6, 0..20, NodeSet::EMPTY),
        Some(NodeSet::from_ids([2, 6, 10, 14, 18]))
    );
    assert!(QuorumSystem::new(
        &QuorumSpec::Grid {
            rows: 2,
            cols: 2,
            q1: GridAxis::Row
        },
        5
    )
    .is_err());
}

#[test]
fn weighted() {
    let w = qs(QuorumSpec::weighted(&[3, 1, 1, 1, 1], 4, 4), 5);
    assert!(w.is_safe()); // 4 + 4 > 7
    assert_eq!(w.fault_tolerance().replicate, 1); // losing node 0 leaves 4, losing 0 and 1 leaves 3
    let u = qs(QuorumSpec::weighted(&[3, 1, 1, 1, 1], 3, 4), 5);
    let ce = u.check_intersection().unwrap_err();
    assert!(!ce.q1.intersects(ce.q2) && u.is_q1(ce.q1) && u.is_q2(ce.q2));
}

#[test]
fn explicit() {
    let e = qs(
        QuorumSpec::explicit(&[&[0, 1], &[2, 3]], &[&[0, 2], &[1, 3]]),
        4,
    );
    assert!(e.is_safe());
    assert_eq!(e.fault_tolerance().elect, 1);
    assert_eq!(e.fault_tolerance().replicate, 1);
    let bad = qs(QuorumSpec::explicit(&[&[0, 1]], &[&[2, 3]]), 4);
    assert!(bad.check_intersection().is_err());
}

#[test]
fn blocking_sets_per_shape_and_phase() {
    // Weighted 3,1,1,1,1 with Q1 >= 5 and Q2 >= 3 (of 7): losing the heavy node blocks
    // phase 1; phase 2 survives it and one more.
    let w = qs(QuorumSpec::weighted(&[3, 1, 1, 1, 1], 5, 3), 5);
    assert_eq!(
        (w.min_blocking(Phase::One), w.min_blocking(Phase::Two)),
        (1, 3)
    );
    // Explicit quorums that all share node 0: node 0 alone blocks phase 1, whatever the list's
    // length (the grid's one-node-per-row shortcut does not apply).
    let star = qs(
        QuorumSpec::explicit(&[&[0, 1], &[0, 2], &[0, 3]], &[&[0, 1, 2, 3]]),
        4,
    );
    assert_eq!(star.min_blocking(Phase::One), 1);
    // A 64-node grid answers from its shape: one node per row (8) or per column (8). A search
    // over subsets would take hours here.
    let g = qs(QuorumSpec::grid(8, 8, GridAxis::Row), 64);
    assert_eq!(
        g.fault_tolerance(),
        FaultTolerance {
            elect: 7,
            replicate: 7
        }
    );
}

#[test]
fn shrink_keeps_the_given_node_and_minimal_quorums_are_minimal() {
    let c = qs(QuorumSpec::Counting { q1: 2, q2: 2 }, 5);
    let all = NodeSet::all(5);
    assert_eq!(c.shrink(Phase::Two, all, Some(4)).to_vec(), vec![0, 4]);
    assert_eq!(c.shrink(Phase::Two, all, None).to_vec(), vec![0, 1]);
    let m = qs(QuorumSpec::Counting { q1: 2, q2: 3 }, 3);
    let sets = |p| -> Vec<Vec<NodeId>> {
        let q = m.minimal_quorums(p).expect("small");
        q.into_iter().map(|s| s.to_vec()).collect()
    };
    assert_eq!(sets(Phase::One), vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
    assert_eq!(sets(Phase::Two), vec![vec![0, 1, 2]]);
    assert_eq!(
        qs(QuorumSpec::Majority, 21).minimal_quorums(Phase::One),
        None
    );
    // Twenty nodes is the limit (2^20 subsets); all twenty form the one minimal quorum here.
    let twenty = qs(QuorumSpec::Counting { q1: 20, q2: 20 }, 20);
    assert_eq!(
        twenty.minimal_quorums(Phase::Two),
        Some(vec![NodeSet::all(20)])
    );
}

#[test]
fn subsets_of_size_lists_each_subset_once_in_mask_order() {
    for n in 0..7usize {
        for k in 0..=n + 1 {
            let got: Vec<u64> = subsets_of_size(n, k).map(|s| s.0).collect();
            let want: Vec<u64> = (0u64..1 << n)
                .filter(|m| m.count_ones() as usize == k)
                .collect();
            assert_eq!(got, want, "n={n} k={k}");
        }
    }
}

#[test]
fn smallest_quorums_per_phase_and_minimal_counterexamples() {
    let e = qs(
        QuorumSpec::explicit(&[&[0, 1, 2], &[1, 2, 3]], &[&[1, 3]]),
        4,
    );
    assert_eq!((e.smallest(Phase::One), e.smallest(Phase::Two)), (3, 2));
    // The counting counterexample is two minimal quorums: the first q1 ids and the last q2.
    let bad = qs(QuorumSpec::Counting { q1: 2, q2: 2 }, 5);
    let ce = bad.check_intersection().unwrap_err();
    assert_eq!((ce.q1.to_vec(), ce.q2.to_vec()), (vec![0, 1], vec![3, 4]));
}

#[test]
fn pick_thrifty() {
    let c = qs(QuorumSpec::Counting { q1: 4, q2: 2 }, 5);
    let p = c.pick(Phase::Two, 2, [3, 4, 0, 1], NodeSet::EMPTY).unwrap();
    assert_eq!(p, NodeSet::from_ids([2, 3]));
    let p = c
        .pick(Phase::Two, 2, [3, 4, 0, 1], NodeSet::single(3))
        .unwrap();
    assert_eq!(p, NodeSet::from_ids([2, 4]));
    assert!(c
        .pick(Phase::One, 2, [3, 4, 0, 1], NodeSet::from_ids([3, 4]))
        .is_none());
}

#[test]
fn cli_parse() {
    assert_eq!(QuorumSpec::parse_cli("majority"), Ok(QuorumSpec::Majority));
    assert_eq!(
        QuorumSpec::parse_cli("4,2"),
        Ok(QuorumSpec::Counting { q1: 4, q2: 2 })
    );
    assert_eq!(
        QuorumSpec::parse_cli("grid:2x3:col"),
        Ok(QuorumSpec::Grid {
            rows: 2,
            cols: 3,
            q1: GridAxis::Column
        })
    );
    assert!(QuorumSpec::parse_cli("bogus").is_err());
}

#[test]
fn shape_and_smallest_come_from_the_spec() {
    let g = qs(QuorumSpec::grid(2, 3, GridAxis::Row), 6);
    assert_eq!(g.shape().name(), "grid");
    assert_eq!((g.smallest(Phase::One), g.smallest(Phase::Two)), (3, 2));
    let m = qs(QuorumSpec::Majority, 5);
    assert_eq!(*m.shape(), QuorumShape::Majority);
    assert_eq!(m.smallest(Phase::Two), 3);
    let w = qs(QuorumSpec::weighted(&[3, 1, 1, 1], 4, 3), 4);
    assert_eq!((w.smallest(Phase::One), w.smallest(Phase::Two)), (2, 1));
    let e = QuorumSystem::new(&QuorumSpec::Counting { q1: 0, q2: 9 }, 5).unwrap_err();
    assert_eq!(e.problems().len(), 2);
    assert_eq!(
        e.to_string(),
        "Q1 size must be between 1 and 5, got 0\nQ2 size must be between 1 and 5, got 9"
    );
}

#[test]
fn subsets() {
    assert_eq!(subsets_of_size(5, 2).count(), 10);
    assert_eq!(subsets_of_size(5, 0).count(), 1);
    assert_eq!(subsets_of_size(3, 4).count(), 0);
}

proptest::proptest! {
    #[test]
    fn to_cli_round_trips_parse_cli(k in 0usize..3, a in 0u32..100, b in 0u32..100, col in proptest::bool::ANY) {
        let spec = match k {
            0 => QuorumSpec::Majority,
            1 => QuorumSpec::Counting { q1: a, q2: b },
            _ => QuorumSpec::Grid { rows: a, cols: b, q1: if col { GridAxis::Column } else { GridAxis::Row } },
        };
        let text = spec.to_cli().expect("has a text form");
        proptest::prop_assert_eq!(QuorumSpec::parse_cli(&text), Ok(spec));
    }

    #[test]
    fn counting_intersection_matches_rule(n in 1usize..12, q1 in 1u32..12, q2 in 1u32..12) {
        proptest::prop_assume!(q1 as usize <= n && q2 as usize <= n);
        let s = qs(QuorumSpec::Counting { q1, q2 }, n);
        proptest::prop_assert_eq!(s.is_safe(), (q1 + q2) as usize > n);
        // Brute force agrees on fault tolerance.
        let ft = s.fault_tolerance();
        proptest::prop_assert_eq!(ft.replicate, n - q2 as usize);
        proptest::prop_assert_eq!(ft.elect, n - q1 as usize);
    }

    #[test]
    fn weighted_intersection_brute_force(ws in proptest::collection::vec(1u32..5, 1..8), a in 1u32..20, b in 1u32..20) {
        let total: u32 = ws.iter().sum();
        proptest::prop_assume!(a <= total && b <= total);
        let n = ws.len();
        let s = qs(QuorumSpec::Weighted { weights: ws, q1: a, q2: b }, n);
        let mut brute_safe = true;
        for m in 0u64..(1 << n) {
            let x = NodeSet(m);
            if s.is_q1(x) && s.is_q2(x.complement(n)) { brute_safe = false; }
        }
        proptest::prop_assert_eq!(s.is_safe(), brute_safe);
        if let Err(ce) = s.check_intersection() {
            proptest::prop_assert!(s.is_q1(ce.q1) && s.is_q2(ce.q2) && !ce.q1.intersects(ce.q2));
        }
    }
}
