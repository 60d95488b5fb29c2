//! What happened during a stall, read off the run's metrics: elections, time without a leader,
//! messages sent and the busiest CPU. The monitor says why the cluster should have progressed;
//! this says what it did instead, so a reader knows where to look.

use crate::number::grouped;
use fpaxos::{NodeId, Time};

/// Elections recorded with their time; beyond this a stall's count says "at least".
pub(crate) const MAX_ELECTIONS: usize = 100_000;

/// A CPU busy at least this share of a stall is called out.
const BUSY: f64 = 0.9;

/// Leader elections in a stall from which on they are called a churn.
const CHURN: usize = 3;

/// Commands executed again during a stall from which on they are called out.
const AGAIN: f64 = 10.0;

/// The run's activity over time, borrowed from the metrics.
pub(crate) struct Activity<'a> {
    /// The width of a metrics bucket.
    pub bucket: Time,
    /// Per node, CPU time started in each bucket.
    pub busy: &'a [Vec<u64>],
    /// Per node, messages sent in each bucket.
    pub sent: &'a [Vec<u64>],
    /// Commands executed again (their first copy executed in an earlier slot), per bucket.
    pub again: &'a [u64],
    /// When each election was won, in order (at most [`MAX_ELECTIONS`]).
    pub elected_at: &'a [Time],
    /// When each campaign started and by which node, in order (at most [`MAX_ELECTIONS`]).
    pub campaigns: &'a [(Time, NodeId)],
    /// Stretches without a live leader, in order, and the one still open (until `upto`).
    pub leaderless: &'a [(Time, Time)],
    pub leaderless_since: Option<Time>,
    /// Every closed stretch is in `leaderless` (none was left out past the list's limit).
    pub leaderless_listed: bool,
    /// Stretches with exactly one live leader, `(from, to, leader)`, in order, and the one still
    /// open (until `upto`).
    pub sole_leader: &'a [(Time, Time, NodeId)],
    pub sole_leader_since: Option<(NodeId, Time)>,
    pub upto: Time,
    /// The election timeout and the slowest round trip (twice the bound's `L`), when the
    /// timeout is the shorter: named when leaders are deposed one after another.
    pub short_timeout: Option<(Time, Time)>,
    /// The cluster's options: a leader outside the healthy set stays in office without
    /// check-quorum, and with pre-vote the nodes that hear it deny the others' pre-votes.
    pub check_quorum: bool,
    pub pre_vote: bool,
    /// Client sessions: a leader answers resends of commands it has executed.
    pub sessions: bool,
    /// The most slots a leader has in flight.
    pub window: u32,
}

/// What a stall's stretch held: [`Stall::during`](super::Stall::during) and
/// [`Stall::causes`](super::Stall::causes).
#[derive(Debug)]
pub(crate) struct Described {
    /// One sentence of counts: elections won, time without a leader, messages, the busiest CPU.
    pub during: String,
    /// What those point to, one explanation each, in a fixed order.
    pub causes: Vec<String>,
}

impl Described {
    /// Both, as one text (for tests).
    #[cfg(test)]
    pub(crate) fn text(&self) -> String {
        joined(&self.during, &self.causes)
    }
}

/// The counts and then each cause, as one text.
pub(crate) fn joined(during: &str, causes: &[String]) -> String {
    std::iter::once(during)
        .chain(causes.iter().map(String::as_str))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn overlap(a: (Time, Time), b: (Time, Time)) -> Time {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

impl Activity<'_> {
    /// The node that was the only live leader through all of `from..to`, if one was.
    fn sole_leader_through(&self, from: Time, to: Time) -> Option<NodeId> {
        self.sole_leader
            .iter()
            .copied()
            .chain(
                self.sole_leader_since
                    .map(|(n, since)| (since, self.upto, n)),
            )
            .find(|&(a, b, _)| a <= from && b >= to)
            .map(|(_, _, n)| n)
    }

    /// What happened in the stretch `from..to` (an election at `from` is before it), whose
    /// healthy set was `healthy`: one sentence of counts, and what they point to.
    pub fn describe(&self, from: Time, to: Time, healthy: &[u32]) -> Described {
        let span = (from, to);
        let len = to.saturating_sub(from).max(1);
        let first = self.elected_at.partition_point(|t| *t <= from);
        let last = self.elected_at.partition_point(|t| *t <= to);
        let elected = last - first;
        let capped = self.elected_at.len() >= MAX_ELECTIONS && last == self.elected_at.len();
        let leaderless: Time = self
            .leaderless
            .iter()
            .copied()
            .chain(self.leaderless_since.map(|s| (s, self.upto)))
            .map(|i| overlap(i, span))
            .sum();
        // Past the list's limit, stretches after its last one are missing.
        let partial = !self.leaderless_listed && self.leaderless.last().is_none_or(|l| l.1 < to);
        // A bucket's counts, taken in proportion to the part of it inside the stretch. The
        // last bucket counts only up to where the run stopped (`upto`), so a run that stopped
        // mid-bucket gives the same numbers as one that went on.
        let b = self.bucket.max(1);
        let share = |row: &[u64]| -> f64 {
            let lo = (from / b) as usize;
            let hi = (to.div_ceil(b) as usize).min(row.len());
            (lo..hi)
                .map(|i| {
                    let start = i as Time * b;
                    let cell = (start, ((i as Time + 1) * b).min(self.upto.max(start + 1)));
                    row[i] as f64 * overlap(cell, span) as f64 / (cell.1 - cell.0) as f64
                })
                .sum()
        };
        let sent: f64 = self.sent.iter().map(|r| share(r)).sum();
        // The lowest node id among the busiest; none when no CPU did any work (no CPU costs).
        let busiest = self.busy.iter().map(|r| share(r)).enumerate().fold(
            None,
            |best: Option<(usize, f64)>, (i, x)| match best {
                Some((_, y)) if y >= x => best,
                _ if x > 0.0 => Some((i, x)),
                _ => best,
            },
        );
        let mut s = format!(
            "{}{} leader election{} won, {}{:.1} ms without a leader, about {} messages sent",
            if capped { "at least " } else { "" },
            elected,
            if elected == 1 { "" } else { "s" },
            if partial { "at least " } else { "" },
            leaderless as f64 / 1e6,
            grouped(sent.round() as u64),
        );
        let mut busy_node = None;
        if let Some((node, busy)) = busiest {
            let pct = (busy / len as f64).min(1.0);
            s.push_str(&format!(
                "; the busiest CPU, node {node}'s, was busy about {:.0} % of it",
                pct * 100.0
            ));
            busy_node = (pct >= BUSY).then_some(node);
        }
        s.push('.');
        let mut causes = Vec::new();
        if elected >= CHURN {
            let mut c = String::from(
                "Leaders were deposed one after another. A common cause: a node whose election \
                 timer fires before a new leader's first heartbeat reaches it campaigns and \
                 deposes that leader; pre-vote, or an election timeout above the slowest round \
                 trip, prevents that.",
            );
            if let Some((et, rtt)) = self.short_timeout {
                c.push_str(&format!(
                    " Here the election timeout, {:.1} ms, is below the slowest link's round \
                     trip, about {:.1} ms (twice its one-in-a-million latency).",
                    et as f64 / 1e6,
                    rtt as f64 / 1e6
                ));
            }
            causes.push(c);
        }
        // A leader in office the whole time, outside the healthy set: nothing takes its place.
        if let Some(leader) = self
            .sole_leader_through(from, to)
            .filter(|&l| !self.check_quorum && !healthy.contains(&u32::from(l)))
        {
            causes.push(format!(
                "Node {leader} led throughout, from outside the healthy set (it is not connected \
                 both ways to all of it). Nodes that hear its heartbeats do not campaign{}, and \
                 without check-quorum a leader that hears from no Q2 does not step down \
                 (with it, such a leader steps down after an election timeout).",
                if self.pre_vote {
                    " and deny the pre-votes of nodes that do not hear it"
                } else {
                    ""
                }
            ));
        }
        // Candidates outside the healthy set that kept it from electing anyone, or whose
        // elections took turns with its own.
        if !self.check_quorum && !self.pre_vote {
            let lo = self.campaigns.partition_point(|c| c.0 < from);
            let hi = self.campaigns.partition_point(|c| c.0 <= to);
            let outside: Vec<NodeId> = self.campaigns[lo..hi]
                .iter()
                .map(|c| c.1)
                .filter(|n| !healthy.contains(&u32::from(*n)))
                .collect();
            let count = outside.len();
            if count >= CHURN {
                let mut who = outside;
                who.sort_unstable();
                who.dedup();
                let names = match who.as_slice() {
                    [n] => format!("Node {n}"),
                    [init @ .., last] => format!(
                        "Nodes {} and {last}",
                        init.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    [] => unreachable!("at least CHURN campaigns"),
                };
                let capped = self.campaigns.len() >= MAX_ELECTIONS && hi == self.campaigns.len();
                let times = format!(
                    "{}{} times",
                    if capped { "at least " } else { "" },
                    grouped(count as u64)
                );
                let remedy = "With check-quorum, a node that heard from its leader within an \
                              election timeout ignores Prepares; with pre-vote, a node that \
                              cannot gather a Q1 of pre-votes does not raise its ballot.";
                causes.push(if elected == 0 {
                    format!(
                        "{names}, outside the healthy set, campaigned {times} during it, and won \
                         nothing. A node that receives a Prepare of a higher ballot promises it, \
                         steps down if it leads, and waits out an election timeout again, so the \
                         healthy set elected no one. {remedy}"
                    )
                } else {
                    let won = if elected == 1 {
                        "1 election was won".to_string()
                    } else {
                        format!("{} elections were won", grouped(elected as u64))
                    };
                    format!(
                        "{names}, outside the healthy set, campaigned {times} during it, while \
                         {won}. A node outside the set does not hear all of it: its election \
                         timer fires although the set has a leader, and the nodes that promise \
                         its higher ballot refuse that leader's Accepts; a node of the set that \
                         does not hear from it in turn may campaign back. {remedy}"
                    )
                });
            }
        }
        let again = share(self.again).round();
        if again >= AGAIN {
            causes.push(format!(
                "About {} commands were executed a second time during it: resends of requests \
                 whose first copy had been chosen already ({}). They filled slots but completed \
                 no pending request{}.",
                grouped(again as u64),
                if self.sessions {
                    "with client sessions a leader answers a resend of a command it has \
                     executed, but these copies were proposed before their first executed"
                } else {
                    "execution is at-least-once; without client sessions, cluster.sessions, a \
                     leader cannot tell a resend from a new request"
                },
                match self.window {
                    0 => String::new(),
                    1 => ", and a leader proposes one slot per round trip (window 1)".into(),
                    w => format!(", and a leader has at most {w} slots in flight (window {w})"),
                }
            ));
        }
        if let Some(node) = busy_node {
            causes.push(format!(
                "Node {node}'s CPU was nearly always busy: messages, heartbeats and elections \
                 wait behind its work (see the CPU chart)."
            ));
        }
        Described { during: s, causes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Time = 1_000_000;

    #[test]
    fn a_stall_is_described_from_the_runs_activity() {
        // Buckets of 100 ms; two nodes; node 1 busy the whole of 100..300 ms.
        let busy = vec![vec![0, 10 * MS, 0, 0], vec![0, 100 * MS, 100 * MS, 0]];
        let sent = vec![vec![0, 40, 40, 0], vec![0, 2_000, 2_000, 0]];
        let elected_at = [50 * MS, 120 * MS, 160 * MS, 230 * MS, 290 * MS];
        let leaderless = [(100 * MS, 120 * MS), (200 * MS, 230 * MS)];
        let a = Activity {
            bucket: 100 * MS,
            busy: &busy,
            sent: &sent,
            again: &[],
            elected_at: &elected_at,
            campaigns: &[],
            leaderless: &leaderless,
            leaderless_since: Some(295 * MS),
            leaderless_listed: true,
            sole_leader: &[],
            sole_leader_since: None,
            upto: 300 * MS,
            short_timeout: None,
            check_quorum: true,
            pre_vote: false,
            sessions: false,
            window: 1,
        };
        // The counts are one sentence, and each cause is one item after it, in a fixed order.
        let d = a.describe(100 * MS, 300 * MS, &[]);
        assert_eq!(
            d.during,
            "4 leader elections won, 55.0 ms without a leader, about 4,080 messages sent; the \
             busiest CPU, node 1's, was busy about 100 % of it."
        );
        assert_eq!(d.causes.len(), 2, "{:#?}", d.causes);
        assert!(d.causes[0].starts_with("Leaders were deposed one after another."));
        assert!(d.causes[1].starts_with("Node 1's CPU was nearly always busy"));
        let s = d.text();
        assert!(
            s.starts_with("4 leader elections won, 55.0 ms without a leader, about 4,080 messages sent; the busiest CPU, node 1's, was busy about 100 % of it."),
            "{s}"
        );
        assert!(s.contains("deposed one after another"), "{s}");
        assert!(!s.contains("Here the election timeout"), "{s}");
        assert!(s.contains("Node 1's CPU was nearly always busy"), "{s}");
        // A timeout shorter than the slowest round trip is named with the churn, not without.
        let short = Activity {
            short_timeout: Some((23 * MS, 40 * MS)),
            ..a
        };
        let s = short.describe(100 * MS, 300 * MS, &[]).text();
        assert!(
            s.contains(
                "prevents that. Here the election timeout, 23.0 ms, is below the slowest \
                 link's round trip, about 40.0 ms (twice its one-in-a-million latency). Node 1's"
            ),
            "{s}"
        );
        assert!(
            !short
                .describe(140 * MS, 200 * MS, &[])
                .text()
                .contains("Here the"),
            "one election is no churn"
        );
        // 50..100 ms: bucket 0, where nothing was sent or busy; the election at 50 ms is at the
        // stretch's start, before it.
        let s = a.describe(50 * MS, 100 * MS, &[]).text();
        assert!(
            s == "0 leader elections won, 0.0 ms without a leader, about 0 messages sent.",
            "{s}"
        );
        // Two CPUs equally busy: the lower node id is named.
        let tied = vec![vec![0, 95 * MS, 0, 0], vec![0, 95 * MS, 0, 0]];
        let t = Activity { busy: &tied, ..a };
        let s = t.describe(100 * MS, 200 * MS, &[]).text();
        assert!(
            s.contains("the busiest CPU, node 0's, was busy about 95 %"),
            "{s}"
        );
        assert!(s.contains("Node 0's CPU was nearly always busy"), "{s}");
        // A stretch that ends where the last listed stretch without a leader ends misses
        // nothing, even past the list's limit.
        let cut = Activity {
            leaderless_listed: false,
            leaderless_since: None,
            ..t
        };
        let s = cut.describe(210 * MS, 230 * MS, &[]).text();
        assert!(s.contains(" won, 20.0 ms without a leader"), "{s}");
        let s = cut.describe(210 * MS, 240 * MS, &[]).text();
        assert!(s.contains(" won, at least 20.0 ms without a leader"), "{s}");
        // A run that stopped mid-bucket (at 250 ms): bucket 2 holds the counts of 200..250 ms
        // only, so 200..240 ms is 4/5 of them, not 2/5.
        let stopped = Activity {
            upto: 250 * MS,
            leaderless_since: None,
            ..a
        };
        let s = stopped.describe(200 * MS, 240 * MS, &[]).text();
        assert!(s.contains("about 1,632 messages sent"), "{s}");
        let s = a.describe(140 * MS, 200 * MS, &[]).text();
        assert!(s.starts_with("1 leader election won,"), "{s}");
        assert!(
            !s.contains("deposed") && s.contains("busy about 100 %"),
            "{s}"
        );
    }
}
