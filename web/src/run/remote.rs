//! The page's side of its main run: a [`RemoteRun`] sends [`RunCmd`]s over a [`Link`] to a
//! [`RunHost`] and keeps what its [`RunNews`] say: the time, the cluster, the latest report and
//! mirrors of the diagram and ballot logs, which is all the views read. The host runs in a Web
//! Worker of its own, so the page's main thread only draws; where no worker starts (or one
//! fails), and natively in tests, the same host runs on the page, in slices the frames give it
//! ([`RemoteRun::pump`]), and answers at once.
//!
//! **Invariant**: the page's run is the host's, which is the engine's: the link only carries
//! commands and news, and every news is applied in order.

use super::host::{RunCmd, RunHost, RunNews};
use super::sim_at::{SimAt, DRAWN_FLIGHTS};
use fpaxos::Time;
use fpaxos_sim::trace::{BallotLog, DiagramLog};
use fpaxos_sim::{Fault, FaultAction, Report, Scenario, Sim};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// A main-run message between the page and its worker: `{run: RunCmd}` one way, `{run:
/// RunNews}` the other.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
#[derive(Serialize, Deserialize)]
pub(crate) struct RunMsg<T> {
    /// The command or news.
    pub(crate) run: T,
}

/// Where the commands go.
enum Out {
    /// The host on the page (no worker, or natively).
    Local(Box<RunHost>),
    /// The host in a worker; commands wait in `queue` until it is ready. The worker starts
    /// with the first command that needs the run to move (or the page's idle warm-up), not at
    /// load: compiling its wasm beside the page's own would slow the page's first tasks.
    #[cfg(target_arch = "wasm32")]
    Worker {
        worker: Option<web_sys::Worker>,
        ready: bool,
        queue: Vec<RunCmd>,
    },
}

/// The page's one channel to its main run's host (shared by the runs that replace each other
/// on it: a news answers the command it counts, so a run ignores the news of older commands).
pub(crate) struct Link {
    out: RefCell<Out>,
    /// Commands sent so far.
    sent: Cell<u64>,
    /// News not yet applied.
    inbox: RefCell<VecDeque<RunNews>>,
    /// Bumped when the host is replaced (a worker failed): runs send their state again.
    restarts: Cell<u64>,
    /// Wall ms spent reading news from a worker (for the measurement hooks).
    read_ms: Cell<f64>,
    /// The page's main run's link, which says where its host runs (`__fpaxos_main_run`).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
    main: bool,
    /// Called when news arrive from a worker (the page then applies them).
    waker: RefCell<Option<Rc<dyn Fn()>>>,
    /// This link, for the worker's callbacks.
    #[cfg(target_arch = "wasm32")]
    me: std::rc::Weak<Link>,
}

thread_local! {
    static LINK: RefCell<Option<Rc<Link>>> = const { RefCell::new(None) };
}

impl Link {
    fn with_out(out: Out) -> Link {
        Link {
            out: RefCell::new(out),
            sent: Cell::new(0),
            inbox: RefCell::new(VecDeque::new()),
            restarts: Cell::new(0),
            read_ms: Cell::new(0.0),
            main: false,
            waker: RefCell::new(None),
            #[cfg(target_arch = "wasm32")]
            me: std::rc::Weak::new(),
        }
    }

    /// The page's link: a worker's where one can start, else the page's own host.
    pub(crate) fn shared() -> Rc<Link> {
        LINK.with(|l| Rc::clone(l.borrow_mut().get_or_insert_with(|| Link::start(true))))
    }

    /// A link of its own, for a run beside the page's main run (the animation export's): its
    /// own worker, started with its first command and stopped when the link is dropped.
    pub(crate) fn own() -> Rc<Link> {
        Link::start(false)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn start(main: bool) -> Rc<Link> {
        let mut l = Link::with_out(Out::Local(Box::default()));
        l.main = main;
        Rc::new(l)
    }

    #[cfg(target_arch = "wasm32")]
    fn start(main: bool) -> Rc<Link> {
        Rc::new_cyclic(|me| {
            let mut l = Link::with_out(Out::Worker {
                worker: None,
                ready: false,
                queue: Vec::new(),
            });
            l.me = me.clone();
            l.main = main;
            l
        })
    }

    /// Starts the worker if it is not started (a worker that cannot start leaves the run on
    /// the page).
    #[cfg(target_arch = "wasm32")]
    fn launch(&self) {
        if !matches!(*self.out.borrow(), Out::Worker { worker: None, .. }) {
            return;
        }
        let (weak, weak2) = (self.me.clone(), self.me.clone());
        let started = super::pool::start_worker(
            move |data| {
                if let Some(l) = weak.upgrade() {
                    l.on_message(data);
                }
            },
            move || {
                if let Some(l) = weak2.upgrade() {
                    l.on_failure();
                }
            },
        );
        match started {
            Ok(w) => {
                if let Out::Worker { worker, .. } = &mut *self.out.borrow_mut() {
                    *worker = Some(w);
                }
            }
            Err(_) => self.on_failure(),
        }
    }

    /// Asks to be called when news arrive from a worker.
    pub(crate) fn set_waker(&self, wake: Rc<dyn Fn()>) {
        *self.waker.borrow_mut() = Some(wake);
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
    fn wake(&self) {
        let w = self.waker.borrow().clone();
        if let Some(w) = w {
            w();
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
    /// Puts a fresh host on the page in place of the current one (returned), numbering
    /// commands from 0 again as the new host counts them; runs send it their state again.
    fn replace_host(&self) -> Out {
        let old = std::mem::replace(&mut *self.out.borrow_mut(), Out::Local(Box::default()));
        self.sent.set(0);
        self.inbox.borrow_mut().clear();
        self.restarts.set(self.restarts.get() + 1);
        old
    }

    /// Whether a worker hosts the run.
    pub(crate) fn in_worker(&self) -> bool {
        !matches!(*self.out.borrow(), Out::Local(_))
    }

    /// Asks the worker to warm its engine up while idle (see [`RunCmd::Warm`]).
    pub(crate) fn warm_up(&self, clock: &dyn Fn() -> f64) {
        self.post(RunCmd::Warm, clock);
    }

    /// Sends `cmd`; returns its number. The page's own host answers at once.
    fn post(&self, cmd: RunCmd, clock: &dyn Fn() -> f64) -> u64 {
        #[cfg(target_arch = "wasm32")]
        if !matches!(cmd, RunCmd::Load(_)) {
            self.launch();
        }
        self.sent.set(self.sent.get() + 1);
        match &mut *self.out.borrow_mut() {
            Out::Local(h) => {
                let news = h.handle(cmd, clock);
                self.inbox.borrow_mut().push_back(news);
            }
            #[cfg(target_arch = "wasm32")]
            Out::Worker {
                worker,
                ready,
                queue,
            } => match worker {
                Some(w) if *ready => post_to(w, &cmd),
                // Every command is kept: the host numbers the news by the commands it got.
                _ => queue.push(cmd),
            },
        }
        self.sent.get()
    }

    /// One slice of the page's own host towards its target (nothing when a worker hosts the
    /// run: it works on its own). Returns whether the host has more to do.
    fn pump(&self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        match &mut *self.out.borrow_mut() {
            Out::Local(h) => {
                h.tick(budget_ms, clock, &mut |n| {
                    self.inbox.borrow_mut().push_back(n)
                });
                h.busy()
            }
            #[cfg(target_arch = "wasm32")]
            Out::Worker { .. } => false,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn on_message(&self, data: wasm_bindgen::JsValue) {
        if data.as_string().as_deref() == Some(super::pool::READY) {
            if let Out::Worker {
                worker: Some(worker),
                ready,
                queue,
            } = &mut *self.out.borrow_mut()
            {
                *ready = true;
                for cmd in queue.drain(..) {
                    post_to(worker, &cmd);
                }
            }
            self.publish("worker");
            return;
        }
        let start = crate::browser::now_ms();
        let read = serde_wasm_bindgen::from_value::<RunMsg<RunNews>>(data);
        self.read_ms
            .set(self.read_ms.get() + crate::browser::now_ms() - start);
        match read {
            Ok(m) => self.inbox.borrow_mut().push_back(m.run),
            // The page and its worker come from one build, so this is a bug: run on the page.
            Err(_) => return self.on_failure(),
        }
        self.wake();
    }

    /// The worker failed: the page hosts its run from now on. A worker that never became ready
    /// got no command: they all wait in its queue, and the page's host carries them out in
    /// order (clicks made meanwhile are kept). One that failed later took commands with it:
    /// runs then send their state again ([`RemoteRun::poll`]).
    #[cfg(target_arch = "wasm32")]
    fn on_failure(&self) {
        let never_ready = matches!(*self.out.borrow(), Out::Worker { ready: false, .. });
        if never_ready {
            let old = std::mem::replace(&mut *self.out.borrow_mut(), Out::Local(Box::default()));
            if let Out::Worker { worker, queue, .. } = old {
                if let Some(w) = worker {
                    w.terminate();
                }
                let clock = crate::browser::now_ms;
                if let Out::Local(h) = &mut *self.out.borrow_mut() {
                    let mut inbox = self.inbox.borrow_mut();
                    for cmd in queue {
                        inbox.push_back(h.handle(cmd, &clock));
                    }
                }
            }
        } else if let Out::Worker {
            worker: Some(worker),
            ..
        } = self.replace_host()
        {
            worker.terminate();
        }
        self.publish("page");
        self.wake();
    }
}

impl Link {
    /// `window.__fpaxos_main_run`: where the main run is simulated, `"worker"` once its worker
    /// is ready or `"page"` after one failed (read by the e2e tests).
    #[cfg(target_arch = "wasm32")]
    fn publish(&self, host: &str) {
        if self.main {
            js_sys::Reflect::set(&js_sys::global(), &"__fpaxos_main_run".into(), &host.into()).ok();
        }
    }
}

/// A link's worker stops with the link (the page's own link lives as long as the page).
#[cfg(target_arch = "wasm32")]
impl Drop for Link {
    fn drop(&mut self) {
        if let Out::Worker {
            worker: Some(w), ..
        } = self.out.get_mut()
        {
            w.terminate();
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn post_to(worker: &web_sys::Worker, cmd: &RunCmd) {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
    if let Ok(v) = serde::Serialize::serialize(&RunMsg { run: cmd }, &ser) {
        worker.post_message(&v).ok();
    }
}

/// What an injected fault came to, once its news arrived.
pub(crate) type Injected = Result<(Fault, Scenario), String>;

/// Wall ms a run's news cost since it started over, at each end (the measurement hooks
/// report them beside the simulating time).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct NewsCosts {
    /// Writing them in the host (log deltas, cluster, reports; not serializing).
    pub(crate) built: f64,
    /// Reading them on the page (from a worker's message; 0 where the page hosts the run).
    pub(crate) read: f64,
    /// Applying them to the page's copy (mirrors of the logs).
    pub(crate) applied: f64,
}

/// The page's main run, as its news describe it.
pub(crate) struct RemoteRun {
    link: Rc<Link>,
    scenario: Rc<Scenario>,
    errors: Rc<Vec<String>>,
    /// Number of this run's load command: news of older commands are another run's.
    base: u64,
    /// The link's restarts when the host last had this run.
    restarts: u64,
    now: Time,
    end: Time,
    done: bool,
    target: Option<Time>,
    wall_ms: f64,
    costs: NewsCosts,
    /// The link's reading time when this run last started over.
    read_base: f64,
    cluster: Option<Rc<SimAt>>,
    report: Option<Rc<Report>>,
    diagram: DiagramLog,
    ballots: BallotLog,
    /// Number of the last play slice sent, while it is not answered.
    advancing: Option<u64>,
    /// Number of the last command sent.
    last: u64,
    /// Outcomes of injected faults not yet taken ([`RemoteRun::take_injected`]).
    injected: Vec<Injected>,
}

impl RemoteRun {
    /// A run of `scenario` from time 0 on `link`. The page shows time 0 before any news: the
    /// cluster and an empty report are read off a fresh simulation here (nothing runs).
    pub(crate) fn new(link: Rc<Link>, scenario: Rc<Scenario>, clock: &dyn Fn() -> f64) -> Self {
        let (errors, cluster, report) = match scenario.check() {
            Ok(c) => {
                let sim = Sim::new(c);
                let at = SimAt::of(&sim, DRAWN_FLIGHTS);
                (Vec::new(), Some(Rc::new(at)), Some(Rc::new(sim.report())))
            }
            Err(e) => (e.0, None, None),
        };
        let restarts = link.restarts.get();
        let mut r = RemoteRun {
            end: scenario.duration.0,
            base: 0,
            restarts,
            scenario,
            errors: Rc::new(errors),
            now: 0,
            done: false,
            target: None,
            wall_ms: 0.0,
            costs: NewsCosts::default(),
            read_base: link.read_ms.get(),
            cluster,
            report,
            diagram: DiagramLog::default(),
            ballots: BallotLog::default(),
            advancing: None,
            last: 0,
            injected: Vec::new(),
            link,
        };
        r.base = r
            .link
            .post(RunCmd::Load(Box::new((*r.scenario).clone())), clock);
        r.last = r.base;
        r.poll(clock);
        r
    }

    fn send(&mut self, cmd: RunCmd, clock: &dyn Fn() -> f64) -> u64 {
        self.last = self.link.post(cmd, clock);
        self.last
    }

    /// The scenario, faults injected by clicks included.
    pub(crate) fn scenario(&self) -> &Rc<Scenario> {
        &self.scenario
    }

    /// Why the scenario does not run (empty when it does).
    pub(crate) fn errors(&self) -> &Rc<Vec<String>> {
        &self.errors
    }

    fn runs(&self) -> bool {
        self.errors.is_empty()
    }

    /// Whether a worker hosts the run (news then come on their own; else [`RemoteRun::pump`]
    /// gives the page's host slices).
    pub(crate) fn in_worker(&self) -> bool {
        self.link.in_worker()
    }

    /// Simulated time now (as the last news said).
    pub(crate) fn now(&self) -> Time {
        self.now
    }

    /// End of the run.
    pub(crate) fn end(&self) -> Time {
        self.end
    }

    /// The run reached its end.
    pub(crate) fn done(&self) -> bool {
        self.done
    }

    /// A time the run is heading to.
    pub(crate) fn target(&self) -> Option<Time> {
        self.target
    }

    /// Wall ms the host spent simulating since the run started over.
    pub(crate) fn wall_ms(&self) -> f64 {
        self.wall_ms
    }

    /// What its news cost since the run started over.
    pub(crate) fn news_costs(&self) -> NewsCosts {
        NewsCosts {
            read: self.link.read_ms.get() - self.read_base,
            ..self.costs
        }
    }

    /// The cluster now (`None`: the scenario does not run).
    pub(crate) fn cluster(&self) -> Option<Rc<SimAt>> {
        self.cluster.clone()
    }

    /// The latest report (`None`: the scenario does not run).
    pub(crate) fn report(&self) -> Option<Rc<Report>> {
        self.report.clone()
    }

    /// The mirror of the run's diagram log (`None`: the scenario does not run).
    pub(crate) fn diagram(&self) -> Option<&DiagramLog> {
        self.runs().then_some(&self.diagram)
    }

    /// The mirror of the run's ballot log (`None`: the scenario does not run).
    pub(crate) fn ballots(&self) -> Option<&BallotLog> {
        self.runs().then_some(&self.ballots)
    }

    /// Moves the time cursor (backwards, the host replays from time 0).
    pub(crate) fn seek(&mut self, t: Time, clock: &dyn Fn() -> f64) {
        self.head(t, RunCmd::Seek, clock);
    }

    /// Heads for `t` in later slices only (run to the end: its click does not simulate).
    pub(crate) fn run_to(&mut self, t: Time, clock: &dyn Fn() -> f64) {
        self.head(t, RunCmd::RunTo, clock);
    }

    /// Sets `t` (at most the end) as the target and sends `cmd(t)`.
    fn head(&mut self, t: Time, cmd: fn(Time) -> RunCmd, clock: &dyn Fn() -> f64) {
        if !self.runs() {
            return;
        }
        let t = t.min(self.end);
        self.target = (t != self.now).then_some(t);
        self.send(cmd(t), clock);
        self.poll(clock);
    }

    /// Stops heading to a target.
    pub(crate) fn stop(&mut self, clock: &dyn Fn() -> f64) {
        if self.target.take().is_some() {
            self.send(RunCmd::Stop, clock);
            self.poll(clock);
        }
    }

    /// Processes the next event.
    pub(crate) fn step(&mut self, clock: &dyn Fn() -> f64) {
        if self.runs() {
            self.target = None;
            self.send(RunCmd::Step, clock);
            self.poll(clock);
        }
    }

    /// Plays towards `goal` for at most `budget_ms` (one slice at a time: while one is
    /// unanswered, a frame sends none).
    pub(crate) fn advance(&mut self, goal: Time, budget_ms: f64, clock: &dyn Fn() -> f64) {
        if self.runs() && self.advancing.is_none() {
            let n = self.send(RunCmd::Advance { goal, budget_ms }, clock);
            self.advancing = Some(n);
            self.poll(clock);
        }
    }

    /// Applies a fault just after the host's now; its outcome comes with the news
    /// ([`RemoteRun::poll`]). `Err`: why none can be applied.
    pub(crate) fn inject(
        &mut self,
        action: FaultAction,
        clock: &dyn Fn() -> f64,
    ) -> Result<(), &'static str> {
        if !self.runs() {
            return Err("Fix the scenario first: it does not run.");
        }
        if self.done {
            return Err("The run is over: move the time cursor back to change it.");
        }
        self.send(RunCmd::Inject(action), clock);
        Ok(())
    }

    /// One slice of a page-hosted run towards its target; returns whether the run is still
    /// heading somewhere (a worker's run heads there on its own).
    pub(crate) fn pump(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        self.link.pump(budget_ms, clock);
        self.poll(clock);
        self.target.is_some()
    }

    /// The outcomes of injected faults whose news arrived, oldest first.
    pub(crate) fn take_injected(&mut self) -> Vec<Injected> {
        std::mem::take(&mut self.injected)
    }

    /// Applies the news that arrived, in order (outcomes of injected faults wait for
    /// [`RemoteRun::take_injected`]). If the host was replaced (a worker failed), sends it this
    /// run's state first.
    pub(crate) fn poll(&mut self, clock: &dyn Fn() -> f64) {
        if self.link.restarts.get() != self.restarts {
            self.restarts = self.link.restarts.get();
            let target = self.target.unwrap_or(self.now);
            self.base = self.send(RunCmd::Load(Box::new((*self.scenario).clone())), clock);
            self.advancing = None;
            self.send(RunCmd::Seek(target), clock);
        }
        loop {
            let Some(n) = self.link.inbox.borrow_mut().pop_front() else {
                break;
            };
            if n.handled >= self.base {
                let start = clock();
                if let Some(i) = self.apply(n) {
                    self.injected.push(i);
                }
                self.costs.applied += clock() - start;
            }
        }
    }

    fn apply(&mut self, n: RunNews) -> Option<Injected> {
        if n.reset {
            self.diagram = DiagramLog::default();
            self.ballots = BallotLog::default();
            self.costs = NewsCosts::default();
            self.read_base = self.link.read_ms.get();
        }
        self.costs.built = n.news_ms;
        self.diagram.apply(&n.diagram);
        self.ballots.apply(&n.ballots);
        self.now = n.now;
        self.end = n.end;
        self.done = n.done;
        self.wall_ms = n.wall_ms;
        // A target set since this news was sent stands until its own news.
        if n.handled >= self.last {
            self.target = n.target;
        }
        if self.advancing.is_some_and(|a| n.handled >= a) {
            self.advancing = None;
        }
        self.cluster = n.cluster.map(Rc::new);
        if let Some(r) = n.report {
            self.report = Some(Rc::new(r.0));
        }
        if let Some(Ok((_, s))) = &n.injected {
            self.scenario = Rc::new(s.clone());
        }
        n.injected
    }
}

#[cfg(test)]
mod tests;
