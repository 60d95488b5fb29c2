//! What a simulation worker runs: a [`Job`] in, an [`Answer`] out. Pure Rust over the engine's
//! own functions, so the same [`execute`] runs in a Web Worker, inline on the page when workers
//! are unavailable, and natively in tests.
//!
//! **Invariant**: a job's answer equals the engine's for the same input: a variant's report is
//! `fpaxos_sim::run`'s, a sweep row is `fpaxos sweep`'s ([`sweep::run_point`]), a seed's outcome
//! is [`SeedRun::run`]'s.

use super::sim_at::SimAt;
use super::wire::{self, WireReport};
use fpaxos::Time;
use fpaxos_sim::shrink::{self, Failure};
use fpaxos_sim::swarm::{self, LivenessJudged, Pins};
use fpaxos_sim::sweep::availability::{Experiment, SeedOutcome, SeedRun};
use fpaxos_sim::sweep::{self, Knob, SweepRow};
use fpaxos_sim::{Scenario, Sim};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// Most messages in flight a cluster snapshot keeps (the compare panel's rings draw this many).
pub(crate) const MAX_FLIGHTS: usize = 150;

/// One unit of work for a worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum Job {
    /// Run a scenario to its end: its report and the cluster at the end.
    Variant {
        /// The scenario.
        #[serde(with = "wire::value")]
        scenario: Scenario,
    },
    /// The cluster of `scenario` at simulated time `at` (at most its end).
    ClusterAt {
        /// The scenario.
        #[serde(with = "wire::value")]
        scenario: Scenario,
        /// Simulated ns.
        at: Time,
    },
    /// One sweep point, exactly as `fpaxos sweep` runs it.
    SweepPoint {
        /// The knob swept.
        knob: Knob,
        /// The point's label.
        label: String,
        /// The point's scenario, or why it could not be built.
        #[serde(with = "wire::value")]
        point: Result<Scenario, String>,
    },
    /// Seeds `from..to` of an availability experiment over a point that passed its checks.
    Seeds {
        /// The point's scenario.
        #[serde(with = "wire::value")]
        point: Scenario,
        /// The experiment.
        exp: Experiment,
        /// First seed index.
        from: u32,
        /// One past the last seed index.
        to: u32,
    },
    /// One swarm seed on the editor's cluster, run as `fpaxos check` runs it (worker only).
    Hunt {
        /// What the seed may not change: cluster size, quorums, thrifty, unsafe allowed.
        pins: Pins,
        /// The seed.
        seed: u64,
    },
    /// Shrink a failing scenario as `fpaxos check --shrink` does, within `budget` runs (worker
    /// only).
    Shrink {
        /// The failing scenario.
        #[serde(with = "wire::value")]
        scenario: Scenario,
        /// Most simulator runs.
        budget: u32,
    },
}

/// What a worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum Answer {
    /// A variant's run: the report, or the scenario's validation messages.
    Variant(Result<Box<(WireReport, SimAt)>, Vec<String>>),
    /// The cluster at a time (`None`: the scenario does not validate).
    ClusterAt(Option<SimAt>),
    /// A sweep row.
    SweepRow(Box<SweepRow>),
    /// The seeds' outcomes in seed order, or the first seed's error.
    Seeds(Result<Vec<SeedOutcome>, String>),
    /// A hunted seed: how much its liveness was judged, and how its run failed, or `None`.
    Hunt(
        u64,
        LivenessJudged,
        #[serde(with = "wire::value")] Option<HuntFailure>,
    ),
    /// A shrunk failure, or why it could not be shrunk.
    Shrunk(Result<Box<ShrunkAt>, String>),
    /// The worker could not read the job (a bug: the page and worker disagree on the format).
    Failed(String),
}

/// How a hunted seed failed, with its scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct HuntFailure {
    /// In words ([`Failure::describe`]), e.g. "a liveness stall".
    pub(crate) failure: String,
    /// It broke safety (otherwise it stalled, with safety intact).
    pub(crate) safety: bool,
    /// The seed's scenario.
    #[serde(with = "wire::value")]
    pub(crate) scenario: Box<Scenario>,
}

/// A shrunk failure: [`fpaxos_sim::shrink::Shrunk`] with its failure in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ShrunkAt {
    /// The smallest failing scenario found.
    #[serde(with = "wire::value")]
    pub(crate) scenario: Scenario,
    /// How it fails, e.g. "a safety violation (agreement)".
    pub(crate) failure: String,
    /// What was removed or simplified, one line per setting.
    pub(crate) removed: Vec<String>,
    /// Simulator runs spent.
    pub(crate) runs: u32,
    /// The budget ran out before the scenario stopped shrinking.
    pub(crate) budget_exhausted: bool,
}

/// Runs swarm seed `seed` with `pins` as `fpaxos check` does.
fn hunt(pins: &Pins, seed: u64) -> Answer {
    let s = swarm::generate(seed, pins);
    // A generated scenario always validates (`swarm`'s invariant); one that did not would be
    // neither run nor judged.
    let Ok(c) = s.check() else {
        return Answer::Hunt(seed, LivenessJudged::default(), None);
    };
    let report = swarm::run_seed(Sim::new(c));
    let failure = Failure::of(&report).map(|f| HuntFailure {
        failure: f.describe(),
        safety: matches!(f, Failure::Safety(_)),
        scenario: Box::new(s),
    });
    Answer::Hunt(seed, LivenessJudged::of(&report), failure)
}

/// Shrinks `s` as `fpaxos check --shrink` does (one candidate at a time).
fn shrink_one(s: &Scenario, budget: u32) -> Answer {
    let Some(report) = s.check().ok().map(|c| Sim::new(c).run_to_end()) else {
        return Answer::Shrunk(Err("the scenario does not validate".into()));
    };
    let Some(target) = Failure::of(&report) else {
        return Answer::Shrunk(Err("the scenario does not fail when run to its end".into()));
    };
    let out = shrink::shrink(s, budget, &mut |cands: &[Scenario]| {
        cands
            .iter()
            .map(|c| shrink::fails(c, target, None))
            .collect()
    });
    Answer::Shrunk(Ok(Box::new(ShrunkAt {
        scenario: out.scenario,
        failure: target.describe(),
        removed: out.removed,
        runs: out.runs,
        budget_exhausted: out.budget_exhausted,
    })))
}

/// Runs `sim` until simulated time `at` (or its end).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
pub(super) fn run_to(sim: &mut Sim, at: Time) {
    while !sim.is_done() {
        let p = sim.run_until_budget(at, 1 << 20);
        if p.reached || p.ended {
            break;
        }
    }
}

thread_local! {
    /// The last simulation a `ClusterAt` job left, so moving a cursor forward continues it
    /// instead of starting over (slicing never changes a run).
    static LAST: RefCell<Option<Sim>> = const { RefCell::new(None) };
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
fn cluster_at(scenario: &Scenario, at: Time) -> Option<SimAt> {
    let checked = scenario.check().ok()?;
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        let reuse = last
            .as_ref()
            .is_some_and(|s| s.scenario() == &*checked && s.now() <= at);
        if !reuse {
            *last = Some(Sim::new(checked));
        }
        let sim = last.as_mut()?;
        run_to(sim, at);
        Some(SimAt::of(sim, MAX_FLIGHTS))
    })
}

/// Runs a job to its answer (in a worker).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
pub(crate) fn execute(job: Job) -> Answer {
    match job {
        Job::ClusterAt { scenario, at } => Answer::ClusterAt(cluster_at(&scenario, at)),
        Job::SweepPoint { knob, label, point } => {
            Answer::SweepRow(Box::new(sweep::run_point(knob, &label, &point)))
        }
        Job::Hunt { pins, seed } => hunt(&pins, seed),
        Job::Shrink { scenario, budget } => shrink_one(&scenario, budget),
        job => {
            let mut run = JobRun::new(job);
            loop {
                if let Some(a) = run.step(u64::MAX) {
                    return a;
                }
            }
        }
    }
}

/// What a simulation job answers once its run is over.
enum Then {
    Variant,
    ClusterAt,
    Row(Knob, String, Box<Scenario>),
}

enum State {
    Sim(Box<Sim>, Time, Then),
    Seeds {
        point: Box<Scenario>,
        exp: Experiment,
        next: u32,
        to: u32,
        cur: Option<Box<SeedRun>>,
        outcomes: Vec<SeedOutcome>,
    },
    Done(Option<Answer>),
}

/// A job advanced in event chunks: the inline fallback runs it in frame-sized slices so the page
/// stays responsive without workers. Slicing never changes a run, so its answer is
/// [`execute`]'s.
pub(crate) struct JobRun(State);

impl JobRun {
    /// Starts a job (checks its scenario; nothing is simulated yet).
    pub(crate) fn new(job: Job) -> JobRun {
        let sim = |s: &Scenario, then: fn(Time) -> (Time, Then)| {
            s.check().map(|c| {
                let (goal, then) = then(c.duration.0);
                State::Sim(Box::new(Sim::new(c)), goal, then)
            })
        };
        JobRun(match job {
            Job::Variant { scenario } => sim(&scenario, |end| (end, Then::Variant))
                .unwrap_or_else(|e| State::Done(Some(Answer::Variant(Err(e.0))))),
            Job::ClusterAt { scenario, at } => {
                let goal = at;
                match scenario.check() {
                    Ok(c) => State::Sim(Box::new(Sim::new(c)), goal, Then::ClusterAt),
                    Err(_) => State::Done(Some(Answer::ClusterAt(None))),
                }
            }
            Job::SweepPoint { knob, label, point } => {
                match sweep::check_point(knob, &label, &point) {
                    Err(row) => State::Done(Some(Answer::SweepRow(row))),
                    Ok(c) => {
                        let s = point.clone().unwrap_or_else(|_| c.scenario().clone());
                        let end = c.duration.0;
                        State::Sim(
                            Box::new(Sim::new(c)),
                            end,
                            Then::Row(knob, label, Box::new(s)),
                        )
                    }
                }
            }
            Job::Seeds {
                point,
                exp,
                from,
                to,
            } => State::Seeds {
                point: Box::new(point),
                exp,
                next: from,
                to,
                cur: None,
                outcomes: Vec::new(),
            },
            // A hunted seed or a shrink runs whole in one go: only a worker may take that long.
            Job::Hunt { .. } | Job::Shrink { .. } => State::Done(Some(Answer::Failed(
                "Finding a violation needs Web Workers, which this page could not start.".into(),
            ))),
        })
    }

    /// Handles about `events` events (at least one chunk); the answer once the job is done.
    pub(crate) fn step(&mut self, events: u64) -> Option<Answer> {
        match &mut self.0 {
            State::Done(a) => a.take(),
            State::Sim(sim, goal, then) => {
                let p = sim.run_until_budget(*goal, events.max(1));
                let over = match then {
                    Then::ClusterAt => p.reached || p.ended,
                    _ => sim.is_done(),
                };
                if !over {
                    return None;
                }
                Some(match then {
                    Then::ClusterAt => Answer::ClusterAt(Some(SimAt::of(sim, MAX_FLIGHTS))),
                    Then::Variant => Answer::Variant(Ok(Box::new((
                        WireReport(sim.report()),
                        SimAt::of(sim, MAX_FLIGHTS),
                    )))),
                    Then::Row(knob, label, s) => {
                        let row = sweep::row_for(knob.name(), label, s, &sim.report());
                        Answer::SweepRow(Box::new(row))
                    }
                })
            }
            State::Seeds {
                point,
                exp,
                next,
                to,
                cur,
                outcomes,
            } => match cur {
                Some(run) => {
                    if run.step(events.max(1)) {
                        outcomes.extend(run.outcome().cloned());
                        *cur = None;
                    }
                    None
                }
                None if *next >= *to => Some(Answer::Seeds(Ok(std::mem::take(outcomes)))),
                None => match SeedRun::new(point, exp, *next) {
                    Ok(run) => {
                        *next += 1;
                        *cur = Some(Box::new(run));
                        None
                    }
                    Err(e) => Some(Answer::Seeds(Err(e))),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_job_continues_forward_and_starts_over_backwards() {
        let s = crate::presets::by_id("basics").expect("preset").scenario;
        let mut sim = Sim::new(s.check().expect("valid"));
        run_to(&mut sim, 1_234_567_890);
        let at = SimAt::of(&sim, MAX_FLIGHTS);
        assert_eq!(at.now(), 1_234_567_890);
        // Forward from a cached simulation equals a fresh one; backwards starts over.
        let a = cluster_at(&s, 2_000_000_000).expect("valid");
        let b = cluster_at(&s, 1_234_567_890).expect("valid");
        assert_eq!(b, at);
        let c = cluster_at(&s, 2_000_000_000).expect("valid");
        assert_eq!(a, c);
    }

    #[test]
    fn sliced_jobs_answer_as_whole_ones() {
        let s = Scenario {
            duration: fpaxos_sim::Dur::ms(1500),
            ..Scenario::default()
        };
        let exp = Experiment::new(fpaxos_sim::sweep::availability::FaultPlan::Crash { k: 1 });
        let spec = sweep::SweepSpec::parse("q2=1..2").expect("parses");
        let (label, point) = sweep::points_checked(&s, &spec).remove(1);
        let jobs = [
            Job::Variant {
                scenario: s.clone(),
            },
            Job::ClusterAt {
                scenario: s.clone(),
                at: 700_000_000,
            },
            Job::SweepPoint {
                knob: spec.knob,
                label,
                point,
            },
            Job::Seeds {
                point: s.clone(),
                exp,
                from: 2,
                to: 4,
            },
        ];
        for job in jobs {
            let mut run = JobRun::new(job.clone());
            let mut slices = 1;
            let sliced = loop {
                if let Some(a) = run.step(300) {
                    break a;
                }
                slices += 1;
            };
            assert!(slices > 3, "{job:?}");
            assert_eq!(sliced, execute(job));
        }
    }

    #[test]
    fn answers_equal_the_engine() {
        let s = Scenario::default();
        let Answer::Variant(Ok(done)) = execute(Job::Variant {
            scenario: s.clone(),
        }) else {
            panic!("runs")
        };
        let (r, end) = *done;
        assert_eq!(r.0, fpaxos_sim::run(&s).expect("runs"));
        assert_eq!(end.now(), s.duration.0);
        let mut bad = s.clone();
        bad.cluster.nodes = 0;
        assert!(matches!(
            execute(Job::Variant { scenario: bad }),
            Answer::Variant(Err(_))
        ));
    }
}
