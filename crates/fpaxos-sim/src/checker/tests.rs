use super::*;
use fpaxos::node::digest_step;
use fpaxos::Command;

#[test]
fn detects_disagreement_and_invalid_commands() {
    let mut c = Checker::new(2, 1);
    c.issued(0, 1);
    let v = Value::Cmd(Command { client: 0, seq: 1 });
    c.decide(1, 0, 0, &v);
    c.decide(2, 1, 0, &v);
    assert!(c.violations().is_empty());
    c.decide(3, 0, 1, &Value::Noop);
    c.decide(4, 1, 1, &Value::Cmd(Command { client: 0, seq: 1 }));
    assert_eq!(c.violations()[0].kind, ViolationKind::Agreement);
    assert_eq!(c.violations()[0].slot, 1);
    assert_eq!(
        c.violations()[0].message,
        "slot 1: node 0 executed no-op but node 1 executed c0#1"
    );
    c.decide(5, 0, 2, &Value::Cmd(Command { client: 0, seq: 9 }));
    assert!(c
        .violations()
        .iter()
        .any(|v| v.kind == ViolationKind::Validity));
    c.decide(6, 0, 7, &Value::Noop);
    assert!(c
        .violations()
        .iter()
        .any(|v| v.kind == ViolationKind::Prefix));
    assert!(c
        .violations()
        .iter()
        .any(|v| v.kind == ViolationKind::Gap && v.slot == 7));
}

#[test]
fn a_reply_is_checked_against_the_agreed_log() {
    let mut c = Checker::new(2, 2);
    let cmd = |client, seq| Command { client, seq };
    c.issued(0, 2);
    c.issued(1, 1);
    // Done after its execution (by any node): fine, and again (a duplicate reply) too.
    c.decide(1, 0, 0, &Value::Batch(vec![cmd(0, 1), cmd(1, 1)].into()));
    c.replied(2, 1, 0, cmd(0, 1));
    c.replied(2, 1, 1, cmd(1, 1));
    c.replied(3, 0, 0, cmd(0, 1));
    assert!(c.violations().is_empty(), "{:?}", c.violations());
    // Done before any node executed it: a violation naming the node, the client, the command.
    c.replied(4, 1, 0, cmd(0, 2));
    let v = &c.violations()[0];
    assert_eq!(
        (v.kind, v.node, v.act, v.time_ns),
        (ViolationKind::Reply, 1, Act::Replied, 4)
    );
    assert_eq!(v.second, "c0#2");
    assert!(
        v.message.contains("client 0") && v.message.ends_with("c0#2"),
        "{}",
        v.message
    );
    // Sent to another client than the command's, or about a command never issued: violations.
    c.decide(5, 0, 1, &Value::Cmd(cmd(0, 2)));
    c.replied(6, 0, 1, cmd(0, 2));
    c.replied(6, 0, 0, cmd(0, 9));
    c.replied(6, 0, 7, cmd(7, 1));
    assert_eq!(c.violations().len(), 4, "{:?}", c.violations());
    // Executed only where the agreed log holds another value: the write is lost.
    c.issued(1, 2);
    c.decide(7, 1, 0, &Value::Cmd(cmd(1, 2)));
    c.replied(8, 1, 1, cmd(1, 2));
    assert_eq!(
        c.violations().len(),
        6,
        "agreement, then the reply: {:?}",
        c.violations()
    );
}

fn kinds(c: &Checker) -> Vec<(ViolationKind, Slot)> {
    c.violations().iter().map(|v| (v.kind, v.slot)).collect()
}

/// With client sessions a node skips a command chosen again (`repeats`): not counted twice, and
/// held to the agreed log. Planted wrong, both ways: a skip of a command no earlier slot holds
/// (a lost write), and two nodes that skip differently in one slot.
#[test]
fn a_repeat_skipped_by_client_sessions_runs_once_and_must_be_one() {
    let mut c = Checker::new(3, 2);
    c.issued(0, 2);
    c.issued(1, 1);
    let cmd = |client, seq| Command { client, seq };
    let a = Value::Cmd(cmd(0, 1));
    let fp = a.fingerprint();
    let none = &no_names;
    c.decide_fp(1, 0, 0, &a, fp, &[], none);
    c.decide_fp(1, 1, 0, &a, fp, &[], none);
    // Chosen again in slot 1, skipped as a repeat by every node: applied once.
    c.decide_fp(2, 0, 1, &a, fp, &[cmd(0, 1)], none);
    c.decide_fp(2, 1, 1, &a, fp, &[cmd(0, 1)], none);
    assert_eq!(c.executed_twice(), 0);
    assert!(c.violations().is_empty(), "{:?}", c.violations());
    // Node 2 applies it again in slot 1: the state machines differ.
    c.decide_fp(3, 2, 0, &a, fp, &[], none);
    c.decide_fp(3, 2, 1, &a, fp, &[], none);
    assert_eq!(kinds(&c), vec![(ViolationKind::Session, 1)]);
    let v = &c.violations()[0];
    assert!(
        v.message.contains("node 2 skipped none of slot 1")
            && v.message.contains("node 0 skipped c0#1"),
        "{}",
        v.message
    );
    // A skip of a command no earlier slot holds: nothing applies it.
    let b = Value::Cmd(cmd(0, 2));
    c.decide_fp(4, 0, 2, &b, b.fingerprint(), &[cmd(0, 2)], none);
    assert_eq!(kinds(&c)[1], (ViolationKind::Session, 2));
    assert!(
        c.violations()[1]
            .message
            .contains("no earlier slot of the agreed log holds it"),
        "{}",
        c.violations()[1].message
    );
    // Without the skip the same command in a third slot counts twice.
    let mut c = Checker::new(1, 1);
    c.issued(0, 1);
    c.decide_fp(1, 0, 0, &a, fp, &[], none);
    c.decide_fp(2, 0, 1, &a, fp, &[], none);
    assert_eq!(c.executed_twice(), 1);
}

/// With client sessions on, the checker keeps the record of the agreed log: a first execution
/// that applies a command the record holds again is a `session` violation. A command the record
/// has forgotten (more than 256 above a gap in its client's numbers) only counts twice.
#[test]
fn a_repeat_the_sessions_record_holds_must_be_skipped() {
    let cmd = |client, seq| Command { client, seq };
    let none = &no_names;
    let a = Value::Cmd(cmd(0, 1));
    let fp = a.fingerprint();
    let mut c = Checker::new(1, 1).with_sessions();
    c.issued(0, 1);
    c.decide_fp(1, 0, 0, &a, fp, &[], none);
    c.decide_fp(2, 0, 1, &a, fp, &[cmd(0, 1)], none);
    assert!(c.violations().is_empty(), "{:?}", c.violations());
    // Applied again in slot 2, not skipped.
    c.decide_fp(3, 0, 2, &a, fp, &[], none);
    assert_eq!(kinds(&c), vec![(ViolationKind::Session, 2)]);
    assert_eq!(c.executed_twice(), 1);
    let v = &c.violations()[0];
    assert!(
        v.message.contains("node 0 applied c0#1 again in slot 2"),
        "{}",
        v.message
    );
    // Without sessions the same execution only counts twice.
    let mut c = Checker::new(1, 1);
    c.issued(0, 1);
    c.decide_fp(1, 0, 0, &a, fp, &[], none);
    c.decide_fp(2, 0, 1, &a, fp, &[], none);
    assert!(c.violations().is_empty());
    assert_eq!(c.executed_twice(), 1);
    // Forgotten: client 0's seq 1 never executes, so 2, 3, ... wait above the gap; past 256 of
    // them the record drops the lowest, 2, and a node may apply 2 again.
    let top = fpaxos::sessions::MAX_ABOVE as u32 + 2;
    let mut c = Checker::new(1, 1).with_sessions();
    c.issued(0, top);
    for seq in 2..=top {
        let v = Value::Cmd(cmd(0, seq));
        c.decide_fp(1, 0, u64::from(seq - 2), &v, v.fingerprint(), &[], none);
    }
    let two = Value::Cmd(cmd(0, 2));
    let three = Value::Cmd(cmd(0, 3));
    let slot = u64::from(top - 1);
    c.decide_fp(2, 0, slot, &two, two.fingerprint(), &[], none);
    assert!(c.violations().is_empty(), "{:?}", c.violations());
    assert_eq!(c.executed_twice(), 1);
    // Seq 3 is still recorded: applying it again is caught.
    c.decide_fp(3, 0, slot + 1, &three, three.fingerprint(), &[], none);
    assert_eq!(kinds(&c), vec![(ViolationKind::Session, slot + 1)]);
}

#[test]
fn a_command_in_two_slots_counts_as_executed_twice() {
    let mut c = Checker::new(2, 2);
    c.issued(0, 70);
    c.issued(1, 1);
    let cmd = |client, seq| Command { client, seq };
    c.decide(1, 0, 0, &Value::Cmd(cmd(0, 70)));
    c.decide(1, 1, 0, &Value::Cmd(cmd(0, 70)));
    assert_eq!(
        c.executed_twice(),
        0,
        "the same slot on two nodes is one execution"
    );
    c.decide(2, 0, 1, &Value::Batch(vec![cmd(1, 1), cmd(0, 3)].into()));
    c.decide(3, 0, 2, &Value::Cmd(cmd(0, 70)));
    assert_eq!(c.executed_twice(), 1);
    c.decide(4, 0, 3, &Value::Batch(vec![cmd(1, 1), cmd(0, 3)].into()));
    assert_eq!(c.executed_twice(), 3);
    assert!(
        c.violations().is_empty(),
        "a duplicate is not a safety violation"
    );
}

#[test]
fn a_conflicting_choice_is_caught_before_anyone_executes_it() {
    let mut c = Checker::new(2, 1);
    c.issued(0, 2);
    let (a, b) = (
        Value::Cmd(Command { client: 0, seq: 1 }),
        Value::Cmd(Command { client: 0, seq: 2 }),
    );
    // The simulator names a value from a node's log; here every node holds both.
    let names = |_: NodeId, _: Slot, fp: u64| {
        [&a, &b]
            .into_iter()
            .find(|v| v.fingerprint() == fp)
            .map(|v| v.describe())
    };
    c.chosen(1, 0, 3, a.fingerprint(), &names);
    c.chosen(2, 0, 3, a.fingerprint(), &names);
    assert!(c.violations().is_empty());
    // A second leader chooses another value for the same slot: nobody executed either yet.
    c.chosen(3, 1, 3, b.fingerprint(), &names);
    assert_eq!(kinds(&c), vec![(ViolationKind::Agreement, 3)]);
    // Executing a value other than the chosen one is caught too, and so is choosing a value
    // other than the executed one.
    c.chosen(4, 0, 0, a.fingerprint(), &names);
    c.decide_fp(5, 1, 0, &b, b.fingerprint(), &[], &names);
    c.chosen(6, 1, 0, b.fingerprint(), &names);
    c.chosen(7, 1, 0, a.fingerprint(), &names);
    assert_eq!(
        kinds(&c),
        vec![
            (ViolationKind::Agreement, 3),
            (ViolationKind::Agreement, 0),
            (ViolationKind::Agreement, 0)
        ]
    );
    // Each names both values and says what each node did with its own.
    let said: Vec<_> = c
        .violations()
        .iter()
        .map(|v| {
            let first = (v.first_node, v.first_act, v.first.as_str());
            (first, (v.node, v.act, v.second.as_str()))
        })
        .collect();
    assert_eq!(
        said,
        vec![
            ((Some(0), Act::Chose, "c0#1"), (1, Act::Chose, "c0#2")),
            ((Some(0), Act::Chose, "c0#1"), (1, Act::Executed, "c0#2")),
            ((Some(1), Act::Executed, "c0#2"), (1, Act::Chose, "c0#1")),
        ]
    );
    assert_eq!(
        c.violations()[1].message,
        "slot 0: node 0 chose c0#1 but node 1 executed c0#2"
    );
    // A value no node can name any more is written as its fingerprint.
    c.chosen(8, 0, 1, b.fingerprint(), &no_names);
    c.chosen(9, 1, 1, a.fingerprint(), &no_names);
    let last = c.violations().last().unwrap();
    assert_eq!(
        (last.first.clone(), last.second.clone()),
        (
            format!("value {:016x}", b.fingerprint()),
            format!("value {:016x}", a.fingerprint())
        )
    );
}

/// Past the first trim (every 1,024 executions, up to the slowest node) the checker still
/// finds a slot's choice: an execution that differs from it, and a choice that differs
/// from an execution.
#[test]
fn choices_are_checked_after_the_log_is_trimmed() {
    let mut c = Checker::new(2, 1);
    c.issued(0, 3000);
    let cmd = |seq| Value::Cmd(Command { client: 0, seq });
    for slot in 0..1100 {
        for node in 0..2 {
            c.decide(slot, node, slot, &cmd(slot as u32 + 1));
        }
    }
    assert!(c.base > 0, "trimmed");
    assert!(c.violations().is_empty());
    let (a, b) = (cmd(2001), cmd(2002));
    c.chosen(1, 0, 1100, a.fingerprint(), &no_names);
    c.decide(2, 1, 1100, &b);
    c.decide(3, 0, 1100, &b);
    c.chosen(4, 1, 1100, a.fingerprint(), &no_names);
    assert_eq!(
        kinds(&c),
        vec![
            (ViolationKind::Agreement, 1100),
            (ViolationKind::Agreement, 1100)
        ]
    );
    assert_eq!(
        (c.violations()[0].first_act, c.violations()[0].act),
        (Act::Chose, Act::Executed)
    );
    assert_eq!(
        (c.violations()[1].first_act, c.violations()[1].act),
        (Act::Executed, Act::Chose)
    );
}

#[test]
fn batches_are_named_by_their_first_commands() {
    let c = |seq| Command { client: 1, seq };
    let batch = |seqs: &[u32]| Value::Batch(seqs.iter().map(|s| c(*s)).collect());
    assert_eq!(describe(&batch(&[1, 2])), "batch of 2 (c1#1, c1#2)");
    assert_eq!(
        describe(&batch(&[1, 2, 3])),
        "batch of 3 (c1#1, c1#2, c1#3)"
    );
    assert_eq!(
        describe(&batch(&[4, 5, 6, 7])),
        "batch of 4 (c1#4, c1#5, c1#6, ...)"
    );
    assert_eq!(describe(&Value::Cmd(c(2))), "c1#2");
    assert_eq!(describe(&Value::Noop), "no-op");
}

#[test]
fn snapshots_outside_the_known_log_are_reported() {
    let mut c = Checker::new(2, 1);
    let d = digest_step(0, 0, &Value::Noop);
    c.decide(1, 0, 0, &Value::Noop);
    c.snapshot(2, 1, 1, d);
    assert!(c.violations().is_empty());
    c.snapshot(3, 1, 5, d);
    assert_eq!(kinds(&c), vec![(ViolationKind::Gap, 4)]);
    c.snapshot(4, 1, 1, d ^ 1);
    assert_eq!(kinds(&c)[1], (ViolationKind::Prefix, 0));
    let said: Vec<_> = c
        .violations()
        .iter()
        .map(|v| (v.act, v.second.clone()))
        .collect();
    assert_eq!(
        said,
        vec![
            (Act::Installed, "a snapshot up to slot 5".to_string()),
            (
                Act::Installed,
                format!("a snapshot with digest {:016x}", d ^ 1)
            ),
        ]
    );
}

#[test]
fn violation_kinds_are_written_and_read_by_their_names() {
    for k in [
        ViolationKind::Agreement,
        ViolationKind::Validity,
        ViolationKind::Prefix,
        ViolationKind::Reply,
        ViolationKind::Gap,
        ViolationKind::Session,
    ] {
        let text = serde_json::to_string(&k).expect("writes");
        assert_eq!(text, format!("\"{}\"", k.name()));
        assert_eq!(
            serde_json::from_str::<ViolationKind>(&text).expect("reads"),
            k
        );
    }
    assert!(serde_json::from_str::<ViolationKind>("\"liveness\"").is_err());
    // What a node did, as the page's banner and reports write it.
    for (act, text, json) in [
        (Act::Executed, "executed", "executed"),
        (Act::Chose, "chose", "chose"),
        (Act::Installed, "installed", "installed"),
        (Act::Replied, "replied done for", "replied"),
    ] {
        assert_eq!(act.to_string(), text);
        assert_eq!(
            serde_json::to_string(&act).expect("writes"),
            format!("\"{json}\"")
        );
    }
}
