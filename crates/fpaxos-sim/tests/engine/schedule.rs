//! Schedule mode: a scenario with an explicit schedule replays exactly the steps it lists (the
//! 10-step split brain `fpaxos explore` finds for N = 4, Q1 = Q2 = 2), to the same agreement
//! violation, the same way every time; a step that does not fit the run stops the replay with
//! one sentence; a schedule that cannot fit the scenario is refused by validation.

use fpaxos_sim::scenario::{Schedule, Step};
use fpaxos_sim::trace::diagram::Fate;
use fpaxos_sim::{Dur, Fault, FaultAction, Scenario, Sim};

/// `fpaxos explore --nodes 4 --quorum 2,2 --scenario-out` (name and notes left out); the share
/// crate's link tests read it too.
const SPLIT_BRAIN: &str = include_str!("data/split-brain-schedule.json");

fn split_brain() -> Scenario {
    Scenario::from_json(SPLIT_BRAIN).expect("valid JSON")
}

fn run(s: &Scenario) -> fpaxos_sim::Report {
    Sim::new(s.check().expect("valid scenario")).run_to_end()
}

fn steps(s: &mut Scenario) -> &mut Vec<Step> {
    &mut s.schedule.as_mut().expect("a schedule").steps
}

#[test]
fn the_split_brain_replays_to_the_same_violation_every_time() {
    let s = split_brain();
    let r = run(&s);
    assert_eq!(r.schedule_error, None);
    assert_eq!(r.safety.violations.len(), 1, "{:?}", r.safety);
    let v = &r.safety.violations[0];
    assert_eq!((v.kind.name(), v.slot), ("agreement", 0));
    assert!(
        v.message.contains("c0#1") && v.message.contains("c1#1"),
        "{}",
        v.message
    );
    // At step 10 (10 ms), when node 0's vote makes {0, 2} a Q2 for c1#1.
    assert_eq!(v.time_ns, Dur::ms(10).0);
    let again = run(&Scenario::from_json(&s.to_json_pretty()).expect("round trip"));
    assert_eq!(again.trace_hash, r.trace_hash);
    // Without the last step nothing conflicts yet.
    let mut short = s.clone();
    steps(&mut short).pop();
    assert!(run(&short).safety.ok);
}

#[test]
fn the_diagram_draws_each_delivery_at_its_step() {
    let s = split_brain();
    let mut sim = Sim::new(s.check().expect("valid"));
    sim.run_to_end();
    let msgs = sim.trace().diagram().msgs();
    // Step 2 delivers the first message node 0 sent (its prepare to node 1, sent at step 1).
    let prepare = msgs
        .iter()
        .find(|m| (m.from, m.to) == (0, 1))
        .expect("a prepare 0→1");
    assert_eq!((prepare.sent, prepare.end), (Dur::ms(1).0, Dur::ms(2).0));
    assert_eq!(prepare.fate, Fate::Delivered);
    // A message no step delivers stays in flight to the end of the run.
    assert!(msgs.iter().any(|m| m.end == Dur::ms(11).0), "{msgs:?}");
}

#[test]
fn a_step_that_does_not_fit_the_run_stops_the_replay_with_a_sentence() {
    let cases: [(usize, Step, &str); 5] = [
        (
            1,
            Step::Deliver {
                from: 0,
                to: 1,
                nth: 9,
                kind: fpaxos::MsgKind::Prepare,
                keep: false,
            },
            "names message 0→1 #9, but node 0 has sent node 1 only 1 so far",
        ),
        (
            1,
            Step::Deliver {
                from: 0,
                to: 1,
                nth: 1,
                kind: fpaxos::MsgKind::Accept,
                keep: false,
            },
            "names a accept, but message 0→1 #1 is a prepare",
        ),
        (
            0,
            Step::Timer {
                node: 1,
                timer: fpaxos_sim::scenario::TimerName::Heartbeat,
            },
            "fires node 1's heartbeat timer, which is not armed",
        ),
        (
            0,
            Step::Recover { node: 3 },
            "recovers node 3, which is not down",
        ),
        (
            2,
            Step::Drop {
                from: 0,
                to: 1,
                nth: 1,
                kind: fpaxos::MsgKind::Prepare,
            },
            "names message 0→1 #1, which is no longer in flight",
        ),
    ];
    for (at, step, want) in cases {
        let mut s = split_brain();
        steps(&mut s)[at] = step;
        let r = run(&s);
        let err = r.schedule_error.expect("the replay stops");
        assert!(err.contains(want), "{err}");
        assert!(
            err.starts_with(&format!("schedule step {} (", at + 1)),
            "{err}"
        );
        assert!(r.safety.ok);
    }
    // A crashed node takes no delivery.
    let mut s = split_brain();
    steps(&mut s).insert(1, Step::Crash { node: 1 });
    steps(&mut s).pop();
    let err = run(&s).schedule_error.expect("the replay stops");
    assert!(err.contains("delivers to node 1, which is down"), "{err}");
}

#[test]
fn drops_duplicates_and_crashes_replay() {
    use fpaxos::MsgKind::Prepare;
    let mut s = split_brain();
    let prepare = |nth| Step::Deliver {
        from: 0,
        to: 1,
        nth,
        kind: Prepare,
        keep: false,
    };
    // Node 0 campaigns (prepares to 1, 2, 3), one prepare is duplicated and both copies
    // delivered, another dropped; node 3 crashes and recovers.
    *steps(&mut s) = vec![
        Step::Timer {
            node: 0,
            timer: fpaxos_sim::scenario::TimerName::Election,
        },
        Step::Duplicate {
            from: 0,
            to: 1,
            nth: 1,
            kind: Prepare,
        },
        prepare(1),
        prepare(1),
        Step::Drop {
            from: 0,
            to: 2,
            nth: 1,
            kind: Prepare,
        },
        Step::Crash { node: 3 },
        Step::Recover { node: 3 },
        Step::Deliver {
            from: 1,
            to: 0,
            nth: 2,
            kind: fpaxos::MsgKind::Promise,
            keep: true,
        },
    ];
    let mut sim = Sim::new(s.check().expect("valid"));
    let r = sim.run_to_end();
    assert_eq!(r.schedule_error, None);
    assert!(r.safety.ok);
    assert_eq!(r.leader, Some(0));
    // The diagram's messages stay in send order (its level of detail searches them by time),
    // and the kept promise set out again at its delivery (8 ms) and is still in flight.
    let msgs = sim.trace().diagram().msgs();
    assert!(msgs
        .iter()
        .zip(msgs.iter().skip(1))
        .all(|(a, b)| a.sent <= b.sent));
    let kept = msgs
        .iter()
        .rfind(|m| (m.from, m.to) == (1, 0))
        .expect("a promise");
    assert_eq!((kept.sent, kept.end), (Dur::ms(8).0, Dur::ms(11).0));
}

#[test]
fn a_schedule_that_cannot_fit_the_scenario_is_refused_with_sentences() {
    let mut s = split_brain();
    s.duration = Dur::ms(5);
    s.faults = vec![Fault {
        at: Dur::ms(1),
        action: FaultAction::Heal,
    }];
    steps(&mut s)[0] = Step::Crash { node: 7 };
    steps(&mut s)[1] = Step::Drop {
        from: 1,
        to: 1,
        nth: 0,
        kind: fpaxos::MsgKind::Reply,
    };
    steps(&mut s)[3] = Step::Request { node: 0, client: 5 };
    steps(&mut s)[4] = Step::Resend { node: 1, client: 1 };
    let errs = s.check().expect_err("refused").into_lines();
    let want = [
        "the schedule's last step happens at 10ms, after the run ends at 5ms",
        "remove `faults`",
        "schedule step 1 (`node 7 crashes`) names node 7, but nodes are 0..4",
        "names a message from a node to itself",
        "has `nth` 0",
        "names a client message",
        "names client 5, but `workload.clients` is 2",
        "schedule step 5 (`client 1 resends its last command to node 1`) resends a command client 1 has not submitted",
    ];
    for w in want {
        assert!(errs.iter().any(|e| e.contains(w)), "{w}: {errs:?}");
    }
    let mut s = split_brain();
    s.schedule = Some(Schedule {
        every: Dur(0),
        steps: Vec::new(),
    });
    let errs = s.check().expect_err("refused").into_lines();
    assert!(
        errs[0].contains("schedule `every` must be between"),
        "{errs:?}"
    );
}

#[test]
fn a_scenario_without_a_schedule_writes_none() {
    let json = Scenario::default().to_json_pretty();
    assert!(!json.contains("schedule"), "{json}");
    assert_eq!(Scenario::from_json(&json).expect("reads").schedule, None);
}
