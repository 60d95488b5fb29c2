//! Shrinking a failing scenario to a small one that fails the same way (`fpaxos check --shrink`).
//!
//! A swarm seed that fails is a whole chaotic scenario: dozens of faults, many clients, seconds
//! of traffic, a lossy and jittery network. Most of it is noise. [`shrink`] removes what the
//! failure does not need, greedily and in rounds, the way property-testing shrinkers and delta
//! debugging do: chunks of faults (halves, quarters, … single faults), the run's tail, nodes
//! (the highest id, where the quorum rule allows), clients, and noise (loss, duplication, jitter,
//! CPU costs, pre-vote, batching). A candidate is kept only if it still fails **the same way**
//! ([`Failure`]): a safety violation of the same kind, or a stall with safety intact. The result
//! is a scenario like any other: `fpaxos run` replays it, with the same failure.
//!
//! The search runs the simulator many times, so the caller supplies the evaluation: a function
//! from a batch of candidates to "fails the same way" for each. The CLI runs a batch on all
//! cores; the answer does not depend on how many, because the first failing candidate in batch
//! order is taken. The number of runs is bounded by a budget.

use crate::checker::ViolationKind;
use crate::dur::Dur;
use crate::scenario::{FaultAction, Latency, Scenario};
use crate::sim::Sim;
use crate::Report;
use fpaxos::quorum::QuorumSpec;
use fpaxos::PlantedBug;

/// How a run failed; a shrunk scenario must fail the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A safety violation of this kind (the first one reported).
    Safety(ViolationKind),
    /// A liveness stall, with safety intact.
    Liveness,
}

impl Failure {
    /// How `report`'s run failed, if it did.
    pub fn of(report: &Report) -> Option<Failure> {
        match report.safety.violations.first() {
            Some(v) => Some(Failure::Safety(v.kind)),
            None if !report.liveness.ok => Some(Failure::Liveness),
            None => None,
        }
    }

    /// Whether `report`'s run failed this way.
    pub fn matches(self, report: &Report) -> bool {
        match self {
            Failure::Safety(kind) => report.safety.violations.iter().any(|v| v.kind == kind),
            Failure::Liveness => report.safety.ok && !report.liveness.ok,
        }
    }

    /// Words for a report: "an agreement violation", "a liveness stall".
    pub fn describe(self) -> String {
        match self {
            Failure::Safety(kind) => format!("a safety violation ({kind:?})").to_lowercase(),
            Failure::Liveness => "a liveness stall".into(),
        }
    }
}

/// Whether `s` fails the way `target` says, run to its end with `plant`; a panic is another
/// failure, not this one.
pub fn fails(s: &Scenario, target: Failure, plant: Option<PlantedBug>) -> bool {
    let Ok(checked) = s.check() else {
        return false;
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        target.matches(&Sim::with_planted(checked, plant).run_to_end())
    }))
    .unwrap_or(false)
}

/// The result of [`shrink`].
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// The smallest failing scenario found.
    pub scenario: Scenario,
    /// What was removed or simplified, one line per setting ("faults: 34 -> 2", …).
    pub removed: Vec<String>,
    /// Simulator runs spent.
    pub runs: u32,
    /// The budget ran out before a round removed nothing (the result may shrink further).
    pub budget_exhausted: bool,
}

/// Shrinks `original`, which must fail, to a smaller scenario for which `still_fails` holds.
/// `still_fails` answers a batch of candidates (each already valid); the first `true` in batch
/// order is taken. At most about `budget` candidates are run.
pub fn shrink(
    original: &Scenario,
    budget: u32,
    still_fails: &mut dyn FnMut(&[Scenario]) -> Vec<bool>,
) -> Shrunk {
    let mut cur = original.clone();
    let mut runs = 0u32;
    let mut exhausted = false;
    'rounds: loop {
        let mut progress = false;
        for pass in PASSES {
            // Each pass repeats while it finds a smaller failing candidate.
            loop {
                if runs >= budget {
                    exhausted = true;
                    break 'rounds;
                }
                let cands: Vec<Scenario> = pass(&cur)
                    .into_iter()
                    .filter(|c| c != &cur && c.validate().is_ok())
                    .take((budget - runs) as usize)
                    .collect();
                if cands.is_empty() {
                    break;
                }
                let verdicts = still_fails(&cands);
                runs += cands.len() as u32;
                match cands.into_iter().zip(verdicts).find(|(_, f)| *f) {
                    Some((c, _)) => {
                        cur = c;
                        progress = true;
                    }
                    None => break,
                }
            }
        }
        if !progress {
            break;
        }
    }
    Shrunk {
        removed: changes(original, &cur),
        scenario: cur,
        runs,
        budget_exhausted: exhausted,
    }
}

type Pass = fn(&Scenario) -> Vec<Scenario>;

/// Passes, most effective first: faults are most of a swarm scenario.
const PASSES: &[Pass] = &[
    fault_chunks,
    shorter,
    fewer_nodes,
    fewer_clients,
    less_noise,
];

/// Remove a chunk of faults: halves first, then quarters, …, then single faults (delta
/// debugging's complement step). Returns every chunk size's candidates, coarse first.
fn fault_chunks(s: &Scenario) -> Vec<Scenario> {
    let n = s.faults.len();
    let mut out = Vec::new();
    let mut size = n.div_ceil(2);
    while size > 0 {
        for start in (0..n).step_by(size) {
            let mut c = s.clone();
            c.faults.drain(start..(start + size).min(n));
            out.push(c);
        }
        size = if size == 1 { 0 } else { size.div_ceil(2) };
    }
    out
}

/// A shorter run: a half, then three quarters (faults after the new end go with it).
fn shorter(s: &Scenario) -> Vec<Scenario> {
    [s.duration.0 / 2, s.duration.0 / 4 * 3]
        .into_iter()
        // Whole milliseconds keep the JSON readable.
        .map(|d| Dur::ms(d / 1_000_000))
        .filter(|d| d.0 > s.warmup.0)
        .map(|d| {
            let mut c = s.clone();
            c.duration = d;
            c.faults.retain(|f| f.at < d);
            c
        })
        .collect()
}

/// One node fewer (the highest id), where the quorum rule stays as written: majority, or
/// counting quorums that still fit. Faults that name the node go; partitions lose it.
fn fewer_nodes(s: &Scenario) -> Vec<Scenario> {
    let n = s.cluster.nodes;
    let fits = match &s.cluster.quorum {
        QuorumSpec::Majority => n > 1,
        QuorumSpec::Counting { q1, q2 } => n > 1 && *q1 < n && *q2 < n,
        _ => false,
    };
    if !fits {
        return Vec::new();
    }
    let gone = n - 1;
    let mut c = s.clone();
    c.cluster.nodes = gone;
    if c.cluster.initial_leader == Some(gone) {
        c.cluster.initial_leader = Some(0);
    }
    if let Some(r) = &mut c.network.regions {
        r.of_node.truncate(gone as usize);
    }
    if let Some(m) = &mut c.network.matrix {
        m.truncate(gone as usize);
        for row in m.iter_mut() {
            row.truncate(gone as usize);
        }
    }
    c.network.links.retain(|l| l.from < gone && l.to < gone);
    c.faults.retain_mut(|f| match &mut f.action {
        FaultAction::Crash { node } | FaultAction::Recover { node } => *node != gone,
        FaultAction::Slow { node, .. } => *node != gone,
        FaultAction::CutLink { from, to, .. } | FaultAction::RestoreLink { from, to, .. } => {
            *from != gone && *to != gone
        }
        FaultAction::Partition { groups } => {
            groups.iter_mut().for_each(|g| g.retain(|x| *x != gone));
            groups.retain(|g| !g.is_empty());
            true
        }
        FaultAction::Heal | FaultAction::DropMessage { .. } | FaultAction::Loss { .. } => true,
    });
    vec![c]
}

/// One client, then half as many; one outstanding request each; closed loop.
fn fewer_clients(s: &Scenario) -> Vec<Scenario> {
    let w = &s.workload;
    let mut out = Vec::new();
    for clients in [1, w.clients / 2] {
        if clients >= 1 && clients < w.clients {
            let mut c = s.clone();
            c.workload.clients = clients;
            out.push(c);
        }
    }
    if w.outstanding > 1 {
        let mut c = s.clone();
        c.workload.outstanding = 1;
        out.push(c);
    }
    if w.rate.is_some() {
        let mut c = s.clone();
        c.workload.rate = None;
        out.push(c);
    }
    out
}

/// Noise a failure rarely needs: loss, duplication, latency jitter, CPU costs, pre-vote,
/// batching and pipelining.
fn less_noise(s: &Scenario) -> Vec<Scenario> {
    let edits: [fn(&mut Scenario); 9] = [
        |c| c.network.loss = 0.0,
        |c| c.network.duplicate = 0.0,
        |c| {
            c.network.latency = Latency::Const {
                value: typical(&c.network.latency),
            }
        },
        |c| {
            c.cpu.per_recv = Dur(0);
            c.cpu.per_send = Dur(0);
        },
        |c| c.cluster.pre_vote = false,
        |c| c.cluster.batch = 1,
        |c| c.cluster.window = 1,
        |c| c.cluster.commit_batch = 1,
        |c| {
            c.faults
                .retain(|f| !matches!(f.action, FaultAction::Loss { .. }))
        },
    ];
    edits
        .iter()
        .map(|edit| {
            let mut c = s.clone();
            edit(&mut c);
            c
        })
        .collect()
}

/// A constant latency near the distribution's middle, whole microseconds.
fn typical(l: &Latency) -> Dur {
    let ns = match *l {
        Latency::Const { value } => value.0,
        Latency::Uniform { min, max } => (min.0 + max.0) / 2,
        Latency::Normal { mean, .. } => mean.0,
        Latency::Lognormal { median, .. } => median.0,
        Latency::Exponential { min, mean } => min.0 + mean.0,
    };
    Dur::us((ns / 1_000).max(1))
}

/// What differs between the original and the shrunk scenario, in words.
fn changes(a: &Scenario, b: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |what: &str, x: String, y: String| {
        if x != y {
            out.push(format!("{what}: {x} -> {y}"));
        }
    };
    note(
        "faults",
        a.faults.len().to_string(),
        b.faults.len().to_string(),
    );
    note("duration", a.duration.readable(), b.duration.readable());
    note(
        "nodes",
        a.cluster.nodes.to_string(),
        b.cluster.nodes.to_string(),
    );
    let w = |s: &Scenario| {
        format!(
            "{} x {} outstanding{}",
            s.workload.clients,
            s.workload.outstanding,
            s.workload
                .rate
                .map_or(String::new(), |r| format!(", open loop {r}/s"))
        )
    };
    note("clients", w(a), w(b));
    note(
        "loss",
        a.network.loss.to_string(),
        b.network.loss.to_string(),
    );
    note(
        "duplication",
        a.network.duplicate.to_string(),
        b.network.duplicate.to_string(),
    );
    note(
        "latency",
        a.network.latency.readable(),
        b.network.latency.readable(),
    );
    let cpu = |s: &Scenario| {
        format!(
            "recv {} send {}",
            s.cpu.per_recv.readable(),
            s.cpu.per_send.readable()
        )
    };
    note("cpu", cpu(a), cpu(b));
    let (x, y) = (&a.cluster, &b.cluster);
    note("pre-vote", x.pre_vote.to_string(), y.pre_vote.to_string());
    note("batch", x.batch.to_string(), y.batch.to_string());
    note("window", x.window.to_string(), y.window.to_string());
    note(
        "commit batch",
        x.commit_batch.to_string(),
        y.commit_batch.to_string(),
    );
    out
}

#[cfg(test)]
mod tests;
