//! `fpaxos check`: the swarm's verdicts, what it says of the liveness it judged, and its
//! reproducers (`--shrink` has its own file, `shrink.rs`).

mod common;

use common::{assert_usage_error, fpaxos, fpaxos_stdin, json, stderr, stdout, words};
use serde_json::Value;

#[test]
fn check_safe_seeds_pass() {
    let o = fpaxos(&["check", "--seeds", "20"]);
    assert!(
        o.status.success(),
        "stdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    assert!(stdout(&o).contains("checked 20 seeds"), "{}", stdout(&o));
}

/// "No stall" means only as much as the rule judged: the check says how much that was (the
/// swarm's chaos phases, with loss, slow nodes and partitions, are mostly not judged).
#[test]
fn check_says_how_much_liveness_it_judged() {
    let o = fpaxos(&words("check --seeds 20 --json"));
    let j = &json(&o)["liveness_judged"];
    let (seeds, judged, simulated) = (
        j["seeds"].as_u64().expect("seeds"),
        j["judged_ms"].as_u64().expect("judged_ms"),
        j["simulated_ms"].as_u64().expect("simulated_ms"),
    );
    assert!(seeds > 0 && seeds <= 20, "{j}");
    assert!(judged > 0 && judged < simulated, "{j}");
    let text = stdout(&fpaxos(&words("check --seeds 20")));
    let line = format!(
        "liveness judged in {seeds} of 20 seeds, for {:.1} s of {:.1} s simulated",
        judged as f64 / 1e3,
        simulated as f64 / 1e3
    );
    assert!(text.contains(&line), "{line}\n{text}");
    // The rest of the time, by why the rule did not apply; the parts add up (whole ms per seed).
    let nj = &j["not_judged"];
    let parts: Vec<f64> = [
        "loss_ms",
        "slow_ms",
        "no_healthy_set_ms",
        "idle_ms",
        "overload_ms",
    ]
    .iter()
    .map(|k| nj[k].as_f64().expect(k))
    .collect();
    let rest: f64 = parts.iter().sum();
    assert!(
        (judged as f64 + rest - simulated as f64).abs() <= 20.0,
        "{judged} + {rest} vs {simulated}: {j}"
    );
    assert!(parts[0] > 0.0, "the swarm's seeds lose messages: {j}");
    assert!(
        text.contains("; not judged: ") && text.contains("messages lost at random "),
        "{text}"
    );
    // Loss is the largest reason here, so the check says how to judge the chaos phases too;
    // with the loss pinned to 0 there is none, and no hint.
    assert!(text.contains("again with --loss 0"), "{text}");
    let lossless = stdout(&fpaxos(&words("check --seeds 20 --loss 0")));
    assert!(!lossless.contains("messages lost at random"), "{lossless}");
    assert!(!lossless.contains("again with --loss 0"), "{lossless}");
}

#[test]
fn check_finds_unsafe_split_brain_and_prints_a_reproducer() {
    let o = fpaxos(&words(
        "check --seeds 60 --nodes 5 --quorum 2,2 --allow-unsafe --show 1",
    ));
    assert_eq!(
        o.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    let out = stdout(&o);
    // More than one seed fails; the others' scenarios are not printed, and the output says so.
    let failing = out
        .lines()
        .filter(|l| l.starts_with("VIOLATION seed "))
        .count();
    assert!(failing > 1, "{out}");
    assert!(
        out.contains(&format!(
            "(the scenarios of {} failing seeds are not printed; --show N prints more",
            failing - 1
        )),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.starts_with("VIOLATION seed "))
        .expect("a violation line");
    let seed: u64 = line["VIOLATION seed ".len()..]
        .split(':')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("a seed number");
    // The printed scenario reproduces the run.
    let start = out.find("\n{").expect("scenario JSON") + 1;
    let end = start + out[start..].find("\n}").expect("end of JSON") + 2;
    let scenario: Value = serde_json::from_str(&out[start..end]).expect("scenario parses");
    assert_eq!(scenario["seed"], seed);
    assert_eq!(scenario["cluster"]["nodes"], 5);
    let o = fpaxos_stdin(&["run", "-", "--json"], &out[start..end]);
    if !line.contains("the simulator panicked") {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(json(&o)["safety"]["ok"], false);
    }
}

/// A node that never retries an election (a planted bug) is a liveness failure: `check` says
/// STALL, exits with 3 (not 1: safety holds), and the printed scenario reproduces the stall with
/// `run --plant`.
#[test]
fn check_reports_a_planted_liveness_bug_with_its_reproducer() {
    let o = fpaxos(&words(
        "check --start-seed 94 --seeds 1 --plant no-election-retry --show 1",
    ));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(3), "{out}\nstderr: {}", stderr(&o));
    assert!(out.contains("STALL seed 94: stalled from"), "{out}");
    assert!(out.contains("1 failed liveness"), "{out}");
    assert!(
        out.contains("fpaxos run seed-94.json --plant no-election-retry"),
        "{out}"
    );
    let start = out.find("\n{").expect("scenario JSON") + 1;
    let end = start + out[start..].find("\n}").expect("end of JSON") + 2;
    let o = fpaxos_stdin(
        &["run", "-", "--json", "--plant", "no-election-retry"],
        &out[start..end],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["liveness"]["ok"], false);
    assert_eq!(r["safety"]["ok"], true);
    // Without the bug, the same scenario is live.
    let o = fpaxos_stdin(&["run", "-", "--json"], &out[start..end]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_usage_error(&fpaxos(&words("run --plant nonsense")), "unknown bug");
}

#[test]
fn check_rejects_unsafe_pins_without_allow_unsafe() {
    assert_usage_error(
        &fpaxos(&["check", "--seeds", "5", "--nodes", "5", "--quorum", "2,2"]),
        "unsafe",
    );
}
