//! A set of node ids as a 64-bit mask: quorum tests are one AND and one compare.

use serde::{Deserialize, Serialize};

/// Node identifier: `0..n`, where `n <= MAX_NODES`.
pub type NodeId = u8;

/// Largest cluster the core supports (node sets are 64-bit masks).
pub const MAX_NODES: usize = 64;

/// A set of nodes, at most [`MAX_NODES`] of them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct NodeSet(pub u64);

impl NodeSet {
    /// The empty set.
    pub const EMPTY: NodeSet = NodeSet(0);

    /// All nodes `0..n`.
    pub fn all(n: usize) -> Self {
        if n >= 64 {
            NodeSet(u64::MAX)
        } else {
            NodeSet((1u64 << n) - 1)
        }
    }

    /// The set holding only `id`.
    pub fn single(id: NodeId) -> Self {
        NodeSet(1u64 << id)
    }

    /// Builds a set from ids.
    pub fn from_ids<I: IntoIterator<Item = NodeId>>(ids: I) -> Self {
        ids.into_iter().fold(NodeSet::EMPTY, |s, i| s.with(i))
    }

    /// Whether `id` is a member.
    pub fn contains(self, id: NodeId) -> bool {
        self.0 >> id & 1 == 1
    }

    /// This set plus `id`.
    #[must_use]
    pub fn with(self, id: NodeId) -> Self {
        NodeSet(self.0 | 1u64 << id)
    }

    /// This set minus `id`.
    #[must_use]
    pub fn without(self, id: NodeId) -> Self {
        NodeSet(self.0 & !(1u64 << id))
    }

    /// Adds `id` in place.
    pub fn insert(&mut self, id: NodeId) {
        self.0 |= 1u64 << id;
    }

    /// Number of members.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Set intersection.
    #[must_use]
    pub fn and(self, other: NodeSet) -> Self {
        NodeSet(self.0 & other.0)
    }

    /// Set union.
    #[must_use]
    pub fn or(self, other: NodeSet) -> Self {
        NodeSet(self.0 | other.0)
    }

    /// Complement within `0..n`.
    #[must_use]
    pub fn complement(self, n: usize) -> Self {
        NodeSet(!self.0 & NodeSet::all(n).0)
    }

    /// Whether every member of `self` is in `other`.
    pub fn is_subset(self, other: NodeSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// Whether the sets share a member.
    pub fn intersects(self, other: NodeSet) -> bool {
        self.0 & other.0 != 0
    }

    /// Members in increasing order.
    pub fn iter(self) -> impl Iterator<Item = NodeId> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                None
            } else {
                let i = bits.trailing_zeros() as NodeId;
                bits &= bits - 1;
                Some(i)
            }
        })
    }

    /// Members as a vector.
    pub fn to_vec(self) -> Vec<NodeId> {
        self.iter().collect()
    }
}

impl std::fmt::Debug for NodeSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl std::fmt::Display for NodeSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{")?;
        for (k, i) in self.iter().enumerate() {
            if k > 0 {
                write!(f, ",")?;
            }
            write!(f, "{i}")?;
        }
        write!(f, "}}")
    }
}

impl Serialize for NodeSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for NodeSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ids = Vec::<u32>::deserialize(d)?;
        let mut s = NodeSet::EMPTY;
        for id in ids {
            if id as usize >= MAX_NODES {
                return Err(serde::de::Error::custom(format!(
                    "node id {id} is out of range (at most {} nodes)",
                    MAX_NODES
                )));
            }
            s.insert(id as NodeId);
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_ops() {
        let s = NodeSet::from_ids([0, 3, 5]);
        assert_eq!(s.len(), 3);
        assert!(s.contains(3) && !s.contains(4));
        assert_eq!(s.to_vec(), vec![0, 3, 5]);
        assert_eq!(s.complement(6).to_vec(), vec![1, 2, 4]);
        assert!(NodeSet::from_ids([0, 5]).is_subset(s));
        assert_eq!(NodeSet::all(64).len(), 64);
        assert_eq!(format!("{s}"), "{0,3,5}");
        assert_eq!(format!("{s:?}"), "{0, 3, 5}");
    }

    #[test]
    fn union_keeps_shared_members() {
        let a = NodeSet::from_ids([0, 1]);
        let b = NodeSet::from_ids([1, 2]);
        assert_eq!(a.or(b).to_vec(), vec![0, 1, 2]);
        assert_eq!(a.and(b).to_vec(), vec![1]);
    }

    #[test]
    fn reads_a_list_of_ids_and_refuses_one_out_of_range() {
        let s: NodeSet = serde_json::from_str("[3, 0]").expect("a list of ids");
        assert_eq!(s.to_vec(), vec![0, 3]);
        assert_eq!(serde_json::to_string(&s).expect("writes"), "[0,3]");
        let err = serde_json::from_str::<NodeSet>("[64]").expect_err("out of range");
        assert!(
            err.to_string().contains("node id 64 is out of range"),
            "{err}"
        );
    }
}
