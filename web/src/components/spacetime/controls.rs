//! Zoom (wheel, buttons), "Whole run", "Follow cursor" and drag-to-pan: each changes the window
//! in its store ([`crate::state::set_spacetime_window`]) and re-renders only the diagram panel.
//! Every change starts from the window as it is when the event arrives (not as it was at the
//! last render), so several wheel events within one frame all count.

use super::{span_of, view_of, MIN_WIDTH};
use crate::state::{set_spacetime_window, spacetime_window, AppCtx, SpaceTimeWindow};
use fpaxos::Time;
use yew::prelude::*;

/// Changes the window and re-renders the diagram panel (only when it changed).
#[derive(Clone)]
pub(super) struct Windows {
    pub(super) redraw: UseForceUpdateHandle,
}

impl Windows {
    /// Sets the window to `f(window now)`.
    pub(super) fn update(&self, f: impl FnOnce(SpaceTimeWindow) -> SpaceTimeWindow) {
        let old = spacetime_window();
        let new = f(old);
        if new != old {
            set_spacetime_window(new);
            self.redraw.force_update();
        }
    }
}

/// The panel's buttons and wheel handler.
pub(super) struct WindowControls {
    pub(super) zoom_in: Callback<MouseEvent>,
    pub(super) zoom_out: Callback<MouseEvent>,
    pub(super) follow: Callback<MouseEvent>,
    pub(super) whole: Callback<MouseEvent>,
    pub(super) wheel: Callback<WheelEvent>,
}

/// Scales the window's width by `f` (clamped to the run), keeping its right edge.
fn zoom(app: &AppCtx, windows: &Windows, f: f64) {
    windows.update(|w| {
        let span = span_of(app);
        let win = view_of(app, &w).width;
        let width = Some(((win as f64 * f) as Time).clamp(MIN_WIDTH.min(span), span));
        SpaceTimeWindow { width, ..w }
    })
}

pub(super) fn window_controls(app: &AppCtx, windows: &Windows) -> WindowControls {
    let by = |f: f64| {
        let (app, windows) = (app.clone(), windows.clone());
        move || zoom(&app, &windows, f)
    };
    let (zin, zout) = (by(0.5), by(2.0));
    let (wheel_in, wheel_out) = (by(0.8), by(1.25));
    let follow = {
        let windows = windows.clone();
        Callback::from(move |_: MouseEvent| {
            windows.update(|w| SpaceTimeWindow {
                pinned: None,
                width: None,
                ..w
            })
        })
    };
    let whole = {
        let (app, windows) = (app.clone(), windows.clone());
        Callback::from(move |_: MouseEvent| {
            let span = span_of(&app);
            windows.update(|w| SpaceTimeWindow {
                pinned: None,
                width: Some(span),
                ..w
            })
        })
    };
    WindowControls {
        whole,
        zoom_in: Callback::from(move |_: MouseEvent| zin()),
        zoom_out: Callback::from(move |_: MouseEvent| zout()),
        follow,
        wheel: Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            if e.delta_y() > 0.0 {
                wheel_out()
            } else {
                wheel_in()
            }
        }),
    }
}
