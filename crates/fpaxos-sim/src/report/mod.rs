//! Metrics collected during a run and the report a run produces (the `fpaxos run --json` schema).

use crate::checker::{Checker, Violation};
use crate::coverage::Coverage;
use crate::liveness::{during, Bound, Election, Liveness, MAX_LISTED};
use crate::scenario::Scenario;
use crate::trace::Trace;
use fpaxos::{MsgKind, NodeId, Slot, Time};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod sampler;
use sampler::Sampler;

/// Latency summary in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyMs {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Maximum.
    pub max: f64,
}

/// Per-node message counts and CPU use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeLoad {
    /// Messages sent (to nodes and clients).
    pub sent: u64,
    /// Messages received and handled.
    pub received: u64,
    /// Fraction of the measured time the CPU was busy.
    pub busy: f64,
}

/// Message counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Messages {
    /// All messages sent, client messages included.
    pub total: u64,
    /// Messages per committed request.
    pub per_commit: f64,
    /// Counts by message kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Per node.
    pub by_node: Vec<NodeLoad>,
}

/// Safety result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Safety {
    /// No violation found.
    pub ok: bool,
    /// Violations, first first.
    pub violations: Vec<Violation>,
}

/// How much simulating the run took, in simulated terms (the engine reads no clock: callers
/// that want speed time themselves).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SimStats {
    /// Discrete events processed.
    pub events: u64,
    /// Messages sent plus messages delivered.
    pub message_events: u64,
    /// Simulated time reached, in ms.
    pub simulated_ms: f64,
}

/// Time series for charts, one value per bucket.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// Bucket width in ms.
    pub bucket_ms: f64,
    /// Completed requests per second.
    pub throughput: Vec<f64>,
    /// Median latency per bucket (ms; 0 where nothing completed).
    pub p50_ms: Vec<f64>,
    /// 99th percentile latency per bucket (ms).
    pub p99_ms: Vec<f64>,
    /// CPU busy fraction per node per bucket: `busy[node][bucket]`.
    pub busy: Vec<Vec<f64>>,
    /// Messages sent per node per bucket.
    pub sent: Vec<Vec<u64>>,
}

impl Timeline {
    /// Messages sent by all nodes per request completed, per bucket; `None` where nothing
    /// completed (a chart leaves a gap there rather than plotting infinity).
    pub fn msgs_per_commit(&self) -> Vec<Option<f64>> {
        let secs = self.bucket_ms / 1e3;
        self.throughput
            .iter()
            .enumerate()
            .map(|(b, rate)| {
                let sent: u64 = self.sent.iter().filter_map(|s| s.get(b)).sum();
                let done = rate * secs;
                (done > 0.0).then(|| sent as f64 / done)
            })
            .collect()
    }

    /// How many leading buckets hold a whole bucket's worth of time at simulated time `now_ms`
    /// of a run that ends at `end_ms`: the bucket the run is still inside would read low, so a
    /// chart of a running simulation leaves it out. Once the run is at its end every bucket
    /// counts. At least one while any exists, so a fresh run shows something.
    pub fn complete_buckets(&self, now_ms: f64, end_ms: f64) -> usize {
        let len = self.throughput.len();
        if now_ms >= end_ms {
            return len;
        }
        let full = ((now_ms / self.bucket_ms).floor() as usize).max(1);
        len.min(full)
    }
}

/// The outcome of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The normalized scenario that ran.
    pub scenario: Scenario,
    /// Requests completed in the measured window (after warmup).
    pub committed: u64,
    /// Completed requests per simulated second in the measured window.
    pub throughput: f64,
    /// Request latency (client send to client reply).
    pub latency_ms: LatencyMs,
    /// Message counts.
    pub messages: Messages,
    /// Completed elections after the first.
    pub leader_changes: u64,
    /// The node that won the latest election: the leader now, or the last one if it has since
    /// crashed or stepped down (none before the first election).
    pub leader: Option<NodeId>,
    /// Simulated time with no live leader, in ms (whole run).
    pub leaderless_ms: f64,
    /// The intervals without a live leader, `(start ms, end ms)` (at most 1000, earliest first).
    pub leaderless_intervals: Vec<(f64, f64)>,
    /// Slots executed by the most advanced node.
    pub slots: u64,
    /// Safety result.
    pub safety: Safety,
    /// Liveness result: stalls, unavailable time, recovery times (see [`crate::liveness`]).
    pub liveness: Liveness,
    /// Commands executed more than once, each in its own slot (a client resent a request
    /// whose first copy was already chosen). Without client sessions (`cluster.sessions`) the
    /// guarantee is at-least-once; with them a node applies a command chosen twice once.
    pub executed_twice: u64,
    /// How often the run reached the situations where consensus bugs hide (see
    /// [`crate::coverage`]).
    #[serde(default)]
    pub coverage: Coverage,
    /// Schedule mode: why the replay of the scenario's schedule stopped early (a step named a
    /// message that was not in flight, a timer that was not armed, ...). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_error: Option<String>,
    /// Hash of the whole event trace (16 hex digits).
    pub trace_hash: String,
    /// How much simulating the run took, in simulated terms (the engine reads no clock: callers
    /// that want speed time themselves).
    pub sim: SimStats,
    /// Time series.
    pub timeline: Timeline,
    /// Latency CDF points `(latency ms, fraction)`.
    pub latency_cdf: Vec<(f64, f64)>,
}

/// What a report needs from the simulator besides its metrics.
pub(crate) struct RunEnd<'a> {
    pub scenario: &'a Scenario,
    pub checker: &'a Checker,
    pub trace: &'a Trace,
    /// Simulated time reached (at most the end).
    pub upto: Time,
    /// Events handled.
    pub events: u64,
    /// Requests completed in the whole run, warmup included.
    pub completed_total: u64,
    /// Slots executed by the most advanced node.
    pub slots: Slot,
    /// The liveness monitor's section (elections are filled in from the metrics).
    pub liveness: Liveness,
    /// The bound the liveness monitor held the run to.
    pub bound: &'a Bound,
    /// The coverage counts.
    pub coverage: Coverage,
    /// Why a schedule replay stopped early.
    pub schedule_error: Option<String>,
}

impl Report {
    /// [`Timeline::complete_buckets`] at the time this report was taken.
    pub fn complete_buckets(&self) -> usize {
        self.timeline
            .complete_buckets(self.sim.simulated_ms, self.scenario.duration.as_ms())
    }
}

/// Metrics accumulated while running.
#[derive(Clone, Debug)]
pub(crate) struct Metrics {
    pub warmup: Time,
    pub bucket: Time,
    pub hist: Histogram<u64>,
    pub completed: u64,
    pub by_kind: [u64; MsgKind::ALL.len()],
    pub sent: Vec<u64>,
    pub received: Vec<u64>,
    pub busy: Vec<u64>,
    pub bucket_done: Vec<u64>,
    pub bucket_lat: Vec<Sampler>,
    pub bucket_busy: Vec<Vec<u64>>,
    pub bucket_sent: Vec<Vec<u64>>,
    /// Commands executed again (a slot whose command had executed before, in another slot),
    /// per bucket: a stall's report says when resends took the leader's slots.
    bucket_again: Vec<u64>,
    elections: u64,
    /// When each election was won (at most [`during::MAX_ELECTIONS`]).
    elected_at: Vec<Time>,
    /// When each campaign (phase 1) started, and by which node (at most
    /// [`during::MAX_ELECTIONS`]): a stall's report names candidates outside its healthy set.
    campaigns: Vec<(Time, NodeId)>,
    /// Winner of the latest election.
    leader: Option<NodeId>,
    /// Time without a live leader in closed intervals.
    leaderless: Time,
    leaderless_intervals: Vec<(Time, Time)>,
    /// Start of the current interval without a live leader (none while one is alive).
    leaderless_since: Option<Time>,
    /// Closed stretches with exactly one live leader, `(from, to, leader)` (at most
    /// [`MAX_LISTED`]), and the open one: a stall's report names a leader that led throughout.
    sole_leader_spans: Vec<(Time, Time, NodeId)>,
    sole_leader_since: Option<(NodeId, Time)>,
    pub message_events: u64,
    /// Bucket of the current simulated time (kept current by `advance`, avoiding a division per use).
    cur_bucket: usize,
    cur_bucket_end: Time,
}

impl Metrics {
    pub fn new(nodes: usize, warmup: Time, bucket: Time, duration: Time) -> Metrics {
        let buckets = duration.div_ceil(bucket.max(1)) as usize;
        Metrics {
            warmup,
            bucket,
            hist: Histogram::new_with_bounds(1_000, 3_600_000_000_000, 3)
                .expect("static histogram bounds are valid"),
            completed: 0,
            by_kind: [0; MsgKind::ALL.len()],
            sent: vec![0; nodes],
            received: vec![0; nodes],
            busy: vec![0; nodes],
            bucket_done: vec![0; buckets],
            bucket_lat: vec![Sampler::default(); buckets],
            bucket_busy: vec![vec![0; buckets]; nodes],
            bucket_sent: vec![vec![0; buckets]; nodes],
            bucket_again: vec![0; buckets],
            elections: 0,
            elected_at: Vec::new(),
            campaigns: Vec::new(),
            leader: None,
            leaderless: 0,
            leaderless_intervals: Vec::new(),
            leaderless_since: Some(0),
            sole_leader_spans: Vec::new(),
            sole_leader_since: None,
            message_events: 0,
            cur_bucket: 0,
            cur_bucket_end: bucket.max(1),
        }
    }

    /// Moves the current bucket forward to `now` (time never goes back).
    #[inline]
    pub fn advance(&mut self, now: Time) {
        if now >= self.cur_bucket_end {
            self.cur_bucket = self.bucket_of(now);
            self.cur_bucket_end = (now / self.bucket + 1) * self.bucket;
        }
    }

    #[inline]
    pub fn bucket_of(&self, t: Time) -> usize {
        ((t / self.bucket) as usize).min(self.bucket_done.len().saturating_sub(1))
    }

    #[inline]
    pub fn completion(&mut self, now: Time, latency: Time) {
        let b = self.cur_bucket;
        if let Some(c) = self.bucket_done.get_mut(b) {
            *c += 1;
            self.bucket_lat[b].push((latency / 1000).min(u32::MAX as u64) as u32);
        }
        if now >= self.warmup {
            self.completed += 1;
            let _ = self.hist.record(latency.clamp(1_000, 3_600_000_000_000));
        }
    }

    /// A node won an election.
    pub fn elected(&mut self, now: Time, node: NodeId) {
        self.elections += 1;
        if self.elected_at.len() < during::MAX_ELECTIONS {
            self.elected_at.push(now);
        }
        self.leader = Some(node);
    }

    /// A node started a campaign (phase 1).
    pub fn campaigned(&mut self, now: Time, node: NodeId) {
        if self.campaigns.len() < during::MAX_ELECTIONS {
            self.campaigns.push((now, node));
        }
    }

    /// Whether some live node leads now; called whenever a node gains or loses the lead.
    pub fn leaders_alive(&mut self, now: Time, alive: bool) {
        if !alive && self.leaderless_since.is_none() {
            self.leaderless_since = Some(now);
        } else if alive {
            if let Some(since) = self.leaderless_since.take() {
                self.leaderless += now.saturating_sub(since);
                if self.leaderless_intervals.len() < MAX_LISTED {
                    self.leaderless_intervals.push((since, now));
                }
            }
        }
    }

    /// The only live leader now, if exactly one node leads; called with `leaders_alive`.
    pub fn sole_leader(&mut self, now: Time, leader: Option<NodeId>) {
        if self.sole_leader_since.map(|(n, _)| n) == leader {
            return;
        }
        if let Some((n, since)) = self.sole_leader_since.take() {
            if now > since && self.sole_leader_spans.len() < MAX_LISTED {
                self.sole_leader_spans.push((since, now, n));
            }
        }
        self.sole_leader_since = leader.map(|n| (n, now));
    }

    #[inline]
    pub fn busy(&mut self, node: usize, start: Time, dur: Time) {
        if dur == 0 {
            return;
        }
        if start >= self.warmup {
            self.busy[node] += dur;
        }
        let b = self.cur_bucket;
        if let Some(x) = self.bucket_busy[node].get_mut(b) {
            *x += dur;
        }
    }

    #[inline]
    pub fn sent(&mut self, node: usize) {
        self.sent[node] += 1;
        let b = self.cur_bucket;
        if let Some(x) = self.bucket_sent[node].get_mut(b) {
            *x += 1;
        }
    }

    /// `n` commands executed again just now (see [`Checker::executed_twice`]).
    pub fn executed_again(&mut self, n: u64) {
        if let Some(x) = self.bucket_again.get_mut(self.cur_bucket) {
            *x += n;
        }
    }

    /// The report for the run up to `run.upto`.
    pub fn finish(&self, run: RunEnd<'_>) -> Report {
        let upto = run.upto;
        let measured = upto.saturating_sub(self.warmup).max(1);
        let total: u64 = self.by_kind.iter().sum();
        let by_kind = MsgKind::ALL
            .iter()
            .map(|k| (k.name().to_string(), self.by_kind[*k as usize]))
            .filter(|(_, v)| *v > 0)
            .collect();
        let violations = run.checker.violations().to_vec();
        let mut liveness = run.liveness;
        liveness.elections = self.elections(upto);
        let mut activity = self.activity(upto);
        let (et, rtt) = (run.scenario.cluster.election_timeout.0, 2 * run.bound.link);
        activity.short_timeout = (et < rtt).then_some((et, rtt));
        activity.check_quorum = run.scenario.cluster.check_quorum;
        activity.pre_vote = run.scenario.cluster.pre_vote;
        activity.sessions = run.scenario.cluster.sessions;
        activity.window = run.scenario.cluster.window;
        for st in &mut liveness.stalls {
            let ns = |ms: f64| (ms * 1e6).round() as Time;
            let d = activity.describe(ns(st.from_ms), ns(st.to_ms), &st.nodes);
            (st.during, st.causes) = (d.during, d.causes);
        }
        let leaderless = self.leaderless
            + self
                .leaderless_since
                .map_or(0, |since| upto.saturating_sub(since));
        Report {
            scenario: run.scenario.clone(),
            committed: self.completed,
            throughput: self.completed as f64 / (measured as f64 / 1e9),
            latency_ms: self.latency(),
            messages: Messages {
                total,
                per_commit: if self.completed > 0 {
                    // Messages in the measured window are not tracked apart; use whole-run ratio.
                    total as f64 / run.completed_total.max(1) as f64
                } else {
                    0.0
                },
                by_kind,
                by_node: (0..self.sent.len())
                    .map(|i| NodeLoad {
                        sent: self.sent[i],
                        received: self.received[i],
                        busy: self.busy[i] as f64 / measured as f64,
                    })
                    .collect(),
            },
            leader_changes: self.elections.saturating_sub(1),
            leader: self.leader,
            leaderless_ms: leaderless as f64 / 1e6,
            leaderless_intervals: self
                .leaderless_intervals
                .iter()
                .copied()
                .chain(self.leaderless_since.map(|since| (since, upto)))
                .filter(|(a, b)| b > a)
                .map(|(a, b)| (a as f64 / 1e6, b as f64 / 1e6))
                .collect(),
            slots: run.slots,
            safety: Safety {
                ok: violations.is_empty(),
                violations,
            },
            liveness,
            executed_twice: run.checker.executed_twice(),
            coverage: run.coverage,
            schedule_error: run.schedule_error,
            trace_hash: run.trace.hash_hex(),
            sim: SimStats {
                events: run.events,
                message_events: self.message_events,
                simulated_ms: upto as f64 / 1e6,
            },
            timeline: self.timeline(upto),
            latency_cdf: self.cdf(),
        }
    }

    /// The run's activity up to `upto`, to say what happened during a stall.
    pub fn activity(&self, upto: Time) -> during::Activity<'_> {
        during::Activity {
            bucket: self.bucket,
            busy: &self.bucket_busy,
            sent: &self.bucket_sent,
            again: &self.bucket_again,
            elected_at: &self.elected_at,
            campaigns: &self.campaigns,
            leaderless: &self.leaderless_intervals,
            leaderless_since: self.leaderless_since,
            leaderless_listed: self.leaderless_intervals.len() < MAX_LISTED,
            sole_leader: &self.sole_leader_spans,
            sole_leader_since: self.sole_leader_since,
            upto,
            short_timeout: None,
            check_quorum: true,
            pre_vote: false,
            sessions: false,
            window: 0,
        }
    }

    /// Time to elect after each loss of the last live leader: the intervals without one, except
    /// the first election of the run.
    fn elections(&self, upto: Time) -> Vec<Election> {
        let closed = self
            .leaderless_intervals
            .iter()
            .map(|(a, b)| (*a, Some(*b)));
        closed
            .chain(self.leaderless_since.map(|since| (since, None)))
            .filter(|(lost, _)| *lost > 0 && *lost <= upto)
            .take(MAX_LISTED)
            .map(|(lost, elected)| Election {
                lost_ms: lost as f64 / 1e6,
                elected_ms: elected.map(|t| t as f64 / 1e6),
            })
            .collect()
    }

    pub fn latency(&self) -> LatencyMs {
        if self.hist.is_empty() {
            return LatencyMs::default();
        }
        let ms = |ns: u64| ns as f64 / 1e6;
        LatencyMs {
            mean: self.hist.mean() / 1e6,
            p50: ms(self.hist.value_at_quantile(0.5)),
            p90: ms(self.hist.value_at_quantile(0.9)),
            p99: ms(self.hist.value_at_quantile(0.99)),
            p999: ms(self.hist.value_at_quantile(0.999)),
            max: ms(self.hist.max()),
        }
    }

    pub fn cdf(&self) -> Vec<(f64, f64)> {
        if self.hist.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(101);
        for i in 0..=100 {
            let q = i as f64 / 100.0;
            out.push((self.hist.value_at_quantile(q) as f64 / 1e6, q));
        }
        out
    }

    pub fn timeline(&self, upto: Time) -> Timeline {
        let used = if upto == 0 {
            0
        } else {
            (self.bucket_of(upto.saturating_sub(1)) + 1).min(self.bucket_done.len())
        };
        let secs = self.bucket as f64 / 1e9;
        let mut p50 = Vec::with_capacity(used);
        let mut p99 = Vec::with_capacity(used);
        for lat in &self.bucket_lat[..used] {
            let lat = &lat.values;
            if lat.is_empty() {
                p50.push(0.0);
                p99.push(0.0);
            } else {
                let mut v = lat.clone();
                v.sort_unstable();
                let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0;
                p50.push(q(0.5));
                p99.push(q(0.99));
            }
        }
        Timeline {
            bucket_ms: self.bucket as f64 / 1e6,
            throughput: self.bucket_done[..used]
                .iter()
                .map(|c| *c as f64 / secs)
                .collect(),
            p50_ms: p50,
            p99_ms: p99,
            busy: self
                .bucket_busy
                .iter()
                .map(|b| {
                    b[..used]
                        .iter()
                        .map(|x| *x as f64 / self.bucket as f64)
                        .collect()
                })
                .collect(),
            sent: self
                .bucket_sent
                .iter()
                .map(|b| b[..used].to_vec())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
