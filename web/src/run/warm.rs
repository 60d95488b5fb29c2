//! Warming the engine's code up after load. The browser first runs the page's wasm from
//! baseline code and compiles a function with its optimising tier only once it has run for a
//! while, so the first Run to end after load simulated at about 60 % of the speed of the next
//! ones (2.4-2.8 M events/s against 3.2-4.1 M, `docs/performance.md`). While the page sits idle
//! after load, [`WarmUp`] simulates a throwaway copy of the scenario a few milliseconds at a
//! time, up to [`WARM_UP_MS`] in all. Nothing it computes is shown or kept, and the page's own
//! run never sees it.

use super::{run_slice, Tick};
use fpaxos_sim::{Scenario, Sim};

/// Wall milliseconds of simulation the warm-up spends in all.
pub(crate) const WARM_UP_MS: f64 = 80.0;
/// Wall milliseconds of one slice of it (one timer task each, so it never makes a long task).
pub(crate) const WARM_SLICE_MS: f64 = 4.0;

/// A throwaway run of the scenario, simulated until [`WARM_UP_MS`] are spent or it ends.
pub(crate) struct WarmUp {
    /// `None` once done (or when the scenario does not validate).
    sim: Option<Sim>,
    /// Wall milliseconds spent so far.
    spent_ms: f64,
}

impl WarmUp {
    /// A warm-up on a copy of `scenario` (none if it does not validate).
    pub(crate) fn new(scenario: &Scenario) -> WarmUp {
        WarmUp {
            sim: scenario.check().ok().map(Sim::new),
            spent_ms: 0.0,
        }
    }

    /// Wall milliseconds spent simulating.
    pub(crate) fn spent_ms(&self) -> f64 {
        self.spent_ms
    }
}

impl Tick for WarmUp {
    /// Simulates for about `budget_ms` (no more than what is left of [`WARM_UP_MS`]); false
    /// once the warm-up is over.
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let Some(sim) = self.sim.as_mut() else {
            return false;
        };
        let budget = budget_ms.min(WARM_UP_MS - self.spent_ms);
        let p = run_slice(sim, sim.end_time(), budget, clock);
        self.spent_ms += p.spent_ms;
        if p.reached || self.spent_ms >= WARM_UP_MS {
            self.sim = None;
        }
        self.sim.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::test_clock::ticking;
    use fpaxos_sim::Dur;

    #[test]
    fn it_stops_at_its_budget_in_short_slices() {
        let clock = ticking();
        let mut w = WarmUp::new(&Scenario::default());
        let mut slices = 0;
        let mut last = 0.0;
        while w.tick(WARM_SLICE_MS, &clock) {
            slices += 1;
            // A slice may overrun its budget by the clock readings of one event chunk.
            assert!(
                w.spent_ms() - last <= WARM_SLICE_MS + 2.0,
                "{}",
                w.spent_ms()
            );
            last = w.spent_ms();
        }
        assert!(
            slices >= (WARM_UP_MS / (WARM_SLICE_MS + 2.0)) as usize,
            "{slices}"
        );
        assert!(w.spent_ms() >= WARM_UP_MS && w.spent_ms() < WARM_UP_MS + WARM_SLICE_MS + 2.0);
        assert!(!w.tick(WARM_SLICE_MS, &clock), "over for good");
    }

    #[test]
    fn a_short_run_ends_it_early_and_an_invalid_scenario_does_nothing() {
        let short = Scenario {
            duration: Dur::ms(5),
            ..Scenario::default()
        };
        let mut w = WarmUp::new(&short);
        while w.tick(1e9, &|| 0.0) {}
        assert!(w.sim.is_none());
        let mut bad = Scenario::default();
        bad.cluster.nodes = 0;
        let mut w = WarmUp::new(&bad);
        assert!(!w.tick(WARM_SLICE_MS, &ticking()));
        assert_eq!(w.spent_ms(), 0.0);
    }
}
