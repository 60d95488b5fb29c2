//! Parameter sweeps: vary one knob of a scenario over a list of values and tabulate the results.
//!
//! This module holds everything about a sweep except running points in parallel, so the CLI
//! (`fpaxos sweep`, which adds threads) and the web page (which runs points one by one in wasm32)
//! build the same scenarios and print the same numbers:
//!
//! 1. [`SweepSpec::parse`] reads `q2=1..5`, `clients=1,2,4,8`, `loss=0..0.1:0.02`, ...
//! 2. [`points_checked`] applies each value to a base [`Scenario`], in input order.
//! 3. [`check_point`] checks a point: a [`Checked`] scenario to run, or the row to print
//!    instead (skipped when its quorums are unsafe and the scenario does not allow that, or
//!    invalid). [`run_point`] checks and runs one point; [`row_for`] builds a row from a report.
//! 4. [`to_csv`] writes the rows.

use crate::dur::Dur;
use crate::scenario::{Latency, Scenario};
use fpaxos::quorum::QuorumSpec;
use serde::{Deserialize, Serialize};
use std::fmt;

pub mod availability;
mod quorum_knob;
mod row;

pub use row::{
    check_point, row_for, row_for_checked, run_checked, run_point, smallest_quorums, to_csv,
    PointStatus, SweepRow, CSV_HEADER,
};

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
    /// Cluster size, changed by [`Scenario::set_nodes`]: counting quorums keep Q2 (capped at N)
    /// and take the smallest safe Q1.
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
    /// Quorum system, in the `--quorum` text form (`majority`, `4/2` or `4,2`, `grid:2x3`).
    Quorum,
}

impl Knob {
    /// Every knob, in the order the help text lists them.
    pub const ALL: [Knob; 16] = [
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
        Knob::Quorum,
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
            Knob::Quorum => "quorum",
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
            Knob::Quorum => ValueKind::Quorum,
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
    Quorum,
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
    /// A quorum system.
    Quorum(QuorumSpec),
}

impl KnobValue {
    /// The label printed in the `value` column.
    pub fn label(&self) -> String {
        match self {
            KnobValue::Int(v) => v.to_string(),
            KnobValue::Float(v) => fmt_float(*v),
            KnobValue::Dur(d) => d.to_string(),
            KnobValue::Bool(b) => b.to_string(),
            KnobValue::Latency(l) => l.to_string(),
            KnobValue::Quorum(q) => quorum_knob::label(q),
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
            ValueKind::Quorum => quorum_knob::parse(vals)?,
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
        (Knob::Nodes, KnobValue::Int(v)) => s.set_nodes(to_u32(*v)?),
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
        (Knob::Quorum, KnobValue::Quorum(q)) => c.quorum = q.clone(),
        (k, v) => return Err(format!("value `{}` does not fit knob {k}", v.label())),
    }
    Ok(s)
}

fn to_u32(v: u64) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("{v} is too large"))
}

/// One point of a sweep: its value label and the scenario to run (`Err`: why it cannot apply).
pub type Point = (String, Result<Scenario, String>);

/// The points of a sweep, one per value, in input order, each with the reason its value could
/// not be applied (only possible in a hand-built spec whose value type does not fit the knob).
pub fn points_checked(base: &Scenario, spec: &SweepSpec) -> Vec<Point> {
    spec.values
        .iter()
        .map(|v| (v.label(), apply(base, spec.knob, v, spec.pin_other)))
        .collect()
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
        let pts = points_checked(&base, &spec);
        let qs: Vec<QuorumSpec> = pts
            .iter()
            .map(|(_, s)| s.as_ref().unwrap().cluster.quorum.clone())
            .collect();
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
