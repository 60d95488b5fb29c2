//! Node CPUs: one piece of work at a time, a cost per message received and per message sent
//! (scaled by a slow-down factor), and a node's outputs turned into sends, timers and records.

use super::network::Payload;
use super::view::QuorumMark;
use super::{Ev, Sim};
use crate::trace::Endpoint;
use fpaxos::{Event, Input, MsgKind, Node, NodeId, Output, Slot, Time, Timer};
use std::collections::VecDeque;

/// Something a node's CPU has to handle: the node's own input type, so that a message goes
/// from the network to the node without being rebuilt on the way.
pub(super) type Work = Input;

/// Names the value a node holds in a slot, if it has the fingerprint given: the checker's
/// [`Names`](crate::checker::Names), which it calls only to report a violation.
pub(super) fn value_names(nodes: &[SimNode]) -> impl Fn(NodeId, Slot, u64) -> Option<String> + '_ {
    move |n, slot, fp| {
        let v = nodes.get(n as usize)?.node.value_at(slot)?;
        (v.fingerprint() == fp).then(|| crate::checker::describe(v))
    }
}

/// A protocol node with its simulated CPU and liveness.
#[derive(Clone, Debug)]
pub(super) struct SimNode {
    pub node: Node,
    pub crashed: bool,
    /// Bumped on crash and recovery so `CpuDone` events of an earlier life are ignored.
    pub epoch: u32,
    pub busy_until: Time,
    /// A `CpuDone` event is scheduled.
    pub cpu_pending: bool,
    pub inbox: VecDeque<Work>,
    /// Bumped when a timer is set (or all, on a crash) so stale `Timer` events are ignored.
    pub timer_gen: [u32; Timer::COUNT],
    pub slow: f64,
    /// The work this node began while slowed runs until then (set when a `slow` fault ends;
    /// 0 after a recovery).
    pub slow_until: Time,
}

impl Sim {
    /// The CPU of `node` is free: handle queued work.
    pub(super) fn cpu_done(&mut self, node: NodeId, epoch: u32) {
        let sn = &mut self.nodes[node as usize];
        if sn.epoch != epoch || sn.crashed {
            return;
        }
        sn.cpu_pending = false;
        let Some(mut w) = sn.inbox.pop_front() else {
            return;
        };
        loop {
            self.process(node as usize, w);
            let sn = &mut self.nodes[node as usize];
            if sn.inbox.is_empty() || sn.crashed || self.done {
                break;
            }
            let at = sn.busy_until;
            // Fast path: if the CPU frees up strictly before anything else happens, the
            // CpuDone event would be the next one popped anyway; handle the next message
            // now instead of a round trip through the heap. Same run, fewer heap ops.
            let next = self.queue.peek().map_or(Time::MAX, |e| e.time);
            if at < next && at <= self.horizon {
                w = sn.inbox.pop_front().expect("inbox is not empty");
                self.now = at;
                self.metrics.advance(at);
                self.events += 1;
                continue;
            }
            sn.cpu_pending = true;
            let epoch = sn.epoch;
            self.schedule(at, Ev::CpuDone { node, epoch });
            break;
        }
    }

    /// A timer fires: the node handles it like a message (it waits for the CPU).
    pub(super) fn timer_fired(&mut self, node: NodeId, timer: Timer, gen: u32) {
        let sn = &self.nodes[node as usize];
        if sn.crashed || sn.timer_gen[timer.index()] != gen {
            return;
        }
        self.trace.timer(self.now, node, timer);
        self.enqueue(node as usize, Input::Timer(timer));
    }

    /// A message arrives at a node: handle it now if the CPU is idle, else queue it.
    #[inline]
    pub(super) fn enqueue(&mut self, node: usize, w: Work) {
        let now = self.now;
        let sn = &mut self.nodes[node];
        if sn.inbox.is_empty() && sn.busy_until <= now {
            self.process(node, w);
        } else {
            sn.inbox.push_back(w);
            if !sn.cpu_pending {
                sn.cpu_pending = true;
                let (at, epoch) = (sn.busy_until.max(now), sn.epoch);
                self.schedule(
                    at,
                    Ev::CpuDone {
                        node: node as NodeId,
                        epoch,
                    },
                );
            }
        }
    }

    /// Handles one piece of work now and marks the CPU busy for its cost.
    fn process(&mut self, node: usize, w: Work) {
        let now = self.now;
        let slow = self.nodes[node].slow;
        let recv_cost = match w {
            Input::Timer(_) => 0,
            _ => {
                self.metrics.received[node] += 1;
                scale(self.scenario.cpu.per_recv.0, slow)
            }
        };
        let mut out = self.lend_out();
        self.nodes[node].node.handle(now, w, &mut out);
        let busy_end = self.apply_outputs(node, now, recv_cost, &mut out);
        self.return_out(out);
        let sn = &mut self.nodes[node];
        sn.busy_until = busy_end;
        self.metrics.busy(node, now, busy_end - now);
    }

    /// Carries out a node's outputs; sends leave one by one after the receive cost. Returns
    /// when the CPU is free again.
    pub(super) fn apply_outputs(
        &mut self,
        node: usize,
        now: Time,
        recv_cost: Time,
        out: &mut Vec<Output>,
    ) -> Time {
        let send_cost = scale(self.scenario.cpu.per_send.0, self.nodes[node].slow);
        let mut t = now + recv_cost;
        let id = node as NodeId;
        for o in out.drain(..) {
            match o {
                Output::Send { to, msg } => {
                    t += send_cost;
                    self.metrics.sent(node);
                    let kind = msg.kind();
                    if let fpaxos::Msg::Accept(a) = &msg {
                        self.coverage.proposed(a.slot);
                    }
                    if let Some(b) = self.trace.ballots_mut() {
                        b.sent(t, id, &msg);
                    }
                    self.transmit(
                        Endpoint::Node(id),
                        Endpoint::Node(to),
                        kind,
                        Payload::Node(Input::Message { from: id, msg }),
                        t,
                    );
                }
                Output::Reply { client, reply } => {
                    t += send_cost;
                    self.metrics.sent(node);
                    self.transmit(
                        Endpoint::Node(id),
                        Endpoint::Client(client),
                        MsgKind::Reply,
                        Payload::Reply(reply),
                        t,
                    );
                }
                Output::SetTimer {
                    timer,
                    after,
                    jitter,
                } => {
                    let extra = if jitter > 0 {
                        self.rng.below(jitter)
                    } else {
                        0
                    };
                    let sn = &mut self.nodes[node];
                    sn.timer_gen[timer.index()] = sn.timer_gen[timer.index()].wrapping_add(1);
                    let gen = sn.timer_gen[timer.index()];
                    self.schedule(
                        now + after + extra,
                        Ev::Timer {
                            node: id,
                            timer,
                            gen,
                        },
                    );
                }
                Output::Decided {
                    slot,
                    value,
                    fingerprint,
                    repeats,
                } => {
                    self.trace.decide(now, id, slot, fingerprint);
                    let twice = self.checker.executed_twice();
                    self.checker.decide_fp(
                        now,
                        id,
                        slot,
                        &value,
                        fingerprint,
                        &repeats,
                        &value_names(&self.nodes),
                    );
                    self.metrics
                        .executed_again(self.checker.executed_twice() - twice);
                    self.max_executed = self.max_executed.max(slot + 1);
                }
                Output::SnapshotInstalled { upto, digest } => {
                    self.trace.fault(
                        now,
                        format!("node {id} installed a snapshot up to slot {upto}"),
                    );
                    self.checker.snapshot(now, id, upto, digest);
                    self.coverage.state_transfer();
                }
                Output::Event(e) => self.on_event(id, now, e),
            }
        }
        t
    }

    /// Records a protocol event (trace, elections, quorum highlight, leaderless time).
    fn on_event(&mut self, id: NodeId, now: Time, e: Event) {
        self.coverage.event(id, &e);
        match e {
            Event::ElectionStarted { ballot } => {
                self.trace.campaign(now, id, ballot);
                self.metrics.campaigned(now, id);
            }
            Event::Elected { ballot, quorum } => {
                self.trace.elected(now, id, ballot, quorum);
                if let Some(b) = self.trace.ballots_mut() {
                    b.elected(now, id, ballot, quorum);
                }
                self.metrics.elected(now, id);
                self.last_quorum = Some(QuorumMark {
                    phase: fpaxos::Phase::One,
                    quorum,
                    leader: id,
                    at: now,
                });
                self.recount_leaders();
            }
            Event::SteppedDown { .. } => {
                self.trace.step_down(now, id);
                self.recount_leaders();
            }
            Event::LaggingPromise { .. }
            | Event::ValueRecovered { .. }
            | Event::ThriftyFallback { .. } => {}
            Event::Chosen {
                slot,
                quorum,
                fingerprint,
                ballot,
            } => {
                if let Some(b) = self.trace.ballots_mut() {
                    b.chosen(now, id, (slot, ballot), quorum, fingerprint);
                }
                self.checker
                    .chosen(now, id, slot, fingerprint, &value_names(&self.nodes));
                self.trace.chosen(now, id, slot, quorum);
                self.last_quorum = Some(QuorumMark {
                    phase: fpaxos::Phase::Two,
                    quorum,
                    leader: id,
                    at: now,
                });
            }
        }
    }
}

fn scale(cost: Time, factor: f64) -> Time {
    if factor == 1.0 {
        cost
    } else {
        (cost as f64 * factor) as Time
    }
}
