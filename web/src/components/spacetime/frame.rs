//! Painting once per animation frame: however many zoom, pan or drag events arrive between two
//! frames, the canvas is painted once, with the latest window.

use crate::browser::FrameLoop;
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The paint waiting for the next frame.
type Job = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// Runs the latest job handed to [`NextFrame::run`] once per frame; earlier jobs not yet run
/// are replaced, never queued. The job runs in a task of its own just after the frame's paint,
/// not in the frame callback: a paint of a whole run (tens of ms while the page is loading)
/// then does not add up with the frame's style, layout and other callbacks to a long task.
/// The canvas shows it with the next frame.
#[derive(Default)]
pub(super) struct NextFrame {
    job: Job,
    scheduled: Rc<Cell<bool>>,
    frame: Option<FrameLoop>,
    /// The job's timer, once its frame has come; dropping it (with the component) cancels it,
    /// so nothing paints after an unmount.
    after: Rc<RefCell<Option<Timeout>>>,
}

impl NextFrame {
    /// Runs `f` after the next frame, instead of any job still waiting.
    pub(super) fn run(&mut self, f: impl FnOnce() + 'static) {
        *self.job.borrow_mut() = Some(Box::new(f));
        if self.scheduled.get() {
            return;
        }
        self.scheduled.set(true);
        let (job, scheduled, after) = (
            Rc::clone(&self.job),
            Rc::clone(&self.scheduled),
            Rc::clone(&self.after),
        );
        // The previous loop (if any) has run and stopped: dropping it cancels nothing.
        self.frame = Some(FrameLoop::start(move |_| {
            let (job, scheduled) = (Rc::clone(&job), Rc::clone(&scheduled));
            *after.borrow_mut() = Some(Timeout::new(0, move || {
                scheduled.set(false);
                let f = job.borrow_mut().take();
                if let Some(f) = f {
                    f();
                }
            }));
            false
        }));
    }
}
