//! One scenario, one run, on every platform: these hashes were computed natively and must be
//! reproduced bit for bit by the wasm32 build (run under Node by wasm-bindgen-test:
//! `cargo test --target wasm32-unknown-unknown -p fpaxos-sim --test determinism`).
//!
//! If an intended engine change alters them, update the constants in the same commit and say
//! so: every shared link's run changes with them.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use fpaxos_sim::{run, Scenario};

/// A scenario that touches every random draw: jitter, loss, duplication, lognormal and
/// exponential links, faults, elections and thrifty fallback.
const BUSY: &str = r#"{
  "seed": 42,
  "duration": "3s",
  "cluster": { "nodes": 5, "quorum": { "kind": "counting", "q1": 4, "q2": 2 }, "thrifty": true },
  "network": {
    "latency": { "dist": "lognormal", "median": "3ms", "sigma": 0.4 },
    "links": [ { "from": 0, "to": 3, "latency": { "dist": "exponential", "min": "1ms", "mean": "2ms" } } ],
    "loss": 0.02, "duplicate": 0.01
  },
  "workload": { "clients": 16, "outstanding": 2 },
  "faults": [
    { "at": "1s", "action": "crash", "node": 0 },
    { "at": "1.8s", "action": "recover", "node": 0 },
    { "at": "2.2s", "action": "partition", "groups": [[0, 1], [2, 3, 4]] },
    { "at": "2.6s", "action": "heal" }
  ]
}"#;

const GOLDEN_DEFAULT: &str = "2b378906f2efd332";
const GOLDEN_BUSY: &str = "d7773ffdccdb0913";

#[test]
fn default_scenario_hash_is_stable() {
    let r = run(&Scenario::default()).expect("default scenario is valid");
    assert_eq!(r.trace_hash, GOLDEN_DEFAULT);
}

#[test]
fn busy_scenario_hash_is_stable() {
    let s = Scenario::from_json(BUSY).expect("valid scenario");
    let r = run(&s).expect("runs");
    assert!(r.safety.ok);
    assert_eq!(r.trace_hash, GOLDEN_BUSY);
}
