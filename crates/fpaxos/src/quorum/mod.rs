//! Quorum systems: which sets of nodes may complete phase 1 (Q1, leader election) and phase 2
//! (Q2, replication), whether every Q1 meets every Q2, and how many failures each phase survives.
//!
//! Flexible Paxos is safe exactly when every Q1 intersects every Q2; Q1s need not meet each other,
//! nor Q2s. [`QuorumSystem::check_intersection`] proves it or returns a disjoint pair.

use crate::nodeset::{NodeId, NodeSet, MAX_NODES};
use serde::{Deserialize, Serialize};

mod error;
mod shape;
mod spec;

pub use error::{QuorumError, QuorumProblem};
pub use shape::QuorumShape;

/// Largest weight one node may carry in a weighted system.
pub const MAX_WEIGHT: u32 = 1000;
/// Largest cluster for explicit quorum lists (analysis enumerates subsets).
pub const MAX_EXPLICIT_NODES: usize = 20;
/// Most sets in one explicit quorum list.
pub const MAX_EXPLICIT_SETS: usize = 4096;

/// The two phases of Paxos.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Phase {
    /// Phase 1: prepare/promise (leader election).
    One,
    /// Phase 2: accept/accepted (replication).
    Two,
}

/// Which axis of a grid forms the phase-1 quorums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridAxis {
    /// Q1 = a full row, Q2 = a full column.
    #[default]
    Row,
    /// Q1 = a full column, Q2 = a full row.
    Column,
}

/// A quorum system as written in a scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum QuorumSpec {
    /// Strict majorities for both phases: `floor(n/2) + 1`.
    #[default]
    Majority,
    /// Any `q1` nodes for phase 1 and any `q2` nodes for phase 2.
    Counting {
        /// Phase-1 quorum size.
        q1: u32,
        /// Phase-2 quorum size.
        q2: u32,
    },
    /// Nodes laid out row-major in `rows x cols`; a full row for one phase, a full column for the other.
    Grid {
        /// Number of rows.
        rows: u32,
        /// Number of columns.
        cols: u32,
        /// Which axis phase 1 uses (default: rows).
        #[serde(default)]
        q1: GridAxis,
    },
    /// Each node has a weight; a phase needs at least its threshold of total weight.
    Weighted {
        /// One weight per node.
        weights: Vec<u32>,
        /// Phase-1 weight threshold.
        q1: u32,
        /// Phase-2 weight threshold.
        q2: u32,
    },
    /// Explicit lists of quorums (any superset of a listed set is a quorum too).
    Explicit {
        /// Phase-1 quorums.
        q1: Vec<NodeSet>,
        /// Phase-2 quorums.
        q2: Vec<NodeSet>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Counting { q1: usize, q2: usize },
    Sets { q1: Vec<NodeSet>, q2: Vec<NodeSet> },
    Weighted { w: Vec<u32>, q1: u32, q2: u32 },
}

/// A validated quorum system over nodes `0..n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumSystem {
    n: usize,
    kind: Kind,
    shape: QuorumShape,
}

/// Why a quorum system is unsafe: a phase-1 quorum and a phase-2 quorum that share no node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counterexample {
    /// A phase-1 quorum.
    pub q1: NodeSet,
    /// A phase-2 quorum disjoint from `q1`.
    pub q2: NodeSet,
}

/// How many failures each phase survives, whichever nodes fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTolerance {
    /// Largest f such that any f failures still leave a live Q1 (elections work).
    pub elect: usize,
    /// Largest f such that any f failures still leave a live Q2 (replication works).
    pub replicate: usize,
}

impl QuorumSystem {
    /// Validates `spec` for an `n`-node cluster; returns every problem found.
    pub fn new(spec: &QuorumSpec, n: usize) -> Result<QuorumSystem, QuorumError> {
        use QuorumProblem as P;
        let mut errs = Vec::new();
        if n == 0 || n > MAX_NODES {
            return Err(QuorumError(vec![P::ClusterSize { n }]));
        }
        let kind = match spec {
            QuorumSpec::Majority => Kind::Counting {
                q1: n / 2 + 1,
                q2: n / 2 + 1,
            },
            QuorumSpec::Counting { q1, q2 } => {
                for (phase, size) in [(Phase::One, *q1), (Phase::Two, *q2)] {
                    if size == 0 || size as usize > n {
                        errs.push(P::SizeOutOfRange { phase, size, n });
                    }
                }
                Kind::Counting {
                    q1: *q1 as usize,
                    q2: *q2 as usize,
                }
            }
            QuorumSpec::Grid { rows, cols, q1 } => {
                let (r, c) = (*rows as usize, *cols as usize);
                if r == 0 || c == 0 || r.saturating_mul(c) != n {
                    errs.push(P::GridSize {
                        rows: *rows,
                        cols: *cols,
                        n,
                    });
                    Kind::Counting { q1: 1, q2: 1 }
                } else {
                    let row_sets: Vec<NodeSet> = (0..r)
                        .map(|i| NodeSet::from_ids((0..c).map(|j| (i * c + j) as NodeId)))
                        .collect();
                    let col_sets: Vec<NodeSet> = (0..c)
                        .map(|j| NodeSet::from_ids((0..r).map(|i| (i * c + j) as NodeId)))
                        .collect();
                    match q1 {
                        GridAxis::Row => Kind::Sets {
                            q1: row_sets,
                            q2: col_sets,
                        },
                        GridAxis::Column => Kind::Sets {
                            q1: col_sets,
                            q2: row_sets,
                        },
                    }
                }
            }
            QuorumSpec::Weighted { weights, q1, q2 } => {
                if weights.len() != n {
                    errs.push(P::WeightCount {
                        weights: weights.len(),
                        n,
                    });
                }
                if let Some(w) = weights.iter().find(|w| **w > MAX_WEIGHT) {
                    errs.push(P::WeightTooLarge { weight: *w });
                }
                let total: u64 = weights.iter().map(|w| *w as u64).sum();
                for (phase, threshold) in [(Phase::One, *q1), (Phase::Two, *q2)] {
                    if threshold == 0 || threshold as u64 > total {
                        errs.push(P::ThresholdOutOfRange {
                            phase,
                            threshold,
                            total,
                        });
                    }
                }
                Kind::Weighted {
                    w: weights.clone(),
                    q1: *q1,
                    q2: *q2,
                }
            }
            QuorumSpec::Explicit { q1, q2 } => {
                if n > MAX_EXPLICIT_NODES {
                    errs.push(P::ExplicitTooManyNodes { n });
                }
                for (phase, list) in [(Phase::One, q1), (Phase::Two, q2)] {
                    if list.is_empty() {
                        errs.push(P::EmptyList { phase });
                    }
                    if list.len() > MAX_EXPLICIT_SETS {
                        errs.push(P::ListTooLong { phase });
                    }
                    for s in list {
                        if s.is_empty() {
                            errs.push(P::EmptySet { phase });
                        } else if !s.is_subset(NodeSet::all(n)) {
                            errs.push(P::SetOutsideCluster { phase, set: *s, n });
                        }
                    }
                }
                Kind::Sets {
                    q1: q1.clone(),
                    q2: q2.clone(),
                }
            }
        };
        if errs.is_empty() {
            Ok(QuorumSystem {
                n,
                kind,
                shape: QuorumShape::of(spec),
            })
        } else {
            Err(QuorumError(errs))
        }
    }

    /// The kind of system the spec described, with its sizes: what analysis and sweep tables
    /// need without guessing it back from the quorums.
    pub fn shape(&self) -> &QuorumShape {
        &self.shape
    }

    /// Size of the smallest quorum of `phase`.
    pub fn smallest(&self, phase: Phase) -> usize {
        let pick = |a: usize, b: usize| if phase == Phase::One { a } else { b };
        match (&self.shape, &self.kind) {
            (_, Kind::Counting { q1, q2 }) => pick(*q1, *q2),
            (QuorumShape::Grid { rows, cols, q1 }, _) => {
                // A row has `cols` nodes; phase 1 uses rows when `q1` is `Row`.
                let (row, col) = (*cols as usize, *rows as usize);
                match q1 {
                    GridAxis::Row => pick(row, col),
                    GridAxis::Column => pick(col, row),
                }
            }
            (_, Kind::Weighted { w, q1, q2 }) => {
                let need = if phase == Phase::One { *q1 } else { *q2 };
                let mut w = w.clone();
                w.sort_unstable_by(|a, b| b.cmp(a));
                let mut sum = 0u32;
                for (i, x) in w.iter().enumerate() {
                    sum += x;
                    if sum >= need {
                        return i + 1;
                    }
                }
                self.n
            }
            (_, Kind::Sets { q1, q2 }) => {
                let list = if phase == Phase::One { q1 } else { q2 };
                list.iter().map(|s| s.len()).min().unwrap_or(self.n)
            }
        }
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Whether `set` contains a quorum for `phase`.
    #[inline]
    pub fn is_quorum(&self, phase: Phase, set: NodeSet) -> bool {
        match &self.kind {
            Kind::Counting { q1, q2 } => {
                let q = if phase == Phase::One { *q1 } else { *q2 };
                set.len() >= q
            }
            Kind::Sets { q1, q2 } => {
                let list = if phase == Phase::One { q1 } else { q2 };
                list.iter().any(|q| q.is_subset(set))
            }
            Kind::Weighted { w, q1, q2 } => {
                let q = if phase == Phase::One { *q1 } else { *q2 };
                set.iter().map(|i| w[i as usize]).sum::<u32>() >= q
            }
        }
    }

    /// Whether `set` contains a phase-1 quorum.
    pub fn is_q1(&self, set: NodeSet) -> bool {
        self.is_quorum(Phase::One, set)
    }

    /// Whether `set` contains a phase-2 quorum.
    pub fn is_q2(&self, set: NodeSet) -> bool {
        self.is_quorum(Phase::Two, set)
    }

    /// Checks that every Q1 intersects every Q2; otherwise returns a disjoint pair.
    pub fn check_intersection(&self) -> Result<(), Counterexample> {
        let n = self.n;
        match &self.kind {
            Kind::Counting { q1, q2 } => {
                if q1 + q2 > n {
                    Ok(())
                } else {
                    let a = NodeSet::from_ids((0..*q1).map(|i| i as NodeId));
                    let b = NodeSet::from_ids((n - q2..n).map(|i| i as NodeId));
                    Err(Counterexample { q1: a, q2: b })
                }
            }
            Kind::Sets { q1, q2 } => {
                for a in q1 {
                    for b in q2 {
                        if !a.intersects(*b) {
                            return Err(Counterexample { q1: *a, q2: *b });
                        }
                    }
                }
                Ok(())
            }
            Kind::Weighted { w, q1, q2 } => {
                // Is there S with w(S) >= q1 and w(rest) >= q2? Subset-sum over the weights.
                let total: u32 = w.iter().sum();
                let t = total as usize;
                // reach[i][s]: sum s reachable using the first i nodes.
                let mut reach = vec![vec![false; t + 1]; n + 1];
                reach[0][0] = true;
                for i in 0..n {
                    let wi = w[i] as usize;
                    for s in 0..=t {
                        if reach[i][s] {
                            reach[i + 1][s] = true;
                            if s + wi <= t {
                                reach[i + 1][s + wi] = true;
                            }
                        }
                    }
                }
                let target = (0..=t).find(|&s| {
                    reach[n][s] && s as u32 >= *q1 && total.saturating_sub(s as u32) >= *q2
                });
                match target {
                    None => Ok(()),
                    Some(mut s) => {
                        let mut set = NodeSet::EMPTY;
                        for i in (0..n).rev() {
                            if reach[i][s] {
                                continue;
                            }
                            set.insert(i as NodeId);
                            s -= w[i] as usize;
                        }
                        let q1set = self.shrink(Phase::One, set, None);
                        let q2set = self.shrink(Phase::Two, set.complement(n), None);
                        Err(Counterexample {
                            q1: q1set,
                            q2: q2set,
                        })
                    }
                }
            }
        }
    }

    /// Whether every Q1 intersects every Q2.
    pub fn is_safe(&self) -> bool {
        self.check_intersection().is_ok()
    }

    /// Size of the smallest set of nodes that meets every quorum of `phase` (its failure blocks the phase).
    pub fn min_blocking(&self, phase: Phase) -> usize {
        let n = self.n;
        match &self.kind {
            Kind::Counting { q1, q2 } => {
                let q = if phase == Phase::One { *q1 } else { *q2 };
                n + 1 - q
            }
            Kind::Weighted { w, q1, q2 } => {
                let q = if phase == Phase::One { *q1 } else { *q2 };
                let mut ws = w.clone();
                ws.sort_unstable_by(|a, b| b.cmp(a));
                let mut alive: u32 = ws.iter().sum();
                for (k, wi) in ws.iter().enumerate() {
                    if alive < q {
                        return k;
                    }
                    alive -= wi;
                }
                n
            }
            Kind::Sets { q1, q2 } if matches!(self.shape, QuorumShape::Grid { .. }) => {
                // Hitting every row takes one node per row (and likewise for columns).
                if phase == Phase::One {
                    q1.len()
                } else {
                    q2.len()
                }
            }
            Kind::Sets { .. } => {
                // Smallest hitting set by increasing size; n <= MAX_EXPLICIT_NODES.
                for k in 0..=n {
                    if let Some(_s) =
                        subsets_of_size(n, k).find(|s| !self.is_quorum(phase, s.complement(n)))
                    {
                        return k;
                    }
                }
                n
            }
        }
    }

    /// How many arbitrary failures elections and replication survive.
    pub fn fault_tolerance(&self) -> FaultTolerance {
        FaultTolerance {
            elect: self.min_blocking(Phase::One).saturating_sub(1),
            replicate: self.min_blocking(Phase::Two).saturating_sub(1),
        }
    }

    /// Removes members of `set` (never `keep`) while it still contains a quorum of `phase`.
    pub fn shrink(&self, phase: Phase, set: NodeSet, keep: Option<NodeId>) -> NodeSet {
        let mut s = set;
        for i in set.to_vec().into_iter().rev() {
            if Some(i) == keep {
                continue;
            }
            let t = s.without(i);
            if self.is_quorum(phase, t) {
                s = t;
            }
        }
        s
    }

    /// A small quorum of `phase` for a thrifty leader: it contains `leader` when possible,
    /// avoids `exclude`, and prefers nodes in `prefer` order. `None` if no quorum avoids `exclude`.
    pub fn pick(
        &self,
        phase: Phase,
        leader: NodeId,
        prefer: impl IntoIterator<Item = NodeId>,
        exclude: NodeSet,
    ) -> Option<NodeSet> {
        let allowed = NodeSet::all(self.n)
            .and(exclude.complement(self.n))
            .with(leader);
        if let Kind::Sets { q1, q2 } = &self.kind {
            let list = if phase == Phase::One { q1 } else { q2 };
            return list
                .iter()
                .filter(|q| q.is_subset(allowed))
                .min_by_key(|q| (!q.contains(leader), q.len()))
                .copied();
        }
        let mut s = NodeSet::single(leader);
        if !self.is_quorum(phase, s) {
            for i in prefer {
                if allowed.contains(i) && !s.contains(i) {
                    s.insert(i);
                    if self.is_quorum(phase, s) {
                        break;
                    }
                }
            }
        }
        if self.is_quorum(phase, s) {
            Some(self.shrink(phase, s, Some(leader)))
        } else {
            None
        }
    }

    /// The minimal quorums of `phase` (no proper subset is a quorum). Meant for small clusters:
    /// returns `None` when `n > 20`.
    pub fn minimal_quorums(&self, phase: Phase) -> Option<Vec<NodeSet>> {
        if self.n > 20 {
            return None;
        }
        let n = self.n;
        let mut out = Vec::new();
        for mask in 1u64..(1u64 << n) {
            let s = NodeSet(mask);
            if self.is_quorum(phase, s) && s.iter().all(|i| !self.is_quorum(phase, s.without(i))) {
                out.push(s);
            }
        }
        Some(out)
    }
}

/// All subsets of `0..n` with exactly `k` members, in increasing mask order.
pub fn subsets_of_size(n: usize, k: usize) -> impl Iterator<Item = NodeSet> {
    // Gosper's hack over n-bit masks.
    let limit: u128 = 1u128 << n;
    let mut cur: u128 = if k == 0 { 0 } else { (1u128 << k) - 1 };
    let mut done = k > n;
    std::iter::from_fn(move || {
        if done || cur >= limit {
            return None;
        }
        let out = NodeSet(cur as u64);
        if cur == 0 {
            done = true;
        } else {
            let c = cur & cur.wrapping_neg();
            let r = cur + c;
            cur = (((r ^ cur) >> 2) / c) | r;
        }
        Some(out)
    })
}

#[cfg(test)]
mod tests;
