//! The rows of a sweep table: checking a point, running it, and the CSV form.

use super::Knob;
use crate::report::Report;
use crate::scenario::{Checked, Scenario};
use fpaxos::quorum::{Phase, QuorumSystem};
use serde::{Deserialize, Serialize};

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
pub fn smallest_quorums(q: &QuorumSystem) -> (u32, u32) {
    (q.smallest(Phase::One) as u32, q.smallest(Phase::Two) as u32)
}

/// The columns every row has, from the scenario and (when its spec fits the cluster) its
/// quorum system.
fn row_base(
    knob: &str,
    label: &str,
    s: &Scenario,
    q: Option<&QuorumSystem>,
    status: PointStatus,
) -> SweepRow {
    let n = s.cluster.nodes;
    let (q1, q2, safe) = match q {
        Some(q) => {
            let (a, b) = smallest_quorums(q);
            (Some(a), Some(b), q.is_safe())
        }
        None => (None, None, false),
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
    let q = s.quorum_system().ok();
    row_ran(row_base(knob, label, s, q.as_ref(), PointStatus::Ok), r)
}

/// The row for a checked point that ran (its quorum system is not built again).
pub fn row_for_checked(knob: &str, label: &str, c: &Checked, r: &Report) -> SweepRow {
    let base = row_base(knob, label, c, Some(c.quorums()), PointStatus::Ok);
    row_ran(base, r)
}

fn row_ran(mut row: SweepRow, r: &Report) -> SweepRow {
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

/// Checks a point: the [`Checked`] scenario to run, or the row to print instead. A point is
/// skipped when its quorums do not intersect and the scenario does not allow that, and invalid
/// when its value could not apply or the scenario fails its checks. A point that runs has its
/// quorum system built once, here.
pub fn check_point(
    knob: Knob,
    label: &str,
    s: &Result<Scenario, String>,
) -> Result<Checked, Box<SweepRow>> {
    let s = match s {
        Ok(s) => s,
        Err(e) => {
            let mut r = row_base(
                knob.name(),
                label,
                &Scenario::default(),
                None,
                PointStatus::Invalid,
            );
            r.nodes = 0;
            r.quorum = String::new();
            // The column has always said `true` here (it once came from the default majority).
            r.safe = true;
            r.error = Some(e.clone());
            return Err(Box::new(r));
        }
    };
    let errs = match s.check() {
        Ok(c) => return Ok(c),
        Err(e) => e,
    };
    let q = s.quorum_system().ok();
    let mut r = if q.as_ref().is_some_and(|q| !q.is_safe()) && !s.cluster.allow_unsafe {
        let mut r = row_base(
            knob.name(),
            label,
            s,
            q.as_ref(),
            PointStatus::SkippedUnsafe,
        );
        r.error = Some("quorums do not intersect; pass --allow-unsafe to run it".into());
        r
    } else {
        row_base(knob.name(), label, s, q.as_ref(), PointStatus::Invalid)
    };
    if r.status == PointStatus::Invalid {
        r.error = Some(errs.0.join("; "));
    }
    Err(Box::new(r))
}

/// Runs one point: skips it if unsafe and not allowed, reports it if invalid, else runs it.
pub fn run_point(knob: Knob, label: &str, s: &Result<Scenario, String>) -> SweepRow {
    match check_point(knob, label, s) {
        Ok(c) => run_checked(knob, label, &c),
        Err(row) => *row,
    }
}

/// Runs a checked point and returns its row.
pub fn run_checked(knob: Knob, label: &str, c: &Checked) -> SweepRow {
    let report = crate::sim::Sim::new(c.clone()).run_to_end();
    row_for_checked(knob.name(), label, c, &report)
}

/// The CSV header line (no trailing newline).
pub const CSV_HEADER: &str = "knob,value,nodes,quorum,q1,q2,safe,thrifty,status,committed,throughput,p50_ms,p90_ms,p99_ms,mean_ms,msgs_per_commit,leader_changes,safety_ok,violations,trace_hash,error";

pub(crate) fn csv_field(s: &str) -> String {
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
