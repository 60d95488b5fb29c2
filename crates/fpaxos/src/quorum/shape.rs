//! The shape a quorum system was built from, kept so analysis and tables read it directly.

use super::{GridAxis, QuorumSpec};
use serde::Serialize;

/// The kind of a quorum system and the sizes that define it, kept from the spec so nothing has
/// to rebuild candidate systems to guess it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuorumShape {
    /// Strict majorities (`floor(n/2) + 1` for both phases).
    Majority,
    /// Any `q1` nodes for phase 1, any `q2` for phase 2.
    Counting {
        /// Phase-1 quorum size.
        q1: usize,
        /// Phase-2 quorum size.
        q2: usize,
    },
    /// Rows and columns of a `rows x cols` grid.
    Grid {
        /// Number of rows.
        rows: u32,
        /// Number of columns.
        cols: u32,
        /// Which axis phase 1 uses.
        q1: GridAxis,
    },
    /// Weight thresholds.
    Weighted,
    /// Explicit lists of quorums.
    Explicit,
}

impl QuorumShape {
    pub(super) fn of(spec: &QuorumSpec) -> QuorumShape {
        match spec {
            QuorumSpec::Majority => QuorumShape::Majority,
            QuorumSpec::Counting { q1, q2 } => QuorumShape::Counting {
                q1: *q1 as usize,
                q2: *q2 as usize,
            },
            // `QuorumSystem::new` has refused a grid whose size is not `n`.
            QuorumSpec::Grid { rows, cols, q1 } => QuorumShape::Grid {
                rows: *rows,
                cols: *cols,
                q1: *q1,
            },
            QuorumSpec::Weighted { .. } => QuorumShape::Weighted,
            QuorumSpec::Explicit { .. } => QuorumShape::Explicit,
        }
    }

    /// The kind's name: `majority`, `counting`, `grid`, `weighted` or `explicit`.
    pub fn name(&self) -> &'static str {
        match self {
            QuorumShape::Majority => "majority",
            QuorumShape::Counting { .. } => "counting",
            QuorumShape::Grid { .. } => "grid",
            QuorumShape::Weighted => "weighted",
            QuorumShape::Explicit => "explicit",
        }
    }
}
