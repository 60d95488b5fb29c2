//! `Node::ignores_for_good`: which replies a node will never react to again (what the explorer
//! forgets, `crates/fpaxos-explore`). Each rule is checked both ways here, on nodes driven by
//! hand, and every reply called settled is checked quiet: delivering it changes nothing and
//! sends nothing. That it stays settled in every later state is checked on whole searches by
//! the explorer's `settled_replies_stay_settled`.

mod harness;

use fpaxos::msg::{Accept, Accepted, Heartbeat, HeartbeatAck, Nack, Prepare};
use fpaxos::{Ballot, Input, Msg, MsgKind, Node, NodeId, Role, Timer};
use harness::*;
use std::hash::{DefaultHasher, Hasher};

fn state_hash(n: &Node) -> u64 {
    let mut h = DefaultHasher::new();
    n.hash_state(&mut h);
    h.finish()
}

/// Whether node `id` of `c` ignores `msg` from `from` for good, with and without timers that
/// may still fire; a reply called settled must be quiet now.
fn settled(c: &Cluster, id: NodeId, from: NodeId, msg: &Msg) -> (bool, bool) {
    let n = c.node(id);
    let answer = (
        n.ignores_for_good(from, msg, false),
        n.ignores_for_good(from, msg, true),
    );
    if answer.0 || answer.1 {
        let mut m = n.clone();
        let mut out = Vec::new();
        m.handle(
            c.now,
            Input::Message {
                from,
                msg: msg.clone(),
            },
            &mut out,
        );
        assert!(out.is_empty(), "{msg:?} is settled but sends {out:?}");
        assert_eq!(
            state_hash(&m),
            state_hash(n),
            "{msg:?} is settled but changes node {id}"
        );
    }
    // Settled while timers may fire implies settled once they may not.
    assert!(!answer.1 || answer.0, "{msg:?}");
    answer
}

/// Node 0 campaigns in a cluster of `setup`, its Prepare reaches `prepared`, and the promise
/// of the first of them reaches it (returned); the others' promises stay in flight.
fn campaign_with(setup: Setup, prepared: &[NodeId]) -> (Cluster, Msg) {
    let mut c = Cluster::new(setup);
    c.campaign(0);
    for &to in prepared {
        c.deliver(0, to, MsgKind::Prepare);
    }
    let promise = c.deliver(prepared[0], 0, MsgKind::Promise);
    (c, promise)
}

/// Node 0 leads ballot `b` of three nodes with node 1's promise; node 2's is still in flight.
fn leader() -> (Cluster, Ballot, Msg) {
    let (c, promise) = campaign_with(Setup::default(), &[1, 2]);
    assert_eq!(c.node(0).role(), Role::Leader);
    let b = c.node(0).ballot();
    (c, b, promise)
}

#[test]
fn a_leaders_late_promises_are_settled_once_heard_while_no_heartbeat_fires() {
    let (c, _, promise) = leader();
    // Node 1 is heard: its promise again only notes it as heard, unless a heartbeat clears
    // check-quorum's `heard` first.
    assert_eq!(settled(&c, 0, 1, &promise), (true, false));
    // Node 2's promise is not counted yet: delivering it marks node 2 heard.
    let late = c.in_flight(MsgKind::Promise)[0].msg.clone();
    assert_eq!(settled(&c, 0, 2, &late), (false, false));
    // Without check-quorum nothing clears `heard`.
    let no_check_quorum = Setup {
        check_quorum: false,
        ..Setup::default()
    };
    let (c, promise) = campaign_with(no_check_quorum, &[1]);
    assert_eq!(settled(&c, 0, 1, &promise), (true, true));
}

#[test]
fn a_candidate_keeps_the_promises_it_has_not_counted() {
    let five = || Setup {
        n: 5,
        ..Setup::default()
    };
    let no_check_quorum = Setup {
        check_quorum: false,
        ..five()
    };
    let (c, counted) = campaign_with(no_check_quorum, &[1, 2]);
    assert_eq!(c.node(0).role(), Role::Candidate);
    assert_eq!(settled(&c, 0, 1, &counted), (true, true));
    let waiting = c.in_flight(MsgKind::Promise)[0].msg.clone();
    assert_eq!(settled(&c, 0, 2, &waiting), (false, false));
    // With check-quorum the counted one is settled only while no heartbeat can fire once it
    // leads.
    let (c, counted) = campaign_with(five(), &[1]);
    assert_eq!(settled(&c, 0, 1, &counted), (true, false));
}

#[test]
fn a_leaders_accepteds_and_acks_are_settled_once_they_add_nothing() {
    let (mut c, b, _) = leader();
    c.deliver_all();
    c.outputs.clear();
    c.request(0, 1, 1);
    c.deliver(0, 1, MsgKind::Accept);
    let accepted = c.deliver(1, 0, MsgKind::Accepted);
    assert_eq!(c.node(0).executed(), 1);
    // Node 1's vote is counted: again, it adds nothing while no retransmit suspects it.
    assert_eq!(settled(&c, 0, 1, &accepted), (true, false));
    // Node 2's vote for the slot is not counted yet.
    let from_2 = Msg::Accepted(Accepted { ballot: b, slot: 0 });
    assert_eq!(settled(&c, 0, 2, &from_2), (false, false));
    // A vote for a slot the leader never proposed is not judged settled.
    let unknown = Msg::Accepted(Accepted { ballot: b, slot: 7 });
    assert_eq!(settled(&c, 0, 1, &unknown), (false, false));
    // An ack at the last heartbeat's commit index adds nothing; one behind it asks for a
    // catch-up.
    let ack = |executed| {
        Msg::HeartbeatAck(HeartbeatAck {
            ballot: b,
            executed,
        })
    };
    assert_eq!(settled(&c, 0, 1, &ack(0)), (true, false));
    c.now += HEARTBEAT;
    c.fire(0, Timer::Heartbeat);
    assert_eq!(settled(&c, 0, 1, &ack(0)), (false, false));
    assert_eq!(settled(&c, 0, 1, &ack(1)), (true, false));
}

#[test]
fn replies_of_a_ballot_left_are_settled_for_good() {
    let (mut c, b, promise) = leader();
    c.deliver_all();
    c.request(0, 1, 1);
    c.deliver(0, 1, MsgKind::Accept);
    let accepted = c.deliver(1, 0, MsgKind::Accepted);
    let ack = Msg::HeartbeatAck(HeartbeatAck {
        ballot: b,
        executed: 0,
    });
    // Deposed by a higher ballot: nothing of ballot `b` matters to node 0 again, timers or not.
    let higher = Ballot::new(b.round() + 3, 1);
    c.input(
        0,
        Input::Message {
            from: 1,
            msg: Msg::Nack(Nack { promised: higher }),
        },
    );
    assert_eq!(c.node(0).role(), Role::Follower);
    for (from, m) in [(1, &promise), (2, &promise), (1, &accepted), (2, &ack)] {
        assert_eq!(settled(&c, 0, from, m), (true, true), "{m:?}");
    }
    // An empty promise of the ballot after `higher`'s round, owned by `node`.
    let promise_of = |node| {
        Msg::Promise(fpaxos::msg::Promise {
            ballot: Ballot::new(higher.round() + 1, node),
            executed: 0,
            digest: 0,
            base: 0,
            entries: Vec::new(),
            sessions: None,
        })
    };
    // A ballot of node 0's that it has not campaigned at (its promise is below it): it may
    // still, so a promise of it is kept.
    let future = promise_of(0);
    assert_eq!(settled(&c, 0, 1, &future), (false, false));
    // Another node's ballot: node 0 is never in office at it.
    let others = promise_of(2);
    assert_eq!(settled(&c, 0, 1, &others), (true, true));
}

#[test]
fn nacks_are_settled_once_the_promise_and_the_ballot_cover_them() {
    let (c, b, _) = leader();
    let nack = |promised| Msg::Nack(Nack { promised });
    // The leader: its own ballot is covered, a higher one deposes it.
    assert_eq!(settled(&c, 0, 1, &nack(b)), (true, true));
    assert_eq!(settled(&c, 0, 1, &nack(Ballot::ZERO)), (true, true));
    let higher = Ballot::new(b.round() + 1, 2);
    assert_eq!(settled(&c, 0, 1, &nack(higher)), (false, false));
    // A follower that promised `b`: a Nack of `b` is covered, a higher one raises its promise.
    assert_eq!(c.node(1).promised(), b);
    assert_eq!(settled(&c, 1, 2, &nack(b)), (true, true));
    assert_eq!(settled(&c, 1, 2, &nack(higher)), (false, false));
}

#[test]
fn requests_are_never_settled() {
    let (c, b, _) = leader();
    let stale = Ballot::ZERO;
    for m in [
        Msg::Prepare(Prepare {
            ballot: stale,
            first_slot: 0,
        }),
        Msg::Accept(Accept {
            ballot: stale,
            slot: 0,
            value: Default::default(),
            commit: 0,
        }),
        Msg::Heartbeat(Heartbeat {
            ballot: stale,
            commit: 0,
        }),
        Msg::Prepare(Prepare {
            ballot: b,
            first_slot: 0,
        }),
    ] {
        assert_eq!(settled(&c, 1, 0, &m), (false, false), "{m:?}");
    }
}
