//! The page's one animation-frame loop, as a hook: [`use_frames`] runs a tick per frame while
//! active; [`use_animation_frames`] drives the main run with it, and the compare and sweep
//! panels drive their runners with [`use_runner`].

use crate::browser::{now_ms, record_metric, AfterPaint};
use crate::run::warm::{WarmUp, WARM_SLICE_MS};
use crate::run::{Tick, BACKGROUND_BUDGET_MS};
use crate::state::{Action, AppCtx};
use fpaxos_sim::Scenario;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Calls `tick(frame time)` once per animation frame while `active`, just after the frame's
/// paint ([`AfterPaint`]); the loop stops when `tick` returns false or `active` changes.
#[hook]
pub(crate) fn use_frames(active: bool, tick: Rc<dyn Fn(f64) -> bool>) {
    use_effect_with(active, move |active| {
        let frames = active.then(|| AfterPaint::start(move |t| tick(t)));
        move || drop(frames)
    });
}

/// Drives the main run one [`Action::Frame`] per frame while `active`.
#[hook]
pub(crate) fn use_animation_frames(active: bool, app: AppCtx) {
    let dispatcher = app.dispatcher();
    use_frames(
        active,
        Rc::new(move |t| {
            dispatcher.dispatch(Action::Frame(t));
            true
        }),
    );
}

/// A runner kept across renders (`None`: nothing to run), ticked once per frame while it has
/// work, with the component redrawn after each tick.
pub(crate) type RunnerCell<R> = Rc<RefCell<Option<R>>>;

/// A callback that applies `act` to the runner in `cell`, if there is one, and redraws the
/// component (the panels' Cancel buttons).
pub(crate) fn runner_callback<R: 'static, E>(
    cell: &RunnerCell<R>,
    redraw: &UseForceUpdateHandle,
    act: fn(&mut R),
) -> Callback<E> {
    let (cell, redraw) = (cell.clone(), redraw.clone());
    Callback::from(move |_| {
        if let Some(r) = cell.borrow_mut().as_mut() {
            act(r);
        }
        redraw.force_update();
    })
}

/// Ticks the runner in `cell` every frame while `busy`, with the background budget and the
/// browser's clock, and redraws the component after a tick that changed what it shows (see
/// [`Tick::version`]) and after the last one.
#[hook]
pub(crate) fn use_runner<R: Tick + 'static>(cell: RunnerCell<R>, busy: bool) {
    let redraw = use_force_update();
    let seen = use_mut_ref(|| None::<u64>);
    use_frames(
        busy,
        Rc::new(move |_| {
            let (more, version) = cell.borrow_mut().as_mut().map_or((false, None), |r| {
                (r.tick(BACKGROUND_BUDGET_MS, &now_ms), r.version())
            });
            let changed = version.is_none() || *seen.borrow() != version;
            *seen.borrow_mut() = version;
            if changed || !more {
                redraw.force_update();
            }
            more
        }),
    );
}

/// Runs the [`WarmUp`] of `scenario` once, in short slices a timer apart, as soon as `idle`
/// (the page has mounted and its own run is not moving). It stops for good when `idle` ends:
/// the page's run then warms the engine up itself. Where a worker hosts the page's run, the
/// worker warms up instead ([`crate::run::Link::warm_up`]), until any command comes.
#[hook]
pub(crate) fn use_warm_up(scenario: Rc<Scenario>, idle: bool) {
    let started = use_mut_ref(|| false);
    use_effect_with(idle, move |&idle| {
        let stop = Rc::new(Cell::new(false));
        let link = crate::run::Link::shared();
        if idle && link.in_worker() {
            // The run's worker warms itself up (the page's own engine runs nothing).
            if !started.replace(true) {
                link.warm_up(&now_ms);
            }
        } else if idle && !started.replace(true) {
            // The throwaway run is built in a timer task of its own, not in this one.
            let stop = Rc::clone(&stop);
            gloo_timers::callback::Timeout::new(WARM_EVERY_MS, move || {
                if !stop.get() {
                    warm_slice(WarmUp::new(&scenario), stop);
                }
            })
            .forget();
        }
        move || stop.set(true)
    });
}

/// Milliseconds between two slices of the warm-up.
const WARM_EVERY_MS: u32 = 25;

/// Runs the warm-up's next slice a timer away; each slice sets the next one's timer, until the
/// warm-up is over or `stop` is set (no timer is left behind either way).
fn warm_slice(mut w: WarmUp, stop: Rc<Cell<bool>>) {
    gloo_timers::callback::Timeout::new(WARM_EVERY_MS, move || {
        if stop.get() {
            return;
        }
        if w.tick(WARM_SLICE_MS, &now_ms) {
            warm_slice(w, stop);
        } else {
            record_metric("warm_up_ms", w.spent_ms());
        }
    })
    .forget();
}

/// How many of the page's later parts may mount: 0 at first, then one more after each paint
/// up to `parts`. What the first paint can do without (the page's panels, from the cluster down)
/// mounts after it, a part per frame: the first paint comes sooner, and loading is a few
/// short tasks instead of one long one.
#[hook]
pub(crate) fn use_parts_after_paint(parts: u32) -> u32 {
    let mounted = use_state(|| 0u32);
    let next = *mounted + 1;
    {
        let mounted = mounted.clone();
        use_effect_with(next, move |&next| {
            let frame = (next <= parts).then(|| AfterPaint::once(move || mounted.set(next)));
            move || drop(frame)
        });
    }
    *mounted
}
