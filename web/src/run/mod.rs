//! Runners: drive simulations without freezing the page, each advanced by [`Tick::tick`] once
//! per animation frame. The main run is a [`main::MainRun`] in a [`host::RunHost`] in a worker
//! of its own, which the page drives through a [`RemoteRun`] (or on the page, in wall-clock
//! slices, where no worker starts; the clock is an argument, so it runs natively in tests with
//! a fake one), and so is the animation export's run, on a [`Link`] of its own; compare variants,
//! sweep points and availability seeds are [`job::Job`]s that the [`pool`] of Web Workers runs
//! in parallel, and their runners only hand out jobs and collect answers.
//!
//! **Invariant**: slicing and workers never change a run. A runner only chooses *when* and
//! *where* events are processed, never which: its reports equal `fpaxos_sim::run` for the same
//! scenario.

pub(crate) mod availability;
pub(crate) mod compare;
pub(crate) mod explore;
pub(crate) mod host;
pub(crate) mod hunt;
pub(crate) mod job;
pub(crate) mod link;
pub(crate) mod main;
mod points;
pub(crate) mod pool;
pub(crate) mod remote;
pub(crate) mod sim_at;
pub(crate) mod slice;
pub(crate) mod sweep;
pub(crate) mod warm;
mod wire;
#[cfg(target_arch = "wasm32")]
pub(crate) mod worker;

pub(crate) use availability::AvailabilityRun;
pub(crate) use compare::{CompareRun, VariantRun};
pub(crate) use link::Link;
pub(crate) use remote::{NewsCosts, RemoteRun};
pub(crate) use sim_at::SimAt;
pub(crate) use slice::run_slice;
pub(crate) use sweep::SweepRun;

/// Wall-clock milliseconds one frame may spend simulating while the main run plays.
pub(crate) const FRAME_BUDGET_MS: f64 = 12.0;
/// Budget per frame while seeking or running to the end. Such a frame only simulates: the page
/// redraws its progress in frames of their own (`AppState::seek_quietly`), and the browser lays
/// a drawing out and paints it in a task apart from both (`AfterPaint`), so each task
/// stays under 50 ms.
pub(crate) const SEEK_BUDGET_MS: f64 = 40.0;
/// Wall ms per frame the compare runner and the sweep may spend simulating (they run beside the
/// main run's frame loop).
pub(crate) const BACKGROUND_BUDGET_MS: f64 = 14.0;

/// Something that makes progress in slices.
pub(crate) trait Tick {
    /// Works for about `budget_ms` of wall time (read from `clock`). Returns whether more work
    /// remains (the frame loop stops when it does not).
    fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool;

    /// A number that changes whenever what the runner shows changed, so a frame that only
    /// waited for workers redraws nothing (`None`: redraw after every tick).
    fn version(&self) -> Option<u64> {
        None
    }
}

#[cfg(test)]
pub(crate) mod test_clock {
    use std::cell::Cell;

    /// A fake clock that advances 1 ms per reading.
    pub(crate) fn ticking() -> impl Fn() -> f64 {
        let t = Cell::new(0.0);
        move || {
            t.set(t.get() + 1.0);
            t.get()
        }
    }
}
