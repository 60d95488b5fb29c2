//! The main run: the page's one simulation, advanced in slices towards a goal (a frame's worth of
//! simulated time while playing, a target while seeking or running to the end) and rebuilt from
//! its scenario when the time cursor moves back.

use super::{run_slice, Tick, FRAME_BUDGET_MS};
use fpaxos::Time;
use fpaxos_sim::{Fault, FaultAction, Scenario, Sim};
use std::rc::Rc;

/// The page's simulation and where it is heading.
pub(crate) struct MainRun {
    /// The scenario the run replays, faults injected by clicks included.
    scenario: Rc<Scenario>,
    /// `None` when the scenario does not validate.
    sim: Option<Sim>,
    /// Validation messages (non-empty: no run).
    errors: Rc<Vec<String>>,
    /// A time the run is heading to in slices (seek or run to end).
    pub(crate) target: Option<Time>,
    /// Wall ms spent simulating since the last rebuild.
    wall_ms: f64,
}

impl MainRun {
    /// A run of `scenario` at time 0 (nothing simulated yet).
    pub(crate) fn new(scenario: Rc<Scenario>) -> MainRun {
        let (sim, errors) = match scenario.check().map(Sim::new) {
            Ok(sim) => (Some(sim), Vec::new()),
            Err(e) => (None, e.0),
        };
        MainRun {
            scenario,
            sim,
            errors: Rc::new(errors),
            target: None,
            wall_ms: 0.0,
        }
    }

    /// The scenario (after [`MainRun::inject`], with the fault recorded).
    pub(crate) fn scenario(&self) -> &Rc<Scenario> {
        &self.scenario
    }

    /// The simulation, if the scenario validates.
    pub(crate) fn sim(&self) -> Option<&Sim> {
        self.sim.as_ref()
    }

    /// Why the scenario does not run (empty when it does).
    pub(crate) fn errors(&self) -> &Rc<Vec<String>> {
        &self.errors
    }

    /// Simulated time now (0 without a run).
    pub(crate) fn now(&self) -> Time {
        self.sim.as_ref().map_or(0, Sim::now)
    }

    /// End of the run (the scenario's duration without a run).
    pub(crate) fn end(&self) -> Time {
        self.sim
            .as_ref()
            .map_or(self.scenario.duration.0, Sim::end_time)
    }

    /// The run reached its end.
    pub(crate) fn done(&self) -> bool {
        self.sim.as_ref().is_some_and(Sim::is_done)
    }

    /// Wall ms spent simulating since the last rebuild.
    pub(crate) fn wall_ms(&self) -> f64 {
        self.wall_ms
    }

    /// Runs towards `t` for at most `budget_ms`. Returns whether `t` (or the end) was reached.
    pub(crate) fn advance(&mut self, t: Time, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let Some(sim) = self.sim.as_mut() else {
            return true;
        };
        let p = run_slice(sim, t, budget_ms, clock);
        self.wall_ms += p.spent_ms;
        p.reached || sim.is_done()
    }

    /// Moves the time cursor: backwards rebuilds and replays; a short move forward finishes
    /// within this call, a long one leaves [`MainRun::target`] set for [`Tick::tick`].
    pub(crate) fn seek(&mut self, t: Time, clock: &dyn Fn() -> f64) {
        let t = t.min(self.end());
        if t < self.now() {
            *self = MainRun::new(Rc::clone(&self.scenario));
        }
        if t > self.now() {
            self.target = Some(t);
            if self.advance(t, FRAME_BUDGET_MS, clock) {
                self.target = None;
            }
        }
    }

    /// Processes the next event.
    pub(crate) fn step(&mut self) {
        self.target = None;
        if let Some(sim) = self.sim.as_mut() {
            sim.step();
        }
    }

    /// Applies a fault just after now. The simulator records it in its scenario, which becomes
    /// this run's scenario, so a replay (seek back) applies it again.
    pub(crate) fn inject(&mut self, action: FaultAction) -> Result<Fault, &'static str> {
        let Some(sim) = self.sim.as_mut() else {
            return Err("Fix the scenario first: it does not run.");
        };
        if sim.is_done() {
            return Err("The run is over: move the time cursor back to change it.");
        }
        let f = sim.inject(sim.now() + 1, action);
        self.scenario = Rc::new(sim.scenario().clone());
        Ok(f)
    }
}

impl Tick for MainRun {
    /// Heads towards [`MainRun::target`]; true while it is not reached.
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let Some(t) = self.target else {
            return false;
        };
        if self.advance(t, budget_ms, clock) {
            self.target = None;
        }
        self.target.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::test_clock::ticking;

    fn run(s: Scenario) -> MainRun {
        MainRun::new(Rc::new(s))
    }

    /// Seeks to `t` and ticks until the run is there.
    fn seek_to(m: &mut MainRun, t: Time, clock: &dyn Fn() -> f64) {
        m.seek(t, clock);
        while m.tick(1e9, clock) {}
    }

    #[test]
    fn slices_give_the_engines_run() {
        let mut m = run(Scenario::default());
        let clock = ticking();
        m.target = Some(m.end());
        let mut frames = 0;
        while m.tick(5.0, &clock) {
            frames += 1;
        }
        assert!(frames > 2, "the run is spread over frames");
        assert!(m.done());
        let want = fpaxos_sim::run(&Scenario::default()).expect("runs");
        let got = m.sim().expect("runs").report();
        assert_eq!(got.trace_hash, want.trace_hash);
        assert_eq!(got.committed, want.committed);
        assert!(m.wall_ms() > 0.0, "the fake clock's time is accounted");
    }

    #[test]
    fn seeking_back_replays_to_the_same_state() {
        let clock = ticking();
        let mut m = run(Scenario::default());
        seek_to(&mut m, 2_000_000_000, &clock);
        assert_eq!(m.now(), 2_000_000_000);
        let at_2s = m.sim().expect("runs").report().trace_hash;
        seek_to(&mut m, 3_000_000_000, &clock);
        seek_to(&mut m, 2_000_000_000, &clock);
        assert_eq!(m.now(), 2_000_000_000);
        assert_eq!(m.sim().expect("runs").report().trace_hash, at_2s);
        seek_to(&mut m, u64::MAX, &clock);
        assert!(m.done());
    }

    #[test]
    fn a_short_seek_finishes_at_once() {
        let mut m = run(Scenario::default());
        m.seek(1_000_000, &|| 0.0);
        assert_eq!(m.target, None);
        assert_eq!(m.now(), 1_000_000);
    }

    #[test]
    fn injected_faults_are_recorded_once_and_replayed() {
        let clock = ticking();
        let mut m = run(Scenario::default());
        seek_to(&mut m, 500_000_000, &clock);
        let f = m.inject(FaultAction::Crash { node: 0 }).expect("runs");
        let mut want = Scenario::default();
        want.faults.push(f);
        assert_eq!(**m.scenario(), want);
        // Replaying the recorded scenario gives the same run as the live one.
        seek_to(&mut m, u64::MAX, &clock);
        let live = m.sim().expect("runs").report().trace_hash;
        let replay = fpaxos_sim::run(&want).expect("runs").trace_hash;
        assert_eq!(live, replay);
        assert!(m.inject(FaultAction::Heal).is_err(), "the run is over");
    }

    #[test]
    fn an_invalid_scenario_has_errors_and_no_run() {
        let mut s = Scenario::default();
        s.cluster.nodes = 0;
        let mut m = run(s);
        assert!(!m.errors().is_empty());
        assert!(m.sim().is_none());
        assert_eq!(m.now(), 0);
        assert!(!m.done());
        assert!(m.inject(FaultAction::Heal).is_err());
        assert!(m.advance(5, 1.0, &|| 0.0));
    }
}
