//! The page's single source of truth: one [`AppState`] changed only by [`Action`]s through
//! Yew's `use_reducer`, handed down to components by context. It is made of slices: the
//! scenario, the main run ([`RunState`]), compare mode ([`CompareState`]), the sweep spec, the
//! view ([`ViewPrefs`]) and the cluster view's click tools. Copies of the state share the
//! scenario, the variants and the simulation (`Rc`), so a frame copies only a few numbers.
//!
//! **Invariant**: the web crate draws; it never decides protocol behaviour. Every change to the
//! run goes through [`Scenario`] (rebuild) or [`fpaxos_sim::Sim::inject`] (which records the
//! fault in the simulator's scenario, which becomes the page's), so replaying the scenario
//! reproduces what the page shows.

mod compare;
mod run;
#[cfg(test)]
mod tests;
mod view;

pub(crate) use compare::{CompareAction, CompareState};
pub(crate) use run::{ReportRef, RunState, RunStatus, SPEED_MAX, SPEED_MIN};
pub(crate) use view::{closed_from_view, open_for_view};
pub(crate) use view::{set_spacetime_window, spacetime_window};
pub(crate) use view::{SpaceTimeWindow, ViewPrefs, OPTIONAL_PANELS};

#[cfg(not(test))]
use crate::browser::now_ms;
use crate::presets::{self, MenuPreset};
use crate::run::{Link, RemoteRun, FRAME_BUDGET_MS, SEEK_BUDGET_MS};
use fpaxos::{NodeId, Time};
use fpaxos_share::Shared;
use fpaxos_sim::trace::{BallotLog, DiagramLog};
use fpaxos_sim::{FaultAction, Scenario};
use std::rc::Rc;
use yew::prelude::*;

/// The wall clock the reducer hands to the main run: the browser's, or a still one in native
/// tests (a slice then runs until its goal).
#[cfg(test)]
fn now_ms() -> f64 {
    0.0
}

/// What a click on the cluster view does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClickMode {
    /// Click a node: crash it, or recover it if crashed.
    Crash,
    /// Click two nodes: cut the link between them (or restore it).
    Link,
    /// Click nodes to put them in one side of a partition.
    Partition,
}

/// The cluster view's click tools.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ClusterTools {
    /// Click mode.
    pub(crate) mode: ClickMode,
    /// First node clicked in link mode.
    pub(crate) link_first: Option<NodeId>,
    /// Nodes selected for a partition.
    pub(crate) partition: Vec<NodeId>,
}

/// Where the page's first scenario comes from (decided by [`crate::share`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Start {
    /// A link in the URL.
    Link(Box<Shared>),
    /// The stored last scenario.
    Stored(Box<Scenario>),
    /// A preset (`?preset=ID`).
    Preset(Box<MenuPreset>),
    /// None of them: the engine's default scenario.
    Default,
}

/// Everything the page shows.
#[derive(Clone, PartialEq)]
pub(crate) struct AppState {
    /// The scenario, including faults injected by clicks.
    pub(crate) scenario: Rc<Scenario>,
    /// Preset the scenario came from, if unchanged since.
    pub(crate) preset: Option<&'static str>,
    /// Validation messages (non-empty: no run).
    pub(crate) errors: Rc<Vec<String>>,
    /// The main run.
    pub(crate) run: RunState,
    /// Compare mode.
    pub(crate) compare: CompareState,
    /// Sweep spec text in `fpaxos sweep --vary` syntax (`q2=1..5`); a link carries it in
    /// `ViewState::sweep`.
    pub(crate) sweep: Option<String>,
    /// Open panels and the space-time window.
    pub(crate) view: ViewPrefs,
    /// The cluster view's click tools.
    pub(crate) tools: ClusterTools,
    /// Last user-facing note (e.g. "crashed node 2 at 1.2 s").
    pub(crate) note: Option<String>,
}

/// Everything that can change the state.
pub(crate) enum Action {
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
    /// News of the main run arrived from its worker.
    RunNews,
    /// A click on a node in the cluster view.
    NodeClick(NodeId),
    /// Change the click mode.
    SetMode(ClickMode),
    /// Apply the selected partition.
    ApplyPartition,
    /// Remove every injected or scheduled fault.
    ClearFaults,
    /// Compare mode edits.
    Compare(CompareAction),
    /// Open the sweep panel with this spec text (`None`: no spec).
    SetSweep(Option<String>),
    /// Open or close one of [`OPTIONAL_PANELS`].
    TogglePanel(&'static str),
    /// Show this slot on the ballot board (`None`: the most interesting one).
    SetBallotSlot(Option<fpaxos::Slot>),
}

impl AppState {
    /// A state running `scenario` from time 0.
    pub(crate) fn new(scenario: Scenario, preset: Option<&'static str>) -> AppState {
        let scenario = Rc::new(scenario);
        let main = RemoteRun::new(Link::shared(), Rc::clone(&scenario), &now_ms);
        let mut s = AppState {
            errors: Rc::clone(main.errors()),
            scenario,
            preset,
            run: RunState::new(main),
            compare: CompareState::default(),
            sweep: None,
            view: ViewPrefs::default(),
            tools: ClusterTools {
                mode: ClickMode::Crash,
                link_first: None,
                partition: Vec::new(),
            },
            note: None,
        };
        s.refresh_report();
        s
    }

    /// The state the page opens with.
    pub(crate) fn from_start(start: Start) -> AppState {
        match start {
            Start::Link(shared) => {
                let Shared { scenario, view } = *shared;
                let mut s = AppState::new(scenario, None);
                s.view.closed_panels = closed_from_view(&view.panels);
                if !view.compare.is_empty() || view.sweep.is_some() {
                    s.compare = CompareState::opened_with(view.compare, &s.scenario);
                    s.sweep = view.sweep;
                }
                s
            }
            Start::Stored(sc) => AppState::new(*sc, None),
            Start::Preset(p) => {
                let mut s = AppState::new(p.scenario.clone(), Some(p.id));
                s.preset_loaded(&p);
                s
            }
            Start::Default => AppState::new(Scenario::default(), Some("default")),
        }
    }

    /// Whether frames are needed (playing or heading to a target).
    pub(crate) fn animating(&self) -> bool {
        let r = &self.run;
        (r.playing || r.target.is_some()) && !r.done && self.errors.is_empty()
    }

    /// Progress 0..=1 towards the current target.
    pub(crate) fn progress(&self) -> Option<f64> {
        self.run.target.map(|t| {
            if t == 0 {
                1.0
            } else {
                self.run.now as f64 / t as f64
            }
        })
    }

    /// What the run is doing, as the page's status line says it.
    pub(crate) fn status(&self) -> RunStatus {
        if !self.errors.is_empty() {
            RunStatus::Invalid
        } else if self.run.done {
            RunStatus::Done
        } else if self.run.target.is_some() {
            RunStatus::Running
        } else if self.run.playing {
            RunStatus::Playing
        } else {
            RunStatus::Paused
        }
    }

    /// Calls `f` with the run's space-time diagram log (`None`: the scenario does not run).
    /// The views read the run's logs and its [`crate::run::SimAt`], never the `Sim` itself.
    pub(crate) fn with_diagram<R>(&self, f: impl FnOnce(&DiagramLog) -> R) -> Option<R> {
        self.run.sim.with_run(|r| r.diagram().map(f))
    }

    /// Calls `f` with the run's ballot log (`None`: the scenario does not run).
    pub(crate) fn with_ballots<R>(&self, f: impl FnOnce(&BallotLog) -> R) -> Option<R> {
        self.run.sim.with_run(|r| r.ballots().map(f))
    }

    fn rebuild(&mut self, scenario: Rc<Scenario>) {
        self.tools.link_first = None;
        let main = RemoteRun::new(Link::shared(), Rc::clone(&scenario), &now_ms);
        self.errors = Rc::clone(main.errors());
        self.run.restart(main);
        self.scenario = scenario;
        let nodes = self.scenario.cluster.nodes;
        self.tools.partition.retain(|n| u32::from(*n) < nodes);
        self.refresh_report();
    }

    fn refresh_report(&mut self) {
        self.run.refresh_report(now_ms());
    }

    fn preset_loaded(&mut self, p: &MenuPreset) {
        self.compare = CompareState::for_preset(p);
        if let Some(sw) = p.sweep {
            self.sweep = Some(sw.to_string());
        }
    }

    /// Moves the time cursor; backwards, the run's host replays from time 0 (the page shows
    /// the run where it was until the replay's news arrive).
    fn seek(&mut self, t: Time) {
        self.run.sim.with_main(|m| m.seek(t, &now_ms));
        self.run.seek_drawn(now_ms());
        self.run.sync();
        self.refresh_report();
    }

    fn inject(&mut self, action: FaultAction) {
        match self.run.sim.with_main(|m| m.inject(action, &now_ms)) {
            Err(why) => self.note = Some(why.into()),
            Ok(()) => self.take_news(),
        }
    }

    /// Applies the main run's news: the faults injected (each recorded in the scenario, or
    /// refused with a reason) and the run's numbers.
    fn take_news(&mut self) {
        let injected = self.run.sim.with_main(|m| {
            m.poll(&now_ms);
            m.take_injected()
        });
        for i in injected {
            match i {
                Err(why) => self.note = Some(why),
                Ok((f, scenario)) => {
                    self.note = Some(format!(
                        "{} at {}",
                        f.action.describe(),
                        crate::format::time(f.at.0)
                    ));
                    self.scenario = Rc::new(scenario);
                    self.preset = None;
                }
            }
        }
        self.run.sync();
        self.run.version += 1;
    }

    /// Whether node `n` is down, as the page shows it.
    fn node_crashed(&self, n: NodeId) -> bool {
        self.run.cluster.as_ref().is_some_and(|c| c.crashed(n))
    }

    /// Whether the link between `a` and `b` is cut either way, as the page shows it.
    fn link_blocked(&self, a: NodeId, b: NodeId) -> bool {
        self.run.cluster.as_ref().is_some_and(|c| c.link_cut(a, b))
    }

    /// A frame while heading to a target (seek, run to end): simulates one slice on the shared
    /// run, before the state is copied. Returns true when the page needs no redraw now, so the
    /// slice's task does nothing else: the target is not reached yet, or it was reached after
    /// a long slice and the next frame draws it. Twice a second a frame simulates nothing and
    /// redraws the progress instead. A task simulates or draws, both only after a short slice;
    /// the browser lays a drawing out and paints it in a task of its own (frames run after the
    /// paint, see `AfterPaint`).
    fn seek_quietly(&self, wall: f64) -> bool {
        if self.run.seek_redraw_due(wall) {
            return false;
        }
        let start = now_ms();
        let more = self.run.sim.with_main(|m| m.pump(SEEK_BUDGET_MS, &now_ms));
        more || now_ms() - start > SEEK_BUDGET_MS / 2.0
    }

    fn frame(&mut self, wall: f64) {
        if !self.animating() {
            self.run.last_frame = None;
            return;
        }
        let r = &mut self.run;
        r.frames += 1;
        let dt = r.last_frame.map_or(0.0, |l| (wall - l).clamp(0.0, 100.0));
        r.last_frame = Some(wall);
        // Heading to a target as the page last showed it (the news may say it arrived).
        let heading = r.target.is_some();
        self.take_news();
        let r = &mut self.run;
        if heading {
            // The slices ran in `seek_quietly` or in the worker; this frame shows where they
            // got to.
            r.seek_drawn(wall);
            if r.target.is_none() && !r.done {
                self.refresh_report();
            }
        } else if r.playing {
            let goal = if r.max_speed {
                r.end
            } else {
                let ns = dt * 1e6 * 10f64.powf(r.speed);
                r.now.saturating_add(ns.round() as u64)
            };
            r.sim
                .with_main(|m| m.advance(goal, FRAME_BUDGET_MS, &now_ms));
            r.sync();
        }
        if self.run.done {
            self.run.playing = false;
            self.run.sim.with_main(|m| m.stop(&now_ms));
            self.run.sync();
            self.refresh_report();
        } else if self.run.report_due(wall) {
            self.refresh_report();
        } else {
            self.run.version += 1;
        }
    }

    fn node_click(&mut self, n: NodeId) {
        match self.tools.mode {
            ClickMode::Crash => {
                let a = if self.node_crashed(n) {
                    FaultAction::Recover { node: n.into() }
                } else {
                    FaultAction::Crash { node: n.into() }
                };
                self.inject(a);
            }
            ClickMode::Link => match self.tools.link_first.take() {
                None => {
                    self.tools.link_first = Some(n);
                    self.note = Some(format!("Link from node {n}: now click the other end."));
                }
                Some(a) if a == n => self.note = Some("Link selection cleared.".into()),
                Some(a) => {
                    let (from, to) = (a.into(), n.into());
                    let act = if self.link_blocked(a, n) {
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
                    self.inject(act);
                }
            },
            ClickMode::Partition => {
                let p = &mut self.tools.partition;
                if let Some(i) = p.iter().position(|x| *x == n) {
                    p.remove(i);
                } else {
                    p.push(n);
                    p.sort_unstable();
                }
            }
        }
    }

    fn apply_partition(&mut self) {
        let n = self.scenario.cluster.nodes;
        let a: Vec<u32> = self.tools.partition.iter().map(|x| u32::from(*x)).collect();
        let b: Vec<u32> = (0..n).filter(|i| !a.contains(i)).collect();
        if a.is_empty() || b.is_empty() {
            self.note =
                Some("Select some nodes, but not all, for one side of the partition.".into());
        } else {
            self.inject(FaultAction::Partition { groups: vec![a, b] });
            self.tools.partition.clear();
        }
    }

    fn toggle_play(&mut self) {
        if self.run.done {
            // Play from the start again.
            self.rebuild(Rc::clone(&self.scenario));
            self.run.playing = self.errors.is_empty();
        } else {
            self.run.playing = !self.run.playing && self.errors.is_empty();
        }
        self.run.last_frame = None;
        if !self.run.playing {
            self.refresh_report();
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if let Action::Frame(wall) = action {
            if self.animating() && self.run.target.is_some() && self.seek_quietly(wall) {
                return self;
            }
        }
        if let Action::RunNews = action {
            // While frames run, they apply the news (and redraw when they choose).
            if self.animating() {
                return self;
            }
        }
        let mut s = (*self).clone();
        match action {
            Action::TogglePanel(id) => s.view.toggle(id),
            Action::SetBallotSlot(slot) => s.view.ballot_slot = slot,
            Action::SetScenario(sc) => {
                let playing = s.run.playing;
                s.preset = None;
                s.rebuild(Rc::new(*sc));
                s.run.playing = playing && s.errors.is_empty();
                s.compare.scenario_edited(&s.scenario);
            }
            Action::LoadPreset(id) => match presets::by_id(&id) {
                Some(p) => {
                    s.rebuild(Rc::new(p.scenario.clone()));
                    s.preset = Some(p.id);
                    s.run.playing = false;
                    s.note = None;
                    s.preset_loaded(&p);
                }
                None => s.note = Some(format!("No preset named `{id}`.")),
            },
            Action::TogglePlay => s.toggle_play(),
            Action::Pause => {
                s.run.playing = false;
                s.run.sim.with_main(|m| m.stop(&now_ms));
                s.run.sync();
                s.refresh_report();
            }
            Action::Step => {
                s.run.playing = false;
                s.run.sim.with_main(|m| m.step(&now_ms));
                s.run.sync();
                s.refresh_report();
            }
            Action::SetSpeed(v) => s.run.speed = v.clamp(SPEED_MIN, SPEED_MAX),
            Action::SetMaxSpeed(m) => s.run.max_speed = m,
            Action::Seek(t) => s.seek(t),
            Action::SeekBy(d) => {
                let now = s.run.now;
                let t = if d < 0 {
                    now.saturating_sub(d.unsigned_abs())
                } else {
                    now.saturating_add(d as u64)
                };
                s.seek(t);
            }
            Action::RunToEnd => {
                if !s.run.done && s.errors.is_empty() {
                    let end = s.run.end;
                    s.run.sim.with_main(|m| m.run_to(end, &now_ms));
                    s.run.seek_drawn(now_ms());
                    s.run.sync();
                    s.run.playing = false;
                }
            }
            Action::Restart => {
                s.rebuild(Rc::clone(&s.scenario));
                s.run.playing = false;
            }
            Action::Frame(wall) => s.frame(wall),
            Action::Inject(a) => s.inject(a),
            Action::RunNews => {
                s.take_news();
                s.refresh_report();
            }
            Action::NodeClick(n) => s.node_click(n),
            Action::SetMode(m) => {
                s.tools.mode = m;
                s.tools.link_first = None;
            }
            Action::ApplyPartition => s.apply_partition(),
            Action::ClearFaults => {
                let mut sc = (*s.scenario).clone();
                sc.faults.clear();
                s.rebuild(Rc::new(sc));
                s.preset = None;
                s.run.playing = false;
            }
            Action::Compare(a) => {
                if let Some(sc) = s.compare.reduce(a, &s.scenario) {
                    s.rebuild(Rc::new(sc));
                    s.preset = None;
                    s.run.playing = false;
                }
            }
            Action::SetSweep(spec) => s.sweep = spec,
        }
        Rc::new(s)
    }
}

/// The context every component reads.
pub(crate) type AppCtx = UseReducerHandle<AppState>;

/// The app state from context.
#[hook]
pub(crate) fn use_app() -> AppCtx {
    use_context::<AppCtx>().expect("AppState context is provided by App")
}
