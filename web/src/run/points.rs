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

#[cfg(test)]
mod tests {
    use super::*;
    use fpaxos_sim::Scenario;

    #[test]
    fn a_table_runs_until_every_point_has_its_row_or_it_is_cancelled() {
        let points: Vec<Point> = vec![("a".into(), Ok(Scenario::default())); 2];
        let mut t = PointTable::<u32>::new(points.clone());
        assert!(t.running() && t.batch.is_some());
        assert_eq!(t.status(), "running");
        t.rows.push(1);
        assert!(t.running());
        t.rows.push(2);
        assert!(t.finished() && !t.running());
        assert_eq!(t.status(), "done");
        let mut c = PointTable::<u32>::new(points);
        c.cancel();
        assert!(!c.running() && c.batch.is_none() && c.version == 1);
        assert_eq!(c.status(), "cancelled");
    }
}
