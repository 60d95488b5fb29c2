use super::*;
use crate::sweep::row::PointStatus;
use crate::sweep::{points_checked, Knob, SweepSpec};
use fpaxos::quorum::QuorumSpec;

/// Five nodes, 3 s runs (the fault at 1 s leaves 2 s to recover: far above the liveness bound).
fn base(quorum: QuorumSpec) -> Scenario {
    let mut s = Scenario {
        duration: Dur::secs(3),
        ..Scenario::default()
    };
    s.cluster.quorum = quorum;
    s
}

fn outcomes(s: &Scenario, plan: FaultPlan, seeds: u32) -> Vec<SeedOutcome> {
    let exp = Experiment {
        seeds,
        ..Experiment::new(plan)
    };
    exp.check(s).unwrap();
    (0..seeds)
        .map(|i| SeedRun::new(s, &exp, i).unwrap().run())
        .collect()
}

const FOUR_TWO: QuorumSpec = QuorumSpec::Counting { q1: 4, q2: 2 };

#[test]
fn majority_recovers_from_two_random_crashes_in_every_seed() {
    let out = outcomes(&base(QuorumSpec::Majority), FaultPlan::Crash { k: 2 }, 10);
    assert!(out.iter().all(|o| o.recovered), "{out:#?}");
    assert!(out.iter().all(|o| o.hit.len() == 2 && o.leader == Some(0)));
    // Both kinds of seed occur: the leader among the crashed (an election) and not.
    let hit: Vec<&SeedOutcome> = out.iter().filter(|o| o.leader_hit).collect();
    assert!(!hit.is_empty() && hit.len() < out.len());
    for o in &hit {
        assert!(o.leader_lost);
        let elect = o.elect_ms.unwrap();
        let commit = o.first_commit_ms.unwrap();
        assert!(elect > 0.0 && commit >= elect, "{o:?}");
    }
    for o in out.iter().filter(|o| !o.leader_hit) {
        assert!(!o.leader_lost && o.elect_ms.is_none(), "{o:?}");
    }
}

/// The replicate-only window: with Q1=4, Q2=2 on five nodes, two crashes leave a Q2 but no Q1.
#[test]
fn counting_4_2_keeps_replicating_after_two_crashes_but_cannot_elect() {
    let s = base(FOUR_TWO);
    let out = outcomes(&s, FaultPlan::Crash { k: 2 }, 10);
    let (hit, kept): (Vec<_>, Vec<_>) = out.iter().partition(|o| o.leader_hit);
    assert!(!hit.is_empty() && !kept.is_empty());
    for o in kept {
        assert!(
            o.recovered && !o.leader_lost,
            "leader kept: still commits: {o:?}"
        );
        assert!(o.first_commit_ms.unwrap() < 50.0, "{o:?}");
    }
    for o in hit {
        assert!(o.leader_lost && o.elect_ms.is_none(), "no election: {o:?}");
        assert!(!o.recovered && o.first_commit_ms.is_none(), "{o:?}");
    }
    let exp = Experiment {
        seeds: 6,
        ..Experiment::new(FaultPlan::CrashLeader { k: 2 })
    };
    let lost = run_point(Knob::Quorum, "4/2", &Ok(s), &exp);
    assert_eq!((lost.recovered, lost.elected), (Some(0), Some(0)));
    assert_eq!(lost.leader_lost, Some(6));
    assert_eq!((lost.elect_p50_ms, lost.commit_p99_ms), (None, None));
    let csv = lost.csv_line();
    assert!(csv.contains(",never,never,never,never,"), "{csv}");
    let maj = run_point(
        Knob::Quorum,
        "majority",
        &Ok(base(QuorumSpec::Majority)),
        &exp,
    );
    assert_eq!(maj.recovered_frac, Some(1.0));
    assert!(maj.elect_p99_ms.unwrap() < maj.commit_p99_ms.unwrap());
}

#[test]
fn a_seed_that_never_recovers_counts_as_not_recovered() {
    // Three crashes of five leave no majority: whatever replies were on their way when the
    // leader died, nothing completes after the fault.
    let s = base(QuorumSpec::Majority);
    let out = outcomes(&s, FaultPlan::Crash { k: 3 }, 6);
    assert!(
        out.iter()
            .all(|o| !o.recovered && o.first_commit_ms.is_none()),
        "{out:#?}"
    );
    let exp = Experiment {
        seeds: 6,
        ..Experiment::new(FaultPlan::Crash { k: 3 })
    };
    let row = run_point(Knob::Quorum, "majority", &Ok(s), &exp);
    assert_eq!((row.recovered, row.recovered_frac), (Some(0), Some(0.0)));
    assert!(row.unavailable_mean_ms.unwrap() > 1900.0, "{row:?}");
}

#[test]
fn same_inputs_same_numbers_and_same_faults_across_quorums() {
    let exp = Experiment {
        seeds: 4,
        ..Experiment::new(FaultPlan::Crash { k: 2 })
    };
    let spec = SweepSpec::parse("quorum=majority,4/2").unwrap();
    let pts = points_checked(&base(QuorumSpec::Majority), &spec);
    let rows = |_: ()| -> Vec<Row> {
        pts.iter()
            .map(|(l, p)| run_point(spec.knob, l, p, &exp))
            .collect()
    };
    let (a, b) = (rows(()), rows(()));
    assert_eq!(a, b);
    assert_eq!(a[0].quorum, "majority (3/3)");
    assert_eq!((a[1].q1, a[1].q2), (Some(4), Some(2)));
    let maj = outcomes(&base(QuorumSpec::Majority), FaultPlan::Crash { k: 2 }, 4);
    let fpx = outcomes(&base(FOUR_TWO), FaultPlan::Crash { k: 2 }, 4);
    for (m, f) in maj.iter().zip(&fpx) {
        assert_eq!((m.seed, &m.hit), (f.seed, &f.hit));
    }
    assert_ne!(maj[0].seed, maj[1].seed);
}

#[test]
fn slices_give_the_same_outcome_as_one_run() {
    let s = base(QuorumSpec::Majority);
    let exp = Experiment {
        seeds: 1,
        ..Experiment::new(FaultPlan::Pattern {
            pattern: Pattern::ConstrainedElection,
        })
    };
    let whole = SeedRun::new(&s, &exp, 0).unwrap().run();
    let mut sliced = SeedRun::new(&s, &exp, 0).unwrap();
    let mut frames = 0;
    while !sliced.step(500) {
        frames += 1;
        assert!(sliced.progress() < 1.0);
    }
    assert!(frames > 10);
    assert_eq!(sliced.outcome(), Some(&whole));
}

#[test]
fn patterns_cut_links_around_the_leader() {
    for pattern in Pattern::ALL {
        let s = base(QuorumSpec::Majority);
        let exp = Experiment {
            seeds: 2,
            ..Experiment::new(FaultPlan::Pattern { pattern })
        };
        let mut run = SeedRun::new(&s, &exp, 0).unwrap();
        while !run.step(u64::MAX) {}
        let o = run.outcome().unwrap().clone();
        let hub = o.hit[0];
        assert_ne!(Some(hub), o.leader, "{pattern:?}");
        let cuts: Vec<(u32, u32)> = run
            .sim
            .scenario()
            .faults
            .iter()
            .filter_map(|f| match f.action {
                FaultAction::CutLink { from, to, .. } if f.at == exp.fault_at => Some((from, to)),
                _ => None,
            })
            .collect();
        match pattern {
            // Every pair of the four other nodes: 6 links; none touches C.
            Pattern::QuorumLoss | Pattern::ConstrainedElection => {
                assert_eq!(cuts.len(), 6);
                assert!(cuts.iter().all(|&(a, b)| a != hub && b != hub));
            }
            Pattern::Chained => assert_eq!(cuts, [(0, hub)]),
        }
        let row = run_point(Knob::Quorum, "majority", &Ok(s), &exp);
        assert_eq!(row.status, PointStatus::Ok);
        assert_eq!(row.fault, pattern.name());
    }
}

#[test]
fn bad_experiments_are_refused_with_a_sentence() {
    let s = base(QuorumSpec::Majority);
    let bad = [
        Experiment::new(FaultPlan::Crash { k: 6 }),
        Experiment::new(FaultPlan::CrashLeader { k: 0 }),
        Experiment {
            seeds: 0,
            ..Experiment::new(FaultPlan::Crash { k: 1 })
        },
        Experiment {
            fault_at: Dur::secs(3),
            ..Experiment::new(FaultPlan::Crash { k: 1 })
        },
    ];
    for exp in bad {
        let e = exp.check(&s).unwrap_err();
        assert!(!e.is_empty() && !e.contains('\n'), "{e}");
        let row = run_point(Knob::Quorum, "majority", &Ok(s.clone()), &exp);
        assert_eq!(row.status, PointStatus::Invalid);
        assert_eq!(row.error.as_deref(), Some(e.as_str()));
    }
    let mut small = s.clone();
    small.set_nodes(2);
    let chained = FaultPlan::Pattern {
        pattern: Pattern::Chained,
    };
    assert!(Experiment::new(chained).check(&small).is_err());
    assert!(Pattern::parse("split-brain")
        .unwrap_err()
        .contains("quorum-loss"));
    assert_eq!(Pattern::parse("Quorum_Loss"), Ok(Pattern::QuorumLoss));
    let unsafe_pt = Ok(base(QuorumSpec::Counting { q1: 2, q2: 2 }));
    let row = run_point(Knob::Quorum, "2/2", &unsafe_pt, &Experiment::new(chained));
    assert_eq!(row.status, PointStatus::SkippedUnsafe);
}
