//! Structured fuzzing of scenario input: every preset and every scenario this suite keeps (some
//! with explicit schedules), each with one to three fields replaced by an absurd value of the
//! kind a hand-edited file or a pasted link can hold (a huge or negative number, a wrong type,
//! an empty or malformed duration, a list repeated a thousand times, a variant that does not
//! exist). Reading and validation must answer with sentences, never panic; a scenario that
//! validates must run without panicking. With validation's check of a fault's node planted
//! away, the test fails on a crash of node 99 in a few hundred cases (2026-12-06).

use fpaxos_sim::presets::PRESETS;
use fpaxos_sim::Scenario;
use serde_json::{json, Value};

/// The scenarios mutated: the presets, then the suite's data files (read once per test binary).
fn bases() -> &'static [Value] {
    static BASES: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    BASES.get_or_init(read_bases)
}

fn read_bases() -> Vec<Value> {
    let mut out: Vec<Value> = PRESETS
        .iter()
        .map(|p| serde_json::to_value(p.scenario()).expect("a preset serialises"))
        .collect();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/engine/data");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the data directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        out.push(serde_json::from_str(&text).expect("a JSON scenario"));
    }
    out
}

/// Every path to a value inside `v` (object keys and array indices), `v` itself excluded.
fn paths(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    let children: Vec<(Value, &Value)> = match v {
        Value::Object(m) => m.iter().map(|(k, x)| (json!(k), x)).collect(),
        Value::Array(a) => a.iter().enumerate().map(|(i, x)| (json!(i), x)).collect(),
        _ => return,
    };
    for (key, child) in children {
        at.push(key);
        out.push(at.clone());
        paths(child, at, out);
        at.pop();
    }
}

fn slot<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, k| match k {
        Value::String(k) => v.get_mut(k.as_str()),
        Value::Number(i) => v.get_mut(i.as_u64()? as usize),
        _ => None,
    })
}

/// Absurd values, by the kind of value they replace.
fn absurd(old: &Value, pick: usize) -> Value {
    let numbers = [
        json!(0),
        json!(-1),
        json!(1),
        json!(255),
        json!(65_536),
        json!(4_294_967_295u64),
        json!(4_294_967_296u64),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1e308),
        json!(-1e308),
        json!(0.5),
        json!(5e-324),
        json!("1"),
        json!(null),
        json!([]),
    ];
    let durations = [
        json!("0"),
        json!("1ns"),
        json!("-1ms"),
        json!("1e9s"),
        json!("18446744073709551615ns"),
        json!("9999999999999s"),
        json!("NaNms"),
        json!("infs"),
        json!("1.5ns"),
        json!("5000000h"),
        json!(""),
        json!("ms"),
        json!("10 s"),
        json!(3),
    ];
    let objects = [
        json!({}),
        json!(null),
        json!([]),
        json!(1),
        json!({"kind": "grid", "rows": 100, "cols": 100}),
        json!({"kind": "grid", "rows": 0, "cols": 3}),
        json!({"kind": "weighted", "weights": [1, 4_294_967_296u64], "q1": 5, "q2": 5}),
        json!({"kind": "nope"}),
        json!({"dist": "exp", "mean": "1e9s"}),
        json!({"dist": "uniform", "min": "5ms", "max": "1ms"}),
        json!({"dist": "lognormal", "median": "1ms", "sigma": 1e6}),
        json!({"at": "1e9s", "action": "crash", "node": 99}),
        json!({"at": "1s", "action": "partition", "groups": [[0], [0, 1]]}),
        json!({"at": "1s", "action": "slow", "node": 0, "factor": 1e300}),
        json!({"action": "resend", "node": 0, "client": 4_294_967_295u64}),
    ];
    let choose = |list: &[Value]| list[pick % list.len()].clone();
    match old {
        Value::Bool(b) => choose(&[json!(!b), json!(0), json!("yes"), json!(null)]),
        Value::Number(_) => choose(&numbers),
        Value::String(s) if s.ends_with('s') || s == "0" => choose(&durations),
        Value::String(s) => choose(&[
            json!(""),
            json!("x".repeat(5_000)),
            json!("\u{0}"),
            json!("ü"),
            json!(s.repeat(3)),
        ]),
        Value::Null => choose(&[json!(0), json!(1e308), json!("1ms"), json!({}), json!([1])]),
        Value::Array(a) => match pick % 4 {
            0 => json!(std::iter::repeat_n(a.clone(), 1_000)
                .flatten()
                .collect::<Vec<_>>()),
            1 => json!([]),
            2 => json!([null]),
            _ => choose(&objects),
        },
        Value::Object(_) => choose(&objects),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        .. Default::default()
    })]
    #[test]
    fn absurd_fields_in_real_scenarios_are_refused_or_run(
        base in proptest::num::usize::ANY,
        edits in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::usize::ANY), 1..4),
    ) {
        let bases = bases();
        let mut v = bases[base % bases.len()].clone();
        for (at, pick) in edits {
            let mut all = Vec::new();
            paths(&v, &mut Vec::new(), &mut all);
            let path = &all[at % all.len()];
            if let Some(x) = slot(&mut v, path) {
                *x = absurd(x, pick);
            }
        }
        let text = v.to_string();
        match Scenario::from_json(&text).map(|s| s.check()) {
            Err(e) | Ok(Err(e)) => {
                proptest::prop_assert!(!e.0.is_empty() && e.0.iter().all(|m| !m.is_empty()), "{text}");
            }
            Ok(Ok(checked)) => super::run_a_little(checked),
        }
    }
}

/// The mutation reaches every kind of value: each base has numbers, durations, strings,
/// booleans, objects and lists to replace, and the data files add schedules.
#[test]
fn the_fuzzed_scenarios_hold_every_kind_of_field() {
    let bases = bases();
    assert!(bases.len() >= PRESETS.len() + 5, "{}", bases.len());
    let mut kinds = std::collections::BTreeSet::new();
    for b in bases {
        let mut all = Vec::new();
        paths(b, &mut Vec::new(), &mut all);
        for p in all {
            let mut v = b.clone();
            let x = slot(&mut v, &p).expect("a path found is a path");
            kinds.insert(match x {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::String(s) if s.ends_with('s') => "duration",
                Value::String(_) => "string",
                Value::Array(_) => "list",
                Value::Object(_) => "object",
            });
        }
    }
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    assert!(
        bases
            .iter()
            .any(|b| b.get("schedule").is_some_and(|s| !s.is_null())),
        "a schedule among the bases"
    );
}
