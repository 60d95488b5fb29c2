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

/// Per-bucket counts (bucket × lane × kind) over the whole run, folded in as the log grows.
pub(crate) struct BucketIndex {
    /// Which run the index belongs to: the scenario's address and the log's first message id.
    key: (usize, u64),
    width: Time,
    buckets: usize,
    lanes: usize,
    folded: usize,
    counts: Vec<[u32; KINDS]>,
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
            counts: vec![[0; KINDS]; buckets * lanes],
        }
    }

    fn fold(&mut self, log: &DiagramLog) {
        let n = self.lanes - 1;
        for r in log.msgs().range(self.folded..) {
            let b = ((r.sent / self.width) as usize).min(self.buckets - 1);
            self.counts[b * self.lanes + lane_of(r.from, n)][r.kind as usize] += 1;
        }
        self.folded = log.msgs().len();
    }

    /// Spreads the buckets meeting `[lo, hi)` over `cols` columns, in proportion to overlap.
    fn density(&self, lo: Time, hi: Time, cols: usize) -> Density {
        let mut d = Density::new(lo, hi, cols, self.lanes, false);
        let cw = (d.hi - d.lo) as f64 / d.cols as f64;
        let first = (lo / self.width) as usize;
        let last = ((hi / self.width) as usize).min(self.buckets - 1);
        for b in first..=last {
            let (bs, be) = (b as u64 * self.width, (b as u64 + 1) * self.width);
            let (s, e) = (bs.max(lo), be.min(d.hi));
            if e <= s {
                continue;
            }
            let share = (e - s) as f32 / self.width as f32;
            let (c0, c1) = ((s - lo) as f64 / cw, (e - lo) as f64 / cw);
            let (i0, i1) = (c0 as usize, (c1.ceil() as usize).min(d.cols));
            for c in i0..i1.max(i0 + 1).min(d.cols) {
                let part = ((c + 1) as f64).min(c1) - (c as f64).max(c0);
                let f = share * (part / (c1 - c0).max(1e-9)) as f32;
                for lane in 0..self.lanes {
                    let src = &self.counts[b * self.lanes + lane];
                    let dst = &mut d.counts[c * self.lanes + lane];
                    for k in 0..KINDS {
                        dst[k] += src[k] as f32 * f;
                    }
                }
            }
        }
        d
    }

    /// Heap bytes of the index.
    pub(crate) fn bytes(&self) -> usize {
        self.counts.len() * std::mem::size_of::<[u32; KINDS]>()
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
    let d = Rc::new(count(log, run, end, (lo, hi), cols, n));
    DENSITIES.with(|c| {
        let mut c = c.borrow_mut();
        c.insert(0, (key, Rc::clone(&d)));
        c.truncate(DENSITY_CACHE);
    });
    d
}

/// Counts a density (see [`density`]), exactly or from the bucket index.
fn count(
    log: &DiagramLog,
    run: usize,
    end: Time,
    (lo, hi): (Time, Time),
    cols: usize,
    n: usize,
) -> Density {
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

    fn sum_n(d: &Density, cols: usize) -> f32 {
        (0..cols)
            .flat_map(|c| (0..d.lanes).map(move |l| (c, l)))
            .map(|(c, l)| d.total(c, l))
            .sum()
    }
}
