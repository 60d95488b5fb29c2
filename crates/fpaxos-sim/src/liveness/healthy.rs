//! The healthy set: the nodes that are up, at normal speed and mutually connected, holding a Q1
//! and a Q2, found by a maximal-clique search over the links that work both ways.

use fpaxos::{NodeSet, QuorumSystem, Time};

/// Recursive calls the maximal-clique search may make before it gives up (then the rule does not
/// apply until the next fault). Far above what a few cut links need.
const CLIQUE_BUDGET: u32 = 20_000;

/// What the monitor needs to know of the cluster after a fault.
pub(crate) struct Topology<'a> {
    /// Nodes that are up.
    pub up: NodeSet,
    /// Nodes that are up but slowed (`slow` factor above 1): a gray failure.
    pub slowed: NodeSet,
    /// Nodes no longer slowed still run the work they began while slowed, at the slow rate,
    /// until then (0 when none does): until then they count as slowed.
    pub slow_work_until: Time,
    /// Node-to-node messages are lost at random.
    pub lossy: bool,
    /// `partition[a]` bit `b`: a partition separates `a` and `b` (symmetric).
    pub partition: &'a [u64],
    /// `cut[a]` bit `b`: the link `a -> b` is cut.
    pub cut: &'a [u64],
}

/// The healthy set of `topo`: among the maximal sets of up, normal-speed nodes connected both
/// ways, one that holds a Q1 and a Q2 (the smallest, whose bound is the most lenient), with a
/// Q1 and a Q2 inside it. `None` when there is none, when messages are lost at random, or when
/// the search is too large to finish.
pub(super) fn healthy_set(
    q: &QuorumSystem,
    n: usize,
    topo: &Topology<'_>,
) -> Option<(NodeSet, NodeSet, NodeSet)> {
    if topo.lossy || !topo.slowed.is_empty() {
        return None;
    }
    let up = topo.up.0 & NodeSet::all(n).0;
    let link = |a: usize, b: usize| {
        let blocked = |x: usize, y: usize| {
            (topo.partition.get(x).copied().unwrap_or(0) | topo.cut.get(x).copied().unwrap_or(0))
                >> y
                & 1
                == 1
        };
        !blocked(a, b) && !blocked(b, a)
    };
    let adj: Vec<u64> = (0..n)
        .map(|a| {
            (0..n)
                .filter(|&b| b != a && up >> b & 1 == 1 && link(a, b))
                .fold(0u64, |m, b| m | 1 << b)
        })
        .collect();
    let mut best: Option<NodeSet> = None;
    let mut budget = CLIQUE_BUDGET;
    let mut visit = |clique: u64| {
        let s = NodeSet(clique);
        if q.is_q1(s) && q.is_q2(s) && best.is_none_or(|b| (s.len(), s.0) < (b.len(), b.0)) {
            best = Some(s);
        }
    };
    if !cliques(&adj, 0, up, 0, &mut visit, &mut budget) {
        return None;
    }
    let s = best?;
    let q1 = q.shrink(fpaxos::Phase::One, s, None);
    let q2 = q.shrink(fpaxos::Phase::Two, s, None);
    Some((s, q1, q2))
}

/// Bron–Kerbosch with pivoting over bit masks: calls `visit` with every maximal clique of the
/// graph `adj` that extends `r` with members of `p` and none of `x`. False if the budget ran out.
fn cliques(
    adj: &[u64],
    r: u64,
    p: u64,
    x: u64,
    visit: &mut impl FnMut(u64),
    budget: &mut u32,
) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    if p == 0 {
        if x == 0 && r != 0 {
            visit(r);
        }
        return true;
    }
    let pivot = bits(p | x)
        .max_by_key(|u| (p & adj[*u]).count_ones())
        .unwrap_or(0);
    let mut p = p;
    let mut x = x;
    for v in bits(p & !adj[pivot]) {
        let bit = 1u64 << v;
        if !cliques(adj, r | bit, p & adj[v], x & adj[v], visit, budget) {
            return false;
        }
        p &= !bit;
        x |= bit;
    }
    true
}

fn bits(mut m: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (m != 0).then(|| {
            let i = m.trailing_zeros() as usize;
            m &= m - 1;
            i
        })
    })
}

#[cfg(test)]
pub(super) mod fixtures {
    use super::*;
    use fpaxos::quorum::QuorumSpec;

    pub fn topo<'a>(up: u64, partition: &'a [u64], cut: &'a [u64]) -> Topology<'a> {
        Topology {
            up: NodeSet(up),
            slowed: NodeSet::EMPTY,
            slow_work_until: 0,
            lossy: false,
            partition,
            cut,
        }
    }

    pub fn majority(n: usize) -> QuorumSystem {
        QuorumSystem::new(&QuorumSpec::Majority, n).expect("majority")
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{majority, topo};
    use super::*;
    use fpaxos::quorum::QuorumSpec;

    #[test]
    fn every_maximal_clique_is_found() {
        // 0-1-2 triangle, 2-3 edge, 4 alone.
        let adj = [0b00110, 0b00101, 0b01011, 0b00100, 0];
        let mut found = Vec::new();
        let mut budget = 100;
        assert!(cliques(
            &adj,
            0,
            0b11111,
            0,
            &mut |c| found.push(c),
            &mut budget
        ));
        found.sort_unstable();
        assert_eq!(found, vec![0b00111, 0b01100, 0b10000]);
        let mut none = 0;
        assert!(
            !cliques(&adj, 0, 0b11111, 0, &mut |_| {}, &mut none),
            "a spent budget gives up"
        );
    }

    #[test]
    fn the_healthy_set_needs_mutual_links_a_q1_and_a_q2() {
        let q = majority(5);
        let none = [0u64; 5];
        let (s, q1, q2) = healthy_set(&q, 5, &topo(0b11111, &none, &none)).expect("all up");
        assert_eq!((s.len(), q1.len(), q2.len()), (5, 3, 3));
        // Nodes 0 and 2 down: 1, 3, 4 still a majority.
        let (s, ..) = healthy_set(&q, 5, &topo(0b11010, &none, &none)).expect("three up");
        assert_eq!(s, NodeSet(0b11010));
        // A one-way cut 1 -> 3 breaks the 1-3 pair, so no three mutually connected nodes remain.
        let mut cut = [0u64; 5];
        cut[1] = 1 << 3;
        assert!(healthy_set(&q, 5, &topo(0b11010, &none, &cut)).is_none());
        // The same cut with everyone up: {0,1,2,4} and {0,2,3,4} remain; the smallest is chosen.
        let (s, ..) = healthy_set(&q, 5, &topo(0b11111, &none, &cut)).expect("cliques of four");
        assert_eq!(s.len(), 4);
        assert!(!(s.contains(1) && s.contains(3)));
        // A partition {0,1} | {2,3,4}: the majority side.
        let mut part = [0u64; 5];
        for (a, mask) in part.iter_mut().enumerate() {
            for b in 0..5 {
                if (a < 2) != (b < 2) {
                    *mask |= 1 << b;
                }
            }
        }
        let (s, ..) = healthy_set(&q, 5, &topo(0b11111, &part, &none)).expect("majority side");
        assert_eq!(s, NodeSet(0b11100));
        let lossy = Topology {
            lossy: true,
            ..topo(0b11111, &none, &none)
        };
        assert!(
            healthy_set(&q, 5, &lossy).is_none(),
            "random loss suspends the rule"
        );
        let slow = Topology {
            slowed: NodeSet(1),
            ..topo(0b11111, &none, &none)
        };
        assert!(
            healthy_set(&q, 5, &slow).is_none(),
            "a gray failure suspends the rule"
        );
    }

    #[test]
    fn flexible_quorums_need_both_phases() {
        // Counting 4/2 with three up: a Q2 but no Q1.
        let q = QuorumSystem::new(&QuorumSpec::Counting { q1: 4, q2: 2 }, 5).expect("4/2");
        let none = [0u64; 5];
        assert!(healthy_set(&q, 5, &topo(0b00111, &none, &none)).is_none());
        assert!(healthy_set(&q, 5, &topo(0b01111, &none, &none)).is_some());
    }
}
