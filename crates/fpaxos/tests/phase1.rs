//! Phase 1 at its edges: which report a new leader keeps, which promises count, when it takes
//! a snapshot instead of entries, and what counts as a recovered value. Each test was written
//! for a mutant that survived the explorer's and the short swarm's fast runs
//! (`scripts/mutants.sh`, `docs/mutants.md`); the explorer finds the value-recovery bugs only
//! with three ballots and two commands (`planted_lowest_ballot_value_is_found`, seconds in a
//! release build), too slow to run on every mutant.

mod harness;

use fpaxos::msg::{Accept, Nack, Promise, PromiseEntry};
use fpaxos::{
    Ballot, Event, Input, Msg, MsgKind, NodeId, Output, PlantedBug, Role, Slot, Timer, Value,
};
use harness::*;

fn promise(ballot: Ballot, executed: Slot, base: Slot, entries: Vec<PromiseEntry>) -> Msg {
    Msg::Promise(Promise {
        ballot,
        executed,
        digest: 77,
        base,
        entries,
        sessions: None,
    })
}

fn entry(slot: Slot, ballot: Ballot, value: Value, chosen: bool) -> PromiseEntry {
    PromiseEntry {
        slot,
        ballot,
        value,
        chosen,
    }
}

/// Node 0 of five (Q1 = 3) campaigns and gets the promises `from`, in that order.
fn campaign_with(promises: Vec<(NodeId, Msg)>) -> Cluster {
    let mut c = Cluster::new(Setup {
        n: 5,
        ..Setup::default()
    });
    c.campaign(0);
    c.net.clear();
    c.outputs.clear();
    for (from, msg) in promises {
        c.input(0, Input::Message { from, msg });
    }
    c
}

/// Phase 1 keeps the value of the highest ballot whatever order the promises arrive in, and a
/// value reported as chosen outranks every ballot.
#[test]
fn phase_one_keeps_the_highest_ranked_report_in_any_order() {
    let b = Ballot::new(1, 0);
    let (low, high) = (Ballot::new(0, 1), Ballot::new(0, 2));
    let (a, z) = (Value::Cmd(cmd(1, 1)), Value::Cmd(cmd(2, 1)));
    let c = campaign_with(vec![
        (1, promise(b, 0, 0, vec![entry(0, high, a.clone(), false)])),
        (2, promise(b, 0, 0, vec![entry(0, low, z.clone(), false)])),
    ]);
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(proposals(&c), vec![(0, a.clone())]);
    let c = campaign_with(vec![
        (1, promise(b, 0, 0, vec![entry(0, low, a.clone(), true)])),
        (2, promise(b, 0, 0, vec![entry(0, high, z.clone(), false)])),
    ]);
    assert_eq!(proposals(&c), vec![(0, a.clone())]);
    // A reported value the leader did not hold is a recovery (the coverage counts these).
    assert!(c.events(0).contains(&Event::ValueRecovered { slot: 0 }));
}

/// A promise counts once, and only for the candidate's current ballot.
#[test]
fn stale_and_repeated_promises_do_not_make_a_q1() {
    let b = Ballot::new(1, 0);
    let stale = Ballot::new(0, 0);
    let c = campaign_with(vec![
        (1, promise(b, 0, 0, vec![])),
        (1, promise(b, 0, 0, vec![])),
    ]);
    assert_eq!(c.node(0).role(), Role::Candidate);
    let c = campaign_with(vec![
        (1, promise(b, 0, 0, vec![])),
        (2, promise(stale, 0, 0, vec![])),
    ]);
    assert_eq!(c.node(0).role(), Role::Candidate);
    let c = campaign_with(vec![
        (1, promise(b, 0, 0, vec![])),
        (2, promise(b, 0, 0, vec![])),
    ]);
    assert_eq!(c.node(0).role(), Role::Leader);
}

/// A promiser whose log base is past the candidate's executed prefix hands over its state: the
/// new leader installs the furthest such snapshot before proposing; a promise from behind is a
/// lagging one (an event the coverage counts).
#[test]
fn phase_one_installs_the_furthest_snapshot_and_notes_lagging_promises() {
    let b = Ballot::new(1, 0);
    let c = campaign_with(vec![
        (1, promise(b, 9, 5, vec![])),
        (2, promise(b, 7, 6, vec![])),
    ]);
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(c.node(0).executed(), 9);
    assert!(c.outputs.iter().any(|(_, o)| matches!(
        o,
        Output::SnapshotInstalled {
            upto: 9,
            digest: 77
        }
    )));
    assert!(!c
        .events(0)
        .iter()
        .any(|e| matches!(e, Event::LaggingPromise { .. })));
    // Now node 0 has executed 9: a promise at 8 lags, one at 9 does not.
    // Node 0 has executed 9 now; displaced, it campaigns again: a promise at 8 lags, one at 9
    // does not.
    let mut c = c;
    let msg = Msg::Nack(Nack {
        promised: Ballot::new(5, 3),
    });
    c.input(0, Input::Message { from: 3, msg });
    c.campaign(0);
    c.outputs.clear();
    let b2 = c.node(0).ballot();
    for (from, executed) in [(1, 9), (2, 8)] {
        let msg = promise(b2, executed, 0, vec![]);
        c.input(0, Input::Message { from, msg });
    }
    let lagging: Vec<_> = c
        .events(0)
        .into_iter()
        .filter(|e| matches!(e, Event::LaggingPromise { .. }))
        .collect();
    assert_eq!(lagging, vec![Event::LaggingPromise { from: 2 }]);
}

/// The candidate's retransmit timer asks again every node that has not promised.
#[test]
fn a_candidate_resends_prepares_to_the_nodes_that_have_not_promised() {
    let b = Ballot::new(1, 0);
    let mut c = campaign_with(vec![(1, promise(b, 0, 0, vec![]))]);
    c.now += RETRANSMIT;
    c.fire(0, Timer::Retransmit);
    assert_eq!(targets(&c.in_flight(MsgKind::Prepare)), vec![2, 3, 4]);
}

/// With `lowest-ballot-value` planted, phase 1 keeps the lower-ranked report (the bug the
/// explorer must find); without it, the higher.
#[test]
fn the_planted_phase_one_bug_keeps_the_lowest_ballot() {
    let b = Ballot::new(1, 0);
    let (low, high) = (Ballot::new(0, 1), Ballot::new(0, 2));
    let (a, z) = (Value::Cmd(cmd(1, 1)), Value::Cmd(cmd(2, 1)));
    for (planted, kept) in [(None, &a), (Some(PlantedBug::LowestBallotValue), &z)] {
        let mut c = Cluster::new(Setup {
            n: 5,
            planted,
            ..Setup::default()
        });
        c.campaign(0);
        c.net.clear();
        for (from, e) in [
            (1, entry(0, high, a.clone(), false)),
            (2, entry(0, low, z.clone(), false)),
        ] {
            let msg = promise(b, 0, 0, vec![e]);
            c.input(0, Input::Message { from, msg });
        }
        assert_eq!(proposals(&c), vec![(0, kept.clone())], "{planted:?}");
    }
}

/// The furthest snapshot wins in either order, and a promiser whose log still starts at the
/// candidate's executed prefix reports entries instead: no state transfer.
#[test]
fn phase_one_takes_a_snapshot_only_past_the_candidates_prefix() {
    let b = Ballot::new(1, 0);
    let installed = |c: &Cluster| -> Vec<Slot> {
        c.outputs
            .iter()
            .filter_map(|(_, o)| match o {
                Output::SnapshotInstalled { upto, .. } => Some(*upto),
                _ => None,
            })
            .collect()
    };
    let c = campaign_with(vec![
        (2, promise(b, 7, 6, vec![])),
        (1, promise(b, 9, 5, vec![])),
    ]);
    assert_eq!(installed(&c), vec![9]);
    let a = Value::Cmd(cmd(1, 1));
    let c = campaign_with(vec![
        (
            1,
            promise(b, 1, 0, vec![entry(0, Ballot::new(0, 1), a.clone(), true)]),
        ),
        (2, promise(b, 0, 0, vec![])),
    ]);
    assert_eq!(installed(&c), Vec::<Slot>::new());
    assert_eq!(proposals(&c), vec![(0, a)]);
}

/// "Value recovered" means phase 1 changed what the new leader held for a slot: reporting the
/// value it already accepted is no recovery.
#[test]
fn a_recovery_is_a_changed_value_not_a_confirmed_one() {
    let b = Ballot::new(1, 0);
    let (a, z) = (Value::Cmd(cmd(1, 1)), Value::Cmd(cmd(2, 1)));
    for (reported, recovered) in [(&a, false), (&z, true)] {
        let mut c = Cluster::new(Setup {
            n: 5,
            ..Setup::default()
        });
        // Node 0 accepted `a` in slot 0 from some earlier leader.
        let msg = Msg::Accept(Accept {
            ballot: Ballot::new(0, 1),
            slot: 0,
            value: a.clone(),
            commit: 0,
        });
        c.input(0, Input::Message { from: 1, msg });
        c.campaign(0);
        assert_eq!(c.node(0).ballot(), b);
        c.outputs.clear();
        for from in [1, 2] {
            let e = entry(0, Ballot::new(0, 2), reported.clone(), false);
            let msg = promise(b, 0, 0, vec![e]);
            c.input(0, Input::Message { from, msg });
        }
        assert_eq!(proposals(&c), vec![(0, reported.clone())]);
        let event = c.events(0).contains(&Event::ValueRecovered { slot: 0 });
        assert_eq!(event, recovered, "{reported:?}");
    }
}
