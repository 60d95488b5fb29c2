//! Level of detail: how many messages a window holds, and, when too many to draw one arrow each,
//! the density of messages per lane and pixel column by kind. Counting is drawing, not a metric:
//! it reads the engine's diagram log ([`fpaxos_sim::trace::DiagramLog`]) and never decides
//! anything. A window of up to [`SCAN_LIMIT`] messages is counted exactly from the log (binary
//! search, then one pass); a larger one from a per-bucket index folded in once as the run grows
//! ([`BucketIndex`]), so no redraw scans a million messages.

use fpaxos::{MsgKind, Time};
use fpaxos_sim::trace::{DiagramLog, CLIENT};
use std::cell::RefCell;
use std::rc::Rc;

/// Up to this many messages in the window, every one is drawn as an arrow.
pub(crate) const ARROW_LIMIT: usize = 4000;
/// Arrows drawn over the density when the window holds more than [`ARROW_LIMIT`]: about this
/// many, every k-th message by id (the same ones at every pan).
pub(crate) const SAMPLE_ARROWS: usize = 300;
/// Up to this many messages in the window, density is counted exactly from the log.
pub(crate) const SCAN_LIMIT: usize = 150_000;
/// Kinds counted per cell.
pub(crate) const KINDS: usize = MsgKind::ALL.len();
/// Buckets of the precomputed index over the run (fewer for large clusters, see [`BucketIndex`]).
const BUCKETS: usize = 16_384;
/// Most counters the index holds (buckets × lanes × kinds): 8 MiB of u32.
const INDEX_CELLS: usize = 2 << 20;

/// The diagram lane of a lane code in the log: a node's own, or the clients' lane `n`.
pub(crate) fn lane_of(code: u16, n: usize) -> usize {
    if code == CLIENT {
        n
    } else {
        (code as usize).min(n)
    }
}

/// Index range `[a, b)` of the log's messages sent in `[lo, hi]` (the log is in send order).
pub(crate) fn sent_range(log: &DiagramLog, lo: Time, hi: Time) -> (usize, usize) {
    let m = log.msgs();
    (
        m.partition_point(|r| r.sent < lo),
        m.partition_point(|r| r.sent <= hi),
    )
}

/// Messages sent per lane and column, by kind, over `[lo, hi)`.
pub(crate) struct Density {
    /// Start of the first column (ns).
    pub(crate) lo: Time,
    /// End of the last column (ns).
    pub(crate) hi: Time,
    /// Columns.
    pub(crate) cols: usize,
    /// Lanes (nodes, then clients).
    pub(crate) lanes: usize,
    /// Counts by kind, at `col * lanes + lane` (fractional when spread from index buckets).
    counts: Vec<[f32; KINDS]>,
    /// Counted message by message (not spread from buckets).
    pub(crate) exact: bool,
}

impl Density {
    fn new(lo: Time, hi: Time, cols: usize, lanes: usize, exact: bool) -> Density {
        Density {
            lo,
            hi: hi.max(lo + 1),
            cols: cols.max(1),
            lanes,
            counts: vec![[0.0; KINDS]; cols.max(1) * lanes],
            exact,
        }
    }

    /// Counts of one cell by kind (index = `MsgKind as usize`).
    pub(crate) fn cell(&self, col: usize, lane: usize) -> &[f32; KINDS] {
        &self.counts[col.min(self.cols - 1) * self.lanes + lane.min(self.lanes - 1)]
    }

    /// Messages in one cell.
    pub(crate) fn total(&self, col: usize, lane: usize) -> f32 {
        self.cell(col, lane).iter().sum()
    }

    /// The largest cell total.
    pub(crate) fn max(&self) -> f32 {
        (0..self.cols)
            .flat_map(|c| (0..self.lanes).map(move |l| (c, l)))
            .map(|(c, l)| self.total(c, l))
            .fold(0.0, f32::max)
    }

    /// The cell's most frequent kind, if it holds any message.
    pub(crate) fn dominant(&self, col: usize, lane: usize) -> Option<MsgKind> {
        let c = self.cell(col, lane);
        let (i, v) = c
            .iter()
            .enumerate()
            .fold((0, 0.0), |b, (i, v)| if *v > b.1 { (i, *v) } else { b });
        (v > 0.0).then(|| kind_at(i))
    }

    /// The time span of column `col`.
    pub(crate) fn col_span(&self, col: usize) -> (Time, Time) {
        let w = (self.hi - self.lo) as f64 / self.cols as f64;
        (
            self.lo + (col as f64 * w) as Time,
            self.lo + ((col + 1) as f64 * w) as Time,
        )
    }
}

/// The kind counted at index `i` of a cell.
pub(crate) fn kind_at(i: usize) -> MsgKind {
    MsgKind::ALL
        .into_iter()
        .find(|k| *k as usize == i)
        .unwrap_or(MsgKind::Request)
}

/// Counts every message sent in `[lo, hi)` into `cols` columns, one message at a time.
pub(crate) fn count_exact(log: &DiagramLog, lo: Time, hi: Time, cols: usize, n: usize) -> Density {
    let mut d = Density::new(lo, hi, cols, n + 1, true);
    let (a, b) = sent_range(log, lo, hi.saturating_sub(1));
    let scale = d.cols as f64 / (d.hi - d.lo) as f64;
    for r in log.msgs().range(a..b) {
        let col = (((r.sent - lo) as f64 * scale) as usize).min(d.cols - 1);
        d.counts[col * d.lanes + lane_of(r.from, n)][r.kind as usize] += 1.0;
    }
    d
}

/// Cumulative per-bucket counts (bucket × lane × kind) over the whole run, folded in as the log
/// grows: `cum[b]` counts the messages in buckets `0..=b`, so the messages of any stretch of
/// time are one difference of two interpolated rows, and a window's density costs its columns,
/// not the buckets it spans.
pub(crate) struct BucketIndex {
    /// Which run the index belongs to: the scenario's address and the log's first message id.
    key: (usize, u64),
    width: Time,
    buckets: usize,
    lanes: usize,
    folded: usize,
    /// The highest bucket written: rows above it equal its row and are filled in only when a
    /// message lands there (messages come in send order).
    top: usize,
    cum: Vec<[u32; KINDS]>,
}

impl BucketIndex {
    fn new(key: (usize, u64), end: Time, lanes: usize) -> BucketIndex {
        let buckets = BUCKETS.min(INDEX_CELLS / (lanes * KINDS)).max(64);
        BucketIndex {
            key,
            width: (end / buckets as u64).max(1000),
            buckets,
            lanes,
            folded: 0,
            top: 0,
            cum: vec![[0; KINDS]; buckets * lanes],
        }
    }

    fn fold(&mut self, log: &DiagramLog) {
        let (n, lanes) = (self.lanes - 1, self.lanes);
        for r in log.msgs().range(self.folded..) {
            let b = ((r.sent / self.width) as usize).min(self.buckets - 1);
            // The log is in send order: b >= top. Carry the totals up to the new bucket.
            while self.top < b {
                let (lo, hi) = self.cum.split_at_mut((self.top + 1) * lanes);
                hi[..lanes].copy_from_slice(&lo[self.top * lanes..]);
                self.top += 1;
            }
            self.cum[b * lanes + lane_of(r.from, n)][r.kind as usize] += 1;
        }
        self.folded = log.msgs().len();
    }

    /// Messages of `lane` sent before `t`, by kind: the buckets before `t`'s, and the share of
    /// its own bucket that `t` has passed (messages spread evenly over a bucket).
    fn before(&self, t: Time, lane: usize) -> [f64; KINDS] {
        let row = |b: usize| &self.cum[b.min(self.top) * self.lanes + lane];
        // Past the last bucket (messages after the run's end are counted in it): all of it.
        let (b, frac) = match (t / self.width) as usize {
            b if b >= self.buckets => (self.buckets - 1, 1.0),
            b => (b, (t - b as u64 * self.width) as f64 / self.width as f64),
        };
        let mut out = [0.0; KINDS];
        let zero = [0; KINDS];
        let below = if b == 0 { &zero } else { row(b - 1) };
        for ((o, lo), hi) in out.iter_mut().zip(below).zip(row(b)) {
            *o = *lo as f64 + frac * (*hi - *lo) as f64;
        }
        out
    }

    /// The density of `[lo, hi)` in `cols` columns: each column's share of the buckets it
    /// overlaps, in proportion to the overlap.
    fn density(&self, lo: Time, hi: Time, cols: usize) -> Density {
        let mut d = Density::new(lo, hi, cols, self.lanes, false);
        let cw = (d.hi - d.lo) as f64 / d.cols as f64;
        let edge = |c: usize| d.lo + (c as f64 * cw) as Time;
        for lane in 0..self.lanes {
            let mut left = self.before(edge(0), lane);
            for c in 0..d.cols {
                let right = self.before(edge(c + 1).min(d.hi), lane);
                let dst = &mut d.counts[c * self.lanes + lane];
                for k in 0..KINDS {
                    dst[k] = (right[k] - left[k]).max(0.0) as f32;
                }
                left = right;
            }
        }
        d
    }

    /// Heap bytes of the index.
    pub(crate) fn bytes(&self) -> usize {
        self.cum.len() * std::mem::size_of::<[u32; KINDS]>()
    }
}

thread_local! {
    static INDEX: RefCell<Option<BucketIndex>> = const { RefCell::new(None) };
}

/// What a computed density depends on: the run (its scenario's address and first message id),
/// how much of it is logged, the span, the columns and the lanes.
type DensityKey = (usize, u64, usize, Time, Time, usize, usize);

/// Densities kept for reuse: the detail view's and the overview's (most recent first).
const DENSITY_CACHE: usize = 3;

thread_local! {
    static DENSITIES: RefCell<Vec<(DensityKey, Rc<Density>)>> = const { RefCell::new(Vec::new()) };
}

/// The density of `[lo, hi)` in `cols` columns: exact when the window holds at most
/// [`SCAN_LIMIT`] messages, else from the bucket index of this run (`run`: an address naming the
/// run's scenario; `end`: the run's end, which fixes the bucket width). The last few results are
/// kept, so a hover, a repaint of the same window or the overview's next paint reads them back
/// instead of counting again.
pub(crate) fn density(
    log: &DiagramLog,
    run: usize,
    end: Time,
    (lo, hi): (Time, Time),
    cols: usize,
    n: usize,
) -> Rc<Density> {
    let key = (run, log.id_of(0), log.msgs().len(), lo, hi, cols, n);
    cached(key, || {
        let (a, b) = sent_range(log, lo, hi);
        if b - a <= SCAN_LIMIT {
            return count_exact(log, lo, hi, cols, n);
        }
        INDEX.with(|cell| {
            let mut slot = cell.borrow_mut();
            let key = (run, log.id_of(0));
            let stale = slot
                .as_ref()
                .is_none_or(|i| i.key != key || i.lanes != n + 1 || i.folded > log.msgs().len());
            if stale {
                *slot = Some(BucketIndex::new(key, end, n + 1));
            }
            let index = slot.get_or_insert_with(|| BucketIndex::new(key, end, n + 1));
            index.fold(log);
            index.density(lo, hi, cols)
        })
    })
}

/// The density kept under `key` (moved to the front), or the one `compute` counts, kept.
fn cached(key: DensityKey, compute: impl FnOnce() -> Density) -> Rc<Density> {
    let hit = DENSITIES.with(|c| {
        let mut c = c.borrow_mut();
        let i = c.iter().position(|(k, _)| *k == key)?;
        let e = c.remove(i);
        let d = Rc::clone(&e.1);
        c.insert(0, e);
        Some(d)
    });
    if let Some(d) = hit {
        return d;
    }
    let d = Rc::new(compute());
    DENSITIES.with(|c| {
        let mut c = c.borrow_mut();
        c.insert(0, (key, Rc::clone(&d)));
        c.truncate(DENSITY_CACHE);
    });
    d
}

/// Heap bytes of the bucket index now held (0 when none was needed).
pub(crate) fn index_bytes() -> usize {
    INDEX.with(|c| c.borrow().as_ref().map_or(0, BucketIndex::bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fpaxos_sim::Endpoint;

    fn log_of(count: u64, every: Time) -> DiagramLog {
        let mut log = DiagramLog::with_cap(1 << 20);
        for id in 0..count {
            let kind = if id % 4 == 0 {
                MsgKind::Heartbeat
            } else {
                MsgKind::Accept
            };
            let from = Endpoint::Node((id % 3) as u8);
            log.send(
                id * every,
                id,
                (from, Endpoint::Client(0)),
                kind,
                id * every + 5,
                None,
            );
        }
        log
    }

    #[test]
    fn exact_counts_every_message_once() {
        let log = log_of(10_000, 1000);
        let d = count_exact(&log, 0, 10_000_000, 100, 3);
        let total: f32 = (0..100)
            .flat_map(|c| (0..4).map(move |l| (c, l)))
            .map(|(c, l)| d.total(c, l))
            .sum();
        assert_eq!(total, 10_000.0);
        // Column 0 is [0, 100 µs): 100 messages, a third from each node, a quarter heartbeats.
        assert_eq!(d.total(0, 0) + d.total(0, 1) + d.total(0, 2), 100.0);
        assert_eq!(d.cell(0, 0)[MsgKind::Heartbeat as usize], 9.0);
        assert_eq!(d.dominant(0, 1), Some(MsgKind::Accept));
        assert_eq!(d.total(0, 3), 0.0, "the clients sent nothing");
    }

    #[test]
    fn the_bucket_index_agrees_with_exact_counts_in_total() {
        let log = log_of(400_000, 25);
        let run_end = 400_000 * 25;
        let d = density(&log, 1, run_end, (0, run_end), 200, 3);
        assert!(
            !d.exact,
            "more than SCAN_LIMIT messages go through the index"
        );
        let e = count_exact(&log, 0, run_end, 200, 3);
        let sum = |d: &Density| -> f32 {
            (0..200)
                .flat_map(|c| (0..4).map(move |l| (c, l)))
                .map(|(c, l)| d.total(c, l))
                .sum()
        };
        assert!(
            (sum(&d) - sum(&e)).abs() < 2.0,
            "{} vs {}",
            sum(&d),
            sum(&e)
        );
        for c in [0, 57, 199] {
            let (a, b) = (d.total(c, 1), e.total(c, 1));
            assert!((a - b).abs() <= b * 0.02 + 1.0, "column {c}: {a} vs {b}");
        }
        // A window in the middle, half a run wide.
        let w = (run_end / 4, run_end * 3 / 4);
        let d = density(&log, 1, run_end, w, 100, 3);
        let e = count_exact(&log, w.0, w.1, 100, 3);
        assert!((sum_n(&d, 100) - sum_n(&e, 100)).abs() < 2.0);
        assert!(index_bytes() > 0);
    }

    #[test]
    fn folding_as_the_log_grows_equals_folding_it_whole() {
        // Messages every 25 ns with gaps of empty buckets, folded in three steps as a live run
        // grows them, against one index folded once at the end.
        let run_end = 10_000_000;
        let mut grown = BucketIndex::new((7, 0), run_end, 4);
        let mut log = DiagramLog::with_cap(1 << 20);
        let mut id = 0;
        for (from, to) in [
            (0, 2_000_000),
            (3_000_000, 3_500_000),
            (6_000_000, 9_999_000),
        ] {
            for t in (from..to).step_by(25) {
                let kind = if id % 3 == 0 {
                    MsgKind::Heartbeat
                } else {
                    MsgKind::Accept
                };
                let ends = (Endpoint::Node((id % 3) as u8), Endpoint::Node(0));
                log.send(t, id, ends, kind, t + 5, None);
                id += 1;
            }
            grown.fold(&log);
        }
        let mut whole = BucketIndex::new((7, 0), run_end, 4);
        whole.fold(&log);
        assert_eq!(grown.top, whole.top);
        assert!(grown.cum == whole.cum, "the grown index differs");
        for (lo, hi, cols) in [
            (0, run_end, 50),
            (2_500_000, 6_500_000, 40),
            (3_100_000, 3_300_000, 7),
        ] {
            let (g, e) = (
                grown.density(lo, hi, cols),
                count_exact(&log, lo, hi, cols, 3),
            );
            assert!(
                (sum_n(&g, cols) - sum_n(&e, cols)).abs() < 2.0,
                "{lo}..{hi}"
            );
            for c in 0..cols {
                for lane in 0..4 {
                    let (a, b) = (g.total(c, lane), e.total(c, lane));
                    assert!(
                        (a - b).abs() <= b * 0.05 + 2.0,
                        "{lo}..{hi} col {c} lane {lane}: {a} vs {b}"
                    );
                }
            }
        }
        // Empty stretches are empty; the end of the run holds everything.
        assert_eq!(sum_n(&whole.density(2_100_000, 2_900_000, 8), 8), 0.0);
        assert_eq!(
            whole.before(run_end * 2, 1).iter().sum::<f64>() as u64,
            id / 3
        );
    }

    fn sum_n(d: &Density, cols: usize) -> f32 {
        (0..cols)
            .flat_map(|c| (0..d.lanes).map(move |l| (c, l)))
            .map(|(c, l)| d.total(c, l))
            .sum()
    }
}
