//! Round trips, link length, and hostile input for scenario links.
// Scenarios here are built field by field from the default, like a user editing them.
#![allow(clippy::field_reassign_with_default)]

use fpaxos::quorum::{GridAxis, QuorumSpec};
use fpaxos_share::*;
use fpaxos_sim::scenario::{Fault, FaultAction, Latency, LinkLatency, Regions, Step};
use fpaxos_sim::{Dur, Scenario};
use proptest::prelude::*;

/// The default scenario with the few changes a typical shared link has.
pub fn few_changes() -> Scenario {
    let mut s = Scenario::default();
    s.name = "N=8 Q2=4".into();
    s.cluster.nodes = 8;
    s.cluster.quorum = QuorumSpec::Counting { q1: 5, q2: 4 };
    s.cluster.thrifty = true;
    s.workload.clients = 10;
    s
}

/// A scenario with every field changed from its default.
pub fn everything_changed() -> Scenario {
    let mut s = Scenario::default();
    s.name = "everything".into();
    s.notes = "notes with \"quotes\", ünïcode & <tags>".into();
    s.seed = 0xDEAD_BEEF_1234;
    s.duration = Dur::secs(30);
    s.warmup = Dur::secs(2);
    let c = &mut s.cluster;
    c.nodes = 6;
    c.quorum = QuorumSpec::Grid {
        rows: 2,
        cols: 3,
        q1: GridAxis::Column,
    };
    c.allow_unsafe = true;
    c.thrifty = true;
    c.window = 8;
    c.batch = 4;
    c.heartbeat = Dur::ms(30);
    c.election_timeout = Dur::ms(300);
    c.retransmit = Dur::ms(90);
    c.commit_batch = 3;
    c.log_retain = 50;
    c.initial_leader = None;
    let n = &mut s.network;
    n.latency = Latency::Uniform {
        min: Dur::ms(1),
        max: Dur::ms(3),
    };
    n.client_latency = Latency::Exponential {
        min: Dur::us(50),
        mean: Dur::us(200),
    };
    n.regions = Some(Regions {
        of_node: vec![0, 0, 1, 1, 2, 2],
        local: Latency::Const { value: Dur::ms(1) },
        remote: Latency::Lognormal {
            median: Dur::ms(40),
            sigma: 0.25,
        },
    });
    n.matrix = Some(vec![vec![Dur::ms(5); 6]; 6]);
    n.links = vec![LinkLatency {
        from: 0,
        to: 5,
        latency: Latency::Normal {
            mean: Dur::ms(80),
            stddev: Dur::ms(4),
        },
        both: false,
    }];
    n.loss = 0.01;
    n.duplicate = 0.002;
    n.bandwidth_mbps = Some(10.0);
    s.cpu.per_recv = Dur::us(20);
    s.cpu.per_send = Dur::us(7);
    let w = &mut s.workload;
    w.clients = 3;
    w.outstanding = 10;
    w.think = Dur::ms(1);
    w.rate = Some(500.0);
    w.timeout = Dur::secs(1);
    w.command_bytes = 128;
    w.requests = Some(1000);
    s.faults = vec![
        Fault {
            at: Dur::secs(3),
            action: FaultAction::Crash { node: 0 },
        },
        Fault {
            at: Dur::secs(5),
            action: FaultAction::Partition {
                groups: vec![vec![0, 1, 2], vec![3, 4, 5]],
            },
        },
        Fault {
            at: Dur::secs(6),
            action: FaultAction::Heal,
        },
    ];
    s.metrics.bucket = Dur::ms(250);
    s.metrics.trace_capacity = 1000;
    s
}

fn full_view() -> ViewState {
    let mut paxos = Scenario::default();
    paxos.cluster.nodes = 8;
    ViewState {
        panels: vec!["cluster".into(), "spacetime".into(), "charts".into()],
        time_ms: Some(1234.5),
        embed: Some(EmbedOptions {
            panels: vec!["spacetime".into()],
            autoplay: true,
            looped: true,
            start_ms: Some(250.0),
            speed: Some(0.5),
            editable: true,
            theme: Some("dark".into()),
        }),
        compare: vec![
            Variant {
                label: "Paxos".into(),
                scenario: paxos,
            },
            Variant {
                label: "FPaxos".into(),
                scenario: few_changes(),
            },
        ],
        sweep: Some("q2=1..5".into()),
    }
}

#[test]
fn round_trip_default() {
    let s = Scenario::default();
    let link = encode_fragment(&s, &ViewState::default());
    assert!(link.starts_with("s=1."), "{link}");
    let d = decode_fragment(&link).unwrap();
    assert_eq!(d.scenario, s);
    assert_eq!(d.view, ViewState::default());
    println!("default: {} chars: {link}", link.len());
}

#[test]
fn round_trip_every_field_changed() {
    let s = everything_changed();
    assert!(s.validate().is_ok(), "{:?}", s.validate());
    for view in [ViewState::default(), full_view()] {
        let link = encode_fragment(&s, &view);
        let d = decode_fragment(&link).unwrap();
        assert_eq!(d.scenario, s);
        assert_eq!(d.view, view);
    }
}

/// A view whose one compare variant, `label`, is `s`.
fn in_compare(label: &str, s: &Scenario) -> ViewState {
    ViewState {
        compare: vec![Variant {
            label: label.into(),
            scenario: s.clone(),
        }],
        ..ViewState::default()
    }
}

/// The liveness switches (check-quorum, pre-vote, client sessions) are newer than link version
/// 1: a link that changes them carries them, and a link that does not (every older link)
/// decodes to their defaults. It is written in the oldest version whose builds all read them
/// (a build that reads only version 1 says the link is newer, not damaged), and the same
/// link with an older version number (as builds wrote them before) still decodes.
#[test]
fn round_trip_liveness_switches() {
    let plain = encode_fragment(&few_changes(), &ViewState::default());
    assert!(
        decode_fragment(&plain)
            .unwrap()
            .scenario
            .cluster
            .check_quorum
    );
    assert!(!decode_fragment(&plain).unwrap().scenario.cluster.sessions);
    assert!(plain.starts_with("s=1."), "{plain}");
    for (check_quorum, pre_vote, sessions, version) in [
        (false, false, false, 2),
        (true, true, false, 2),
        (false, true, false, 2),
        (true, false, true, 3),
        (false, true, true, 3),
    ] {
        let mut s = few_changes();
        s.cluster.check_quorum = check_quorum;
        s.cluster.pre_vote = pre_vote;
        s.cluster.sessions = sessions;
        assert_eq!(scenario_version(&s), version);
        let link = encode_fragment(&s, &ViewState::default());
        assert_ne!(link, plain);
        assert!(link.starts_with(&format!("s={version}.")), "{link}");
        assert_eq!(decode_fragment(&link).unwrap().scenario, s);
        for older in 1..version {
            let old = link.replacen(&format!("s={version}."), &format!("s={older}."), 1);
            assert_eq!(
                decode_fragment(&old).unwrap().scenario,
                s,
                "version {older}"
            );
        }
        // In a compare variant too, under a scenario that needs version 1.
        let view = in_compare("switches", &s);
        let link = encode_fragment(&few_changes(), &view);
        assert!(link.starts_with(&format!("s={version}.")), "{link}");
        assert_eq!(decode_fragment(&link).unwrap().view, view);
    }
}

/// A `loss` fault (a lossy stretch) came with the builds of link version 2.
#[test]
fn a_loss_fault_is_written_as_version_2() {
    let mut s = few_changes();
    s.faults.push(Fault {
        at: Dur::secs(1),
        action: FaultAction::Loss { probability: 0.05 },
    });
    assert_eq!(scenario_version(&s), 2);
    let link = encode_fragment(&s, &ViewState::default());
    assert!(link.starts_with("s=2."), "{link}");
    assert_eq!(decode_fragment(&link).unwrap().scenario, s);
    // Another fault keeps version 1.
    s.faults[0].action = FaultAction::Crash { node: 1 };
    assert!(encode_fragment(&s, &ViewState::default()).starts_with("s=1."));
}

/// A link's version is the highest its parts need: sessions (3) beside a schedule (2).
#[test]
fn the_version_is_the_highest_any_part_needs() {
    let mut s = scheduled();
    assert_eq!(scenario_version(&s), 2);
    s.cluster.sessions = true;
    assert_eq!(scenario_version(&s), 3);
    s.cluster.sessions = false;
    s.cluster.pre_vote = true;
    assert_eq!(scenario_version(&s), 2);
    assert_eq!(scenario_version(&with_a_resend()), 3);
    assert_eq!(scenario_version(&Scenario::default()), 1);
}

#[test]
fn round_trip_view_only_pieces() {
    let s = few_changes();
    let views = [
        ViewState {
            time_ms: Some(0.0),
            ..Default::default()
        },
        ViewState {
            embed: Some(EmbedOptions::default()),
            ..Default::default()
        },
        ViewState {
            sweep: Some(String::new()),
            ..Default::default()
        },
        full_view(),
    ];
    for view in views {
        let link = encode_fragment(&s, &view);
        assert_eq!(decode_fragment(&link).unwrap().view, view);
    }
}

#[test]
fn at_most_four_variants() {
    let mut view = full_view();
    while view.compare.len() < 6 {
        let mut s = Scenario::default();
        s.seed = view.compare.len() as u64;
        view.compare.push(Variant {
            label: format!("v{}", view.compare.len()),
            scenario: s,
        });
    }
    let d = decode_fragment(&encode_fragment(&Scenario::default(), &view)).unwrap();
    assert_eq!(d.view.compare, view.compare[..MAX_VARIANTS].to_vec());
}

#[test]
fn accepts_urls_and_fragments() {
    let s = few_changes();
    let v = full_view();
    let url = share_url("http://x/y/?embed#old=1", &s, &v);
    assert!(url.starts_with("http://x/y/?embed#s=1."), "{url}");
    let frag = encode_fragment(&s, &v);
    for input in [
        url.clone(),
        format!("#{frag}"),
        frag.clone(),
        format!("#panel=x&{frag}&t=5"),
        format!("  {url}\n"),
    ] {
        let d = decode_fragment(&input).unwrap();
        assert_eq!((d.scenario, d.view), (s.clone(), v.clone()), "{input}");
    }
}

#[test]
fn few_changes_is_short() {
    let link = encode_fragment(&few_changes(), &ViewState::default());
    println!("few changes: {} chars: {link}", link.len());
    assert!(link.len() < 200, "{} chars: {link}", link.len());
    let mut more = few_changes();
    more.network.latency = Latency::Const { value: Dur::ms(10) };
    more.seed = 42;
    let link = encode_fragment(&more, &ViewState::default());
    println!("a few more changes: {} chars: {link}", link.len());
    assert!(link.len() < 240, "{} chars: {link}", link.len());
}

#[test]
fn unsafe_only_with_allow_unsafe() {
    let mut s = Scenario::default();
    s.cluster.nodes = 6;
    s.cluster.quorum = QuorumSpec::Counting { q1: 3, q2: 3 };
    s.cluster.allow_unsafe = true;
    let link = encode_fragment(&s, &ViewState::default());
    assert_eq!(decode_fragment(&link).unwrap().scenario, s);
    s.cluster.allow_unsafe = false;
    let link = encode_fragment(&s, &ViewState::default());
    let e = decode_fragment(&link).unwrap_err();
    assert!(matches!(e, ShareError::InvalidScenario(_)), "{e:?}");
    assert!(e.to_string().contains("unsafe"), "{e}");
}

fn encode_raw(json: &str) -> String {
    use base64::Engine as _;
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
    format!(
        "s=1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    )
}

#[test]
fn distinct_errors() {
    let link = encode_fragment(&few_changes(), &ViewState::default());
    let payload = link.strip_prefix("s=1.").unwrap();
    type Expect = fn(&ShareError) -> bool;
    let cases: Vec<(String, Expect)> = vec![
        ("http://x/y/".into(), |e| *e == ShareError::NotALink),
        ("#t=5".into(), |e| *e == ShareError::NotALink),
        ("".into(), |e| *e == ShareError::NotALink),
        (format!("s=4.{payload}"), |e| {
            matches!(e, ShareError::UnsupportedVersion { newer: true, .. })
                && e.to_string().contains("newer version of FPaxos Playground")
        }),
        (format!("s=x.{payload}"), |e| {
            matches!(e, ShareError::UnsupportedVersion { newer: false, .. })
        }),
        ("s=1.ab*cd".into(), |e| *e == ShareError::BadBase64),
        (format!("s=1.{}", &payload[..payload.len() / 2]), |e| {
            *e == ShareError::BadCompressed
        }),
        ("s=1.".into(), |e| *e == ShareError::BadCompressed),
        (encode_raw("not json"), |e| {
            matches!(e, ShareError::BadJson(_))
        }),
        (encode_raw("[1,2]"), |e| matches!(e, ShareError::BadJson(_))),
        (encode_raw(r#"{"s":{"bogus":1}}"#), |e| {
            matches!(e, ShareError::InvalidScenario(_))
        }),
        (
            encode_raw(r#"{"s":{"cluster":{"nodes":0}}}"#),
            |e| matches!(e, ShareError::InvalidScenario(m) if m.iter().any(|m| m.contains("cluster.nodes"))),
        ),
        (encode_raw(r#"{"s":{"version":7}}"#), |e| {
            matches!(e, ShareError::InvalidScenario(_))
        }),
        (encode_raw(r#"{"s":{},"v":{"panels":3}}"#), |e| {
            matches!(e, ShareError::BadJson(_))
        }),
        (
            encode_raw(r#"{"s":{},"v":{"compare":[{"label":"a","s":{"seed":-1}}]}}"#),
            |e| matches!(e, ShareError::InvalidScenario(m) if m[0].contains("variant `a`")),
        ),
        (encode_raw(&" ".repeat(MAX_DECODED_BYTES + 1)), |e| {
            *e == ShareError::TooLarge
        }),
    ];
    for (input, ok) in cases {
        let e = decode_fragment(&input).unwrap_err();
        assert!(ok(&e), "{input}: {e:?}");
        let msg = e.to_string();
        assert!(msg.ends_with('.') && msg.len() > 20, "{msg}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 5000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        let _ = decode_fragment(&format!("s=1.{b64}"));
        let _ = decode_fragment(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_strings_never_panic(s in "\\PC{0,200}", t in "[A-Za-z0-9_=#&.-]{0,200}") {
        let _ = decode_fragment(&s);
        let _ = decode_fragment(&t);
        let _ = decode_fragment(&format!("s=1.{t}"));
    }

    #[test]
    fn damaged_links_are_errors(cut in 0usize..1000, flip in 0usize..8000, which in 0usize..3) {
        let link = match which {
            0 => encode_fragment(&Scenario::default(), &ViewState::default()),
            1 => encode_fragment(&few_changes(), &ViewState::default()),
            _ => encode_fragment(&everything_changed(), &full_view()),
        };
        // Truncation: every proper prefix is an error (never a different scenario or a panic).
        let cut = cut % link.len();
        prop_assert!(decode_fragment(&link[..cut]).is_err());
        // A bit flip in the payload: an error or some valid scenario, never a panic.
        let mut bytes = link.clone().into_bytes();
        let i = 4 + flip / 8 % (bytes.len() - 4);
        bytes[i] ^= 1 << (flip % 8);
        let _ = decode_fragment(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn huge_length_claims_are_rejected(len in 0u16..=u16::MAX, junk in proptest::collection::vec(any::<u8>(), 0..64)) {
        use base64::Engine as _;
        // A stored DEFLATE block claiming `len` bytes that are not there.
        let mut raw = vec![0b001u8];
        raw.extend_from_slice(&len.to_le_bytes());
        raw.extend_from_slice(&(!len).to_le_bytes());
        raw.extend_from_slice(&junk);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw);
        let link = format!("s=1.{b64}");
        prop_assert!(decode_fragment(&link).is_err());
    }
}

#[test]
fn bombs_are_capped() {
    // Highly compressible documents over the cap: a zip bomb is refused, not inflated.
    for reps in [1, 4, 16] {
        let json = format!(
            "{{\"s\":{{\"notes\":\"{}\"}}}}",
            "a".repeat(MAX_DECODED_BYTES * reps)
        );
        let e = decode_fragment(&encode_raw(&json)).unwrap_err();
        assert_eq!(e, ShareError::TooLarge);
    }
}

#[test]
#[ignore = "prints golden vectors for tests/golden.rs"]
fn print_golden() {
    for (s, v) in [
        (Scenario::default(), ViewState::default()),
        (few_changes(), ViewState::default()),
        (everything_changed(), full_view()),
    ] {
        println!("{}", encode_fragment(&s, &v));
        println!("{}", serde_json::to_string(&s).unwrap());
        println!("{}", serde_json::to_string(&v).unwrap());
    }
}

/// A counterexample scenario: the 4-node split brain of `fpaxos explore` as a schedule (the
/// engine's schedule test's), named, with one delivery that keeps its message.
pub fn scheduled() -> Scenario {
    let json = include_str!("../../fpaxos-sim/tests/engine/data/split-brain-schedule.json");
    let mut s = Scenario::from_json(json).unwrap();
    s.name = "split brain".into();
    let steps = &mut s.schedule.as_mut().unwrap().steps;
    let Step::Deliver { keep, .. } = &mut steps[7] else {
        panic!("step 8 delivers the promise")
    };
    *keep = true;
    s
}

#[test]
fn a_scheduled_scenario_travels_in_a_version_2_link() {
    let s = scheduled();
    let link = encode_fragment(&s, &ViewState::default());
    assert!(link.starts_with("s=2."), "{link}");
    assert!(link.len() < 600, "{} characters: {link}", link.len());
    let back = decode_fragment(&link).unwrap();
    assert_eq!(back.scenario, s);
    // The same run: same report, same trace hash.
    let a = fpaxos_sim::run(&s).unwrap();
    let b = fpaxos_sim::run(&back.scenario).unwrap();
    assert_eq!(a.trace_hash, b.trace_hash);
    assert!(!a.safety.ok && a.schedule_error.is_none());
    // In a compare variant too.
    let view = in_compare("counterexample", &s);
    let link = encode_fragment(&few_changes(), &view);
    assert!(link.starts_with("s=2."), "{link}");
    assert_eq!(decode_fragment(&link).unwrap().view, view);
    // Without a schedule a link stays version 1, byte for byte.
    assert!(encode_fragment(&few_changes(), &ViewState::default()).starts_with("s=1."));
}

/// [`scheduled`] with a resend of client 0's command to node 1 after it submitted it.
fn with_a_resend() -> Scenario {
    let mut s = scheduled();
    let steps = &mut s.schedule.as_mut().unwrap().steps;
    let at = steps
        .iter()
        .position(|st| matches!(st, Step::Request { client: 0, .. }))
        .expect("the schedule submits client 0's command");
    steps.insert(at + 1, Step::Resend { node: 1, client: 0 });
    s.duration = fpaxos_sim::dur::Dur::ms(steps.len() as u64 + 1);
    s
}

#[test]
fn a_schedule_that_resends_travels_in_a_version_3_link_and_older_versions_refuse_it() {
    let s = with_a_resend();
    let link = encode_fragment(&s, &ViewState::default());
    assert!(link.starts_with("s=3."), "{link}");
    let back = decode_fragment(&link).unwrap();
    assert_eq!(back.scenario, s);
    let a = fpaxos_sim::run(&s).unwrap();
    assert!(a.schedule_error.is_none(), "{:?}", a.schedule_error);
    assert_eq!(
        a.trace_hash,
        fpaxos_sim::run(&back.scenario).unwrap().trace_hash
    );
    // In a compare variant too, under a scenario without a schedule.
    let view = in_compare("resend", &s);
    let link = encode_fragment(&few_changes(), &view);
    assert!(link.starts_with("s=3."), "{link}");
    assert_eq!(decode_fragment(&link).unwrap().view, view);
    // A version-2 or version-1 link with a resend step was not made by any build: refused.
    let link = encode_fragment(&s, &ViewState::default());
    for old in ["s=2.", "s=1."] {
        let e = decode_fragment(&link.replacen("s=3.", old, 1)).unwrap_err();
        assert!(matches!(e, ShareError::BadJson(_)), "{e:?}");
        assert!(e.to_string().contains("version 3"), "{e}");
    }
    // And a schedule without resends is still written as version 2.
    assert!(encode_fragment(&scheduled(), &ViewState::default()).starts_with("s=2."));
}

#[test]
fn a_version_1_link_cannot_carry_a_schedule() {
    let link = encode_fragment(&scheduled(), &ViewState::default());
    let v1 = link.replacen("s=2.", "s=1.", 1);
    let e = decode_fragment(&v1).unwrap_err();
    assert!(matches!(e, ShareError::BadJson(_)), "{e:?}");
    assert!(e.to_string().contains("version 2"), "{e}");
}
