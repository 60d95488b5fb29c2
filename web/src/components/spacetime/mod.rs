//! The space-time (Lamport) diagram on a `<canvas>`: one lane per node plus one for clients, an
//! arrow per message from send to delivery, drops (✕), elections (★), chosen slots (|) and faults
//! marked, and the report's unavailable time and stalls shaded behind. It follows the time cursor, zooms (wheel, buttons) and pans (drag); hovering shows a
//! message's details. Only the visible time window is read from the trace and drawn. The window
//! lives in the state ([`crate::state::SpaceTimeWindow`]), so the SVG export
//! ([`window_svg`]) draws exactly what the canvas shows.

mod paint;

use crate::browser::{offset_in_target, HtmlCanvasElement};
use crate::format;
use crate::state::{use_app, Action, AppCtx, AppState, SpaceTimeWindow};
use fpaxos::Time;
use paint::{draw, hover_at, TimeBand, View, AXIS, LEFT};
use yew::prelude::*;

/// The window the diagram shows for this state: zoom and pan from
/// [`crate::state::SpaceTimeWindow`], the right edge following the time cursor unless pinned.
fn view_of(app: &AppState) -> View {
    let n = app.scenario.cluster.nodes as usize;
    let lanes = n + 1;
    let lane_h = if n > 15 { 15.0 } else { 24.0 };
    let w = &app.view.spacetime;
    let win = w
        .width
        .unwrap_or_else(|| default_width(&app.scenario))
        .max(1000);
    View {
        right: w.pinned.unwrap_or(app.run.now.max(win)),
        width: win,
        w: w.css_w,
        h: lanes as f64 * lane_h + AXIS,
        lanes,
    }
}

/// A window about 14 mean one-way latencies wide.
fn default_width(s: &fpaxos_sim::Scenario) -> Time {
    let l = &s.network;
    let mean = l
        .regions
        .as_ref()
        .map_or(l.latency.mean(), |r| r.remote.mean())
        .0;
    (mean * 14).clamp(200_000, 2_000_000_000)
}

/// The report's unavailable intervals, then its stalls (drawn over them), as time bands.
fn bands_of(app: &AppState) -> Vec<TimeBand> {
    use crate::components::liveness::ms_to_ns;
    let Some(rr) = &app.run.report else {
        return Vec::new();
    };
    let l = &rr.report.liveness;
    let unavailable = l.unavailable.iter().map(|&(a, b)| TimeBand {
        from: ms_to_ns(a),
        to: ms_to_ns(b),
        stall: false,
    });
    let stalls = l.stalls.iter().map(|s| TimeBand {
        from: ms_to_ns(s.from_ms),
        to: ms_to_ns(s.to_ms),
        stall: true,
    });
    unavailable.chain(stalls).collect()
}

/// The window the diagram shows for this state, as SVG elements (vector, not pixels), with its
/// size: the same painting as the canvas.
pub(crate) fn window_svg(app: &AppState) -> Option<(String, f64, f64)> {
    let v = view_of(app);
    let n = app.scenario.cluster.nodes as usize;
    let bands = bands_of(app);
    app.with_sim(|sim| (paint::svg(sim, &v, app.run.now, n, &bands), v.w, v.h))
}

/// The note shown when the trace no longer holds the window's oldest events (the trace keeps
/// the most recent events only, `metrics.trace_capacity`).
fn truncated_note(app: &AppState, view: &View) -> Option<String> {
    let oldest_kept = app
        .with_sim(|s| {
            let tr = s.trace();
            if tr.truncated() {
                tr.events().front().map(|e| e.time())
            } else {
                None
            }
        })
        .flatten();
    oldest_kept.filter(|t| *t > view.left_t()).map(|t| {
        format!(
            "Events before {} were discarded (trace capacity); older arrows are not shown.",
            format::time(t)
        )
    })
}

/// Zoom (wheel, buttons), follow and drag-to-pan: each sets the window in the state.
struct WindowControls {
    zoom_in: Callback<MouseEvent>,
    zoom_out: Callback<MouseEvent>,
    follow: Callback<MouseEvent>,
    wheel: Callback<WheelEvent>,
}

fn window_controls(app: &AppCtx, win: Time) -> WindowControls {
    let set_width = |f: f64| {
        let app = app.clone();
        move || {
            let width = Some(((win as f64 * f) as Time).clamp(10_000, 3_600_000_000_000));
            app.dispatch(Action::SetSpaceTime(SpaceTimeWindow {
                width,
                ..app.view.spacetime
            }));
        }
    };
    let (zin, zout) = (set_width(0.5), set_width(2.0));
    let (wheel_in, wheel_out) = (set_width(0.8), set_width(1.25));
    let follow = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            app.dispatch(Action::SetSpaceTime(SpaceTimeWindow {
                pinned: None,
                width: None,
                ..app.view.spacetime
            }))
        })
    };
    WindowControls {
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

/// The space-time diagram panel.
#[component]
pub(crate) fn SpaceTime() -> Html {
    let app = use_app();
    let canvas = use_node_ref();
    let hover = use_state(|| None::<(u64, String)>);
    let drag = use_mut_ref(|| None::<(f64, Time)>);
    let capped = use_state(|| false);
    let n = app.scenario.cluster.nodes as usize;
    let view = view_of(&app);
    let (win, right, h) = (view.width, view.right, view.h);
    let now = app.run.now;
    let hover_id = hover.as_ref().map(|h| h.0);
    let truncated_note = truncated_note(&app, &view);

    {
        let canvas = canvas.clone();
        let app = app.clone();
        let capped = capped.clone();
        use_effect_with(
            (app.run.version, view, hover_id),
            move |(_, view, hover_id)| {
                if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                    let cw = c.client_width() as f64;
                    if cw > 0.0 && (cw - view.w).abs() > 1.0 {
                        app.dispatch(Action::SetSpaceTime(SpaceTimeWindow {
                            css_w: cw,
                            ..app.view.spacetime
                        }));
                    } else if let Some(d) = app
                        .with_sim(|s| draw(&c, s, view, now, n, *hover_id, &bands_of(&app)))
                        .flatten()
                    {
                        // How many liveness bands the window shows (read by tests).
                        let _ = c.set_attribute("data-bands", &d.bands.to_string());
                        if d.capped != *capped {
                            capped.set(d.capped);
                        }
                    }
                }
                || ()
            },
        );
    }

    let controls = window_controls(&app, win);
    let onpointerdown = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            *drag.borrow_mut() = Some((e.client_x() as f64, right));
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| {
            *drag.borrow_mut() = None;
        })
    };
    let onpointermove = {
        let drag = drag.clone();
        let hover = hover.clone();
        let app = app.clone();
        Callback::from(move |e: PointerEvent| {
            let Some((mx, my)) = offset_in_target(&e) else {
                return;
            };
            if let Some((x0, r0)) = *drag.borrow() {
                if e.buttons() & 1 == 1 {
                    let dt =
                        (e.client_x() as f64 - x0) / (view.w - LEFT).max(1.0) * view.width as f64;
                    let r = (r0 as f64 - dt).max(view.width as f64) as Time;
                    app.dispatch(Action::SetSpaceTime(SpaceTimeWindow {
                        pinned: Some(r),
                        ..app.view.spacetime
                    }));
                    return;
                }
            }
            let new = app
                .with_sim(|s| hover_at(s, &view, now, n, mx, my))
                .flatten();
            if new.as_ref().map(|x| x.0) != hover.as_ref().map(|x| x.0) {
                hover.set(new);
            }
        })
    };
    let onleave = {
        let hover = hover.clone();
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| {
            *drag.borrow_mut() = None;
            hover.set(None);
        })
    };
    let pinned = app.view.spacetime.pinned.is_some();
    html! {
        <section class="panel" aria-label="Space-time diagram">
            <h2>{"Space-time diagram"}</h2>
            <div class="st-tools">
                <button type="button" onclick={controls.zoom_in} aria-label="Zoom in">{"+ Zoom in"}</button>
                <button type="button" onclick={controls.zoom_out} aria-label="Zoom out">{"− Zoom out"}</button>
                <button type="button" onclick={controls.follow} aria-pressed={(!pinned).to_string()}>{"Follow cursor"}</button>
                <span>{format!("Window {} ending at {}", format::time(win), format::time(right))}</span>
                <span class="muted">{"Wheel: zoom · drag: pan · ★ elected · | chosen · ✕ lost/dropped (dashed) · red line: fault · orange band: unavailable · red band: stall"}</span>
            </div>
            <canvas ref={canvas} class="spacetime-canvas" data-testid="spacetime" style={format!("height:{h}px")}
                role="img" aria-label="Space-time diagram: one lane per node and one for clients, an arrow per message"
                onwheel={controls.wheel} {onpointerdown} {onpointerup} {onpointermove} onpointerleave={onleave}></canvas>
            if let Some(note) = truncated_note { <p class="muted">{note}</p> }
            <p class="st-tip" aria-live="polite">{hover.as_ref().map(|h| h.1.clone()).unwrap_or_else(|| if *capped { "Too many messages: showing the first 6000 in the window; zoom in.".into() } else { "Hover an arrow for details.".into() })}</p>
        </section>
    }
}
