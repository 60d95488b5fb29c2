//! Compare mode's runner: every variant's [`Sim`] on one shared time cursor, run in frame-sized
//! slices. A variant first runs to its end (for its final report), then follows the cursor.

use super::{run_slice, Tick};
use fpaxos::Time;
use fpaxos_share::Variant;
use fpaxos_sim::{Report, Scenario, Sim};
use std::rc::Rc;

/// One variant being run.
pub(crate) struct VariantRun {
    /// Label.
    pub(crate) label: String,
    /// Scenario.
    pub(crate) scenario: Scenario,
    /// The simulation at the cursor (or heading to the end on the first pass).
    pub(crate) sim: Option<Sim>,
    /// Validation messages (the variant does not run).
    pub(crate) errors: Vec<String>,
    /// The report at the end of the run, once reached.
    pub(crate) report: Option<Rc<Report>>,
}

impl VariantRun {
    fn new(v: &Variant) -> VariantRun {
        let (sim, errors) = match v.scenario.check().map(Sim::new) {
            Ok(s) => (Some(s), Vec::new()),
            Err(e) => (None, e.0),
        };
        VariantRun {
            label: v.label.clone(),
            scenario: v.scenario.clone(),
            sim,
            errors,
            report: None,
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
}

impl CompareRun {
    /// Builds the runs (nothing is simulated yet).
    pub(crate) fn new(variants: &[Variant]) -> CompareRun {
        let variants: Vec<VariantRun> = variants.iter().map(VariantRun::new).collect();
        let end = Self::end_of(&variants);
        CompareRun {
            variants,
            cursor: end,
            end,
            version: 0,
        }
    }

    fn end_of(variants: &[VariantRun]) -> Time {
        variants
            .iter()
            .filter_map(|v| v.sim.as_ref().map(|s| s.end_time()))
            .max()
            .unwrap_or(0)
    }

    /// Follows edits of the variant list: only variants whose scenario changed run again
    /// (labels change in place). Returns false when the list changed shape (rebuild instead).
    pub(crate) fn update(&mut self, variants: &[Variant]) -> bool {
        if variants.len() != self.variants.len() {
            return false;
        }
        for (run, v) in self.variants.iter_mut().zip(variants) {
            if run.scenario != v.scenario {
                *run = VariantRun::new(v);
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
            .all(|v| v.sim.is_none() || v.report.is_some())
    }

    /// Fraction of the first pass done (0..=1).
    pub(crate) fn progress(&self) -> f64 {
        let (mut done, mut total) = (0.0, 0.0);
        for v in &self.variants {
            if let Some(s) = &v.sim {
                total += s.end_time() as f64;
                done += if v.report.is_some() {
                    s.end_time() as f64
                } else {
                    s.now() as f64
                };
            }
        }
        if total == 0.0 {
            1.0
        } else {
            done / total
        }
    }

    /// Whether a frame has work to do.
    pub(crate) fn busy(&self) -> bool {
        !self.finished() || self.variants.iter().any(|v| self.goal_of(v).is_some())
    }

    fn goal_of(&self, v: &VariantRun) -> Option<Time> {
        let sim = v.sim.as_ref()?;
        let goal = if v.report.is_none() {
            sim.end_time()
        } else {
            self.cursor.min(sim.end_time())
        };
        (sim.now() < goal && !sim.is_done()).then_some(goal)
    }

    /// Moves the shared cursor; variants past it are rebuilt and replayed up to it by `tick`.
    pub(crate) fn seek(&mut self, t: Time) {
        self.cursor = t.min(self.end);
        for v in &mut self.variants {
            let behind = v
                .sim
                .as_ref()
                .is_some_and(|s| s.now() > self.cursor.min(s.end_time()));
            if behind && v.report.is_some() {
                v.sim = v.scenario.check().ok().map(Sim::new);
            }
        }
        self.version += 1;
    }
}

impl Tick for CompareRun {
    /// Gives every variant with work an equal share of `budget_ms`, so all of them progress
    /// each frame.
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let goals: Vec<(usize, Time)> = (0..self.variants.len())
            .filter_map(|i| Some((i, self.goal_of(&self.variants[i])?)))
            .collect();
        let share = budget_ms / goals.len().max(1) as f64;
        for (i, goal) in goals {
            let v = &mut self.variants[i];
            if let Some(sim) = v.sim.as_mut() {
                run_slice(sim, goal, share, clock);
                if v.report.is_none() && sim.is_done() {
                    v.report = Some(Rc::new(sim.report()));
                }
            }
        }
        self.version += 1;
        self.busy()
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
        for r in &run.variants {
            assert_eq!(r.sim.as_ref().expect("sim").now(), 1_000_000_000);
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
