//! Faithful acceptors (issue 9): every acceptor decision follows a local rule, so the
//! violations shown with unsafe quorums are ones a real implementation would produce.

mod harness;

use fpaxos::msg::{Accept, Commit, Prepare, Promise, PromiseEntry, Snapshot};
use fpaxos::{Ballot, Command, Input, Msg, MsgKind, NodeId, Role, Slot, Value};
use harness::*;

/// Feeds node `to` a message as if from `from`.
fn send_to(c: &mut Cluster, from: NodeId, to: NodeId, msg: Msg) {
    c.input(to, Input::Message { from, msg });
}

fn accept(ballot: Ballot, slot: Slot, value: Value) -> Msg {
    Msg::Accept(Accept {
        ballot,
        slot,
        value,
        commit: 0,
    })
}

fn commit_of(ballot: Ballot, entries: Vec<(Slot, Value)>) -> Msg {
    Msg::Commit(Commit {
        ballot,
        commit: 0,
        entries,
    })
}

/// Node `from` prepares at `ballot` to node `to`, which answers: returns its promise. An
/// election timeout passes first, so that no leader's lease holds the prepare off.
fn promise_of(c: &mut Cluster, to: NodeId, ballot: Ballot) -> Promise {
    c.now += ELECTION;
    let from = ballot.node();
    send_to(
        c,
        from,
        to,
        Msg::Prepare(Prepare {
            ballot,
            first_slot: 0,
        }),
    );
    match c.take(|f| f.from == to && f.msg.kind() == MsgKind::Promise) {
        Some(Flight {
            msg: Msg::Promise(p),
            ..
        }) => p,
        other => panic!("no promise: {other:?}"),
    }
}

#[test]
fn an_acceptor_acks_only_what_it_stores() {
    let mut c = Cluster::new(Setup::default());
    let (v, w) = (Value::Cmd(Command { client: 1, seq: 1 }), Value::Noop);
    let b = Ballot::new(3, 0);
    // Below the log base: nothing can be stored, so nothing is acked.
    let snapshot = Msg::Snapshot(Snapshot {
        ballot: Ballot::ZERO,
        upto: 2,
        digest: 1,
        sessions: None,
    });
    send_to(&mut c, 0, 1, snapshot);
    send_to(&mut c, 0, 1, accept(b, 1, w.clone()));
    assert!(c.in_flight(MsgKind::Accepted).is_empty());
    // Slot 5 is known chosen with v: a different value is refused, the same value is acked.
    send_to(&mut c, 0, 1, commit_of(Ballot::ZERO, vec![(5, v.clone())]));
    send_to(&mut c, 0, 1, accept(b, 5, w));
    assert!(c.in_flight(MsgKind::Accepted).is_empty());
    send_to(&mut c, 0, 1, accept(b, 5, v.clone()));
    assert_eq!(c.in_flight(MsgKind::Accepted).len(), 1);
    let p = promise_of(&mut c, 1, Ballot::new(4, 2));
    assert_eq!(p.entries.len(), 1);
    assert_eq!((p.entries[0].slot, p.entries[0].ballot), (5, b));
    assert_eq!(p.entries[0].value, v);
}

#[test]
fn a_commit_marks_chosen_without_stamping_a_ballot_and_phase_one_prefers_it() {
    let mut c = Cluster::new(Setup::default());
    let (v, w) = (Value::Cmd(Command { client: 1, seq: 1 }), Value::Noop);
    // Node 1 accepted nothing in slot 2, then learns from a commit that v is chosen there.
    send_to(
        &mut c,
        0,
        1,
        commit_of(Ballot::new(3, 0), vec![(2, v.clone())]),
    );
    let p = promise_of(&mut c, 1, Ballot::new(4, 2));
    assert_eq!(p.entries.len(), 1);
    let e = &p.entries[0];
    assert_eq!((e.slot, e.ballot, e.chosen), (2, Ballot::ZERO, true));

    // A candidate prefers a chosen report over any ballot: node 0 hears w at a high ballot
    // from node 2, and v chosen from node 1.
    let mut c = Cluster::new(Setup {
        n: 5,
        ..Setup::default()
    });
    c.campaign(0);
    let b = c.node(0).ballot();
    c.net.clear();
    send_to(&mut c, 0, 1, commit_of(Ballot::ZERO, vec![(2, v.clone())]));
    let mut high = promise_of(&mut c, 2, b);
    high.entries = vec![PromiseEntry {
        slot: 2,
        ballot: Ballot::new(1, 4),
        value: w,
        chosen: false,
    }];
    send_to(&mut c, 2, 0, Msg::Promise(high));
    let chosen = promise_of(&mut c, 1, b);
    send_to(&mut c, 1, 0, Msg::Promise(chosen));
    assert_eq!(c.node(0).role(), Role::Leader);
    let slot2: Vec<Value> = c
        .in_flight(MsgKind::Accept)
        .into_iter()
        .filter_map(|f| match f.msg {
            Msg::Accept(a) if a.slot == 2 => Some(a.value),
            _ => None,
        })
        .collect();
    assert!(
        !slot2.is_empty() && slot2.iter().all(|x| *x == v),
        "{slot2:?}"
    );
}

#[test]
fn a_leader_never_proposes_into_a_slot_it_knows_chosen() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let v = Value::Cmd(Command { client: 9, seq: 1 });
    // A rival's commit (only possible with unsafe quorums) says slot 1 is chosen with v.
    send_to(&mut c, 1, 0, commit_of(Ballot::ZERO, vec![(1, v.clone())]));
    c.request(0, 2, 1);
    let second = c.request(0, 2, 2);
    let slots: Vec<(Slot, Value)> = c
        .in_flight(MsgKind::Accept)
        .into_iter()
        .filter(|f| f.to == 1)
        .filter_map(|f| match f.msg {
            Msg::Accept(a) => Some((a.slot, a.value)),
            _ => None,
        })
        .collect();
    assert_eq!(slots[1], (2, Value::Cmd(second)));
    c.deliver_all();
    assert_eq!(c.decided(0)[1], (1, v));
}
