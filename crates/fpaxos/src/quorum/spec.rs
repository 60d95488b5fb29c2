//! A quorum spec as written: constructors, the command-line form and its label.

use super::{GridAxis, QuorumSpec};
use crate::nodeset::{NodeId, NodeSet};

impl QuorumSpec {
    /// A `rows` x `cols` grid whose phase-1 quorums lie along `q1`.
    pub fn grid(rows: u32, cols: u32, q1: GridAxis) -> QuorumSpec {
        QuorumSpec::Grid { rows, cols, q1 }
    }

    /// Weighted quorums: one weight per node, and the total weight a phase-1 (`q1`) and a
    /// phase-2 (`q2`) quorum must reach.
    pub fn weighted(weights: &[u32], q1: u32, q2: u32) -> QuorumSpec {
        QuorumSpec::Weighted {
            weights: weights.to_vec(),
            q1,
            q2,
        }
    }

    /// Explicit lists of quorums, each given by its node ids.
    pub fn explicit(q1: &[&[NodeId]], q2: &[&[NodeId]]) -> QuorumSpec {
        let sets = |l: &[&[NodeId]]| {
            l.iter()
                .map(|q| NodeSet::from_ids(q.iter().copied()))
                .collect()
        };
        QuorumSpec::Explicit {
            q1: sets(q1),
            q2: sets(q2),
        }
    }

    /// Parses the command-line form: `majority`, `Q1,Q2`, `grid:RxC` (or `grid:RxC:col`).
    pub fn parse_cli(s: &str) -> Result<QuorumSpec, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("majority") {
            return Ok(QuorumSpec::Majority);
        }
        if let Some(rest) = s.strip_prefix("grid:") {
            let (dims, axis) = match rest.split_once(':') {
                Some((d, "col" | "column")) => (d, GridAxis::Column),
                Some((d, "row")) => (d, GridAxis::Row),
                Some((_, other)) => {
                    return Err(format!("grid axis must be `row` or `col`, not `{other}`"))
                }
                None => (rest, GridAxis::Row),
            };
            let (r, c) = dims
                .split_once(['x', 'X'])
                .ok_or_else(|| format!("grid must look like grid:3x4, not `{s}`"))?;
            let rows = r
                .trim()
                .parse()
                .map_err(|_| format!("bad grid rows `{r}`"))?;
            let cols = c
                .trim()
                .parse()
                .map_err(|_| format!("bad grid columns `{c}`"))?;
            return Ok(QuorumSpec::grid(rows, cols, axis));
        }
        if let Some((a, b)) = s.split_once([',', '/']) {
            let q1 = a.trim().parse().map_err(|_| format!("bad Q1 size `{a}`"))?;
            let q2 = b.trim().parse().map_err(|_| format!("bad Q2 size `{b}`"))?;
            return Ok(QuorumSpec::Counting { q1, q2 });
        }
        Err(format!(
            "unknown quorum `{s}`: use `majority`, `Q1,Q2` (e.g. 4,2) or `grid:RxC`"
        ))
    }

    /// The form [`QuorumSpec::parse_cli`] reads back (`majority`, `4,2`, `grid:5x4`,
    /// `grid:5x4:col`); `None` for weights and explicit lists, which have no command-line form.
    pub fn to_cli(&self) -> Option<String> {
        match self {
            QuorumSpec::Majority => Some("majority".into()),
            QuorumSpec::Counting { q1, q2 } => Some(format!("{q1},{q2}")),
            QuorumSpec::Grid { rows, cols, q1 } => Some(match q1 {
                GridAxis::Row => format!("grid:{rows}x{cols}"),
                GridAxis::Column => format!("grid:{rows}x{cols}:col"),
            }),
            QuorumSpec::Weighted { .. } | QuorumSpec::Explicit { .. } => None,
        }
    }

    /// Short human description, e.g. `Q1=4 Q2=2`.
    pub fn label(&self, n: usize) -> String {
        match self {
            QuorumSpec::Majority => format!("majority ({}/{})", n / 2 + 1, n / 2 + 1),
            QuorumSpec::Counting { q1, q2 } => format!("Q1={q1} Q2={q2}"),
            QuorumSpec::Grid { rows, cols, q1 } => match q1 {
                GridAxis::Row => format!("grid {rows}x{cols} (Q1 row, Q2 column)"),
                GridAxis::Column => format!("grid {rows}x{cols} (Q1 column, Q2 row)"),
            },
            QuorumSpec::Weighted { q1, q2, .. } => format!("weighted Q1>={q1} Q2>={q2}"),
            QuorumSpec::Explicit { q1, q2 } => {
                format!("explicit ({} Q1 sets, {} Q2 sets)", q1.len(), q2.len())
            }
        }
    }
}
