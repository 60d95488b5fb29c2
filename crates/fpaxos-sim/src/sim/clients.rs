//! Clients: closed-loop clients keep `outstanding` requests pending (with think time), open-loop
//! arrivals come at a Poisson rate; both retry on timeout and follow redirects. A client told
//! "no leader known" looks for a leader with one request at a time (see `Client::seeking`).

use super::network::Payload;
use super::{Ev, Sim};
use crate::trace::Endpoint;
use fpaxos::{ClientReply, Command, Input, MsgKind, NodeId, Time};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

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
    /// For clients that keep many requests pending (open loop, or many outstanding): every
    /// pending request's resend deadline as `(due, seq)`, with outdated entries left behind
    /// (a lazy min-heap), so that a timeout finds the due requests without scanning all of
    /// them. `None`: a timeout scans `pending` (one or a few requests).
    dues: Option<BinaryHeap<Reverse<(Time, u32)>>>,
    /// The client timeout (for the deadlines in `dues`).
    timeout: Time,
    /// The client is looking for a leader: a request told "no leader known" goes to the next
    /// node one heartbeat later (`Ev::ClientRetry`). One request at a time: the others told so
    /// meanwhile wait for their timeout. Each retrying on its own every heartbeat made a flood
    /// that grew with the requests pending: an open-loop client with thousands pending kept
    /// every node's CPU busy with redirects, so heartbeats and elections waited behind them
    /// and leaders came and went without a request completing (swarm seeds 609040, 612312).
    seeking: bool,
}

impl Client {
    /// A client that sends its first request to `target` and resends after `timeout`;
    /// `many_pending` keeps deadlines in a heap (see `dues`).
    pub fn new(target: NodeId, timeout: Time, many_pending: bool) -> Client {
        Client {
            target,
            next_seq: 1,
            pending: Vec::new(),
            index: VecDeque::new(),
            index_base: 1,
            timeout_armed: false,
            dues: many_pending.then(BinaryHeap::new),
            timeout,
            seeking: false,
        }
    }

    /// Adds request `p` (the one with sequence number `next_seq - 1`) to `pending`.
    fn add_pending(&mut self, p: Pending) {
        if self.index.is_empty() {
            self.index_base = p.seq;
        }
        debug_assert_eq!(self.index_base as usize + self.index.len(), p.seq as usize);
        self.index.push_back(self.pending.len() as u32);
        self.sent(p.seq, p.last_sent);
        self.pending.push(p);
    }

    /// Request `seq` was (re)sent at `at`: its new deadline.
    fn sent(&mut self, seq: u32, at: Time) {
        if let Some(d) = &mut self.dues {
            d.push(Reverse((at + self.timeout, seq)));
        }
    }

    /// Where request `seq` sits in `pending` if it is pending with deadline `due` (a `dues`
    /// entry is current), else `None` (outdated).
    fn current(&self, due: Time, seq: u32) -> Option<usize> {
        let at = self.find(seq)?;
        (self.pending[at].last_sent + self.timeout == due).then_some(at)
    }

    /// With `dues`: the positions in `pending` of the requests due at `now`, in `pending`
    /// order (the order a scan finds them in).
    fn due_positions(
        dues: &mut BinaryHeap<Reverse<(Time, u32)>>,
        cl: &Client,
        now: Time,
    ) -> Vec<usize> {
        let mut due_at = Vec::new();
        while let Some(&Reverse((due, seq))) = dues.peek() {
            if due > now {
                break;
            }
            dues.pop();
            due_at.extend(cl.current(due, seq));
        }
        due_at.sort_unstable();
        due_at.dedup();
        due_at
    }

    /// With `dues`: the earliest deadline of a pending request (dropping outdated entries).
    fn next_due(dues: &mut BinaryHeap<Reverse<(Time, u32)>>, cl: &Client) -> Option<Time> {
        while let Some(&Reverse((due, seq))) = dues.peek() {
            if cl.current(due, seq).is_some() {
                return Some(due);
            }
            dues.pop();
        }
        None
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
            Payload::Node(Input::Request {
                client,
                cmd: Command { client, seq },
            }),
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
                self.checker.replied(now, from, client, cmd);
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
                        if std::mem::replace(&mut cl.seeking, true) {
                            return; // this request waits for its timeout
                        }
                        let backoff = self.scenario.cluster.heartbeat.0;
                        self.schedule(
                            now + backoff,
                            Ev::ClientRetry {
                                client: client as u16,
                                seq: cmd.seq,
                            },
                        );
                    }
                }
            }
        }
    }

    /// The look for a leader that `Ev::ClientRetry` scheduled: request `seq`, told "no leader
    /// known", goes to the client's next node.
    pub(super) fn client_seek(&mut self, client: u32, seq: u32) {
        self.clients[client as usize].seeking = false;
        self.client_resend(client, seq, None);
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
        cl.sent(seq, now);
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
        if let Some(mut dues) = cl.dues.take() {
            // The same requests in the same order as the scan below, found through the heap.
            for at in Client::due_positions(&mut dues, cl, now) {
                let p = &mut cl.pending[at];
                p.target = (p.target + 1) % n;
                p.last_sent = now;
                resend.push((p.seq, p.target));
                dues.push(Reverse((now + timeout, p.seq)));
            }
            next = Client::next_due(&mut dues, cl);
            cl.dues = Some(dues);
        } else {
            for p in cl.pending.iter_mut() {
                if p.last_sent + timeout <= now {
                    p.target = (p.target + 1) % n;
                    p.last_sent = now;
                    resend.push((p.seq, p.target));
                }
                let due = p.last_sent + timeout;
                next = Some(next.map_or(due, |x: Time| x.min(due)));
            }
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
    use crate::dur::Dur;
    use crate::rng::Rng;
    use crate::scenario::{Fault, FaultAction, Scenario};
    use crate::sim::Sim;

    /// A queued event is 24 bytes: the heap moves them on every push and pop.
    #[test]
    fn queued_events_stay_small() {
        assert_eq!(std::mem::size_of::<crate::sim::Scheduled>(), 24);
    }

    /// Clients with many requests pending and short timeouts through crashes (open loop, and
    /// closed loop with requests issued at the same instant, so that several fall due at
    /// once): the deadline heap resends the same requests in the same order as a scan of every
    /// pending request (equal trace hashes).
    #[test]
    fn deadline_heap_resends_like_a_scan() {
        let mut s = Scenario {
            duration: Dur::secs(3),
            ..Scenario::default()
        };
        s.workload.outstanding = 8;
        s.workload.timeout = Dur::ms(30);
        s.faults = vec![
            Fault {
                at: Dur(0),
                action: FaultAction::Crash { node: 0 },
            },
            Fault {
                at: Dur::ms(1500),
                action: FaultAction::Recover { node: 0 },
            },
            Fault {
                at: Dur::ms(2000),
                action: FaultAction::Crash { node: 1 },
            },
        ];
        let closed = s.clone();
        s.workload.rate = Some(3000.0);
        for s in [closed, s] {
            check_heap_against_scan(&s);
        }
    }

    fn check_heap_against_scan(s: &Scenario) {
        let run = |scan: bool| {
            let mut sim = Sim::new(s.check().expect("valid scenario"));
            assert!(sim.clients.iter().all(|c| c.dues.is_some()));
            if scan {
                sim.clients.iter_mut().for_each(|c| c.dues = None);
            }
            sim.run_to_end()
        };
        let (heap, scan) = (run(false), run(true));
        assert_eq!(heap.trace_hash, scan.trace_hash);
        assert!(heap.sim.events > 10_000);
    }

    /// The index finds exactly what a scan of `pending` finds, through random issues and
    /// answers (in and out of order, duplicates, unknown sequence numbers).
    #[test]
    fn index_agrees_with_a_scan() {
        let mut rng = Rng::new(5);
        let mut cl = Client::new(0, 1, false);
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
