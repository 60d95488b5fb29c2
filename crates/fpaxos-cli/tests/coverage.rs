//! `fpaxos check` reports how many seeds reached each situation where bugs hide, and names
//! those no seed reached.

mod common;
use common::{fpaxos, words};

#[test]
fn check_names_the_situations_no_seed_reached() {
    // Seed 1 runs without a single election after the first: most situations are not reached.
    let out = fpaxos(&words("check --seeds 1 --start-seed 1"));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("NOT REACHED by any of these 1 seeds"),
        "{text}"
    );
    assert!(
        text.contains("a leader change with proposals in flight"),
        "{text}"
    );
    let out = fpaxos(&words("check --seeds 1 --start-seed 1 --json"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reach = &v["coverage"]["seeds_reaching"];
    assert_eq!(reach["leader_change_in_flight"], 0);
    assert_eq!(reach["q2_at_minimum"], 1);
    assert!(
        v["coverage"]["occurrences"]["q2_at_minimum"]
            .as_u64()
            .unwrap()
            > 100
    );
}

#[test]
fn forty_seeds_reach_every_situation() {
    let out = fpaxos(&words("check --seeds 40"));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("NOT REACHED"), "{text}");
    assert!(!text.contains(" never\n"), "{text}");
}
