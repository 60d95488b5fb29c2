//! The memory a search counts (what `--max-memory` stops by): the world's heap counters, kept
//! as its tables grow, against the tables walked.

use crate::config::{ExploreConfig, Network};
use crate::search::{Explorer, Tables};
use crate::world::Growth;
use fpaxos::QuorumSpec;
use std::collections::BTreeMap;

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

/// The budget's test, exactly: before a state is admitted it reserves the tree's and the
/// world's next growth, and, when the seen set is full, the doubled set beside the old one
/// (twice the set's bytes); a budget of exactly that much admits, a byte less stops. Checked
/// with the set full and not full, and with the tree about to grow.
#[test]
fn the_budget_reserves_each_tables_next_growth() {
    let mut ex = Explorer::new(ExploreConfig::default()).expect("config");
    let (mut full, mut not_full, mut tree_grows) = (0, 0, 0);
    while full < 3 || not_full < 3 || tree_grows < 3 {
        assert!(!ex.run(1).done, "the search ended first");
        let tables = Tables::of(&ex);
        let (world, world_growth) = ex.world.memory_and_growth();
        assert_eq!(world, ex.world.memory_bytes());
        let mut need = tables.bytes() + ex.tree.growth_bytes() + world_growth;
        assert!(world_growth > 0);
        tree_grows += usize::from(ex.tree.growth_bytes() > 0);
        if ex.seen.is_full() {
            need += 2 * ex.seen.bytes();
            full += 1;
        } else {
            not_full += 1;
        }
        assert!(tables.would_outgrow(need - 1), "{need} bytes needed");
        assert!(!tables.would_outgrow(need), "{need} bytes needed");
    }
}

/// Each table grows in one expansion (all the transitions between two asks of the budget) by
/// no more than the budget reserved for it before: a list adds at most its bytes again, a
/// map's new table (held beside the old one while it rehashes) is at most its reservation, no
/// memo row holds more than a row's reservation, and a table allocated whole never grows.
/// Lists and maps under 4 KiB are left out: one expansion may double them twice, which the
/// larger tables' reservations cover. Each table that grows past that in these searches is
/// checked at least once.
#[test]
fn each_tables_growth_stays_within_its_reservation() {
    const SMALL: u64 = 4096;
    let mut checked: BTreeMap<&str, u32> = BTreeMap::new();
    for cfg in searches(50_000) {
        let mut ex = Explorer::new(cfg.clone()).expect("config");
        let mut before = ex.world_mut().memory_parts();
        loop {
            let done = ex.run(1).done;
            let world = ex.world_mut();
            let now = world.memory_parts();
            for (&(name, was, how), &(_, is, _)) in before.iter().zip(&now) {
                let added = match how {
                    Growth::Doubles if is > was && was >= SMALL => is - was,
                    Growth::Rehashes if is > was && was >= SMALL => is,
                    Growth::PiecesUpTo(_) => world.largest_row_bytes(),
                    Growth::Fixed => {
                        assert_eq!(is, was, "{name} grew, in {cfg:?}");
                        continue;
                    }
                    _ => continue,
                };
                let reserved = how.reserve(was);
                assert!(
                    added <= reserved,
                    "{name}: {}, {reserved} reserved, in {cfg:?}",
                    // A memo row is held to a row's reservation, not to the rows' total.
                    match how {
                        Growth::PiecesUpTo(_) => format!("the largest row holds {added} bytes"),
                        _ => format!("{added} bytes at once (from {was})"),
                    }
                );
                *checked.entry(name).or_default() += 1;
            }
            before = now;
            if done {
                break;
            }
        }
    }
    for name in [
        "node ids",
        "envelope ids",
        "memo rows",
        "memo",
        "steps",
        "envelopes",
    ] {
        assert!(
            checked.contains_key(name),
            "{name} was never checked: {checked:?}"
        );
    }
}
