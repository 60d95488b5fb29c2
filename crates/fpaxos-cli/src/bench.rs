//! The reference benchmark: how fast the simulator runs one big, fault-free workload on one
//! thread. Used by `fpaxos bench` and by `cargo bench -p fpaxos-cli`.

use fpaxos::QuorumSpec;
use fpaxos_sim::{Dur, Scenario, ScenarioErrors, Sim};
use serde::Serialize;

/// Commits in the reference workload.
pub const REFERENCE_COMMITS: u64 = 1_000_000;

/// The result of a benchmark run.
#[derive(Clone, Debug, Serialize)]
pub struct BenchResult {
    /// Requests completed.
    pub commits: u64,
    /// Discrete events processed.
    pub events: u64,
    /// Messages sent plus messages delivered.
    pub message_events: u64,
    /// Wall-clock time of the run (set-up included), in ms.
    pub wall_ms: f64,
    /// Events per wall-clock second.
    pub events_per_sec: f64,
    /// Commits per wall-clock second.
    pub commits_per_sec: f64,
    /// Peak resident set size of the process (Linux `VmHWM`), `null` where unknown.
    pub peak_rss_bytes: Option<u64>,
    /// Simulated time the workload took, in ms.
    pub simulated_ms: f64,
    /// Trace hash (the same on every machine for the same commit count).
    pub trace_hash: String,
}

/// The reference workload: 5 nodes, counting Q1 = 4 / Q2 = 2, thrifty, 64 closed-loop clients,
/// `commits` requests, no warmup, no trace kept in memory.
pub fn reference_scenario(commits: u64) -> Scenario {
    let mut s = Scenario {
        name: format!("bench: {commits} commits, 5 nodes, Q1=4 Q2=2 thrifty, 64 clients"),
        duration: Dur::secs(3600),
        warmup: Dur(0),
        ..Scenario::default()
    };
    s.cluster.nodes = 5;
    s.cluster.quorum = QuorumSpec::Counting { q1: 4, q2: 2 };
    s.cluster.thrifty = true;
    s.workload.clients = 64;
    s.workload.outstanding = 1;
    s.workload.requests = Some(commits);
    s.metrics.trace_capacity = 0;
    s.metrics.bucket = Dur::secs(10);
    s
}

/// Peak resident set size from `/proc/self/status` (`VmHWM`), on Linux.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Runs the reference workload with `commits` requests on the current thread.
pub fn run(commits: u64) -> Result<BenchResult, ScenarioErrors> {
    let scenario = reference_scenario(commits);
    let start = std::time::Instant::now();
    let mut sim = Sim::new(scenario.check()?);
    let report = sim.run_to_end();
    let wall = start.elapsed().as_secs_f64();
    let wall = wall.max(1e-9);
    Ok(BenchResult {
        commits: report.committed,
        events: report.sim.events,
        message_events: report.sim.message_events,
        wall_ms: wall * 1e3,
        events_per_sec: report.sim.events as f64 / wall,
        commits_per_sec: report.committed as f64 / wall,
        peak_rss_bytes: peak_rss_bytes(),
        simulated_ms: report.sim.simulated_ms,
        trace_hash: report.trace_hash,
    })
}

/// Human-readable lines for a result.
pub fn describe(r: &BenchResult) -> String {
    let rss = r.peak_rss_bytes.map_or("unknown".to_string(), |b| {
        format!("{:.1} MiB", b as f64 / (1 << 20) as f64)
    });
    format!(
        "commits        {}\n\
         events         {} ({} message events)\n\
         wall time      {:.0} ms (one thread)\n\
         events/s       {}\n\
         commits/s      {}\n\
         peak RSS       {rss}\n\
         simulated      {:.1} s\n\
         trace hash     {}",
        crate::fmt::thousands(r.commits),
        crate::fmt::thousands(r.events),
        crate::fmt::thousands(r.message_events),
        r.wall_ms,
        crate::fmt::thousands(r.events_per_sec.round() as u64),
        crate::fmt::thousands(r.commits_per_sec.round() as u64),
        r.simulated_ms / 1e3,
        r.trace_hash,
    )
}
