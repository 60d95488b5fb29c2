//! Compare mode's runner: every variant runs to its end in a worker (for its final report and
//! the cluster at its end), then the workers draw each variant's cluster at the shared time
//! cursor ([`Job::ClusterAt`]). The runner only submits jobs and files answers.

use super::job::{Answer, Job};
use super::pool::{Batch, Ticket};
use super::sim_at::SimAt;
use super::Tick;
use fpaxos::Time;
use fpaxos_share::Variant;
use fpaxos_sim::{Report, Scenario};
use std::rc::Rc;

/// One variant being run.
pub(crate) struct VariantRun {
    /// Label.
    pub(crate) label: String,
    /// Scenario.
    pub(crate) scenario: Scenario,
    /// The variant's cluster at the cursor, as a worker last drew it (at its end before the
    /// cursor moves).
    pub(crate) at: Option<SimAt>,
    /// Validation messages (the variant does not run).
    pub(crate) errors: Vec<String>,
    /// The report at the end of the run, once reached.
    pub(crate) report: Option<Rc<Report>>,
    /// The run's end (`None`: it does not run).
    end: Option<Time>,
    /// The cursor time `at` shows.
    shown: Option<Time>,
    /// The job in flight and the time it will show.
    asked: Option<(Ticket, Time)>,
}

impl VariantRun {
    fn new(v: &Variant, batch: &Batch) -> VariantRun {
        let (end, errors) = match v.scenario.check() {
            Ok(c) => (Some(c.duration.0), Vec::new()),
            Err(e) => (None, e.0),
        };
        let asked = end.map(|end| {
            let job = Job::Variant {
                scenario: v.scenario.clone(),
            };
            (batch.submit(job, false), end)
        });
        VariantRun {
            label: v.label.clone(),
            scenario: v.scenario.clone(),
            at: None,
            errors,
            report: None,
            end,
            shown: None,
            asked,
        }
    }

    /// Files a worker's answer.
    fn answered(&mut self, answer: Answer) {
        let Some((_, goal)) = self.asked.take() else {
            return;
        };
        match answer {
            Answer::Variant(Ok(done)) => {
                let (report, at) = *done;
                self.report = Some(Rc::new(report.0));
                self.at = Some(at);
                self.shown = Some(goal);
            }
            Answer::ClusterAt(Some(at)) => {
                self.at = Some(at);
                self.shown = Some(goal);
            }
            Answer::Variant(Err(errors)) => self.errors = errors,
            Answer::Failed(e) => self.errors = vec![e],
            Answer::ClusterAt(None)
            | Answer::SweepRow(_)
            | Answer::Seeds(_)
            | Answer::Hunt(..)
            | Answer::Shrunk(_) => {}
        }
    }
}

/// All variants of compare mode, run on one time cursor.
pub(crate) struct CompareRun {
    /// One per variant.
    pub(crate) variants: Vec<VariantRun>,
    /// The shared time cursor (simulated ns); every variant is shown at this time.
    pub(crate) cursor: Time,
    /// The longest variant's end.
    pub(crate) end: Time,
    /// Bumped on every change (redraws).
    pub(crate) version: u64,
    /// The jobs of this compare (dropped with it: a new compare supersedes them).
    batch: Batch,
}

impl CompareRun {
    /// Builds the runs and hands every runnable variant to the workers.
    pub(crate) fn new(variants: &[Variant]) -> CompareRun {
        let batch = Batch::new();
        let variants: Vec<VariantRun> = variants
            .iter()
            .map(|v| VariantRun::new(v, &batch))
            .collect();
        let end = Self::end_of(&variants);
        CompareRun {
            variants,
            cursor: end,
            end,
            version: 0,
            batch,
        }
    }

    fn end_of(variants: &[VariantRun]) -> Time {
        variants.iter().filter_map(|v| v.end).max().unwrap_or(0)
    }

    /// Follows edits of the variant list: only variants whose scenario changed run again
    /// (labels change in place). Returns false when the list changed shape (rebuild instead).
    pub(crate) fn update(&mut self, variants: &[Variant]) -> bool {
        if variants.len() != self.variants.len() {
            return false;
        }
        for (run, v) in self.variants.iter_mut().zip(variants) {
            if run.scenario != v.scenario {
                if let Some((t, _)) = run.asked {
                    self.batch.cancel(t);
                }
                *run = VariantRun::new(v, &self.batch);
                self.version += 1;
            } else if run.label != v.label {
                run.label = v.label.clone();
                self.version += 1;
            }
        }
        let end = Self::end_of(&self.variants);
        if end != self.end {
            self.end = end;
            self.cursor = end;
        }
        true
    }

    /// Whether every runnable variant has its final report.
    pub(crate) fn finished(&self) -> bool {
        self.variants
            .iter()
            .all(|v| v.end.is_none() || v.report.is_some() || !v.errors.is_empty())
    }

    /// Fraction of the first pass done (0..=1): the variants with their report, weighted by
    /// their simulated length.
    pub(crate) fn progress(&self) -> f64 {
        let (mut done, mut total) = (0.0, 0.0);
        for v in &self.variants {
            if let Some(end) = v.end {
                total += end as f64;
                if v.report.is_some() {
                    done += end as f64;
                }
            }
        }
        if total == 0.0 {
            1.0
        } else {
            done / total
        }
    }

    /// Whether a frame has work to do (answers to wait for).
    pub(crate) fn busy(&self) -> bool {
        !self.finished()
            || self
                .variants
                .iter()
                .any(|v| v.asked.is_some() || self.goal_of(v).is_some())
    }

    /// The cursor time a variant with its report should show, when it does not show it yet.
    fn goal_of(&self, v: &VariantRun) -> Option<Time> {
        let end = v.end?;
        v.report.as_ref()?;
        let goal = self.cursor.min(end);
        (v.shown != Some(goal)).then_some(goal)
    }

    /// Moves the shared cursor; the workers draw every variant there on the next ticks.
    pub(crate) fn seek(&mut self, t: Time) {
        self.cursor = t.min(self.end);
        self.version += 1;
    }
}

impl Tick for CompareRun {
    /// Files the workers' answers and asks for the cluster at the cursor where a variant does
    /// not show it yet (one job per variant at a time: a dragged cursor asks again for where
    /// it stands when the previous answer comes).
    /// Without workers the jobs run inline for about `budget_ms`.
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        for (ticket, answer) in self.batch.take(budget_ms, clock) {
            if let Some(v) = self
                .variants
                .iter_mut()
                .find(|v| v.asked.is_some_and(|(t, _)| t == ticket))
            {
                v.answered(answer);
                self.version += 1;
            }
        }
        for i in 0..self.variants.len() {
            let v = &self.variants[i];
            if v.asked.is_some() {
                continue;
            }
            if let Some(goal) = self.goal_of(v) {
                let job = Job::ClusterAt {
                    scenario: v.scenario.clone(),
                    at: goal,
                };
                let ticket = self.batch.submit(job, true);
                self.variants[i].asked = Some((ticket, goal));
            }
        }
        self.busy()
    }

    fn version(&self) -> Option<u64> {
        Some(self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::test_clock::ticking as clock;
    use fpaxos::quorum::QuorumSpec;

    fn variants() -> Vec<Variant> {
        let p = crate::presets::by_id("basics").expect("preset");
        p.compare
            .into_iter()
            .map(|(label, scenario)| Variant { label, scenario })
            .collect()
    }

    #[test]
    fn runner_reports_equal_the_engine() {
        let vs = variants();
        let mut run = CompareRun::new(&vs);
        let c = clock();
        let mut frames = 0;
        while run.tick(20.0, &c) {
            frames += 1;
        }
        assert!(frames > 1, "the work is spread over frames");
        for (v, r) in vs.iter().zip(&run.variants) {
            let want = fpaxos_sim::run(&v.scenario).expect("runs");
            let got = r.report.as_ref().expect("finished");
            assert_eq!(got.trace_hash, want.trace_hash);
            assert_eq!(got.committed, want.committed);
        }
        // Moving the cursor back replays to it; the final reports stay.
        run.seek(1_000_000_000);
        while run.tick(20.0, &c) {}
        for (v, r) in vs.iter().zip(&run.variants) {
            let mut sim = fpaxos_sim::Sim::new(v.scenario.check().expect("valid"));
            while !sim.run_until_budget(1_000_000_000, 1 << 20).reached {}
            assert_eq!(
                r.at.as_ref().expect("drawn"),
                &SimAt::of(&sim, crate::run::job::MAX_FLIGHTS)
            );
        }
    }

    #[test]
    fn editing_one_variant_reruns_only_that_one() {
        let mut vs = variants();
        let mut run = CompareRun::new(&vs);
        let c = clock();
        while run.tick(1e9, &c) {}
        let first = run.variants[0].report.clone().expect("done");
        vs[1].scenario.cluster.quorum = QuorumSpec::Counting { q1: 5, q2: 1 };
        vs[0].label = "renamed".into();
        assert!(run.update(&vs));
        assert!(Rc::ptr_eq(
            run.variants[0].report.as_ref().expect("kept"),
            &first
        ));
        assert_eq!(run.variants[0].label, "renamed");
        assert!(run.variants[1].report.is_none());
        while run.tick(1e9, &c) {}
        let want = fpaxos_sim::run(&vs[1].scenario).expect("runs");
        assert_eq!(
            run.variants[1].report.as_ref().expect("done").trace_hash,
            want.trace_hash
        );
        assert!(!run.update(&vs[..1]), "a shorter list is rebuilt");
    }
}
