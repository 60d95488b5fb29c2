//! The network: messages in flight, link latency, loss, duplication, partitions, cut links and
//! bandwidth queues.
//!
//! A message is an entry in the flight table (`Sim::flights`) from the moment it is sent until
//! it is delivered or dropped; its index there (the *flight*) rides in `Ev::Deliver`. Freed
//! entries are reused, so the table stays as large as the most messages ever in flight at once.

use super::view::FlightView;
use super::{Ev, Sim};
use crate::scenario::FaultAction;
use crate::trace::{DropReason, Endpoint};
use fpaxos::{ClientReply, Input, MsgKind, NodeId, Slot, Time};

/// What a message carries: for a node, the input it will be handed (a message from another
/// node or a client's request), so that delivery moves it to the node without rebuilding it.
#[derive(Clone, Debug)]
pub(super) enum Payload {
    Node(Input),
    Reply(ClientReply),
}

/// A message on its way: what the page draws, and what it carries.
#[derive(Clone, Debug)]
pub(super) struct InFlight {
    pub msg: FlightView,
    pub payload: Payload,
}

impl Sim {
    /// Whether a link is currently cut (partition or cut link).
    pub fn link_blocked(&self, from: NodeId, to: NodeId) -> bool {
        (self.blocked_partition[from as usize] | self.blocked_cut[from as usize]) >> to & 1 == 1
    }

    #[inline]
    fn alloc_flight(&mut self, f: InFlight) -> u32 {
        if let Some(i) = self.free_flights.pop() {
            self.flights[i as usize] = Some(f);
            i
        } else {
            self.flights.push(Some(f));
            (self.flights.len() - 1) as u32
        }
    }

    /// Records a message the network loses at send time (it gets an id but never arrives).
    fn trace_lost(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        kind: MsgKind,
        slot: Option<Slot>,
        at: Time,
        reason: DropReason,
    ) {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        self.trace
            .send(self.now, id, from, to, kind, slot, at, Some(reason));
    }

    /// Sends a message: it is lost now (partition, loss) or scheduled for delivery after the
    /// link's bandwidth queue and latency, possibly twice (duplication).
    #[inline(always)]
    pub(super) fn transmit(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        kind: MsgKind,
        payload: Payload,
        depart: Time,
    ) {
        self.metrics.by_kind[kind as usize] += 1;
        self.metrics.message_events += 1;
        let slot = msg_slot(&payload);
        let copies = match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => {
                if self.link_blocked(a, b) {
                    self.trace_lost(from, to, kind, slot, depart, DropReason::Partition);
                    return;
                }
                if self.rng.chance(self.loss) {
                    let lat = self
                        .rng
                        .latency(&self.links[a as usize * self.n + b as usize]);
                    self.trace_lost(from, to, kind, slot, depart + lat, DropReason::Loss);
                    return;
                }
                if self.rng.chance(self.scenario.network.duplicate) {
                    2
                } else {
                    1
                }
            }
            (Endpoint::Client(c), Endpoint::Node(b)) | (Endpoint::Node(b), Endpoint::Client(c)) => {
                // A client sits beside its home node: partitions cut it off like that node.
                let home = (c as usize % self.n) as NodeId;
                if home != b && self.blocked_partition[home as usize] >> b & 1 == 1 {
                    self.trace_lost(from, to, kind, slot, depart, DropReason::Partition);
                    return;
                }
                1
            }
            _ => 1,
        };
        let bytes = if self.scenario.network.bandwidth_mbps.is_some() {
            match &payload {
                Payload::Node(Input::Message { msg, .. }) => {
                    msg.wire_bytes(self.scenario.workload.command_bytes)
                }
                _ => 24 + self.scenario.workload.command_bytes,
            }
        } else {
            0
        };
        if copies == 2 {
            // The duplicate goes first, as a copy; the last copy takes the payload itself.
            self.send_copy(from, to, kind, slot, payload.clone(), depart, bytes);
        }
        self.send_copy(from, to, kind, slot, payload, depart, bytes);
    }

    /// One copy of a transmitted message: its delay (bandwidth queue and latency), its trace
    /// record, and its entry in the flight table.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn send_copy(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        kind: MsgKind,
        slot: Option<Slot>,
        payload: Payload,
        depart: Time,
        bytes: u32,
    ) {
        let lat = match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => {
                let link = a as usize * self.n + b as usize;
                let mut queued = 0;
                if let Some(mbps) = self.scenario.network.bandwidth_mbps {
                    let tx = (bytes as f64 * 8.0 / (mbps * 1e6) * 1e9) as Time;
                    let lf = &mut self.link_free[link];
                    let start = (*lf).max(depart);
                    *lf = start + tx;
                    queued = start + tx - depart;
                }
                queued + self.rng.latency(&self.links[link])
            }
            _ => self.rng.latency(&self.scenario.network.client_latency),
        };
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        let deliver_at = depart + lat;
        self.trace
            .send(self.now, id, from, to, kind, slot, deliver_at, None);
        let f = InFlight {
            msg: FlightView {
                id,
                from,
                to,
                kind,
                sent_at: self.now,
                deliver_at,
            },
            payload,
        };
        let flight = self.alloc_flight(f);
        self.schedule(deliver_at, Ev::Deliver { flight });
    }

    /// A message arrives: it goes to its node's CPU or to its client.
    pub(super) fn deliver(&mut self, flight: u32) {
        let Some(f) = self.flights[flight as usize].take() else {
            return; // dropped by hand
        };
        self.free_flights.push(flight);
        self.metrics.message_events += 1;
        match f.msg.to {
            Endpoint::Node(n) => {
                if self.nodes[n as usize].crashed {
                    self.trace.drop_msg(self.now, f.msg.id, DropReason::Crashed);
                    return;
                }
                let Payload::Node(w) = f.payload else {
                    return;
                };
                self.enqueue(n as usize, w);
            }
            Endpoint::Client(c) => {
                let Payload::Reply(reply) = f.payload else {
                    return;
                };
                let from = match f.msg.from {
                    Endpoint::Node(n) => n,
                    Endpoint::Client(_) => return,
                };
                self.client_reply(c, from, reply);
            }
        }
    }

    /// Changes link masks for a network fault; other faults are not the network's.
    pub(super) fn apply_link_fault(&mut self, action: &FaultAction) {
        let n = self.n;
        match action {
            FaultAction::Partition { groups } => {
                let mut group = vec![usize::MAX; n];
                for (gi, g) in groups.iter().enumerate() {
                    for node in g {
                        group[*node as usize] = gi;
                    }
                }
                for a in 0..n {
                    let mut mask = 0u64;
                    for b in 0..n {
                        if a != b && (group[a] != group[b] || group[a] == usize::MAX) {
                            mask |= 1 << b;
                        }
                    }
                    self.blocked_partition[a] = mask;
                }
            }
            FaultAction::Heal => {
                self.blocked_partition.iter_mut().for_each(|m| *m = 0);
                self.blocked_cut.iter_mut().for_each(|m| *m = 0);
            }
            FaultAction::CutLink { from, to, both } => {
                self.blocked_cut[*from as usize] |= 1 << to;
                if *both {
                    self.blocked_cut[*to as usize] |= 1 << from;
                }
            }
            FaultAction::RestoreLink { from, to, both } => {
                self.blocked_cut[*from as usize] &= !(1 << to);
                if *both {
                    self.blocked_cut[*to as usize] &= !(1 << from);
                }
            }
            _ => {}
        }
    }

    /// Removes the message with trace id `id` from the network, if it is still in flight.
    pub(super) fn drop_in_flight(&mut self, id: u64) {
        if let Some(pos) = self
            .flights
            .iter()
            .position(|f| f.as_ref().is_some_and(|f| f.msg.id == id))
        {
            self.flights[pos] = None;
            self.free_flights.push(pos as u32);
            self.trace.drop_msg(self.now, id, DropReason::Manual);
        }
    }
}

fn msg_slot(p: &Payload) -> Option<Slot> {
    match p {
        Payload::Node(Input::Message { msg, .. }) => msg.slot(),
        _ => None,
    }
}
