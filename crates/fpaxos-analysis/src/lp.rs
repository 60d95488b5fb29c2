//! A small dense two-phase simplex for the load linear programs.
//!
//! The programs here have few constraints (one per node plus one per phase, so at most about 22
//! rows) and many columns (one per minimal quorum), so a dense tableau is both small and fast.
//! Dantzig's rule picks the entering column; after a run of degenerate pivots it switches to
//! Bland's rule, which cannot cycle.

const EPS: f64 = 1e-10;

/// Minimizes `c · x` subject to `a x = b` and `x >= 0`. Returns `None` if the program is
/// infeasible, unbounded, or does not converge within the iteration budget.
pub(crate) fn minimize(c: &[f64], a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let m = a.len();
    let nv = c.len();
    if b.len() != m || a.iter().any(|r| r.len() != nv) {
        return None;
    }
    let w = nv + m + 1; // real columns, one artificial per row, right-hand side
    let rhs = w - 1;
    let mut t = vec![0.0; m * w];
    for i in 0..m {
        let sign = if b[i] < 0.0 { -1.0 } else { 1.0 };
        for j in 0..nv {
            t[i * w + j] = sign * a[i][j];
        }
        t[i * w + nv + i] = 1.0;
        t[i * w + rhs] = sign * b[i];
    }
    let mut basis: Vec<usize> = (nv..nv + m).collect();
    // Phase 1: drive the artificials to zero.
    let mut cost1 = vec![0.0; w - 1];
    for c in cost1.iter_mut().skip(nv) {
        *c = 1.0;
    }
    let obj = run(&mut t, w, &mut basis, &cost1, w - 1)?;
    if obj > 1e-7 {
        return None;
    }
    // Pivot remaining (zero-valued) artificials out where a real column allows it.
    for i in 0..m {
        if basis[i] >= nv {
            if let Some(j) = (0..nv).find(|&j| t[i * w + j].abs() > 1e-9) {
                pivot(&mut t, w, i, j);
                basis[i] = j;
            }
        }
    }
    // Phase 2: the real objective; artificials may not re-enter.
    let mut cost2 = vec![0.0; w - 1];
    cost2[..nv].copy_from_slice(c);
    run(&mut t, w, &mut basis, &cost2, nv)?;
    let mut x = vec![0.0; nv];
    for (i, &j) in basis.iter().enumerate() {
        if j < nv {
            x[j] = t[i * w + rhs].max(0.0);
        }
    }
    Some(x)
}

fn pivot(t: &mut [f64], w: usize, r: usize, col: usize) {
    let m = t.len() / w;
    let p = t[r * w + col];
    for v in &mut t[r * w..(r + 1) * w] {
        *v /= p;
    }
    let (before, rest) = t.split_at_mut(r * w);
    let (row, after) = rest.split_at_mut(w);
    for other in before.chunks_mut(w).chain(after.chunks_mut(w)) {
        let f = other[col];
        if f != 0.0 {
            for (o, x) in other.iter_mut().zip(row.iter()) {
                *o -= f * x;
            }
        }
    }
    debug_assert_eq!(m * w, t.len());
}

/// Runs simplex iterations for `cost`, letting only columns `< enter_limit` enter. Returns the
/// objective value at the optimum.
fn run(
    t: &mut [f64],
    w: usize,
    basis: &mut [usize],
    cost: &[f64],
    enter_limit: usize,
) -> Option<f64> {
    let m = basis.len();
    let rhs = w - 1;
    // Reduced costs: cost_j - sum_i cost_B(i) * t[i][j].
    let mut z: Vec<f64> = cost.to_vec();
    for i in 0..m {
        let cb = cost[basis[i]];
        if cb != 0.0 {
            for (j, zj) in z.iter_mut().enumerate() {
                *zj -= cb * t[i * w + j];
            }
        }
    }
    let mut degenerate = 0usize;
    let max_iter = 50_000;
    for _ in 0..max_iter {
        let bland = degenerate > 50;
        let mut enter = None;
        let mut best = -1e-9;
        for (j, &zj) in z.iter().enumerate().take(enter_limit) {
            if zj < best {
                enter = Some(j);
                if bland {
                    break;
                }
                best = zj;
            }
        }
        let Some(col) = enter else {
            let value: f64 = (0..m).map(|i| cost[basis[i]] * t[i * w + rhs]).sum();
            return Some(value);
        };
        let mut leave: Option<(usize, f64)> = None;
        for i in 0..m {
            let a = t[i * w + col];
            if a > EPS {
                let ratio = t[i * w + rhs] / a;
                let better = match leave {
                    None => true,
                    Some((k, r)) => {
                        ratio < r - 1e-12 || (ratio <= r + 1e-12 && basis[i] < basis[k])
                    }
                };
                if better {
                    leave = Some((i, ratio));
                }
            }
        }
        let (r, ratio) = leave?; // unbounded
        if ratio.abs() < 1e-12 {
            degenerate += 1;
        } else {
            degenerate = 0;
        }
        pivot(t, w, r, col);
        basis[r] = col;
        let f = z[col];
        for (j, zj) in z.iter_mut().enumerate() {
            *zj -= f * t[r * w + j];
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_programs() {
        // min -x - y  s.t. x + 2y + s1 = 4, 3x + y + s2 = 6  -> x = 1.6, y = 1.2
        let x = minimize(
            &[-1.0, -1.0, 0.0, 0.0],
            &[vec![1.0, 2.0, 1.0, 0.0], vec![3.0, 1.0, 0.0, 1.0]],
            &[4.0, 6.0],
        )
        .unwrap();
        assert!(
            (x[0] - 1.6).abs() < 1e-9 && (x[1] - 1.2).abs() < 1e-9,
            "{x:?}"
        );
        // Infeasible: x = -1.
        assert!(minimize(&[1.0], &[vec![1.0]], &[-1.0]).is_none());
        // Unbounded: min -x s.t. x - y = 0.
        assert!(minimize(&[-1.0, 0.0], &[vec![1.0, -1.0]], &[0.0]).is_none());
    }
}
