//! One row per experiment point: the seeds' outcomes summed up, and the CSV form.

use super::{Experiment, SeedOutcome, SeedRun};
use crate::scenario::Scenario;
use crate::sweep::row::{csv_field, smallest_quorums, PointStatus};
use crate::sweep::{check_point as check_sweep_point, Knob, SweepRow};
use serde::{Deserialize, Serialize};

/// One row of an availability table: a point of the sweep under the experiment's fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The knob varied.
    pub knob: String,
    /// The value of this point.
    pub value: String,
    /// Cluster size.
    pub nodes: u32,
    /// Quorum system, in words.
    pub quorum: String,
    /// Size of the smallest phase-1 quorum.
    pub q1: Option<u32>,
    /// Size of the smallest phase-2 quorum.
    pub q2: Option<u32>,
    /// Every Q1 intersects every Q2.
    pub safe: bool,
    /// Ran, skipped or invalid.
    pub status: PointStatus,
    /// The fault (`crash 2`, `crash leader+1`, `quorum-loss`, ...).
    pub fault: String,
    /// When it struck (ms).
    pub fault_at_ms: f64,
    /// Seeds run.
    pub seeds: u32,
    /// Seeds that recovered: a request completed after the fault.
    pub recovered: Option<u32>,
    /// `recovered / seeds`.
    pub recovered_frac: Option<f64>,
    /// Seeds whose leader at the fault crashed.
    pub leader_hit: Option<u32>,
    /// Seeds that lost their last live leader at or after the fault: the ones the election
    /// percentiles are over.
    pub leader_lost: Option<u32>,
    /// Of those, the seeds that elected a new leader.
    pub elected: Option<u32>,
    /// Median time from the fault to the new leader (ms); `null` when no seed lost its leader
    /// or when the median seed never elected.
    pub elect_p50_ms: Option<f64>,
    /// 99th percentile of the same; `null` as above.
    pub elect_p99_ms: Option<f64>,
    /// Median time from the fault to the first completed request (ms), over every seed;
    /// `null` when the median seed never recovered.
    pub commit_p50_ms: Option<f64>,
    /// 99th percentile of the same; `null` as above.
    pub commit_p99_ms: Option<f64>,
    /// Mean unavailable time per seed (ms, whole run).
    pub unavailable_mean_ms: Option<f64>,
    /// 99th percentile of unavailable time per seed (ms).
    pub unavailable_p99_ms: Option<f64>,
    /// Liveness stalls, summed over seeds.
    pub stalls: Option<u64>,
    /// Mean leader changes per seed (whole run): the ping-pong of the chained pattern.
    pub leader_changes_mean: Option<f64>,
    /// Why the point did not run.
    pub error: Option<String>,
}

impl Row {
    fn base(knob: &str, label: &str, exp: &Experiment, status: PointStatus) -> Row {
        Row {
            knob: knob.to_string(),
            value: label.to_string(),
            nodes: 0,
            quorum: String::new(),
            q1: None,
            q2: None,
            safe: false,
            status,
            fault: exp.plan.label(),
            fault_at_ms: exp.fault_at.as_ms(),
            seeds: exp.seeds,
            recovered: None,
            recovered_frac: None,
            leader_hit: None,
            leader_lost: None,
            elected: None,
            elect_p50_ms: None,
            elect_p99_ms: None,
            commit_p50_ms: None,
            commit_p99_ms: None,
            unavailable_mean_ms: None,
            unavailable_p99_ms: None,
            stalls: None,
            leader_changes_mean: None,
            error: None,
        }
    }

    fn from_sweep_row(r: &SweepRow, exp: &Experiment) -> Row {
        Row {
            nodes: r.nodes,
            quorum: r.quorum.clone(),
            q1: r.q1,
            q2: r.q2,
            safe: r.safe,
            error: r.error.clone(),
            ..Row::base(&r.knob, &r.value, exp, r.status)
        }
    }
}

/// Checks a point for an experiment: the scenario to run its seeds on, or the row to print
/// instead (skipped when its quorums are unsafe and not allowed; invalid when the scenario
/// fails its checks or the fault does not fit it, e.g. more crashes than nodes).
pub fn check_point(
    knob: Knob,
    label: &str,
    point: &Result<Scenario, String>,
    exp: &Experiment,
) -> Result<Scenario, Box<Row>> {
    let c = check_sweep_point(knob, label, point)
        .map_err(|r| Box::new(Row::from_sweep_row(&r, exp)))?;
    let s = c.scenario();
    if let Err(e) = exp.check(s) {
        let mut row = identity(knob, label, &c, exp);
        row.status = PointStatus::Invalid;
        row.error = Some(e);
        return Err(Box::new(row));
    }
    Ok(s.clone())
}

/// The identity columns of a point that passed its checks.
fn identity(knob: Knob, label: &str, c: &crate::scenario::Checked, exp: &Experiment) -> Row {
    let (q1, q2) = smallest_quorums(c.quorums());
    Row {
        nodes: c.cluster.nodes,
        quorum: c.cluster.quorum.label(c.cluster.nodes as usize),
        q1: Some(q1),
        q2: Some(q2),
        safe: c.quorums().is_safe(),
        ..Row::base(knob.name(), label, exp, PointStatus::Ok)
    }
}

/// Nearest-rank percentile of `sorted` (ascending; infinity stands for *never*): `None` when
/// empty or when it falls on *never*.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
    let v = sorted[rank - 1];
    v.is_finite().then_some(v)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// The row for a point whose seeds ran: `s` is the point's scenario (as checked by
/// [`check_point`]), `outcomes` one per seed in any order.
pub fn summarize(
    knob: Knob,
    label: &str,
    s: &Scenario,
    exp: &Experiment,
    outcomes: &[SeedOutcome],
) -> Row {
    let mut row = match s.check() {
        Ok(c) => identity(knob, label, &c, exp),
        Err(e) => {
            let mut r = Row::base(knob.name(), label, exp, PointStatus::Invalid);
            r.error = Some(e.0.join("; "));
            return r;
        }
    };
    let n = outcomes.len();
    let count = |f: fn(&SeedOutcome) -> bool| outcomes.iter().filter(|o| f(o)).count() as u32;
    let never = |v: Option<f64>| v.unwrap_or(f64::INFINITY);
    let elect = sorted(
        outcomes
            .iter()
            .filter(|o| o.leader_lost)
            .map(|o| never(o.elect_ms))
            .collect(),
    );
    let commit = sorted(outcomes.iter().map(|o| never(o.first_commit_ms)).collect());
    let unavailable = sorted(outcomes.iter().map(|o| o.unavailable_ms).collect());
    row.seeds = n as u32;
    row.recovered = Some(count(|o| o.recovered));
    row.recovered_frac = (n > 0).then(|| f64::from(count(|o| o.recovered)) / n as f64);
    row.leader_hit = Some(count(|o| o.leader_hit));
    row.leader_lost = Some(elect.len() as u32);
    row.elected = Some(count(|o| o.leader_lost && o.elect_ms.is_some()));
    row.elect_p50_ms = percentile(&elect, 0.5);
    row.elect_p99_ms = percentile(&elect, 0.99);
    row.commit_p50_ms = percentile(&commit, 0.5);
    row.commit_p99_ms = percentile(&commit, 0.99);
    row.unavailable_mean_ms = (n > 0).then(|| unavailable.iter().sum::<f64>() / n as f64);
    row.unavailable_p99_ms = percentile(&unavailable, 0.99);
    row.stalls = Some(outcomes.iter().map(|o| o.stalls).sum());
    row.leader_changes_mean = (n > 0).then(|| {
        outcomes
            .iter()
            .map(|o| o.leader_changes as f64)
            .sum::<f64>()
            / n as f64
    });
    row
}

/// Runs every seed of one point, one after the other, and returns its row (the CLI runs the
/// seeds on threads and calls [`summarize`]; the page runs them in slices).
pub fn run_point(
    knob: Knob,
    label: &str,
    point: &Result<Scenario, String>,
    exp: &Experiment,
) -> Row {
    let s = match check_point(knob, label, point, exp) {
        Ok(s) => s,
        Err(row) => return *row,
    };
    let mut outcomes = Vec::with_capacity(exp.seeds as usize);
    for i in 0..exp.seeds {
        match SeedRun::new(&s, exp, i) {
            Ok(run) => outcomes.push(run.run()),
            Err(e) => {
                let mut r = Row::base(knob.name(), label, exp, PointStatus::Invalid);
                r.error = Some(e);
                return r;
            }
        }
    }
    summarize(knob, label, &s, exp, &outcomes)
}

/// The CSV header line (no trailing newline).
pub const CSV_HEADER: &str = "knob,value,nodes,quorum,q1,q2,safe,status,fault,fault_at_ms,seeds,recovered,recovered_frac,leader_hit,leader_lost,elected,elect_p50_ms,elect_p99_ms,commit_p50_ms,commit_p99_ms,unavailable_mean_ms,unavailable_p99_ms,stalls,leader_changes_mean,error";

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

fn optf(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| format!("{x:.decimals$}")).unwrap_or_default()
}

/// A time percentile over `over` seeds: empty when there were none, `never` when it fell on a
/// seed that never got there.
fn time(v: Option<f64>, over: Option<u32>) -> String {
    match (v, over) {
        (Some(x), _) => format!("{x:.3}"),
        (None, Some(n)) if n > 0 => "never".into(),
        _ => String::new(),
    }
}

impl Row {
    /// The row as one CSV line (no trailing newline).
    pub fn csv_line(&self) -> String {
        let ran = (self.status == PointStatus::Ok).then_some(self.seeds);
        [
            csv_field(&self.knob),
            csv_field(&self.value),
            self.nodes.to_string(),
            csv_field(&self.quorum),
            opt(&self.q1),
            opt(&self.q2),
            self.safe.to_string(),
            self.status.name().to_string(),
            csv_field(&self.fault),
            optf(Some(self.fault_at_ms), 1),
            self.seeds.to_string(),
            opt(&self.recovered),
            optf(self.recovered_frac, 3),
            opt(&self.leader_hit),
            opt(&self.leader_lost),
            opt(&self.elected),
            time(self.elect_p50_ms, self.leader_lost),
            time(self.elect_p99_ms, self.leader_lost),
            time(self.commit_p50_ms, ran),
            time(self.commit_p99_ms, ran),
            optf(self.unavailable_mean_ms, 3),
            optf(self.unavailable_p99_ms, 3),
            opt(&self.stalls),
            optf(self.leader_changes_mean, 2),
            csv_field(self.error.as_deref().unwrap_or("")),
        ]
        .join(",")
    }
}

/// The whole table as CSV, header first, each line ending in `\n`.
pub fn to_csv(rows: &[Row]) -> String {
    let mut out = String::with_capacity(128 * (rows.len() + 1));
    out.push_str(CSV_HEADER);
    out.push('\n');
    for r in rows {
        out.push_str(&r.csv_line());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_nearest_rank_and_never_is_none() {
        let v = [1.0, 2.0, 3.0, 4.0, f64::INFINITY];
        assert_eq!(percentile(&v, 0.5), Some(3.0));
        assert_eq!(percentile(&v, 0.99), None);
        assert_eq!(percentile(&v[..4], 0.99), Some(4.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
