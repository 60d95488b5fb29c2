//! Parse, don't validate: [`Scenario::check`] runs one check per section and returns either
//! every problem or a [`Checked`] scenario holding the quorum system it built. The simulator,
//! sweeps and the CLI take a `Checked`, so a scenario is validated once and its quorum system
//! built once.

use super::limits::{self, Bounds};
use super::{Cluster, Cpu, Fault, FaultAction, Latency, MetricsCfg, Network, Scenario, Workload};
use super::{ScenarioErrors, SCENARIO_VERSION};
use crate::dur::{Dur, MAX_DUR};
use crate::number::quoted;
use fpaxos::quorum::QuorumSystem;
use fpaxos::{NodeId, NodeSet};
use std::sync::Arc;

/// A scenario that passed every check, with its quorum system. Only [`Scenario::check`] makes
/// one, so holding a `Checked` proves the scenario is valid.
#[derive(Clone, Debug)]
pub struct Checked {
    scenario: Scenario,
    quorums: Arc<QuorumSystem>,
}

impl Checked {
    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Its quorum system (shared with every node of a run).
    pub fn quorums(&self) -> &Arc<QuorumSystem> {
        &self.quorums
    }

    /// The scenario and the quorum system, by value.
    pub fn into_parts(self) -> (Scenario, Arc<QuorumSystem>) {
        (self.scenario, self.quorums)
    }
}

impl std::ops::Deref for Checked {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.scenario
    }
}

type Errs = Vec<String>;

impl Scenario {
    /// Checks everything and returns every problem, or the checked scenario. Never panics.
    pub fn check(&self) -> Result<Checked, ScenarioErrors> {
        let mut errs = Vec::new();
        self.check_run(&mut errs);
        let n = self.cluster.nodes;
        let before = errs.len();
        let quorums = self.cluster.check(&mut errs);
        self.network.check(n, &mut errs);
        if let (Some(q), true) = (&quorums, errs.len() == before) {
            self.check_timers(q, &mut errs);
        }
        self.cpu.check(&mut errs);
        self.workload.check(&mut errs);
        check_faults(&self.faults, n, &mut errs);
        self.metrics.check(self.duration, &mut errs);
        if let Some(s) = &self.schedule {
            let faults = self.faults.len();
            s.check(n, self.workload.clients, self.duration, faults, &mut errs);
        }
        match quorums {
            Some(q) if errs.is_empty() => Ok(Checked {
                scenario: self.clone(),
                quorums: Arc::new(q),
            }),
            _ => Err(ScenarioErrors(errs)),
        }
    }

    /// Checks everything; returns all problems, never panics. Prefer [`Scenario::check`], which
    /// also hands back the quorum system.
    pub fn validate(&self) -> Result<(), ScenarioErrors> {
        self.check().map(|_| ())
    }

    /// The quorum system (its problems if the spec does not fit the cluster).
    pub fn quorum_system(&self) -> Result<QuorumSystem, ScenarioErrors> {
        QuorumSystem::new(&self.cluster.quorum, self.cluster.nodes as usize)
            .map_err(|e| ScenarioErrors(e.0.iter().map(|p| p.to_string()).collect()))
    }

    /// Version, texts and run length.
    fn check_run(&self, errs: &mut Errs) {
        if self.version != SCENARIO_VERSION {
            errs.push(format!("scenario version must be {SCENARIO_VERSION}"));
        }
        if self.name.len() > limits::MAX_NAME_LEN {
            errs.push(format!(
                "name is longer than {} characters",
                limits::MAX_NAME_LEN
            ));
        }
        if self.notes.len() > limits::MAX_NOTES_LEN {
            errs.push(format!(
                "notes are longer than {} characters",
                limits::MAX_NOTES_LEN
            ));
        }
        if self.duration < limits::DURATION.min {
            errs.push("duration must be above 0 (e.g. \"10s\")".into());
        }
        if self.duration > limits::DURATION.max {
            errs.push(format!(
                "duration {} is above the 1 hour limit",
                self.duration
            ));
        }
        if self.warmup >= self.duration && self.duration > Dur(0) {
            errs.push(format!(
                "warmup {} must be shorter than the duration {}",
                self.warmup, self.duration
            ));
        }
    }
}

impl Scenario {
    /// Timer relations under which progress is impossible on this network, whatever the
    /// random draws (a relation that is merely tight, or unlucky, passes). Runs once the cluster
    /// and network sections are valid, since it needs both. How the core's timers interact:
    ///
    /// - A candidate's election timer fires after the election timeout plus a random jitter
    ///   below one more timeout, so it waits at most `2 x election_timeout`; then it retries
    ///   with a new ballot and ignores promises for the old one. A promise takes at least the
    ///   quickest round trip ([`Network::min_round_trip`]). So when that round trip is at least
    ///   twice the election timeout, no candidate that needs a promise can ever win.
    /// - With check-quorum a leader checks, on its heartbeat tick, that it heard from a Q2 in
    ///   the last election timeout; a timer event waits its turn behind messages that arrived
    ///   before it, so only replies that arrive within `election_timeout + heartbeat` of the
    ///   election can count for the first check. A leader that is a Q1 on its own is elected
    ///   without a round trip; if no reply can come back in that time and it is not a Q2 on its
    ///   own, it steps down before committing anything, at every election.
    ///
    /// Other timers cannot block progress on their own: the retransmit timer only widens sends
    /// (a failed candidate already retries with every node), the client timeout only resends,
    /// and pre-vote replies wait for the next election timer, not a deadline.
    fn check_timers(&self, quorums: &QuorumSystem, errs: &mut Errs) {
        let c = &self.cluster;
        let n = c.nodes as usize;
        let Some(rtt) = self.network.min_round_trip(n) else {
            return;
        };
        let (e, h) = (c.election_timeout, c.heartbeat);
        let alone = |is: &dyn Fn(NodeSet) -> bool| {
            (0..n).filter(|i| is(NodeSet::single(*i as NodeId))).count()
        };
        let solo_q1 = alone(&|s| quorums.is_q1(s));
        let solo_q2 = alone(&|s| quorums.is_q2(s));
        let no_promise_in_time = rtt.0 >= e.0.saturating_mul(2);
        if solo_q1 == 0 {
            if no_promise_in_time {
                errs.push(format!(
                    "cluster.election_timeout {e} is too short for this network: a candidate retries with a new ballot after at most twice the election timeout ({}, the timeout plus its random jitter), but the quickest round trip between two nodes takes {rtt}, so no promise ever arrives in time and no leader is ever elected; make the election timeout longer than half the round trip (above {}; a few round trips, e.g. {}, is comfortable) or lower the latencies",
                    Dur(e.0.saturating_mul(2)),
                    Dur(rtt.0 / 2),
                    Dur(rtt.0.saturating_mul(3)),
                ));
            }
            return;
        }
        let window = Dur(e.0.saturating_add(h.0));
        if c.check_quorum && solo_q2 == 0 && rtt >= window && (solo_q1 == n || no_promise_in_time) {
            let others = if solo_q1 == n {
                ""
            } else {
                " (the others cannot be elected: no promise arrives within twice the election timeout)"
            };
            errs.push(format!(
                "cluster.election_timeout {e} is too short for check-quorum on this network: a node that alone is a Q1 becomes leader at once{others}, but it must then hear from a Q2 within an election timeout (checked on the heartbeat, so by {window} at the latest), and the quickest round trip between two nodes takes {rtt}; every leader steps down before any reply arrives and nothing is ever committed. Make the election timeout longer than {} (the round trip minus the heartbeat), or turn check-quorum off (cluster.check_quorum: false, CLI --check-quorum=off)",
                Dur(rtt.0 - h.0),
            ));
        }
    }
}

fn int_range(errs: &mut Errs, name: &str, v: u32, r: Bounds<u32>) {
    if !r.contains(&v) {
        errs.push(format!("{name} must be {}..={}, got {v}", r.min, r.max));
    }
}

/// Pushes "`name` must be between min and max, got v" when `v` is outside `r` (or NaN);
/// returns whether it is inside.
fn float_range(errs: &mut Errs, name: &str, v: f64, r: Bounds<f64>) -> bool {
    let inside = r.contains(&v);
    if !inside {
        errs.push(format!(
            "{name} must be between {} and {}, got {}",
            r.min,
            r.max,
            quoted(v)
        ));
    }
    inside
}

impl Cluster {
    /// Size, quorums (built here, once) and protocol knobs. Returns the quorum system when the
    /// spec fits the cluster.
    fn check(&self, errs: &mut Errs) -> Option<QuorumSystem> {
        let n = self.nodes;
        let nodes = limits::NODES;
        let mut quorums = None;
        if !nodes.contains(&n) {
            errs.push(format!(
                "cluster.nodes must be between {} and {}, got {n}",
                nodes.min, nodes.max
            ));
        } else {
            match QuorumSystem::new(&self.quorum, n as usize) {
                Err(e) => errs.extend(e.0.iter().map(|p| format!("cluster.quorum: {p}"))),
                Ok(q) => {
                    if let Err(ce) = q.check_intersection() {
                        if !self.allow_unsafe {
                            errs.push(format!(
                                "unsafe quorums: Q1 {} and Q2 {} share no node, so two leaders could choose different values; set cluster.allow_unsafe (CLI: --allow-unsafe) to run it anyway",
                                ce.q1, ce.q2
                            ));
                        }
                    }
                    quorums = Some(q);
                }
            }
        }
        if let Some(l) = self.initial_leader {
            if l >= n {
                errs.push(format!("cluster.initial_leader {l} is not a node (0..{n})"));
            }
        }
        int_range(errs, "cluster.window", self.window, limits::WINDOW);
        int_range(errs, "cluster.batch", self.batch, limits::BATCH);
        int_range(
            errs,
            "cluster.commit_batch",
            self.commit_batch,
            limits::COMMIT_BATCH,
        );
        int_range(
            errs,
            "cluster.log_retain",
            self.log_retain,
            limits::LOG_RETAIN,
        );
        for (name, d, r) in [
            ("cluster.heartbeat", self.heartbeat, limits::HEARTBEAT),
            (
                "cluster.election_timeout",
                self.election_timeout,
                limits::ELECTION_TIMEOUT,
            ),
            ("cluster.retransmit", self.retransmit, limits::RETRANSMIT),
        ] {
            if !r.contains(&d) {
                errs.push(format!(
                    "{name} must be between {} and {}, got {d}",
                    r.min, r.max
                ));
            }
        }
        if self.election_timeout <= self.heartbeat {
            errs.push(format!(
                "cluster.election_timeout ({}) must be longer than the heartbeat ({})",
                self.election_timeout, self.heartbeat
            ));
        }
        quorums
    }
}

impl Latency {
    fn check(&self, what: &str, errs: &mut Errs) {
        // With sigma out of its range the mean is meaningless (it can overflow): the sigma
        // message says what to fix, and the mean is not judged.
        let mean_meaningful = match self {
            Latency::Uniform { min, max } if min > max => {
                errs.push(format!("{what}: uniform min {min} is above max {max}"));
                true
            }
            Latency::Lognormal { sigma, .. } => float_range(
                errs,
                &format!("{what}: lognormal sigma"),
                *sigma,
                limits::LOGNORMAL_SIGMA,
            ),
            _ => true,
        };
        if mean_meaningful && self.mean() > limits::MAX_MEAN_LATENCY {
            errs.push(format!(
                "{what}: mean latency {} is above the {} limit",
                self.mean(),
                limits::MAX_MEAN_LATENCY
            ));
        }
    }
}

impl Network {
    /// Latencies, probabilities, bandwidth, and that every per-node part fits `n` nodes.
    fn check(&self, n: u32, errs: &mut Errs) {
        self.latency.check("network.latency", errs);
        self.client_latency.check("network.client_latency", errs);
        for (name, p) in [
            ("network.loss", self.loss),
            ("network.duplicate", self.duplicate),
        ] {
            if !limits::PROBABILITY.contains(&p) {
                errs.push(format!(
                    "{name} must be a probability in [0, 1], got {}",
                    quoted(p)
                ));
            }
        }
        if self.loss == 1.0 {
            errs.push("network.loss of 1 loses every message: nothing could ever commit".into());
        }
        if let Some(b) = self.bandwidth_mbps {
            float_range(errs, "network.bandwidth_mbps", b, limits::BANDWIDTH_MBPS);
        }
        if let Some(m) = &self.matrix {
            if m.len() != n as usize || m.iter().any(|r| r.len() != n as usize) {
                errs.push(format!("network.matrix must be {n} x {n}"));
            }
            if m.iter().flatten().any(|d| *d > limits::MAX_MATRIX_LATENCY) {
                errs.push(format!(
                    "network.matrix latencies must be at most {}",
                    limits::MAX_MATRIX_LATENCY
                ));
            }
        }
        if let Some(r) = &self.regions {
            if r.of_node.len() != n as usize {
                errs.push(format!(
                    "network.regions.of_node needs one region per node ({n}), got {}",
                    r.of_node.len()
                ));
            }
            r.local.check("network.regions.local", errs);
            r.remote.check("network.regions.remote", errs);
        }
        for l in &self.links {
            if l.from >= n || l.to >= n {
                errs.push(format!(
                    "network.links: link {}->{} names a node outside 0..{n}",
                    l.from, l.to
                ));
            }
            l.latency.check("network.links latency", errs);
        }
    }
}

impl Cpu {
    fn check(&self, errs: &mut Errs) {
        let r = limits::CPU_COST;
        if !r.contains(&self.per_recv) || !r.contains(&self.per_send) {
            errs.push(format!("cpu costs must be at most {} per message", r.max));
        }
    }
}

impl Workload {
    fn check(&self, errs: &mut Errs) {
        if !limits::CLIENTS.contains(&self.clients) {
            errs.push(format!(
                "workload.clients must be at most {}, got {}",
                limits::CLIENTS.max,
                self.clients
            ));
        }
        int_range(
            errs,
            "workload.outstanding",
            self.outstanding,
            limits::OUTSTANDING,
        );
        if self.rate.is_none()
            && (self.clients as u64) * (self.outstanding as u64) > limits::MAX_IN_FLIGHT
        {
            errs.push(format!(
                "workload: {} clients x {} outstanding is over the limit of {} requests in flight",
                self.clients,
                self.outstanding,
                limits::MAX_IN_FLIGHT
            ));
        }
        let t = limits::CLIENT_TIMEOUT;
        if !t.contains(&self.timeout) {
            errs.push(format!(
                "workload.timeout must be between {} and {}, got {}",
                t.min, t.max, self.timeout
            ));
        }
        if !limits::COMMAND_BYTES.contains(&self.command_bytes) {
            errs.push("workload.command_bytes must be at most 1 MiB".into());
        }
        if let Some(r) = self.rate {
            if !(r.is_finite() && r > limits::RATE.min && r <= limits::RATE.max) {
                errs.push(format!(
                    "workload.rate must be between {} and {} requests/s, got {}",
                    limits::RATE.min,
                    limits::RATE.max,
                    quoted(r)
                ));
            }
        }
    }
}

fn check_faults(faults: &[Fault], n: u32, errs: &mut Errs) {
    if faults.len() > limits::MAX_FAULTS {
        errs.push(format!("at most {} faults", limits::MAX_FAULTS));
    }
    for f in faults {
        f.check(n, errs);
    }
}

impl Fault {
    fn check(&self, n: u32, errs: &mut Errs) {
        if self.at > MAX_DUR {
            errs.push(format!("fault at {} is too late", self.at));
        }
        let mut node = |node: u32| {
            if node >= n {
                errs.push(format!(
                    "fault `{}` at {} names node {node}, but nodes are 0..{n}",
                    self.action.describe(),
                    self.at
                ));
            }
        };
        match &self.action {
            FaultAction::Crash { node: a } | FaultAction::Recover { node: a } => node(*a),
            FaultAction::Slow { node: a, factor } => {
                node(*a);
                float_range(errs, "slow factor", *factor, limits::SLOW_FACTOR);
            }
            FaultAction::CutLink { from, to, .. } | FaultAction::RestoreLink { from, to, .. } => {
                node(*from);
                node(*to);
            }
            FaultAction::Partition { groups } => groups.iter().flatten().for_each(|a| node(*a)),
            FaultAction::Loss { probability } => {
                if !limits::PROBABILITY.contains(probability) {
                    errs.push(format!(
                        "fault `loss` at {}: probability must be between 0 and 1, got {}",
                        self.at,
                        quoted(*probability)
                    ));
                }
            }
            FaultAction::Heal | FaultAction::DropMessage { .. } => {}
        }
    }
}

impl MetricsCfg {
    fn check(&self, duration: Dur, errs: &mut Errs) {
        if self.bucket < limits::MIN_BUCKET {
            errs.push(format!(
                "metrics.bucket must be at least {}",
                limits::MIN_BUCKET
            ));
        } else if duration.0 / self.bucket.0 > limits::MAX_BUCKETS {
            errs.push(format!(
                "metrics.bucket is too small for this duration (at most {} buckets)",
                limits::MAX_BUCKETS
            ));
        }
        if !limits::TRACE_CAPACITY.contains(&self.trace_capacity) {
            errs.push(format!(
                "metrics.trace_capacity must be at most {}",
                limits::TRACE_CAPACITY.max
            ));
        }
    }
}
