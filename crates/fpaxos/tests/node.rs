//! The node's sans-IO contract, pinned down without the simulator: elections, value recovery,
//! commit, nack, catch-up, snapshot and thrifty fallback (harness in `harness/mod.rs`).

mod harness;

use fpaxos::msg::{Accept, Commit, HeartbeatAck, Nack, Prepare, Promise, Snapshot};
use fpaxos::{Ballot, ClientReply, Command, Event, Msg, MsgKind, Output, Role, Timer, Value};
use harness::*;

#[test]
fn candidate_with_a_q1_of_promises_becomes_leader() {
    let mut c = Cluster::new(Setup::default());
    c.campaign(0);
    let b = c.node(0).ballot();
    assert_eq!(b, Ballot::new(1, 0));
    assert_eq!(c.node(0).role(), Role::Candidate);
    assert_eq!(c.events(0), vec![Event::ElectionStarted { ballot: b }]);
    let prepare = Msg::Prepare(Prepare {
        ballot: b,
        first_slot: 0,
    });
    assert_sent(&c, &prepare, &[1, 2]);

    c.deliver(0, 1, MsgKind::Prepare);
    assert_eq!(c.node(1).promised(), b);
    c.deliver(1, 0, MsgKind::Promise);

    // Node 2 never answered: its own promise and node 1's already make a majority.
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(c.node(0).leader_hint(), Some(0));
    assert!(c.events(0).contains(&Event::Elected {
        ballot: b,
        quorum: set(&[0, 1]),
    }));
    // The new leader announces itself to everyone, not only to its Q1.
    assert_eq!(targets(&c.in_flight(MsgKind::Heartbeat)), vec![1, 2]);
}

#[test]
fn phase_one_adopts_the_highest_ballot_value_and_reproposes_it() {
    let mut c = Cluster::new(Setup::default());
    let (c1, c2) = (Command { client: 1, seq: 1 }, Command { client: 2, seq: 1 });
    // Node 0 leads ballot 1.0 and accepts c1 in slot 0 itself, but nobody else sees it.
    c.elect(0);
    c.request(0, c1.client, c1.seq);
    c.net.clear();
    // Node 1 takes over with ballot 2.1 (Q1 {1, 2}) and gets c2 accepted by node 2 only.
    c.campaign(1);
    let b1 = c.node(1).ballot();
    c.deliver(1, 2, MsgKind::Prepare);
    c.deliver(2, 1, MsgKind::Promise);
    assert_eq!(c.node(1).role(), Role::Leader);
    c.deliver(1, 0, MsgKind::Heartbeat);
    assert_eq!(c.node(0).role(), Role::Follower);
    c.net.clear();
    c.request(1, c2.client, c2.seq);
    c.deliver(1, 2, MsgKind::Accept);
    c.net.clear();
    c.outputs.clear();

    // Node 0 campaigns again: its own c1 (ballot 1.0) loses to node 2's c2 (ballot 2.1).
    c.campaign(0);
    let b0 = c.node(0).ballot();
    assert!(b0 > b1);
    c.deliver(0, 2, MsgKind::Prepare);
    let promise = c.deliver(2, 0, MsgKind::Promise);
    let Msg::Promise(Promise { entries, .. }) = &promise else {
        panic!("not a promise: {promise:?}");
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].ballot, &entries[0].value),
        (b1, &Value::Cmd(c2))
    );
    assert_eq!(c.node(0).role(), Role::Leader);
    let reproposal = Msg::Accept(Accept {
        ballot: b0,
        slot: 0,
        value: Value::Cmd(c2),
        commit: 0,
    });
    assert_sent(&c, &reproposal, &[1, 2]);

    // Once a Q2 accepts, c2 is chosen in slot 0 and its client gets the answer from node 0.
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(2, 0, MsgKind::Accepted);
    assert_eq!(c.decided(0), vec![(0, Value::Cmd(c2))]);
    assert_eq!(c.replies(0), vec![(c2.client, ClientReply::Done(c2))]);
}

#[test]
fn a_q2_of_accepted_chooses_executes_and_answers_the_client_once() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let b = c.node(0).ballot();
    let cmd = c.request(0, 7, 1);
    let accept = Msg::Accept(Accept {
        ballot: b,
        slot: 0,
        value: Value::Cmd(cmd),
        commit: 0,
    });
    assert_sent(&c, &accept, &[1, 2]);
    assert!(c.decided(0).is_empty());

    c.deliver(0, 1, MsgKind::Accept);
    c.deliver(1, 0, MsgKind::Accepted);
    assert!(c.events(0).contains(&Event::Chosen {
        slot: 0,
        ballot: b,
        quorum: set(&[0, 1]),
        fingerprint: Value::Cmd(cmd).fingerprint(),
    }));
    assert_eq!(c.decided(0), vec![(0, Value::Cmd(cmd))]);
    assert_eq!(c.replies(0), vec![(7, ClientReply::Done(cmd))]);
    assert_eq!(c.node(0).executed(), 1);
    // The acceptor learns the outcome only from a later commit index.
    assert_eq!(c.node(1).executed(), 0);

    // A late acceptance changes nothing: the slot is chosen and executed once.
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(2, 0, MsgKind::Accepted);
    assert_eq!(c.decided(0).len(), 1);
    assert_eq!(c.replies(0).len(), 1);
    let chosen = |e: &Event| matches!(e, Event::Chosen { .. });
    assert_eq!(c.events(0).iter().filter(|e| chosen(e)).count(), 1);
}

#[test]
fn a_lower_ballot_is_nacked_and_the_displaced_leader_steps_down() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let b0 = c.node(0).ballot();
    // Node 1 takes over with Q1 {1, 2}; node 0 hears nothing of it.
    c.campaign(1);
    let b1 = c.node(1).ballot();
    c.deliver(1, 2, MsgKind::Prepare);
    c.deliver(2, 1, MsgKind::Promise);
    assert_eq!(c.node(1).role(), Role::Leader);
    c.net.clear();
    c.outputs.clear();

    // Node 0 still believes it leads and proposes with its old ballot.
    c.request(0, 9, 1);
    c.deliver(0, 2, MsgKind::Accept);
    assert!(c.in_flight(MsgKind::Accepted).is_empty());
    let nack = c.deliver(2, 0, MsgKind::Nack);
    assert_eq!(nack, Msg::Nack(Nack { promised: b1 }));
    assert_eq!(c.node(2).promised(), b1);

    assert_eq!(
        c.events(0),
        vec![Event::SteppedDown {
            ballot: b0,
            seen: b1
        }]
    );
    assert_eq!(c.node(0).role(), Role::Follower);
    assert_eq!(c.node(0).promised(), b1);
    assert_eq!(c.node(0).leader_hint(), Some(1));
    // A follower sends clients to the leader it now knows.
    let cmd = c.request(0, 9, 2);
    assert_eq!(
        c.replies(0),
        vec![(
            9,
            ClientReply::Redirect {
                cmd,
                leader: Some(1)
            }
        )]
    );
}

#[test]
fn a_lagging_follower_gets_the_chosen_entries_after_its_heartbeat_ack() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let b = c.node(0).ballot();
    let cmd = c.leave_node_2_behind(3, 1)[0];
    // Node 1 has the value: the heartbeat's commit index is all it needs.
    c.deliver(0, 1, MsgKind::Heartbeat);
    assert_eq!(c.node(1).executed(), 1);
    c.deliver(1, 0, MsgKind::HeartbeatAck);
    assert!(c.in_flight(MsgKind::Commit).is_empty());
    // Node 2 lacks it: its ack says so and the leader sends the chosen entry.
    c.deliver(0, 2, MsgKind::Heartbeat);
    let ack = c.deliver(2, 0, MsgKind::HeartbeatAck);
    assert_eq!(
        ack,
        Msg::HeartbeatAck(HeartbeatAck {
            ballot: b,
            executed: 0
        })
    );
    let commit = c.deliver(0, 2, MsgKind::Commit);
    assert_eq!(
        commit,
        Msg::Commit(Commit {
            ballot: b,
            commit: 1,
            entries: vec![(0, Value::Cmd(cmd))],
        })
    );
    assert_eq!(c.decided(2), vec![(0, Value::Cmd(cmd))]);
    assert_eq!(c.node(2).executed(), 1);
    assert_eq!(c.node(2).digest(), c.node(0).digest());
}

#[test]
fn a_follower_behind_the_leaders_log_base_gets_a_snapshot() {
    let mut c = Cluster::new(Setup {
        log_retain: 1,
        ..Setup::default()
    });
    c.elect(0);
    let b = c.node(0).ballot();
    c.leave_node_2_behind(4, 3);
    c.deliver(0, 2, MsgKind::Heartbeat);
    c.deliver(2, 0, MsgKind::HeartbeatAck);
    // Slot 0 is trimmed from the leader's log: only a state transfer can help.
    let digest = c.node(0).digest();
    let snapshot = c.deliver(0, 2, MsgKind::Snapshot);
    assert_eq!(
        snapshot,
        Msg::Snapshot(Snapshot {
            ballot: b,
            upto: 3,
            digest,
            sessions: None,
        })
    );
    assert!(c.outputs.iter().any(|(n, o)| *n == 2
        && matches!(o, Output::SnapshotInstalled { upto: 3, digest: d } if *d == digest)));
    assert_eq!(c.node(2).executed(), 3);
    assert_eq!(c.node(2).digest(), digest);
}

#[test]
fn a_thrifty_leader_widens_past_a_silent_acceptor_after_the_retransmit_timer() {
    let mut c = Cluster::new(Setup {
        thrifty: true,
        ..Setup::default()
    });
    c.campaign(0);
    // Thrifty phase 1: a Q1 of the next nodes in id order, not everyone.
    assert_eq!(targets(&c.in_flight(MsgKind::Prepare)), vec![1]);
    c.deliver_all();
    c.outputs.clear();
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(c.node(0).thrifty_quorum(), set(&[0, 1]));

    let cmd = c.request(0, 5, 1);
    assert_eq!(targets(&c.in_flight(MsgKind::Accept)), vec![1]);
    c.drop_where(|f| f.to == 1);

    // Before the retransmit time nothing is resent.
    c.now += RETRANSMIT - 1;
    c.fire(0, Timer::Retransmit);
    assert!(c.in_flight(MsgKind::Accept).is_empty());
    c.now += 1;
    c.fire(0, Timer::Retransmit);
    // The accept goes to every node that has not accepted, and node 1 leaves the Q2.
    assert_eq!(targets(&c.in_flight(MsgKind::Accept)), vec![1, 2]);
    assert_eq!(c.node(0).thrifty_quorum(), set(&[0, 2]));
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(2, 0, MsgKind::Accepted);
    assert!(c.events(0).contains(&Event::Chosen {
        slot: 0,
        ballot: c.node(0).ballot(),
        quorum: set(&[0, 2]),
        fingerprint: Value::Cmd(cmd).fingerprint(),
    }));
    assert_eq!(c.replies(0), vec![(5, ClientReply::Done(cmd))]);

    // New proposals go to the widened Q2 only.
    c.net.clear();
    c.request(0, 5, 2);
    assert_eq!(targets(&c.in_flight(MsgKind::Accept)), vec![2]);
}
