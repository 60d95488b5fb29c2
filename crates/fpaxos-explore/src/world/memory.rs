//! What the world's tables hold and how they grow, for the memory budget (`--max-memory`).

use super::memo::DELIVER_AT;
use super::World;
use crate::fp::{table_bytes, FpMap};

/// How a table of [`World::memory_parts`] grows, for the growth the memory budget reserves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Growth {
    /// A vector: growing, it doubles, adding its bytes again.
    Doubles,
    /// A hash map: growing, it holds a table twice as large beside the old one.
    Rehashes,
    /// Many small vectors (a step's, a node state's bits), counted together; not reserved:
    /// each is small.
    Pieces,
    /// Many vectors counted together (the memo's rows), each of which holds at most this many
    /// bytes: growing, one of them may hold that much beside its old allocation.
    PiecesUpTo(u64),
    /// Allocated whole when the world is made, and never grown.
    Fixed,
}

impl Growth {
    /// The bytes a table of `bytes` that grows this way may add at once when it next grows.
    pub(crate) fn reserve(self, bytes: u64) -> u64 {
        match self {
            Growth::Doubles => bytes,
            Growth::Rehashes => 2 * bytes,
            Growth::PiecesUpTo(most) => most,
            Growth::Pieces | Growth::Fixed => 0,
        }
    }
}

pub(super) fn vec_bytes<T>(v: &Vec<T>) -> u64 {
    (v.capacity() * std::mem::size_of::<T>()) as u64
}

fn map_bytes<K, V>(m: &FpMap<K, V>) -> u64 {
    table_bytes(m.capacity(), std::mem::size_of::<(K, V)>())
}

impl World {
    /// Bytes the interned tables and memoised steps hold: the sum of [`World::memory_parts`].
    pub(crate) fn memory_bytes(&self) -> u64 {
        self.memory_parts().iter().map(|&(_, bytes, _)| bytes).sum()
    }

    /// The bytes of [`World::memory_bytes`], table by table, as `(name, bytes, how it grows)`.
    /// Node states count their inline size only: their own vectors are small and the nodes few
    /// (thousands, against millions of steps).
    #[inline(always)] // Folded into its sums, which the budget reads for every new state.
    pub(crate) fn memory_parts(&self) -> [(&'static str, u64, Growth); 23] {
        use Growth::{Doubles, Fixed, Pieces, PiecesUpTo, Rehashes};
        [
            ("node states", vec_bytes(&self.nodes), Doubles),
            ("roles", vec_bytes(&self.roles), Doubles),
            ("node parts", vec_bytes(&self.node_parts), Doubles),
            ("armed parts", vec_bytes(&self.armed_parts), Fixed),
            ("node ids", map_bytes(&self.node_ids), Rehashes),
            ("envelopes", vec_bytes(&self.envs), Doubles),
            ("envelope parts", vec_bytes(&self.env_parts), Doubles),
            ("envelope destinations", vec_bytes(&self.env_to), Doubles),
            ("envelope ids", map_bytes(&self.env_ids), Rehashes),
            ("values", vec_bytes(&self.values), Doubles),
            ("value ids", map_bytes(&self.value_ids), Rehashes),
            ("value images", vec_bytes(&self.value_images), Doubles),
            ("steps", vec_bytes(&self.steps), Doubles),
            ("steps' vectors", self.step_heap, Pieces),
            ("memo", vec_bytes(&self.steps_of), Doubles),
            (
                "memo rows",
                self.rows_heap,
                PiecesUpTo(self.row_bytes_at_most()),
            ),
            ("envelope slots", vec_bytes(&self.env_slot), Doubles),
            ("quiet", vec_bytes(&self.quiet), Doubles),
            ("settled", vec_bytes(&self.settled), Doubles),
            ("firing elections", vec_bytes(&self.fire_elections), Doubles),
            ("network marks", vec_bytes(&self.net_marks), Doubles),
            ("quiet bits", self.quiet_heap, Pieces),
            ("settled bits", self.settled_heap, Pieces),
        ]
    }

    /// The heap bytes of the memo's rows, the quiet and settled bits and the steps' vectors:
    /// as [`World::memory_bytes`] counts them as they grow, and walked, `(name, counted,
    /// walked)`. The tests hold each pair equal, so that `--max-memory` sees them.
    #[cfg(test)]
    pub(crate) fn heap_counted_and_walked(&self) -> [(&'static str, u64, u64); 4] {
        let rows = self.steps_of.iter().map(vec_bytes).sum();
        let quiet = self.quiet.iter().map(vec_bytes).sum();
        let settled = self.settled.iter().flatten().map(vec_bytes).sum();
        let steps = self.steps.iter().map(super::Step::heap_bytes).sum();
        [
            ("memo rows", self.rows_heap, rows),
            ("quiet bits", self.quiet_heap, quiet),
            ("settled bits", self.settled_heap, settled),
            ("steps", self.step_heap, steps),
        ]
    }

    /// [`World::memory_bytes`], and the bytes the tables may add at once when they next grow
    /// (in the transitions before the search can stop): a list's doubling, a map's doubled
    /// table beside the old one, and a memo row's doubled allocation beside the old one. The
    /// other small vectors (a step's own, a node state's bits) are not reserved: each is
    /// small. One pass over [`World::memory_parts`], since the budget asks for every new state.
    pub(crate) fn memory_and_growth(&self) -> (u64, u64) {
        self.memory_parts()
            .iter()
            .fold((0, 0), |(held, growth), &(_, bytes, how)| {
                (held + bytes, growth + how.reserve(bytes))
            })
    }

    /// The most bytes a memo row can hold: an entry (4 bytes) per stimulus, the deliveries
    /// numbered among the envelopes to the row's node, and a row that grows doubles at most
    /// (`Vec::resize` to a longer length than twice the old takes just that length).
    fn row_bytes_at_most(&self) -> u64 {
        2 * 4 * (DELIVER_AT as u64 + *self.envs_to.iter().max().unwrap_or(&0) as u64)
    }

    /// The bytes of the largest memo row.
    #[cfg(test)]
    pub(crate) fn largest_row_bytes(&self) -> u64 {
        self.steps_of.iter().map(vec_bytes).max().unwrap_or(0)
    }
}
