//! The main run's slice of the state: a shared handle to the [`RemoteRun`] (the page's side of
//! a run its worker simulates) and a snapshot of what the page shows (time, end, status, the
//! cluster, playback settings, the latest report).
//!
//! While the run heads to a target (seek, run to end) the frames do not redraw it
//! (`AppState::seek_quietly`), so the snapshot can lag the shared run by up to half a second:
//! it is what the page shows. Code that needs the run's own time reads it from the
//! [`RemoteRun`].

use crate::run::{NewsCosts, RemoteRun, SimAt};
use fpaxos::Time;
use fpaxos_sim::Report;
use std::cell::RefCell;
use std::rc::Rc;

/// Slowest speed (log10 of simulated time per real time).
pub(crate) const SPEED_MIN: f64 = -4.0;
/// Fastest finite speed; above it the run goes as fast as the frame budget allows.
pub(crate) const SPEED_MAX: f64 = 1.0;
/// How often the report (charts, summary) is refreshed while running, in wall ms.
const REPORT_EVERY_MS: f64 = 250.0;
/// How often the page redraws its progress while heading to a target (seek, run to end), in
/// wall ms. A redraw of the whole page costs tens of ms of rendering and layout; a default run
/// to the end takes about 200 ms of simulation and is drawn once, at the end.
const SEEK_REDRAW_EVERY_MS: f64 = 500.0;

/// A report with a version, compared by version only (cheap props).
#[derive(Clone, Debug)]
pub(crate) struct ReportRef {
    /// Changes whenever the report does.
    pub(crate) version: u64,
    /// The report.
    pub(crate) report: Rc<Report>,
}

impl PartialEq for ReportRef {
    fn eq(&self, o: &Self) -> bool {
        self.version == o.version
    }
}

/// Shared handle to the main run; equal when it is the same handle.
#[derive(Clone)]
pub(crate) struct SimCell(Rc<RefCell<RemoteRun>>);

impl PartialEq for SimCell {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

impl SimCell {
    /// Calls `f` with the run.
    pub(crate) fn with_run<R>(&self, f: impl FnOnce(&RemoteRun) -> R) -> R {
        f(&self.0.borrow())
    }

    pub(crate) fn with_main<R>(&self, f: impl FnOnce(&mut RemoteRun) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }
}

/// What the run is doing (the `run-status` text of the page and the embed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunStatus {
    /// The scenario does not validate.
    Invalid,
    /// The run reached its end.
    Done,
    /// Heading to a target in slices (seek, run to end).
    Running,
    /// Playing in scaled real time.
    Playing,
    /// Paused.
    Paused,
}

impl RunStatus {
    /// The status as the page writes it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RunStatus::Invalid => "invalid",
            RunStatus::Done => "done",
            RunStatus::Running => "running",
            RunStatus::Playing => "playing",
            RunStatus::Paused => "paused",
        }
    }
}

/// The main run and how it is played.
#[derive(Clone, PartialEq)]
pub(crate) struct RunState {
    /// The run.
    pub(crate) sim: SimCell,
    /// Bumped after every change to the run (drives redraws).
    pub(crate) version: u64,
    /// Simulated time now.
    pub(crate) now: Time,
    /// The cluster at `now`, as the cluster views draw it (`None`: the scenario does not run).
    /// Taken with the numbers, so the cluster never shows the shared run ahead of the page's
    /// time while it heads to a target without redrawing.
    pub(crate) cluster: Option<Rc<SimAt>>,
    /// End of the run.
    pub(crate) end: Time,
    /// The run reached its end.
    pub(crate) done: bool,
    /// A time the run is heading to in slices (seek or run to end).
    pub(crate) target: Option<Time>,
    /// Playing in real (scaled) time.
    pub(crate) playing: bool,
    /// log10(simulated time / real time).
    pub(crate) speed: f64,
    /// Ignore `speed`: run as fast as frames allow.
    pub(crate) max_speed: bool,
    /// Wall time of the last frame (ms), to turn frames into simulated time.
    pub(crate) last_frame: Option<f64>,
    /// Latest report.
    pub(crate) report: Option<ReportRef>,
    /// When (wall ms) the report was taken.
    report_wall: f64,
    /// When (wall ms) the page last drew while heading to a target.
    seek_drawn: f64,
    /// Wall ms spent simulating since the last rebuild.
    pub(crate) wall_sim_ms: f64,
    /// What the run's news cost since the last rebuild (wall ms).
    pub(crate) news_costs: NewsCosts,
    /// Frames rendered while playing (for the fps measurement).
    pub(crate) frames: u64,
}

impl RunState {
    pub(crate) fn new(main: RemoteRun) -> RunState {
        let mut r = RunState {
            sim: SimCell(Rc::new(RefCell::new(main))),
            version: 0,
            now: 0,
            cluster: None,
            end: 0,
            done: false,
            target: None,
            playing: false,
            speed: -2.0,
            max_speed: false,
            last_frame: None,
            report: None,
            report_wall: 0.0,
            seek_drawn: 0.0,
            wall_sim_ms: 0.0,
            news_costs: NewsCosts::default(),
            frames: 0,
        };
        r.sync();
        r
    }

    /// Replaces the run (a new scenario, or a replay from time 0); stops playing when it
    /// does not validate.
    pub(crate) fn restart(&mut self, main: RemoteRun) {
        let runs = main.errors().is_empty();
        *self.sim.0.borrow_mut() = main;
        self.last_frame = None;
        if !runs {
            self.playing = false;
        }
        self.sync();
    }

    /// Copies the run's numbers into the snapshot.
    pub(crate) fn sync(&mut self) {
        let m = self.sim.0.borrow();
        self.now = m.now();
        self.cluster = m.cluster();
        self.end = m.end();
        self.done = m.done();
        self.target = m.target();
        self.wall_sim_ms = m.wall_ms();
        self.news_costs = m.news_costs();
    }

    /// Takes the run's latest report (at wall time `wall`). The report keeps its version
    /// while the run has no newer one, so the charts and tables it feeds are not drawn again.
    pub(crate) fn refresh_report(&mut self, wall: f64) {
        self.version += 1;
        self.report_wall = wall;
        let latest = self.sim.with_run(RemoteRun::report);
        let same = match (&self.report, &latest) {
            (Some(shown), Some(l)) => Rc::ptr_eq(&shown.report, l),
            (None, None) => true,
            _ => false,
        };
        if !same {
            let version = self.version;
            self.report = latest.map(|report| ReportRef { version, report });
        }
    }

    /// Notes that the page draws now (wall time `wall`) while heading to a target.
    pub(crate) fn seek_drawn(&mut self, wall: f64) {
        self.seek_drawn = wall;
    }

    /// Whether a frame at wall time `wall` should redraw the progress towards the target
    /// rather than simulate.
    pub(crate) fn seek_redraw_due(&self, wall: f64) -> bool {
        wall - self.seek_drawn > SEEK_REDRAW_EVERY_MS
    }

    /// Whether the report is older than the refresh interval at wall time `wall`.
    pub(crate) fn report_due(&self, wall: f64) -> bool {
        wall - self.report_wall > REPORT_EVERY_MS
    }
}
