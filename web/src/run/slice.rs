//! The one slice loop: run a simulation towards a goal in event chunks until the goal is
//! reached or the wall budget is spent.

use fpaxos::Time;
use fpaxos_sim::Sim;

/// Events between wall-clock checks.
pub(crate) const EVENT_CHUNK: u64 = 512;

/// What one slice did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Progress {
    /// The goal was reached or the run ended: no more work towards this goal.
    pub(crate) reached: bool,
    /// Wall milliseconds the slice took (by the clock it was given).
    pub(crate) spent_ms: f64,
}

/// Runs `sim` towards `goal` for about `budget_ms` by `clock`. At least one chunk of
/// [`EVENT_CHUNK`] events runs, so a zero budget still makes progress.
pub(crate) fn run_slice(
    sim: &mut Sim,
    goal: Time,
    budget_ms: f64,
    clock: &dyn Fn() -> f64,
) -> Progress {
    let start = clock();
    loop {
        // The one place that reads `run_until_budget`'s answer.
        let p = sim.run_until_budget(goal, EVENT_CHUNK);
        let now = clock();
        if p.reached || p.ended {
            return Progress {
                reached: true,
                spent_ms: now - start,
            };
        }
        if now - start > budget_ms {
            return Progress {
                reached: false,
                spent_ms: now - start,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::test_clock::ticking;
    use fpaxos_sim::Scenario;

    #[test]
    fn a_slice_stops_at_the_budget_and_the_goal() {
        let mut sim = Sim::new(Scenario::default().check().expect("default runs"));
        let clock = ticking();
        let end = sim.end_time();
        let p = run_slice(&mut sim, end, 3.0, &clock);
        assert!(!p.reached);
        assert!(p.spent_ms > 3.0 && p.spent_ms < 6.0, "{p:?}");
        let p = run_slice(&mut sim, 1_000_000, 1e9, &clock);
        assert!(p.reached);
        while !run_slice(&mut sim, end, 1e9, &clock).reached {}
        assert!(sim.is_done());
        let want = fpaxos_sim::run(&Scenario::default()).expect("runs");
        assert_eq!(sim.report().trace_hash, want.trace_hash);
    }
}
