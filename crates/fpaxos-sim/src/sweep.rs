//! Parameter sweeps: vary one knob of a scenario over a list of values and tabulate the results.
//!
//! This module holds everything about a sweep except running points in parallel, so the CLI
//! (`fpaxos sweep`, which adds threads) and the web page (which runs points one by one in wasm32)
//! build the same scenarios and print the same numbers:
//!
//! 1. [`SweepSpec::parse`] reads `q2=1..5`, `clients=1,2,4,8`, `loss=0..0.1:0.02`, ...
//! 2. [`points`] applies each value to a base [`Scenario`], in input order.
//! 3. [`run_point`] runs one point (or skips it when its quorums are unsafe and the scenario does
//!    not allow that) and returns a [`SweepRow`]; [`row`] builds a row from an existing report.
//! 4. [`to_csv`] writes the rows.

use crate::dur::Dur;
use crate::report::Report;
use crate::scenario::{Latency, Scenario};
use fpaxos::quorum::{Phase, QuorumSpec, QuorumSystem};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most points one sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// A scenario setting a sweep can vary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Knob {
    /// Phase-2 quorum size. The scenario switches to counting quorums and Q1 becomes
    /// `N - Q2 + 1` (the smallest safe Q1) unless pinned.
    Q2,
    /// Phase-1 quorum size. The scenario switches to counting quorums and Q2 becomes
    /// `N - Q1 + 1` unless pinned.
    Q1,
    /// Cluster size. Counting quorums keep Q2 (capped at N) and take the smallest safe Q1.
    Nodes,
    /// Number of clients.
    Clients,
    /// Requests each closed-loop client keeps outstanding.
    Outstanding,
    /// Open-loop arrival rate (requests per second).
    Rate,
    /// Node-to-node latency model (`1ms`, `const:1ms`, `uniform:1ms..3ms`, ...).
    Latency,
    /// Message loss probability.
    Loss,
    /// Message duplication probability.
    Duplicate,
    /// CPU cost per message, received and sent alike.
    Cpu,
    /// Thrifty messaging on or off.
    Thrifty,
    /// Simulator seed.
    Seed,
    /// Leader pipeline window.
    Window,
    /// Commands per slot.
    Batch,
    /// Simulated duration.
    Duration,
}

impl Knob {
    /// Every knob, in the order the help text lists them.
    pub const ALL: [Knob; 15] = [
        Knob::Q2,
        Knob::Q1,
        Knob::Nodes,
        Knob::Clients,
        Knob::Outstanding,
        Knob::Rate,
        Knob::Latency,
        Knob::Loss,
        Knob::Duplicate,
        Knob::Cpu,
        Knob::Thrifty,
        Knob::Seed,
        Knob::Window,
        Knob::Batch,
        Knob::Duration,
    ];

    /// The name used in `--vary NAME=...`.
    pub fn name(self) -> &'static str {
        match self {
            Knob::Q2 => "q2",
            Knob::Q1 => "q1",
            Knob::Nodes => "nodes",
            Knob::Clients => "clients",
            Knob::Outstanding => "outstanding",
            Knob::Rate => "rate",
            Knob::Latency => "latency",
            Knob::Loss => "loss",
            Knob::Duplicate => "duplicate",
            Knob::Cpu => "cpu",
            Knob::Thrifty => "thrifty",
            Knob::Seed => "seed",
            Knob::Window => "window",
            Knob::Batch => "batch",
            Knob::Duration => "duration",
        }
    }

    /// Looks a knob up by name (case-insensitive).
    pub fn from_name(s: &str) -> Option<Knob> {
        let s = s.trim().to_ascii_lowercase();
        Knob::ALL.into_iter().find(|k| k.name() == s)
    }

    fn kind(self) -> ValueKind {
        match self {
            Knob::Q2
            | Knob::Q1
            | Knob::Nodes
            | Knob::Clients
            | Knob::Outstanding
            | Knob::Seed
            | Knob::Window
            | Knob::Batch => ValueKind::Int,
            Knob::Rate | Knob::Loss | Knob::Duplicate => ValueKind::Float,
            Knob::Cpu | Knob::Duration => ValueKind::Dur,
            Knob::Latency => ValueKind::Latency,
            Knob::Thrifty => ValueKind::Bool,
        }
    }
}

impl fmt::Display for Knob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueKind {
    Int,
    Float,
    Dur,
    Latency,
    Bool,
}

/// One value of a knob.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KnobValue {
    /// A whole number (sizes, counts, seeds).
    Int(u64),
    /// A real number (probabilities, rates).
    Float(f64),
    /// A duration.
    Dur(Dur),
    /// A latency model.
    Latency(Latency),
    /// On or off.
    Bool(bool),
}

impl KnobValue {
    /// The label printed in the `value` column.
    pub fn label(&self) -> String {
        match self {
            KnobValue::Int(v) => v.to_string(),
            KnobValue::Float(v) => fmt_float(*v),
            KnobValue::Dur(d) => d.to_string(),
            KnobValue::Bool(b) => b.to_string(),
            KnobValue::Latency(l) => latency_label(l),
        }
    }
}

/// Prints a float without binary noise (`0.06`, not `0.060000000000000005`).
fn fmt_float(v: f64) -> String {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 {
        "0".into()
    } else {
        r.to_string()
    }
}

/// The CLI form of a latency model, e.g. `uniform:5ms..15ms`.
pub fn latency_label(l: &Latency) -> String {
    match l {
        Latency::Const { value } => format!("const:{value}"),
        Latency::Uniform { min, max } => format!("uniform:{min}..{max}"),
        Latency::Normal { mean, stddev } => format!("normal:{mean},{stddev}"),
        Latency::Lognormal { median, sigma } => format!("lognormal:{median},{sigma}"),
        Latency::Exponential { min, mean } if min.0 == 0 => format!("exp:{mean}"),
        Latency::Exponential { min, mean } => format!("exp:{min}+{mean}"),
    }
}

/// What to vary and over which values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// The knob.
    pub knob: Knob,
    /// The values, in the order the points run and print.
    pub values: Vec<KnobValue>,
    /// Keep Q1 at this size while varying Q2 (or Q2, while varying Q1) instead of taking the
    /// smallest safe size.
    #[serde(default)]
    pub pin_other: Option<u32>,
}

impl SweepSpec {
    /// Parses `KNOB=VALUES`. VALUES is a comma list (`1,2,4,8`, `false,true`,
    /// `const:1ms,normal:10ms,2ms`) or an inclusive range `A..B` / `A..B:STEP` (`1..5`,
    /// `0..0.1:0.02`, `0..50us:10us`). Latency lists may also be separated with `;`.
    pub fn parse(s: &str) -> Result<SweepSpec, String> {
        let (name, vals) = s.split_once('=').ok_or_else(|| {
            format!("`{s}` must look like KNOB=VALUES, e.g. q2=1..5 or clients=1,2,4,8")
        })?;
        let knob = Knob::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Knob::ALL.iter().map(|k| k.name()).collect();
            format!(
                "unknown knob `{}`: use one of {}",
                name.trim(),
                names.join(", ")
            )
        })?;
        let vals = vals.trim();
        if vals.is_empty() {
            return Err(format!("`{s}` lists no values"));
        }
        let values = match knob.kind() {
            ValueKind::Int => parse_ints(vals)?,
            ValueKind::Float => parse_floats(vals)?,
            ValueKind::Dur => parse_durs(vals)?.into_iter().map(KnobValue::Dur).collect(),
            ValueKind::Latency => parse_latencies(vals)?,
            ValueKind::Bool => vals
                .split(',')
                .map(|v| parse_bool(v).map(KnobValue::Bool))
                .collect::<Result<_, _>>()?,
        };
        if values.len() > MAX_POINTS {
            return Err(format!(
                "`{s}` gives {} points; at most {MAX_POINTS}",
                values.len()
            ));
        }
        Ok(SweepSpec {
            knob,
            values,
            pin_other: None,
        })
    }
}

fn parse_bool(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        other => Err(format!("`{other}` is not true or false")),
    }
}

fn parse_ints(vals: &str) -> Result<Vec<KnobValue>, String> {
    let int = |t: &str| -> Result<u64, String> {
        t.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{}` is not a whole number", t.trim()))
    };
    if let Some((a, rest)) = vals.split_once("..") {
        let (b, step) = match rest.split_once(':') {
            Some((b, st)) => (b, int(st)?),
            None => (rest, 1),
        };
        let (a, b) = (int(a)?, int(b)?);
        if step == 0 {
            return Err("range step must be above 0".into());
        }
        if a > b {
            return Err(format!(
                "range {a}..{b} is empty (ranges include both ends, low..high)"
            ));
        }
        if (b - a) / step >= MAX_POINTS as u64 {
            return Err(format!("range {a}..{b} has more than {MAX_POINTS} points"));
        }
        Ok((a..=b).step_by(step as usize).map(KnobValue::Int).collect())
    } else {
        vals.split(',')
            .map(|t| int(t).map(KnobValue::Int))
            .collect()
    }
}

fn float_range(a: f64, b: f64, step: f64) -> Result<Vec<f64>, String> {
    if !(a.is_finite() && b.is_finite() && step.is_finite()) || step <= 0.0 {
        return Err("range bounds must be numbers and the step above 0".into());
    }
    if a > b {
        return Err(format!(
            "range {a}..{b} is empty (ranges include both ends, low..high)"
        ));
    }
    let count = ((b - a) / step + 1e-9).floor();
    if count >= MAX_POINTS as f64 {
        return Err(format!(
            "range {a}..{b}:{step} has more than {MAX_POINTS} points"
        ));
    }
    // a + i*step, not repeated addition, so errors do not accumulate.
    Ok((0..=count as u64)
        .map(|i| {
            let v = a + i as f64 * step;
            (v * 1e12).round() / 1e12
        })
        .collect())
}

fn parse_floats(vals: &str) -> Result<Vec<KnobValue>, String> {
    let num = |t: &str| -> Result<f64, String> {
        let t = t.trim();
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(format!("`{t}` is not a number")),
        }
    };
    if let Some((a, rest)) = vals.split_once("..") {
        let (b, step) = rest.split_once(':').ok_or_else(|| {
            format!("a range of real numbers needs a step, e.g. {a}..{rest}:0.01")
        })?;
        Ok(float_range(num(a)?, num(b)?, num(step)?)?
            .into_iter()
            .map(KnobValue::Float)
            .collect())
    } else {
        vals.split(',')
            .map(|t| num(t).map(KnobValue::Float))
            .collect()
    }
}

fn parse_durs(vals: &str) -> Result<Vec<Dur>, String> {
    if let Some((a, rest)) = vals.split_once("..") {
        let (b, step) = rest
            .split_once(':')
            .ok_or_else(|| format!("a range of durations needs a step, e.g. {a}..{rest}:10us"))?;
        let (a, b, step) = (Dur::parse(a)?, Dur::parse(b)?, Dur::parse(step)?);
        if step.0 == 0 {
            return Err("range step must be above 0".into());
        }
        if a > b {
            return Err(format!(
                "range {a}..{b} is empty (ranges include both ends, low..high)"
            ));
        }
        if (b.0 - a.0) / step.0 >= MAX_POINTS as u64 {
            return Err(format!(
                "range {a}..{b}:{step} has more than {MAX_POINTS} points"
            ));
        }
        Ok((a.0..=b.0).step_by(step.0 as usize).map(Dur).collect())
    } else {
        vals.split(',').map(Dur::parse).collect()
    }
}

/// Latency lists: `1ms,2ms` (constant), `const:1ms;uniform:1ms..3ms`, `normal:10ms,2ms,const:3ms`
/// (a comma piece that cannot stand alone joins the previous one), or a constant range
/// `1ms..10ms:1ms`.
fn parse_latencies(vals: &str) -> Result<Vec<KnobValue>, String> {
    let has_kind = vals.contains(':')
        && [
            "const",
            "constant",
            "uniform",
            "normal",
            "lognormal",
            "exp",
            "exponential",
        ]
        .iter()
        .any(|k| vals.contains(&format!("{k}:")));
    if !has_kind && vals.contains("..") {
        return Ok(parse_durs(vals)?
            .into_iter()
            .map(|d| KnobValue::Latency(Latency::Const { value: d }))
            .collect());
    }
    let mut items: Vec<String> = Vec::new();
    for group in vals.split([';', '|']) {
        let mut cur: Option<String> = None;
        for piece in group.split(',') {
            match cur.take() {
                None => cur = Some(piece.to_string()),
                Some(prev) => {
                    if Latency::parse_cli(prev.trim()).is_ok() {
                        items.push(prev);
                        cur = Some(piece.to_string());
                    } else {
                        cur = Some(format!("{prev},{piece}"));
                    }
                }
            }
        }
        if let Some(c) = cur {
            items.push(c);
        }
    }
    items
        .iter()
        .map(|t| Latency::parse_cli(t.trim()).map(KnobValue::Latency))
        .collect()
}

/// The scenario for one value of the knob. Errors say why the value cannot apply.
pub fn apply(
    base: &Scenario,
    knob: Knob,
    value: &KnobValue,
    pin_other: Option<u32>,
) -> Result<Scenario, String> {
    let mut s = base.clone();
    let c = &mut s.cluster;
    let n = c.nodes;
    match (knob, value) {
        (Knob::Q2, KnobValue::Int(v)) => {
            let q2 = to_u32(*v)?;
            let q1 = pin_other.unwrap_or_else(|| (n + 1).saturating_sub(q2).max(1));
            c.quorum = QuorumSpec::Counting { q1, q2 };
        }
        (Knob::Q1, KnobValue::Int(v)) => {
            let q1 = to_u32(*v)?;
            let q2 = pin_other.unwrap_or_else(|| (n + 1).saturating_sub(q1).max(1));
            c.quorum = QuorumSpec::Counting { q1, q2 };
        }
        (Knob::Nodes, KnobValue::Int(v)) => {
            let n = to_u32(*v)?;
            c.nodes = n;
            if let QuorumSpec::Counting { q2, .. } = c.quorum {
                let q2 = q2.min(n).max(1);
                c.quorum = QuorumSpec::Counting {
                    q1: (n + 1).saturating_sub(q2).max(1),
                    q2,
                };
            }
            if c.initial_leader.is_some_and(|l| l >= n) {
                c.initial_leader = Some(0);
            }
        }
        (Knob::Clients, KnobValue::Int(v)) => s.workload.clients = to_u32(*v)?,
        (Knob::Outstanding, KnobValue::Int(v)) => s.workload.outstanding = to_u32(*v)?,
        (Knob::Window, KnobValue::Int(v)) => c.window = to_u32(*v)?,
        (Knob::Batch, KnobValue::Int(v)) => c.batch = to_u32(*v)?,
        (Knob::Seed, KnobValue::Int(v)) => s.seed = *v,
        (Knob::Rate, KnobValue::Float(v)) => s.workload.rate = Some(*v),
        (Knob::Loss, KnobValue::Float(v)) => s.network.loss = *v,
        (Knob::Duplicate, KnobValue::Float(v)) => s.network.duplicate = *v,
        (Knob::Cpu, KnobValue::Dur(d)) => {
            s.cpu.per_recv = *d;
            s.cpu.per_send = *d;
        }
        (Knob::Duration, KnobValue::Dur(d)) => {
            s.duration = *d;
            if s.warmup >= *d {
                s.warmup = Dur(d.0 / 10);
            }
        }
        (Knob::Latency, KnobValue::Latency(l)) => s.network.latency = l.clone(),
        (Knob::Thrifty, KnobValue::Bool(b)) => c.thrifty = *b,
        (k, v) => return Err(format!("value `{}` does not fit knob {k}", v.label())),
    }
    Ok(s)
}

fn to_u32(v: u64) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("{v} is too large"))
}

/// One point of a sweep: its value label and the scenario to run (`Err`: why it cannot apply).
pub type Point = (String, Result<Scenario, String>);

/// The scenarios of a sweep, one per value, in input order. A value that cannot apply (only
/// possible in a hand-built spec whose value type does not fit the knob) leaves the base
/// unchanged; [`points_checked`] keeps the reason instead.
pub fn points(base: &Scenario, spec: &SweepSpec) -> Vec<(String, Scenario)> {
    points_checked(base, spec)
        .into_iter()
        .map(|(l, s)| (l, s.unwrap_or_else(|_| base.clone())))
        .collect()
}

/// Like [`points`], keeping the reason a value could not be applied.
pub fn points_checked(base: &Scenario, spec: &SweepSpec) -> Vec<Point> {
    spec.values
        .iter()
        .map(|v| (v.label(), apply(base, spec.knob, v, spec.pin_other)))
        .collect()
}

/// What happened to a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    /// It ran.
    Ok,
    /// Its quorums do not intersect and the scenario does not allow unsafe quorums.
    SkippedUnsafe,
    /// The scenario is invalid for this value.
    Invalid,
}

impl PointStatus {
    /// The CSV form.
    pub fn name(self) -> &'static str {
        match self {
            PointStatus::Ok => "ok",
            PointStatus::SkippedUnsafe => "skipped_unsafe",
            PointStatus::Invalid => "invalid",
        }
    }
}

/// One row of a sweep table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    /// The knob varied.
    pub knob: String,
    /// The value of this point.
    pub value: String,
    /// Cluster size.
    pub nodes: u32,
    /// Quorum system, in words.
    pub quorum: String,
    /// Size of the smallest phase-1 quorum (`null` if the quorums are invalid).
    pub q1: Option<u32>,
    /// Size of the smallest phase-2 quorum.
    pub q2: Option<u32>,
    /// Every Q1 intersects every Q2.
    pub safe: bool,
    /// Thrifty messaging.
    pub thrifty: bool,
    /// Ran, skipped or invalid.
    pub status: PointStatus,
    /// Requests completed after warmup.
    pub committed: Option<u64>,
    /// Requests per simulated second.
    pub throughput: Option<f64>,
    /// Median latency (ms).
    pub p50_ms: Option<f64>,
    /// 90th percentile latency (ms).
    pub p90_ms: Option<f64>,
    /// 99th percentile latency (ms).
    pub p99_ms: Option<f64>,
    /// Mean latency (ms).
    pub mean_ms: Option<f64>,
    /// Messages per committed request.
    pub msgs_per_commit: Option<f64>,
    /// Completed elections after the first.
    pub leader_changes: Option<u64>,
    /// No safety violation.
    pub safety_ok: Option<bool>,
    /// Number of safety violations recorded.
    pub violations: Option<u64>,
    /// Trace hash of the run.
    pub trace_hash: Option<String>,
    /// Why the point did not run.
    pub error: Option<String>,
}

/// Smallest quorum sizes `(q1, q2)` of a quorum system.
pub fn smallest_quorums(q: &QuorumSystem, spec: &QuorumSpec) -> (u32, u32) {
    let n = q.n() as u32;
    match spec {
        QuorumSpec::Majority => (n / 2 + 1, n / 2 + 1),
        QuorumSpec::Counting { q1, q2 } => (*q1, *q2),
        QuorumSpec::Weighted { weights, q1, q2 } => {
            let mut w = weights.clone();
            w.sort_unstable_by(|a, b| b.cmp(a));
            let need = |t: u32| {
                let mut sum = 0u32;
                for (i, x) in w.iter().enumerate() {
                    sum += x;
                    if sum >= t {
                        return i as u32 + 1;
                    }
                }
                n
            };
            (need(*q1), need(*q2))
        }
        _ => {
            let min = |p| {
                q.minimal_quorums(p)
                    .and_then(|l| l.iter().map(|s| s.len() as u32).min())
                    .unwrap_or(n)
            };
            (min(Phase::One), min(Phase::Two))
        }
    }
}

fn row_base(knob: &str, label: &str, s: &Scenario, status: PointStatus) -> SweepRow {
    let n = s.cluster.nodes;
    let (q1, q2, safe) = match QuorumSystem::new(&s.cluster.quorum, n as usize) {
        Ok(q) => {
            let (a, b) = smallest_quorums(&q, &s.cluster.quorum);
            (Some(a), Some(b), q.is_safe())
        }
        Err(_) => (None, None, false),
    };
    SweepRow {
        knob: knob.to_string(),
        value: label.to_string(),
        nodes: n,
        quorum: s.cluster.quorum.label(n as usize),
        q1,
        q2,
        safe,
        thrifty: s.cluster.thrifty,
        status,
        committed: None,
        throughput: None,
        p50_ms: None,
        p90_ms: None,
        p99_ms: None,
        mean_ms: None,
        msgs_per_commit: None,
        leader_changes: None,
        safety_ok: None,
        violations: None,
        trace_hash: None,
        error: None,
    }
}

/// The row for a point that ran. `knob` names the knob in the row.
pub fn row_for(knob: &str, label: &str, s: &Scenario, r: &Report) -> SweepRow {
    let mut row = row_base(knob, label, s, PointStatus::Ok);
    row.committed = Some(r.committed);
    row.throughput = Some(r.throughput);
    row.p50_ms = Some(r.latency_ms.p50);
    row.p90_ms = Some(r.latency_ms.p90);
    row.p99_ms = Some(r.latency_ms.p99);
    row.mean_ms = Some(r.latency_ms.mean);
    row.msgs_per_commit = Some(r.messages.per_commit);
    row.leader_changes = Some(r.leader_changes);
    row.safety_ok = Some(r.safety.ok);
    row.violations = Some(r.safety.violations.len() as u64);
    row.trace_hash = Some(r.trace_hash.clone());
    row
}

/// The row for a point that ran (the knob column is left empty; see [`row_for`]).
pub fn row(label: &str, s: &Scenario, r: &Report) -> SweepRow {
    row_for("", label, s, r)
}

/// What [`run_point`] would do with a scenario, without running it: `Ok(())` to run, or the
/// row to print instead.
pub fn precheck(
    knob: Knob,
    label: &str,
    s: &Result<Scenario, String>,
) -> Result<(), Box<SweepRow>> {
    let s = match s {
        Ok(s) => s,
        Err(e) => {
            let mut r = row_base(
                knob.name(),
                label,
                &Scenario::default(),
                PointStatus::Invalid,
            );
            r.nodes = 0;
            r.quorum = String::new();
            r.q1 = None;
            r.q2 = None;
            r.error = Some(e.clone());
            return Err(Box::new(r));
        }
    };
    let safe = QuorumSystem::new(&s.cluster.quorum, s.cluster.nodes as usize)
        .map(|q| q.is_safe())
        .unwrap_or(true);
    if !safe && !s.cluster.allow_unsafe {
        let mut r = row_base(knob.name(), label, s, PointStatus::SkippedUnsafe);
        r.error = Some("quorums do not intersect; pass --allow-unsafe to run it".into());
        return Err(Box::new(r));
    }
    if let Err(e) = s.validate() {
        let mut r = row_base(knob.name(), label, s, PointStatus::Invalid);
        r.error = Some(e.0.join("; "));
        return Err(Box::new(r));
    }
    Ok(())
}

/// Runs one point: skips it if unsafe and not allowed, reports it if invalid, else runs it.
pub fn run_point(knob: Knob, label: &str, s: &Result<Scenario, String>) -> SweepRow {
    if let Err(r) = precheck(knob, label, s) {
        return *r;
    }
    let Ok(s) = s else {
        unreachable!("precheck rejects Err points")
    };
    match crate::sim::run(s) {
        Ok(r) => row_for(knob.name(), label, s, &r),
        Err(e) => {
            let mut r = row_base(knob.name(), label, s, PointStatus::Invalid);
            r.error = Some(e.0.join("; "));
            r
        }
    }
}

/// The CSV header line (no trailing newline).
pub const CSV_HEADER: &str = "knob,value,nodes,quorum,q1,q2,safe,thrifty,status,committed,throughput,p50_ms,p90_ms,p99_ms,mean_ms,msgs_per_commit,leader_changes,safety_ok,violations,trace_hash,error";

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

fn optf(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| format!("{x:.decimals$}")).unwrap_or_default()
}

impl SweepRow {
    /// The row as one CSV line (no trailing newline).
    pub fn csv_line(&self) -> String {
        [
            csv_field(&self.knob),
            csv_field(&self.value),
            self.nodes.to_string(),
            csv_field(&self.quorum),
            opt(&self.q1),
            opt(&self.q2),
            self.safe.to_string(),
            self.thrifty.to_string(),
            self.status.name().to_string(),
            opt(&self.committed),
            optf(self.throughput, 1),
            optf(self.p50_ms, 3),
            optf(self.p90_ms, 3),
            optf(self.p99_ms, 3),
            optf(self.mean_ms, 3),
            optf(self.msgs_per_commit, 3),
            opt(&self.leader_changes),
            opt(&self.safety_ok),
            opt(&self.violations),
            opt(&self.trace_hash),
            csv_field(self.error.as_deref().unwrap_or("")),
        ]
        .join(",")
    }
}

/// The whole table as CSV, header first, one line per row, each line ending in `\n`.
pub fn to_csv(rows: &[SweepRow]) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str(CSV_HEADER);
    out.push('\n');
    for r in rows {
        out.push_str(&r.csv_line());
        out.push('\n');
    }
    out
}

/// Writes the CSV table to `w`.
pub fn write_csv(rows: &[SweepRow], w: &mut impl fmt::Write) -> fmt::Result {
    w.write_str(&to_csv(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(s: &SweepSpec) -> Vec<u64> {
        s.values
            .iter()
            .map(|v| match v {
                KnobValue::Int(i) => *i,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn parses_ranges_and_lists() {
        let s = SweepSpec::parse("q2=1..5").unwrap();
        assert_eq!(s.knob, Knob::Q2);
        assert_eq!(ints(&s), vec![1, 2, 3, 4, 5]);
        assert_eq!(
            ints(&SweepSpec::parse("nodes=3..9:2").unwrap()),
            vec![3, 5, 7, 9]
        );
        assert_eq!(
            ints(&SweepSpec::parse("clients=1,2,4,8").unwrap()),
            vec![1, 2, 4, 8]
        );
        let loss = SweepSpec::parse("loss=0..0.1:0.02").unwrap();
        let labels: Vec<String> = loss.values.iter().map(|v| v.label()).collect();
        assert_eq!(labels, ["0", "0.02", "0.04", "0.06", "0.08", "0.1"]);
        let cpu = SweepSpec::parse("cpu=0..50us:10us").unwrap();
        assert_eq!(cpu.values.len(), 6);
        assert_eq!(cpu.values[1], KnobValue::Dur(Dur::us(10)));
        let t = SweepSpec::parse("thrifty=false,true").unwrap();
        assert_eq!(
            t.values,
            vec![KnobValue::Bool(false), KnobValue::Bool(true)]
        );
        let l = SweepSpec::parse("latency=1ms,normal:10ms,2ms,uniform:1ms..3ms").unwrap();
        let labels: Vec<String> = l.values.iter().map(|v| v.label()).collect();
        assert_eq!(labels, ["const:1ms", "normal:10ms,2ms", "uniform:1ms..3ms"]);
        let l = SweepSpec::parse("latency=1ms..3ms:1ms").unwrap();
        assert_eq!(l.values.len(), 3);
        assert_eq!(SweepSpec::parse("seed=1..10").unwrap().values.len(), 10);
    }

    #[test]
    fn rejects_bad_specs_readably() {
        for bad in [
            "q2",
            "q3=1..5",
            "q2=",
            "q2=5..1",
            "q2=a..b",
            "q2=1..5:0",
            "loss=0..0.1",
            "thrifty=maybe",
            "latency=fast",
            "seed=0..100000000",
            "cpu=10",
        ] {
            let e = SweepSpec::parse(bad).unwrap_err();
            assert!(!e.is_empty() && !e.contains('\n'), "{bad}: {e}");
        }
    }

    #[test]
    fn q2_points_use_smallest_safe_q1() {
        let base = Scenario::default();
        let spec = SweepSpec::parse("q2=1..5").unwrap();
        let pts = points(&base, &spec);
        let qs: Vec<QuorumSpec> = pts.iter().map(|(_, s)| s.cluster.quorum.clone()).collect();
        assert_eq!(qs[0], QuorumSpec::Counting { q1: 5, q2: 1 });
        assert_eq!(qs[3], QuorumSpec::Counting { q1: 2, q2: 4 });
        let mut pinned = spec.clone();
        pinned.pin_other = Some(2);
        let pts = points_checked(&base, &pinned);
        let s = pts[0].1.as_ref().unwrap();
        assert_eq!(s.cluster.quorum, QuorumSpec::Counting { q1: 2, q2: 1 });
        let row = run_point(Knob::Q2, &pts[0].0, &pts[0].1);
        assert_eq!(row.status, PointStatus::SkippedUnsafe);
        assert!(!row.safe);
        assert!(row.csv_line().contains("skipped_unsafe"));
    }

    #[test]
    fn rows_run_and_print() {
        let base = Scenario {
            duration: Dur::ms(300),
            warmup: Dur::ms(50),
            ..Scenario::default()
        };
        let spec = SweepSpec::parse("q2=2..3").unwrap();
        let rows: Vec<SweepRow> = points_checked(&base, &spec)
            .iter()
            .map(|(l, s)| run_point(spec.knob, l, s))
            .collect();
        assert_eq!(rows.len(), 2);
        assert!(rows
            .iter()
            .all(|r| r.status == PointStatus::Ok && r.safety_ok == Some(true)));
        assert_eq!(rows[0].q1, Some(4));
        assert_eq!(rows[0].q2, Some(2));
        let csv = to_csv(&rows);
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.starts_with(CSV_HEADER));
        let bad = run_point(
            Knob::Nodes,
            "99",
            &apply(&base, Knob::Nodes, &KnobValue::Int(99), None),
        );
        assert_eq!(bad.status, PointStatus::Invalid);
    }
}
