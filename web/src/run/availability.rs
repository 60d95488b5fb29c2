//! Availability experiments in the page: the engine's [`availability`] experiment (the one
//! `fpaxos sweep --crash K` runs) for the editor's quorum system and for majority, its seeds
//! split into [`Job::Seeds`] for the page's workers, run in parallel.
//!
//! **Invariant**: a row here equals the CLI's row for the same scenario and flags: every seed is
//! an [`availability::SeedRun`] run to its end in a worker, and the row is built by
//! [`availability::summarize`] over the outcomes in seed order, exactly as the CLI does.

use super::job::{Answer, Job};
use super::points::PointTable;
use super::pool::{Batch, Ticket};
use super::Tick;
use fpaxos::quorum::QuorumSpec;
use fpaxos_sim::sweep::availability::{self, Experiment, FaultPlan, SeedOutcome};
use fpaxos_sim::sweep::{self, Knob, KnobValue, SweepSpec};
use fpaxos_sim::Scenario;

/// Most seeds the page runs per point (the CLI runs up to [`availability::MAX_SEEDS`]).
pub(crate) const MAX_PAGE_SEEDS: u32 = 200;

/// Jobs a point's seeds are split into (enough to keep every worker busy).
const JOBS_PER_POINT: u32 = 8;

/// A job's seed outcomes in seed order, or the first failing seed's error.
type Outcomes = Result<Vec<SeedOutcome>, String>;

/// One point's seeds in flight: its checked scenario and each job's ticket, seed count and
/// answer.
struct PointRun {
    scenario: Scenario,
    jobs: Vec<(Ticket, u32, Option<Outcomes>)>,
}

/// An experiment in progress (or finished, or cancelled).
pub(crate) struct AvailabilityRun {
    /// The experiment.
    pub(crate) exp: Experiment,
    /// The points (the editor's quorum system, then majority, once if they are the same) and
    /// their rows so far.
    pub(crate) table: PointTable<availability::Row>,
    /// Per point: its seeds in flight, or its row when it needs none (on the first tick).
    runs: Vec<Result<PointRun, Option<Box<availability::Row>>>>,
}

impl AvailabilityRun {
    /// `k` crashes (the leader among them if `leader`) at 1 s, over `seeds` seeds, for the
    /// quorum system of `base` and for majority.
    pub(crate) fn new(base: &Scenario, k: u32, leader: bool, seeds: u32) -> AvailabilityRun {
        let plan = if leader {
            FaultPlan::CrashLeader { k }
        } else {
            FaultPlan::Crash { k }
        };
        let exp = Experiment {
            seeds: seeds.clamp(1, MAX_PAGE_SEEDS),
            ..Experiment::new(plan)
        };
        let mut values = vec![KnobValue::Quorum(base.cluster.quorum.clone())];
        if base.cluster.quorum != QuorumSpec::Majority {
            values.push(KnobValue::Quorum(QuorumSpec::Majority));
        }
        let spec = SweepSpec {
            knob: Knob::Quorum,
            values,
            pin_other: None,
        };
        AvailabilityRun {
            exp,
            table: PointTable::new(sweep::points_checked(base, &spec)),
            runs: Vec::new(),
        }
    }

    /// Fraction done, counting the seeds whose outcomes came back.
    pub(crate) fn progress(&self) -> f64 {
        let per_point = f64::from(self.exp.seeds);
        let total = self.table.points.len().max(1) as f64 * per_point;
        let seeds: f64 = self
            .runs
            .iter()
            .map(|r| match r {
                Err(_) => per_point,
                Ok(p) => p
                    .jobs
                    .iter()
                    .filter(|j| j.2.is_some())
                    .map(|j| f64::from(j.1))
                    .sum(),
            })
            .sum();
        (seeds / total).min(1.0)
    }

    /// The CLI command that gives the same rows (`scenario.json`: the exported scenario).
    pub(crate) fn cli_command(&self) -> String {
        let values: Vec<&str> = self.table.points.iter().map(|(l, _)| l.as_str()).collect();
        let fault = match self.exp.plan {
            FaultPlan::CrashLeader { k } => format!("--crash {k} --crash-leader"),
            FaultPlan::Crash { k } => format!("--crash {k}"),
            FaultPlan::Pattern { pattern } => format!("--pattern {}", pattern.name()),
        };
        format!(
            "fpaxos sweep --vary quorum={} {fault} --seeds {} --fault-at {} scenario.json",
            values.join(","),
            self.exp.seeds,
            self.exp.fault_at
        )
    }

    /// Checks every point and submits the seeds of those that pass.
    fn start(&mut self, batch: &Batch) {
        let per_job = self.exp.seeds.div_ceil(JOBS_PER_POINT).max(1);
        for (label, point) in &self.table.points {
            let run = availability::check_point(Knob::Quorum, label, point, &self.exp).map(|s| {
                let jobs = (0..self.exp.seeds)
                    .step_by(per_job as usize)
                    .map(|from| {
                        let to = (from + per_job).min(self.exp.seeds);
                        let job = Job::Seeds {
                            point: s.clone(),
                            exp: self.exp,
                            from,
                            to,
                        };
                        (batch.submit(job, false), to - from, None)
                    })
                    .collect();
                PointRun { scenario: s, jobs }
            });
            self.runs.push(run.map_err(Some));
        }
    }

    /// The row of point `i` once all its seeds are back: [`availability::summarize`] over the
    /// outcomes in seed order, or the first failing seed's error, as the CLI reports them.
    fn row_of(&mut self, i: usize) -> Option<availability::Row> {
        let label = &self.table.points[i].0;
        let p = match &mut self.runs[i] {
            Err(row) => return row.take().map(|r| *r),
            Ok(p) => p,
        };
        if p.jobs.iter().any(|j| j.2.is_none()) {
            return None;
        }
        let mut outcomes = Vec::new();
        for (_, _, answer) in &p.jobs {
            match answer {
                Some(Ok(o)) => outcomes.extend_from_slice(o),
                Some(Err(e)) => {
                    let s = &p.scenario;
                    let mut row = availability::summarize(Knob::Quorum, label, s, &self.exp, &[]);
                    row.status = sweep::PointStatus::Invalid;
                    row.error = Some(e.clone());
                    return Some(row);
                }
                None => return None,
            }
        }
        Some(availability::summarize(
            Knob::Quorum,
            label,
            &p.scenario,
            &self.exp,
            &outcomes,
        ))
    }
}

impl Tick for AvailabilityRun {
    /// Submits every point's seeds on the first tick, then files the outcomes the workers
    /// sent and builds each point's row in order.
    /// Without workers the jobs run inline for about `budget_ms`.
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let Some(batch) = self.table.batch.take().filter(|_| self.table.running()) else {
            return false;
        };
        if self.runs.is_empty() {
            self.start(&batch);
        }
        for (ticket, answer) in batch.take(budget_ms, clock) {
            let answer = match answer {
                Answer::Seeds(r) => r,
                Answer::Failed(e) => Err(e),
                _ => Err("the worker answered something else".into()),
            };
            let job = self
                .runs
                .iter_mut()
                .filter_map(|r| r.as_mut().ok())
                .flat_map(|p| p.jobs.iter_mut())
                .find(|j| j.0 == ticket);
            if let Some(j) = job {
                j.2 = Some(answer);
                self.table.version += 1;
            }
        }
        while self.table.rows.len() < self.table.points.len() {
            match self.row_of(self.table.rows.len()) {
                Some(row) => self.table.rows.push(row),
                None => break,
            }
        }
        self.table.batch = Some(batch);
        self.table.running()
    }

    fn version(&self) -> Option<u64> {
        Some(self.table.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::test_clock::ticking;
    use fpaxos_sim::Dur;

    #[test]
    fn rows_equal_the_engine_for_4_2_and_majority() {
        let mut base = Scenario {
            duration: Dur::ms(1500),
            ..Scenario::default()
        };
        base.cluster.quorum = QuorumSpec::Counting { q1: 4, q2: 2 };
        let mut run = AvailabilityRun::new(&base, 2, true, 2);
        let clock = ticking();
        let mut frames = 0;
        while run.tick(5.0, &clock) {
            frames += 1;
            assert!(run.progress() < 1.0);
        }
        assert!(frames > 4, "ran in slices: {frames}");
        assert_eq!(run.table.rows.len(), 2);
        for (row, (label, point)) in run.table.rows.iter().zip(&run.table.points) {
            let want = availability::run_point(Knob::Quorum, label, point, &run.exp);
            assert_eq!(row, &want);
        }
        assert_eq!(run.table.rows[0].recovered, Some(0));
        assert_eq!(run.table.rows[1].recovered, Some(2));
        assert!(run
            .cli_command()
            .contains("quorum=4/2,majority --crash 2 --crash-leader"));
        let mut maj = AvailabilityRun::new(&Scenario::default(), 9, false, 1);
        assert_eq!(maj.table.points.len(), 1);
        while maj.tick(5.0, &clock) {}
        assert_eq!(maj.table.rows[0].status, sweep::PointStatus::Invalid);
    }
}
