//! The page's single source of truth: one [`AppState`] changed only by [`Action`]s through
//! Yew's `use_reducer`, handed down to components by context.
//!
//! **Invariant**: the web crate draws; it never decides protocol behaviour. Every change to the
//! run goes through [`Scenario`] (rebuild) or [`Sim::inject`] (which records the fault in the
//! scenario), so replaying the scenario reproduces what the page shows.

use crate::presets;
use fpaxos::{NodeId, Time};
use fpaxos_sim::{FaultAction, Report, Scenario, Sim};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Wall-clock milliseconds one frame may spend simulating while playing.
pub const FRAME_BUDGET_MS: f64 = 12.0;
/// Budget per frame while seeking or running to the end (the page only shows progress then);
/// with rendering, each task stays well under 50 ms.
pub const SEEK_BUDGET_MS: f64 = 24.0;
/// Events between wall-clock checks inside a frame.
const EVENT_CHUNK: u64 = 512;
/// How often the report (charts, summary) is refreshed while running, in wall ms.
const REPORT_EVERY_MS: f64 = 250.0;
/// Slowest speed (log10 of simulated time per real time).
pub const SPEED_MIN: f64 = -4.0;
/// Fastest finite speed; above it the run goes as fast as the frame budget allows.
pub const SPEED_MAX: f64 = 1.0;

/// What a click on the cluster view does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClickMode {
    /// Click a node: crash it, or recover it if crashed.
    Crash,
    /// Click two nodes: cut the link between them (or restore it).
    Link,
    /// Click nodes to put them in one side of a partition.
    Partition,
}

/// A report with a version, compared by version only (cheap props).
#[derive(Clone, Debug)]
pub struct ReportRef {
    /// Changes whenever the report does.
    pub version: u64,
    /// The report.
    pub report: Rc<Report>,
}

impl PartialEq for ReportRef {
    fn eq(&self, o: &Self) -> bool {
        self.version == o.version
    }
}

/// Shared handle to the running simulation (not `Clone`-able itself).
#[derive(Clone, Default)]
pub struct SimCell(pub Rc<RefCell<Option<Sim>>>);

impl PartialEq for SimCell {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

/// Everything the page shows.
#[derive(Clone, PartialEq)]
pub struct AppState {
    /// The scenario, including faults injected by clicks.
    pub scenario: Scenario,
    /// Preset the scenario came from, if unchanged since.
    pub preset: Option<&'static str>,
    /// Validation messages (non-empty: no run).
    pub errors: Vec<String>,
    /// The run.
    pub sim: SimCell,
    /// Bumped after every change to the run (drives redraws).
    pub version: u64,
    /// Simulated time now.
    pub now: Time,
    /// End of the run.
    pub end: Time,
    /// The run reached its end.
    pub done: bool,
    /// Playing in real (scaled) time.
    pub playing: bool,
    /// log10(simulated time / real time).
    pub speed: f64,
    /// Ignore `speed`: run as fast as frames allow.
    pub max_speed: bool,
    /// A time the run is heading to in slices (seek or run to end).
    pub target: Option<Time>,
    /// Wall time of the last frame (ms), to turn frames into simulated time.
    pub last_frame: Option<f64>,
    /// Latest report and when (wall ms) it was taken.
    pub report: Option<ReportRef>,
    report_wall: f64,
    /// Click mode on the cluster view.
    pub mode: ClickMode,
    /// First node clicked in link mode.
    pub link_first: Option<NodeId>,
    /// Nodes selected for a partition.
    pub partition: Vec<NodeId>,
    /// Last user-facing note (e.g. "crashed node 2 at 1.2 s").
    pub note: Option<String>,
    /// Wall ms spent simulating since the last rebuild.
    pub wall_sim_ms: f64,
    /// Frames rendered while playing (for the fps measurement).
    pub frames: u64,
    // --- compare & sweep (web/src/compare.rs) ---
    /// Compare-mode variants (empty: compare mode is off). A link carries them in
    /// `ViewState::compare`.
    pub compare: Vec<fpaxos_share::Variant>,
    /// Which variant the main editor edits (its edits go to that variant).
    pub compare_edit: Option<usize>,
    /// Bumped whenever `compare` or `sweep` changes.
    pub compare_version: u64,
    /// Sweep spec text in `fpaxos sweep --vary` syntax (`q2=1..5`); `None`: no sweep panel.
    /// A link carries it in `ViewState::sweep`.
    pub sweep: Option<String>,
    // --- end compare & sweep ---
    /// Optional panels the user closed (names from [`OPTIONAL_PANELS`]); a link carries the open
    /// ones in `ViewState::panels`.
    pub closed_panels: Vec<&'static str>,
}

/// Panels of the main page that can be closed (and reopened), in page order.
pub const OPTIONAL_PANELS: [(&str, &str); 4] = [
    ("spacetime", "Space-time diagram"),
    ("charts", "Charts"),
    ("sweep", "Sweep"),
    ("analysis", "Analysis"),
];

/// Everything that can change the state.
pub enum Action {
    /// Replace the scenario (edits, presets): restarts the run.
    SetScenario(Box<Scenario>),
    /// Load a preset by id.
    LoadPreset(String),
    /// Play or pause.
    TogglePlay,
    /// Pause.
    Pause,
    /// Process the next event.
    Step,
    /// Set the speed (log10 scale).
    SetSpeed(f64),
    /// Toggle "as fast as possible".
    SetMaxSpeed(bool),
    /// Move the time cursor (forward runs on, backward rebuilds and replays).
    Seek(Time),
    /// Move the time cursor by a signed amount.
    SeekBy(i64),
    /// Run to the end in slices.
    RunToEnd,
    /// Start over at time 0.
    Restart,
    /// One animation frame at this wall time (ms).
    Frame(f64),
    /// Apply a fault now (recorded in the scenario).
    Inject(FaultAction),
    /// A click on a node in the cluster view.
    NodeClick(NodeId),
    /// Change the click mode.
    SetMode(ClickMode),
    /// Apply the selected partition.
    ApplyPartition,
    /// Remove every injected or scheduled fault.
    ClearFaults,
    /// Compare mode and sweep edits (web/src/compare.rs).
    Compare(crate::compare::CompareAction),
    /// Open or close one of [`OPTIONAL_PANELS`].
    TogglePanel(&'static str),
}

/// The closed panels implied by a link's list of open panels (empty list: all open).
pub fn closed_from_view(open: &[String]) -> Vec<&'static str> {
    if open.is_empty() {
        return Vec::new();
    }
    OPTIONAL_PANELS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !open.iter().any(|o| o == id))
        .collect()
}

/// The open panels to write into a link (empty: all open, the default).
pub fn open_for_view(closed: &[&'static str]) -> Vec<String> {
    if closed.is_empty() {
        return Vec::new();
    }
    OPTIONAL_PANELS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !closed.contains(id))
        .map(String::from)
        .collect()
}

fn wall_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

impl AppState {
    /// A state running `scenario` from time 0.
    pub fn new(scenario: Scenario, preset: Option<&'static str>) -> AppState {
        let mut s = AppState {
            scenario: Scenario::default(),
            preset,
            errors: Vec::new(),
            sim: SimCell::default(),
            version: 0,
            now: 0,
            end: 0,
            done: false,
            playing: false,
            speed: -2.0,
            max_speed: false,
            target: None,
            last_frame: None,
            report: None,
            report_wall: 0.0,
            mode: ClickMode::Crash,
            link_first: None,
            partition: Vec::new(),
            note: None,
            wall_sim_ms: 0.0,
            frames: 0,
            // --- compare & sweep ---
            compare: Vec::new(),
            compare_edit: None,
            compare_version: 0,
            sweep: None,
            // --- end compare & sweep ---
            closed_panels: Vec::new(),
        };
        s.rebuild(scenario);
        s
    }

    /// The default page state (engine default scenario, or `?preset=ID`).
    pub fn initial() -> AppState {
        // --- share: a link in the URL wins, then `?preset=`, then the last stored scenario ---
        if let Some(sc) = crate::share::initial_scenario() {
            let mut s = AppState::new(sc, None);
            let view = crate::share::initial_view();
            s.closed_panels = closed_from_view(&view.panels);
            if !view.compare.is_empty() || view.sweep.is_some() {
                s.compare_edit = view.compare.iter().position(|v| v.scenario == s.scenario);
                s.compare = view.compare;
                s.sweep = view.sweep;
                s.compare_version += 1;
            }
            return s;
        }
        // --- end share ---
        let preset = crate::query_param("preset").and_then(|id| presets::by_id(&id));
        match preset {
            Some(p) => {
                let mut s = AppState::new(p.scenario.clone(), Some(p.id));
                crate::compare::preset_loaded(&mut s, &p);
                s
            }
            None => AppState::new(Scenario::default(), Some("default")),
        }
    }

    /// Whether frames are needed (playing or heading to a target).
    pub fn animating(&self) -> bool {
        (self.playing || self.target.is_some()) && !self.done && self.errors.is_empty()
    }

    /// Progress 0..=1 towards the current target.
    pub fn progress(&self) -> Option<f64> {
        self.target.map(|t| {
            if t == 0 {
                1.0
            } else {
                self.now as f64 / t as f64
            }
        })
    }

    fn rebuild(&mut self, scenario: Scenario) {
        self.errors.clear();
        self.target = None;
        self.last_frame = None;
        self.link_first = None;
        self.wall_sim_ms = 0.0;
        match Sim::new(&scenario) {
            Ok(sim) => {
                self.now = sim.now();
                self.end = sim.end_time();
                self.done = sim.is_done();
                *self.sim.0.borrow_mut() = Some(sim);
            }
            Err(e) => {
                self.errors = e.0;
                self.now = 0;
                self.end = scenario.duration.0;
                self.done = false;
                self.playing = false;
                *self.sim.0.borrow_mut() = None;
            }
        }
        self.scenario = scenario;
        self.partition
            .retain(|n| u32::from(*n) < self.scenario.cluster.nodes);
        self.refresh_report();
    }

    fn refresh_report(&mut self) {
        self.version += 1;
        self.report_wall = wall_now();
        let sim = self.sim.0.borrow();
        self.report = sim.as_ref().map(|s| ReportRef {
            version: self.version,
            report: Rc::new(s.report()),
        });
    }

    /// Runs towards `t` for at most the frame budget. Returns whether `t` was reached.
    fn advance(&mut self, t: Time, budget_ms: f64) -> bool {
        let start = wall_now();
        let mut reached = false;
        {
            let mut guard = self.sim.0.borrow_mut();
            let Some(sim) = guard.as_mut() else {
                return true;
            };
            loop {
                let (more, r) = sim.run_until_budget(t, EVENT_CHUNK);
                if r || !more {
                    reached = true;
                    break;
                }
                if wall_now() - start > budget_ms {
                    break;
                }
            }
            self.now = sim.now();
            self.done = sim.is_done();
            let spent = wall_now() - start;
            self.wall_sim_ms += spent;
        }
        reached || self.done
    }

    fn seek(&mut self, t: Time) {
        let t = t.min(self.end);
        if t < self.now {
            let scenario = self.scenario.clone();
            let playing = self.playing;
            self.rebuild(scenario);
            self.playing = playing;
        }
        if t > self.now {
            self.target = Some(t);
            // Short seeks finish within this frame.
            if self.advance(t, FRAME_BUDGET_MS) {
                self.target = None;
            }
        }
        self.refresh_report();
    }

    fn inject(&mut self, action: FaultAction) {
        let mut guard = self.sim.0.borrow_mut();
        let Some(sim) = guard.as_mut() else {
            self.note = Some("Fix the scenario first: it does not run.".into());
            return;
        };
        if sim.is_done() {
            self.note = Some("The run is over: move the time cursor back to change it.".into());
            return;
        }
        let f = sim.inject(self.now + 1, action);
        self.note = Some(format!(
            "{} at {}",
            f.action.describe(),
            crate::format::time(f.at.0)
        ));
        self.scenario.faults.push(f);
        self.preset = None;
        drop(guard);
        self.version += 1;
    }

    fn node_crashed(&self, n: NodeId) -> bool {
        self.sim
            .0
            .borrow()
            .as_ref()
            .and_then(|s| s.node_views().get(n as usize).map(|v| v.crashed))
            .unwrap_or(false)
    }

    fn link_blocked(&self, a: NodeId, b: NodeId) -> bool {
        self.sim
            .0
            .borrow()
            .as_ref()
            .is_some_and(|s| s.link_blocked(a, b) || s.link_blocked(b, a))
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::TogglePanel(id) => {
                if let Some(i) = s.closed_panels.iter().position(|p| *p == id) {
                    s.closed_panels.remove(i);
                } else if OPTIONAL_PANELS.iter().any(|(p, _)| *p == id) {
                    s.closed_panels.push(id);
                }
            }
            Action::SetScenario(sc) => {
                let playing = s.playing;
                s.preset = None;
                s.rebuild(*sc);
                s.playing = playing && s.errors.is_empty();
                crate::compare::scenario_edited(&mut s);
            }
            Action::LoadPreset(id) => match presets::by_id(&id) {
                Some(p) => {
                    s.rebuild(p.scenario.clone());
                    s.preset = Some(p.id);
                    s.playing = false;
                    s.note = None;
                    crate::compare::preset_loaded(&mut s, &p);
                }
                None => s.note = Some(format!("No preset named `{id}`.")),
            },
            Action::TogglePlay => {
                if s.done {
                    // Play from the start again.
                    let sc = s.scenario.clone();
                    s.rebuild(sc);
                    s.playing = s.errors.is_empty();
                } else {
                    s.playing = !s.playing && s.errors.is_empty();
                }
                s.last_frame = None;
                if !s.playing {
                    s.refresh_report();
                }
            }
            Action::Pause => {
                s.playing = false;
                s.target = None;
                s.refresh_report();
            }
            Action::Step => {
                s.playing = false;
                s.target = None;
                if let Some(sim) = s.sim.0.borrow_mut().as_mut() {
                    sim.step();
                    s.now = sim.now();
                    s.done = sim.is_done();
                }
                s.refresh_report();
            }
            Action::SetSpeed(v) => s.speed = v.clamp(SPEED_MIN, SPEED_MAX),
            Action::SetMaxSpeed(m) => s.max_speed = m,
            Action::Seek(t) => {
                s.seek(t);
            }
            Action::SeekBy(d) => {
                let t = if d < 0 {
                    s.now.saturating_sub(d.unsigned_abs())
                } else {
                    s.now.saturating_add(d as u64)
                };
                s.seek(t);
            }
            Action::RunToEnd => {
                if !s.done && s.errors.is_empty() {
                    s.target = Some(s.end);
                    s.playing = false;
                }
            }
            Action::Restart => {
                let sc = s.scenario.clone();
                s.rebuild(sc);
                s.playing = false;
            }
            Action::Frame(wall) => {
                if !s.animating() {
                    s.last_frame = None;
                    return Rc::new(s);
                }
                s.frames += 1;
                let dt = s.last_frame.map_or(0.0, |l| (wall - l).clamp(0.0, 100.0));
                s.last_frame = Some(wall);
                if let Some(t) = s.target {
                    if s.advance(t, SEEK_BUDGET_MS) {
                        s.target = None;
                        s.refresh_report();
                    }
                } else {
                    let goal = if s.max_speed {
                        s.end
                    } else {
                        let ns = dt * 1e6 * 10f64.powf(s.speed);
                        s.now.saturating_add(ns.round() as u64)
                    };
                    s.advance(goal, FRAME_BUDGET_MS);
                }
                if s.done {
                    s.playing = false;
                    s.target = None;
                    s.refresh_report();
                } else if wall - s.report_wall > REPORT_EVERY_MS {
                    s.refresh_report();
                } else {
                    s.version += 1;
                }
            }
            Action::Inject(a) => s.inject(a),
            Action::NodeClick(n) => match s.mode {
                ClickMode::Crash => {
                    let a = if s.node_crashed(n) {
                        FaultAction::Recover { node: n.into() }
                    } else {
                        FaultAction::Crash { node: n.into() }
                    };
                    s.inject(a);
                }
                ClickMode::Link => match s.link_first.take() {
                    None => {
                        s.link_first = Some(n);
                        s.note = Some(format!("Link from node {n}: now click the other end."));
                    }
                    Some(a) if a == n => s.note = Some("Link selection cleared.".into()),
                    Some(a) => {
                        let (from, to) = (a.into(), n.into());
                        let act = if s.link_blocked(a, n) {
                            FaultAction::RestoreLink {
                                from,
                                to,
                                both: true,
                            }
                        } else {
                            FaultAction::CutLink {
                                from,
                                to,
                                both: true,
                            }
                        };
                        s.inject(act);
                    }
                },
                ClickMode::Partition => {
                    if let Some(i) = s.partition.iter().position(|x| *x == n) {
                        s.partition.remove(i);
                    } else {
                        s.partition.push(n);
                        s.partition.sort_unstable();
                    }
                }
            },
            Action::SetMode(m) => {
                s.mode = m;
                s.link_first = None;
            }
            Action::ApplyPartition => {
                let n = s.scenario.cluster.nodes;
                let a: Vec<u32> = s.partition.iter().map(|x| u32::from(*x)).collect();
                let b: Vec<u32> = (0..n).filter(|i| !a.contains(i)).collect();
                if a.is_empty() || b.is_empty() {
                    s.note = Some(
                        "Select some nodes, but not all, for one side of the partition.".into(),
                    );
                } else {
                    s.inject(FaultAction::Partition { groups: vec![a, b] });
                    s.partition.clear();
                }
            }
            Action::ClearFaults => {
                let mut sc = s.scenario.clone();
                sc.faults.clear();
                s.rebuild(sc);
                s.preset = None;
                s.playing = false;
            }
            // --- compare & sweep (web/src/compare.rs) ---
            Action::Compare(a) => {
                if let Some(sc) = crate::compare::reduce(&mut s, a) {
                    s.rebuild(sc);
                    s.preset = None;
                    s.playing = false;
                }
            }
        }
        Rc::new(s)
    }
}

/// The context every component reads.
pub type AppCtx = UseReducerHandle<AppState>;

/// The app state from context.
#[hook]
pub fn use_app() -> AppCtx {
    use_context::<AppCtx>().expect("AppState context is provided by App")
}
