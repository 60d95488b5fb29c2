//! Native tests of the host API: every way a command can be refused, the commands that pass,
//! the events the engine's reports call for, the tick throttle and the `?host=` origin.

use super::*;
use fpaxos_sim::{run, Scenario};
use serde_json::json;

const END: Time = 10_000_000_000;

fn at(s: &Scenario) -> Now<'_> {
    Now {
        scenario: s,
        errors: &[],
        now: 2_000_000_000,
        end: END,
        done: false,
    }
}

fn parsed(msg: Value) -> Parsed {
    parse(&msg, &at(&Scenario::default()))
}

fn command(msg: Value) -> Command {
    match parsed(msg.clone()) {
        Parsed::Command(c) => c,
        other => panic!("{msg} should be a command, is {other:?}"),
    }
}

/// The error message for `msg`, checking that it echoes `cmd`.
fn refused(msg: Value) -> String {
    match parsed(msg.clone()) {
        Parsed::Rejected(r) => {
            assert_eq!(
                r.cmd.as_deref(),
                msg["cmd"].as_str(),
                "the error names the command"
            );
            r.message
        }
        other => panic!("{msg} should be refused, is {other:?}"),
    }
}

/// A message that is not JSON data (a cycle, too deep, too long) is refused with the reason,
/// naming its `cmd` and echoing its `id` when they could be read alone and the id is one the
/// embed echoes.
#[test]
fn an_unreadable_message_is_refused_with_its_cmd_and_id() {
    let refusal = |why: &str, head: Value| match unreadable(why, &head) {
        Parsed::Rejected(r) => r,
        other => panic!("{head} should be refused, is {other:?}"),
    };
    let r = refusal(
        "Converting circular structure to JSON",
        json!({"cmd": "load", "id": "q7"}),
    );
    assert_eq!(r.cmd.as_deref(), Some("load"));
    assert_eq!(r.id, Some(json!("q7")));
    assert_eq!(
        r.message,
        "the message could not be read as JSON values (Converting circular structure to JSON)"
    );
    assert_eq!(refusal("why", json!({"id": 12})).id, Some(json!(12)));
    let long_id = "x".repeat(MAX_ID_CHARS + 1);
    for head in [
        json!({}),
        json!({"id": long_id}),
        json!({"id": null, "cmd": 3}),
    ] {
        let r = refusal("why", head.clone());
        assert_eq!((r.cmd, r.id), (None, None), "{head}");
    }
}

#[test]
fn messages_without_the_version_field_are_ignored() {
    for m in [
        json!({"cmd": "play"}),
        json!("play"),
        json!(null),
        json!([1, {"fpaxos": 1}]),
        json!({"event": "ready", "FPAXOS": 1}),
        json!(42),
    ] {
        assert_eq!(parsed(m.clone()), Parsed::Ignored, "{m}");
    }
}

#[test]
fn another_version_is_refused_with_the_supported_one() {
    for v in [
        json!(2),
        json!(0),
        json!("1"),
        json!(1.5),
        json!(null),
        json!(-1),
    ] {
        let m = refused(json!({"fpaxos": v, "cmd": "play"}));
        assert!(
            m.contains("version 1") && m.contains("\"fpaxos\": 1"),
            "{m}"
        );
    }
}

#[test]
fn simple_commands_pass() {
    assert_eq!(command(json!({"fpaxos": 1, "cmd": "play"})), Command::Play);
    assert_eq!(
        command(json!({"fpaxos": 1, "cmd": "pause"})),
        Command::Pause
    );
    assert_eq!(command(json!({"fpaxos": 1, "cmd": "step"})), Command::Step);
    assert_eq!(
        command(json!({"fpaxos": 1, "cmd": "run_to_end", "id": 7})),
        Command::RunToEnd
    );
    assert_eq!(
        command(json!({"fpaxos": 1, "cmd": "seek", "ms": 1500.5})),
        Command::Seek(1_500_500_000)
    );
    assert_eq!(
        command(json!({"fpaxos": 1, "cmd": "seek", "ms": 10000})),
        Command::Seek(END)
    );
    assert_eq!(
        command(json!({"fpaxos": 1, "cmd": "speed", "value": 0.1})),
        Command::Speed(-1.0)
    );
    assert_eq!(
        command(json!({"fpaxos": 1, "cmd": "fault", "fault": {"action": "crash", "node": 4}})),
        Command::Fault(FaultAction::Crash { node: 4 })
    );
}

#[test]
fn load_takes_a_scenario_as_the_cli_reads_it() {
    let want = Scenario::from_json(r#"{"name": "n7", "cluster": {"nodes": 7}, "duration": "2s"}"#)
        .expect("valid");
    let c = command(json!({"fpaxos": 1, "cmd": "load",
        "scenario": {"name": "n7", "cluster": {"nodes": 7}, "duration": "2s"}}));
    assert_eq!(c, Command::Load(Box::new(want)));
    assert_eq!(
        command(json!({"fpaxos": 1, "cmd": "load", "scenario": {}})),
        Command::Load(Box::default())
    );
}

#[test]
fn a_bad_scenario_is_refused_with_the_engines_sentences() {
    let m = refused(json!({"fpaxos": 1, "cmd": "load", "scenario": {"cluster": {"nodes": 0}}}));
    let engine = {
        let mut s = Scenario::default();
        s.cluster.nodes = 0;
        s.validate().expect_err("0 nodes is invalid").0
    };
    assert!(m.starts_with("the scenario was not loaded"), "{m}");
    for sentence in engine {
        assert!(m.contains(&sentence), "{m} lacks {sentence}");
    }
    for bad in [
        json!({"cluster": {"nodes": "five"}}),
        json!({"cluster": {"nodes": 100000000}}),
        json!({"durration": "1s"}),
        json!("{}"),
        json!([]),
        json!({"duration": "forever"}),
    ] {
        let m = refused(json!({"fpaxos": 1, "cmd": "load", "scenario": bad}));
        assert!(m.starts_with("the scenario was not loaded: "), "{bad}: {m}");
    }
    let m = refused(json!({"fpaxos": 1, "cmd": "load"}));
    assert!(m.contains("needs `scenario`"), "{m}");
}

#[test]
fn malformed_commands_say_why() {
    let cases = [
        (json!({"fpaxos": 1}), "needs `cmd`"),
        (json!({"fpaxos": 1, "cmd": 3}), "`cmd` must be a string"),
        (
            json!({"fpaxos": 1, "cmd": "warp"}),
            "unknown command \"warp\"",
        ),
        (json!({"fpaxos": 1, "cmd": "PLAY"}), "unknown command"),
        (json!({"fpaxos": 1, "cmd": "seek"}), "needs `ms`"),
        (
            json!({"fpaxos": 1, "cmd": "seek", "ms": "10"}),
            "`ms` must be",
        ),
        (
            json!({"fpaxos": 1, "cmd": "seek", "ms": -1}),
            "`ms` must be",
        ),
        (
            json!({"fpaxos": 1, "cmd": "seek", "ms": 10000.5}),
            "to the run's end, 10000",
        ),
        (
            json!({"fpaxos": 1, "cmd": "seek", "ms": 1e300}),
            "`ms` must be",
        ),
        (json!({"fpaxos": 1, "cmd": "speed"}), "needs `value`"),
        (
            json!({"fpaxos": 1, "cmd": "speed", "value": 0}),
            "from 0.0001 to 10",
        ),
        (
            json!({"fpaxos": 1, "cmd": "speed", "value": 11}),
            "`value` must be",
        ),
        (
            json!({"fpaxos": 1, "cmd": "speed", "value": -1}),
            "`value` must be",
        ),
        (
            json!({"fpaxos": 1, "cmd": "speed", "value": [1]}),
            "`value` must be",
        ),
        (json!({"fpaxos": 1, "cmd": "fault"}), "needs `fault`"),
        (
            json!({"fpaxos": 1, "cmd": "fault", "fault": "crash"}),
            "not a fault action",
        ),
        (
            json!({"fpaxos": 1, "cmd": "fault", "fault": {"action": "explode"}}),
            "not a fault action",
        ),
        (
            json!({"fpaxos": 1, "cmd": "fault", "fault": {"action": "crash", "node": 0, "at": "1s"}}),
            "unknown field `at`",
        ),
        (
            json!({"fpaxos": 1, "cmd": "fault", "fault": {"action": "crash", "node": 9}}),
            "names node 9, but nodes are 0..5",
        ),
        (
            json!({"fpaxos": 1, "cmd": "fault", "fault": {"action": "slow", "node": 1, "factor": 1e9}}),
            "slow factor must be between",
        ),
        (
            json!({"fpaxos": 1, "cmd": "play", "id": {"a": 1}}),
            "`id` must be",
        ),
        (
            json!({"fpaxos": 1, "cmd": "play", "id": "x".repeat(201)}),
            "`id` must be",
        ),
    ];
    for (msg, want) in cases {
        let m = refused(msg.clone());
        assert!(m.contains(want), "{msg}: {m:?} should contain {want:?}");
    }
}

#[test]
fn huge_values_are_shortened_in_messages() {
    let m = refused(json!({"fpaxos": 1, "cmd": "seek", "ms": "9".repeat(10_000)}));
    assert!(m.len() < 200, "{m}");
    let m = refused(json!({"fpaxos": 1, "cmd": "x".repeat(10_000)}));
    assert!(m.len() < 300, "{}", m.len());
}

#[test]
fn the_id_is_echoed_in_errors() {
    let Parsed::Rejected(r) = parsed(json!({"fpaxos": 1, "cmd": "warp", "id": "q-1"})) else {
        panic!("refused")
    };
    assert_eq!(r.id, Some(json!("q-1")));
    let e = error(&r);
    assert_eq!(e["fpaxos"], 1);
    assert_eq!(e["event"], "error");
    assert_eq!(e["cmd"], "warp");
    assert_eq!(e["id"], "q-1");
    assert!(e["message"].as_str().is_some_and(|m| m.contains("warp")));
}

#[test]
fn commands_that_need_a_run_are_refused_without_one() {
    let s = Scenario::default();
    let errors = vec!["nodes must be at least 1".to_string()];
    let now = Now {
        errors: &errors,
        ..at(&s)
    };
    for cmd in ["play", "step", "run_to_end"] {
        let Parsed::Rejected(r) = parse(&json!({"fpaxos": 1, "cmd": cmd}), &now) else {
            panic!("{cmd} refused")
        };
        assert!(
            r.message.contains("does not run (nodes must be"),
            "{}",
            r.message
        );
    }
    // Pause, speed and load still work: load is how the host gets out of it.
    for m in [
        json!({"fpaxos": 1, "cmd": "pause"}),
        json!({"fpaxos": 1, "cmd": "speed", "value": 1}),
        json!({"fpaxos": 1, "cmd": "load", "scenario": {}}),
    ] {
        assert!(matches!(parse(&m, &now), Parsed::Command(_)), "{m}");
    }
    let done = Now {
        done: true,
        ..at(&s)
    };
    let Parsed::Rejected(r) = parse(
        &json!({"fpaxos": 1, "cmd": "fault", "fault": {"action": "heal"}}),
        &done,
    ) else {
        panic!("a fault after the end is refused")
    };
    assert!(r.message.contains("the run is over"), "{}", r.message);
}

#[test]
fn events_carry_the_version_and_the_engines_numbers() {
    let s = Scenario {
        duration: fpaxos_sim::Dur::ms(600),
        ..Scenario::default()
    };
    let r = run(&s).expect("runs");
    let e = ended(&r);
    assert_eq!(e["fpaxos"], 1);
    assert_eq!(e["event"], "ended");
    assert_eq!(e["trace_hash"], r.trace_hash.as_str());
    assert_eq!(e["json"], fpaxos_sim::json::pretty_json(&r).as_str());
    assert_eq!(e["report"]["trace_hash"], r.trace_hash.as_str());
    assert_eq!(e["report"]["committed"], r.committed);
    let t = tick(300_000_000, "playing", Some(&r));
    assert_eq!(t["time_ms"], 300.0);
    assert_eq!(t["committed"], r.committed);
    assert_eq!(t["leader"], json!(r.leader));
    assert_eq!(ready(&s, END)["commands"].as_array().map(Vec::len), Some(8));
}

#[test]
fn the_watch_announces_elections_violations_and_the_end_once() {
    let s = Scenario {
        duration: fpaxos_sim::Dur::ms(800),
        ..Scenario::default()
    };
    let r = run(&s).expect("runs");
    let leader = r.leader.expect("a leader is elected in 800 ms");
    let mut w = Watch::default();
    let kinds = |v: Vec<Value>| -> Vec<String> {
        v.iter()
            .map(|e| e["event"].as_str().unwrap_or("?").to_string())
            .collect()
    };
    assert_eq!(kinds(w.observe(5, false, Some(&r))), ["elected"]);
    assert_eq!(kinds(w.observe(6, false, Some(&r))), Vec::<String>::new());
    assert_eq!(kinds(w.observe(7, true, Some(&r))), ["ended"]);
    assert_eq!(kinds(w.observe(8, true, Some(&r))), Vec::<String>::new());
    // A run with a violation (split brain): announced once.
    let bad = crate::presets::by_id("split-brain")
        .expect("preset")
        .scenario;
    let rb = run(&bad).expect("runs");
    assert!(!rb.safety.ok, "split brain violates safety");
    let mut w = Watch::default();
    let got = w.observe(9, false, Some(&rb));
    assert!(
        kinds(got.clone()).contains(&"violation".to_string()),
        "{got:?}"
    );
    assert!(!kinds(w.observe(10, false, Some(&rb))).contains(&"violation".to_string()));
    // No report (an invalid scenario): nothing, and a fresh start afterwards.
    assert!(w.observe(11, false, None).is_empty());
    let e = w.observe(12, false, Some(&r));
    assert_eq!(e[0]["leader"], leader);
}

#[test]
fn ticks_are_throttled_and_the_last_one_waits() {
    let mut t = Throttle::default();
    assert_eq!(t.offer(1000.0), None);
    assert_eq!(t.offer(1100.0), Some(150.0));
    assert_eq!(t.offer(1200.0), Some(50.0));
    t.sent(1250.0);
    assert_eq!(t.offer(1400.0), Some(100.0));
    assert_eq!(t.offer(1500.0), None);
    // A clock that went back does not block ticks.
    assert_eq!(t.offer(10.0), None);
}

#[test]
fn the_host_origin_parameter() {
    assert_eq!(HostOrigin::from_param(None), Ok(HostOrigin::Any));
    assert_eq!(HostOrigin::Any.target(), "*");
    assert!(HostOrigin::Any.accepts("null"));
    let o = HostOrigin::from_param(Some("https://Example.org:8443")).expect("an origin");
    assert_eq!(o.target(), "https://example.org:8443");
    assert!(o.accepts("https://example.org:8443"));
    assert!(!o.accepts("https://example.org"));
    assert!(!o.accepts("null"));
    for bad in [
        "example.org",
        "https://example.org/path",
        "*",
        "",
        "https://",
        "javascript:alert(1)",
    ] {
        let e = HostOrigin::from_param(Some(bad)).expect_err(bad);
        assert!(e.contains("must be an origin"), "{e}");
    }
}
