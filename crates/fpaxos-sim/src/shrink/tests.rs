use super::*;
use crate::scenario::Fault;
use crate::swarm;

/// A swarm scenario with many faults, and a predicate that "fails" exactly when two particular
/// faults are both present: delta debugging must find those two and drop the rest.
#[test]
fn keeps_exactly_the_faults_the_failure_needs() {
    let s = (1..200)
        .map(swarm::scenario_for_seed)
        .find(|s| s.faults.len() >= 20 && s.cluster.nodes >= 3)
        .expect("a busy seed");
    let (a, b) = (s.faults[3].clone(), s.faults[s.faults.len() - 5].clone());
    let needs = |c: &Scenario| c.faults.contains(&a) && c.faults.contains(&b);
    let mut runs = 0;
    let out = shrink(&s, 10_000, &mut |cands: &[Scenario]| {
        runs += cands.len();
        cands.iter().map(needs).collect()
    });
    assert_eq!(out.scenario.faults, vec![a, b]);
    assert_eq!(out.runs as usize, runs);
    assert!(!out.budget_exhausted);
    assert!(out.scenario.validate().is_ok());
    assert!(
        out.removed.iter().any(|r| r.starts_with("faults: ")),
        "{:?}",
        out.removed
    );
    // Everything the predicate does not need is gone too: one client, no noise.
    assert_eq!(out.scenario.workload.clients, 1);
    assert_eq!(out.scenario.network.loss, 0.0);
    assert!(matches!(
        out.scenario.network.latency,
        Latency::Const { .. }
    ));
}

#[test]
fn a_candidate_that_does_not_fail_is_never_taken() {
    let s = swarm::scenario_for_seed(7);
    // Nothing smaller fails: the original comes back unchanged, with nothing removed.
    let out = shrink(&s, 10_000, &mut |c: &[Scenario]| vec![false; c.len()]);
    assert_eq!(out.scenario, s);
    assert!(out.removed.is_empty());
    assert!(out.runs > 0);
}

#[test]
fn the_budget_bounds_the_runs_and_is_reported() {
    let s = swarm::scenario_for_seed(11);
    let out = shrink(&s, 5, &mut |c: &[Scenario]| vec![true; c.len()]);
    assert!(out.runs <= 5, "{} runs", out.runs);
    assert!(out.budget_exhausted);
}

#[test]
fn removing_a_node_drops_its_faults_and_keeps_the_quorum_rule() {
    let mut s = Scenario::default();
    s.set_nodes(5);
    s.cluster.quorum = QuorumSpec::Counting { q1: 3, q2: 2 };
    s.faults = vec![
        Fault {
            at: Dur::ms(10),
            action: FaultAction::Crash { node: 4 },
        },
        Fault {
            at: Dur::ms(20),
            action: FaultAction::Partition {
                groups: vec![vec![0, 4], vec![1, 2, 3]],
            },
        },
        Fault {
            at: Dur::ms(30),
            action: FaultAction::Crash { node: 1 },
        },
    ];
    let c = fewer_nodes(&s).pop().expect("5 -> 4 fits Q1 3, Q2 2");
    assert_eq!(c.cluster.nodes, 4);
    assert_eq!(c.cluster.quorum, s.cluster.quorum);
    assert_eq!(c.faults.len(), 2);
    assert_eq!(
        c.faults[0].action,
        FaultAction::Partition {
            groups: vec![vec![0], vec![1, 2, 3]]
        }
    );
    c.validate().unwrap();
    // Q1 = 4 of 4 cannot lose a node without changing the rule.
    s.cluster.quorum = QuorumSpec::Counting { q1: 5, q2: 1 };
    assert!(fewer_nodes(&s).is_empty());
}

#[test]
fn failure_kinds_are_told_apart() {
    let mut unsafe_split = None;
    for seed in 1..200 {
        let pins = swarm::Pins {
            nodes: Some(5),
            quorum: Some(QuorumSpec::Counting { q1: 2, q2: 2 }),
            allow_unsafe: true,
            ..swarm::Pins::default()
        };
        let s = swarm::generate(seed, &pins);
        let r = crate::run(&s).unwrap();
        if let Some(f) = Failure::of(&r) {
            unsafe_split = Some((s, r, f));
            break;
        }
    }
    let (_, r, f) = unsafe_split.expect("N = 5, Q1 = Q2 = 2 splits brains within 200 seeds");
    assert!(matches!(f, Failure::Safety(_)));
    assert!(f.matches(&r));
    assert!(
        !Failure::Liveness.matches(&r),
        "a stall must keep safety intact"
    );
    let calm = crate::run(&Scenario::default()).unwrap();
    assert_eq!(Failure::of(&calm), None);
    assert!(!f.matches(&calm));
}

/// The lines of what was removed read as people write times, not as the JSON's exact forms
/// (`3254924us`, `2240500ns`).
#[test]
fn removed_lines_give_readable_times() {
    let mut a = Scenario {
        duration: Dur::us(3_254_924),
        ..Scenario::default()
    };
    a.network.latency = Latency::Normal {
        mean: Dur::us(8962),
        stddev: Dur(2_240_500),
    };
    a.cpu.per_recv = Dur(12_345);
    let mut b = a.clone();
    b.duration = Dur::ms(1830);
    b.network.latency = Latency::Const {
        value: typical(&a.network.latency),
    };
    b.cpu.per_recv = Dur(0);
    b.cluster.window = a.cluster.window + 3;
    assert_eq!(
        changes(&a, &b),
        [
            "duration: 3.255s -> 1.83s",
            "latency: normal:8.962ms,2.241ms -> const:8.962ms",
            format!(
                "cpu: recv 12.345us send {0} -> recv 0 send {0}",
                a.cpu.per_send.readable()
            )
            .as_str(),
            format!("window: {} -> {}", a.cluster.window, b.cluster.window).as_str(),
        ]
    );
}
