//! Availability of the node core (issue 9): re-elections that never wait on a dead quorum,
//! check-quorum, pre-vote, and answers for clients of skipped slots.

mod harness;

use fpaxos::msg::Snapshot;
use fpaxos::{Ballot, ClientReply, Event, Input, Msg, MsgKind, QuorumSpec, Role, Timer};
use harness::*;

#[test]
fn a_thrifty_re_election_asks_everyone_and_suspects_the_silent() {
    // N=5 majority, nodes 0 and 2 dead: node 1's ring-ordered Q1 {1, 2, 3} holds a dead node.
    let mut c = Cluster::new(Setup {
        n: 5,
        thrifty: true,
        ..Setup::default()
    });
    let dead = set(&[0, 2]);
    c.campaign(1);
    assert_eq!(targets(&c.in_flight(MsgKind::Prepare)), vec![2, 3]);
    c.deliver_all_but(dead);
    assert_eq!(c.node(1).role(), Role::Candidate);
    // The election timer fires before the retransmit timer: the retry goes to every node.
    c.now += ELECTION;
    c.fire(1, Timer::Election);
    assert_eq!(targets(&c.in_flight(MsgKind::Prepare)), vec![0, 2, 3, 4]);
    c.deliver_all_but(dead);
    assert_eq!(c.node(1).role(), Role::Leader);

    // Node 2 stayed silent in the first attempt: the new leader's thrifty Q2 avoids it.
    assert_eq!(c.node(1).thrifty_quorum(), set(&[1, 3, 4]));
}

#[test]
fn a_leader_that_hears_no_q2_within_an_election_timeout_steps_down() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let (b, since) = (c.node(0).ballot(), c.now);
    // Node 0 can send but not receive: followers keep hearing heartbeats and never campaign.
    let stepped = c.heartbeats(0, 5 * ELECTION, |f| f.to == 0);
    let at = stepped.expect("the deaf leader steps down");
    assert!(at - since >= ELECTION && at - since <= 2 * ELECTION + HEARTBEAT);
    assert_eq!(c.events(0), vec![Event::SteppedDown { ballot: b, seen: b }]);
    assert_eq!(c.node(0).leader_hint(), None);

    // Switched off, the same leader never notices.
    let mut c = Cluster::new(Setup {
        check_quorum: false,
        ..Setup::default()
    });
    c.elect(0);
    assert_eq!(c.heartbeats(0, 5 * ELECTION, |f| f.to == 0), None);
}

#[test]
fn a_leader_with_only_a_q2_alive_keeps_leading_and_committing() {
    // N=5 with |Q1| = 4 and |Q2| = 2: after the election only node 1 stays reachable.
    let mut c = Cluster::new(Setup {
        n: 5,
        quorum: QuorumSpec::Counting { q1: 4, q2: 2 },
        ..Setup::default()
    });
    c.elect(0);
    let dead = set(&[2, 3, 4]);
    let gone = move |f: &Flight| dead.contains(f.to) || dead.contains(f.from);
    assert_eq!(c.heartbeats(0, 5 * ELECTION, gone), None);
    let cmd = c.request(0, 3, 1);
    c.deliver_all_but(dead);
    assert_eq!(c.replies(0), vec![(3, ClientReply::Done(cmd))]);
}

/// Node 2, cut off alone, times out and campaigns; then the partition heals while leader 0's
/// heartbeat reaches node 1 first. Returns the cluster after everything is delivered.
fn rejoin_after_isolation(pre_vote: bool) -> Cluster {
    let mut c = Cluster::new(Setup {
        pre_vote,
        ..Setup::default()
    });
    c.elect(0);
    c.campaign(2);
    c.fire(0, Timer::Heartbeat);
    c.deliver(0, 1, MsgKind::Heartbeat);
    c.deliver_all();
    c
}

#[test]
fn with_pre_vote_a_rejoining_node_does_not_depose_a_healthy_leader() {
    let b = Ballot::new(1, 0);
    let c = rejoin_after_isolation(true);
    // Node 2 only asked whether it could win; nobody granted and no ballot moved.
    assert!(c.events(2).is_empty());
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(c.node(0).ballot(), b);
    assert_eq!(
        (c.node(2).promised(), c.node(2).leader_hint()),
        (b, Some(0))
    );

    // Without pre-vote the rejoining node's higher ballot deposes the leader.
    let c = rejoin_after_isolation(false);
    assert_ne!(c.node(0).role(), Role::Leader);
    assert!(c.node(0).promised() > b);
}

#[test]
fn with_pre_vote_a_q1_of_grants_starts_the_real_election() {
    let mut c = Cluster::new(Setup {
        pre_vote: true,
        ..Setup::default()
    });
    c.elect(0);
    // The leader dies: node 2 has not heard from it for an election timeout and grants.
    c.campaign(1);
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(targets(&c.in_flight(MsgKind::PreVote)), vec![0, 2]);
    c.deliver_all_but(set(&[0]));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert!(c.node(1).ballot() > Ballot::new(1, 0));
}

#[test]
fn clients_of_slots_a_snapshot_skips_get_a_retry_not_silence() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let cmd = c.request(0, 4, 1);
    c.net.clear();
    // A stale state transfer skips the leader past its own unchosen proposal in slot 0.
    let snapshot = Msg::Snapshot(Snapshot {
        ballot: Ballot::ZERO,
        upto: 3,
        digest: 0xfeed,
        sessions: None,
    });
    c.input(
        0,
        Input::Message {
            from: 1,
            msg: snapshot,
        },
    );
    assert_eq!(c.node(0).executed(), 3);
    assert_eq!(
        c.replies(0),
        vec![(
            4,
            ClientReply::Redirect {
                cmd,
                leader: Some(0)
            }
        )]
    );
}

#[test]
fn a_deaf_node_that_stepped_down_cannot_depose_the_next_leader() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let deaf = |f: &Flight| f.to == 0;
    c.heartbeats(0, 5 * ELECTION, deaf)
        .expect("node 0 steps down");
    // Nodes 1 and 2 elect node 1, which keeps node 2 fed with heartbeats.
    c.campaign(1);
    c.deliver_all_but(set(&[0]));
    assert_eq!(c.node(1).role(), Role::Leader);
    let b1 = c.node(1).ballot();
    // Node 0 hears nobody, so it campaigns with ever higher ballots: with check-quorum, nodes
    // that heard from a live leader within an election timeout ignore it.
    for _ in 0..2 {
        c.now += ELECTION / 4;
        c.fire(0, Timer::Election);
    }
    assert!(c.node(0).ballot() > b1);
    c.deliver_all_dropping(deaf);
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(2).promised(), b1);
}
