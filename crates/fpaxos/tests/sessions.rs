//! Client sessions (`Config::sessions`), on nodes driven by hand: a leader answers a resend of a
//! command it has executed at once and never proposes it again, and state transfers (a
//! `Snapshot`, or a promise from an acceptor that trimmed its log) carry the record. Without
//! sessions the same resends are proposed again (at-least-once), which is what sessions fix.

mod harness;

use fpaxos::msg::Snapshot;
use fpaxos::{ClientReply, Msg, MsgKind, Value};
use harness::{cmd, proposals, Cluster, Setup};

fn sessions(on: bool) -> Setup {
    Setup {
        sessions: on,
        ..Setup::default()
    }
}

/// Leader 0 executes c4#1 with every node; then the client resends it.
fn executed_then_resent(on: bool) -> Cluster {
    let mut c = Cluster::new(sessions(on));
    c.elect(0);
    c.request(0, 4, 1);
    c.deliver_all();
    assert_eq!(c.node(0).executed(), 1);
    c.outputs.clear();
    c.request(0, 4, 1);
    c
}

#[test]
fn a_leader_with_sessions_answers_a_resend_of_an_executed_command_at_once() {
    let c = executed_then_resent(true);
    assert_eq!(c.replies(0), vec![(4, ClientReply::Done(cmd(4, 1)))]);
    assert!(proposals(&c).is_empty(), "nothing proposed again");
    // Without sessions the resend is a new command: proposed in a slot of its own.
    let c = executed_then_resent(false);
    assert!(c.replies(0).is_empty());
    assert_eq!(proposals(&c), vec![(1, Value::Cmd(cmd(4, 1)))]);
}

/// Resent before its first copy executes, c4#1 is proposed twice (slots 0 and 1) and both are
/// chosen. With sessions every node applies it once: its execution of slot 1 lists c4#1 as a
/// repeat. Without sessions nothing is skipped (at-least-once).
#[test]
fn a_command_chosen_twice_is_applied_once_with_sessions() {
    for on in [true, false] {
        let mut c = Cluster::new(sessions(on));
        c.elect(0);
        c.request(0, 4, 1);
        c.request(0, 4, 1);
        assert_eq!(
            proposals(&c),
            vec![(0, Value::Cmd(cmd(4, 1))), (1, Value::Cmd(cmd(4, 1)))],
            "proposed twice (sessions {on})"
        );
        c.deliver_all();
        // A heartbeat tells the followers the commit index, and they execute too.
        c.now += 1_000_000_000;
        c.fire(0, fpaxos::Timer::Heartbeat);
        c.deliver_all();
        let want = if on { vec![cmd(4, 1)] } else { Vec::new() };
        for id in 0..3 {
            assert_eq!(
                c.repeats(id),
                vec![(0, Vec::new()), (1, want.clone())],
                "node {id}, sessions {on}"
            );
        }
        // The client hears "done" for it either way.
        assert!(c.replies(0).contains(&(4, ClientReply::Done(cmd(4, 1)))));
    }
}

/// The answer does not wait for the window: with all 8 slots in flight, a resend of an executed
/// command is answered when it arrives, not queued behind them.
#[test]
fn a_resend_is_answered_at_once_even_with_a_full_window() {
    let mut c = Cluster::new(sessions(true));
    c.elect(0);
    c.request(0, 4, 1);
    c.deliver_all();
    for seq in 1..=8 {
        c.request(0, 9, seq);
    }
    assert_eq!(proposals(&c).len(), 8, "the window is full");
    c.outputs.clear();
    c.request(0, 4, 1);
    assert_eq!(c.replies(0), vec![(4, ClientReply::Done(cmd(4, 1)))]);
}

/// The window (8) is full, with c4#1 in its last slot, when the client resends c4#1: the
/// resend waits in the queue behind eight other commands. Returns the leader's executed prefix once everything is
/// delivered, and its Done replies to client 4.
fn resent_while_in_flight(on: bool) -> (u64, usize) {
    let mut c = Cluster::new(sessions(on));
    c.elect(0);
    for seq in 1..=7 {
        c.request(0, 9, seq);
    }
    c.request(0, 4, 1);
    assert_eq!(proposals(&c).len(), 8);
    // Eight more wait in the queue, then the resend (not executed yet): by the time the
    // window reaches it, slot 7 has executed c4#1.
    for seq in 8..=15 {
        c.request(0, 9, seq);
    }
    c.request(0, 4, 1);
    c.deliver_all();
    let done = c
        .replies(0)
        .iter()
        .filter(|r| **r == (4, ClientReply::Done(cmd(4, 1))))
        .count();
    (c.node(0).executed(), done)
}

#[test]
fn a_queued_command_executed_meanwhile_is_answered_not_proposed() {
    // With sessions the queued copy is answered when the window frees, not proposed.
    assert_eq!(resent_while_in_flight(true), (16, 2));
    // Without, it takes slot 16 and executes a second time.
    assert_eq!(resent_while_in_flight(false), (17, 2));
}

/// Leader 0 executes c4#1..3 while node 2 misses them, trims its log past them, and catches
/// node 2 up by snapshot: the cluster and the snapshot delivered.
fn snapshot_to_node_2(on: bool) -> (Cluster, Snapshot) {
    let mut c = Cluster::new(Setup {
        log_retain: 1,
        ..sessions(on)
    });
    c.elect(0);
    c.leave_node_2_behind(4, 3);
    c.deliver(0, 2, MsgKind::Heartbeat);
    c.deliver(2, 0, MsgKind::HeartbeatAck);
    let Msg::Snapshot(s) = c.deliver(0, 2, MsgKind::Snapshot) else {
        unreachable!()
    };
    assert_eq!(c.node(2).executed(), 3);
    (c, s)
}

#[test]
fn a_snapshot_carries_the_sessions_and_the_new_leader_uses_them() {
    let (mut c, s) = snapshot_to_node_2(true);
    let carried = s.sessions.expect("the snapshot carries the sessions");
    assert!((1..=3).all(|seq| carried.contains(4, seq)));
    assert!(!carried.contains(4, 4));
    // Node 2 never saw those commands' slots, yet once it leads it knows them.
    c.deliver_all();
    c.elect(2);
    c.request(2, 4, 2);
    assert_eq!(c.replies(2), vec![(4, ClientReply::Done(cmd(4, 2)))]);
    assert!(proposals(&c).is_empty());
}

#[test]
fn a_promise_from_a_trimmed_acceptor_carries_the_sessions() {
    // Without check-quorum, so that the leader itself promises a higher ballot.
    let mut c = Cluster::new(Setup {
        log_retain: 1,
        sessions: true,
        check_quorum: false,
        ..Setup::default()
    });
    c.elect(0);
    c.leave_node_2_behind(4, 3);
    // The heartbeat that would catch node 2 up is lost; node 2 campaigns from slot 0, and
    // node 0 (trimmed to slot 2) promises with its executed prefix and its sessions.
    c.drop_where(|_| true);
    c.campaign(2);
    c.drop_where(|f| f.to == 1);
    c.deliver(2, 0, MsgKind::Prepare);
    let Msg::Promise(p) = c.deliver(0, 2, MsgKind::Promise) else {
        unreachable!()
    };
    assert!(p.base > 0);
    assert!(p.sessions.as_ref().is_some_and(|s| s.contains(4, 3)));
    assert_eq!(c.node(2).executed(), 3, "installed as a snapshot");
    c.deliver_all();
    c.outputs.clear();
    c.request(2, 4, 3);
    assert_eq!(c.replies(2), vec![(4, ClientReply::Done(cmd(4, 3)))]);
    // A promise from an acceptor that has not trimmed past the candidate carries none.
    let mut c = Cluster::new(Setup {
        check_quorum: false,
        ..sessions(true)
    });
    c.elect(0);
    c.request(0, 4, 1);
    c.deliver_all();
    c.campaign(1);
    c.deliver(1, 0, MsgKind::Prepare);
    let Msg::Promise(p) = c.deliver(0, 1, MsgKind::Promise) else {
        unreachable!()
    };
    assert_eq!(p.sessions, None);
}

#[test]
fn without_sessions_a_snapshot_carries_nothing() {
    let (_, s) = snapshot_to_node_2(false);
    assert_eq!(s.sessions, None);
}

/// The planted bug `sessions-before-chosen`: with sessions on, a leader records a command when
/// it proposes it, so a resend before it is chosen is answered `Done`. Without the plant, or
/// without sessions, the resend waits in the queue.
#[test]
fn a_planted_early_record_answers_a_resend_before_the_command_is_chosen() {
    let answered_early = |sessions: bool, planted: bool| {
        let mut c = Cluster::new(Setup {
            sessions,
            planted: planted.then_some(fpaxos::PlantedBug::SessionsBeforeChosen),
            ..Setup::default()
        });
        c.elect(0);
        c.request(0, 4, 1);
        assert_eq!(proposals(&c), vec![(0, Value::Cmd(cmd(4, 1)))]);
        c.request(0, 4, 1); // nothing delivered: not chosen yet
        c.replies(0).contains(&(4, ClientReply::Done(cmd(4, 1))))
    };
    assert!(answered_early(true, true));
    assert!(!answered_early(true, false));
    assert!(!answered_early(false, true));
    assert!(!answered_early(false, false));
}
