//! The page's side of its main run: a [`RemoteRun`] sends [`RunCmd`]s over a [`Link`] to a
//! [`super::host::RunHost`] and keeps what its [`RunNews`] say: the time, the cluster, the latest report and
//! mirrors of the diagram and ballot logs, which is all the views read. The host runs in a Web
//! Worker of its own, so the page's main thread only draws; where no worker starts (or one
//! fails), and natively in tests, the same host runs on the page, in slices the frames give it
//! ([`RemoteRun::pump`]), and answers at once.
//!
//! **Invariant**: the page's run is the host's, which is the engine's: the link only carries
//! commands and news, and every news is applied in order.

use super::host::{RunCmd, RunNews};
use super::link::Link;
use super::sim_at::{SimAt, DRAWN_FLIGHTS};
use fpaxos::Time;
use fpaxos_sim::trace::{BallotLog, DiagramLog};
use fpaxos_sim::{Fault, FaultAction, Report, Scenario, Sim};
use std::rc::Rc;

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
