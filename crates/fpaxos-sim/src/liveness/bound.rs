//! The liveness bound: how long a healthy cluster may take to complete a request, derived from
//! the scenario's timers, latencies, CPU costs and load.

use super::ms;
use crate::scenario::{Latency, Scenario};
use fpaxos::Time;
use serde::Serialize;

/// Election rounds the bound allows: randomized timeouts make duelling candidates rare but not
/// impossible, so one round is too few; a cluster that needs more than this is reported.
pub const ELECTION_ROUNDS: u64 = 4;

/// Fraction of a CPU that client resends alone may take before the cluster counts as
/// overloaded (see [`Bound::max_pending`]).
const RESEND_LOAD: f64 = 0.5;

/// Bytes of protocol overhead per message assumed for bandwidth queueing.
const HEADER_BYTES: u64 = 64;

/// The terms of the liveness bound, in nanoseconds. The bound for a healthy set that leaves
/// `k` nodes outside it is `stepdown + detect + ELECTION_ROUNDS * round + (k + 1) * client_timeout
/// + 2 * request + heartbeat` (see [`Bound::total`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bound {
    /// A leader cut off from its Q2 steps down (check-quorum): an election timeout after it
    /// last heard from a Q2, noticed on its next heartbeat tick, plus a message in flight.
    /// Zero when check-quorum is off: a deaf leader then never steps down, which is a stall.
    pub stepdown: Time,
    /// A follower notices the leader is gone: its election timeout with full jitter (2 x the
    /// timeout) plus a heartbeat interval.
    pub detect: Time,
    /// One election round: a timeout with jitter, a retransmission, a round trip (two with
    /// pre-vote) and the candidate's CPU work.
    pub round: Time,
    /// A client's resend timeout: a client whose target is outside the healthy set waits one
    /// before trying the next node.
    pub client_timeout: Time,
    /// One request through a healthy leader: two client round trips (a redirect, then the
    /// leader), a phase-2 round trip, bandwidth queueing of a full window, and the leader's
    /// CPU draining every request in flight.
    pub request: Time,
    /// The redirect back-off of a client told "no leader known" (one heartbeat).
    pub heartbeat: Time,
    /// The rule applies only while at most this many requests are pending at clients that reach
    /// the healthy set: beyond it, resending them once per client timeout alone takes more
    /// than half of a node's CPU, and a retry storm can keep any cluster from progressing
    /// (overload, like a gray failure, is outside the rule). `u64::MAX` when messages cost no CPU.
    pub max_pending: u64,
    /// Gaps without completions shorter than this are normal service, longer ones count as
    /// unavailable time: the longer of one election timeout and four mean round trips
    /// (client to node and node to node).
    pub unavailable_after: Time,
    /// `L`: the one-way latency of the slowest link that a draw exceeds with probability below
    /// about one in a million (not a term of the bound; its stall explanations name it).
    #[serde(skip)]
    pub link: Time,
}

impl Bound {
    /// The bound's terms for `s` (its timers, check-quorum and pre-vote switches, latencies,
    /// CPU costs and load).
    pub fn new(s: &Scenario) -> Bound {
        let c = &s.cluster;
        let (check_quorum, pre_vote) = (c.check_quorum, c.pre_vote);
        let n = c.nodes.max(1) as u64;
        let links = s.network.link_latencies(n as usize);
        let l = links.iter().map(high).max().unwrap_or(0);
        let lc = high(&s.network.client_latency);
        let et = c.election_timeout.0;
        let hb = c.heartbeat.0;
        let cpu_msg = s.cpu.per_recv.0 + s.cpu.per_send.0.saturating_mul(n);
        let per_resend = s.cpu.per_recv.0 + s.cpu.per_send.0;
        let max_pending = if per_resend == 0 {
            u64::MAX
        } else {
            (RESEND_LOAD * s.workload.timeout.0 as f64 / per_resend as f64) as u64
        };
        let in_flight = match s.workload.rate {
            None => (s.workload.clients as u64 * s.workload.outstanding as u64).min(max_pending),
            Some(_) => max_pending,
        };
        let tx = s.network.bandwidth_mbps.map_or(0, |mbps| {
            let bits = (s.workload.command_bytes as u64 + HEADER_BYTES) * 8;
            let per_msg = bits as f64 / (mbps * 1e6) * 1e9;
            let queue = c.window as f64 * c.batch as f64;
            (per_msg * queue).min(3.6e12) as Time
        });
        let rt = 2 * l;
        let request = (4 * lc + 2 * rt + tx)
            .saturating_add(cpu_msg.saturating_mul(in_flight.saturating_add(4 * n)));
        let mean_rtt = 2
            * (s.network.client_latency.mean().0
                + links.iter().map(|x| x.mean().0).max().unwrap_or(0));
        Bound {
            stepdown: if check_quorum { et + hb + l } else { 0 },
            detect: 2 * et + hb + l,
            round: 2 * et
                + c.retransmit.0
                + if pre_vote { 2 * rt } else { rt }
                + cpu_msg.saturating_mul(n),
            client_timeout: s.workload.timeout.0,
            request,
            heartbeat: hb,
            max_pending,
            unavailable_after: et.max(4 * mean_rtt),
            link: l,
        }
    }

    /// The bound for a healthy set that leaves `outside` nodes out (crashed, cut off or slow):
    /// each may cost a client one timeout before it tries the next node.
    pub fn total(&self, outside: usize) -> Time {
        self.stepdown
            .saturating_add(self.detect)
            .saturating_add(ELECTION_ROUNDS.saturating_mul(self.round))
            .saturating_add((outside as u64 + 1).saturating_mul(self.client_timeout))
            .saturating_add(self.request.saturating_mul(2))
            .saturating_add(self.heartbeat)
    }

    /// The formula with this scenario's numbers, e.g. for a stall's explanation.
    pub fn explain(&self, outside: usize) -> String {
        format!(
            "step-down {:.1} + detect {:.1} + {ELECTION_ROUNDS} x election round {:.1} + {} x client timeout {:.1} + 2 x request {:.1} + heartbeat {:.1} = {:.1} ms",
            ms(self.stepdown),
            ms(self.detect),
            ms(self.round),
            outside + 1,
            ms(self.client_timeout),
            ms(self.request),
            ms(self.heartbeat),
            ms(self.total(outside)),
        )
    }
}

/// A one-way latency the distribution exceeds with probability below about one in a million
/// (the simulator caps every draw at one hour).
fn high(l: &Latency) -> Time {
    let cap = 3.6e12;
    let ns = match *l {
        Latency::Const { value } => value.0 as f64,
        Latency::Uniform { max, .. } => max.0 as f64,
        Latency::Normal { mean, stddev } => mean.0 as f64 + 5.0 * stddev.0 as f64,
        Latency::Lognormal { median, sigma } => median.0 as f64 * libm::exp(5.0 * sigma),
        // P(Exp > 14 mean) = e^-14, below one in a million.
        Latency::Exponential { min, mean } => min.0 as f64 + 14.0 * mean.0 as f64,
    };
    ns.min(cap) as Time
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dur::Dur;

    #[test]
    fn the_default_scenario_bound_adds_up() {
        let mut s = Scenario::default();
        let b = Bound::new(&s);
        // Normal 2 ms, sd 0.3 ms: 3.5 ms high.
        assert_eq!(b.stepdown, Dur::ms(170).0 + 3_500_000);
        assert_eq!(b.detect, Dur::ms(320).0 + 3_500_000);
        assert_eq!(
            b.total(0),
            b.stepdown
                + b.detect
                + ELECTION_ROUNDS * b.round
                + b.client_timeout
                + 2 * b.request
                + b.heartbeat
        );
        assert!(b.total(2) == b.total(0) + 2 * b.client_timeout);
        s.cluster.pre_vote = true;
        assert!(Bound::new(&s).round > b.round, "pre-vote adds a round trip");
        s.cluster.check_quorum = false;
        assert_eq!(Bound::new(&s).stepdown, 0);
        assert!(b.explain(0).ends_with(&format!("{:.1} ms", ms(b.total(0)))));
    }

    #[test]
    fn tails_are_covered() {
        let exp = Latency::Exponential {
            min: Dur::ms(1),
            mean: Dur::ms(1),
        };
        assert_eq!(high(&exp), Dur::ms(15).0);
        let huge = Latency::Lognormal {
            median: Dur::secs(60),
            sigma: 5.0,
        };
        assert_eq!(high(&huge), 3_600_000_000_000, "capped like every draw");
    }
}
