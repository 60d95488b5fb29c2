//! The ballot board (`BallotLog::board`): what it records while a run goes, and what it says
//! about safe and unsafe quorums.

use fpaxos::{NodeSet, QuorumSpec};
use fpaxos_sim::presets::preset;
use fpaxos_sim::scenario::Checked;
use fpaxos_sim::trace::{BallotLog, Board};
use fpaxos_sim::{Scenario, Sim};

fn run(s: Scenario) -> Sim {
    let checked: Checked = s.check().expect("a valid scenario");
    let mut sim = Sim::new(checked);
    sim.run_to_end();
    sim
}

fn preset_run(id: &str) -> Sim {
    run(preset(id).expect("preset exists").scenario())
}

/// The board of every slot anything was chosen in, at the end of the run.
fn chosen_boards(sim: &Sim) -> Vec<Board> {
    let log = sim.trace().ballots();
    let n = sim.scenario().cluster.nodes as usize;
    let (lo, hi) = log.slot_range(sim.now()).expect("something was accepted");
    (lo..=hi)
        .map(|s| log.board(s, sim.now(), n))
        .filter(|b| !b.chosen.is_empty())
        .collect()
}

#[test]
fn split_brain_shows_two_values_and_an_empty_intersection() {
    let sim = preset_run("split-brain");
    let log = sim.trace().ballots();
    let slot = log.interesting_slot(sim.now()).expect("a slot");
    let b = log.board(slot, sim.now(), 5);
    assert_eq!(b.conflicting.len(), 2, "{b:#?}");
    assert_ne!(
        b.values[b.conflicting[0]].fingerprint,
        b.values[b.conflicting[1]].fingerprint
    );
    assert_eq!(b.intersection, Some(NodeSet::EMPTY), "{b:#?}");
    assert!(b.next_elected);
    let (q2b, q2) = b.chosen_q2.expect("a chosen Q2");
    let (q1b, q1) = b.next_q1.expect("a next Q1");
    assert!(q1b > q2b);
    assert!(q2.len() >= 2 && q1.len() >= 2);
    // The cells agree with the highlighted sets.
    let row = b.row(q2b).expect("chosen row shown");
    for (n, c) in row.cells.iter().enumerate() {
        assert_eq!(c.in_q2, q2.contains(n as fpaxos::NodeId));
        if c.in_q2 {
            assert!(c.accepted.is_some(), "a Q2 member accepted");
        }
    }
    let row = b.row(q1b).expect("next row shown");
    assert!(row.cells.iter().filter(|c| c.in_q1).count() == q1.len());
    // Both chosen values are among the slot's labelled values.
    for &i in &b.conflicting {
        assert!(!b.values[i].label.starts_with("value "), "{:?}", b.values);
    }
}

#[test]
fn four_nodes_with_q1_q2_two_can_choose_two_values() {
    let mut s = preset("split-brain").expect("preset").scenario();
    s.set_nodes(4);
    s.cluster.quorum = QuorumSpec::Counting { q1: 2, q2: 2 };
    s.faults[0].action = fpaxos_sim::FaultAction::Partition {
        groups: vec![vec![0, 1], vec![2, 3]],
    };
    let sim = run(s);
    let log = sim.trace().ballots();
    let b = log.board(
        log.interesting_slot(sim.now()).expect("a slot"),
        sim.now(),
        4,
    );
    assert_eq!(b.conflicting.len(), 2, "{b:#?}");
    assert_eq!(b.intersection, Some(NodeSet::EMPTY));
}

#[test]
fn a_safe_run_never_shows_an_empty_intersection() {
    let sim = preset_run("leader-failure");
    let boards = chosen_boards(&sim);
    let met: Vec<&Board> = boards.iter().filter(|b| b.next_elected).collect();
    assert!(
        !met.is_empty(),
        "the new leader's Q1 covers some chosen slot"
    );
    for b in &boards {
        assert!(b.conflicting.is_empty(), "{b:#?}");
        if let (Some(i), true) = (b.intersection, b.next_elected) {
            assert!(!i.is_empty(), "slot {}: {b:#?}", b.slot);
        }
    }
    let log = sim.trace().ballots();
    let slot = log.interesting_slot(sim.now()).expect("a slot");
    let b = log.board(slot, sim.now(), 5);
    assert!(b.intersection.is_some_and(|i| !i.is_empty()), "{b:#?}");
    assert!(b.next_elected);
    // Q1 = 4: the next ballot's Q1 has four nodes (the election's quorum).
    assert_eq!(b.next_q1.map(|(_, q)| q.len()), Some(4));
}

#[test]
fn the_board_follows_the_time_cursor() {
    let sim = preset_run("split-brain");
    let log = sim.trace().ballots();
    let slot = log.interesting_slot(sim.now()).expect("a slot");
    let end = log.board(slot, sim.now(), 5);
    let first = end.chosen.iter().map(|c| c.t).min().expect("chosen");
    let last = end.chosen.iter().map(|c| c.t).max().expect("chosen");
    let before = log.board(slot, first - 1, 5);
    assert!(before.chosen.is_empty() && before.intersection.is_none());
    let between = log.board(slot, first, 5);
    assert_eq!(between.chosen.len(), 1);
    assert!(between.conflicting.is_empty());
    assert!(log.board(slot, last, 5).conflicting.len() == 2);
    assert!(log
        .board(0, 0, 5)
        .rows
        .iter()
        .all(|r| r.cells.iter().all(|c| c.accepted.is_none())));
    assert_eq!(log.slot_range(0), None);
}

#[test]
fn no_trace_keeps_no_ballot_log() {
    let mut s = preset("split-brain").expect("preset").scenario();
    s.metrics.trace_capacity = 0;
    let sim = run(s);
    assert!(sim.trace().ballots().entries().is_empty());
}

#[test]
fn the_log_is_bounded_and_counts_what_it_dropped() {
    let sim = preset_run("basics");
    let full = sim.trace().ballots();
    let mut small = BallotLog::with_cap(100);
    for e in full.entries() {
        // Replays the recorded facts into a small log through its public recorders.
        match e {
            fpaxos_sim::trace::BallotEntry::Elected {
                t,
                node,
                ballot,
                quorum,
            } => small.elected(*t, *node, *ballot, *quorum),
            fpaxos_sim::trace::BallotEntry::Chosen {
                t,
                node,
                slot,
                ballot,
                quorum,
                fingerprint,
            } => small.chosen(*t, *node, (*slot, *ballot), *quorum, *fingerprint),
            _ => small.elected(e.t(), 0, fpaxos::Ballot::ZERO, NodeSet::EMPTY),
        }
    }
    assert!(full.entries().len() > 100);
    assert_eq!(small.entries().len(), 100);
    assert_eq!(small.evicted(), full.entries().len() as u64 - 100);
    let b = small.board(0, sim.now(), 3);
    assert!(b.incomplete_before.is_some());
}

#[test]
fn an_entry_stays_small() {
    // BALLOT_CAP entries of this size are the log's memory bound (documented as at most 14 MiB).
    let size = std::mem::size_of::<fpaxos_sim::trace::BallotEntry>();
    assert!(size <= 56, "{size} bytes");
}
