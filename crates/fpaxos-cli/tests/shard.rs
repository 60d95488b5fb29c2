//! `--shard I/N` and `fpaxos merge`: the shards of a check or a sweep, merged, print what the
//! unsharded run prints, and merge refuses what does not belong together.

use std::path::{Path, PathBuf};
mod common;

use common::{fpaxos, fpaxos_stdin, words};
use std::process::Output;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh directory for one test's shard files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fpaxos-shard-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create a temp dir");
    d
}

/// Runs `line --shard i/n` for every i, writes each stdout to `dir/shard-i.json` and returns
/// the paths and exit codes.
fn shards(line: &str, n: u32, dir: &Path) -> Vec<(String, Option<i32>)> {
    (0..n)
        .map(|i| {
            let spec = format!("{i}/{n}");
            let mut args = words(line);
            args.extend(["--shard", &spec]);
            let o = fpaxos(&args);
            assert!(
                matches!(o.status.code(), Some(0 | 1 | 3)),
                "{line} --shard {spec}: {}",
                text(&o.stderr)
            );
            let path = dir.join(format!("shard-{i}.json"));
            std::fs::write(&path, &o.stdout).expect("write a shard");
            (path.display().to_string(), o.status.code())
        })
        .collect()
}

fn merge(paths: &[&str]) -> Output {
    let mut args = vec!["merge"];
    args.extend(paths);
    fpaxos(&args)
}

/// The JSON without the lines of a check's two wall-clock fields.
fn timeless(json: &[u8]) -> String {
    text(json)
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with("\"wall_ms\"") && !t.starts_with("\"events_per_sec\"")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Shards of `line` merged (files given in reverse order) equal the unsharded output, and exit
/// with its status. Returns the merged output.
fn assert_merges_like_unsharded(line: &str, n: u32, name: &str, timed: bool) -> Output {
    let d = dir(name);
    let whole = fpaxos(&words(line));
    assert!(
        matches!(whole.status.code(), Some(0 | 1 | 3)),
        "{}",
        text(&whole.stderr)
    );
    let parts = shards(line, n, &d);
    let mut paths: Vec<&str> = parts.iter().map(|(p, _)| p.as_str()).collect();
    paths.reverse();
    let merged = merge(&paths);
    assert_eq!(
        merged.status.code(),
        whole.status.code(),
        "{}",
        text(&merged.stderr)
    );
    if timed {
        assert_eq!(timeless(&merged.stdout), timeless(&whole.stdout));
        assert_ne!(
            timeless(&merged.stdout),
            text(&merged.stdout),
            "no wall_ms?"
        );
    } else {
        assert_eq!(text(&merged.stdout), text(&whole.stdout));
    }
    let _ = std::fs::remove_dir_all(&d);
    merged
}

#[test]
fn check_shards_merge_into_the_unsharded_json() {
    let merged = assert_merges_like_unsharded("check --seeds 12 --json", 3, "check", true);
    let v: serde_json::Value = serde_json::from_slice(&merged.stdout).expect("JSON");
    assert_eq!(v["seeds"], 12);
    assert!(v.get("shard").is_none(), "a merged check is not a shard");
    assert!(v["wall_ms"].as_f64().unwrap() > 0.0);
}

/// Split brain with unsafe quorums: violations on seeds 2, 5, 6 and 7 of 1..=8, spread over the
/// shards; merged, they are all there, in seed order, and merge exits 1 like the check.
#[test]
fn safety_violations_found_in_shards_survive_the_merge() {
    let line = "check --seeds 8 --nodes 5 --quorum 2,2 --allow-unsafe --json";
    let merged = assert_merges_like_unsharded(line, 3, "safety", true);
    assert_eq!(merged.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&merged.stdout).expect("JSON");
    let seeds: Vec<u64> = v["failing"]
        .as_array()
        .expect("failing")
        .iter()
        .map(|f| f["seed"].as_u64().expect("seed"))
        .collect();
    assert!(seeds.len() >= 2, "{seeds:?}");
    assert!(seeds.windows(2).all(|w| w[0] < w[1]), "{seeds:?}");
}

/// The planted liveness bug stalls seed 94 only: one shard exits 3, the others 0, and the merge
/// exits 3 with the stall in it.
#[test]
fn a_planted_liveness_bug_in_one_shard_survives_the_merge() {
    let line = "check --start-seed 90 --seeds 8 --plant no-election-retry --json";
    let d = dir("liveness");
    let parts = shards(line, 3, &d);
    let codes: Vec<Option<i32>> = parts.iter().map(|(_, c)| *c).collect();
    assert_eq!(codes, [Some(0), Some(3), Some(0)]);
    let _ = std::fs::remove_dir_all(&d);
    let merged = assert_merges_like_unsharded(line, 3, "liveness2", true);
    assert_eq!(merged.status.code(), Some(3), "{}", text(&merged.stderr));
    let v: serde_json::Value = serde_json::from_slice(&merged.stdout).expect("JSON");
    assert_eq!(v["liveness_failures"], 1);
    assert_eq!(v["failing"][0]["seed"], 94);
}

#[test]
fn sweep_shards_merge_into_the_unsharded_rows() {
    assert_merges_like_unsharded(
        "sweep --vary q2=1..5 --duration 500ms --json",
        3,
        "sweep",
        false,
    );
}

/// An availability sweep splits its (point, seed) runs, so one point's seeds land in different
/// shards; the merge makes the rows. The shards come in one stream on stdin.
#[test]
fn availability_shards_merge_into_the_unsharded_rows() {
    let line =
        "sweep --vary quorum=majority,4/2 --crash 2 --crash-leader --seeds 3 --duration 2s --json";
    let whole = fpaxos(&words(line));
    assert!(whole.status.success(), "{}", text(&whole.stderr));
    let d = dir("availability");
    let parts = shards(line, 4, &d);
    let mut stream = Vec::new();
    for (p, _) in parts.iter().rev() {
        stream.extend(std::fs::read(p).expect("read a shard"));
    }
    let merged = fpaxos_stdin(&["merge", "-"], &stream);
    assert!(merged.status.success(), "{}", text(&merged.stderr));
    assert_eq!(text(&merged.stdout), text(&whole.stdout));
    // Without --json a shard could only print partial rows: refused.
    assert_usage_error(
        &fpaxos(&words(&line.replace(" --json", " --shard 0/2"))),
        "needs --json",
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Exit code 2, nothing on stdout, readable `error:` lines, no panic.
fn assert_usage_error(o: &Output, needle: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(o.stdout.is_empty(), "stdout: {}", text(&o.stdout));
    assert!(err.contains(needle), "`{needle}` not in stderr:\n{err}");
    assert!(err.starts_with("error:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_shard_specs_are_usage_errors() {
    for (spec, needle) in [
        ("0/0", "at least 1 shard"),
        ("5/4", "use 0/4 to 3/4"),
        ("4/4", "use 0/4 to 3/4"),
        ("x/y", "I counting from 0"),
        ("3", "I counting from 0"),
        ("0/20", "20 shards for 12 seeds"),
    ] {
        assert_usage_error(
            &fpaxos(&["check", "--seeds", "12", "--shard", spec]),
            needle,
        );
    }
    assert_usage_error(
        &fpaxos(&words("sweep --vary q2=1..3 --shard 0/4")),
        "4 shards for 3 points",
    );
}

#[test]
fn merge_refuses_what_does_not_belong_together() {
    let d = dir("refuse");
    let line = "check --seeds 4 --duration 300ms --json";
    let parts = shards(line, 2, &d);
    let (a, b) = (parts[0].0.as_str(), parts[1].0.as_str());
    assert!(merge(&[a, b]).status.success());
    // Missing: says which.
    assert_usage_error(&merge(&[b]), "missing 1 of 2 shards: 0/2");
    // Overlapping: one shard twice.
    assert_usage_error(&merge(&[a, a, b]), "shard 0/2 is given twice");
    // Another run: other seeds, other overrides, other shard count, another command.
    let other = |args: &str, name: &str| {
        let o = fpaxos(&words(args));
        let p = d.join(name);
        std::fs::write(&p, &o.stdout).expect("write");
        p.display().to_string()
    };
    let seeds = other(
        "check --seeds 5 --duration 300ms --json --shard 1/2",
        "seeds.json",
    );
    assert_usage_error(&merge(&[a, &seeds]), "seeds: 4 vs 5");
    let nodes = other(
        "check --seeds 4 --duration 300ms --nodes 3 --json --shard 1/2",
        "nodes.json",
    );
    assert_usage_error(&merge(&[a, &nodes]), "overrides.nodes: null vs 3");
    let three = other(
        "check --seeds 4 --duration 300ms --json --shard 1/3",
        "three.json",
    );
    assert_usage_error(&merge(&[a, &three]), "split into 2 and 3 shards");
    let sweep = other(
        "sweep --vary q2=1,2 --duration 300ms --json --shard 1/2",
        "sweep.json",
    );
    assert_usage_error(&merge(&[a, &sweep]), "the other a `sweep` shard");
    // A sweep over another base scenario: the merge names the setting.
    let sweep7 = other(
        "sweep --vary q2=1,2 --duration 300ms --nodes 7 --json --shard 0/2",
        "sweep7.json",
    );
    assert_usage_error(&merge(&[&sweep7, &sweep]), "scenario.cluster.nodes: 7 vs 5");
    // Not a shard: the unsharded output, garbage, nothing, a missing file, an edited file.
    let whole = other("check --seeds 4 --duration 300ms --json", "whole.json");
    assert_usage_error(&merge(&[&whole]), "has no \"shard\" field");
    assert_usage_error(
        &fpaxos_stdin(&["merge", "-"], b"{\"shard\": {"),
        "stdin is not valid JSON",
    );
    assert_usage_error(&fpaxos_stdin(&["merge", "-"], b"  \n"), "stdin is empty");
    assert_usage_error(&merge(&["no-such-shard.json"]), "cannot read");
    let text_a = std::fs::read_to_string(a).expect("read");
    let edited = d.join("edited.json");
    std::fs::write(&edited, text_a.replace("\"seeds\": 4", "\"seeds\": 6")).expect("write");
    assert_usage_error(
        &merge(&[&edited.display().to_string(), b]),
        "fingerprint does not match",
    );
    let body = d.join("body.json");
    std::fs::write(
        &body,
        text_a.replace("\"events\":", "\"events\": \"many\", \"x\":"),
    )
    .expect("write");
    assert_usage_error(
        &merge(&[&body.display().to_string(), b]),
        "is not a valid check shard",
    );
    let _ = std::fs::remove_dir_all(&d);
}
