//! The memory a search counts (what `--max-memory` stops by): the world's heap counters, kept
//! as its tables grow, against the tables walked.

use crate::config::{ExploreConfig, Network};
use crate::search::Explorer;
use fpaxos::QuorumSpec;

/// Searches of several kinds, to `max_states` states: the set and multiset networks, timers
/// that fire, a crash, an unsafe quorum that ends in a violation.
fn searches(max_states: u64) -> [ExploreConfig; 4] {
    let base = ExploreConfig {
        max_states,
        ..ExploreConfig::default()
    };
    [
        base.clone(),
        ExploreConfig {
            thrifty: true,
            timers: 1,
            crashes: 1,
            commands: 1,
            ..base.clone()
        },
        ExploreConfig {
            network: Network::Multiset,
            drops: 1,
            dups: 1,
            commands: 1,
            ..base.clone()
        },
        ExploreConfig {
            nodes: 4,
            quorum: QuorumSpec::Counting { q1: 2, q2: 2 },
            ..base
        },
    ]
}

/// After searches of several kinds (the set and multiset networks, timers that fire, a crash,
/// an unsafe quorum that ends in a violation), each heap counter equals its tables walked.
#[test]
fn the_worlds_heap_counters_match_its_tables() {
    for cfg in searches(200_000) {
        let mut ex = Explorer::new(cfg.clone()).expect("config");
        while !ex.run(1 << 16).done {}
        for (name, counted, walked) in ex.world_mut().heap_counted_and_walked() {
            // The multiset network keeps no quiet bits: a delivery consumes its message.
            let none = name == "quiet bits" && cfg.network == Network::Multiset;
            assert_eq!(walked == 0, none, "{name}: {walked} bytes in {cfg:?}");
            assert_eq!(counted, walked, "{name} in {cfg:?}");
        }
    }
}

/// Every table the world counts adds to the count, and none is counted as falling: run in
/// small steps, each part of [`World::memory_parts`](crate::world::World::memory_parts) only
/// grows, and every table the search used holds bytes at its end.
#[test]
fn each_table_of_the_world_adds_to_its_count() {
    for cfg in searches(50_000) {
        let mut ex = Explorer::new(cfg.clone()).expect("config");
        let mut before = ex.world_mut().memory_parts();
        loop {
            let done = ex.run(64).done;
            let now = ex.world_mut().memory_parts();
            for ((name, was, _), (_, is, _)) in before.iter().zip(&now) {
                assert!(is >= was, "{name} fell from {was} to {is} bytes in {cfg:?}");
            }
            before = now;
            if done {
                break;
            }
        }
        for (name, bytes, _) in before {
            // The multiset network marks no networks and keeps no quiet bits (a delivery
            // consumes its message).
            let unused = cfg.network == Network::Multiset
                && (name == "network marks" || name == "quiet bits");
            assert_eq!(bytes == 0, unused, "{name}: {bytes} bytes in {cfg:?}");
        }
    }
}
