//! Analysis of a scenario: its quorum system with its network's latencies and its leader.

use crate::{analyze, Analysis, AnalysisOptions};
use fpaxos::quorum::QuorumSystem;
use fpaxos_sim::scenario::Checked;
use fpaxos_sim::{Scenario, ScenarioErrors};

/// Mean one-way latency between nodes in milliseconds, `[from][to]`, by the precedence of
/// [`fpaxos_sim::scenario::Network::link_latencies`] (the simulator's). Parts that do not fit
/// the cluster (which `check` would reject) are skipped.
pub fn latency_matrix_ms(s: &Scenario) -> Vec<Vec<f64>> {
    let n = s.cluster.nodes as usize;
    let t = s.network.link_latencies(n);
    (0..n)
        .map(|a| (0..n).map(|b| t[a * n + b].mean().as_ms()).collect())
        .collect()
}

/// Analyzes a scenario's quorum system with its network's mean latencies and its initial
/// leader (node 0 when none). `opts.latency_ms` and `opts.leader` are replaced by the
/// scenario's. Errors only when the quorum system itself is invalid: an unsafe system is
/// analyzed (with `safe == false`).
pub fn analyze_scenario(s: &Scenario, opts: &AnalysisOptions) -> Result<Analysis, ScenarioErrors> {
    let q = s.quorum_system()?;
    Ok(analyze_with(s, &q, opts))
}

/// Like [`analyze_scenario`] for a checked scenario, whose quorum system is already built.
pub fn analyze_checked(c: &Checked, opts: &AnalysisOptions) -> Analysis {
    analyze_with(c, c.quorums(), opts)
}

fn analyze_with(s: &Scenario, q: &QuorumSystem, opts: &AnalysisOptions) -> Analysis {
    let opts = AnalysisOptions {
        leader: s
            .cluster
            .initial_leader
            .filter(|l| (*l as usize) < q.n())
            .unwrap_or(0) as u8,
        latency_ms: Some(latency_matrix_ms(s)),
        ..opts.clone()
    };
    analyze(q, &opts)
}
