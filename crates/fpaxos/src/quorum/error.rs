//! Why a quorum spec does not fit its cluster: typed problems, each printed as one sentence.

use super::{Phase, MAX_EXPLICIT_NODES, MAX_EXPLICIT_SETS, MAX_WEIGHT};
use crate::nodeset::{NodeSet, MAX_NODES};

/// Every reason a quorum spec does not fit its cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumError(pub Vec<QuorumProblem>);

impl QuorumError {
    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[QuorumProblem] {
        &self.0
    }
}

impl std::fmt::Display for QuorumError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for QuorumError {}

/// One reason a quorum spec does not fit its cluster; each prints as one sentence that says
/// what the value must be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuorumProblem {
    /// The cluster size is outside `1..=MAX_NODES`.
    ClusterSize {
        /// The cluster size given.
        n: usize,
    },
    /// A counting quorum size is outside `1..=n`.
    SizeOutOfRange {
        /// Which phase.
        phase: Phase,
        /// The size given.
        size: u32,
        /// Cluster size.
        n: usize,
    },
    /// `rows x cols` is not the cluster size.
    GridSize {
        /// Rows given.
        rows: u32,
        /// Columns given.
        cols: u32,
        /// Cluster size.
        n: usize,
    },
    /// The weight list does not have one weight per node.
    WeightCount {
        /// Weights given.
        weights: usize,
        /// Cluster size.
        n: usize,
    },
    /// A weight is above [`MAX_WEIGHT`].
    WeightTooLarge {
        /// The weight.
        weight: u32,
    },
    /// A weight threshold is outside `1..=total`.
    ThresholdOutOfRange {
        /// Which phase.
        phase: Phase,
        /// The threshold given.
        threshold: u32,
        /// Total weight.
        total: u64,
    },
    /// Explicit lists on a cluster above [`MAX_EXPLICIT_NODES`].
    ExplicitTooManyNodes {
        /// Cluster size.
        n: usize,
    },
    /// An explicit list is empty.
    EmptyList {
        /// Which phase.
        phase: Phase,
    },
    /// An explicit list is above [`MAX_EXPLICIT_SETS`] sets.
    ListTooLong {
        /// Which phase.
        phase: Phase,
    },
    /// An explicit list holds the empty set.
    EmptySet {
        /// Which phase.
        phase: Phase,
    },
    /// An explicit set names a node outside the cluster.
    SetOutsideCluster {
        /// Which phase.
        phase: Phase,
        /// The set.
        set: NodeSet,
        /// Cluster size.
        n: usize,
    },
}

impl std::fmt::Display for QuorumProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = |p: &Phase| if *p == Phase::One { "Q1" } else { "Q2" };
        match self {
            QuorumProblem::ClusterSize { n } => {
                write!(f, "cluster size must be 1..={MAX_NODES}, got {n}")
            }
            QuorumProblem::SizeOutOfRange { phase, size, n } => write!(
                f,
                "{} size must be between 1 and {n}, got {size}",
                q(phase)
            ),
            QuorumProblem::GridSize { rows, cols, n } => write!(
                f,
                "a {rows}x{cols} grid needs {} nodes, but the cluster has {n}",
                (*rows as usize).saturating_mul(*cols as usize)
            ),
            QuorumProblem::WeightCount { weights, n } => write!(
                f,
                "weighted quorums need one weight per node: {weights} weights for {n} nodes"
            ),
            QuorumProblem::WeightTooLarge { weight } => {
                write!(f, "node weights must be at most {MAX_WEIGHT}, got {weight}")
            }
            QuorumProblem::ThresholdOutOfRange {
                phase,
                threshold,
                total,
            } => write!(
                f,
                "{} weight threshold must be between 1 and the total weight {total}, got {threshold}",
                q(phase)
            ),
            QuorumProblem::ExplicitTooManyNodes { n } => write!(
                f,
                "explicit quorum lists support at most {MAX_EXPLICIT_NODES} nodes, got {n}"
            ),
            QuorumProblem::EmptyList { phase } => {
                write!(f, "explicit {} list is empty", q(phase))
            }
            QuorumProblem::ListTooLong { phase } => write!(
                f,
                "explicit {} list is too long (at most {MAX_EXPLICIT_SETS} sets)",
                q(phase)
            ),
            QuorumProblem::EmptySet { phase } => {
                write!(f, "explicit {} list holds an empty set", q(phase))
            }
            QuorumProblem::SetOutsideCluster { phase, set, n } => write!(
                f,
                "explicit {} set {set} names a node outside 0..{n}",
                q(phase)
            ),
        }
    }
}
