//! A page mirrors the diagram and ballot logs of a run simulated elsewhere (a Web Worker) from
//! deltas (`DiagramLog::delta`/`apply`, `BallotLog::delta`/`apply`). Driven here through real
//! runs in slices of every size, with crashes, partitions, drops by hand and an explicit
//! schedule: after the deltas the mirror equals the run's own logs.

use fpaxos_sim::presets::PRESETS;
use fpaxos_sim::scenario::FaultAction;
use fpaxos_sim::trace::{BallotDelta, BallotLog, DiagramCursor, DiagramDelta, DiagramLog};
use fpaxos_sim::{Scenario, Sim};

struct Mirror {
    diagram: DiagramLog,
    ballots: BallotLog,
    cursor: DiagramCursor,
    recorded: u64,
}

impl Mirror {
    fn new() -> Mirror {
        Mirror {
            diagram: DiagramLog::default(),
            ballots: BallotLog::default(),
            cursor: DiagramCursor::default(),
            recorded: 0,
        }
    }

    /// Takes both deltas of `sim`, through JSON, and applies them.
    fn follow(&mut self, sim: &Sim) {
        let (d, next) = sim.trace().diagram().delta(self.cursor, sim.now());
        let d: DiagramDelta =
            serde_json::from_str(&serde_json::to_string(&d).expect("writes")).expect("reads");
        self.diagram.apply(&d);
        self.cursor = next;
        let b = sim.trace().ballots().delta(self.recorded);
        let b: BallotDelta =
            serde_json::from_str(&serde_json::to_string(&b).expect("writes")).expect("reads");
        self.ballots.apply(&b);
        self.recorded = sim.trace().ballots().recorded();
    }

    fn assert_mirrors(&self, sim: &Sim, what: &str) {
        let (d, b) = (sim.trace().diagram(), sim.trace().ballots());
        let m = &self.diagram;
        assert_eq!(m.msgs(), d.msgs(), "{what}: messages");
        assert_eq!(m.id_of(0), d.id_of(0), "{what}: first id");
        assert_eq!(m.evicted(), d.evicted(), "{what}: evicted");
        assert_eq!(m.marks(), d.marks(), "{what}: marks");
        assert_eq!(m.chosen_marks(), d.chosen_marks(), "{what}: chosen marks");
        assert_eq!(m.faults(), d.faults(), "{what}: faults");
        assert_eq!(m.discarded_note(), d.discarded_note(), "{what}: note");
        assert_eq!(
            self.ballots.entries(),
            b.entries(),
            "{what}: ballot entries"
        );
        assert_eq!(
            self.ballots.evicted(),
            b.evicted(),
            "{what}: ballots evicted"
        );
        let n = sim.scenario().cluster.nodes as usize;
        if let Some(slot) = b.interesting_slot(sim.now()) {
            assert_eq!(
                self.ballots.board(slot, sim.now(), n),
                b.board(slot, sim.now(), n),
                "{what}: board"
            );
        }
    }
}

/// Runs `s` in slices of `events` events, mirroring after each, and checks the mirror each
/// time; with `drops`, drops every seventh message in flight by hand along the way.
fn mirror_run(s: &Scenario, events: u64, drops: bool, what: &str) {
    let mut sim = Sim::new(s.check().expect("a valid scenario"));
    let mut m = Mirror::new();
    let mut slices = 0u64;
    while !sim.is_done() {
        sim.run_until_budget(sim.end_time(), events);
        slices += 1;
        if drops && slices.is_multiple_of(3) && !sim.is_done() {
            let ids: Vec<u64> = sim.in_flight().map(|f| f.id).step_by(7).collect();
            for id in ids {
                sim.inject(sim.now() + 1, FaultAction::DropMessage { id });
            }
        }
        m.follow(&sim);
        // Every slice of short runs; a few of long ones (comparing whole logs is quadratic).
        if slices.is_multiple_of(1 + slices / 16) || sim.is_done() {
            m.assert_mirrors(&sim, &format!("{what}, slice {slices}"));
        }
    }
    assert!(slices > 2, "{what}: the run took several slices");
    assert!(
        !m.diagram.msgs().is_empty(),
        "{what}: messages were mirrored"
    );
}

#[test]
fn mirrors_of_every_preset_equal_the_run() {
    for p in PRESETS {
        mirror_run(&p.scenario(), 4_999, false, p.id);
    }
}

#[test]
fn mirrors_follow_drops_by_hand() {
    let s = Scenario::default();
    mirror_run(&s, 500, true, "default with drops");
    let leader = fpaxos_sim::presets::preset("leader-failure").expect("preset");
    mirror_run(&leader.scenario(), 1_500, true, "leader-failure with drops");
}

#[test]
fn mirrors_follow_an_explicit_schedule() {
    let text = include_str!("engine/data/split-brain-schedule.json");
    let s: Scenario = serde_json::from_str(text).expect("a scenario");
    mirror_run(&s, 3, false, "split-brain schedule");
}

#[test]
fn a_single_delta_at_the_end_mirrors_the_whole_run() {
    let mut sim = Sim::new(Scenario::default().check().expect("valid"));
    sim.run_to_end();
    let mut m = Mirror::new();
    m.follow(&sim);
    m.assert_mirrors(&sim, "one delta");
}
