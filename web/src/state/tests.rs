//! The reducer, natively: actions in, state out (the clock stands still, so every slice runs
//! to its goal).

use super::*;

fn state() -> Rc<AppState> {
    Rc::new(AppState::new(Scenario::default(), Some("default")))
}

fn act(s: Rc<AppState>, a: Action) -> Rc<AppState> {
    s.reduce(a)
}

fn hash(s: &AppState) -> String {
    s.run
        .report
        .as_ref()
        .map(|r| r.report.trace_hash.clone())
        .unwrap_or_default()
}

#[test]
fn seeking_back_replays_the_same_run() {
    let s = act(state(), Action::Seek(300_000_000));
    assert_eq!(s.run.now, 300_000_000);
    assert_eq!(s.status(), RunStatus::Paused);
    let at_300 = hash(&s);
    let s = act(s, Action::Seek(700_000_000));
    assert_ne!(hash(&s), at_300);
    let s = act(s, Action::SeekBy(-400_000_000));
    assert_eq!(s.run.now, 300_000_000);
    assert_eq!(hash(&s), at_300);
}

#[test]
fn run_to_end_heads_there_in_frames() {
    let s = act(state(), Action::RunToEnd);
    assert_eq!(s.status(), RunStatus::Running);
    assert!(s.animating());
    // The clock stands still, so the first frame's slice is short and reaches the end: the
    // frame draws it.
    let s = act(s, Action::Frame(16.0));
    assert_eq!(s.status(), RunStatus::Done);
    assert!(!s.animating());
    let want = fpaxos_sim::run(&Scenario::default()).expect("runs");
    assert_eq!(hash(&s), want.trace_hash);
}

#[test]
fn a_clicked_crash_is_recorded_once_and_replays() {
    let s = act(state(), Action::Seek(200_000_000));
    let s = act(s, Action::NodeClick(2));
    assert_eq!(s.scenario.faults.len(), 1);
    assert_eq!(s.preset, None);
    assert!(s.note.as_deref().unwrap_or("").contains("crash node 2"));
    let s = act(s, Action::RunToEnd);
    let s = act(s, Action::Frame(100.0));
    let replay = fpaxos_sim::run(&s.scenario).expect("runs");
    assert_eq!(hash(&s), replay.trace_hash);
    assert_eq!(
        s.run
            .report
            .as_ref()
            .map(|r| r.report.scenario.faults.len()),
        Some(1)
    );
    let s = act(s, Action::NodeClick(1));
    assert_eq!(s.scenario.faults.len(), 1, "the run is over: no fault");
    let s = act(s, Action::ClearFaults);
    assert!(s.scenario.faults.is_empty());
}

#[test]
fn link_mode_cuts_between_two_clicked_nodes() {
    let s = act(state(), Action::SetMode(ClickMode::Link));
    let s = act(s, Action::NodeClick(0));
    assert_eq!(s.tools.link_first, Some(0));
    let s = act(s, Action::NodeClick(3));
    assert_eq!(s.tools.link_first, None);
    assert_eq!(s.scenario.faults.len(), 1);
    assert!(matches!(
        s.scenario.faults[0].action,
        FaultAction::CutLink {
            from: 0,
            to: 3,
            both: true
        }
    ));
}

#[test]
fn an_invalid_scenario_does_not_play() {
    let mut sc = Scenario::default();
    sc.cluster.nodes = 0;
    let s = act(state(), Action::SetScenario(Box::new(sc)));
    assert!(!s.errors.is_empty());
    assert_eq!(s.status(), RunStatus::Invalid);
    let s = act(s, Action::TogglePlay);
    assert!(!s.run.playing);
    assert!(s.with_diagram(|_| ()).is_none());
}

#[test]
fn the_editor_edits_the_chosen_variant_and_sweeps_stay_apart() {
    let s = act(state(), Action::Compare(CompareAction::Open));
    assert_eq!(s.compare.variants.len(), 2);
    let mut sc = (*s.scenario).clone();
    sc.seed = 42;
    let s = act(s, Action::SetScenario(Box::new(sc)));
    assert_eq!(s.compare.variants[1].scenario.seed, 42);
    let s = act(s, Action::Compare(CompareAction::Edit(0)));
    assert_eq!(s.scenario.seed, Scenario::default().seed);
    let before = s.compare.clone();
    let s = act(s, Action::SetSweep(Some("q2=1..3".into())));
    assert_eq!(s.compare, before);
    assert_eq!(s.sweep.as_deref(), Some("q2=1..3"));
}

#[test]
fn a_preset_opens_with_its_variants_and_sweep() {
    let s = act(state(), Action::LoadPreset("paper-n8".into()));
    assert_eq!(s.preset, Some("paper-n8"));
    assert_eq!(s.compare.variants.len(), 2);
    assert_eq!(s.compare.editing, Some(1));
    assert_eq!(s.sweep.as_deref(), Some("q2=1..5"));
    let s = act(s, Action::LoadPreset("nope".into()));
    assert_eq!(s.preset, Some("paper-n8"));
    assert!(s.note.is_some());
}

#[test]
fn a_seek_frame_either_simulates_or_redraws() {
    let s = act(state(), Action::RunToEnd);
    // The last drawing was at 0 and this frame is 1 s later: it redraws the progress and
    // simulates nothing.
    let s = act(s, Action::Frame(1_000.0));
    assert_eq!(s.status(), RunStatus::Running);
    assert_eq!(s.run.now, 0);
    // 100 ms later: no redraw due, so the frame simulates (natively the clock stands still, so
    // all the way) and draws the end.
    let s = act(s, Action::Frame(1_100.0));
    assert_eq!(s.status(), RunStatus::Done);
    let want = fpaxos_sim::run(&Scenario::default()).expect("runs");
    assert_eq!(hash(&s), want.trace_hash);
}

#[test]
fn seek_frames_draw_twice_a_second() {
    let mut s = (*state()).clone();
    s.run.seek_drawn(1_000.0);
    // Progress is redrawn half a second after the last drawing, not before.
    assert!(!s.run.seek_redraw_due(1_499.0));
    assert!(s.run.seek_redraw_due(1_501.0));
}

#[test]
fn a_frame_that_finds_the_target_reached_does_not_play_on() {
    let mut s = (*state()).clone();
    s.run.sim.with_main(|m| m.run_to(400_000_000, &now_ms));
    s.run.sync();
    s.run.last_frame = Some(0.0);
    assert_eq!(s.status(), RunStatus::Running);
    // The frame's slice (or a worker's news) reaches the target; the frame draws it there and
    // does not treat the run as playing.
    let s = act(Rc::new(s), Action::Frame(16.0));
    assert_eq!(s.run.now, 400_000_000);
    assert_eq!(s.status(), RunStatus::Paused);
}

#[test]
fn news_without_a_report_keep_the_reports_version() {
    let s = state();
    let version = |s: &AppState| s.run.report.as_ref().map(|r| r.version);
    let before = version(&s);
    assert!(before.is_some(), "time 0 has a report");
    // Nothing new from the run: the charts keep their report (and are not drawn again).
    let s = act(s, Action::RunNews);
    assert_eq!(version(&s), before);
    // A seek brings a new report, with a new version.
    let s = act(s, Action::Seek(300_000_000));
    assert_ne!(version(&s), before);
    assert_ne!(hash(&s), "");
}
