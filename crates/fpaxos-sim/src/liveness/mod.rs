//! Liveness, checked like safety.
//!
//! **The rule.** Whenever requests are pending at clients that can reach it, and some set `S` of
//! nodes is up, mutually connected (every link between members works both ways), holds a phase-1
//! quorum and a phase-2 quorum, runs at normal speed, and the network loses no messages, the
//! cluster must complete a request within the [`Bound`] derived from the scenario's timers,
//! as long as the cluster is not overloaded: at most [`Bound::max_pending`] requests pending
//! (beyond that, client resends alone saturate a node's CPU and a retry storm can keep any
//! cluster from progressing).
//! The clock of that obligation starts at the latest of: the last completed request, the moment
//! the condition started to hold, the moment requests became pending, the latest fault.
//!
//! A run where the rule held and no request completed in time has a **stall**: the report says
//! from when, until when, the set `S` with a Q1 and a Q2 inside it, and the bound it broke.
//! Outside the condition the cluster may legitimately make no progress (no Q1 can be reached,
//! messages are lost at random, a node is slowed: a gray failure), and nothing is claimed.
//!
//! The monitor only observes: it schedules no events and draws no random numbers, so a run
//! with it is the run without it (the golden trace hashes are unchanged).
//!
//! See `docs/liveness.md` for the formula and what the page shows.

mod bound;
pub(crate) mod during;
mod healthy;
mod monitor;

pub use bound::Bound;
pub(crate) use healthy::Topology;
pub(crate) use monitor::Monitor;

use serde::{Deserialize, Serialize};

/// Most stalls, unavailable intervals and fault recoveries a report lists (the totals still
/// count every one).
pub const MAX_LISTED: usize = 1000;

/// A stall: the rule required a completed request and none came within the bound.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stall {
    /// Start of the obligation without progress (ms).
    pub from_ms: f64,
    /// When it ended: a late completion, a fault that changed the cluster, or the end of the run
    /// (ms).
    pub to_ms: f64,
    /// The bound that was broken (ms).
    pub bound_ms: f64,
    /// The live, mutually connected nodes that held a Q1 and a Q2.
    pub nodes: Vec<u32>,
    /// A phase-1 quorum inside `nodes`.
    pub q1: Vec<u32>,
    /// A phase-2 quorum inside `nodes`.
    pub q2: Vec<u32>,
    /// What ended it: `commit`, `fault: <description>` or `end of run`.
    pub ended_by: String,
    /// One sentence: why the cluster should have progressed.
    pub why: String,
    /// What happened during it, read off the run, in one sentence: leader elections, time
    /// without a leader, messages sent, the busiest CPU (empty in reports written before this
    /// field; in reports written before `causes`, the causes follow it here).
    #[serde(default)]
    pub during: String,
    /// What those point to, one explanation each: leaders deposed one after another, a leader
    /// or candidates outside the healthy set, resends filling the slots, a saturated CPU. Empty
    /// when nothing stood out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
}

impl Stall {
    /// What happened during it and what that points to, as one text: `during`, then each of
    /// `causes`.
    pub fn explained(&self) -> String {
        during::joined(&self.during, &self.causes)
    }
}

/// Time from losing a leader to electing the next one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Election {
    /// When the last live leader was lost (ms).
    pub lost_ms: f64,
    /// When a new leader was elected (ms); `None` if none was by the end of the run.
    pub elected_ms: Option<f64>,
}

/// Time from a fault to the next completed request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultRecovery {
    /// When the fault happened (ms).
    pub at_ms: f64,
    /// What it did.
    pub fault: String,
    /// When the next request completed (ms); `None` if none did by the end of the run.
    pub first_commit_ms: Option<f64>,
}

/// The report's liveness section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Liveness {
    /// No stall.
    pub ok: bool,
    /// The bound for this scenario when every node is in the healthy set (ms); a stall lists the
    /// bound that applied to it (it grows with the nodes outside the set).
    pub bound_ms: f64,
    /// How long the rule applied (requests pending, a healthy set existed), in ms: a run with no
    /// judged time checked nothing.
    pub judged_ms: f64,
    /// The rest of the run, by why the rule did not apply: with `judged_ms` it adds up to the
    /// time simulated. Tells where no stall could have been found.
    #[serde(default)]
    pub not_judged: NotJudged,
    /// Every stall (at most [`MAX_LISTED`]), earliest first.
    pub stalls: Vec<Stall>,
    /// Time with requests pending and no completion for longer than
    /// [`Bound::unavailable_after`], in ms (whole run).
    pub unavailable_ms: f64,
    /// Those intervals, `(start ms, end ms)`, earliest first (at most [`MAX_LISTED`]).
    pub unavailable: Vec<(f64, f64)>,
    /// Time to elect after each loss of the last live leader (at most [`MAX_LISTED`]).
    pub elections: Vec<Election>,
    /// Time to the first completed request after each fault (at most [`MAX_LISTED`]).
    pub after_faults: Vec<FaultRecovery>,
}

impl Liveness {
    /// Why the rule did not apply, as shares of the run (judged and not): "no healthy set
    /// (crashes, partitions, cut links) 20 %, ..."; empty when it always applied. What `fpaxos
    /// run` and the page's banner say.
    pub fn describe_not_judged(&self) -> String {
        let run = self.judged_ms + self.not_judged.total_ms();
        self.not_judged.describe(run)
    }
}

/// Time the liveness rule did not apply, by reason (ms; whole ms when summed over seeds). Where
/// several reasons hold, the first in this order counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NotJudged {
    /// Node-to-node messages were lost at random (`network.loss` above 0).
    pub loss_ms: f64,
    /// A node was slowed: a `slow` fault, or work begun while slowed still running.
    pub slow_ms: f64,
    /// No set of up, mutually connected nodes held a Q1 and a Q2: crashes, partitions, cut
    /// links.
    pub no_healthy_set_ms: f64,
    /// No request was pending at the clients that reach the healthy set.
    pub idle_ms: f64,
    /// More requests were pending than [`Bound::max_pending`].
    pub overload_ms: f64,
}

impl NotJudged {
    /// Each reason with its time (ms), in the order of the fields.
    pub fn parts(&self) -> [(&'static str, f64); 5] {
        [
            ("messages lost at random", self.loss_ms),
            ("a node slowed", self.slow_ms),
            (
                "no healthy set (crashes, partitions, cut links)",
                self.no_healthy_set_ms,
            ),
            ("no request pending", self.idle_ms),
            ("overload", self.overload_ms),
        ]
    }

    /// The total (ms).
    pub fn total_ms(&self) -> f64 {
        self.parts().iter().map(|p| p.1).sum()
    }

    /// `f` of each field of `self` and the same field of `o`.
    fn zip(self, o: NotJudged, f: impl Fn(f64, f64) -> f64) -> NotJudged {
        NotJudged {
            loss_ms: f(self.loss_ms, o.loss_ms),
            slow_ms: f(self.slow_ms, o.slow_ms),
            no_healthy_set_ms: f(self.no_healthy_set_ms, o.no_healthy_set_ms),
            idle_ms: f(self.idle_ms, o.idle_ms),
            overload_ms: f(self.overload_ms, o.overload_ms),
        }
    }

    /// Both together.
    pub fn plus(self, o: NotJudged) -> NotJudged {
        self.zip(o, |a, b| a + b)
    }

    /// Each field rounded to whole milliseconds (so that sums over seeds are exact).
    pub fn rounded(self) -> NotJudged {
        self.zip(self, |a, _| a.round())
    }

    /// The reasons with time, largest first, each as `label` and its share of `of_ms`:
    /// "messages lost at random 21 %, a node slowed 14 %" (empty when there are none).
    pub fn describe(&self, of_ms: f64) -> String {
        let mut parts: Vec<_> = self.parts().into_iter().filter(|p| p.1 > 0.0).collect();
        parts.sort_by(|a, b| b.1.total_cmp(&a.1));
        parts
            .iter()
            .map(|(label, t)| format!("{label} {}", share(*t, of_ms)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `part` as a percentage of `of`: "21 %", "< 1 %" for a small non-zero share.
fn share(part: f64, of: f64) -> String {
    let p = part * 100.0 / of.max(1e-9);
    if p > 0.0 && p < 0.5 {
        "< 1 %".to_string()
    } else {
        format!("{p:.0} %")
    }
}

fn ms(t: fpaxos::Time) -> f64 {
    t as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::NotJudged;

    #[test]
    fn the_time_not_judged_is_described_largest_first() {
        let nj = NotJudged {
            loss_ms: 100.0,
            slow_ms: 0.0,
            no_healthy_set_ms: 300.0,
            idle_ms: 2.0,
            overload_ms: 50.0,
        };
        assert_eq!(nj.total_ms(), 452.0);
        assert_eq!(
            nj.describe(1000.0),
            "no healthy set (crashes, partitions, cut links) 30 %, messages lost at random 10 %, \
             overload 5 %, no request pending < 1 %"
        );
        assert_eq!(NotJudged::default().describe(1000.0), "");
        let sum = nj.plus(NotJudged {
            slow_ms: 7.4,
            idle_ms: 0.6,
            ..NotJudged::default()
        });
        assert_eq!((sum.slow_ms, sum.idle_ms, sum.loss_ms), (7.4, 2.6, 100.0));
        let r = sum.rounded();
        assert_eq!((r.slow_ms, r.idle_ms), (7.0, 3.0));
    }
}
