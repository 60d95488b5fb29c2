//! Built-in scenarios for the Scenarios menu. Each is a plain [`Scenario`] value, so a preset
//! runs identically in the page, in `fpaxos run` and in tests.

use fpaxos::quorum::{GridAxis, QuorumSpec};
use fpaxos_sim::scenario::Fault;
use fpaxos_sim::{Dur, FaultAction, Latency, Scenario};

/// A named scenario with a short explanation shown on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Stable identifier (used in `?preset=ID`).
    pub id: &'static str,
    /// Menu title.
    pub title: &'static str,
    /// What to look at, in two or three sentences.
    pub explain: &'static str,
    /// The scenario.
    pub scenario: Scenario,
}

fn base(title: &str, notes: &str) -> Scenario {
    Scenario {
        name: title.to_string(),
        notes: notes.to_string(),
        ..Scenario::default()
    }
}

fn counting(q1: u32, q2: u32) -> QuorumSpec {
    QuorumSpec::Counting { q1, q2 }
}

fn fault(at_ms: u64, action: FaultAction) -> Fault {
    Fault {
        at: Dur::ms(at_ms),
        action,
    }
}

fn preset(
    id: &'static str,
    title: &'static str,
    explain: &'static str,
    f: impl FnOnce(&mut Scenario),
) -> Preset {
    let mut scenario = base(title, explain);
    f(&mut scenario);
    Preset {
        id,
        title,
        explain,
        scenario,
    }
}

/// Every preset, in menu order. The first is the engine's default scenario.
pub fn all() -> Vec<Preset> {
    vec![
        Preset {
            id: "default",
            title: "Default scenario",
            explain: "The engine's default: 5 nodes, majority quorums (3/3), 2 ms one-way latency, 8 closed-loop clients, 10 s. Identical to `fpaxos run` with no options.",
            scenario: Scenario::default(),
        },
        preset(
            "basics-majority",
            "Basics: majority (N=5)",
            "Classic Multi-Paxos: every phase needs 3 of 5 nodes. Each command waits for the second-fastest follower. Compare with the FPaxos preset next in the menu.",
            |s| {
                s.cluster.quorum = QuorumSpec::Majority;
                s.network.latency = Latency::Uniform { min: Dur::ms(1), max: Dur::ms(5) };
            },
        ),
        preset(
            "basics-fpaxos",
            "Basics: FPaxos Q1=4, Q2=2 (N=5)",
            "Flexible Paxos: replication needs only 2 of 5 nodes (the leader and its fastest follower), elections need 4. Every Q1 still meets every Q2 (4 + 2 > 5), so it is safe; commits get faster, elections get harder.",
            |s| {
                s.cluster.quorum = counting(4, 2);
                s.network.latency = Latency::Uniform { min: Dur::ms(1), max: Dur::ms(5) };
            },
        ),
        preset(
            "paper-s6",
            "FPaxos paper, section 6 (N=8, Q2=4)",
            "The paper's setup: 8 nodes, 20 ms round trip (10 ms one way, ±1 ms; clients too), 10 Mbit/s links, 10 outstanding requests, thrifty sends, a per-message CPU cost. Q1=5, Q2=4. The paper measured 37 ms and 264 req/s against 42 ms and 198 req/s for majority Paxos. Here the leader's CPU is the bottleneck: thrifty sends cut its load (per-node chart) and FPaxos edges out the majority baseline (next preset). Untick thrifty to see the price: waiting for every chosen node.",
            |s| {
                s.cluster.nodes = 8;
                s.cluster.quorum = counting(5, 4);
                s.cluster.thrifty = true;
                s.network.latency = Latency::Normal { mean: Dur::ms(10), stddev: Dur::ms(1) };
                s.network.client_latency = Latency::Const { value: Dur::ms(10) };
                s.network.bandwidth_mbps = Some(10.0);
                s.cpu.per_recv = Dur::us(300);
                s.cpu.per_send = Dur::us(120);
                s.workload.clients = 1;
                s.workload.outstanding = 10;
                s.duration = Dur::secs(10);
                s.warmup = Dur::secs(1);
            },
        ),
        preset(
            "paper-s6-majority",
            "FPaxos paper, section 6: majority baseline",
            "Same network and workload as the section-6 preset with classic majority quorums (5 of 8 for both phases) and no thrifty sends: the baseline the paper compares against.",
            |s| {
                s.cluster.nodes = 8;
                s.cluster.quorum = QuorumSpec::Majority;
                s.network.latency = Latency::Normal { mean: Dur::ms(10), stddev: Dur::ms(1) };
                s.network.client_latency = Latency::Const { value: Dur::ms(10) };
                s.network.bandwidth_mbps = Some(10.0);
                s.cpu.per_recv = Dur::us(300);
                s.cpu.per_send = Dur::us(120);
                s.workload.clients = 1;
                s.workload.outstanding = 10;
                s.duration = Dur::secs(10);
                s.warmup = Dur::secs(1);
            },
        ),
        preset(
            "zk-6",
            "ZooKeeper study: 6 nodes, Q1=4 / Q2=3",
            "The 2017 ZooKeeper experiment with separate election and replication quorums: 6 servers, elections need 4, replication 3 (majority would need 4 for both). Replication waits for one node fewer.",
            |s| {
                s.cluster.nodes = 6;
                s.cluster.quorum = counting(4, 3);
                s.workload.clients = 16;
            },
        ),
        preset(
            "zk-7",
            "ZooKeeper study: 7 nodes, Q1=6 / Q2=2",
            "7 servers with replication quorums of 2: the study measured 1.76x the throughput of majority and a much lower p99. The price: elections need 6 of 7 nodes, so two failures block leader election.",
            |s| {
                s.cluster.nodes = 7;
                s.cluster.quorum = counting(6, 2);
                s.workload.clients = 16;
            },
        ),
        preset(
            "grid-5x4",
            "Grid 5x4 (20 nodes)",
            "20 nodes in 5 rows of 4. A phase-1 quorum is one full row (4 nodes), a phase-2 quorum one full column (5 nodes); every row meets every column. Which nodes fail matters, not only how many.",
            |s| {
                s.cluster.nodes = 20;
                s.cluster.quorum = QuorumSpec::Grid { rows: 5, cols: 4, q1: GridAxis::Row };
                s.cluster.thrifty = true;
                s.duration = Dur::secs(5);
            },
        ),
        preset(
            "leader-failure",
            "Leader failure: replicate but cannot elect",
            "N=5, Q1=4, Q2=2. At 2 s nodes 3 and 4 crash: the leader still commits with 2 nodes. At 4 s the leader crashes too: 2 nodes are left, fewer than Q1=4, so nobody can be elected and progress stops. Recovering nodes 3 (6 s) and 4 (7 s) makes an election possible again.",
            |s| {
                s.cluster.quorum = counting(4, 2);
                s.faults = vec![
                    fault(2000, FaultAction::Crash { node: 3 }),
                    fault(2000, FaultAction::Crash { node: 4 }),
                    fault(4000, FaultAction::Crash { node: 0 }),
                    fault(6000, FaultAction::Recover { node: 3 }),
                    fault(7000, FaultAction::Recover { node: 4 }),
                ];
            },
        ),
        preset(
            "split-brain",
            "Unsafe quorums: split brain",
            "N=5 with Q1=Q2=2: 2 + 2 is not more than 5, so a Q1 and a Q2 can miss each other. Teaching mode (allow unsafe) lets it run. At 1 s the network splits {0,1} | {2,3,4}; both sides elect a leader and choose different values for the same slot. The checker reports the violation.",
            |s| {
                s.cluster.quorum = counting(2, 2);
                s.cluster.allow_unsafe = true;
                s.duration = Dur::secs(4);
                s.faults = vec![fault(
                    1000,
                    FaultAction::Partition { groups: vec![vec![0, 1], vec![2, 3, 4]] },
                )];
            },
        ),
        preset(
            "trap-6",
            "The N=6, 3/3 trap",
            "A fallback rule of floor(N/2) for both quorums gives 3 + 3 = 6 for six nodes: the quorums need not intersect. Split the cluster into halves at 1 s and both halves make progress on their own, which breaks agreement.",
            |s| {
                s.cluster.nodes = 6;
                s.cluster.quorum = counting(3, 3);
                s.cluster.allow_unsafe = true;
                s.duration = Dur::secs(4);
                s.faults = vec![fault(
                    1000,
                    FaultAction::Partition { groups: vec![vec![0, 1, 2], vec![3, 4, 5]] },
                )];
            },
        ),
    ]
}

/// The preset with this id.
pub fn by_id(id: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_runs() {
        for p in all() {
            let r = fpaxos_sim::run(&p.scenario).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert!(
                r.committed > 0 || p.id == "leader-failure",
                "{} committed nothing",
                p.id
            );
            let unsafe_preset = p.id == "split-brain" || p.id == "trap-6";
            if !unsafe_preset {
                assert!(r.safety.ok, "{}: {:?}", p.id, r.safety.violations.first());
            }
        }
    }

    #[test]
    fn split_brain_violates_agreement() {
        for id in ["split-brain", "trap-6"] {
            let p = by_id(id).expect("preset exists");
            let r = fpaxos_sim::run(&p.scenario).expect("runs");
            assert!(!r.safety.ok, "{id} should report a violation");
        }
    }

    #[test]
    fn default_preset_is_engine_default() {
        assert_eq!(all()[0].scenario, Scenario::default());
    }

    #[test]
    fn ids_are_unique() {
        let ps = all();
        for (i, a) in ps.iter().enumerate() {
            assert!(ps[i + 1..].iter().all(|b| b.id != a.id));
        }
    }
}
