//! Tests of the scenario module as a whole: JSON, `check`, limits and edits.

use super::limits;
use super::*;
use crate::dur::Dur;
use fpaxos::quorum::GridAxis;
use fpaxos::NodeSet;

#[test]
fn empty_object_is_valid_default() {
    let s = Scenario::from_json("{}").unwrap();
    assert_eq!(s, Scenario::default());
    s.validate().unwrap();
    let round = Scenario::from_json(&s.to_json_pretty()).unwrap();
    assert_eq!(round, s);
}

#[test]
fn garbage_is_rejected_readably() {
    for bad in [
        "",
        "[]",
        "42",
        "{\"cluster\":{\"nodes\":-1}}",
        "{\"version\":99}",
        "{\"bogus\":1}",
    ] {
        let e = Scenario::from_json(bad).unwrap_err();
        assert!(!e.0.is_empty(), "{bad}");
    }
    let mut s = Scenario::default();
    s.cluster.nodes = 10_000;
    assert!(s.validate().is_err());
    s.cluster.nodes = 0;
    assert!(s.validate().is_err());
    let mut s = Scenario::default();
    s.duration = Dur(0);
    s.cluster.quorum = QuorumSpec::Counting { q1: 2, q2: 2 };
    let e = s.validate().unwrap_err();
    assert!(e.0.len() >= 2, "{e}");
    assert!(e.to_string().contains("unsafe"));
}

#[test]
fn check_hands_back_the_scenario_and_its_quorums() {
    let mut s = Scenario::default();
    s.cluster.quorum = QuorumSpec::Counting { q1: 4, q2: 2 };
    let c = s.check().unwrap();
    assert_eq!(c.scenario(), &s);
    assert_eq!(c.quorums().n(), 5);
    assert_eq!(c.quorums().smallest(fpaxos::Phase::Two), 2);
    s.cluster.quorum = QuorumSpec::Counting { q1: 2, q2: 9 };
    let e = s.check().unwrap_err();
    assert_eq!(
        e.iter().collect::<Vec<_>>(),
        ["cluster.quorum: Q2 size must be between 1 and 5, got 9"]
    );
    // Unsafe quorums run when allowed.
    s.cluster.quorum = QuorumSpec::Counting { q1: 2, q2: 2 };
    assert!(s.check().is_err());
    s.cluster.allow_unsafe = true;
    assert!(!s.check().unwrap().quorums().is_safe());
}

#[test]
fn errors_are_sentences() {
    let e = ScenarioErrors::from("one problem".to_string());
    assert_eq!(e.to_string(), "one problem");
    let e = ScenarioErrors::from(vec!["a".to_string(), "b".to_string()]);
    assert_eq!(e.to_string(), "a\nb");
    assert_eq!(e.iter().count(), 2);
}

#[test]
fn limits_are_where_validation_draws_the_line() {
    let at = |f: &dyn Fn(&mut Scenario)| {
        let mut s = Scenario::default();
        f(&mut s);
        s.check().map(|_| ()).map_err(|e| e.to_string())
    };
    assert!(at(&|s| s.workload.clients = limits::CLIENTS.max).is_ok());
    assert!(at(&|s| s.workload.clients = limits::CLIENTS.max + 1).is_err());
    assert!(at(&|s| s.workload.outstanding = limits::OUTSTANDING.max).is_ok());
    assert!(at(&|s| s.workload.outstanding = limits::OUTSTANDING.max + 1).is_err());
    assert!(at(&|s| s.workload.outstanding = 0).is_err());
    assert!(at(&|s| s.cluster.nodes = limits::NODES.max).is_ok());
    assert!(at(&|s| s.cluster.nodes = limits::NODES.max + 1).is_err());
    assert!(at(&|s| s.duration = limits::DURATION.max).is_ok());
    assert!(at(&|s| s.duration = Dur(limits::DURATION.max.0 + 1)).is_err());
    assert!(at(&|s| s.cluster.window = limits::WINDOW.max + 1).is_err());
    assert!(at(&|s| s.cluster.heartbeat = Dur(limits::HEARTBEAT.min.0 - 1)).is_err());
    assert!(at(&|s| s.network.loss = 1.5).is_err());
}

#[test]
fn durations_and_latencies_take_their_text_forms() {
    let s = Scenario::from_json(r#"{"duration": "1h", "network": {"latency": "5ms"}}"#).unwrap();
    assert_eq!(s.duration, Dur::secs(3600));
    assert_eq!(s.network.latency, Latency::Const { value: Dur::ms(5) });
    s.check().unwrap();
    let s = Scenario::from_json(r#"{"duration": "2h"}"#).unwrap();
    assert!(s.check().unwrap_err().to_string().contains("1 hour"));
    // The written form is unchanged: a latency is still an object.
    let round = Scenario::from_json(&s.to_json_pretty()).unwrap();
    assert_eq!(round, s);
    assert!(s.to_json_pretty().contains("\"dist\": \"normal\""));
}

#[test]
fn set_nodes_follows_one_rule() {
    let mut s = Scenario::default();
    s.cluster.quorum = QuorumSpec::Counting { q1: 4, q2: 2 };
    s.cluster.initial_leader = Some(4);
    s.network.apply_preset(NetworkPreset::Wan3, 5);
    // The current size changes nothing.
    let before = s.clone();
    s.set_nodes(5);
    assert_eq!(s, before);
    s.set_nodes(7);
    assert_eq!(s.cluster.quorum, QuorumSpec::Counting { q1: 6, q2: 2 });
    assert_eq!(s.cluster.initial_leader, Some(4));
    let regions = s.network.regions.as_ref().unwrap();
    assert_eq!(regions.of_node, [0, 1, 2, 0, 1, 2, 0]);
    s.check().unwrap();
    s.set_nodes(3);
    assert_eq!(s.cluster.quorum, QuorumSpec::Counting { q1: 2, q2: 2 });
    assert_eq!(s.cluster.initial_leader, Some(0));
    s.check().unwrap();
    s.set_nodes(1);
    assert_eq!(s.cluster.quorum, QuorumSpec::Counting { q1: 1, q2: 1 });
    s.check().unwrap();

    let mut w = Scenario::default();
    w.cluster.quorum = QuorumSpec::Weighted {
        weights: vec![2, 1, 1, 1, 1],
        q1: 3,
        q2: 4,
    };
    w.set_nodes(6);
    assert_eq!(
        w.cluster.quorum,
        QuorumSpec::Weighted {
            weights: vec![2, 1, 1, 1, 1, 1],
            q1: 4,
            q2: 4
        }
    );
    w.check().unwrap();
    w.set_nodes(3);
    w.check().unwrap();
}

#[test]
fn quorum_kinds_give_valid_safe_systems() {
    for n in 1..=15 {
        for kind in QuorumKind::ALL {
            let mut s = Scenario::default();
            s.set_nodes(n);
            s.set_quorum_kind(kind);
            assert_eq!(QuorumKind::of(&s.cluster.quorum), kind);
            assert_eq!(QuorumKind::from_name(kind.name()), Some(kind));
            let c = s
                .check()
                .unwrap_or_else(|e| panic!("{} at n={n}: {e}", kind.name()));
            assert!(c.quorums().is_safe());
            assert_eq!(c.quorums().shape().name(), kind.name());
        }
    }
    let mut s = Scenario::default();
    s.set_quorum_kind(QuorumKind::Grid);
    assert_eq!(s.cluster.nodes, 6);
    assert_eq!(
        s.cluster.quorum,
        QuorumSpec::Grid {
            rows: 2,
            cols: 3,
            q1: GridAxis::Row
        }
    );
}

#[test]
fn network_presets_are_recognised() {
    for p in NetworkPreset::ALL {
        let mut s = Scenario::default();
        s.network.apply_preset(p, 5);
        assert_eq!(NetworkPreset::of(&s.network), Some(p));
        assert_eq!(NetworkPreset::from_name(p.name()), Some(p));
        s.check().unwrap();
    }
    let mut s = Scenario::default();
    s.set_network_preset(NetworkPreset::Wan2);
    assert_eq!(s.network.regions.unwrap().of_node, [0, 0, 0, 1, 1]);
    let mut n = Network::default();
    n.latency = Latency::Const { value: Dur::ms(3) };
    assert_eq!(NetworkPreset::of(&n), None);
}

#[test]
fn later_link_rules_win() {
    let mut net = Network::default();
    net.apply_preset(NetworkPreset::Wan2, 4);
    let remote = net.regions.as_ref().unwrap().remote.clone();
    let local = net.regions.as_ref().unwrap().local.clone();
    let t = net.link_latencies(4);
    assert_eq!(t.len(), 16);
    assert_eq!((&t[1], &t[2]), (&local, &remote));
    let one = Latency::Const { value: Dur::ms(1) };
    net.links.push(LinkLatency {
        from: 0,
        to: 3,
        latency: one.clone(),
        both: true,
    });
    net.matrix = Some(vec![vec![Dur::ms(7); 4]; 4]);
    let t = net.link_latencies(4);
    assert_eq!(t[3], one);
    assert_eq!(t[3 * 4], one);
    assert_eq!(t[1], Latency::Const { value: Dur::ms(7) });
    // Parts that do not fit are skipped rather than panicking.
    assert_eq!(net.link_latencies(2).len(), 4);
    assert!(net.link_latencies(0).is_empty());
}

#[test]
fn cluster_label_mentions_thrift() {
    let mut c = Cluster::default();
    c.quorum = QuorumSpec::Counting { q1: 4, q2: 2 };
    assert_eq!(c.label(), "Q1=4 Q2=2");
    c.thrifty = true;
    assert_eq!(c.label(), "Q1=4 Q2=2, thrifty");
}

#[test]
fn liveness_switches_are_written_only_when_changed() {
    // At their defaults they stay out of the JSON, so old files, links and goldens are unchanged.
    let text = Scenario::default().to_json_pretty();
    assert!(
        !text.contains("check_quorum") && !text.contains("pre_vote") && !text.contains("sessions")
    );
    let mut s = Scenario::default();
    s.cluster.check_quorum = false;
    s.cluster.pre_vote = true;
    s.cluster.sessions = true;
    let text = s.to_json_pretty();
    assert!(text.contains("\"check_quorum\": false"), "{text}");
    assert!(text.contains("\"pre_vote\": true"), "{text}");
    assert!(text.contains("\"sessions\": true"), "{text}");
    assert_eq!(Scenario::from_json(&text).unwrap(), s);
    let read = Scenario::from_json(
        r#"{"cluster": {"check_quorum": false, "pre_vote": true, "sessions": true}}"#,
    );
    assert_eq!(read.unwrap(), s);
    assert_eq!(
        s.cluster.label(),
        "majority (3/3), no check-quorum, pre-vote, sessions"
    );
}

/// A scenario with constant one-way latency `lat` and the given timers (milliseconds).
fn timed(lat: u64, heartbeat: u64, election: u64) -> Scenario {
    let mut s = Scenario::default();
    s.network.latency = Latency::Const {
        value: Dur::ms(lat),
    };
    s.cluster.heartbeat = Dur::ms(heartbeat);
    s.cluster.election_timeout = Dur::ms(election);
    s
}

fn problems(s: &Scenario) -> String {
    s.check().err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn quickest_round_trip_follows_link_precedence() {
    let mut net = Network::default();
    // Normal tails reach zero.
    assert_eq!(net.min_round_trip(3), Some(Dur(0)));
    assert_eq!(net.min_round_trip(1), None);
    net.latency = Latency::Const { value: Dur::ms(30) };
    assert_eq!(net.min_round_trip(3), Some(Dur::ms(60)));
    net.matrix = Some(vec![vec![Dur::ms(50); 3]; 3]);
    assert_eq!(net.min_round_trip(3), Some(Dur::ms(100)));
    // One fast direction makes a round trip of one fast and one slow leg.
    net.links.push(LinkLatency {
        from: 0,
        to: 1,
        latency: Latency::Const { value: Dur::ms(1) },
        both: false,
    });
    assert_eq!(net.min_round_trip(3), Some(Dur::ms(51)));
    // The diagonal (a node to itself) is never a round trip.
    net.matrix = Some(vec![
        vec![Dur(0), Dur::ms(50), Dur::ms(50)],
        vec![Dur::ms(50), Dur(0), Dur::ms(50)],
        vec![Dur::ms(50), Dur::ms(50), Dur(0)],
    ]);
    assert_eq!(net.min_round_trip(3), Some(Dur::ms(51)));
}

#[test]
fn election_timeout_must_let_a_promise_arrive() {
    // Round trip 60 ms; a candidate waits up to twice the election timeout.
    let bad = timed(30, 5, 30);
    let e = problems(&bad);
    assert!(e.contains("no leader is ever elected"), "{e}");
    assert!(e.contains("above 30ms"), "{e}");
    assert!(timed(30, 5, 31).check().is_ok());
    // Regions count: a slow remote link alone does not block a fast local pair.
    let mut s = bad.clone();
    s.network.regions = Some(Regions {
        of_node: vec![0, 0, 0, 1, 1],
        local: Latency::Const { value: Dur::ms(1) },
        remote: Latency::Const {
            value: Dur::ms(300),
        },
    });
    assert!(s.check().is_ok(), "{}", problems(&s));
    // A node that alone is a Q1 needs no promise (and without a Q2 of one, check-quorum is
    // the next rule's business).
    s = bad;
    s.cluster.quorum = QuorumSpec::Counting { q1: 1, q2: 5 };
    s.cluster.check_quorum = false;
    assert!(s.check().is_ok(), "{}", problems(&s));
}

#[test]
fn check_quorum_must_let_a_lone_leader_hear_a_q2() {
    // Every node alone is a Q1 (elected at once), a Q2 is everyone; round trip 30 ms.
    let mut s = timed(15, 5, 20);
    s.cluster.quorum = QuorumSpec::Counting { q1: 1, q2: 5 };
    let e = problems(&s);
    assert!(e.contains("every leader steps down"), "{e}");
    assert!(e.contains("longer than 25ms"), "{e}");
    s.cluster.check_quorum = false;
    assert!(s.check().is_ok(), "{}", problems(&s));
    s.cluster.check_quorum = true;
    s.cluster.election_timeout = Dur::ms(26);
    assert!(s.check().is_ok(), "{}", problems(&s));
    // A Q2 of one node needs no reply at all.
    let mut s = timed(15, 5, 20);
    s.cluster.nodes = 1;
    s.cluster.quorum = QuorumSpec::Counting { q1: 1, q2: 1 };
    assert!(s.check().is_ok(), "{}", problems(&s));
    // Some nodes need promises: they can still win and lead while a promise can arrive in time.
    let mut s = timed(15, 5, 20);
    let set = |ids: &[u8]| ids.iter().fold(NodeSet::EMPTY, |s, i| s.with(*i));
    s.cluster.quorum = QuorumSpec::Explicit {
        q1: vec![set(&[0]), set(&[1, 2, 3, 4])],
        q2: vec![set(&[0, 1, 2, 3, 4])],
    };
    assert!(s.check().is_ok(), "{}", problems(&s));
    s.cluster.election_timeout = Dur::ms(15);
    let e = problems(&s);
    assert!(e.contains("the others cannot be elected"), "{e}");
}

#[test]
fn absurd_numbers_get_one_readable_message_each() {
    let errors = |s: &Scenario| {
        s.check()
            .unwrap_err()
            .iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let mut s = Scenario::default();
    s.network.bandwidth_mbps = Some(1e-300);
    s.network.loss = 1e40;
    assert_eq!(
        errors(&s),
        [
            "network.loss must be a probability in [0, 1], got 1e40",
            "network.bandwidth_mbps must be between 0.001 and 1000000, got 1e-300",
        ]
    );
    // A sigma out of range says so once; the mean it would give (which overflows) is not
    // reported beside it.
    let mut s = Scenario::default();
    s.network.latency = Latency::Lognormal {
        median: Dur::ms(10),
        sigma: 50.0,
    };
    assert_eq!(
        errors(&s),
        ["network.latency: lognormal sigma must be between 0 and 5, got 50"]
    );
    s.network.loss = 1.0;
    s.network.latency = Latency::Const { value: Dur::ms(1) };
    assert_eq!(
        errors(&s),
        ["network.loss of 1 loses every message: nothing could ever commit"]
    );
}
