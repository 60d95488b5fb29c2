//! # fpaxos-sim — a deterministic simulator of an FPaxos cluster
//!
//! The simulator owns everything the protocol core does not: simulated time (integer
//! nanoseconds), a seeded random number generator, a network (latency distributions, per-link
//! overrides, loss, duplication, partitions, bandwidth), node CPUs (one message at a time, a cost
//! per message received and sent), closed- and open-loop clients, and a schedule of faults.
//! An always-on checker verifies agreement, validity, log-prefix consistency and replies;
//! metrics and a bounded trace with a stable hash describe the run.
//!
//! **Determinism**: one [`Scenario`] (seed included) gives one run, natively and in wasm32.
//! Nothing reads a clock or OS randomness; floating-point transcendentals come from `libm`.
#![deny(missing_docs)]

pub mod checker;
pub mod coverage;
pub mod cue;
pub mod dur;
pub mod json;
pub mod liveness;
pub mod number;
pub mod presets;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod shrink;
pub mod sim;
pub mod swarm;
pub mod sweep;
pub mod trace;

pub use dur::Dur;
pub use report::Report;
pub use scenario::{Fault, FaultAction, Latency, Scenario, ScenarioErrors};
pub use sim::{run, FlightView, NodeView, Progress, QuorumMark, Sim};
pub use trace::{DropReason, Endpoint, Trace, TraceEvent};
