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
}

#[test]
fn no_violation_is_worded_within_its_bounds_and_exits_0() {
    let (code, out, _) = explore("--nodes 2 --commands 0 --thrifty");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no violation in "), "{out}");
    assert!(out.contains("complete to depth"), "{out}");
    assert!(!out.contains("proven"), "{out}");
}

#[test]
fn bad_bounds_exit_2_with_one_line_each() {
    let (code, _, err) = explore("--nodes 9 --ballots 50");
    assert_eq!(code, 2);
    assert!(err.contains("--nodes must be 1 to 5"), "{err}");
    assert!(err.contains("--ballots must be at most 8"), "{err}");
    let (code, _, err) = explore("--plant nonsense");
    assert_eq!(code, 2);
    assert!(err.contains("accept-below-promise"), "{err}");
}
