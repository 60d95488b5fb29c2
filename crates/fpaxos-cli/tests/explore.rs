//! `fpaxos explore` end to end: exit status 1 and a numbered shortest trace on a violation,
//! 0 and the bounded wording without one, 2 on bad bounds.

use std::process::Command;

fn explore(args: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fpaxos"))
        .arg("explore")
        .args(args.split_whitespace())
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_violation_prints_the_shortest_trace_and_exits_1() {
    let (code, out, _) = explore("--nodes 2 --quorum 1,1 --thrifty");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("    1. node 0: election timer fires"), "{out}");
    assert!(
        out.contains("agreement violation after 4 steps (shortest)"),
        "{out}"
    );
    let (code, json, _) = explore("--nodes 2 --quorum 1,1 --thrifty --json");
    assert_eq!(code, 1);
    assert!(json.contains("\"verdict\": \"violation\""), "{json}");
    assert!(json.contains("\"trace\""), "{json}");
    assert!(
        json.contains("\"checked\": \"Checked at every step"),
        "{json}"
    );
}

#[test]
fn no_violation_is_worded_within_its_bounds_and_exits_0() {
    let (code, out, _) = explore("--nodes 2 --commands 0 --thrifty");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no violation in "), "{out}");
    assert!(out.contains("complete to depth"), "{out}");
    assert!(!out.contains("proven"), "{out}");
    // What it covers: safety, not liveness, and where liveness is judged.
    assert!(
        out.contains("Checked at every step: agreement")
            && out.contains("Not checked: liveness")
            && out.contains("`fpaxos check` judges liveness"),
        "{out}"
    );
    assert!(!out.contains("sessions ("), "{out}");
    let (_, out, _) = explore("--nodes 2 --commands 0 --thrifty --sessions");
    assert!(out.contains(", sessions (a command a node skips"), "{out}");
    // A violation's report names its property instead.
    let (_, out, _) = explore("--nodes 2 --quorum 1,1 --thrifty");
    assert!(!out.contains("Checked at every step"), "{out}");
}

#[test]
fn bad_bounds_exit_2_with_one_line_each() {
    let (code, _, err) = explore("--nodes 9 --ballots 50 --max-states 5000000000");
    assert_eq!(code, 2);
    assert!(err.contains("--nodes must be 1 to 5"), "{err}");
    assert!(err.contains("--ballots must be at most 8"), "{err}");
    assert!(
        err.contains("--max-states must be between 1 and 4294967295"),
        "{err}"
    );
    // Drops and duplicates without the multiset network would be bounds of nothing.
    let (code, _, err) = explore("--drops 3 --max-states 10");
    assert_eq!(code, 2);
    assert!(
        err.contains("--drops and --dups bound actions of the multiset network"),
        "{err}"
    );
    let (code, out, _) = explore("--multiset --drops 1 --max-states 10");
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = explore("--plant nonsense");
    assert_eq!(code, 2);
    assert!(err.contains("accept-below-promise"), "{err}");
}

fn fpaxos(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fpaxos"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `explore --scenario-out FILE`, then `run FILE` (with `extra` arguments): the run replays
/// every step and reports the explorer's violation, on the same slot. Returns the run's output.
fn explore_then_run(explore_args: &str, extra: &[&str], what: &str) -> String {
    let dir = std::env::temp_dir().join(format!("fpaxos-schedule-{}-{what}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("counterexample.json");
    let path = file.to_str().unwrap();
    let (code, out, err) = explore(&format!("{explore_args} --scenario-out {path}"));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!("counterexample scenario written to {path}")),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.contains("violation after"))
        .expect("a violation line");
    let steps: usize = line
        .split("after ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a step count");
    let slot = line
        .split("slot ")
        .nth(1)
        .and_then(|t| t.split(':').next())
        .expect("a slot");
    let mut args = vec!["run", path];
    args.extend_from_slice(extra);
    let (code, run, err) = fpaxos(&args);
    assert_eq!(code, 1, "{run}{err}");
    assert!(
        run.contains(&format!("schedule      {steps} steps replayed")),
        "{run}"
    );
    assert!(run.contains(&format!("violation: slot {slot}: ")), "{run}");
    let (_, json, _) = fpaxos(&[&args[..], &["--json"]].concat());
    assert!(json.contains("\"kind\": \"agreement\""), "{json}");
    std::fs::remove_dir_all(&dir).ok();
    run
}

#[test]
fn a_counterexample_is_a_scenario_that_run_replays_to_the_same_violation() {
    // The split brain of four nodes with Q1 = Q2 = 2: two leaders, two values in slot 0.
    let run = explore_then_run("--nodes 4 --quorum 2,2 --thrifty", &[], "split");
    assert!(
        run.contains("chose c0#1") && run.contains("chose c1#1"),
        "{run}"
    );
    // A planted bug replays with the same --plant, and not without it.
    let plant = "--nodes 3 --commands 1 --thrifty --plant accept-below-promise";
    explore_then_run(plant, &["--plant", "accept-below-promise"], "plant");
}

#[test]
fn a_counterexample_replayed_without_its_planted_bug_stops_with_a_sentence() {
    let file =
        std::env::temp_dir().join(format!("fpaxos-schedule-{}-clean.json", std::process::id()));
    let path = file.to_str().unwrap();
    let plant = "--nodes 3 --commands 1 --thrifty --plant accept-below-promise";
    let (code, out, _) = explore(&format!("{plant} --scenario-out {path}"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("replay it with `fpaxos run"), "{out}");
    assert!(out.contains("--plant accept-below-promise`"), "{out}");
    let (code, run, _) = fpaxos(&["run", path]);
    assert_eq!(code, 0, "{run}");
    assert!(
        run.contains("schedule      STOPPED: schedule step "),
        "{run}"
    );
    assert!(run.contains("the replay stopped there"), "{run}");
    std::fs::remove_file(&file).ok();
}

#[test]
fn no_counterexample_writes_no_scenario() {
    let file =
        std::env::temp_dir().join(format!("fpaxos-schedule-{}-none.json", std::process::id()));
    let path = file.to_str().unwrap();
    let (code, out, _) = explore(&format!(
        "--nodes 2 --commands 0 --thrifty --scenario-out {path}"
    ));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no counterexample: nothing written"), "{out}");
    assert!(!file.exists());
}

/// `--sessions --resends 1` explores client sessions: the planted early record is found, its
/// counterexample (ending in a resend) replays in `fpaxos run` to the same reply violation,
/// and travels in a version-3 link; `--resends 9` is refused like any bound.
#[test]
fn resends_with_sessions_find_the_early_record_and_replay_it() {
    let file = std::env::temp_dir().join(format!(
        "fpaxos-schedule-{}-resend.json",
        std::process::id()
    ));
    let path = file.to_str().unwrap();
    let args = "--commands 1 --ballots 1 --thrifty --sessions --resends 1";
    let (code, out, _) = explore(&format!(
        "{args} --plant sessions-before-chosen --scenario-out {path}"
    ));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("resends 1, crashes 0"), "{out}");
    assert!(out.contains(", client sessions,"), "{out}");
    assert!(
        out.contains("    5. client 0 resends c0#1 to node 0"),
        "{out}"
    );
    assert!(
        out.contains("reply violation after 5 steps (shortest)"),
        "{out}"
    );
    let (code, run, _) = fpaxos(&["run", path, "--plant", "sessions-before-chosen"]);
    assert_eq!(code, 1, "{run}");
    assert!(run.contains("schedule      5 steps replayed"), "{run}");
    assert!(run.contains("violation: node 0 told client 0"), "{run}");
    // Without the bug the same schedule is safe: the resend is proposed again, not answered.
    let (code, run, _) = fpaxos(&["run", path]);
    assert_eq!(code, 0, "{run}");
    assert!(run.contains("safety        ok"), "{run}");
    let (code, url, _) = fpaxos(&["url", path]);
    assert_eq!(code, 0);
    assert!(url.contains("#s=3."), "{url}");
    std::fs::remove_file(&file).ok();
    // The same search without the bug finds nothing.
    let (code, out, _) = explore(args);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = explore("--resends 9");
    assert_eq!(code, 2);
    assert!(err.contains("--resends must be at most 8"), "{err}");
}
