//! Clients: closed-loop clients keep `outstanding` requests pending (with think time), open-loop
//! arrivals come at a Poisson rate; both retry on timeout and follow redirects.

use super::network::Payload;
use super::{Ev, Sim};
use crate::trace::Endpoint;
use fpaxos::{ClientReply, Command, MsgKind, NodeId, Time};

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

/// One client: where it sends, and what it waits for.
#[derive(Clone, Debug)]
pub(super) struct Client {
    target: NodeId,
    next_seq: u32,
    pending: Vec<Pending>,
    timeout_armed: bool,
}

impl Client {
    /// A client that sends its first request to `target`.
    pub fn new(target: NodeId) -> Client {
        Client {
            target,
            next_seq: 1,
            pending: Vec::new(),
            timeout_armed: false,
        }
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
        cl.pending.push(Pending {
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
                let Some(pos) = cl.pending.iter().position(|p| p.seq == cmd.seq) else {
                    return; // duplicate reply
                };
                let p = cl.pending.swap_remove(pos);
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
        let Some(p) = cl.pending.iter_mut().find(|p| p.seq == seq) else {
            return;
        };
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
