//! A fuzz test of the host API: generated messages, each of which must be ignored, refused with
//! a sentence, or obeyed within the embed's limits.

use super::*;
use fpaxos_sim::rng::Rng;
use serde_json::json;

const END: Time = 10_000_000_000;

/// Draws the fuzz test's messages from the simulator's seeded generator.
struct Gen(Rng);

impl Gen {
    /// True once in `n` draws, on average.
    fn one_in(&mut self, n: u64) -> bool {
        self.0.below(n) == 0
    }

    fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
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
    let mut g = Gen(Rng::new(0x9E37_79B9_7F4A_7C15));
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
            now: g.0.below(END + 1),
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
