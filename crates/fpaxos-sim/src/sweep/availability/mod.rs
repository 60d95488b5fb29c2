//! Availability experiments: how a cluster recovers from a fault, measured over many seeds.
//!
//! The analytic view (`fpaxos-analysis`) says whether a Q1 and a Q2 survive k failures. This
//! module runs it: a fault is applied at time `T` (default 1 s) to a base scenario, once per seed,
//! and the liveness section of each run says what happened next. Flexible Paxos shows its trade
//! here: with counting quorums 4/2 on five nodes, two crashes leave a Q2 but no Q1, so a leader
//! that survives keeps committing (the *replicate-only window*) and one that is lost is never
//! replaced, while a majority recovers either way.
//!
//! **Seeds.** Seed `i` of an experiment is [`seed_for`]`(base.seed, i)`: the same list for every
//! point of a sweep, so majority and 4/2 face the same runs up to `T`. Which nodes a fault hits
//! is drawn from a separate [`Rng`] seeded from that seed, never from the simulator's RNG, so a
//! seed's fault is the same whatever the quorum choice and the runs stay deterministic.
//!
//! **Leader-relative faults** (crash the leader, the partial-connectivity patterns) need the
//! leader at `T`: the run is stepped to `T` with [`Sim::run_until_budget`], the leader is read
//! from [`Sim::node_views`] (the live leader with the highest ballot; if none leads at that
//! instant, the live node with the highest ballot, the one most recently trying to), and the
//! fault is injected with [`Sim::inject`]. [`SeedRun`] does this in slices so the page can run it
//! a frame at a time; the CLI runs seeds on threads. Both build the same numbers.
//!
//! **What each seed reports** ([`SeedOutcome`]), all times from `T`:
//! - *recovered*: a request completes after the fault and before the run ends. Replies already
//!   on their way when the fault struck (a crashed leader's last answers) do not count: when the
//!   report shows an unavailable stretch starting within one election timeout of `T`, recovery
//!   is the end of that stretch, and a stretch that lasts to the end of the run is no recovery.
//! - *time to elect*: from `T` to the first election after the first loss of the last live
//!   leader at or after `T` (`liveness.elections`). Seeds that never lost their leader have no
//!   election to time and are left out of the percentiles (the row counts them in `leader_lost`);
//!   a seed that lost it and never elected counts as *never*, above every time.
//! - *time to first commit*: the recovery time above; *never* when the seed did not recover.
//! - *unavailable time*: `liveness.unavailable_ms` of the whole run (a run starts with a
//!   bootstrapped leader, so before `T` it is normally zero), and the number of liveness stalls.
//!
//! Percentiles are nearest-rank over the seeds that count; a percentile that falls on *never*
//! is `None`, printed `never` in the CSV (`null` in JSON: read it with the counts beside it).

use crate::dur::Dur;
use crate::report::Report;
use crate::rng::Rng;
use crate::scenario::{FaultAction, Scenario};
use crate::sim::Sim;
use fpaxos::{Role, Time};
use serde::{Deserialize, Serialize};

mod row;
#[cfg(test)]
mod tests;

pub use row::{check_point, run_point, summarize, to_csv, Row, CSV_HEADER};

/// Most seeds one experiment point may run.
pub const MAX_SEEDS: u32 = 10_000;

/// Seeds an experiment runs unless told otherwise.
pub const DEFAULT_SEEDS: u32 = 20;

/// When the fault strikes unless told otherwise: long after the first election, so every seed
/// starts from a steady cluster.
pub const DEFAULT_FAULT_AT: Dur = Dur::secs(1);

/// Mixed into a seed to seed the fault's own RNG (which nodes it hits).
const FAULT_SALT: u64 = 0xa5a1_1ab1_e5ee_d5a1;

/// A partial-connectivity pattern from the OmniPaxos write-up (after Howard and Abraham), built
/// from cut links around the leader at `T`. Nodes are named by role: `L` the leader, `C` a
/// follower drawn at random.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// Every link breaks except those of `C`, which still reaches everyone: the leader reaches
    /// only `C`, and `C` is the only node connected to a quorum.
    QuorumLoss,
    /// Quorum loss where `C`'s log is behind: `C` is cut off from everyone from `T/2`, then at `T`
    /// its links come back and every other link breaks. Systems that elect only up-to-date logs
    /// (Raft) cannot elect `C`; Paxos may.
    ConstrainedElection,
    /// `L`–`B`–`C`: only the link between `L` and `C` breaks (both ways). `C` stops hearing the
    /// leader and campaigns, the others follow it, and then `L` campaigns in turn: leadership
    /// can ping-pong.
    Chained,
}

impl Pattern {
    /// Every pattern, in the order help texts list them.
    pub const ALL: [Pattern; 3] = [
        Pattern::QuorumLoss,
        Pattern::ConstrainedElection,
        Pattern::Chained,
    ];

    /// The name used on the command line and in rows.
    pub fn name(self) -> &'static str {
        match self {
            Pattern::QuorumLoss => "quorum-loss",
            Pattern::ConstrainedElection => "constrained-election",
            Pattern::Chained => "chained",
        }
    }

    /// Reads a name (case-insensitive; `_` and `-` alike).
    pub fn parse(s: &str) -> Result<Pattern, String> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        Pattern::ALL
            .into_iter()
            .find(|p| p.name() == t)
            .ok_or_else(|| {
                let names: Vec<&str> = Pattern::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "unknown pattern `{}`: use one of {}",
                    s.trim(),
                    names.join(", ")
                )
            })
    }
}

/// The fault of an experiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FaultPlan {
    /// `k` nodes drawn at random per seed crash at `T` (the leader among them or not).
    Crash {
        /// Nodes to crash.
        k: u32,
    },
    /// The leader at `T` and `k - 1` other nodes drawn at random crash at `T`.
    CrashLeader {
        /// Nodes to crash, the leader included.
        k: u32,
    },
    /// A partial-connectivity pattern starts at `T`.
    Pattern {
        /// Which one.
        pattern: Pattern,
    },
}

impl FaultPlan {
    /// A short description for rows and headings: `crash 2`, `crash leader+1`, `chained`.
    pub fn label(&self) -> String {
        match self {
            FaultPlan::Crash { k } => format!("crash {k}"),
            FaultPlan::CrashLeader { k } => format!("crash leader+{}", k.saturating_sub(1)),
            FaultPlan::Pattern { pattern } => pattern.name().to_string(),
        }
    }

    /// Whether the plan fits a cluster of `n` nodes; the error says what to change.
    pub fn check(&self, n: u32) -> Result<(), String> {
        match *self {
            FaultPlan::Crash { k } if k > n => Err(format!(
                "cannot crash {k} nodes of {n}: --crash must be at most the cluster size"
            )),
            FaultPlan::CrashLeader { k } if k == 0 || k > n => Err(format!(
                "crashing the leader plus others needs 1 to {n} crashes (the cluster size), not {k}"
            )),
            FaultPlan::Pattern { pattern } if n < 3 => Err(format!(
                "the {} pattern needs at least 3 nodes (the write-up uses 5), not {n}",
                pattern.name()
            )),
            _ => Ok(()),
        }
    }
}

/// An availability experiment: a fault at `fault_at`, over `seeds` seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experiment {
    /// The fault.
    pub plan: FaultPlan,
    /// Seeds to run (1 to [`MAX_SEEDS`]).
    pub seeds: u32,
    /// When the fault strikes.
    pub fault_at: Dur,
}

impl Experiment {
    /// An experiment with the default seeds and fault time.
    pub fn new(plan: FaultPlan) -> Experiment {
        Experiment {
            plan,
            seeds: DEFAULT_SEEDS,
            fault_at: DEFAULT_FAULT_AT,
        }
    }

    /// Whether the experiment can run on scenario `s`; the error says what to change.
    pub fn check(&self, s: &Scenario) -> Result<(), String> {
        if self.seeds == 0 || self.seeds > MAX_SEEDS {
            return Err(format!(
                "--seeds must be 1 to {MAX_SEEDS}, not {}",
                self.seeds
            ));
        }
        if self.fault_at.0 == 0 || self.fault_at >= s.duration {
            return Err(format!(
                "the fault time {} must be after 0 and before the end of the run ({})",
                self.fault_at, s.duration
            ));
        }
        self.plan.check(s.cluster.nodes)
    }
}

/// Seed `index` of an experiment over a scenario whose seed is `base`: a well-mixed function of
/// both, so neighbouring indexes give unrelated runs.
pub fn seed_for(base: u64, index: u32) -> u64 {
    fpaxos::msg::mix(base ^ fpaxos::msg::mix(u64::from(index).wrapping_add(1)))
}

/// What one seed of an experiment measured. Times are in ms from the fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedOutcome {
    /// The simulator seed.
    pub seed: u64,
    /// The leader at the fault (see the module docs); `None` if no live node had a ballot.
    pub leader: Option<u32>,
    /// The nodes crashed, or for a pattern the node `C` every remaining link goes through.
    pub hit: Vec<u32>,
    /// The leader at the fault crashed.
    pub leader_hit: bool,
    /// The last live leader was lost at or after the fault.
    pub leader_lost: bool,
    /// Time to elect after that loss; `None` if it was not lost or nobody was elected.
    pub elect_ms: Option<f64>,
    /// A request completed after the fault (see the module docs).
    pub recovered: bool,
    /// Time to that completion; `None` when not recovered.
    pub first_commit_ms: Option<f64>,
    /// Unavailable time of the whole run.
    pub unavailable_ms: f64,
    /// Liveness stalls of the whole run.
    pub stalls: u64,
    /// Elections after the first, whole run.
    pub leader_changes: u64,
}

/// One step of a fault plan: what to do when the run reaches `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Crash `k` nodes, the leader first if `leader`.
    Crash { k: u32, leader: bool },
    /// Cut `C` off from everyone (constrained election, before `T`).
    Isolate,
    /// Cut every link not touching `C`; restore `C`'s links first if `restore`.
    QuorumLoss { restore: bool },
    /// Cut the link between the leader and `C`.
    Chain,
}

/// One seed of an experiment, run in slices: [`SeedRun::step`] until it returns true, then
/// [`SeedRun::outcome`].
pub struct SeedRun {
    sim: Sim,
    seed: u64,
    fault_at: Time,
    /// Stages still to apply, earliest first.
    stages: Vec<(Time, Stage)>,
    rng: Rng,
    leader: Option<u32>,
    hit: Vec<u32>,
    /// `hit` lists crashed nodes (not a pattern's hub).
    crashed: bool,
    outcome: Option<SeedOutcome>,
}

impl SeedRun {
    /// Seed `index` of `exp` over the checked scenario `base` (its seed replaced by
    /// [`seed_for`]). The experiment must have passed [`Experiment::check`] on it.
    pub fn new(base: &Scenario, exp: &Experiment, index: u32) -> Result<SeedRun, String> {
        let seed = seed_for(base.seed, index);
        let mut s = base.clone();
        s.seed = seed;
        let c = s.check().map_err(|e| e.0.join("; "))?;
        let t = exp.fault_at.0;
        let stages = match exp.plan {
            FaultPlan::Crash { k } => vec![(t, Stage::Crash { k, leader: false })],
            FaultPlan::CrashLeader { k } => vec![(t, Stage::Crash { k, leader: true })],
            FaultPlan::Pattern { pattern } => match pattern {
                Pattern::QuorumLoss => vec![(t, Stage::QuorumLoss { restore: false })],
                Pattern::ConstrainedElection => vec![
                    (t / 2, Stage::Isolate),
                    (t, Stage::QuorumLoss { restore: true }),
                ],
                Pattern::Chained => vec![(t, Stage::Chain)],
            },
        };
        Ok(SeedRun {
            sim: Sim::new(c),
            seed,
            fault_at: t,
            stages,
            rng: Rng::new(seed ^ FAULT_SALT),
            leader: None,
            hit: Vec::new(),
            crashed: false,
            outcome: None,
        })
    }

    /// Handles at most about `budget` events (one slice). Returns true once the run is over and
    /// [`SeedRun::outcome`] is ready.
    pub fn step(&mut self, budget: u64) -> bool {
        if self.outcome.is_some() {
            return true;
        }
        let goal = self.stages.first().map_or(self.sim.end_time(), |s| s.0);
        let p = self.sim.run_until_budget(goal, budget.max(1));
        if p.ended {
            self.finish();
        } else if p.reached && !self.stages.is_empty() {
            let (at, stage) = self.stages.remove(0);
            self.apply(at, stage);
        }
        self.outcome.is_some()
    }

    /// Runs the seed to its end.
    pub fn run(mut self) -> SeedOutcome {
        while !self.step(u64::MAX) {}
        match self.outcome.take() {
            Some(o) => o,
            None => self.measure(&self.sim.report()),
        }
    }

    /// Fraction of the run's simulated time done.
    pub fn progress(&self) -> f64 {
        if self.outcome.is_some() {
            return 1.0;
        }
        self.sim.now() as f64 / self.sim.end_time().max(1) as f64
    }

    /// What the seed measured, once [`SeedRun::step`] returned true.
    pub fn outcome(&self) -> Option<&SeedOutcome> {
        self.outcome.as_ref()
    }

    fn apply(&mut self, at: Time, stage: Stage) {
        let n = self.sim.scenario().cluster.nodes;
        let leader = leader_now(&self.sim);
        let others = |skip: &[u32]| (0..n).filter(|i| !skip.contains(i)).collect::<Vec<u32>>();
        let mut faults = Vec::new();
        match stage {
            Stage::Crash {
                k,
                leader: with_leader,
            } => {
                self.leader = leader;
                let mut hit = Vec::new();
                if with_leader {
                    hit.extend(leader);
                }
                let rest = k.saturating_sub(hit.len() as u32);
                hit.extend(pick(&mut self.rng, others(&hit), rest));
                faults.extend(hit.iter().map(|&node| FaultAction::Crash { node }));
                self.hit = hit;
                self.crashed = true;
            }
            Stage::Isolate => {
                // `C` is drawn now, among the followers of the leader at T/2.
                self.hit = pick(&mut self.rng, others(&Vec::from_iter(leader)), 1);
                for &c in &self.hit {
                    faults.extend(others(&[c]).into_iter().map(|to| cut(c, to)));
                }
            }
            Stage::QuorumLoss { restore } => {
                self.leader = leader;
                if self.hit.is_empty() {
                    self.hit = pick(&mut self.rng, others(&Vec::from_iter(leader)), 1);
                }
                let hub = self.hit.first().copied().unwrap_or(0);
                if restore {
                    faults.extend(
                        others(&[hub])
                            .into_iter()
                            .map(|to| FaultAction::RestoreLink {
                                from: hub,
                                to,
                                both: true,
                            }),
                    );
                }
                for a in others(&[hub]) {
                    faults.extend((a + 1..n).filter(|&b| b != hub).map(|b| cut(a, b)));
                }
            }
            Stage::Chain => {
                self.leader = leader;
                self.hit = pick(&mut self.rng, others(&Vec::from_iter(leader)), 1);
                if let (Some(l), Some(&c)) = (leader, self.hit.first()) {
                    faults.push(cut(l, c));
                }
            }
        }
        for f in faults {
            self.sim.inject(at, f);
        }
    }

    fn finish(&mut self) {
        if self.outcome.is_none() {
            let report = self.sim.report();
            self.outcome = Some(self.measure(&report));
        }
    }

    fn measure(&self, r: &Report) -> SeedOutcome {
        let t = self.fault_at as f64 / 1e6;
        let end = self.sim.end_time() as f64 / 1e6;
        let live = &r.liveness;
        let election = live.elections.iter().find(|e| e.lost_ms >= t);
        let grace = self.sim.scenario().cluster.election_timeout.as_ms();
        let outage = live
            .unavailable
            .iter()
            .find(|(a, b)| *b > t && *a <= t + grace);
        let first_commit_ms = match outage {
            Some(&(_, b)) => (b < end).then_some(b - t),
            None => live
                .after_faults
                .iter()
                .find(|f| f.at_ms >= t)
                .and_then(|f| f.first_commit_ms)
                .map(|c| c - t),
        }
        .map(ns_round);
        SeedOutcome {
            seed: self.seed,
            leader: self.leader,
            hit: self.hit.clone(),
            leader_hit: self.crashed && self.leader.is_some_and(|l| self.hit.contains(&l)),
            leader_lost: election.is_some(),
            elect_ms: election.and_then(|e| e.elected_ms).map(|e| ns_round(e - t)),
            recovered: first_commit_ms.is_some(),
            first_commit_ms,
            unavailable_ms: live.unavailable_ms,
            stalls: live.stalls.len() as u64,
            leader_changes: r.leader_changes,
        }
    }
}

/// Rounds milliseconds to whole nanoseconds (the simulator's tick), dropping the binary noise
/// of subtracting two times.
fn ns_round(ms: f64) -> f64 {
    (ms * 1e6).round() / 1e6
}

fn cut(from: u32, to: u32) -> FaultAction {
    FaultAction::CutLink {
        from,
        to,
        both: true,
    }
}

/// The leader now: the live leader with the highest ballot, else the live node with the highest
/// ballot (a candidate, or the follower that promised most recently).
fn leader_now(sim: &Sim) -> Option<u32> {
    let views = sim.node_views();
    let live = || views.iter().filter(|v| !v.crashed);
    live()
        .filter(|v| v.role == Role::Leader)
        .max_by_key(|v| (v.ballot, std::cmp::Reverse(v.id)))
        .or_else(|| {
            live()
                .filter(|v| v.ballot > 0)
                .max_by_key(|v| (v.ballot, std::cmp::Reverse(v.id)))
        })
        .map(|v| u32::from(v.id))
}

/// `k` members of `from` drawn without replacement (a partial Fisher–Yates shuffle), in the
/// order drawn.
fn pick(rng: &mut Rng, mut from: Vec<u32>, k: u32) -> Vec<u32> {
    let k = (k as usize).min(from.len());
    for i in 0..k {
        let j = i + rng.below((from.len() - i) as u64) as usize;
        from.swap(i, j);
    }
    from.truncate(k);
    from
}
