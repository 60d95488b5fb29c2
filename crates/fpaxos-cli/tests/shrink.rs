//! `fpaxos check --shrink`: a failing swarm seed shrinks to a small scenario that `fpaxos run`
//! replays with the same failure.

mod common;
use common::{fpaxos, fpaxos_stdin, json, words};
use serde_json::Value;

/// Runs the shrunk scenario with `plant` and returns `fpaxos run --json`'s exit code and report.
fn replay(scenario: &Value, plant: Option<&str>) -> (Option<i32>, Value) {
    let mut args = vec!["run", "-", "--json"];
    if let Some(p) = plant {
        args.extend(["--plant", p]);
    }
    let out = fpaxos_stdin(&args, scenario.to_string());
    (out.status.code(), json(&out))
}

/// The target: the phase-1 bug (value recovery keeps the lowest ballot's value), found
/// by the swarm as a stall at seed 1447, shrinks to at most 3 faults, and the shrunk scenario
/// still stalls with the bug and runs clean without it.
#[test]
fn the_phase1_bug_shrinks_to_a_few_faults_and_replays() {
    let line = "check --start-seed 1447 --seeds 1 --plant lowest-ballot-value --shrink --json";
    let out = fpaxos(&words(line));
    assert_eq!(out.status.code(), Some(3), "a stall");
    let v = json(&out);
    let shrunk = &v["shrunk"];
    assert_eq!(shrunk["seed"], 1447);
    assert_eq!(shrunk["failure"], "a liveness stall");
    let before = v["failing"][0]["scenario"]["faults"]
        .as_array()
        .unwrap()
        .len();
    let faults = shrunk["scenario"]["faults"].as_array().unwrap().len();
    assert!(faults <= 3, "{faults} faults left of {before}");
    assert!(
        shrunk["removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == &Value::from(format!("faults: {before} -> {faults}"))),
        "{}",
        shrunk["removed"]
    );
    let (code, report) = replay(&shrunk["scenario"], Some("lowest-ballot-value"));
    assert_eq!(code, Some(3), "the shrunk scenario stalls with the bug");
    assert_eq!(report["liveness"]["ok"], false);
    let (code, report) = replay(&shrunk["scenario"], None);
    assert_eq!(
        code,
        Some(0),
        "and runs clean without it: {}",
        report["liveness"]
    );
}

/// Unsafe quorums split the brain; the shrunk scenario splits it too, with fewer faults.
#[test]
fn a_split_brain_shrinks_and_keeps_its_violation() {
    let line = "check --seeds 6 --nodes 5 --quorum 2,2 --allow-unsafe --shrink --json --show 0";
    let out = fpaxos(&words(line));
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let shrunk = &v["shrunk"];
    let seed = shrunk["seed"].as_u64().unwrap();
    let first = &v["failing"][0];
    assert_eq!(first["seed"].as_u64(), Some(seed), "the first failing seed");
    let kind = first["violations"][0]["kind"].as_str().unwrap();
    assert_eq!(shrunk["failure"], format!("a safety violation ({kind})"));
    let before = first["scenario"]["faults"].as_array().unwrap().len();
    let after = shrunk["scenario"]["faults"].as_array().unwrap().len();
    assert!(after < before, "{after} of {before} faults");
    let (code, report) = replay(&shrunk["scenario"], None);
    assert_eq!(code, Some(1));
    assert!(report["safety"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["kind"] == kind));
}

#[test]
fn shrink_refuses_a_shard_and_reports_nothing_when_all_pass() {
    let out = fpaxos(&words("check --seeds 4 --shard 0/2 --shrink"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--shrink"));
    let out = fpaxos(&words("check --seeds 2 --shrink --json"));
    assert_eq!(out.status.code(), Some(0));
    assert!(json(&out).get("shrunk").is_none());
}
