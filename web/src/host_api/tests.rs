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

/// A small deterministic generator for the fuzz test below (xorshift64*; no dependency).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// True once in `n` draws, on average.
    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// A JSON value of any kind, nested up to `depth`, leaning to the edges: huge, negative,
    /// fractional and out-of-range numbers, empty and long strings, durations, field names the
    /// protocol uses.
    fn value(&mut self, depth: u32) -> Value {
        let words = [
            "",
            "0",
            "1",
            "-1",
            "10ms",
            "-5ms",
            "NaN",
            "crash",
            "recover",
            "partition",
            "slow",
            "loss",
            "cut_link",
            "node",
            "action",
            "scenario",
            "fpaxos",
            "cmd",
            "ms",
            "value",
        ];
        match self.below(if depth == 0 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(self.one_in(2)),
            2 => json!(*self.pick(&[
                0.0,
                -0.0,
                1.0,
                -1.0,
                0.5,
                1e-300,
                1e300,
                -1e300,
                1e4,
                1e-4,
                9.99e-5,
                10.0,
                10.5,
                2e9,
                1e10,
                1e10 + 0.5,
                4.0e15,
                f64::MAX,
                f64::MIN_POSITIVE,
            ])),
            3 => json!(*self.pick(&[0u64, 1, 2, 4, 99, 255, 65_535, u32::MAX as u64, u64::MAX])),
            4 => json!(*self.pick(&[-1i64, -99, i64::MIN])),
            5 => {
                let w = *self.pick(&words);
                if self.one_in(8) {
                    Value::String(w.repeat(1 + self.below(300)))
                } else {
                    Value::String(w.into())
                }
            }
            6 => {
                let n = self.below(4);
                Value::Array((0..n).map(|_| self.value(depth - 1)).collect())
            }
            _ => {
                let n = self.below(4);
                let mut m = Map::new();
                for _ in 0..n {
                    m.insert((*self.pick(&words)).into(), self.value(depth - 1));
                }
                Value::Object(m)
            }
        }
    }

    /// A fault action: a real one with a field or two replaced, or any value.
    fn fault(&mut self) -> Value {
        let mut f = self
            .pick(&[
                json!({"action": "crash", "node": 1}),
                json!({"action": "recover", "node": 1}),
                json!({"action": "partition", "groups": [[0, 1], [2, 3, 4]]}),
                json!({"action": "heal"}),
                json!({"action": "cut_link", "from": 0, "to": 1}),
                json!({"action": "restore_link", "from": 0, "to": 1}),
                json!({"action": "slow", "node": 2, "factor": 4.0}),
                json!({"action": "drop_message", "id": 3}),
                json!({"action": "loss", "probability": 0.1}),
            ])
            .clone();
        if self.one_in(5) {
            return self.value(3);
        }
        for _ in 0..self.below(3) {
            let key = *self.pick(&[
                "node",
                "groups",
                "from",
                "to",
                "factor",
                "id",
                "probability",
                "action",
                "both",
            ]);
            f[key] = self.value(2);
        }
        f
    }

    /// A scenario to load: a preset with a field or two replaced, or any value.
    fn scenario(&mut self) -> Value {
        if self.one_in(5) {
            return self.value(3);
        }
        let p = self.pick(fpaxos_sim::presets::PRESETS);
        let mut s = serde_json::to_value(p.scenario()).expect("a preset serialises");
        for _ in 0..self.below(3) {
            let (section, key) = *self.pick(&[
                ("cluster", "nodes"),
                ("cluster", "quorum"),
                ("cluster", "window"),
                ("cluster", "election_timeout"),
                ("workload", "clients"),
                ("workload", "rate"),
                ("network", "loss"),
                ("network", "latency"),
                ("", "duration"),
                ("", "faults"),
                ("", "seed"),
            ]);
            let v = self.value(2);
            if section.is_empty() {
                s[key] = v;
            } else {
                s[section][key] = v;
            }
        }
        s
    }
}

/// Whatever a host posts, the embed answers without panicking: not a protocol message
/// (ignored), a refusal with a sentence, or a command within the embed's limits (a seek within
/// the run, a speed within the slider's range, a scenario and a fault the engine validates).
#[test]
fn anything_a_host_posts_is_ignored_refused_with_a_sentence_or_obeyed_within_limits() {
    let base = Scenario::default();
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let (mut commands, mut refusals) = (0, 0);
    for case in 0..20_000 {
        let mut m = Map::new();
        if !g.one_in(10) {
            let version = if g.one_in(8) { g.value(1) } else { json!(1) };
            m.insert("fpaxos".into(), version);
        }
        let cmd = if g.one_in(8) {
            g.value(1)
        } else {
            json!(*g.pick(&COMMANDS))
        };
        m.insert("cmd".into(), cmd);
        for _ in 0..g.below(4) {
            let (key, v) = match g.below(6) {
                0 => ("ms", g.value(1)),
                1 => ("value", g.value(1)),
                2 => ("fault", g.fault()),
                3 => ("scenario", g.scenario()),
                4 => ("id", g.value(1)),
                _ => (*g.pick(&["extra", "event", ""]), g.value(2)),
            };
            m.insert(key.into(), v);
        }
        let msg = if g.one_in(20) {
            g.value(3)
        } else {
            Value::Object(m)
        };
        let (done, errors) = (case % 7 == 0, if case % 11 == 0 { 1 } else { 0 });
        let errs = vec!["a reason".to_string(); errors];
        let now = Now {
            scenario: &base,
            errors: &errs,
            now: g.next() % (END + 1),
            end: END,
            done,
        };
        match parse(&msg, &now) {
            Parsed::Ignored => assert!(msg.get("fpaxos").is_none(), "{msg}"),
            Parsed::Rejected(r) => {
                refusals += 1;
                assert!(r.message.len() > 10, "{msg}: {r:?}");
                assert!(r.id.as_ref().is_none_or(id_ok), "{msg}: {r:?}");
            }
            Parsed::Command(c) => {
                commands += 1;
                assert_eq!(msg["fpaxos"], json!(1), "{msg}");
                match c {
                    Command::Seek(t) => {
                        let ms = msg["ms"].as_f64().expect("a seek names its time");
                        assert!((0.0..=END as f64 / 1e6).contains(&ms), "{msg}");
                        assert!(t <= END && (t as f64 - ms * 1e6).abs() <= 1.0, "{msg}");
                    }
                    Command::Speed(x) => {
                        let v = msg["value"].as_f64().expect("a speed names its value");
                        let (lo, hi) = (10f64.powf(SPEED_MIN), 10f64.powf(SPEED_MAX));
                        assert!(v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9), "{msg}");
                        assert!((SPEED_MIN..=SPEED_MAX).contains(&x), "{msg}");
                    }
                    Command::Load(s) => assert!(s.validate().is_ok(), "{msg}"),
                    Command::Fault(f) => {
                        assert!(!done, "{msg}");
                        let mut with = base.clone();
                        with.faults.push(Fault {
                            at: Dur(now.now),
                            action: f,
                        });
                        assert!(with.validate().is_ok(), "{msg}");
                    }
                    Command::Play | Command::Step | Command::RunToEnd => {
                        assert!(errs.is_empty(), "{msg}")
                    }
                    Command::Pause => {}
                }
            }
        }
    }
    // The generator reaches both answers often.
    assert!(
        commands > 2_000 && refusals > 5_000,
        "{commands} {refusals}"
    );
}
