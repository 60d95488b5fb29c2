//! What the page's runs over points share (a sweep, an availability experiment): the points,
//! their rows so far, the batch of worker jobs, whether the user cancelled, and a version.

use super::pool::Batch;
use fpaxos_sim::sweep::Point;

/// The points of a run and the rows done so far, in point order.
pub(crate) struct PointTable<R> {
    /// The points, in input order.
    pub(crate) points: Vec<Point>,
    /// Rows of the leading points that have all their row.
    pub(crate) rows: Vec<R>,
    /// The jobs (dropped on cancel or with the run: a new run supersedes this one).
    pub(crate) batch: Option<Batch>,
    /// Stopped by the user before the end.
    pub(crate) cancelled: bool,
    /// Bumped whenever what the run shows changed.
    pub(crate) version: u64,
}

impl<R> PointTable<R> {
    /// A run of `points` with no row yet and a fresh batch.
    pub(crate) fn new(points: Vec<Point>) -> PointTable<R> {
        PointTable {
            points,
            rows: Vec::new(),
            batch: Some(Batch::new()),
            cancelled: false,
            version: 0,
        }
    }

    /// Every point has its row.
    pub(crate) fn finished(&self) -> bool {
        self.rows.len() == self.points.len()
    }

    /// Still working (not finished, not cancelled).
    pub(crate) fn running(&self) -> bool {
        !self.finished() && !self.cancelled
    }

    /// Stops after the points done so far; the workers drop the rest.
    pub(crate) fn cancel(&mut self) {
        self.cancelled = true;
        self.batch = None;
        self.version += 1;
    }

    /// The panel's status word: `done`, `cancelled` or `running`.
    pub(crate) fn status(&self) -> &'static str {
        if self.finished() {
            "done"
        } else if self.cancelled {
            "cancelled"
        } else {
            "running"
        }
    }
}
