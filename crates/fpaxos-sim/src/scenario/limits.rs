//! Every bound a scenario must respect, named once. The validator ([`super::Scenario::check`])
//! and the page's number fields both read these, so the editor never accepts a value the engine
//! would reject, nor rejects one it would run.
//!
//! The bounds keep a run finite and the page responsive: they are far above anything a teaching
//! or benchmarking scenario needs, and well below what would exhaust memory.

use crate::dur::Dur;

/// An inclusive range `min..=max` of allowed values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds<T> {
    /// Smallest allowed value.
    pub min: T,
    /// Largest allowed value.
    pub max: T,
}

impl<T: PartialOrd> Bounds<T> {
    /// Whether `v` lies in `min..=max` (a NaN never does).
    pub fn contains(&self, v: &T) -> bool {
        self.min <= *v && *v <= self.max
    }
}

const fn b<T>(min: T, max: T) -> Bounds<T> {
    Bounds { min, max }
}

/// Cluster size (node ids must fit the protocol's node sets).
pub const NODES: Bounds<u32> = b(1, fpaxos::MAX_NODES as u32);
/// Longest scenario name, in bytes.
pub const MAX_NAME_LEN: usize = 200;
/// Longest scenario notes, in bytes.
pub const MAX_NOTES_LEN: usize = 4000;
/// Simulated duration: above zero, at most one hour.
pub const DURATION: Bounds<Dur> = b(Dur(1), Dur::secs(3600));
/// Slots in flight at the leader.
pub const WINDOW: Bounds<u32> = b(1, 100_000);
/// Client commands per slot.
pub const BATCH: Bounds<u32> = b(1, 10_000);
/// Chosen entries a thrifty leader buffers.
pub const COMMIT_BATCH: Bounds<u32> = b(1, 100_000);
/// Executed entries each node keeps for lagging peers.
pub const LOG_RETAIN: Bounds<u32> = b(1, 10_000_000);
/// Leader heartbeat interval.
pub const HEARTBEAT: Bounds<Dur> = b(Dur::us(100), Dur::secs(600));
/// Follower election timeout (it must also exceed the heartbeat).
pub const ELECTION_TIMEOUT: Bounds<Dur> = b(Dur::ms(1), Dur::secs(600));
/// Retransmission interval of unanswered accepts and prepares.
pub const RETRANSMIT: Bounds<Dur> = b(Dur::us(100), Dur::secs(600));
/// Largest mean of any latency distribution.
pub const MAX_MEAN_LATENCY: Dur = Dur::secs(60);
/// Largest entry of the constant latency matrix.
pub const MAX_MATRIX_LATENCY: Dur = Dur::secs(60);
/// Shape of a log-normal latency.
pub const LOGNORMAL_SIGMA: Bounds<f64> = b(0.0, 5.0);
/// Loss and duplication probabilities.
pub const PROBABILITY: Bounds<f64> = b(0.0, 1.0);
/// Link bandwidth in Mbit/s.
pub const BANDWIDTH_MBPS: Bounds<f64> = b(0.001, 1e6);
/// CPU cost of receiving or sending one message.
pub const CPU_COST: Bounds<Dur> = b(Dur(0), Dur::secs(1));
/// Number of clients.
pub const CLIENTS: Bounds<u32> = b(0, 10_000);
/// Requests each closed-loop client keeps outstanding.
pub const OUTSTANDING: Bounds<u32> = b(1, 1000);
/// Most closed-loop requests in flight at once (clients x outstanding).
pub const MAX_IN_FLIGHT: u64 = 100_000;
/// Client resend timeout.
pub const CLIENT_TIMEOUT: Bounds<Dur> = b(Dur::ms(1), Dur::secs(600));
/// Size of a command in bytes.
pub const COMMAND_BYTES: Bounds<u32> = b(0, 1 << 20);
/// Open-loop arrival rate in requests per second (the lower bound is exclusive: above 0).
pub const RATE: Bounds<f64> = b(0.0, 1e7);
/// Smallest open-loop rate the editor offers (any rate above 0 is valid).
pub const MIN_EDIT_RATE: f64 = 0.001;
/// Number of scheduled faults.
pub const MAX_FAULTS: usize = 10_000;
/// CPU cost multiplier of a `slow` fault.
pub const SLOW_FACTOR: Bounds<f64> = b(0.0, 10_000.0);
/// Width of a metrics bucket (at least 1 ms; at most [`MAX_BUCKETS`] over the duration).
pub const MIN_BUCKET: Dur = Dur::ms(1);
/// Most buckets in the time series.
pub const MAX_BUCKETS: u64 = 100_000;
/// Trace events kept in memory.
pub const TRACE_CAPACITY: Bounds<u32> = b(0, 1_000_000);
/// Steps of an explicit schedule (a counterexample has tens).
pub const MAX_SCHEDULE_STEPS: usize = 10_000;
/// Simulated time between the steps of a schedule.
pub const SCHEDULE_EVERY: Bounds<Dur> = b(Dur::us(1), Dur::secs(60));
