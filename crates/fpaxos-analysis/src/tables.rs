//! Exact tables over every node set (`n <= 20`) and the availability sums built on them.

use fpaxos::quorum::{Phase, QuorumSystem};
use fpaxos::NodeSet;

/// `table[mask]`: whether the node set `mask` contains a quorum of `phase` (`n <= 20`).
pub(crate) fn quorum_table(q: &QuorumSystem, phase: Phase) -> Vec<bool> {
    let n = q.n();
    let mut t = vec![false; 1usize << n];
    for mask in 1..t.len() {
        // Monotone: a superset of a quorum is a quorum; test only when no subset one short is.
        let mut bits = mask;
        let mut sub = false;
        while bits != 0 {
            let b = bits & bits.wrapping_neg();
            if t[mask & !b] {
                sub = true;
                break;
            }
            bits &= bits - 1;
        }
        t[mask] = sub || q.is_quorum(phase, NodeSet(mask as u64));
    }
    t
}

pub(crate) fn minimal_from_table(t: &[bool]) -> Vec<NodeSet> {
    (1..t.len())
        .filter(|&m| t[m] && NodeSet(m as u64).iter().all(|i| !t[m & !(1usize << i)]))
        .map(|m| NodeSet(m as u64))
        .collect()
}

/// Minimal sets whose crash leaves no quorum alive.
pub(crate) fn blocking_from_table(t: &[bool], n: usize) -> Vec<Vec<u8>> {
    let all = (1usize << n) - 1;
    let mut out: Vec<Vec<u8>> = (1..=all)
        .filter(|&c| {
            !t[all & !c]
                && NodeSet(c as u64)
                    .iter()
                    .all(|i| t[all & !(c & !(1usize << i))])
        })
        .map(|c| NodeSet(c as u64).to_vec())
        .collect();
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// P(at least `q` of `n` nodes alive), each down with probability `p`.
pub(crate) fn at_least_alive(n: usize, q: usize, p: f64) -> f64 {
    (q..=n)
        .map(|k| binomial(n, k) * (1.0 - p).powi(k as i32) * p.powi((n - k) as i32))
        .sum::<f64>()
        .min(1.0)
}

pub(crate) fn availability_from_table(t: &[bool], n: usize, p: f64) -> f64 {
    let alive: Vec<f64> = (0..=n)
        .map(|k| (1.0 - p).powi(k as i32) * p.powi((n - k) as i32))
        .collect();
    t.iter()
        .enumerate()
        .filter(|(_, &q)| q)
        .map(|(m, _)| alive[m.count_ones() as usize])
        .sum::<f64>()
        .min(1.0)
}

/// Deterministic Monte Carlo estimate (xorshift, fixed seed) for large general systems.
pub(crate) fn availability_sampled(q: &QuorumSystem, phase: Phase, p: f64, samples: usize) -> f64 {
    let n = q.n();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut hits = 0usize;
    for _ in 0..samples {
        let mut alive = NodeSet::EMPTY;
        for i in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if ((x >> 11) as f64 / (1u64 << 53) as f64) >= p {
                alive.insert(i as u8);
            }
        }
        if q.is_quorum(phase, alive) {
            hits += 1;
        }
    }
    hits as f64 / samples as f64
}
