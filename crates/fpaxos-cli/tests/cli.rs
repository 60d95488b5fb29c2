//! End-to-end tests of the `fpaxos` binary.

mod common;

use common::{assert_usage_error, fpaxos, fpaxos_stdin, json, stderr, stdout, words};
use serde_json::Value;

#[test]
fn run_json_has_the_report_fields() {
    let o = fpaxos(&words(
        "run --json --duration 1s --nodes 5 --quorum 4,2 --thrifty",
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let r = json(&o);
    assert!(r["committed"].as_u64().unwrap() > 0);
    assert!(r["throughput"].as_f64().unwrap() > 0.0);
    for k in ["mean", "p50", "p90", "p99", "max"] {
        assert!(r["latency_ms"][k].as_f64().is_some(), "latency_ms.{k}");
    }
    assert!(r["messages"]["total"].as_u64().unwrap() > 0);
    assert!(r["messages"]["per_commit"].as_f64().is_some());
    let by_node = r["messages"]["by_node"].as_array().unwrap();
    assert_eq!(by_node.len(), 5);
    for k in ["sent", "received", "busy"] {
        assert!(by_node[0].get(k).is_some(), "by_node.{k}");
    }
    assert!(r["leader_changes"].as_u64().is_some());
    assert_eq!(r["safety"]["ok"], Value::Bool(true));
    assert!(r["safety"]["violations"].as_array().unwrap().is_empty());
    assert_eq!(r["trace_hash"].as_str().unwrap().len(), 16);
    for k in ["events", "message_events", "simulated_ms"] {
        assert!(r["sim"][k].as_f64().is_some(), "sim.{k}");
    }
    // Wall-clock numbers would make the report differ between runs of one scenario.
    for k in ["wall_ms", "events_per_sec"] {
        assert!(
            r["sim"].get(k).is_none(),
            "sim.{k} should not be in the report"
        );
    }
    assert_eq!(r["scenario"]["cluster"]["quorum"]["q1"], 4);
    assert_eq!(r["scenario"]["cluster"]["thrifty"], true);
    assert_eq!(r["scenario"]["duration"], "1s");
}

#[test]
fn run_json_is_the_same_bytes_every_time() {
    let args = ["run", "--json", "--duration", "500ms", "--seed", "11"];
    let a = fpaxos(&args);
    let b = fpaxos(&args);
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(!a.stdout.is_empty());
    assert_eq!(
        a.stdout, b.stdout,
        "two runs of one scenario printed different reports"
    );
}

#[test]
fn run_prints_a_readable_summary() {
    let o = fpaxos(&["run", "--duration", "500ms", "--warmup", "100ms"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for word in [
        "committed",
        "latency ms",
        "messages",
        "safety",
        "trace hash",
        "node",
    ] {
        assert!(out.contains(word), "missing `{word}` in:\n{out}");
    }
}

/// A stall's report: the rule's reason, one line of what happened during it, and what that
/// points to as a list, one cause an item (the engine's `Stall::causes`).
#[test]
fn run_lists_a_stalls_causes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fpaxos-sim/tests/engine/data/thrifty-dueling-candidates.json"
    );
    let o = fpaxos(&["run", path]);
    let out = stdout(&o);
    let lines: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("stall: "))
        .collect();
    assert!(lines.len() >= 3, "a stall:\n{out}");
    assert!(
        lines[1].starts_with("  during it: 22 leader elections won, "),
        "{out}"
    );
    assert!(
        lines[2].starts_with("  - Leaders were deposed one after another.")
            && lines[2].contains("Here the election timeout, 23.0 ms,"),
        "{out}"
    );
    assert!(
        !lines.get(3).is_some_and(|l| l.starts_with("  - ")),
        "{out}"
    );
}

#[test]
fn overrides_and_set_reach_the_scenario() {
    let o = fpaxos(&[
        "run",
        "--print-scenario",
        "--nodes",
        "6",
        "--set",
        r#"cluster.quorum={"kind":"grid","rows":2,"cols":3}"#,
        "--set",
        "network.loss=0.01",
        "--latency",
        "uniform:5ms..15ms",
        "--cpu",
        "20us",
        "--clients",
        "3",
        "--outstanding",
        "2",
        "--window",
        "8",
        "--batch",
        "4",
        "--seed",
        "42",
        "--rate",
        "500",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(s["cluster"]["nodes"], 6);
    assert_eq!(s["cluster"]["quorum"]["kind"], "grid");
    assert_eq!(s["network"]["loss"], 0.01);
    assert_eq!(s["network"]["latency"]["dist"], "uniform");
    assert_eq!(s["cpu"]["per_recv"], "20us");
    assert_eq!(s["cpu"]["per_send"], "20us");
    assert_eq!(s["workload"]["clients"], 3);
    assert_eq!(s["workload"]["outstanding"], 2);
    assert_eq!(s["workload"]["rate"], 500.0);
    assert_eq!(s["cluster"]["window"], 8);
    assert_eq!(s["cluster"]["batch"], 4);
    assert_eq!(s["seed"], 42);
}

#[test]
fn scenario_from_stdin_and_file() {
    let o = fpaxos_stdin(
        &["run", "-", "--json"],
        r#"{"duration": "500ms", "warmup": "0", "cluster": {"nodes": 3}}"#,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["scenario"]["cluster"]["nodes"], 3);

    let dir = std::env::temp_dir().join(format!("fpaxos-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.json");
    std::fs::write(
        &path,
        r#"{"duration": "500ms", "warmup": "50ms", "seed": 9}"#,
    )
    .unwrap();
    let o = fpaxos(&["run", path.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["scenario"]["seed"], 9);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn nodes_resizes_quorums_and_text_forms_are_accepted() {
    // `--nodes` changes the size by the one rule: counting quorums keep Q2 and take the
    // smallest safe Q1; an explicit `--quorum` wins.
    let file = r#"{"cluster": {"nodes": 5, "quorum": {"kind": "counting", "q1": 4, "q2": 2}}}"#;
    let o = fpaxos_stdin(&["run", "-", "--print-scenario", "--nodes", "7"], file);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(s["cluster"]["nodes"], 7);
    assert_eq!(s["cluster"]["quorum"]["q1"], 6);
    assert_eq!(s["cluster"]["quorum"]["q2"], 2);
    let o = fpaxos_stdin(
        &words("run - --print-scenario --nodes 7 --quorum 5,3"),
        file,
    );
    assert_eq!(json(&o)["cluster"]["quorum"]["q1"], 5);
    // A latency written as text, and an hour-long run, in a file or with --set.
    let o = fpaxos_stdin(
        &words("run - --print-scenario --set network.client_latency=exp:1ms"),
        r#"{"duration": "1h", "network": {"latency": "5ms"}}"#,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(s["duration"], "3600s");
    assert_eq!(s["network"]["latency"]["dist"], "const");
    assert_eq!(s["network"]["latency"]["value"], "5ms");
    assert_eq!(s["network"]["client_latency"]["dist"], "exponential");
    assert_usage_error(&fpaxos(&["run", "--duration", "2h"]), "1 hour");
}

#[test]
fn bad_input_exits_2_with_readable_errors() {
    assert_usage_error(&fpaxos(&["run", "--bogus"]), "--bogus");
    assert_usage_error(&fpaxos(&["run", "--nodes", "five"]), "five");
    assert_usage_error(&fpaxos(&["run", "--latency", "fast"]), "fast");
    assert_usage_error(&fpaxos(&["run", "--quorum", "lots"]), "lots");
    assert_usage_error(
        &fpaxos(&["run", "/no/such/file.json"]),
        "cannot read /no/such/file.json",
    );
    assert_usage_error(
        &fpaxos_stdin(&["run", "-"], "{\"cluster\": "),
        "not valid JSON",
    );
    assert_usage_error(
        &fpaxos_stdin(&["run", "-"], "[1, 2]".as_bytes()),
        "JSON object",
    );
    assert_usage_error(
        &fpaxos_stdin(&["run", "-"], "{\"clusterr\": {}}"),
        "clusterr",
    );
    assert_usage_error(
        &fpaxos(&["run", "--quorum", "2,9"]),
        "error: cluster.quorum: Q2 size must be between 1 and 5, got 9",
    );
    assert_usage_error(&fpaxos(&["run", "--set", "network.lss=0.1"]), "lss");
    assert_usage_error(&fpaxos(&["run", "--set", "nonsense"]), "PATH=VALUE");
    assert_usage_error(&fpaxos(&["sweep", "--vary", "q7=1..3"]), "unknown knob");
    assert_usage_error(&fpaxos(&["sweep", "--vary", "loss=0..0.1"]), "step");
    assert_usage_error(&fpaxos(&["check", "--seeds", "0"]), "--seeds");
    // Several problems: one line each.
    let o = fpaxos(&words("run --window 0 --duration 0 --clients 20000"));
    assert_usage_error(&o, "cluster.window");
    assert!(
        stderr(&o)
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count()
            >= 3
    );
}

#[test]
fn unsafe_quorums_need_allow_unsafe() {
    let o = fpaxos(&["run", "--quorum", "2,2", "--duration", "500ms"]);
    assert_usage_error(&o, "--allow-unsafe");
    let o = fpaxos(&words(
        "run --quorum 2,2 --duration 500ms --allow-unsafe --json",
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["scenario"]["cluster"]["allow_unsafe"], true);
}

#[test]
fn same_scenario_same_trace_hash() {
    let args = [
        "run",
        "--json",
        "--duration",
        "1s",
        "--loss",
        "0.02",
        "--seed",
        "7",
        "--latency",
        "normal:2ms,1ms",
    ];
    let a = json(&fpaxos(&args));
    let b = json(&fpaxos(&args));
    assert_eq!(a["trace_hash"], b["trace_hash"]);
    assert_eq!(a["committed"], b["committed"]);
    let mut other = args.to_vec();
    other[7] = "8";
    let c = json(&fpaxos(&other));
    assert_ne!(
        a["trace_hash"], c["trace_hash"],
        "a different seed gives a different run"
    );
}

#[test]
fn sweep_q2_gives_rows_in_order() {
    let o = fpaxos(&words(
        "sweep --vary q2=1..3 --nodes 5 --duration 500ms --warmup 100ms",
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    let header: Vec<&str> = lines[0].split(',').collect();
    for col in [
        "value",
        "q1",
        "q2",
        "safe",
        "committed",
        "throughput",
        "p50_ms",
        "p90_ms",
        "p99_ms",
        "mean_ms",
        "msgs_per_commit",
        "leader_changes",
        "safety_ok",
        "trace_hash",
    ] {
        assert!(header.contains(&col), "missing column {col}");
    }
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for (i, line) in lines[1..].iter().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let q2 = i + 1;
        assert_eq!(f[col("value")], q2.to_string());
        assert_eq!(f[col("q2")], q2.to_string());
        assert_eq!(f[col("q1")], (5 - q2 + 1).to_string());
        assert_eq!(f[col("safe")], "true");
        assert_eq!(f[col("status")], "ok");
        assert_eq!(f[col("safety_ok")], "true");
    }
    // The same sweep as JSON gives the same numbers.
    let o = fpaxos(&words(
        "sweep --vary q2=1..3 --nodes 5 --duration 500ms --warmup 100ms --json --jobs 1",
    ));
    let rows = json(&o);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let first: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(rows[0]["trace_hash"], first[col("trace_hash")]);
}

#[test]
fn sweep_marks_unsafe_points_as_skipped() {
    // N=5, Q1=2: Q2=2 and Q2=3 do not intersect Q1, Q2=4 does.
    let o = fpaxos(&words(
        "sweep --vary q2=2..4 --q1 2 --duration 300ms --warmup 0",
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        out.lines().filter(|l| l.contains("skipped_unsafe")).count(),
        2,
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.contains(",ok,")).count(),
        1,
        "{out}"
    );
    let o = fpaxos(&words(
        "sweep --vary q2=2..4 --q1 2 --duration 300ms --warmup 0 --allow-unsafe",
    ));
    let out = stdout(&o);
    assert_eq!(
        out.lines().filter(|l| l.contains(",ok,")).count(),
        3,
        "{out}"
    );
}

#[test]
fn bench_json_has_the_numbers() {
    let o = fpaxos(&["bench", "--json", "--commits", "2000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = json(&o);
    assert!(r["commits"].as_u64().unwrap() >= 2000);
    for k in ["events_per_sec", "commits_per_sec", "wall_ms"] {
        assert!(r[k].as_f64().unwrap() > 0.0, "{k}");
    }
    for k in ["events", "message_events"] {
        assert!(r[k].as_u64().unwrap() > 0, "{k}");
    }
    if cfg!(target_os = "linux") {
        assert!(r["peak_rss_bytes"].as_u64().unwrap() > 0);
    }
}

#[test]
fn url_round_trips_and_reproduces_the_run() {
    let link = fpaxos(&words(
        "url --quorum 4,2 --thrifty --base https://example.org/play/",
    ));
    assert!(link.status.success(), "{}", stderr(&link));
    let link = stdout(&link).trim().to_string();
    assert!(link.starts_with("https://example.org/play/#s=1."), "{link}");
    assert!(link.len() < 200, "{} chars: {link}", link.len());
    let decoded = fpaxos(&["url", "--decode", &link]);
    assert!(decoded.status.success(), "{}", stderr(&decoded));
    let from_link = fpaxos_stdin(&["run", "-", "--json"], stdout(&decoded));
    let direct = fpaxos(&["run", "--quorum", "4,2", "--thrifty", "--json"]);
    assert_eq!(json(&from_link)["trace_hash"], json(&direct)["trace_hash"]);
    let bad = fpaxos(&["url", "--decode", "https://example.org/#s=1.AAAA"]);
    assert_usage_error(&bad, "link");
}

#[test]
fn analyze_prints_the_analytic_metrics() {
    let o = fpaxos(&["analyze", "--quorum", "4,2", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let a = json(&o);
    assert_eq!(a["fault_tolerance_elect"], 1);
    assert_eq!(a["fault_tolerance_replicate"], 3);
    assert!((a["capacity_phase2"].as_f64().unwrap() - 2.5).abs() < 1e-9);
    let text = stdout(&fpaxos(&["analyze", "--quorum", "2,2", "--allow-unsafe"]));
    assert!(text.contains("UNSAFE"), "{text}");
    assert_usage_error(&fpaxos(&["analyze", "--failure-prob", "7"]), "failure-prob");
}

// ----- availability experiments (`fpaxos sweep --crash/--pattern`) -----

#[test]
fn availability_sweep_shows_the_replicate_only_window() {
    let o = fpaxos(&words(
        "sweep --vary quorum=majority,4/2 --crash 2 --crash-leader --seeds 3 --duration 2s",
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("knob,value,nodes,quorum,q1,q2,safe,status,fault,"));
    let col = |line: &str, name: &str| -> String {
        let i = lines[0].split(',').position(|h| h == name).unwrap();
        line.split(',').nth(i).unwrap().to_string()
    };
    // Majority elects a new leader in every seed; 4/2 keeps a Q2 but no Q1: never.
    assert_eq!(col(lines[1], "value"), "majority");
    assert_eq!(col(lines[1], "fault"), "crash leader+1");
    assert_eq!(col(lines[1], "recovered_frac"), "1.000");
    assert!(col(lines[1], "elect_p99_ms").parse::<f64>().unwrap() > 0.0);
    assert_eq!(col(lines[2], "quorum"), "Q1=4 Q2=2");
    assert_eq!(col(lines[2], "recovered_frac"), "0.000");
    assert_eq!(col(lines[2], "elect_p50_ms"), "never");
    assert_eq!(col(lines[2], "commit_p99_ms"), "never");
    // JSON: the same numbers, one object per point; never is null beside its count.
    let j = fpaxos(&words(
        "sweep --vary quorum=majority,4/2 --crash 2 --crash-leader --seeds 3 --duration 2s --json --jobs 1",
    ));
    let rows = json(&j);
    assert_eq!(rows[0]["recovered"], 3);
    assert_eq!(rows[1]["recovered"], 0);
    assert_eq!(rows[1]["leader_lost"], 3);
    assert!(rows[1]["elect_p50_ms"].is_null());
    let csv_p99 = col(lines[1], "elect_p99_ms").parse::<f64>().unwrap();
    let json_p99 = rows[0]["elect_p99_ms"].as_f64().unwrap();
    assert!((csv_p99 - json_p99).abs() < 1e-3, "{csv_p99} vs {json_p99}");
}

#[test]
fn availability_sweep_refuses_bad_input_readably() {
    let crash = "sweep --vary quorum=majority,4/2 --crash";
    assert_usage_error(
        &fpaxos(&words(&format!("{crash} 6"))),
        "cannot crash 6 nodes of 5",
    );
    assert_usage_error(
        &fpaxos(&words(&format!("{crash} 2 --seeds 0"))),
        "--seeds must be 1",
    );
    assert_usage_error(
        &fpaxos(&words(&format!("{crash} 2 --fault-at 20s"))),
        "before the end of the run",
    );
    assert_usage_error(
        &fpaxos(&words("sweep --vary nodes=5 --pattern split-brain")),
        "unknown pattern `split-brain`: use one of quorum-loss",
    );
    assert_usage_error(
        &fpaxos(&words("sweep --vary nodes=5 --crash 1 --pattern chained")),
        "not both",
    );
    assert_usage_error(
        &fpaxos(&words("sweep --vary nodes=5 --seeds 4")),
        "add --crash K or --pattern NAME",
    );
    assert_usage_error(
        &fpaxos(&words("sweep --vary quorum=majority,4")),
        "lone number",
    );
    for o in [
        fpaxos(&words(&format!("{crash} 6"))),
        fpaxos(&words("sweep --vary nodes=5 --pattern x")),
    ] {
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    // A point the fault does not fit is a row, not a failure of the whole sweep.
    let o = fpaxos(&words(
        "sweep --vary nodes=2,3 --pattern quorum-loss --seeds 1 --duration 1500ms --fault-at 500ms",
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(",invalid,") && text.contains("needs at least 3 nodes"),
        "{text}"
    );
    assert!(text.lines().nth(2).unwrap().contains(",ok,"), "{text}");
}
