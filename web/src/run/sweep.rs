//! Sweeps in the page: the same [`fpaxos_sim::sweep`] functions as `fpaxos sweep` (parse, points,
//! run_point), with every point a [`Job`] for the page's workers, run in parallel.
//!
//! **Invariant**: a row here equals the CLI's row for the same scenario and `--vary` text: a
//! worker builds it with [`sweep::run_point`], exactly as the CLI does, and rows are listed in
//! input order whatever order the workers finish in.

use super::job::{Answer, Job};
use super::points::PointTable;
use super::pool::Ticket;
use super::Tick;
use fpaxos_sim::sweep::{self, Knob, KnobValue, PointStatus, SweepRow, SweepSpec};
use fpaxos_sim::Scenario;

/// A sweep in progress (or finished, or cancelled).
pub(crate) struct SweepRun {
    /// The parsed spec.
    pub(crate) spec: SweepSpec,
    /// The spec text as typed.
    pub(crate) text: String,
    /// The points and their rows so far.
    pub(crate) table: PointTable<SweepRow>,
    /// Rows that came before an earlier point's, by point index.
    early: Vec<Option<SweepRow>>,
    /// Each point's job, once submitted (on the first tick).
    tickets: Vec<Ticket>,
}

impl SweepRun {
    /// Parses `text` and builds the points over `base`. Errors are sentences for the user.
    pub(crate) fn new(base: &Scenario, text: &str) -> Result<SweepRun, String> {
        let spec = SweepSpec::parse(text.trim())?;
        if spec.values.len() > 200 {
            return Err(format!(
                "{} points is more than the page runs (200); use `fpaxos sweep` for large sweeps.",
                spec.values.len()
            ));
        }
        let points = sweep::points_checked(base, &spec);
        Ok(SweepRun {
            spec,
            text: text.trim().to_string(),
            early: vec![None; points.len()],
            table: PointTable::new(points),
            tickets: Vec::new(),
        })
    }

    /// The knob.
    pub(crate) fn knob(&self) -> Knob {
        self.spec.knob
    }

    /// Fraction done: points with their row, in order or not.
    pub(crate) fn progress(&self) -> f64 {
        let n = self.table.points.len().max(1) as f64;
        let early = self.early.iter().filter(|r| r.is_some()).count();
        ((self.table.rows.len() + early) as f64 / n).min(1.0)
    }

    /// The CSV of the rows so far (the format of `fpaxos sweep`).
    pub(crate) fn csv(&self) -> String {
        sweep::to_csv(&self.table.rows)
    }

    /// Files a row and moves every leading finished row into `rows`.
    fn answered(&mut self, i: usize, row: SweepRow) {
        self.early[i] = Some(row);
        while let Some(r) = self
            .early
            .get_mut(self.table.rows.len())
            .and_then(Option::take)
        {
            self.table.rows.push(r);
        }
    }
}

impl Tick for SweepRun {
    /// Submits every point on the first tick, then files the rows the workers sent.
    /// Without workers the jobs run inline for about `budget_ms`.
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let Some(batch) = self.table.batch.as_ref().filter(|_| self.table.running()) else {
            return false;
        };
        if self.tickets.is_empty() {
            let knob = self.spec.knob;
            self.tickets = self
                .table
                .points
                .iter()
                .map(|(label, point)| {
                    let job = Job::SweepPoint {
                        knob,
                        label: label.clone(),
                        point: point.clone(),
                    };
                    batch.submit(job, false)
                })
                .collect();
        }
        for (ticket, answer) in batch.take(budget_ms, clock) {
            let Some(i) = self.tickets.iter().position(|t| *t == ticket) else {
                continue;
            };
            let row = match answer {
                Answer::SweepRow(row) => *row,
                other => failed_row(self.spec.knob, &self.table.points[i].0, &other),
            };
            self.answered(i, row);
            self.table.version += 1;
        }
        self.table.running()
    }

    fn version(&self) -> Option<u64> {
        Some(self.table.version)
    }
}

/// The row of a point whose worker failed (a bug, shown rather than hanging the sweep).
fn failed_row(knob: Knob, label: &str, answer: &Answer) -> SweepRow {
    let mut row = sweep::run_point(knob, label, &Err(String::new()));
    row.status = PointStatus::Invalid;
    row.error = Some(match answer {
        Answer::Failed(e) => e.clone(),
        _ => "the worker answered something else".into(),
    });
    row
}

/// The x value of a point on a chart, and whether the axis is numeric. Durations are in
/// milliseconds; latency models and on/off use the point's index.
pub(crate) fn x_of(v: &KnobValue, index: usize) -> (f64, bool) {
    match v {
        KnobValue::Int(i) => (*i as f64, true),
        KnobValue::Float(f) => (*f, true),
        KnobValue::Dur(d) => (d.as_ms(), true),
        KnobValue::Latency(_) | KnobValue::Bool(_) | KnobValue::Quorum(_) => (index as f64, false),
    }
}

/// The unit of a knob's axis.
pub(crate) fn knob_unit(k: Knob) -> &'static str {
    match k {
        Knob::Q2 | Knob::Q1 | Knob::Nodes => "nodes",
        Knob::Clients => "clients",
        Knob::Outstanding => "requests",
        Knob::Rate => "req/s",
        Knob::Loss | Knob::Duplicate => "probability",
        Knob::Cpu | Knob::Duration => "ms",
        Knob::Window => "slots",
        Knob::Batch => "commands",
        Knob::Latency | Knob::Thrifty | Knob::Seed | Knob::Quorum => "",
    }
}

/// A friendly description of each knob for the picker, with a starting range.
pub(crate) fn knob_help(k: Knob) -> (&'static str, &'static str) {
    match k {
        Knob::Q2 => ("Q2 (Q1 = N − Q2 + 1)", "1..5"),
        Knob::Q1 => ("Q1 (Q2 = N − Q1 + 1)", "1..5"),
        Knob::Nodes => ("cluster size N", "3..9"),
        Knob::Clients => ("clients", "1,2,4,8,16,32"),
        Knob::Outstanding => ("outstanding per client", "1,2,4,8"),
        Knob::Rate => ("open-loop rate (req/s)", "1000,2000,4000"),
        Knob::Latency => ("network latency", "1ms..5ms:1ms"),
        Knob::Loss => ("message loss", "0..0.1:0.02"),
        Knob::Duplicate => ("duplication", "0,0.01,0.05"),
        Knob::Cpu => ("CPU per message", "0..50us:10us"),
        Knob::Thrifty => ("thrifty sends", "false,true"),
        Knob::Seed => ("seed", "1..5"),
        Knob::Window => ("pipeline window", "1,4,16,64"),
        Knob::Batch => ("batch size", "1,2,4,8"),
        Knob::Duration => ("duration", "1s,2s,5s"),
        Knob::Quorum => ("quorum system", "majority,4/2"),
    }
}

/// The CLI command that gives the same rows.
pub(crate) fn cli_command(spec_text: &str, scenario_path: &str) -> String {
    format!("fpaxos sweep --vary {spec_text} {scenario_path}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use fpaxos_sim::Dur;
    use std::cell::Cell;

    #[test]
    fn page_rows_equal_the_cli_rows() {
        let mut base = crate::presets::by_id("fig4-n5").expect("preset").scenario;
        base.duration = Dur::secs(4);
        let mut run = SweepRun::new(&base, "q2=1..3").expect("parses");
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 1.0);
            t.get()
        };
        let mut frames = 0;
        while run.tick(3.0, &clock) {
            frames += 1;
        }
        assert!(frames > 2);
        let spec = SweepSpec::parse("q2=1..3").expect("parses");
        let want: Vec<SweepRow> = sweep::points_checked(&base, &spec)
            .iter()
            .map(|(l, s)| sweep::run_point(spec.knob, l, s))
            .collect();
        assert_eq!(run.table.rows, want);
        assert_eq!(run.csv(), sweep::to_csv(&want));
    }

    #[test]
    fn unsafe_points_are_skipped_like_the_cli() {
        let base = Scenario {
            duration: Dur::ms(200),
            ..Scenario::default()
        };
        let mut run = SweepRun::new(&base, "q1=1..2").expect("parses");
        run.spec.pin_other = Some(2);
        run.table.points = sweep::points_checked(&base, &run.spec);
        run.early = vec![None; run.table.points.len()];
        while run.tick(1e9, &|| 0.0) {}
        assert_eq!(run.table.rows[0].status, sweep::PointStatus::SkippedUnsafe);
    }

    #[test]
    fn bad_specs_are_sentences() {
        let e = SweepRun::new(&Scenario::default(), "q9=1")
            .err()
            .expect("error");
        assert!(e.contains("unknown knob"));
    }
}
