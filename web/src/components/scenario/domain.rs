//! What a scenario edit means: quorum defaults and resizing when N changes, the network presets,
//! the latency's text form and the bounds of each field.
//!
//! This is domain knowledge, not view code: it moves to the engine
//! (`fpaxos_sim::scenario::edit` and `fpaxos_sim::scenario::limits`, being written on branch
//! `scen`). Until that lands, the editor's copies live here, in one file, so the swap is one
//! `use` line per component and deleting this file.

use fpaxos::quorum::{GridAxis, QuorumSpec};
use fpaxos::NodeSet;
use fpaxos_sim::scenario::Regions;
use fpaxos_sim::{Dur, Latency, Scenario};

/// Bounds of the editor's fields, in the units the fields show. Moves to
/// `fpaxos_sim::scenario::limits`.
pub mod limits {
    /// Largest cluster in the editor (the animated views stay readable up to here; grids may
    /// be larger).
    pub const MAX_EDIT_NODES: u32 = 15;
    /// Rows or columns of a grid quorum system.
    pub const GRID_SIDE: (u32, u32) = (1, 8);
    /// Vote weight of one node.
    pub const WEIGHT: (u32, u32) = (0, 1000);
    /// Weighted quorum threshold.
    pub const THRESHOLD: (u32, u32) = (1, 1_000_000);
    /// Loss probability, in percent.
    pub const LOSS_PCT: (f64, f64) = (0.0, 99.0);
    /// Duplication probability, in percent.
    pub const DUP_PCT: (f64, f64) = (0.0, 100.0);
    /// Link bandwidth, in Mbit/s.
    pub const BANDWIDTH_MBPS: (f64, f64) = (0.001, 1e6);
    /// CPU cost of one message, in µs.
    pub const CPU_COST_US: (f64, f64) = (0.0, 1e6);
    /// Number of clients.
    pub const CLIENTS: (u32, u32) = (0, 10_000);
    /// Requests each closed-loop client keeps outstanding.
    pub const OUTSTANDING: (u32, u32) = (1, 1000);
    /// Open-loop arrival rate, in requests per second.
    pub const RATE: (f64, f64) = (0.001, 1e7);
    /// Simulated duration, in seconds.
    pub const DURATION_S: (f64, f64) = (0.001, 3600.0);
}

/// The CLI form of a latency (`normal:2ms,300us`), the text the latency field shows. Moves to
/// `impl Display for Latency`.
pub fn latency_text(l: &Latency) -> String {
    match l {
        Latency::Const { value } => format!("const:{value}"),
        Latency::Uniform { min, max } => format!("uniform:{min}..{max}"),
        Latency::Normal { mean, stddev } => format!("normal:{mean},{stddev}"),
        Latency::Lognormal { median, sigma } => format!("lognormal:{median},{sigma}"),
        Latency::Exponential { min, mean } => format!("exp:{min}+{mean}"),
    }
}

/// The default quorum system of kind `kind` for about `n` nodes, and the node count it needs (a
/// grid rounds N to its rows x columns).
pub fn default_spec(kind: &str, n: u32) -> (QuorumSpec, u32) {
    let maj = n / 2 + 1;
    match kind {
        "counting" => (
            QuorumSpec::Counting {
                q1: maj,
                q2: n + 1 - maj,
            },
            n,
        ),
        "grid" => {
            let (rows, cols) = match n {
                0..=4 => (2, 2),
                5..=6 => (2, 3),
                7..=9 => (3, 3),
                10..=12 => (3, 4),
                _ => (4, 4),
            };
            let q1 = GridAxis::Row;
            (QuorumSpec::Grid { rows, cols, q1 }, rows * cols)
        }
        "weighted" => (
            QuorumSpec::Weighted {
                weights: vec![1; n as usize],
                q1: maj,
                q2: maj,
            },
            n,
        ),
        "explicit" => {
            let first = NodeSet::from_ids((0..maj).map(|i| i as u8));
            let last = NodeSet::from_ids((n - maj..n).map(|i| i as u8));
            let q1 = vec![first, last];
            (QuorumSpec::Explicit { q2: q1.clone(), q1 }, n)
        }
        _ => (QuorumSpec::Majority, n),
    }
}

/// Resizes a quorum spec to `n` nodes where it depends on n.
pub fn resize(spec: &QuorumSpec, n: u32) -> QuorumSpec {
    match spec {
        QuorumSpec::Counting { q1, q2 } => QuorumSpec::Counting {
            q1: (*q1).clamp(1, n),
            q2: (*q2).clamp(1, n),
        },
        QuorumSpec::Weighted { weights, q1, q2 } => {
            let mut w = weights.clone();
            w.resize(n as usize, 1);
            QuorumSpec::Weighted {
                weights: w,
                q1: *q1,
                q2: *q2,
            }
        }
        other => other.clone(),
    }
}

/// Changes the cluster to `n` nodes and keeps the rest consistent: the quorum spec is resized,
/// regions are dealt round-robin again and an initial leader that no longer exists becomes
/// node 0. Moves to `Scenario::set_nodes`.
pub fn set_nodes(sc: &mut Scenario, n: u32) {
    sc.cluster.nodes = n;
    sc.cluster.quorum = resize(&sc.cluster.quorum, n);
    if let Some(r) = &mut sc.network.regions {
        let k = r.of_node.iter().max().map_or(1, |m| m + 1);
        r.of_node = (0..n).map(|i| i % k).collect();
    }
    if let Some(l) = sc.cluster.initial_leader {
        if l >= n {
            sc.cluster.initial_leader = Some(0);
        }
    }
}

fn normal(mean: Dur, stddev: Dur) -> Latency {
    Latency::Normal { mean, stddev }
}

/// Applies network preset `which`: `lan`, `dc`, `paper` (10 ms one way, as in the FPaxos
/// paper), or `wan2`/`wan3` (nodes in two or three regions). Anything else changes nothing.
pub fn region_preset(s: &mut Scenario, which: &str) {
    let n = s.cluster.nodes;
    let net = &mut s.network;
    let regions = |of_node: Vec<u32>, remote: Latency| Regions {
        of_node,
        local: normal(Dur::ms(1), Dur::us(200)),
        remote,
    };
    match which {
        "lan" => (net.regions, net.latency) = (None, normal(Dur::ms(2), Dur::us(300))),
        "dc" => (net.regions, net.latency) = (None, normal(Dur::us(250), Dur::us(50))),
        "paper" => {
            net.regions = None;
            net.latency = Latency::Const { value: Dur::ms(10) };
        }
        "wan3" => {
            let of_node = (0..n).map(|i| i % 3).collect();
            net.regions = Some(regions(of_node, normal(Dur::ms(40), Dur::ms(4))));
        }
        "wan2" => {
            let of_node = (0..n).map(|i| u32::from(i >= n.div_ceil(2))).collect();
            net.regions = Some(regions(of_node, normal(Dur::ms(35), Dur::ms(3))));
        }
        _ => {}
    }
}

/// The network preset the scenario matches (`""` if none).
pub fn preset_of(s: &Scenario) -> &'static str {
    match &s.network.regions {
        Some(r) if r.of_node.iter().max().is_some_and(|m| *m >= 2) => "wan3",
        Some(_) => "wan2",
        None => {
            let mut probe = s.clone();
            ["lan", "dc", "paper"]
                .into_iter()
                .find(|p| {
                    region_preset(&mut probe, p);
                    probe.network.latency == s.network.latency
                })
                .unwrap_or("")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_nodes_resizes_the_quorum_regions_and_leader() {
        let mut s = Scenario::default();
        s.cluster.quorum = default_spec("weighted", 5).0;
        s.cluster.initial_leader = Some(4);
        region_preset(&mut s, "wan3");
        set_nodes(&mut s, 3);
        assert_eq!(s.cluster.nodes, 3);
        assert!(
            matches!(&s.cluster.quorum, QuorumSpec::Weighted { weights, .. } if weights.len() == 3)
        );
        assert_eq!(
            s.network.regions.as_ref().map(|r| r.of_node.clone()),
            Some(vec![0, 1, 2])
        );
        assert_eq!(s.cluster.initial_leader, Some(0));
    }

    #[test]
    fn presets_are_recognised() {
        let mut s = Scenario::default();
        for p in ["lan", "dc", "paper", "wan2", "wan3"] {
            region_preset(&mut s, p);
            assert_eq!(preset_of(&s), p);
            s.network.regions = None;
        }
        s.network.latency = Latency::Const { value: Dur::ms(3) };
        assert_eq!(preset_of(&s), "");
    }

    #[test]
    fn wan2_splits_the_nodes_in_halves() {
        let mut s = Scenario::default();
        s.cluster.nodes = 5;
        region_preset(&mut s, "wan2");
        assert_eq!(
            s.network.regions.map(|r| r.of_node),
            Some(vec![0, 0, 0, 1, 1])
        );
    }
}
