//! Faults: scheduled ones from the scenario and ones injected while running (clicks on the
//! page). Both go through the event queue, in the class that sorts before every other event
//! at the same instant, so a recorded injection replays the same run.

use super::{Ev, Scheduled, Sim};
use crate::dur::Dur;
use crate::scenario::{Fault, FaultAction};
use fpaxos::Time;

impl Sim {
    /// Applies a fault now (as if scheduled at `now`), e.g. a click in the browser. Faults sort
    /// before other events at the same instant, so recording it in the scenario at the time given
    /// replays the same run. Returns the fault as it should be recorded.
    pub fn inject(&mut self, at: Time, action: FaultAction) -> Fault {
        let at = at.max(self.now);
        let f = Fault {
            at: Dur(at),
            action,
        };
        self.scenario.faults.push(f.clone());
        let idx = (self.scenario.faults.len() - 1) as u32;
        self.seq += 1;
        self.queue.push(Scheduled {
            time: at,
            key: self.seq,
            ev: Ev::Fault { idx },
        });
        f
    }

    /// Carries out scheduled fault number `idx`.
    pub(super) fn apply_fault(&mut self, idx: usize) {
        let Some(f) = self.scenario.faults.get(idx).cloned() else {
            return;
        };
        let now = self.now;
        self.trace.fault(now, f.action.describe());
        match f.action {
            FaultAction::Crash { node } => {
                let sn = &mut self.nodes[node as usize];
                if !sn.crashed {
                    sn.crashed = true;
                    sn.epoch += 1;
                    sn.inbox.clear();
                    sn.cpu_pending = false;
                    for g in sn.timer_gen.iter_mut() {
                        *g = g.wrapping_add(1);
                    }
                    self.recount_leaders();
                }
            }
            FaultAction::Recover { node } => {
                let i = node as usize;
                if self.nodes[i].crashed {
                    let sn = &mut self.nodes[i];
                    sn.crashed = false;
                    sn.epoch += 1;
                    sn.busy_until = now;
                    sn.slow_until = 0;
                    let mut out = self.lend_out();
                    self.nodes[i].node.recover(now, &mut out);
                    let end = self.apply_outputs(i, now, 0, &mut out);
                    self.return_out(out);
                    self.nodes[i].busy_until = end;
                    self.recount_leaders();
                }
            }
            FaultAction::Partition { .. }
            | FaultAction::Heal
            | FaultAction::CutLink { .. }
            | FaultAction::RestoreLink { .. } => self.apply_link_fault(&f.action),
            FaultAction::Slow { node, factor } => {
                let sn = &mut self.nodes[node as usize];
                // Work begun while slowed was charged at the slow rate and still runs so. (A
                // crashed node's is gone: the monitor ignores crashed nodes, and recovery
                // starts the CPU afresh.)
                if sn.slow > 1.0 {
                    sn.slow_until = sn.slow_until.max(sn.busy_until);
                }
                sn.slow = factor;
            }
            FaultAction::DropMessage { id } => self.drop_in_flight(id),
            FaultAction::Loss { probability } => self.loss = probability,
        }
        let topo = super::topology(
            now,
            &self.nodes,
            &self.blocked_partition,
            &self.blocked_cut,
            self.loss,
        );
        self.live.fault(now, f.action.describe(), &topo);
    }
}
