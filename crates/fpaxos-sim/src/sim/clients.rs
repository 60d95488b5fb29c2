//! Clients: closed-loop clients keep `outstanding` requests pending (with think time), open-loop
//! arrivals come at a Poisson rate; both retry on timeout and follow redirects.

use super::network::Payload;
use super::{Ev, Sim};
use crate::trace::Endpoint;
use fpaxos::{ClientReply, Command, MsgKind, NodeId, Time};
use std::collections::VecDeque;

/// Most requests one open-loop client keeps pending before it sheds new arrivals.
const OPEN_LOOP_PENDING_CAP: usize = 10_000;
/// Most open-loop requests in flight across all clients; arrivals beyond it are shed (an
/// overloaded system would queue without bound otherwise).
const OPEN_LOOP_TOTAL_CAP: u64 = 100_000;

/// A request a client is waiting for.
#[derive(Clone, Copy, Debug)]
struct Pending {
    seq: u32,
    first_sent: Time,
    last_sent: Time,
    target: NodeId,
}

/// Marks a sequence number in `Client::index` that is not pending.
const NOT_PENDING: u32 = u32::MAX;

/// One client: where it sends, and what it waits for.
#[derive(Clone, Debug)]
pub(super) struct Client {
    target: NodeId,
    next_seq: u32,
    /// In the order timeouts resend them (issue order, changed by `swap_remove`).
    pending: Vec<Pending>,
    /// Where each sequence number from `index_base` to `next_seq` sits in `pending`
    /// (`NOT_PENDING` once answered), so that a reply finds its request without a scan: an
    /// open-loop client may have thousands pending. Trimmed from the front as the oldest
    /// requests are answered.
    index: VecDeque<u32>,
    index_base: u32,
    timeout_armed: bool,
}

impl Client {
    /// A client that sends its first request to `target`.
    pub fn new(target: NodeId) -> Client {
        Client {
            target,
            next_seq: 1,
            pending: Vec::new(),
            index: VecDeque::new(),
            index_base: 1,
            timeout_armed: false,
        }
    }

    /// Adds request `p` (the one with sequence number `next_seq - 1`) to `pending`.
    fn add_pending(&mut self, p: Pending) {
        if self.index.is_empty() {
            self.index_base = p.seq;
        }
        debug_assert_eq!(self.index_base as usize + self.index.len(), p.seq as usize);
        self.index.push_back(self.pending.len() as u32);
        self.pending.push(p);
    }

    /// Where request `seq` sits in `pending`, if it is pending.
    fn find(&self, seq: u32) -> Option<usize> {
        let i = seq.checked_sub(self.index_base)?;
        match self.index.get(i as usize) {
            Some(&at) if at != NOT_PENDING => Some(at as usize),
            _ => None,
        }
    }

    /// Removes `pending[at]` as `swap_remove` does (the last request takes its place).
    fn remove_pending(&mut self, at: usize) -> Pending {
        let p = self.pending.swap_remove(at);
        if let Some(moved) = self.pending.get(at) {
            self.index[(moved.seq - self.index_base) as usize] = at as u32;
        }
        self.index[(p.seq - self.index_base) as usize] = NOT_PENDING;
        while self.index.front() == Some(&NOT_PENDING) {
            self.index.pop_front();
            self.index_base += 1;
        }
        p
    }
}

impl Sim {
    /// An open-loop arrival: the next client in turn issues a request (unless shed), and the
    /// next arrival is drawn.
    pub(super) fn arrival(&mut self) {
        let k = self.clients.len() as u32;
        if k > 0 {
            let c = self.arrival_rr % k;
            self.arrival_rr = self.arrival_rr.wrapping_add(1);
            let in_flight = self.issued_total - self.completed_total;
            if self.clients[c as usize].pending.len() < OPEN_LOOP_PENDING_CAP
                && in_flight < OPEN_LOOP_TOTAL_CAP
            {
                self.issue(c);
            }
            if let Some(rate) = self.scenario.workload.rate {
                if !self.issue_limit_reached() {
                    let at = self.exp_gap(rate);
                    self.schedule(at, Ev::Arrival);
                }
            }
        }
    }

    fn issue_limit_reached(&self) -> bool {
        self.scenario
            .workload
            .requests
            .is_some_and(|r| self.issued_total >= r)
    }

    /// Puts request `seq` of `client` on the wire to `target`, now.
    fn send_request(&mut self, client: u32, seq: u32, target: NodeId) {
        self.transmit(
            Endpoint::Client(client),
            Endpoint::Node(target),
            MsgKind::Request,
            Payload::Request(Command { client, seq }),
            self.now,
        );
    }

    /// Sends a new request from `client`.
    pub(super) fn issue(&mut self, client: u32) {
        if self.issue_limit_reached() {
            return;
        }
        let now = self.now;
        let cl = &mut self.clients[client as usize];
        let seq = cl.next_seq;
        cl.next_seq += 1;
        let target = cl.target;
        cl.add_pending(Pending {
            seq,
            first_sent: now,
            last_sent: now,
            target,
        });
        let arm = !cl.timeout_armed;
        cl.timeout_armed = true;
        self.issued_total += 1;
        self.checker.issued(client, seq);
        self.live.issued(now, client);
        self.send_request(client, seq, target);
        if arm {
            let at = now + self.scenario.workload.timeout.0;
            self.schedule(at, Ev::ClientTimeout { client });
        }
    }

    /// A reply reaches `client`: complete the request, or follow a redirect.
    pub(super) fn client_reply(&mut self, client: u32, from: NodeId, reply: ClientReply) {
        let now = self.now;
        match reply {
            ClientReply::Done(cmd) => {
                let cl = &mut self.clients[client as usize];
                let Some(pos) = cl.find(cmd.seq) else {
                    return; // duplicate reply
                };
                let p = cl.remove_pending(pos);
                self.completed_total += 1;
                self.metrics.completion(now, now - p.first_sent);
                self.live.completed(now, client);
                cl.target = from;
                if self.completion_target_met() {
                    self.done = true;
                    return;
                }
                if self.scenario.workload.rate.is_none() {
                    let think = self.scenario.workload.think.0;
                    if think == 0 {
                        self.issue(client);
                    } else {
                        self.schedule(now + think, Ev::ClientIssue { client });
                    }
                }
            }
            ClientReply::Redirect { cmd, leader } => {
                let n = self.n as NodeId;
                match leader {
                    Some(l) if l != from => self.client_resend(client, cmd.seq, Some(l)),
                    _ => {
                        let cl = &mut self.clients[client as usize];
                        cl.target = (from + 1) % n;
                        let backoff = self.scenario.cluster.heartbeat.0;
                        self.schedule(
                            now + backoff,
                            Ev::ClientRetry {
                                client,
                                seq: cmd.seq,
                            },
                        );
                    }
                }
            }
        }
    }

    /// Sends pending request `seq` again, to `target` if given.
    pub(super) fn client_resend(&mut self, client: u32, seq: u32, target: Option<NodeId>) {
        let now = self.now;
        let cl = &mut self.clients[client as usize];
        if let Some(t) = target {
            cl.target = t;
        }
        let target = cl.target;
        let Some(at) = cl.find(seq) else {
            return;
        };
        let p = &mut cl.pending[at];
        p.last_sent = now;
        p.target = target;
        self.send_request(client, seq, target);
    }

    /// Resends every request pending longer than the timeout, to the next node.
    pub(super) fn client_timeout(&mut self, client: u32) {
        let now = self.now;
        let timeout = self.scenario.workload.timeout.0;
        let n = self.n as NodeId;
        let cl = &mut self.clients[client as usize];
        let mut resend = Vec::new();
        let mut next: Option<Time> = None;
        for p in cl.pending.iter_mut() {
            if p.last_sent + timeout <= now {
                p.target = (p.target + 1) % n;
                p.last_sent = now;
                resend.push((p.seq, p.target));
            }
            let due = p.last_sent + timeout;
            next = Some(next.map_or(due, |x: Time| x.min(due)));
        }
        if let Some((_, t)) = resend.last() {
            cl.target = *t;
        }
        cl.timeout_armed = next.is_some();
        for (seq, target) in resend {
            self.send_request(client, seq, target);
        }
        if let Some(at) = next {
            self.schedule(at, Ev::ClientTimeout { client });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The index finds exactly what a scan of `pending` finds, through random issues and
    /// answers (in and out of order, duplicates, unknown sequence numbers).
    #[test]
    fn index_agrees_with_a_scan() {
        let mut rng = Rng::new(5);
        let mut cl = Client::new(0);
        for _ in 0..20_000 {
            if rng.below(3) > 0 || cl.pending.is_empty() {
                let seq = cl.next_seq;
                cl.next_seq += 1;
                cl.add_pending(Pending {
                    seq,
                    first_sent: 0,
                    last_sent: 0,
                    target: 0,
                });
            }
            let probe = rng.below(cl.next_seq as u64 + 2) as u32;
            let scan = cl.pending.iter().position(|p| p.seq == probe);
            assert_eq!(cl.find(probe), scan, "seq {probe}");
            if let Some(at) = scan {
                if rng.below(2) == 0 {
                    let before: Vec<u32> = {
                        let mut v: Vec<u32> = cl.pending.iter().map(|p| p.seq).collect();
                        v.swap_remove(at);
                        v
                    };
                    assert_eq!(cl.remove_pending(at).seq, probe);
                    let after: Vec<u32> = cl.pending.iter().map(|p| p.seq).collect();
                    assert_eq!(before, after);
                }
            }
        }
    }
}
