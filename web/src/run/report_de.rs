//! Reading a [`Report`] back from what its `Serialize` derive wrote, so a worker's report reaches
//! the page whole.
//!
//! `fpaxos_sim::Report` derives only `Serialize`. These are serde "remote" definitions of it: the
//! derive builds the engine's own structs field by field, so a field added to, renamed in or
//! removed from the engine's report fails to compile here instead of being dropped. (A
//! `Deserialize` derive in `fpaxos-sim` would replace this file.)

use fpaxos::{NodeId, Slot, Time};
use fpaxos_sim::checker::Violation;
use fpaxos_sim::liveness::{Election, FaultRecovery, Liveness, Stall};
use fpaxos_sim::report::{LatencyMs, Messages, NodeLoad, Safety, SimStats, Timeline};
use fpaxos_sim::{Report, Scenario};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// A report that crosses the worker boundary (serialized by the engine's derive, read back by the
/// remote definitions below).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct WireReport(pub(crate) Report);

impl Serialize for WireReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for WireReport {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ReportDef::deserialize(d).map(WireReport)
    }
}

/// `Vec<T>` of a remote type (`$de`: the path of its deserialize function).
macro_rules! vec_of {
    ($name:ident, $ty:ty, $de:literal) => {
        fn $name<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$ty>, D::Error> {
            #[derive(Deserialize)]
            struct W(#[serde(deserialize_with = $de)] $ty);
            Ok(Vec::<W>::deserialize(d)?.into_iter().map(|w| w.0).collect())
        }
    };
}

vec_of!(node_loads, NodeLoad, "NodeLoadDef::deserialize");
vec_of!(violations, Violation, "violation");
vec_of!(stalls, Stall, "StallDef::deserialize");
vec_of!(elections, Election, "ElectionDef::deserialize");
vec_of!(recoveries, FaultRecovery, "FaultRecoveryDef::deserialize");

#[derive(Deserialize)]
#[serde(remote = "Report")]
struct ReportDef {
    scenario: Scenario,
    committed: u64,
    throughput: f64,
    #[serde(with = "LatencyMsDef")]
    latency_ms: LatencyMs,
    #[serde(with = "MessagesDef")]
    messages: Messages,
    leader_changes: u64,
    leader: Option<NodeId>,
    leaderless_ms: f64,
    leaderless_intervals: Vec<(f64, f64)>,
    slots: u64,
    #[serde(with = "SafetyDef")]
    safety: Safety,
    #[serde(with = "LivenessDef")]
    liveness: Liveness,
    executed_twice: u64,
    trace_hash: String,
    #[serde(with = "SimStatsDef")]
    sim: SimStats,
    #[serde(with = "TimelineDef")]
    timeline: Timeline,
    latency_cdf: Vec<(f64, f64)>,
}

#[derive(Deserialize)]
#[serde(remote = "LatencyMs")]
struct LatencyMsDef {
    mean: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    p999: f64,
    max: f64,
}

#[derive(Deserialize)]
#[serde(remote = "NodeLoad")]
struct NodeLoadDef {
    sent: u64,
    received: u64,
    busy: f64,
}

#[derive(Deserialize)]
#[serde(remote = "Messages")]
struct MessagesDef {
    total: u64,
    per_commit: f64,
    by_kind: BTreeMap<String, u64>,
    #[serde(deserialize_with = "node_loads")]
    by_node: Vec<NodeLoad>,
}

#[derive(Deserialize)]
#[serde(remote = "Safety")]
struct SafetyDef {
    ok: bool,
    #[serde(deserialize_with = "violations")]
    violations: Vec<Violation>,
}

/// A violation as written, with its kind as text (the checker's kinds are `&'static str`).
#[derive(Deserialize)]
struct ViolationWire {
    kind: String,
    slot: Slot,
    first: String,
    second: String,
    first_node: Option<NodeId>,
    node: NodeId,
    time_ns: Time,
    message: String,
}

fn violation<'de, D: Deserializer<'de>>(d: D) -> Result<Violation, D::Error> {
    let v = ViolationWire::deserialize(d)?;
    Ok(Violation {
        kind: match v.kind.as_str() {
            "agreement" => "agreement",
            "validity" => "validity",
            "prefix" => "prefix",
            "gap" => "gap",
            _ => "unknown",
        },
        slot: v.slot,
        first: v.first,
        second: v.second,
        first_node: v.first_node,
        node: v.node,
        time_ns: v.time_ns,
        message: v.message,
    })
}

#[derive(Deserialize)]
#[serde(remote = "SimStats")]
struct SimStatsDef {
    events: u64,
    message_events: u64,
    simulated_ms: f64,
}

#[derive(Deserialize)]
#[serde(remote = "Timeline")]
struct TimelineDef {
    bucket_ms: f64,
    throughput: Vec<f64>,
    p50_ms: Vec<f64>,
    p99_ms: Vec<f64>,
    busy: Vec<Vec<f64>>,
    sent: Vec<Vec<u64>>,
}

#[derive(Deserialize)]
#[serde(remote = "Liveness")]
struct LivenessDef {
    ok: bool,
    bound_ms: f64,
    judged_ms: f64,
    #[serde(deserialize_with = "stalls")]
    stalls: Vec<Stall>,
    unavailable_ms: f64,
    unavailable: Vec<(f64, f64)>,
    #[serde(deserialize_with = "elections")]
    elections: Vec<Election>,
    #[serde(deserialize_with = "recoveries")]
    after_faults: Vec<FaultRecovery>,
}

#[derive(Deserialize)]
#[serde(remote = "Stall")]
struct StallDef {
    from_ms: f64,
    to_ms: f64,
    bound_ms: f64,
    nodes: Vec<u32>,
    q1: Vec<u32>,
    q2: Vec<u32>,
    ended_by: String,
    why: String,
}

#[derive(Deserialize)]
#[serde(remote = "Election")]
struct ElectionDef {
    lost_ms: f64,
    elected_ms: Option<f64>,
}

#[derive(Deserialize)]
#[serde(remote = "FaultRecovery")]
struct FaultRecoveryDef {
    at_ms: f64,
    fault: String,
    first_commit_ms: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reads_back_equal() {
        // Split-brain has safety violations; leader-failure has stalls and elections.
        for id in ["split-brain", "leader-failure", "basics"] {
            let s = crate::presets::by_id(id).expect("preset").scenario;
            let r = fpaxos_sim::run(&s).expect("runs");
            // serde_json with `float_roundtrip` (dev-dependency): the page's serde-wasm-bindgen
            // carries f64 exactly too.
            let text = serde_json::to_string(&WireReport(r.clone())).expect("writes");
            let back: WireReport = serde_json::from_str(&text).expect("reads");
            assert_eq!(back.0, r, "{id}");
        }
    }
}
