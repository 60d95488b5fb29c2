//! "Find a violation": swarm seeds on the editor's cluster (its size, quorum system and thrifty
//! switch pinned; faults, timings and workload drawn from each seed, as `fpaxos check` draws
//! them), run by the worker pool; the failing seed `fpaxos check --shrink` would pick (the
//! lowest that broke safety, or else the lowest stall) is then shrunk in a worker as the CLI
//! shrinks it, and the page can load the result.
//!
//! **Invariant**: the failing seed is the one the CLI picks, whatever order workers answer in (a
//! safety violation counts only once every lower seed has answered, a stall only once every seed
//! has), so the same cluster and seed count always find the same failure.

use super::job::{Answer, HuntFailure, Job, ShrunkAt};
use super::pool::Batch;
use super::Tick;
use fpaxos_sim::swarm::{LivenessJudged, Pins};
use fpaxos_sim::Scenario;
use std::collections::BTreeMap;

/// Most seeds one hunt may run.
pub(crate) const MAX_HUNT_SEEDS: u64 = 2_000;
/// Simulator runs a shrink may spend (`fpaxos check --shrink-runs`'s default).
pub(crate) const SHRINK_RUNS: u32 = 500;

/// Where a hunt stands.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Phase {
    /// Seeds are running.
    Hunting,
    /// Seed `seed` failed (`failure`); shrinking it.
    Shrinking {
        /// The failing seed.
        seed: u64,
        /// How it fails.
        failure: String,
    },
    /// The failing seed (see the module's invariant), and its shrunk form (or why it could not
    /// be shrunk).
    Found {
        /// The failing seed.
        seed: u64,
        /// How it fails.
        failure: String,
        /// The seed's whole scenario.
        original: Box<Scenario>,
        /// The shrunk scenario.
        shrunk: Result<Box<ShrunkAt>, String>,
    },
    /// No seed failed.
    Clean,
    /// A worker could not run the hunt.
    Failed(String),
}

/// How a seed failed, with its scenario; `None` when it passed.
type Failed = Option<HuntFailure>;

/// A hunt over seeds `1..=seeds`.
pub(crate) struct HuntRun {
    pins: Pins,
    /// How many seeds.
    pub(crate) seeds: u64,
    batch: Option<Batch>,
    submitted: bool,
    /// Answered seeds: how much their liveness was judged, how they failed, with their
    /// scenario.
    answers: BTreeMap<u64, (LivenessJudged, Failed)>,
    /// What the hunt found so far.
    pub(crate) phase: Phase,
    version: u64,
}

impl HuntRun {
    /// A hunt on `s`'s cluster over `seeds` seeds (clamped to 1..=[`MAX_HUNT_SEEDS`]), with
    /// random message loss drawn as `fpaxos check` draws it, or with none (`lossy` false: then
    /// the liveness rule judges the chaos phases too).
    pub(crate) fn new(s: &Scenario, seeds: u64, lossy: bool) -> HuntRun {
        HuntRun {
            pins: pins_of(s, lossy),
            seeds: seeds.clamp(1, MAX_HUNT_SEEDS),
            batch: Some(Batch::new()),
            submitted: false,
            answers: BTreeMap::new(),
            phase: Phase::Hunting,
            version: 0,
        }
    }

    /// Seeds answered so far.
    pub(crate) fn answered(&self) -> u64 {
        self.answers.len() as u64
    }

    /// Failing seeds among those answered.
    pub(crate) fn failing(&self) -> usize {
        self.answers.values().filter(|a| a.1.is_some()).count()
    }

    /// The lowest answered seed that stalled, while the hunt waits for the other seeds (a
    /// violation in any of them is shrunk first).
    pub(crate) fn waiting_stall(&self) -> Option<u64> {
        if !matches!(self.phase, Phase::Hunting) {
            return None;
        }
        self.answers
            .iter()
            .find(|(_, (_, f))| f.as_ref().is_some_and(|f| !f.safety))
            .map(|(seed, _)| *seed)
    }

    /// How much liveness the answered seeds judged.
    pub(crate) fn judged(&self) -> LivenessJudged {
        self.answers.values().map(|(j, _)| *j).sum()
    }

    /// The same search on the command line.
    pub(crate) fn cli_command(&self) -> String {
        let p = &self.pins;
        let mut cmd = format!("fpaxos check --seeds {}", self.seeds);
        if let Some(n) = p.nodes {
            cmd += &format!(" --nodes {n}");
        }
        match p.quorum.as_ref().map(|q| q.to_cli()) {
            Some(Some(q)) => cmd += &format!(" --quorum {q}"),
            Some(None) => cmd += " --set cluster.quorum=…",
            None => {}
        }
        if let Some(t) = p.thrifty {
            cmd += &format!(" --thrifty={t}");
        }
        if p.allow_unsafe {
            cmd += " --allow-unsafe";
        }
        if let Some(l) = p.loss {
            cmd += &format!(" --loss {l}");
        }
        cmd + &format!(" --shrink --shrink-runs {SHRINK_RUNS}")
    }

    /// Whether the hunt is still working.
    pub(crate) fn running(&self) -> bool {
        matches!(self.phase, Phase::Hunting | Phase::Shrinking { .. })
    }

    /// Starts shrinking as soon as the failing seed is known: the lowest that broke safety once
    /// every lower seed has answered, or the lowest stall once every seed has and none broke
    /// safety (as `fpaxos check --shrink` picks); `Clean` when all answered and none failed.
    fn settle(&mut self) {
        let mut first_stall = None;
        for seed in 1..=self.seeds {
            match self.answers.get(&seed) {
                None => return,
                Some((_, None)) => {}
                Some((_, Some(f))) if f.safety => return self.shrink(seed),
                Some((_, Some(_))) => {
                    first_stall.get_or_insert(seed);
                }
            }
        }
        match first_stall {
            Some(seed) => self.shrink(seed),
            None => {
                self.phase = Phase::Clean;
                self.batch = None;
            }
        }
    }

    /// How answered seed `seed` failed, if it did.
    fn failure_of(&self, seed: u64) -> Option<&HuntFailure> {
        self.answers.get(&seed).and_then(|(_, f)| f.as_ref())
    }

    /// Shrinks answered seed `seed`'s failure in a worker.
    fn shrink(&mut self, seed: u64) {
        let Some(f) = self.failure_of(seed) else {
            return;
        };
        let (failure, scenario) = (f.failure.clone(), (*f.scenario).clone());
        // A new batch drops the old one: queued seeds are forgotten, busy workers stopped.
        let batch = Batch::new();
        batch.submit(
            Job::Shrink {
                scenario,
                budget: SHRINK_RUNS,
            },
            false,
        );
        self.batch = Some(batch);
        self.phase = Phase::Shrinking { seed, failure };
    }

    fn file(&mut self, answer: Answer) {
        match (answer, &self.phase) {
            (Answer::Hunt(seed, judged, failed), Phase::Hunting) => {
                self.answers.insert(seed, (judged, failed));
            }
            (Answer::Shrunk(shrunk), Phase::Shrinking { seed, failure }) => {
                let original = self
                    .failure_of(*seed)
                    .map(|f| f.scenario.clone())
                    .unwrap_or_default();
                self.phase = Phase::Found {
                    seed: *seed,
                    failure: failure.clone(),
                    original,
                    shrunk,
                };
                self.batch = None;
            }
            (Answer::Failed(e), _) => {
                self.phase = Phase::Failed(e);
                self.batch = None;
            }
            _ => {}
        }
    }
}

/// What a hunt keeps of the editor's scenario: cluster size, quorum system, thrifty, and
/// whether unsafe quorums are allowed; without random loss (`lossy` false), a loss of 0.
fn pins_of(s: &Scenario, lossy: bool) -> Pins {
    Pins {
        nodes: Some(s.cluster.nodes),
        quorum: Some(s.cluster.quorum.clone()),
        thrifty: Some(s.cluster.thrifty),
        allow_unsafe: s.cluster.allow_unsafe,
        loss: (!lossy).then_some(0.0),
    }
}

impl Tick for HuntRun {
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let Some(batch) = self.batch.take() else {
            return false;
        };
        if !self.submitted {
            self.submitted = true;
            for seed in 1..=self.seeds {
                batch.submit(
                    Job::Hunt {
                        pins: self.pins.clone(),
                        seed,
                    },
                    false,
                );
            }
        }
        let answers = batch.take(budget_ms, clock);
        self.batch = Some(batch);
        for (_, a) in answers {
            self.version += 1;
            self.file(a);
        }
        if matches!(self.phase, Phase::Hunting) {
            self.settle();
        }
        self.running()
    }

    fn version(&self) -> Option<u64> {
        Some(self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::job::execute;
    use fpaxos::quorum::QuorumSpec;

    fn unsafe_five() -> Scenario {
        let mut s = Scenario::default();
        s.cluster.nodes = 5;
        s.cluster.quorum = QuorumSpec::Counting { q1: 2, q2: 2 };
        s.cluster.allow_unsafe = true;
        s
    }

    /// Feeds the hunt the worker's answers (`execute`, natively) in reverse seed order.
    fn drive(run: &mut HuntRun) {
        let mut seeds: Vec<u64> = (1..=run.seeds).collect();
        seeds.reverse();
        for seed in seeds {
            run.file(execute(Job::Hunt {
                pins: run.pins.clone(),
                seed,
            }));
        }
        run.settle();
        if let Phase::Shrinking { seed, .. } = run.phase {
            let Some(f) = run.failure_of(seed) else {
                panic!("the failing scenario is kept")
            };
            let scenario = (*f.scenario).clone();
            run.file(execute(Job::Shrink {
                scenario,
                budget: 60,
            }));
        }
    }

    #[test]
    fn an_unsafe_cluster_yields_its_lowest_failing_seed_shrunk() {
        let mut run = HuntRun::new(&unsafe_five(), 12, true);
        run.batch = None;
        drive(&mut run);
        let Phase::Found {
            seed,
            failure,
            original,
            shrunk,
        } = &run.phase
        else {
            panic!("no failure in 12 unsafe seeds: {:?}", run.phase)
        };
        // The lowest failing seed, whatever order the answers came in.
        let lowest = (1..=12)
            .find(|&k| {
                matches!(
                    execute(Job::Hunt {
                        pins: run.pins.clone(),
                        seed: k
                    }),
                    Answer::Hunt(_, _, Some(_))
                )
            })
            .expect("a failing seed");
        assert_eq!(*seed, lowest);
        assert!(failure.starts_with("a safety violation"), "{failure}");
        let shrunk = shrunk.as_ref().expect("shrunk");
        assert!(shrunk.scenario.faults.len() <= original.faults.len());
        assert!(shrunk.runs > 0 && shrunk.runs <= 60);
        // The shrunk scenario still fails the same way when run.
        let r = fpaxos_sim::run(&shrunk.scenario).expect("valid");
        assert!(!r.safety.ok, "the shrunk scenario still fails");
        assert!(run.cli_command().starts_with(
            "fpaxos check --seeds 12 --nodes 5 --quorum 2,2 --thrifty=false --allow-unsafe"
        ));
    }

    /// A safety violation is shrunk before a lower stall, as `fpaxos check --shrink` picks: a
    /// stall waits for every seed, a violation only for the seeds below it.
    #[test]
    fn a_violation_is_shrunk_before_a_lower_stall() {
        let answer = |seed: u64, kind: Option<bool>| {
            let failure = kind.map(|safety| HuntFailure {
                failure: if safety {
                    "a safety violation"
                } else {
                    "a liveness stall"
                }
                .into(),
                safety,
                scenario: Box::new(Scenario::default()),
            });
            Answer::Hunt(seed, LivenessJudged::default(), failure)
        };
        let shrinking = |run: &HuntRun| match &run.phase {
            Phase::Shrinking { seed, failure } => Some((*seed, failure.clone())),
            _ => None,
        };
        // Seeds 1-5: a stall at 2, a violation at 4; seed 5 answers last.
        let mut run = HuntRun::new(&Scenario::default(), 5, true);
        run.batch = None;
        for (seed, kind) in [(1, None), (2, Some(false)), (3, None)] {
            run.file(answer(seed, kind));
        }
        run.settle();
        assert_eq!(run.phase, Phase::Hunting, "a stall waits for every seed");
        assert_eq!(run.waiting_stall(), Some(2));
        run.file(answer(4, Some(true)));
        run.settle();
        assert_eq!(shrinking(&run), Some((4, "a safety violation".into())));
        assert_eq!(run.waiting_stall(), None, "no longer waiting");
        // Only stalls (2 and 5): the lowest, once all have answered.
        let mut run = HuntRun::new(&Scenario::default(), 5, true);
        run.batch = None;
        for (seed, kind) in [(5, Some(false)), (4, None), (3, None), (2, Some(false))] {
            run.file(answer(seed, kind));
        }
        run.settle();
        assert_eq!(run.phase, Phase::Hunting);
        run.file(answer(1, None));
        run.settle();
        assert_eq!(shrinking(&run), Some((2, "a liveness stall".into())));
    }

    #[test]
    fn a_safe_cluster_over_a_few_seeds_is_clean() {
        let mut run = HuntRun::new(&Scenario::default(), 3, true);
        run.batch = None;
        drive(&mut run);
        assert_eq!(run.phase, Phase::Clean);
        assert_eq!(run.answered(), 3);
        assert_eq!(run.failing(), 0);
        // Liveness was judged, and only for part of the runs (their chaos phases are not).
        let j = run.judged();
        assert!(
            j.seeds > 0 && j.judged_ms > 0 && j.judged_ms < j.simulated_ms,
            "{j:?}"
        );
    }

    /// Without random loss the same seeds lose nothing at random, so the rule judges more of
    /// them, and the command line says so.
    #[test]
    fn a_hunt_without_random_loss_judges_more() {
        let hunt = |lossy| {
            let mut run = HuntRun::new(&Scenario::default(), 12, lossy);
            run.batch = None;
            drive(&mut run);
            assert_eq!(run.phase, Phase::Clean);
            run
        };
        let (with, without) = (hunt(true), hunt(false));
        let (a, b) = (with.judged(), without.judged());
        assert!(a.not_judged.loss_ms > 0.0, "{a:?}");
        assert_eq!(b.not_judged.loss_ms, 0.0, "{b:?}");
        assert!(
            b.judged_ms as f64 / b.simulated_ms as f64 > a.judged_ms as f64 / a.simulated_ms as f64,
            "{a:?} {b:?}"
        );
        assert!(
            without.cli_command().contains(" --loss 0 --shrink"),
            "{}",
            without.cli_command()
        );
        assert!(!with.cli_command().contains("--loss"));
    }
}
