//! The liveness monitor: told of every request issued and completed and of every fault, it
//! finds the healthy set (live, normal-speed, mutually connected nodes holding a Q1 and a Q2),
//! runs the obligation clock, and records stalls and unavailable time. It never schedules an
//! event, so it cannot change a run.

use super::healthy::{healthy_set, Topology};
use super::{ms, Bound, FaultRecovery, Liveness, NotJudged, Stall, MAX_LISTED};
use fpaxos::{NodeSet, QuorumSystem, Time};
use std::sync::Arc;

/// The current healthy set and what it implies.
#[derive(Clone, Copy, Debug)]
struct Healthy {
    nodes: NodeSet,
    q1: NodeSet,
    q2: NodeSet,
    /// The bound for this set.
    bound: Time,
    /// Client homes (node ids) whose clients can reach the set.
    homes: u64,
}

/// Whether the rule applies now and, if not, why: the first reason that holds, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    Applies,
    Loss,
    Slow,
    NoHealthySet,
    Idle,
    Overload,
}

/// A cluster the monitor will observe later, when the work begun while slowed is done.
#[derive(Clone, Debug)]
struct Deferred {
    at: Time,
    up: NodeSet,
    lossy: bool,
    partition: Vec<u64>,
    cut: Vec<u64>,
}

/// See the module docs.
#[derive(Clone, Debug)]
pub(crate) struct Monitor {
    bound: Bound,
    quorums: Arc<QuorumSystem>,
    n: usize,
    healthy: Option<Healthy>,
    /// Requests pending, by the client's home node (`client % n`).
    pending_by_home: Vec<u64>,
    pending: u64,
    /// Requests pending at clients that can reach the healthy set.
    reachable: u64,
    /// Start of the current obligation: nothing completed since then.
    clock: Time,
    /// Why there is no healthy set (as of the last observation), when there is none.
    blind: Why,
    /// Why the rule applies or not, since `why_since` (the rule applies: healthy set and
    /// reachable requests, not too many).
    why: Why,
    why_since: Time,
    /// Time spent so far, indexed by `Why` (the stretch since `why_since` not included).
    spent: [Time; 6],
    stalls: Vec<Stall>,
    /// Start of the current stretch with requests pending and no completion.
    gap_since: Option<Time>,
    unavailable: Vec<(Time, Time)>,
    unavailable_total: Time,
    faults: Vec<FaultRecovery>,
    /// Faults from this index on still wait for their first completion.
    waiting: usize,
    /// The latest completion.
    last: Option<Time>,
    /// The observation due when slow work ends: applied by the first call at or after its time
    /// (nothing reaches the monitor in between, so observing then is exact).
    deferred: Option<Box<Deferred>>,
}

impl Monitor {
    pub fn new(n: usize, bound: Bound, quorums: Arc<QuorumSystem>) -> Monitor {
        Monitor {
            bound,
            quorums,
            n: n.max(1),
            healthy: None,
            pending_by_home: vec![0; n.max(1)],
            pending: 0,
            reachable: 0,
            clock: 0,
            blind: Why::NoHealthySet,
            why: Why::NoHealthySet,
            why_since: 0,
            spent: [0; 6],
            stalls: Vec::new(),
            gap_since: None,
            unavailable: Vec::new(),
            unavailable_total: 0,
            faults: Vec::new(),
            waiting: 0,
            last: None,
            deferred: None,
        }
    }

    /// The bound this monitor holds the run to.
    pub fn bound(&self) -> &Bound {
        &self.bound
    }

    /// When the latest request completed.
    pub fn last_completion(&self) -> Option<Time> {
        self.last
    }

    fn home(&self, client: u32) -> usize {
        client as usize % self.n
    }

    fn reaches(&self, home: usize) -> bool {
        self.healthy.is_some_and(|h| h.homes >> home & 1 == 1)
    }

    /// A client issued a request.
    #[inline]
    pub fn issued(&mut self, now: Time, client: u32) {
        self.catch_up(now);
        let home = self.home(client);
        self.pending_by_home[home] += 1;
        self.pending += 1;
        if self.pending == 1 {
            self.gap_since = Some(now);
        }
        if self.reaches(home) {
            self.reachable += 1;
            if self.reachable == 1 || self.reachable == self.bound.max_pending.saturating_add(1) {
                self.update_active(now);
            }
        }
    }

    /// A client got the reply to a pending request.
    #[inline]
    pub fn completed(&mut self, now: Time, client: u32) {
        self.catch_up(now);
        self.settle(now, || "commit".to_string());
        if let Some(g) = self.gap_since {
            self.gap(g, now);
        }
        let home = self.home(client);
        self.pending_by_home[home] = self.pending_by_home[home].saturating_sub(1);
        self.pending = self.pending.saturating_sub(1);
        self.gap_since = (self.pending > 0).then_some(now);
        if self.reaches(home) {
            self.reachable = self.reachable.saturating_sub(1);
        }
        self.clock = now;
        self.last = Some(now);
        self.update_active(now);
        for f in &mut self.faults[self.waiting..] {
            f.first_commit_ms = Some(ms(now));
        }
        self.waiting = self.faults.len();
    }

    /// A fault happened; `topo` is the cluster after it.
    pub fn fault(&mut self, now: Time, what: String, topo: &Topology<'_>) {
        self.catch_up(now);
        self.settle(now, || format!("fault: {what}"));
        if self.faults.len() < MAX_LISTED {
            self.faults.push(FaultRecovery {
                at_ms: ms(now),
                fault: what,
                first_commit_ms: None,
            });
        }
        self.observe(now, topo);
    }

    /// Finds the healthy set of `topo` (at the start of a run, and after every fault) and
    /// restarts the obligation clock.
    ///
    /// A node that was slowed counts as slowed until it has done the work it began while
    /// slowed (`slow_work_until`); then the monitor observes the cluster again.
    pub fn observe(&mut self, now: Time, topo: &Topology<'_>) {
        let settling = topo.slow_work_until > now;
        self.deferred = (settling && topo.slowed.is_empty()).then(|| {
            Box::new(Deferred {
                at: topo.slow_work_until,
                up: topo.up,
                lossy: topo.lossy,
                partition: topo.partition.to_vec(),
                cut: topo.cut.to_vec(),
            })
        });
        let found = if settling {
            None
        } else {
            healthy_set(&self.quorums, self.n, topo)
        };
        self.blind = if topo.lossy {
            Why::Loss
        } else if settling || !topo.slowed.is_empty() {
            Why::Slow
        } else {
            Why::NoHealthySet
        };
        self.healthy = found.map(|(nodes, q1, q2)| {
            let outside = self.n - nodes.len();
            // A client sits beside its home node; a partition cuts it off like that node.
            let homes = (0..self.n)
                .filter(|h| topo.partition.get(*h).is_some_and(|p| p & nodes.0 == 0))
                .fold(0u64, |m, h| m | 1 << h);
            Healthy {
                nodes,
                q1,
                q2,
                bound: self.bound.total(outside),
                homes,
            }
        });
        self.reachable = (0..self.n)
            .filter(|h| self.reaches(*h))
            .map(|h| self.pending_by_home[h])
            .sum();
        self.clock = now;
        self.update_active(now);
    }

    /// Applies a deferred observation that is due by `now`, at its own time.
    #[inline]
    fn catch_up(&mut self, now: Time) {
        if self.deferred.as_ref().is_some_and(|d| d.at <= now) {
            let d = self.deferred.take().expect("checked above");
            let topo = Topology {
                up: d.up,
                slowed: NodeSet::EMPTY,
                slow_work_until: 0,
                lossy: d.lossy,
                partition: &d.partition,
                cut: &d.cut,
            };
            self.observe(d.at, &topo);
        }
    }

    /// Why the rule applies or not now.
    fn why_now(&self) -> Why {
        match self.healthy {
            None => self.blind,
            Some(_) if self.reachable == 0 => Why::Idle,
            Some(_) if self.reachable > self.bound.max_pending => Why::Overload,
            Some(_) => Why::Applies,
        }
    }

    /// Called on every change of the healthy set or of the reachable requests' count across 0 or
    /// `max_pending` (the only changes that can change the rule's applying).
    fn update_active(&mut self, now: Time) {
        let why = self.why_now();
        if why == self.why {
            return;
        }
        if self.why == Why::Applies {
            // Only an issue can end the rule with the clock still running: overload.
            let limit = self.bound.max_pending;
            self.settle(now, || {
                format!("overload: more than {limit} requests pending")
            });
        }
        self.spent[self.why as usize] += now.saturating_sub(self.why_since);
        self.why = why;
        self.why_since = now;
        if why == Why::Applies {
            self.clock = now;
        }
    }

    /// Records a stall if the obligation running until `now` broke the bound.
    fn settle(&mut self, now: Time, ended_by: impl FnOnce() -> String) {
        if let Some(stall) = self.stall_at(now, ended_by) {
            if self.stalls.len() < MAX_LISTED {
                self.stalls.push(stall);
            }
        }
    }

    fn stall_at(&self, now: Time, ended_by: impl FnOnce() -> String) -> Option<Stall> {
        let h = self.healthy?;
        if self.why != Why::Applies {
            return None;
        }
        let waited = now.saturating_sub(self.clock);
        if waited <= h.bound {
            return None;
        }
        let ids = |s: NodeSet| s.iter().map(u32::from).collect::<Vec<u32>>();
        let outside = self.n - h.nodes.len();
        Some(Stall {
            from_ms: ms(self.clock),
            to_ms: ms(now),
            bound_ms: ms(h.bound),
            nodes: ids(h.nodes),
            q1: ids(h.q1),
            q2: ids(h.q2),
            ended_by: ended_by(),
            why: format!(
                "nodes {:?} were up, at normal speed and connected both ways, holding Q1 {:?} and Q2 {:?}; {} requests were pending at clients that reach them; no request completed for {:.1} ms, over the bound of {}",
                ids(h.nodes),
                ids(h.q1),
                ids(h.q2),
                self.reachable,
                ms(waited),
                self.bound.explain(outside),
            ),
            during: String::new(),
            causes: Vec::new(),
        })
    }

    fn gap(&mut self, from: Time, to: Time) {
        if to - from > self.bound.unavailable_after {
            self.unavailable_total += to - from;
            if self.unavailable.len() < MAX_LISTED {
                self.unavailable.push((from, to));
            }
        }
    }

    /// The liveness section for the run up to `upto` (the run may go on: nothing is consumed).
    pub fn finish(&self, upto: Time) -> Liveness {
        if self.deferred.as_ref().is_some_and(|d| d.at <= upto) {
            let mut due = self.clone();
            due.catch_up(upto);
            return due.finish(upto);
        }
        let mut stalls = self.stalls.clone();
        if stalls.len() < MAX_LISTED {
            stalls.extend(self.stall_at(upto, || "end of run".to_string()));
        }
        let mut unavailable = self.unavailable.clone();
        let mut unavailable_total = self.unavailable_total;
        if let Some(g) = self.gap_since {
            if upto.saturating_sub(g) > self.bound.unavailable_after {
                unavailable_total += upto - g;
                if unavailable.len() < MAX_LISTED {
                    unavailable.push((g, upto));
                }
            }
        }
        let mut spent = self.spent;
        spent[self.why as usize] += upto.saturating_sub(self.why_since);
        let at = |w: Why| ms(spent[w as usize]);
        Liveness {
            ok: stalls.is_empty(),
            bound_ms: ms(self.bound.total(0)),
            judged_ms: at(Why::Applies),
            not_judged: NotJudged {
                loss_ms: at(Why::Loss),
                slow_ms: at(Why::Slow),
                no_healthy_set_ms: at(Why::NoHealthySet),
                idle_ms: at(Why::Idle),
                overload_ms: at(Why::Overload),
            },
            stalls,
            unavailable_ms: ms(unavailable_total),
            unavailable: unavailable
                .into_iter()
                .map(|(a, b)| (ms(a), ms(b)))
                .collect(),
            elections: Vec::new(),
            after_faults: self.faults.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liveness::healthy::fixtures::{majority, topo};

    fn monitor() -> Monitor {
        let s = crate::Scenario::default();
        let bound = Bound::new(&s);
        Monitor::new(5, bound, Arc::new(majority(5)))
    }

    #[test]
    fn a_stall_is_recorded_once_the_bound_passes_and_a_commit_ends_it() {
        let none = [0u64; 5];
        let mut m = monitor();
        let bound = m.bound.total(0);
        m.observe(0, &topo(0b11111, &none, &none));
        m.issued(0, 0);
        m.completed(bound / 2, 0);
        m.issued(bound / 2, 0);
        assert!(m.finish(bound).ok, "within the bound");
        let late = bound / 2 + bound + 1;
        let open = m.finish(late);
        assert!(!open.ok);
        assert_eq!(open.stalls[0].ended_by, "end of run");
        m.completed(late, 0);
        let l = m.finish(late + 1);
        assert_eq!(l.stalls.len(), 1);
        assert_eq!(l.stalls[0].ended_by, "commit");
        assert_eq!(l.stalls[0].nodes, vec![0, 1, 2, 3, 4]);
        assert!(
            l.stalls[0].why.contains("no request completed"),
            "{}",
            l.stalls[0].why
        );
        assert!(l.unavailable_ms > 0.0);
        assert!((l.judged_ms - ms(late)).abs() < 1e-6);
    }

    #[test]
    fn nothing_is_owed_without_a_healthy_set_or_pending_requests() {
        let none = [0u64; 5];
        let mut m = monitor();
        let bound = m.bound.total(0);
        // Two up of five: no majority.
        m.observe(0, &topo(0b00011, &none, &none));
        m.issued(0, 0);
        let l = m.finish(10 * bound);
        assert!(l.ok && l.judged_ms == 0.0);
        assert!(l.unavailable_ms > 0.0, "unavailable all the same");
        // Healthy, but nothing pending.
        let mut m = monitor();
        m.observe(0, &topo(0b11111, &none, &none));
        assert!(m.finish(10 * bound).ok);
        // A fault restarts the clock and is listed with its first commit.
        let mut m = monitor();
        m.observe(0, &topo(0b11111, &none, &none));
        m.issued(0, 1);
        m.fault(bound, "crash node 4".into(), &topo(0b01111, &none, &none));
        m.completed(bound + bound / 2, 1);
        let l = m.finish(2 * bound);
        assert!(l.ok, "{:?}", l.stalls);
        assert_eq!(l.after_faults.len(), 1);
        assert_eq!(
            l.after_faults[0].first_commit_ms,
            Some(ms(bound + bound / 2))
        );
    }

    #[test]
    fn a_node_counts_as_slowed_until_its_slow_work_is_done() {
        let none = [0u64; 5];
        let mut m = monitor();
        let bound = m.bound.total(0);
        // The slow fault ends at `bound`, but node 1's slow work runs until 3 x bound.
        let settling = Topology {
            slow_work_until: 3 * bound,
            ..topo(0b11111, &none, &none)
        };
        m.observe(0, &topo(0b11111, &none, &none));
        m.fault(bound, "slow node 1 x1".into(), &settling);
        m.issued(bound, 0);
        let l = m.finish(3 * bound);
        assert!(l.ok && l.judged_ms == 0.0, "not judged while settling");
        assert_eq!(
            l.not_judged.slow_ms,
            ms(2 * bound),
            "settling counts as slowed"
        );
        assert_eq!(l.not_judged.idle_ms, ms(bound));
        // From 3 x bound on the rule applies again: a stall once the bound has passed since then.
        assert!(
            m.finish(4 * bound).ok,
            "within the bound of the slow work's end"
        );
        let late = m.finish(4 * bound + 1);
        assert!(!late.ok, "a stall from the slow work's end");
        assert_eq!(late.stalls[0].from_ms, ms(3 * bound));
        // A call after that time applies the deferred observation at its own time.
        m.issued(5 * bound, 1);
        let l = m.finish(5 * bound);
        assert_eq!(l.stalls.len(), 1);
        assert_eq!(l.stalls[0].from_ms, ms(3 * bound));
        assert!((l.judged_ms - ms(2 * bound)).abs() < 1e-6);
        // A fault before then replaces the deferred observation.
        let mut m = monitor();
        m.observe(0, &topo(0b11111, &none, &none));
        m.fault(bound, "slow node 1 x1".into(), &settling);
        m.issued(bound, 0);
        m.fault(
            2 * bound,
            "crash node 4".into(),
            &topo(0b00011, &none, &none),
        );
        assert!(m.finish(10 * bound).ok, "no majority up after the crash");
    }

    #[test]
    fn the_time_the_rule_did_not_apply_is_counted_by_reason() {
        let none = [0u64; 5];
        let mut m = monitor();
        let max = m.bound.max_pending;
        let t = 1_000_000; // 1 ms
        m.observe(0, &topo(0b11111, &none, &none));
        // 0-1 ms idle, 1-2 ms judged, 2-3 ms overload, 3-4 ms judged.
        m.issued(t, 0);
        for _ in 0..max {
            m.issued(2 * t, 0);
        }
        m.completed(3 * t, 0);
        // 4-5 ms messages lost (a slowed node as well: loss counts first), 5-6 ms slowed, 6-7
        // ms two of five up, then judged again until 8 ms.
        let lossy = Topology {
            lossy: true,
            slowed: NodeSet(0b1),
            ..topo(0b11111, &none, &none)
        };
        m.fault(4 * t, "loss 0.1".into(), &lossy);
        let slowed = Topology {
            slowed: NodeSet(0b1),
            ..topo(0b11111, &none, &none)
        };
        m.fault(5 * t, "loss 0".into(), &slowed);
        m.fault(6 * t, "crash".into(), &topo(0b00011, &none, &none));
        m.fault(7 * t, "recover".into(), &topo(0b11111, &none, &none));
        let l = m.finish(8 * t);
        assert_eq!(l.judged_ms, 3.0, "{l:?}");
        assert_eq!(
            l.not_judged,
            NotJudged {
                loss_ms: 1.0,
                slow_ms: 1.0,
                no_healthy_set_ms: 1.0,
                idle_ms: 1.0,
                overload_ms: 1.0,
            }
        );
        assert_eq!(
            l.not_judged.describe(8.0),
            "messages lost at random 12 %, a node slowed 12 %, no healthy set (crashes, \
             partitions, cut links) 12 %, no request pending 12 %, overload 12 %"
        );
        // The report so far counts the stretch still running.
        assert_eq!(m.finish(9 * t).judged_ms, 4.0);
    }

    #[test]
    fn clients_cut_off_with_their_home_owe_nothing() {
        // Partition {0} | {1,2,3,4}: client 0 lives beside node 0 and cannot reach the majority.
        let mut part = [0u64; 5];
        part[0] = 0b11110;
        for p in part.iter_mut().skip(1) {
            *p = 1;
        }
        let none = [0u64; 5];
        let mut m = monitor();
        let bound = m.bound.total(0);
        m.observe(0, &topo(0b11111, &part, &none));
        m.issued(0, 0);
        assert!(m.finish(10 * bound).ok);
        m.issued(0, 1);
        assert!(!m.finish(10 * bound).ok, "client 1 lives beside node 1");
    }
}
