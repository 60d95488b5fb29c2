//! Painting once per animation frame: however many zoom, pan or drag events arrive between two
//! frames, the canvas is painted once, with the latest window.

use crate::browser::AfterPaint;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The paint waiting for the next frame.
type Job = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// Runs the latest job handed to [`NextFrame::run`] once per frame, just after the frame's
/// paint ([`AfterPaint`]: a paint of a whole run, tens of ms while the page is loading, is a
/// task of its own); earlier jobs not yet run are replaced, never queued.
#[derive(Default)]
pub(super) struct NextFrame {
    job: Job,
    scheduled: Rc<Cell<bool>>,
    frame: Option<AfterPaint>,
}

impl NextFrame {
    /// Runs `f` after the next frame, instead of any job still waiting.
    pub(super) fn run(&mut self, f: impl FnOnce() + 'static) {
        *self.job.borrow_mut() = Some(Box::new(f));
        if self.scheduled.get() {
            return;
        }
        self.scheduled.set(true);
        let (job, scheduled) = (Rc::clone(&self.job), Rc::clone(&self.scheduled));
        // The previous loop (if any) has run its job: dropping it cancels at most a frame with
        // nothing left to do.
        self.frame = Some(AfterPaint::once(move || {
            scheduled.set(false);
            let f = job.borrow_mut().take();
            if let Some(f) = f {
                f();
            }
        }));
    }
}
