//! Renaming commands (`Node::map_commands`, `Msg::map_commands`, `Value::map_commands`): what
//! the explorer's symmetry reduction rests on (`crates/fpaxos-explore/src/symmetry.rs`). Every
//! command a node or a message holds is renamed, every digest of an executed prefix is
//! recomputed or mapped, and nothing else changes.

mod harness;

use fpaxos::msg::{
    Accept, Accepted, Commit, Heartbeat, HeartbeatAck, Nack, PreVote, PreVoteReply, Prepare,
    Promise, PromiseEntry, Snapshot,
};
use fpaxos::node::digest_step;
use fpaxos::{Ballot, ClientReply, Command, Input, Msg, MsgKind, Node, Output, Sessions, Value};
use harness::*;
use std::hash::{DefaultHasher, Hasher};
use std::sync::Arc;

/// Swaps clients 1 and 2.
fn swap(c: Command) -> Command {
    let client = match c.client {
        1 => 2,
        2 => 1,
        k => k,
    };
    Command { client, ..c }
}

fn cmd(client: u32) -> Command {
    Command { client, seq: 1 }
}

fn state_hash(n: &Node) -> u64 {
    let mut h = DefaultHasher::new();
    n.hash_state(&mut h);
    h.finish()
}

#[test]
fn a_message_has_its_commands_renamed_and_its_digests_mapped() {
    let b = Ballot::new(2, 1);
    let both = |a: u32, c: u32| Value::Batch(Arc::from(vec![cmd(a), cmd(c)]));
    let entry = |slot, value| PromiseEntry {
        slot,
        ballot: Ballot::new(1, 0),
        value,
        chosen: slot == 4,
    };
    let promise = |digest, v: [Value; 3]| {
        Msg::Promise(Promise {
            ballot: b,
            executed: 3,
            digest,
            base: 0,
            entries: vec![
                entry(3, v[0].clone()),
                entry(4, v[1].clone()),
                entry(5, v[2].clone()),
            ],
            sessions: None,
        })
    };
    let accept = |value| {
        Msg::Accept(Accept {
            ballot: b,
            slot: 3,
            value,
            commit: 2,
        })
    };
    let commit = |v: [Value; 2]| {
        Msg::Commit(Commit {
            ballot: b,
            commit: 5,
            entries: vec![(3, v[0].clone()), (4, v[1].clone())],
        })
    };
    let snapshot = |digest| {
        Msg::Snapshot(Snapshot {
            ballot: b,
            upto: 3,
            digest,
            sessions: None,
        })
    };
    let carrying = [
        (
            promise(9, [Value::Cmd(cmd(1)), both(1, 2), Value::Noop]),
            promise(90, [Value::Cmd(cmd(2)), both(2, 1), Value::Noop]),
        ),
        (accept(Value::Cmd(cmd(2))), accept(Value::Cmd(cmd(1)))),
        (accept(Value::Cmd(cmd(3))), accept(Value::Cmd(cmd(3)))),
        (
            commit([both(2, 3), Value::Cmd(cmd(1))]),
            commit([both(1, 3), Value::Cmd(cmd(2))]),
        ),
        (snapshot(9), snapshot(90)),
    ];
    let digest = |d: u64| (d == 9).then_some(90);
    for (m, want) in &carrying {
        assert_eq!(m.map_commands(&swap, &digest).as_ref(), Some(want), "{m:?}");
        assert_eq!(m.map_commands(&|c| c, &|d| Some(d)).as_ref(), Some(m));
    }
    // A digest the map does not know: no image.
    assert_eq!(
        promise(8, [Value::Noop, Value::Noop, Value::Noop]).map_commands(&swap, &digest),
        None
    );
    assert_eq!(snapshot(8).map_commands(&swap, &digest), None);
    let plain = [
        Msg::Prepare(Prepare {
            ballot: b,
            first_slot: 7,
        }),
        Msg::Nack(Nack { promised: b }),
        Msg::Accepted(Accepted { ballot: b, slot: 3 }),
        Msg::Heartbeat(Heartbeat {
            ballot: b,
            commit: 4,
        }),
        Msg::HeartbeatAck(HeartbeatAck {
            ballot: b,
            executed: 4,
        }),
        Msg::PreVote(PreVote { ballot: b }),
        Msg::PreVoteReply(PreVoteReply {
            ballot: b,
            granted: true,
        }),
    ];
    for m in &plain {
        assert_eq!(m.map_commands(&swap, &|_| None).as_ref(), Some(m), "{m:?}");
    }
}

/// A leader that executed commands of clients 1 and 2, renamed: its digest is the one of the
/// renamed prefix, renaming twice gives it back, and the identity changes nothing.
#[test]
fn a_node_has_its_commands_renamed_and_its_digest_recomputed() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    for client in [1, 2] {
        c.request(0, client, 1);
        c.deliver(0, 1, MsgKind::Accept);
        c.deliver(1, 0, MsgKind::Accepted);
    }
    let decided = c.decided(0);
    assert_eq!(decided.len(), 2);
    let n = c.node(0);
    let renamed = n
        .map_commands(&swap, &|_| None)
        .expect("the log holds the prefix");
    let want = decided.iter().fold(0, |d, (slot, v)| {
        digest_step(d, *slot, &v.map_commands(&swap))
    });
    assert_eq!(renamed.digest(), want);
    assert_ne!(renamed.digest(), n.digest());
    assert_ne!(state_hash(&renamed), state_hash(n));
    let back = renamed.map_commands(&swap, &|_| None).expect("maps");
    assert_eq!(
        (state_hash(&back), back.digest()),
        (state_hash(n), n.digest())
    );
    let same = n.map_commands(&|c| c, &|_| None).expect("maps");
    assert_eq!(state_hash(&same), state_hash(n));
}

/// Once the log is trimmed, the digest cannot be recomputed: it is mapped, or there is no image.
#[test]
fn a_trimmed_log_has_its_digest_mapped() {
    let mut c = Cluster::new(Setup {
        log_retain: 1,
        ..Setup::default()
    });
    c.elect(0);
    for seq in 1..=3 {
        c.request(0, 1, seq);
        c.deliver(0, 1, MsgKind::Accept);
        c.deliver(1, 0, MsgKind::Accepted);
    }
    let n = c.node(0);
    assert_eq!(n.executed(), 3);
    assert!(n.map_commands(&swap, &|_| None).is_none());
    let d = n.digest();
    let renamed = n
        .map_commands(&swap, &|x| (x == d).then_some(d ^ 1))
        .expect("the digest maps");
    assert_eq!(renamed.digest(), d ^ 1);
}

/// A candidate that heard of a longer executed prefix in a promise keeps its digest for the
/// snapshot it installs on winning: renamed, that digest is mapped (or there is no image), and
/// the renamed candidate installs the mapped one.
#[test]
fn a_candidates_snapshot_digest_is_mapped() {
    let mut c = Cluster::new(Setup {
        n: 5,
        ..Setup::default()
    });
    c.campaign(0);
    c.net.clear();
    let b = c.node(0).ballot();
    let promise = |executed, digest| {
        Msg::Promise(Promise {
            ballot: b,
            executed,
            digest,
            base: executed,
            entries: vec![],
            sessions: None,
        })
    };
    c.input(
        0,
        Input::Message {
            from: 1,
            msg: promise(9, 77),
        },
    );
    assert_eq!(c.node(0).role(), fpaxos::Role::Candidate);
    assert!(c.node(0).map_commands(&swap, &|_| None).is_none());
    let mut renamed = c
        .node(0)
        .map_commands(&swap, &|d| (d == 77).then_some(770))
        .expect("the digest maps");
    let mut out = Vec::new();
    renamed.handle(
        0,
        Input::Message {
            from: 2,
            msg: promise(0, 0),
        },
        &mut out,
    );
    c.input(
        0,
        Input::Message {
            from: 2,
            msg: promise(0, 0),
        },
    );
    assert_eq!(c.node(0).role(), fpaxos::Role::Leader);
    assert_eq!((c.node(0).executed(), c.node(0).digest()), (9, 77));
    assert_eq!((renamed.executed(), renamed.digest()), (9, 770));
}

/// With client sessions, the record of executed commands is renamed too: in a node (which then
/// answers a resend of the renamed command at once, and proposes the other), in a snapshot and
/// in a promise.
#[test]
fn sessions_are_renamed_in_nodes_and_messages() {
    let mut c = Cluster::new(Setup {
        sessions: true,
        ..Setup::default()
    });
    c.elect(0);
    c.request(0, 1, 1);
    c.deliver(0, 1, MsgKind::Accept);
    c.deliver(1, 0, MsgKind::Accepted);
    assert_eq!(c.node(0).executed(), 1);
    let now = c.now;
    let answers_at_once = |n: &Node, client: u32| {
        let mut n = n.clone();
        let mut out = Vec::new();
        let cmd = cmd(client);
        n.handle(now, Input::Request { client, cmd }, &mut out);
        out.iter()
            .any(|o| matches!(o, Output::Reply { reply: ClientReply::Done(d), .. } if *d == cmd))
    };
    let renamed = c.node(0).map_commands(&swap, &|_| None).expect("maps");
    assert!(answers_at_once(c.node(0), 1) && !answers_at_once(c.node(0), 2));
    assert!(answers_at_once(&renamed, 2) && !answers_at_once(&renamed, 1));
    let (mut ones, mut twos) = (Sessions::default(), Sessions::default());
    ones.insert(1, 1);
    twos.insert(2, 1);
    let b = Ballot::new(2, 1);
    let snapshot = |s: &Sessions| {
        Msg::Snapshot(Snapshot {
            ballot: b,
            upto: 3,
            digest: 9,
            sessions: Some(Arc::new(s.clone())),
        })
    };
    let promise = |s: &Sessions| {
        Msg::Promise(Promise {
            ballot: b,
            executed: 3,
            digest: 9,
            base: 2,
            entries: vec![],
            sessions: Some(Arc::new(s.clone())),
        })
    };
    for (ones, twos) in [
        (snapshot(&ones), snapshot(&twos)),
        (promise(&ones), promise(&twos)),
    ] {
        assert_eq!(ones.map_commands(&swap, &Some), Some(twos));
        assert_eq!(ones.map_commands(&|c| c, &Some), Some(ones.clone()));
    }
}
