//! Edges of the node's contract that neither checker reaches in a short run, each found by the
//! mutation test (`scripts/mutants.sh`, `docs/mutants.md`): a mutant of the named comparison or
//! condition survived the explorer and the short swarm, and is caught here.

mod harness;

use fpaxos::msg::{Accept, Accepted, HeartbeatAck, Nack, PreVoteReply, Snapshot};
use fpaxos::{
    Ballot, ClientReply, Event, Input, Msg, MsgKind, NodeId, Output, Role, Slot, Timer, Value,
};
use harness::*;

/// `observe_ballot` steps down only for a ballot *above* its own: a Nack that names the
/// leader's own ballot (a stale Accept of ours reached an acceptor that has since promised our
/// current ballot) is no reason to abdicate.
#[test]
fn a_leader_nacked_at_its_own_ballot_keeps_leading() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let b = c.node(0).ballot();
    c.input(
        0,
        Input::Message {
            from: 1,
            msg: Msg::Nack(Nack { promised: b }),
        },
    );
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(c.node(0).ballot(), b);
    // One ballot higher does displace it.
    let higher = Ballot::new(b.round() + 1, 2);
    c.input(
        0,
        Input::Message {
            from: 1,
            msg: Msg::Nack(Nack { promised: higher }),
        },
    );
    assert_eq!(c.node(0).role(), Role::Follower);
}

/// Check-quorum counts a node as heard only for messages *at the leader's ballot*: followers
/// that answer only with stale messages (of an older ballot) do not keep a leader in office.
#[test]
fn check_quorum_ignores_messages_of_an_older_ballot() {
    let stale = Msg::Accepted(Accepted {
        ballot: Ballot::new(0, 1),
        slot: 0,
    });
    let step_down_time = |stale_acks: bool| {
        let mut c = Cluster::new(Setup::default());
        c.elect(0);
        for tick in 1..=40 {
            c.now += HEARTBEAT;
            c.fire(0, Timer::Heartbeat);
            c.net.clear();
            if stale_acks {
                for from in [1, 2] {
                    let msg = stale.clone();
                    c.input(0, Input::Message { from, msg });
                }
            }
            if c.node(0).role() != Role::Leader {
                return Some(tick);
            }
        }
        None
    };
    let silent = step_down_time(false).expect("a leader that hears nobody steps down");
    assert_eq!(step_down_time(true), Some(silent));
}

/// A leader or candidate queues at most `MAX_QUEUE` (65,536) client commands; more are dropped
/// (the client retries), so a flood cannot grow the node's memory without bound.
#[test]
fn the_client_queue_is_bounded() {
    let mut c = Cluster::new(Setup::default());
    c.campaign(0);
    assert_eq!(c.node(0).role(), Role::Candidate);
    for seq in 1..=65_537 {
        c.request(0, 1, seq);
    }
    assert_eq!(c.node(0).queued(), 65_536);
    assert!(c.in_flight(MsgKind::Accept).is_empty());
}

/// Node 0 of three with `batch`, `queued` commands waiting before it is elected.
fn elected_with_queue(batch: u32, queued: u32) -> Cluster {
    let mut c = Cluster::new(Setup {
        batch,
        ..Setup::default()
    });
    c.campaign(0);
    for seq in 1..=queued {
        c.request(0, 1, seq);
    }
    c.deliver(0, 1, MsgKind::Prepare);
    c.deliver(1, 0, MsgKind::Promise);
    assert_eq!(c.node(0).role(), Role::Leader);
    c
}

/// A leader keeps at most `window` (8) slots in flight, and batches up to `batch` commands
/// per slot; a lone command, or any command without batching, goes as itself.
#[test]
fn proposals_fill_the_window_and_batch_as_configured() {
    let c = elected_with_queue(1, 10);
    let p = proposals(&c);
    assert_eq!(p.len(), 8, "{p:?}");
    assert_eq!(p[0], (0, Value::Cmd(cmd(1, 1))));
    assert_eq!(c.node(0).queued(), 2);
    let c = elected_with_queue(3, 4);
    let batch = |seqs: &[u32]| Value::Batch(seqs.iter().map(|&s| cmd(1, s)).collect());
    assert_eq!(
        proposals(&c),
        vec![(0, batch(&[1, 2, 3])), (1, Value::Cmd(cmd(1, 4)))]
    );
}

/// An Accept for a slot this acceptor has executed and trimmed gets the executed state back
/// (the leader is behind), not an Accepted.
#[test]
fn an_accept_below_the_log_base_is_answered_with_a_snapshot() {
    let mut c = Cluster::new(Setup {
        log_retain: 1,
        ..Setup::default()
    });
    c.elect(0);
    c.leave_node_2_behind(4, 3);
    c.deliver(0, 1, MsgKind::Heartbeat);
    c.net.clear();
    assert_eq!(c.node(1).executed(), 3, "node 1 executed the commands");
    let b = c.node(0).ballot();
    let stale = Msg::Accept(Accept {
        ballot: b,
        slot: 0,
        value: Value::Cmd(cmd(4, 1)),
        commit: 0,
    });
    c.input(
        1,
        Input::Message {
            from: 0,
            msg: stale,
        },
    );
    assert!(c.in_flight(MsgKind::Accepted).is_empty());
    assert_eq!(targets(&c.in_flight(MsgKind::Snapshot)), vec![0]);
    // A slot at the base is still stored and answered.
    let base = c.node(1).executed() - 1;
    let at_base = Msg::Accept(Accept {
        ballot: b,
        slot: base,
        value: Value::Cmd(cmd(4, base as u32 + 1)),
        commit: 0,
    });
    c.net.clear();
    c.input(
        1,
        Input::Message {
            from: 0,
            msg: at_base,
        },
    );
    assert_eq!(targets(&c.in_flight(MsgKind::Accepted)), vec![0]);
    assert!(c.in_flight(MsgKind::Snapshot).is_empty());
}

/// A thrifty leader tells the node outside a slot's Q2 what was chosen, `commit_batch` values
/// per Commit.
#[test]
fn a_thrifty_leader_sends_chosen_values_outside_the_q2_in_batches() {
    let mut c = Cluster::new(Setup {
        thrifty: true,
        commit_batch: 2,
        ..Setup::default()
    });
    c.elect(0);
    let q2 = c.node(0).thrifty_quorum();
    let outside = (0..3)
        .find(|i| !q2.contains(*i))
        .expect("a node outside the Q2");
    let inside = (1..3)
        .find(|i| q2.contains(*i))
        .expect("a follower in the Q2");
    for seq in 1..=2 {
        c.request(0, 5, seq);
        c.deliver(0, inside, MsgKind::Accept);
        c.deliver(inside, 0, MsgKind::Accepted);
        let commits = c.in_flight(MsgKind::Commit);
        if seq == 1 {
            assert!(commits.is_empty(), "one value waits for the batch");
        } else {
            assert_eq!(targets(&commits), vec![outside]);
            let Msg::Commit(m) = &commits[0].msg else {
                unreachable!()
            };
            let slots: Vec<Slot> = m.entries.iter().map(|(s, _)| *s).collect();
            assert_eq!((slots, m.commit), (vec![0, 1], 2));
        }
    }
}

/// The leader keeps `log_retain` executed entries: a follower just inside them gets the
/// entries it lacks, one below them gets a snapshot.
#[test]
fn catch_up_sends_entries_within_the_retained_log_and_a_snapshot_below_it() {
    let ack = |executed: Slot| {
        let mut c = Cluster::new(Setup {
            log_retain: 2,
            ..Setup::default()
        });
        c.elect(0);
        let b = c.node(0).ballot();
        c.leave_node_2_behind(4, 3);
        c.net.clear();
        let msg = Msg::HeartbeatAck(HeartbeatAck {
            ballot: b,
            executed,
        });
        c.input(0, Input::Message { from: 2, msg });
        let sent: Vec<MsgKind> = c.net.iter().map(|f| f.msg.kind()).collect();
        sent
    };
    assert_eq!(ack(1), vec![MsgKind::Commit]);
    assert_eq!(ack(0), vec![MsgKind::Snapshot]);
}

/// Acks of an older ballot trigger no catch-up.
#[test]
fn a_heartbeat_ack_of_an_older_ballot_is_ignored() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    c.leave_node_2_behind(4, 2);
    c.net.clear();
    let msg = Msg::HeartbeatAck(HeartbeatAck {
        ballot: Ballot::new(0, 0),
        executed: 0,
    });
    c.input(0, Input::Message { from: 2, msg });
    assert!(c.net.is_empty(), "{:?}", c.net);
}

/// A leader that learns of a snapshot past its own unexecuted proposals answers their clients
/// with a redirect (they retry); executed slots and a follower's entries get none.
#[test]
fn a_snapshot_over_a_leaders_own_proposals_redirects_their_clients() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let b = c.node(0).ballot();
    c.request(0, 7, 1);
    c.deliver(0, 1, MsgKind::Accept);
    c.deliver(1, 0, MsgKind::Accepted);
    assert_eq!(c.node(0).executed(), 1);
    c.request(0, 7, 2);
    c.request(0, 7, 3);
    c.outputs.clear();
    // Node 2 (a follower) holds slots 1 and 2 accepted, not executed.
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(0, 2, MsgKind::Accept);
    c.net.clear();
    let snap = Msg::Snapshot(Snapshot {
        ballot: b,
        upto: 3,
        digest: 5,
        sessions: None,
    });
    for id in [0, 2] {
        let msg = snap.clone();
        c.input(id, Input::Message { from: 1, msg });
    }
    let redirected: Vec<(NodeId, u32)> = c
        .outputs
        .iter()
        .filter_map(|(n, o)| match o {
            Output::Reply {
                reply: ClientReply::Redirect { cmd, .. },
                ..
            } => Some((*n, cmd.seq)),
            _ => None,
        })
        .collect();
    assert_eq!(redirected, vec![(0, 2), (0, 3)]);
    assert_eq!((c.node(0).executed(), c.node(2).executed()), (3, 3));
}

/// The leader counts an Accepted towards a slot's Q2 only at its own ballot.
#[test]
fn accepted_replies_of_another_ballot_choose_nothing() {
    let mut c = Cluster::new(Setup {
        n: 5,
        ..Setup::default()
    });
    c.elect(0);
    c.request(0, 3, 1);
    c.net.clear();
    for from in [1, 2] {
        let msg = Msg::Accepted(Accepted {
            ballot: Ballot::new(0, 1),
            slot: 0,
        });
        c.input(0, Input::Message { from, msg });
    }
    assert_eq!(c.node(0).executed(), 0);
    assert!(!c
        .events(0)
        .iter()
        .any(|e| matches!(e, Event::Chosen { .. })));
}

/// Node 1 (pre-vote on) starts a pre-vote after the leader went quiet; returns the cluster and
/// the pre-vote's ballot.
fn pre_voting() -> (Cluster, Ballot) {
    let mut c = Cluster::new(Setup {
        pre_vote: true,
        ..Setup::default()
    });
    c.elect(0);
    c.campaign(1);
    let pre = c.in_flight(MsgKind::PreVote);
    let Msg::PreVote(p) = &pre[0].msg else {
        unreachable!()
    };
    let ballot = p.ballot;
    c.net.clear();
    (c, ballot)
}

fn reply(c: &mut Cluster, from: NodeId, ballot: Ballot, granted: bool) {
    let msg = Msg::PreVoteReply(PreVoteReply { ballot, granted });
    c.input(1, Input::Message { from, msg });
}

/// Only grants for this pre-vote count, and only a node still quiet campaigns.
#[test]
fn a_pre_vote_needs_a_q1_of_grants_while_the_leader_stays_quiet() {
    let (mut c, b) = pre_voting();
    reply(&mut c, 2, b, false);
    reply(&mut c, 0, b, false);
    assert_eq!(c.node(1).role(), Role::Follower, "denied");
    let (mut c, b) = pre_voting();
    reply(&mut c, 2, Ballot::new(b.round() + 1, 1), true);
    assert_eq!(c.node(1).role(), Role::Follower, "another pre-vote's grant");
    // The leader speaks up before the grant arrives.
    let (mut c, b) = pre_voting();
    c.fire(0, Timer::Heartbeat);
    c.deliver(0, 1, MsgKind::Heartbeat);
    c.net.clear();
    reply(&mut c, 2, b, true);
    assert_eq!(c.node(1).role(), Role::Follower, "heard the leader");
    let (mut c, b) = pre_voting();
    reply(&mut c, 2, b, true);
    assert_eq!(c.node(1).role(), Role::Candidate, "a Q1 of grants");
}

/// Thrifty node 0 of three leads with Q2 {0, 1}; node 1 misses one accept and the retransmit
/// timer fires past it.
fn thrifty_after_a_silent_acceptor() -> Cluster {
    let mut c = Cluster::new(Setup {
        thrifty: true,
        ..Setup::default()
    });
    c.elect(0);
    assert_eq!(c.node(0).thrifty_quorum(), set(&[0, 1]));
    c.request(0, 5, 1);
    c.drop_where(|f| f.to == 1);
    c.now += RETRANSMIT;
    c.fire(0, Timer::Retransmit);
    c
}

/// The fallback is reported only when a thrifty leader widens, and only for overdue,
/// unchosen slots; an acceptor that answers again rejoins the Q2.
#[test]
fn the_thrifty_fallback_widens_only_for_overdue_slots_and_suspects_recover() {
    let fallbacks = |c: &Cluster| {
        c.events(0)
            .into_iter()
            .filter(|e| matches!(e, Event::ThriftyFallback { .. }))
            .count()
    };
    let mut c = thrifty_after_a_silent_acceptor();
    assert!(c
        .events(0)
        .contains(&Event::ThriftyFallback { to: set(&[2]) }));
    assert_eq!(c.node(0).thrifty_quorum(), set(&[0, 2]));
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(2, 0, MsgKind::Accepted);
    assert_eq!(c.node(0).executed(), 1);
    // Slot 0 is chosen: a later retransmit resends nothing and reports no fallback.
    c.net.clear();
    c.outputs.clear();
    c.now += RETRANSMIT;
    c.fire(0, Timer::Retransmit);
    assert!(c.in_flight(MsgKind::Accept).is_empty());
    assert_eq!(fallbacks(&c), 0);
    // Node 1 answers (a late Accepted of slot 0): no longer suspected, it is back in the Q2.
    let ballot = c.node(0).ballot();
    let msg = Msg::Accepted(Accepted { ballot, slot: 0 });
    c.input(0, Input::Message { from: 1, msg });
    assert_eq!(c.node(0).thrifty_quorum(), set(&[0, 1]));

    // A leader that is not thrifty resends too, but that is no "fallback".
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    c.request(0, 5, 1);
    c.net.clear();
    c.now += RETRANSMIT;
    c.fire(0, Timer::Retransmit);
    assert_eq!(targets(&c.in_flight(MsgKind::Accept)), vec![1, 2]);
    assert_eq!(fallbacks(&c), 0);
}

/// A follower's election timer that fires early (it heard from the leader meanwhile) re-arms
/// for the rest of the timeout, with the usual jitter.
#[test]
fn an_early_election_timer_rearms_for_the_remaining_quiet_time() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    c.fire(0, Timer::Heartbeat);
    c.deliver(0, 1, MsgKind::Heartbeat);
    c.outputs.clear();
    c.now += 30 * MS;
    c.fire(1, Timer::Election);
    let timers: Vec<_> = c
        .outputs
        .iter()
        .filter_map(|(_, o)| match o {
            Output::SetTimer {
                timer,
                after,
                jitter,
            } => Some((*timer, *after, *jitter)),
            _ => None,
        })
        .collect();
    assert_eq!(
        timers,
        vec![(Timer::Election, ELECTION - 30 * MS, ELECTION)]
    );
}

/// The retransmit timer resends only unchosen slots: a slot chosen out of order (its Q2
/// answered while an earlier slot waits) is not sent again.
#[test]
fn retransmits_skip_a_slot_chosen_out_of_order() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    c.request(0, 6, 1);
    c.request(0, 6, 2);
    c.drop_where(|f| matches!(&f.msg, Msg::Accept(a) if a.slot == 0));
    c.deliver(0, 1, MsgKind::Accept);
    c.deliver(1, 0, MsgKind::Accepted);
    assert_eq!(c.node(0).executed(), 0, "slot 0 still waits");
    c.net.clear();
    c.now += RETRANSMIT;
    c.fire(0, Timer::Retransmit);
    let slots: Vec<Slot> = c
        .in_flight(MsgKind::Accept)
        .iter()
        .filter_map(|f| f.msg.slot())
        .collect();
    assert_eq!(slots, vec![0, 0]);
}

/// `Node::value_at` reads what a node holds in a slot: nothing in a gap or before an Accept,
/// the value once accepted (chosen or not), a value learned from a Commit without accepting
/// it, and nothing once the slot is trimmed below the log's base.
#[test]
fn value_at_reads_accepted_and_learned_values() {
    let mut c = Cluster::new(Setup {
        thrifty: true,
        commit_batch: 1,
        log_retain: 1,
        ..Setup::default()
    });
    c.elect(0);
    let q2 = c.node(0).thrifty_quorum();
    let outside = (1..3).find(|i| !q2.contains(*i)).expect("outside the Q2");
    let inside = (1..3).find(|i| q2.contains(*i)).expect("in the Q2");
    let (a, b) = (c.request(0, 5, 1), c.request(0, 5, 2));
    assert_eq!(c.node(0).value_at(0), Some(&Value::Cmd(a)));
    assert_eq!(
        c.node(0).value_at(1),
        Some(&Value::Cmd(b)),
        "the leader's proposal"
    );
    assert_eq!(c.node(inside).value_at(0), None, "no Accept delivered yet");
    // The Accept of slot 1 first: slot 0 is a gap in the acceptor's log.
    let second = c
        .take(|f| f.to == inside && matches!(&f.msg, Msg::Accept(m) if m.slot == 1))
        .expect("the Accept of slot 1");
    c.input(
        inside,
        Input::Message {
            from: 0,
            msg: second.msg,
        },
    );
    assert_eq!(c.node(inside).value_at(0), None, "a gap");
    assert_eq!(
        c.node(inside).value_at(1),
        Some(&Value::Cmd(b)),
        "accepted, not chosen"
    );
    c.deliver(0, inside, MsgKind::Accept);
    c.deliver(inside, 0, MsgKind::Accepted);
    c.deliver(inside, 0, MsgKind::Accepted);
    assert_eq!(c.node(0).executed(), 2);
    assert_eq!(c.node(outside).value_at(1), None);
    // One Commit of both slots; the node executes them and keeps the last (`log_retain`).
    c.deliver(0, outside, MsgKind::Commit);
    assert_eq!(c.node(outside).executed(), 2);
    assert_eq!(
        c.node(outside).value_at(1),
        Some(&Value::Cmd(b)),
        "learned, not accepted"
    );
    assert_eq!(c.node(outside).value_at(0), None, "trimmed below the base");
}
