//! The main run's worker side: a [`RunHost`] owns a [`MainRun`] and answers [`RunCmd`]s with
//! [`RunNews`]: the run's time, the cluster at that time ([`SimAt`]), a report when one is due,
//! and deltas of the diagram and ballot logs ([`fpaxos_sim::trace::DiagramLog::delta`]), from
//! which a page keeps mirrors of those logs. Nothing else of the run crosses, so the page can
//! draw every view (cluster, charts, space-time diagram, ballot board) from the news alone.
//!
//! A seek or run to the end goes on after its command's answer: [`RunHost::tick`] advances it
//! in slices, between which the worker reads new commands (a new seek or scenario replaces the
//! target), and posts news at most every [`NEWS_EVERY_MS`] and when the target is reached.
//!
//! **Invariant** (as for every runner): the host only decides when events run, never which;
//! its run is the engine's run of the same scenario, clicks included.

use super::main::MainRun;
use super::sim_at::{SimAt, DRAWN_FLIGHTS};
use super::warm::WarmUp;
use super::wire::{self, WireReport};
use super::Tick;
use fpaxos::Time;
use fpaxos_sim::trace::{BallotDelta, DiagramCursor, DiagramDelta};
use fpaxos_sim::{Fault, FaultAction, Scenario};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Wall ms of a worker's slice while it heads to a target (it reads new commands in between;
/// a timer between slices takes at least 4 ms, so slices much shorter would idle the worker).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
pub(crate) const SLICE_MS: f64 = 50.0;
/// Most wall ms between two news while heading to a target: short, so the page takes the
/// run's logs in small pieces while the host simulates on (a piece of 20 ms of the default
/// scenario's run is about 1 MB of packed records).
pub(crate) const NEWS_EVERY_MS: f64 = 20.0;
/// Most wall ms between two reports while playing or heading to a target (the page's charts
/// and summary refresh as often).
pub(crate) const REPORT_EVERY_MS: f64 = 250.0;

/// What the page asks of its main run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum RunCmd {
    /// Start over on this scenario, at time 0.
    Load(#[serde(with = "wire::value")] Box<Scenario>),
    /// Head for `t` (backwards: replay from time 0), in slices, the first one at once.
    Seek(Time),
    /// Head for `t` as [`RunCmd::Seek`] does, all of it in later slices (run to the end).
    RunTo(Time),
    /// Run towards `goal` for at most `budget_ms` (one frame while playing), then answer.
    Advance {
        /// Simulated time to reach.
        goal: Time,
        /// Wall ms to spend at most.
        budget_ms: f64,
    },
    /// Process the next event.
    Step,
    /// Apply a fault just after now (recorded in the run's scenario).
    Inject(FaultAction),
    /// Stop heading to a target.
    Stop,
    /// Warm the engine's code up while idle: simulate a throwaway copy of the scenario in
    /// slices ([`super::warm::WarmUp`]) until it is spent or another command comes.
    Warm,
}

/// What the run did, sent after every command and while heading to a target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct RunNews {
    /// Commands handled so far, this one included.
    pub(crate) handled: u64,
    /// The run started over (a load, or a seek back): mirrors of its logs start again empty.
    pub(crate) reset: bool,
    /// Why the scenario does not run (empty when it does).
    pub(crate) errors: Vec<String>,
    /// Simulated time now.
    pub(crate) now: Time,
    /// End of the run.
    pub(crate) end: Time,
    /// The run reached its end.
    pub(crate) done: bool,
    /// A time the run is still heading to.
    pub(crate) target: Option<Time>,
    /// Wall ms spent simulating since the run started over.
    pub(crate) wall_ms: f64,
    /// Wall ms the host spent writing news (log deltas, cluster, reports; not their
    /// serialization) since the run started over, this news included.
    pub(crate) news_ms: f64,
    /// The cluster now (`None`: the scenario does not run).
    pub(crate) cluster: Option<SimAt>,
    /// A fresh report, when one was due.
    pub(crate) report: Option<WireReport>,
    /// The answer to an [`RunCmd::Inject`]: the fault, with the scenario now recording it, or
    /// why none was applied.
    #[serde(with = "wire::value")]
    pub(crate) injected: Option<Result<(Fault, Scenario), String>>,
    /// What the diagram log recorded or changed since the last news.
    pub(crate) diagram: DiagramDelta,
    /// What the ballot log recorded since the last news.
    pub(crate) ballots: BallotDelta,
}

/// The main run in a worker.
pub(crate) struct RunHost {
    run: MainRun,
    handled: u64,
    reset: bool,
    cursor: DiagramCursor,
    recorded: u64,
    /// Wall time of the last news and of the last report.
    news_wall: f64,
    report_wall: f64,
    /// Wall ms spent in [`RunHost::news`] since the run started over.
    news_ms: f64,
    /// A warm-up going on while the run is idle.
    warm: Option<WarmUp>,
}

impl Default for RunHost {
    fn default() -> RunHost {
        RunHost::new(Scenario::default())
    }
}

impl RunHost {
    /// A host running `scenario` from time 0.
    pub(crate) fn new(scenario: Scenario) -> RunHost {
        RunHost {
            run: MainRun::new(Rc::new(scenario)),
            handled: 0,
            reset: true,
            cursor: DiagramCursor::default(),
            recorded: 0,
            news_wall: f64::NEG_INFINITY,
            report_wall: f64::NEG_INFINITY,
            news_ms: 0.0,
            warm: None,
        }
    }

    /// The run.
    #[cfg(test)]
    pub(crate) fn run(&self) -> &MainRun {
        &self.run
    }

    /// Whether the run is heading to a target ([`RunHost::tick`] has work).
    pub(crate) fn busy(&self) -> bool {
        self.run.target.is_some()
    }

    /// Whether [`RunHost::tick`] has work: a target, or a warm-up.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
    pub(crate) fn working(&self) -> bool {
        self.busy() || self.warm.is_some()
    }

    fn restart(&mut self, scenario: Rc<Scenario>) {
        self.run = MainRun::new(scenario);
        self.reset = true;
        self.cursor = DiagramCursor::default();
        self.recorded = 0;
        self.news_ms = 0.0;
    }

    /// Carries out `cmd` and answers it.
    pub(crate) fn handle(&mut self, cmd: RunCmd, clock: &dyn Fn() -> f64) -> RunNews {
        self.handled += 1;
        let mut injected = None;
        let mut report = true;
        // Real work comes first: any command ends a warm-up.
        self.warm = None;
        match cmd {
            RunCmd::Load(s) => {
                self.restart(Rc::new(*s));
                // The page reads the report at time 0 off the scenario itself
                // (`RemoteRun::new`); reading it off a message costs the page a long task.
                report = false;
            }
            RunCmd::Seek(t) => {
                if t.min(self.run.end()) < self.run.now() {
                    self.restart(Rc::clone(self.run.scenario()));
                }
                self.run.seek(t, clock);
            }
            RunCmd::RunTo(t) => {
                let t = t.min(self.run.end());
                if t < self.run.now() {
                    self.restart(Rc::clone(self.run.scenario()));
                }
                self.run.target = (t > self.run.now()).then_some(t);
            }
            RunCmd::Advance { goal, budget_ms } => {
                self.run.target = None;
                self.run.advance(goal, budget_ms, clock);
                report = self.run.done() || clock() - self.report_wall > REPORT_EVERY_MS;
            }
            RunCmd::Step => self.run.step(),
            RunCmd::Inject(a) => {
                injected = Some(
                    self.run
                        .inject(a)
                        .map(|f| (f, (**self.run.scenario()).clone()))
                        .map_err(String::from),
                );
            }
            RunCmd::Stop => self.run.target = None,
            RunCmd::Warm => {
                self.warm = Some(WarmUp::new(self.run.scenario()));
                report = false;
            }
        }
        self.news(clock, report, injected)
    }

    /// About `budget_ms` towards the target, in pieces of at most [`NEWS_EVERY_MS`], handing
    /// `post` news after every piece that makes them due and when the target is reached. News
    /// go out while the slice goes on, so the page reads and applies the run's logs while the
    /// host simulates the rest, and little is left to cross once the target is reached.
    pub(crate) fn tick(
        &mut self,
        budget_ms: f64,
        clock: &dyn Fn() -> f64,
        post: &mut dyn FnMut(RunNews),
    ) {
        if !self.busy() {
            if let Some(w) = self.warm.as_mut() {
                if !w.tick(budget_ms, clock) {
                    self.warm = None;
                }
            }
            return;
        }
        let start = clock();
        loop {
            let left = budget_ms - (clock() - start);
            let until_news = NEWS_EVERY_MS - (clock() - self.news_wall);
            self.run.tick(left.min(until_news), clock);
            let arrived = !self.busy();
            if arrived || clock() - self.news_wall >= NEWS_EVERY_MS {
                let report = arrived || clock() - self.report_wall > REPORT_EVERY_MS;
                post(self.news(clock, report, None));
            }
            if arrived || clock() - start >= budget_ms {
                return;
            }
        }
    }

    fn news(
        &mut self,
        clock: &dyn Fn() -> f64,
        report: bool,
        injected: Option<Result<(Fault, Scenario), String>>,
    ) -> RunNews {
        let wall = clock();
        let sim = self.run.sim();
        let report = sim.filter(|_| report).map(|s| {
            self.report_wall = wall;
            WireReport(s.report())
        });
        let (diagram, ballots) = match sim {
            Some(s) => {
                let (d, next) = s.trace().diagram().delta(self.cursor, s.now());
                self.cursor = next;
                let b = s.trace().ballots().delta(self.recorded);
                self.recorded = s.trace().ballots().recorded();
                (d, b)
            }
            None => Default::default(),
        };
        let cluster = sim.map(|s| SimAt::of(s, DRAWN_FLIGHTS));
        self.news_wall = clock();
        self.news_ms += self.news_wall - wall;
        RunNews {
            handled: self.handled,
            reset: std::mem::take(&mut self.reset),
            errors: self.run.errors().to_vec(),
            now: self.run.now(),
            end: self.run.end(),
            done: self.run.done(),
            target: self.run.target,
            wall_ms: self.run.wall_ms(),
            news_ms: self.news_ms,
            cluster,
            report,
            injected,
            diagram,
            ballots,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::test_clock::ticking;
    use fpaxos_sim::trace::{BallotLog, DiagramLog};

    /// A page's copy of the run, fed only by news (through JSON, as a worker's would arrive).
    #[derive(Default)]
    struct Page {
        diagram: DiagramLog,
        ballots: BallotLog,
        now: Time,
        done: bool,
        report: Option<fpaxos_sim::Report>,
        cluster: Option<SimAt>,
        scenario: Option<Scenario>,
    }

    impl Page {
        fn take(&mut self, news: RunNews) {
            let text = serde_json::to_string(&news).expect("writes");
            let news: RunNews = serde_json::from_str(&text).expect("reads");
            if news.reset {
                self.diagram = DiagramLog::default();
                self.ballots = BallotLog::default();
            }
            self.diagram.apply(&news.diagram);
            self.ballots.apply(&news.ballots);
            self.now = news.now;
            self.done = news.done;
            self.cluster = news.cluster;
            if let Some(r) = news.report {
                self.report = Some(r.0);
            }
            if let Some(Ok((_, s))) = news.injected {
                self.scenario = Some(s);
            }
        }

        /// The host's answer to `cmd`, then its news until it is idle.
        fn send(&mut self, host: &mut RunHost, cmd: RunCmd, clock: &dyn Fn() -> f64) {
            self.take(host.handle(cmd, clock));
            while host.busy() {
                let mut news = Vec::new();
                host.tick(SLICE_MS, clock, &mut |n| news.push(n));
                for n in news {
                    self.take(n);
                }
            }
        }

        /// The mirrors and the snapshot equal the host's own run.
        fn assert_mirrors(&self, host: &RunHost, what: &str) {
            let sim = host.run().sim().expect("runs");
            let d = sim.trace().diagram();
            assert_eq!(self.now, sim.now(), "{what}: now");
            assert_eq!(self.diagram.msgs(), d.msgs(), "{what}: messages");
            assert_eq!(self.diagram.marks(), d.marks(), "{what}: marks");
            assert_eq!(self.diagram.chosen_marks(), d.chosen_marks(), "{what}");
            assert_eq!(self.diagram.faults(), d.faults(), "{what}: faults");
            let b = sim.trace().ballots();
            assert_eq!(self.ballots.entries(), b.entries(), "{what}: ballots");
            assert_eq!(
                self.cluster.as_ref(),
                Some(&SimAt::of(sim, DRAWN_FLIGHTS)),
                "{what}: cluster"
            );
        }
    }

    #[test]
    fn a_page_fed_news_sees_the_engines_run() {
        let clock = ticking();
        let mut host = RunHost::default();
        let mut page = Page::default();
        page.send(&mut host, RunCmd::Load(Box::default()), &clock);
        page.send(&mut host, RunCmd::Seek(1_000_000_000), &clock);
        page.assert_mirrors(&host, "at 1 s");
        // Back, then to the end: a replay from time 0, mirrored from scratch.
        page.send(&mut host, RunCmd::Seek(400_000_000), &clock);
        page.assert_mirrors(&host, "back at 0.4 s");
        page.send(&mut host, RunCmd::Seek(u64::MAX), &clock);
        page.assert_mirrors(&host, "at the end");
        assert!(page.done);
        let want = fpaxos_sim::run(&Scenario::default()).expect("runs");
        let got = page.report.as_ref().expect("a report at the end");
        assert_eq!(got.trace_hash, want.trace_hash);
        assert_eq!(got.committed, want.committed);
    }

    #[test]
    fn playing_stepping_and_clicks_replay_as_the_engine() {
        let clock = ticking();
        let mut host = RunHost::default();
        let mut page = Page::default();
        page.send(&mut host, RunCmd::Load(Box::default()), &clock);
        for i in 1..=20u64 {
            let goal = i * 20_000_000;
            let cmd = RunCmd::Advance {
                goal,
                budget_ms: 3.0,
            };
            page.send(&mut host, cmd, &clock);
            page.send(&mut host, RunCmd::Step, &clock);
        }
        page.assert_mirrors(&host, "after playing and stepping");
        page.send(
            &mut host,
            RunCmd::Inject(FaultAction::Crash { node: 0 }),
            &clock,
        );
        let recorded = page.scenario.clone().expect("the click is recorded");
        assert_eq!(recorded.faults.len(), 1);
        // The drop of a message in flight changes a record already sent.
        let id = page
            .cluster
            .as_ref()
            .and_then(|c| c.in_flight().next())
            .expect("a message in flight")
            .id;
        page.send(
            &mut host,
            RunCmd::Inject(FaultAction::DropMessage { id }),
            &clock,
        );
        let recorded = page.scenario.clone().expect("recorded");
        page.send(&mut host, RunCmd::Seek(u64::MAX), &clock);
        page.assert_mirrors(&host, "after the clicks, at the end");
        let want = fpaxos_sim::run(&recorded).expect("runs");
        let got = page.report.as_ref().expect("a report");
        assert_eq!(got.trace_hash, want.trace_hash, "the clicks replay");
        // Over: a click is refused with a reason, and changes nothing.
        let news = host.handle(RunCmd::Inject(FaultAction::Heal), &clock);
        assert!(matches!(news.injected, Some(Err(_))));
    }

    #[test]
    fn a_new_command_replaces_the_target() {
        let clock = ticking();
        let mut host = RunHost::default();
        let first = host.handle(RunCmd::Seek(u64::MAX), &clock);
        assert!(first.target.is_some() && host.busy(), "a long seek goes on");
        host.tick(SLICE_MS, &clock, &mut drop);
        let n = host.handle(RunCmd::Stop, &clock);
        assert_eq!((n.target, n.handled), (None, 2));
        assert!(!host.busy());
        let n = host.handle(RunCmd::Seek(5_000_000), &clock);
        assert!(n.reset, "a seek back replays from the start");
        assert_eq!(n.now, 5_000_000);
        let n = host.handle(RunCmd::RunTo(9_000_000), &clock);
        assert_eq!(
            (n.now, n.target),
            (5_000_000, Some(9_000_000)),
            "no slice yet"
        );
        while host.busy() {
            host.tick(SLICE_MS, &clock, &mut drop);
        }
        let n = host.handle(RunCmd::RunTo(2_000_000), &clock);
        assert!(n.reset, "backwards, it replays");
        assert_eq!((n.now, n.target), (0, Some(2_000_000)));
    }

    #[test]
    fn a_load_is_answered_without_a_report() {
        let clock = ticking();
        let mut host = RunHost::default();
        let n = host.handle(RunCmd::Load(Box::default()), &clock);
        assert!(n.reset && n.report.is_none() && n.cluster.is_some());
        let n = host.handle(RunCmd::Seek(1_000_000), &clock);
        assert!(n.report.is_some(), "a seek's answer has one");
    }

    #[test]
    fn a_slice_posts_news_as_it_goes() {
        let clock = ticking();
        let mut host = RunHost::default();
        host.handle(RunCmd::RunTo(u64::MAX), &clock);
        let mut news = Vec::new();
        host.tick(SLICE_MS, &clock, &mut |n| news.push(n));
        assert!(
            news.len() >= 2,
            "news every {NEWS_EVERY_MS} ms within a slice of {SLICE_MS}: {}",
            news.len()
        );
        assert!(news
            .windows(2)
            .all(|w| w[0].now < w[1].now && w[0].diagram.msgs_from <= w[1].diagram.msgs_from));
        assert!(news.iter().all(|n| n.target.is_some()), "not there yet");
    }

    #[test]
    fn a_warm_up_runs_while_idle_and_yields_to_any_command() {
        let clock = ticking();
        let mut host = RunHost::default();
        let n = host.handle(RunCmd::Warm, &clock);
        assert_eq!((n.now, n.report.is_none()), (0, true));
        assert!(host.working() && !host.busy());
        let mut posted = 0;
        host.tick(1.0, &clock, &mut |_| posted += 1);
        assert_eq!(posted, 0, "a warm-up posts no news");
        let n = host.handle(RunCmd::Seek(1_000_000), &clock);
        assert!(!host.working(), "the seek ended the warm-up");
        assert_eq!(n.now, 1_000_000);
        // The run is untouched by it: the same as the engine's from the start.
        run_to_end_is_the_engines(&mut host, &clock);
        // A warm-up that is spent ends by itself.
        host.handle(RunCmd::Warm, &clock);
        while host.working() {
            host.tick(5.0, &clock, &mut drop);
        }
    }

    fn run_to_end_is_the_engines(host: &mut RunHost, clock: &dyn Fn() -> f64) {
        host.handle(RunCmd::Seek(u64::MAX), clock);
        while host.busy() {
            host.tick(SLICE_MS, clock, &mut drop);
        }
        let want = fpaxos_sim::run(&Scenario::default()).expect("runs");
        let got = host.run().sim().expect("runs").report();
        assert_eq!(got.trace_hash, want.trace_hash);
    }

    #[test]
    fn a_scenario_that_does_not_run_says_why() {
        let clock = ticking();
        let mut host = RunHost::default();
        let mut s = Scenario::default();
        s.cluster.nodes = 0;
        let n = host.handle(RunCmd::Load(Box::new(s)), &clock);
        assert!(n.reset && !n.errors.is_empty());
        assert!(n.cluster.is_none() && n.report.is_none());
        let n = host.handle(RunCmd::Seek(u64::MAX), &clock);
        assert!(!host.busy() && n.target.is_none());
        let n = host.handle(RunCmd::Inject(FaultAction::Heal), &clock);
        assert!(matches!(n.injected, Some(Err(_))));
    }
}
