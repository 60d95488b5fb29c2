//! Availability experiments in the page: the engine's [`availability`] experiment (the one
//! `fpaxos sweep --crash K` runs) for the editor's quorum system and for majority, one seed at a
//! time and each seed in slices, so the page never freezes.
//!
//! **Invariant**: a row here equals the CLI's row for the same scenario and flags: every seed is
//! an [`availability::SeedRun`] stepped to its end (slicing never changes a run), and the row is
//! built by [`availability::summarize`], exactly as the CLI does.

use super::Tick;
use fpaxos::quorum::QuorumSpec;
use fpaxos_sim::sweep::availability::{self, Experiment, FaultPlan, SeedOutcome, SeedRun};
use fpaxos_sim::sweep::{self, Knob, KnobValue, Point, SweepSpec};
use fpaxos_sim::Scenario;

/// Events a seed handles between reads of the wall clock.
const EVENT_CHUNK: u64 = 512;

/// Most seeds the page runs per point (the CLI runs up to [`availability::MAX_SEEDS`]).
pub(crate) const MAX_PAGE_SEEDS: u32 = 200;

/// An experiment in progress (or finished, or cancelled).
pub(crate) struct AvailabilityRun {
    /// The experiment.
    pub(crate) exp: Experiment,
    /// The points: the editor's quorum system, then majority (once if they are the same).
    pub(crate) points: Vec<Point>,
    /// Rows of the points done so far.
    pub(crate) rows: Vec<availability::Row>,
    /// The point running now, as checked, with its seeds' outcomes so far.
    cur_point: Option<Scenario>,
    outcomes: Vec<SeedOutcome>,
    /// The seed running now.
    cur: Option<SeedRun>,
    /// Stopped by the user before the end.
    pub(crate) cancelled: bool,
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
            points: sweep::points_checked(base, &spec),
            rows: Vec::new(),
            cur_point: None,
            outcomes: Vec::new(),
            cur: None,
            cancelled: false,
        }
    }

    /// Every point has its row.
    pub(crate) fn finished(&self) -> bool {
        self.rows.len() == self.points.len()
    }

    /// Still working (not finished, not cancelled).
    pub(crate) fn running(&self) -> bool {
        !self.finished() && !self.cancelled
    }

    /// Stops after the points done so far.
    pub(crate) fn cancel(&mut self) {
        self.cancelled = true;
        self.cur = None;
    }

    /// Fraction done, counting the seeds done and the running seed's simulated time.
    pub(crate) fn progress(&self) -> f64 {
        let per_point = f64::from(self.exp.seeds);
        let total = self.points.len().max(1) as f64 * per_point;
        let seeds = self.rows.len() as f64 * per_point
            + self.outcomes.len() as f64
            + self.cur.as_ref().map_or(0.0, |r| r.progress());
        (seeds / total).min(1.0)
    }

    /// The CLI command that gives the same rows (`scenario.json`: the exported scenario).
    pub(crate) fn cli_command(&self) -> String {
        let values: Vec<&str> = self.points.iter().map(|(l, _)| l.as_str()).collect();
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

    /// One unit of work: check the next point, start its next seed, or run the current seed
    /// for one chunk of events.
    fn work(&mut self) {
        let i = self.rows.len();
        let (label, point) = &self.points[i];
        let Some(s) = &self.cur_point else {
            match availability::check_point(Knob::Quorum, label, point, &self.exp) {
                Err(row) => self.rows.push(*row),
                Ok(s) => {
                    self.cur_point = Some(s);
                    self.outcomes.clear();
                }
            }
            return;
        };
        match self.cur.as_mut() {
            None if self.outcomes.len() as u32 >= self.exp.seeds => {
                let row =
                    availability::summarize(Knob::Quorum, label, s, &self.exp, &self.outcomes);
                self.rows.push(row);
                self.cur_point = None;
            }
            None => match SeedRun::new(s, &self.exp, self.outcomes.len() as u32) {
                Ok(run) => self.cur = Some(run),
                Err(e) => {
                    let mut row = availability::summarize(Knob::Quorum, label, s, &self.exp, &[]);
                    row.status = sweep::PointStatus::Invalid;
                    row.error = Some(e);
                    self.rows.push(row);
                    self.cur_point = None;
                }
            },
            Some(run) => {
                if run.step(EVENT_CHUNK) {
                    self.outcomes.extend(run.outcome().cloned());
                    self.cur = None;
                }
            }
        }
    }
}

impl Tick for AvailabilityRun {
    /// Works through points and seeds for about `budget_ms`.
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let start = clock();
        while self.running() {
            self.work();
            if clock() - start > budget_ms {
                break;
            }
        }
        self.running()
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
        assert_eq!(run.rows.len(), 2);
        for (row, (label, point)) in run.rows.iter().zip(&run.points) {
            let want = availability::run_point(Knob::Quorum, label, point, &run.exp);
            assert_eq!(row, &want);
        }
        assert_eq!(run.rows[0].recovered, Some(0));
        assert_eq!(run.rows[1].recovered, Some(2));
        assert!(run
            .cli_command()
            .contains("quorum=4/2,majority --crash 2 --crash-leader"));
        let mut maj = AvailabilityRun::new(&Scenario::default(), 9, false, 1);
        assert_eq!(maj.points.len(), 1);
        while maj.tick(5.0, &clock) {}
        assert_eq!(maj.rows[0].status, sweep::PointStatus::Invalid);
    }
}
