//! The memo of node steps: per node state, a row of step indices, one per stimulus.

use super::{Stimulus, World};
use crate::config::{Network, MAX_BUDGET};
use fpaxos::Timer;

/// Where a node state's row of steps ([`World`]'s `steps_of`) keeps the step of each
/// stimulus: start, recover, each timer, each command's request, then each delivery, by the
/// envelope's number among those sent to that node ([`World`]'s `env_slot`).
pub(super) const FIRE_AT: usize = 2;
pub(super) const REQUEST_AT: usize = FIRE_AT + Timer::COUNT;
pub(super) const DELIVER_AT: usize = REQUEST_AT + MAX_BUDGET as usize;

/// A step not computed yet, in a row.
pub(super) const UNKNOWN: u32 = u32::MAX;

impl World {
    /// Where node states' rows keep the step of `stim` (see `FIRE_AT`).
    fn row_index(&self, stim: Stimulus) -> usize {
        match stim {
            Stimulus::Start => 0,
            Stimulus::Recover => 1,
            Stimulus::Fire(t) => FIRE_AT + t.index(),
            Stimulus::Request(k) => REQUEST_AT + k as usize,
            Stimulus::Deliver(e) => DELIVER_AT + self.env_slot[e as usize] as usize,
        }
    }

    /// The step of node state `node` on `stim`: memoised, computed by the real node on a miss.
    /// A delivery's envelope must be addressed to that node (the row numbers envelopes per
    /// destination): every caller takes the node state at the envelope's destination.
    #[inline]
    pub(crate) fn step(&mut self, node: u32, stim: Stimulus) -> u32 {
        debug_assert!(
            !matches!(stim, Stimulus::Deliver(e) if self.env_to[e as usize] != self.nodes[node as usize].id()),
            "a delivery to a node state of another node"
        );
        debug_assert!(!matches!(stim, Stimulus::Request(k) if k >= MAX_BUDGET));
        let at = self.row_index(stim);
        if let Some((n, i, s)) = self.last {
            if (n, i) == (node, at) {
                return s;
            }
        }
        let idx = match self.steps_of[node as usize].get(at) {
            Some(&s) if s != UNKNOWN => s,
            _ => self.missed(node, stim, at),
        };
        self.last = Some((node, at, idx));
        idx
    }

    /// [`World::step`] on a miss: computes the step and keeps it in the node state's row at `at`.
    #[cold]
    #[inline(never)]
    fn missed(&mut self, node: u32, stim: Stimulus, at: usize) -> u32 {
        let s = self.computed(node, stim);
        let row = &mut self.steps_of[node as usize];
        if row.len() <= at {
            let before = row.capacity();
            row.resize(at + 1, UNKNOWN);
            self.rows_heap += ((row.capacity() - before) * 4) as u64;
        }
        row[at] = s;
        s
    }

    /// Computes the step of node state `node` on `stim` with the real node, and keeps it;
    /// returns its index.
    fn computed(&mut self, node: u32, stim: Stimulus) -> u32 {
        let s = self.compute(node, stim);
        match stim {
            Stimulus::Deliver(e) if self.cfg.network == Network::Set && s.is_quiet_for(node) => {
                self.mark_quiet(node, e)
            }
            Stimulus::Fire(t) => {
                self.fire_elections[node as usize][t.index()] =
                    s.elections.min(u8::MAX as u32 - 1) as u8;
            }
            _ => {}
        }
        self.step_heap += s.heap_bytes();
        self.steps.push(s);
        (self.steps.len() - 1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ExploreConfig;

    /// Every stimulus but a delivery has an entry of its own in a row, before the deliveries'
    /// (which are numbered among the envelopes to the row's node from `DELIVER_AT` on): a
    /// collision would hand one stimulus's step to another.
    #[test]
    fn every_stimulus_has_an_entry_of_its_own() {
        let cfg = ExploreConfig::default();
        let quorums = cfg.quorums().expect("config");
        let world = World::new(cfg, quorums);
        let stimuli = [Stimulus::Start, Stimulus::Recover]
            .into_iter()
            .chain([Timer::Election, Timer::Heartbeat, Timer::Retransmit].map(Stimulus::Fire))
            .chain((0..MAX_BUDGET).map(Stimulus::Request));
        let mut taken = std::collections::HashSet::new();
        for stim in stimuli {
            let at = world.row_index(stim);
            assert!(at < DELIVER_AT, "{stim:?} at {at}");
            assert!(taken.insert(at), "{stim:?} shares entry {at}");
        }
        assert_eq!(taken.len(), 2 + Timer::COUNT + MAX_BUDGET as usize);
    }
}
