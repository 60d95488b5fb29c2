//! Forgetting settled replies: the checks that make it sound, run on complete searches, and
//! rules planted wrong to see them fail.

use crate::config::ExploreConfig;
use crate::search::Explorer;
use crate::world::SettledRule;
use fpaxos::{Msg, PlantedBug, QuorumSpec};

/// Runs `cfg` to its end (or `max_states`) with `rule`, and returns the explorer.
fn search(cfg: ExploreConfig, rule: SettledRule) -> Explorer {
    let mut ex = Explorer::new(cfg).expect("config");
    ex.world_mut().settled_rule = rule;
    while !ex.run(1 << 20).done {}
    ex
}

fn configs() -> Vec<(&'static str, ExploreConfig)> {
    let base = ExploreConfig {
        max_states: 20_000_000,
        ..ExploreConfig::default()
    };
    vec![
        // The target: N = 3, majority, two ballots, two commands, to the end.
        ("ballots 2, commands 2", base.clone()),
        (
            "thrifty, a crash",
            ExploreConfig {
                thrifty: true,
                crashes: 1,
                commands: 1,
                ..base.clone()
            },
        ),
        (
            "thrifty, a timer",
            ExploreConfig {
                thrifty: true,
                timers: 1,
                commands: 1,
                ..base.clone()
            },
        ),
        (
            "two timers, no check-quorum",
            ExploreConfig {
                timers: 2,
                commands: 1,
                ballots: 1,
                check_quorum: false,
                ..base.clone()
            },
        ),
        (
            "pre-vote, three ballots",
            ExploreConfig {
                thrifty: true,
                pre_vote: true,
                ballots: 3,
                commands: 1,
                timers: 1,
                ..base.clone()
            },
        ),
        (
            "client sessions, a resend",
            ExploreConfig {
                thrifty: true,
                sessions: true,
                resends: 1,
                ..base.clone()
            },
        ),
        (
            "multiset, a drop and a dup",
            ExploreConfig {
                network: crate::config::Network::Multiset,
                thrifty: true,
                drops: 1,
                dups: 1,
                commands: 1,
                ..base.clone()
            },
        ),
        (
            "N = 4, 2/2 (unsafe)",
            ExploreConfig {
                nodes: 4,
                quorum: QuorumSpec::Counting { q1: 2, q2: 2 },
                ..base.clone()
            },
        ),
        (
            "accept below promise",
            ExploreConfig {
                planted: Some(PlantedBug::AcceptBelowPromise),
                ballots: 3,
                commands: 1,
                ..base.clone()
            },
        ),
        (
            "lowest-ballot value",
            ExploreConfig {
                planted: Some(PlantedBug::LowestBallotValue),
                ballots: 3,
                thrifty: true,
                ..base
            },
        ),
    ]
}

/// On every node step of each search above (complete, or to its violation): a reply settled
/// in a node state is settled in every state a step leads to, and every reply judged settled
/// had a quiet delivery. With these, forgetting settled replies keeps every state's futures.
#[test]
fn settled_replies_stay_settled() {
    for (name, cfg) in configs() {
        let mut ex = search(cfg, fpaxos::Node::ignores_for_good);
        let w = ex.world_mut();
        let pairs = w.settled_count();
        assert_eq!(w.settled_misses, 0, "{name}: settled but not quiet");
        let problems = w.settled_closure(3);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        assert!(pairs > 100, "{name}: only {pairs} replies settled");
    }
}

/// The checks catch rules planted wrong: "quiet now" (every reply whose delivery is quiet,
/// which a stale Prepare's is until its receiver promises more), a rule that forgets that a
/// heartbeat clears check-quorum's `heard`, and one that calls every message settled (its
/// deliveries are not all quiet).
#[test]
fn a_settled_rule_planted_wrong_is_caught() {
    let cfg = |timers| ExploreConfig {
        commands: 1,
        timers,
        max_states: 2_000_000,
        ..ExploreConfig::default()
    };
    let quiet_now: SettledRule = |_, _, _, _| true;
    let mut ex = search(cfg(0), quiet_now);
    assert!(
        ex.world_mut().settled_misses > 0,
        "not every delivery is quiet"
    );
    let problems = ex.world_mut().settled_closure(3);
    assert!(!problems.is_empty(), "quiet now is not quiet forever");

    let no_timers: SettledRule = |n, from, m, _| n.ignores_for_good(from, m, false);
    let mut ex = search(cfg(1), no_timers);
    assert_eq!(ex.world_mut().settled_misses, 0);
    let problems = ex.world_mut().settled_closure(3);
    assert!(!problems.is_empty(), "a heartbeat clears `heard`");

    let prepares_too: SettledRule =
        |n, from, m, t| matches!(m, Msg::Prepare(_)) || n.ignores_for_good(from, m, t);
    let mut ex = search(cfg(0), prepares_too);
    let problems = ex.world_mut().settled_closure(3);
    assert!(
        problems.iter().any(|p| p.starts_with("Prepare")),
        "a Prepare redelivered after a higher promise draws a Nack: {problems:#?}"
    );
}
