//! Properties the engine must show: analytic latency, the leader bottleneck, safety checks,
//! determinism and robust validation; the swarm (many seeded scenarios) in [`swarm`].
//!
//! One test binary for all of them (`determinism.rs` stays apart: it also runs under wasm32).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::field_reassign_with_default)]

mod fuzz;
mod liveness;
mod presets;
mod schedule;
mod swarm;

use fpaxos::QuorumSpec;
use fpaxos_sim::scenario::{FaultAction, Latency};
use fpaxos_sim::{run, Dur, Fault, Scenario};

/// A fault at `ms` milliseconds.
pub(crate) fn fault(ms: u64, action: FaultAction) -> Fault {
    Fault {
        at: Dur::ms(ms),
        action,
    }
}

/// The network is cut into `groups` at `ms` milliseconds.
pub(crate) fn partition(ms: u64, groups: Vec<Vec<u32>>) -> Fault {
    fault(ms, FaultAction::Partition { groups })
}

fn base() -> Scenario {
    let mut s = Scenario::default();
    s.duration = Dur::secs(2);
    s.warmup = Dur::ms(200);
    s
}

fn quiet_network(s: &mut Scenario, one_way: Dur) {
    s.network.latency = Latency::Const { value: one_way };
    s.network.client_latency = Latency::Const { value: Dur(0) };
    s.cpu.per_recv = Dur(0);
    s.cpu.per_send = Dur(0);
}

#[test]
fn median_latency_is_one_round_trip_for_any_q2() {
    for n in [3u32, 5, 7] {
        for q2 in 2..=n {
            let mut s = base();
            s.cluster.nodes = n;
            s.cluster.quorum = QuorumSpec::Counting { q1: n - q2 + 1, q2 };
            quiet_network(&mut s, Dur::ms(5));
            let r = run(&s).unwrap();
            assert!(r.committed > 100, "n={n} q2={q2}: {}", r.committed);
            assert!(
                (r.latency_ms.p50 - 10.0).abs() < 0.02,
                "n={n} q2={q2}: p50 {} ms, want 10 ms",
                r.latency_ms.p50
            );
            assert!(r.safety.ok);
        }
    }
}

#[test]
fn median_latency_is_twice_the_q2_minus_1_th_fastest_link() {
    // One-way latencies from the leader (node 0) to nodes 1..5: 3, 9, 4, 12, 7 ms (symmetric).
    let from_leader = [0u64, 3, 9, 4, 12, 7];
    let n = from_leader.len();
    let mut matrix = vec![vec![Dur::ms(20); n]; n];
    for (i, row) in matrix.iter_mut().enumerate() {
        row[i] = Dur(0);
    }
    for (i, d) in from_leader.iter().enumerate() {
        matrix[0][i] = Dur::ms(*d);
        matrix[i][0] = Dur::ms(*d);
    }
    let mut sorted: Vec<u64> = from_leader[1..].to_vec();
    sorted.sort_unstable();
    for q2 in 2..=n as u32 {
        let mut s = base();
        s.cluster.nodes = n as u32;
        s.cluster.quorum = QuorumSpec::Counting {
            q1: n as u32 - q2 + 1,
            q2,
        };
        quiet_network(&mut s, Dur::ms(1));
        s.network.matrix = Some(matrix.clone());
        s.cluster.election_timeout = Dur::ms(500);
        let r = run(&s).unwrap();
        let want = 2.0 * sorted[q2 as usize - 2] as f64;
        assert!(
            (r.latency_ms.p50 - want).abs() < 0.05,
            "q2={q2}: p50 {} ms, want {want} ms",
            r.latency_ms.p50
        );
    }
}

fn saturated(thrifty: bool, quorum: QuorumSpec) -> fpaxos_sim::Report {
    let mut s = base();
    s.cluster.quorum = quorum;
    s.cluster.thrifty = thrifty;
    s.cpu.per_recv = Dur::us(20);
    s.cpu.per_send = Dur::us(20);
    s.workload.clients = 200;
    run(&s).unwrap()
}

#[test]
fn thrifty_small_q2_beats_majority_at_the_leader_bottleneck() {
    let majority = saturated(false, QuorumSpec::Majority);
    let fpaxos = saturated(true, QuorumSpec::Counting { q1: 4, q2: 2 });
    assert!(
        fpaxos.throughput > 1.3 * majority.throughput,
        "thrifty Q2=2 {:.0}/s vs majority {:.0}/s",
        fpaxos.throughput,
        majority.throughput
    );
    // The leader is the busiest node by far.
    let busy: Vec<f64> = majority.messages.by_node.iter().map(|n| n.busy).collect();
    assert!(busy[0] > 0.9, "leader busy {busy:?}");
    assert!(busy[1..].iter().all(|b| *b < busy[0] / 2.0), "{busy:?}");
}

#[test]
fn smaller_q2_gives_more_throughput_and_less_latency() {
    let mut last: Option<fpaxos_sim::Report> = None;
    for q2 in (1..=5u32).rev() {
        let r = saturated(true, QuorumSpec::Counting { q1: 6 - q2, q2 });
        if let Some(prev) = &last {
            assert!(
                r.throughput > prev.throughput,
                "q2={q2}: {} <= {}",
                r.throughput,
                prev.throughput
            );
            assert!(r.latency_ms.p50 < prev.latency_ms.p50, "q2={q2}");
        }
        last = Some(r);
    }
}

fn split_brain(n: u32, q: u32, left: Vec<u32>, right: Vec<u32>) -> fpaxos_sim::Report {
    let mut s = base();
    s.duration = Dur::secs(3);
    s.cluster.nodes = n;
    s.cluster.quorum = QuorumSpec::Counting { q1: q, q2: q };
    s.cluster.allow_unsafe = true;
    s.faults = vec![Fault {
        at: Dur::ms(500),
        action: FaultAction::Partition {
            groups: vec![left, right],
        },
    }];
    run(&s).unwrap()
}

#[test]
fn unsafe_quorums_with_a_partition_violate_agreement() {
    let r = split_brain(5, 2, vec![0, 1], vec![2, 3, 4]);
    assert!(!r.safety.ok, "N=5 Q1=Q2=2 should split-brain");
    assert_eq!(
        r.safety.violations[0].kind,
        fpaxos_sim::checker::ViolationKind::Agreement
    );
    // Each names its two values, including one a leader chose and no node has executed yet
    // (the checker knows it by fingerprint; the simulator reads it from the leader's log).
    use fpaxos_sim::checker::Act;
    let v = &r.safety.violations;
    assert!(v.iter().any(|v| v.act == Act::Chose), "{v:?}");
    // And a client was told a write was done that the agreed log does not hold: lost.
    assert!(
        v.iter()
            .any(|v| v.kind == fpaxos_sim::checker::ViolationKind::Reply && v.act == Act::Replied),
        "{v:?}"
    );
    for v in v {
        let named = |s: &str| s.starts_with('c') && s.contains('#');
        assert!(named(&v.first) && named(&v.second), "{v:?}");
        assert!(v.message.ends_with(&v.second), "{v:?}");
    }
    let r = split_brain(6, 3, vec![0, 1, 2], vec![3, 4, 5]);
    assert!(!r.safety.ok, "N=6 Q1=Q2=3 should split-brain");
}

/// A leader that replies as soon as it proposes (planted) is caught by the reply check: the
/// client hears "done" a round trip before any node executes the command. Without the bug the
/// same run is safe.
#[test]
fn a_reply_before_the_command_is_chosen_is_a_violation() {
    use fpaxos_sim::checker::{Act, ViolationKind};
    let checked = base().check().expect("valid");
    let r =
        fpaxos_sim::Sim::with_planted(checked.clone(), Some(fpaxos::PlantedBug::ReplyBeforeChosen))
            .run_to_end();
    assert!(!r.safety.ok, "the planted bug must be caught");
    let v = &r.safety.violations[0];
    assert_eq!(
        (v.kind, v.act),
        (ViolationKind::Reply, Act::Replied),
        "{v:?}"
    );
    assert!(
        r.safety
            .violations
            .iter()
            .all(|v| v.kind == ViolationKind::Reply),
        "only replies are wrong: {:?}",
        r.safety.violations
    );
    assert!(fpaxos_sim::Sim::new(checked).run_to_end().safety.ok);
}

#[test]
fn safe_quorums_with_the_same_partition_stay_safe() {
    let mut s = base();
    s.duration = Dur::secs(3);
    s.cluster.quorum = QuorumSpec::Counting { q1: 4, q2: 2 };
    s.network.loss = 0.02;
    s.network.duplicate = 0.02;
    s.faults = vec![
        partition(500, vec![vec![0, 1], vec![2, 3, 4]]),
        fault(1500, FaultAction::Heal),
        fault(1800, FaultAction::Crash { node: 0 }),
        fault(2300, FaultAction::Recover { node: 0 }),
    ];
    let r = run(&s).unwrap();
    assert!(r.safety.ok, "{:?}", r.safety.violations);
    assert!(r.leader_changes >= 1);
    assert!(r.committed > 1000);
}

#[test]
fn a_scenario_run_twice_gives_the_same_trace_hash() {
    let mut s = base();
    s.network.loss = 0.01;
    s.faults.push(Fault {
        at: Dur::ms(700),
        action: FaultAction::Crash { node: 0 },
    });
    let a = run(&s).unwrap();
    let b = run(&s).unwrap();
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.committed, b.committed);
    s.seed += 1;
    assert_ne!(run(&s).unwrap().trace_hash, a.trace_hash);
}

/// With a bandwidth limit, a message between nodes takes its size's transmission time
/// (`wire_bytes` x 8 / rate) on top of the link's latency, and a link transmits one message at a
/// time: a message sent while the link is busy waits until the one before it has gone.
#[test]
fn bandwidth_delays_by_size_and_queues_per_link() {
    use fpaxos::msg::{Accept, Accepted, Heartbeat, HeartbeatAck, Prepare, Promise};
    use fpaxos::{Ballot, Command, Msg, MsgKind, Value};
    use fpaxos_sim::{Endpoint, TraceEvent};
    use std::collections::HashMap;

    let mut s = base();
    quiet_network(&mut s, Dur::ms(1));
    let mbps = 0.5;
    s.network.bandwidth_mbps = Some(mbps);
    s.duration = Dur::ms(400);
    s.metrics.trace_capacity = 1_000_000;
    let cb = s.workload.command_bytes;
    // Batch 1, no leader change: every message of a kind has one size.
    s.cluster.batch = 1;
    let b = Ballot::ZERO;
    let size: HashMap<MsgKind, u32> = [
        Msg::Prepare(Prepare {
            ballot: b,
            first_slot: 0,
        }),
        Msg::Promise(Promise {
            ballot: b,
            executed: 0,
            digest: 0,
            base: 0,
            entries: vec![],
            sessions: None,
        }),
        Msg::Accept(Accept {
            ballot: b,
            slot: 0,
            value: Value::Cmd(Command { client: 0, seq: 1 }),
            commit: 0,
        }),
        Msg::Accepted(Accepted { ballot: b, slot: 0 }),
        Msg::Heartbeat(Heartbeat {
            ballot: b,
            commit: 0,
        }),
        Msg::HeartbeatAck(HeartbeatAck {
            ballot: b,
            executed: 0,
        }),
    ]
    .iter()
    .map(|m| (m.kind(), m.wire_bytes(cb)))
    .collect();
    let mut sim = fpaxos_sim::Sim::new(s.check().unwrap());
    while sim.step() {}
    let r = sim.report();
    assert_eq!(r.leader_changes, 0);
    assert!(r.committed > 50, "{} committed", r.committed);
    let (mut sends, mut queued) = (0, 0);
    let mut link_free: HashMap<(u32, u32), u64> = HashMap::new();
    for e in sim.trace().events() {
        let TraceEvent::Send {
            t,
            from: Endpoint::Node(a),
            to: Endpoint::Node(b),
            kind,
            deliver_at,
            ..
        } = e
        else {
            continue;
        };
        let bytes = *size
            .get(kind)
            .unwrap_or_else(|| panic!("an unexpected {kind:?}"));
        let tx = (bytes as f64 * 8.0 / (mbps * 1e6) * 1e9) as u64;
        let free = link_free.entry((*a as u32, *b as u32)).or_insert(0);
        let start = (*free).max(*t);
        queued += u64::from(start > *t);
        *free = start + tx;
        assert_eq!(
            *deliver_at,
            *free + 1_000_000,
            "{kind:?} {a}->{b} sent at {t}"
        );
        sends += 1;
    }
    assert!(!sim.trace().truncated());
    assert!(
        sends > 500 && queued > 50,
        "{sends} sends, {queued} behind another"
    );
}

#[test]
fn stepping_in_slices_gives_the_same_run() {
    let s = base();
    let whole = run(&s).unwrap();
    let mut sim = fpaxos_sim::Sim::new(s.check().unwrap());
    let mut t = 0;
    while !sim.run_until_budget(t, 777).ended {
        t += 3_000_000;
    }
    assert_eq!(sim.report().trace_hash, whole.trace_hash);
}

#[test]
fn the_report_names_the_leader_now_not_the_initial_one() {
    let mut s = base();
    let r = run(&s).unwrap();
    assert_eq!(r.leader.map(u32::from), s.cluster.initial_leader);
    let first = r.leader.expect("the default cluster elects a leader");
    s.faults.push(Fault {
        at: Dur::ms(500),
        action: FaultAction::Crash { node: first.into() },
    });
    let r = run(&s).unwrap();
    assert!(r.leader_changes >= 1);
    let now = r.leader.expect("a new leader takes over");
    assert_ne!(now, first, "the crashed leader is not the leader any more");
}

#[test]
fn the_report_counts_complete_buckets_and_messages_per_commit() {
    let s = base();
    let r = run(&s).unwrap();
    assert_eq!(r.complete_buckets(), r.timeline.throughput.len());
    let per = r.timeline.msgs_per_commit();
    assert_eq!(per.len(), r.timeline.throughput.len());
    // Once the leader is busy every bucket commits, at a few messages per request.
    for p in &per[per.len() / 2..] {
        let p = p.expect("a bucket in steady state commits");
        assert!(p > 1.0 && p < 20.0, "{p}");
    }
    let mut sim = fpaxos_sim::Sim::new(s.check().unwrap());
    sim.run_until_budget(Dur::ms(250).0, u64::MAX);
    let part = sim.report();
    let bucket = part.timeline.bucket_ms;
    assert_eq!(
        part.complete_buckets(),
        (250.0 / bucket).floor().max(1.0) as usize
    );
}

/// The charts' series add up to the run's totals (completions, messages sent per node, CPU
/// time per node), the totals to each other, and each bucket's latency percentiles sit around
/// the run's.
#[test]
fn the_timeline_adds_up_to_the_run() {
    let mut s = base();
    s.warmup = Dur(0);
    s.cpu.per_recv = Dur::us(20);
    let r = run(&s).unwrap();
    let t = &r.timeline;
    let secs = t.bucket_ms / 1e3;
    let done: f64 = t.throughput.iter().map(|x| x * secs).sum();
    assert!(
        (done - r.committed as f64).abs() < 0.5,
        "{done} vs {}",
        r.committed
    );
    for (i, node) in r.messages.by_node.iter().enumerate() {
        assert_eq!(t.sent[i].iter().sum::<u64>(), node.sent, "node {i}");
        let busy: f64 = t.busy[i].iter().sum::<f64>() / t.busy[i].len() as f64;
        assert!(
            (busy - node.busy).abs() < 1e-3,
            "node {i}: {busy} vs {}",
            node.busy
        );
        assert!(node.busy > 0.0);
    }
    // The totals: throughput, messages by kind (none listed at zero) and per commit.
    let secs_run = r.sim.simulated_ms / 1e3;
    assert!((r.throughput - r.committed as f64 / secs_run).abs() < 1e-6 * r.throughput);
    let by_kind: u64 = r.messages.by_kind.values().sum();
    assert_eq!(by_kind, r.messages.total);
    assert!(r.messages.by_kind.values().all(|v| *v > 0));
    assert!(r.messages.by_kind["accept"] > 0 && r.messages.by_kind["reply"] > 0);
    // The latency summary and its CDF (101 points, the same quantiles).
    let l = &r.latency_ms;
    assert!(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max);
    assert!(l.mean > 0.5 * l.p50 && l.mean < l.max, "{l:?}");
    let cdf = &r.latency_cdf;
    assert_eq!(cdf.len(), 101);
    assert!(cdf.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
    assert_eq!(
        (cdf[0].1, cdf[50], cdf[100]),
        (0.0, (l.p50, 0.5), (l.max, 1.0))
    );
    // The stretches without a leader (here: before the first election) add up to the total.
    let stretches: f64 = r.leaderless_intervals.iter().map(|(a, b)| b - a).sum();
    assert!(r.leaderless_ms > 0.0 && (stretches - r.leaderless_ms).abs() < 1e-6);
    assert!(r.leaderless_intervals.iter().all(|(a, b)| b > a));
    let per = r.messages.total as f64 / r.committed as f64;
    assert!((r.messages.per_commit - per).abs() < 1e-9, "{per}");
    let steady = t.throughput.len() / 2..t.throughput.len();
    for b in steady {
        let (p50, p99) = (t.p50_ms[b], t.p99_ms[b]);
        assert!(
            p50 > 0.5 * r.latency_ms.p50 && p50 < 2.0 * r.latency_ms.p50,
            "bucket {b}: p50 {p50} vs the run's {}",
            r.latency_ms.p50
        );
        assert!(
            p99 >= p50 && p99 <= 2.0 * r.latency_ms.max,
            "bucket {b}: p99 {p99}"
        );
    }
}

/// A leader lost mid-run: its stretch without a leader is listed where it happened, and a run
/// that commits nothing reports no messages per commit rather than all of them.
#[test]
fn leaderless_stretches_sit_where_they_happened_and_no_commit_means_no_ratio() {
    let r = run(&fpaxos_sim::presets::preset("leader-failure")
        .expect("preset")
        .scenario())
    .unwrap();
    let later: Vec<_> = r
        .leaderless_intervals
        .iter()
        .filter(|(a, _)| *a > 0.0)
        .collect();
    assert!(!later.is_empty(), "{:?}", r.leaderless_intervals);
    let stretches: f64 = r.leaderless_intervals.iter().map(|(a, b)| b - a).sum();
    assert!((stretches - r.leaderless_ms).abs() < 1e-6);
    let end = r.sim.simulated_ms;
    assert!(r
        .leaderless_intervals
        .iter()
        .all(|(a, b)| 0.0 <= *a && a < b && *b <= end));
    let mut s = base();
    for node in 0..s.cluster.nodes {
        s.faults.push(fpaxos_sim::Fault {
            at: Dur::ms(1),
            action: FaultAction::Crash { node },
        });
    }
    let none = run(&s).unwrap();
    assert_eq!(none.committed, 0);
    assert!(none.messages.total > 0);
    assert_eq!(none.messages.per_commit, 0.0);
}

#[test]
fn injected_faults_replay_identically() {
    let s = base();
    let mut sim = fpaxos_sim::Sim::new(s.check().unwrap());
    assert!(sim.run_until_budget(Dur::ms(600).0, u64::MAX).reached);
    let now = sim.now();
    sim.inject(now + 1, FaultAction::Crash { node: 0 });
    assert!(sim.run_until_budget(Dur::ms(900).0, u64::MAX).reached);
    let now = sim.now();
    sim.inject(now + 1, FaultAction::Recover { node: 0 });
    let live = sim.run_to_end();
    let replay = run(sim.scenario()).unwrap();
    assert_eq!(live.trace_hash, replay.trace_hash);
    assert!(live.leader_changes >= 1);
}

#[test]
fn extreme_and_garbage_scenarios_are_rejected_not_panicking() {
    let cases = [
        r#"{"cluster":{"nodes":0}}"#,
        r#"{"cluster":{"nodes":10000}}"#,
        r#"{"network":{"latency":{"dist":"const","value":"-5ms"}}}"#,
        r#"{"network":{"latency":{"dist":"const","value":"1e40s"}}}"#,
        r#"{"duration":"0"}"#,
        r#"{"duration":"100000s"}"#,
        r#"{"network":{"loss":2}}"#,
        r#"{"cluster":{"quorum":{"kind":"counting","q1":0,"q2":9}}}"#,
        r#"{"cluster":{"quorum":{"kind":"grid","rows":4000000000,"cols":4000000000}}}"#,
        r#"{"faults":[{"at":"1s","action":"crash","node":77}]}"#,
        r#"{"workload":{"rate":-1}}"#,
        r#"{"cluster":{"window":0}}"#,
        "not json",
        "[1,2,3]",
        r#"{"version":2}"#,
    ];
    for c in cases {
        let res = Scenario::from_json(c).and_then(|s| s.validate().map(|_| s));
        let e = res.expect_err(c);
        assert!(!e.0.is_empty() && e.0.iter().all(|m| !m.is_empty()), "{c}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, .. Default::default() })]
    #[test]
    fn random_json_never_panics(s in "\\PC{0,200}") {
        let _ = Scenario::from_json(&s).map(|x| x.validate());
    }

    #[test]
    fn random_valid_shapes_never_panic(
        nodes in 0u32..80, q1 in 0u32..80, q2 in 0u32..80, loss in -1.0f64..2.0,
        lat in 0u64..5_000_000_000_000u64, dur in 0u64..20_000_000_000u64, clients in 0u32..50,
    ) {
        let mut s = Scenario::default();
        s.cluster.nodes = nodes;
        s.cluster.quorum = QuorumSpec::Counting { q1, q2 };
        s.cluster.allow_unsafe = true;
        s.network.loss = loss;
        s.network.latency = Latency::Const { value: Dur(lat) };
        s.duration = Dur(dur.min(300_000_000));
        s.warmup = Dur(0);
        s.workload.clients = clients;
        if let Ok(checked) = s.check() {
            run_a_little(checked);
        }
    }
}

/// Runs the first 20,000 events of a valid scenario (or to its end) and writes its report:
/// for input tests, which only ask that nothing panics.
fn run_a_little(checked: fpaxos_sim::scenario::Checked) {
    let mut sim = fpaxos_sim::Sim::new(checked);
    for _ in 0..20_000 {
        if !sim.step() {
            break;
        }
    }
    let _ = sim.report();
}

#[test]
fn presets_tell_their_stories() {
    use fpaxos_sim::presets::preset;
    let get = |id: &str| run(&preset(id).expect(id).scenario()).expect(id);
    for id in ["split-brain", "zookeeper-trap"] {
        let r = get(id);
        assert!(!r.safety.ok, "{id} should violate agreement");
    }
    for id in ["basics", "zookeeper-6", "zookeeper-7", "grid-5x4"] {
        let r = get(id);
        assert!(r.safety.ok && r.committed > 1000, "{id}: {}", r.committed);
    }
    let r = get("leader-failure");
    assert!(r.safety.ok);
    assert!(r.leaderless_ms > 1500.0, "stall: {} ms", r.leaderless_ms);
    assert!(r.leader_changes >= 1);
}

#[test]
fn one_event_at_a_time_gives_the_same_run_as_running_to_the_end() {
    // `run_to_end` handles back-to-back CPU work without heap round trips; `step` never does.
    let mut s = base();
    s.cpu.per_recv = Dur::us(30);
    s.workload.clients = 64;
    let whole = run(&s).unwrap();
    let mut sim = fpaxos_sim::Sim::new(s.check().unwrap());
    while sim.step() {}
    assert_eq!(sim.report().trace_hash, whole.trace_hash);
    assert_eq!(sim.report().committed, whole.committed);
}
