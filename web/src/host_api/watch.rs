//! Which events the run calls for. The embed reads everything from the engine's report: an
//! election is a change of the report's `(leader, leader_changes)`, a violation the safety
//! checker's verdict turning false, the end the run reaching it. Reports are refreshed a few
//! times a second while playing, so two elections between refreshes arrive as one `elected`
//! event whose `leader_changes` counts both.

use super::{elected, ended, violation};
use fpaxos::{NodeId, Time};
use fpaxos_sim::Report;
use serde_json::Value;

/// Wall milliseconds between two `tick` events at most (4 a second).
pub(crate) const TICK_EVERY_MS: f64 = 250.0;

/// What the host was already told about the current run.
#[derive(Debug, Default)]
pub(crate) struct Watch {
    /// The report's `(leader, leader_changes)` last seen.
    leader: Option<(Option<NodeId>, u64)>,
    /// A violation was announced (and the report still has one).
    violated: bool,
    /// `ended` was sent for the run (and it is still over).
    ended: bool,
}

impl Watch {
    /// The events the latest report calls for, oldest kind first: `elected`, `violation`,
    /// `ended`. A rebuilt run (a load, a seek back) resets each one by its own report.
    pub(crate) fn observe(&mut self, now: Time, done: bool, report: Option<&Report>) -> Vec<Value> {
        let mut out = Vec::new();
        let Some(r) = report else {
            *self = Watch::default();
            return out;
        };
        let key = (r.leader, r.leader_changes);
        if self.leader != Some(key) {
            if let Some(l) = r.leader {
                out.push(elected(now, l, r.leader_changes));
            }
            self.leader = Some(key);
        }
        if !r.safety.ok && !self.violated {
            out.push(violation(now, r));
        }
        self.violated = !r.safety.ok;
        if done && !self.ended {
            out.push(ended(r));
        }
        self.ended = done;
        out
    }
}

/// At most one `tick` per [`TICK_EVERY_MS`], and the latest one always delivered: a tick that
/// comes too soon waits for the rest of the interval (replacing any tick already waiting).
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    /// Wall ms of the last tick sent.
    last: Option<f64>,
}

impl Throttle {
    /// `None`: send now (recorded as sent). `Some(ms)`: wait this long, then send and call
    /// [`Throttle::sent`].
    pub(crate) fn offer(&mut self, wall: f64) -> Option<f64> {
        match self.last {
            Some(l) if wall - l < TICK_EVERY_MS && wall >= l => Some(TICK_EVERY_MS - (wall - l)),
            _ => {
                self.last = Some(wall);
                None
            }
        }
    }

    /// A waiting tick went out at `wall`.
    pub(crate) fn sent(&mut self, wall: f64) {
        self.last = Some(wall);
    }
}
