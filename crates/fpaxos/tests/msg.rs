//! The message layer's small contracts, which neither checker sees (they change no protocol
//! decision) but the simulator, the trace hash and the explorer rely on: wire sizes, slots,
//! names, and fingerprints that must be the same on every platform and in every build.
//! Found by the mutation test (`docs/mutants.md`): each assertion kills mutants that the
//! explorer and the swarm cannot.

use fpaxos::msg::{
    Accept, Accepted, Commit, Heartbeat, HeartbeatAck, Nack, PreVote, PreVoteReply, Prepare,
    Promise, PromiseEntry, Snapshot,
};
use fpaxos::node::digest_step;
use fpaxos::{Ballot, Command, Msg, MsgKind, Value};
use std::sync::Arc;

fn cmd(client: u32, seq: u32) -> Command {
    Command { client, seq }
}

fn b(round: u32, node: u8) -> Ballot {
    Ballot::new(round, node)
}

/// One message of each kind, with a value of two commands where a kind carries values.
fn every_kind() -> Vec<Msg> {
    let two = Value::Batch(Arc::from(vec![cmd(1, 1), cmd(2, 1)]));
    vec![
        Msg::Prepare(Prepare {
            ballot: b(2, 1),
            first_slot: 7,
        }),
        Msg::Promise(Promise {
            ballot: b(2, 1),
            executed: 3,
            digest: 9,
            base: 0,
            entries: vec![
                PromiseEntry {
                    slot: 4,
                    ballot: b(1, 0),
                    value: two.clone(),
                    chosen: false,
                },
                PromiseEntry {
                    slot: 5,
                    ballot: b(1, 0),
                    value: Value::Noop,
                    chosen: true,
                },
            ],
            sessions: None,
        }),
        Msg::Nack(Nack { promised: b(3, 2) }),
        Msg::Accept(Accept {
            ballot: b(2, 1),
            slot: 8,
            value: two.clone(),
            commit: 6,
        }),
        Msg::Accepted(Accepted {
            ballot: b(2, 1),
            slot: 9,
        }),
        Msg::Commit(Commit {
            ballot: b(2, 1),
            commit: 10,
            entries: vec![(8, two), (9, Value::Cmd(cmd(3, 1)))],
        }),
        Msg::Heartbeat(Heartbeat {
            ballot: b(2, 1),
            commit: 10,
        }),
        Msg::HeartbeatAck(HeartbeatAck {
            ballot: b(2, 1),
            executed: 10,
        }),
        Msg::Snapshot(Snapshot {
            ballot: b(2, 1),
            upto: 10,
            digest: 1,
            sessions: None,
        }),
        Msg::PreVote(PreVote { ballot: b(4, 1) }),
        Msg::PreVoteReply(PreVoteReply {
            ballot: b(4, 1),
            granted: true,
        }),
    ]
}

#[test]
fn wire_sizes_follow_the_documented_layout() {
    // A 24-byte header, then per kind: a value is 8 bytes plus `cmd_bytes` per command.
    let cmd_bytes = 100;
    let value2 = 8 + 2 * cmd_bytes;
    let expected = [
        24 + 16,
        24 + 32 + (16 + value2) + (16 + 8),
        24 + 16,
        24 + 24 + value2,
        24 + 16,
        24 + 16 + (8 + value2) + (8 + 8 + cmd_bytes),
        24 + 24,
        24 + 24,
        24 + 24,
        24 + 8,
        24 + 12,
    ];
    let sizes: Vec<u32> = every_kind()
        .iter()
        .map(|m| m.wire_bytes(cmd_bytes))
        .collect();
    assert_eq!(sizes, expected);
}

/// With client sessions, a snapshot or a promise also carries the record: 8 bytes per client
/// that has one, and 4 per sequence number above its contiguous prefix.
#[test]
fn wire_sizes_count_the_sessions_carried() {
    let mut t = fpaxos::Sessions::default();
    for seq in [1, 2, 3, 5, 9] {
        t.insert(2, seq); // client 2: prefix 1..=3, and 5 and 9 above it
    }
    t.insert(4, 1); // client 4: prefix 1; clients 0, 1 and 3 have no record
    let record = (8 + 2 * 4) + 8;
    let t = Some(std::sync::Arc::new(t));
    let snapshot = Msg::Snapshot(Snapshot {
        ballot: b(2, 1),
        upto: 10,
        digest: 1,
        sessions: t.clone(),
    });
    assert_eq!(snapshot.wire_bytes(100), 24 + 24 + record);
    let promise = Msg::Promise(Promise {
        ballot: b(2, 1),
        executed: 3,
        digest: 1,
        base: 2,
        entries: vec![],
        sessions: t,
    });
    assert_eq!(promise.wire_bytes(100), 24 + 32 + record);
}

#[test]
fn only_prepare_accept_and_accepted_are_about_one_slot() {
    let slots: Vec<_> = every_kind().iter().map(|m| (m.kind(), m.slot())).collect();
    for (kind, slot) in slots {
        let want = match kind {
            MsgKind::Prepare => Some(7),
            MsgKind::Accept => Some(8),
            MsgKind::Accepted => Some(9),
            _ => None,
        };
        assert_eq!(slot, want, "{kind:?}");
    }
}

#[test]
fn kinds_have_their_json_names() {
    let names: Vec<&str> = MsgKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(
        names,
        [
            "request",
            "reply",
            "prepare",
            "promise",
            "nack",
            "accept",
            "accepted",
            "commit",
            "heartbeat",
            "heartbeat_ack",
            "snapshot",
            "pre_vote",
            "pre_vote_reply"
        ]
    );
}

#[test]
fn ballots_and_values_print_as_the_trace_shows_them() {
    assert_eq!(b(3, 2).to_string(), "3.2");
    assert_eq!(Value::Noop.describe(), "no-op");
    assert_eq!(Value::Cmd(cmd(1, 2)).describe(), "c1#2");
    assert_eq!(
        Value::Batch(Arc::from(vec![cmd(1, 1), cmd(2, 1)])).describe(),
        "batch of 2"
    );
}

/// Fingerprints and the log digest are part of the trace hash (the golden hashes) and of the
/// explorer's state fingerprint: pinned to exact values, and different for different inputs.
#[test]
fn fingerprints_and_digests_are_stable_and_tell_values_apart() {
    let a = Value::Cmd(cmd(1, 2));
    let ab = Value::Batch(Arc::from(vec![cmd(1, 2), cmd(3, 4)]));
    let ba = Value::Batch(Arc::from(vec![cmd(3, 4), cmd(1, 2)]));
    let pinned = [
        Value::Noop.fingerprint(),
        a.fingerprint(),
        Value::Cmd(cmd(2, 1)).fingerprint(),
        ab.fingerprint(),
        ba.fingerprint(),
    ];
    assert_eq!(
        pinned,
        [
            0x6e6f_6f70,
            17_901_490_559_587_060_611,
            12_739_255_125_256_291_016,
            5_886_987_683_544_900_849,
            7_716_850_639_854_997_119
        ]
    );
    let d = digest_step(digest_step(0, 0, &a), 1, &ab);
    assert_eq!(d, 5_524_450_254_211_621_253);
    assert_ne!(d, digest_step(digest_step(0, 0, &ab), 1, &a));
    assert_ne!(digest_step(0, 0, &a), digest_step(0, 1, &a));
}
