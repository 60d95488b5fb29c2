//! The space-time (Lamport) diagram on a `<canvas>`: one lane per node plus one for clients, an
//! arrow per message from send to delivery, drops (✕), elections (★), chosen slots (|) and faults
//! marked, and the report's unavailable time and stalls shaded behind. It follows the time cursor, zooms (wheel, buttons) and pans (drag); hovering shows a
//! message's details. Only the visible time window is read from the trace and drawn. The window
//! lives in the state ([`crate::state::SpaceTimeWindow`]), so the SVG export
//! ([`window_svg`]) draws exactly what the canvas shows.

mod lod;
mod overview;
mod paint;
mod painter;

use crate::browser::{now_ms, offset_in, HtmlCanvasElement};
use crate::format;
use crate::state::{use_app, Action, AppCtx, AppState, SpaceTimeWindow};
use fpaxos::Time;
use overview::Overview;
pub(crate) use paint::Highlight;
use paint::{draw, hover_at, Mode, TimeBand, View, AXIS, LEFT};
use yew::prelude::*;

/// Narrowest window (10 µs).
const MIN_WIDTH: Time = 10_000;

/// The stretch of time the diagram can show, `[0, span]`: the run so far (its data ends at the
/// cursor), but at least the default window before the run has got that far.
fn span_of(app: &AppState) -> Time {
    let first = default_width(&app.scenario).min(app.run.end.max(MIN_WIDTH));
    app.run.now.max(first).max(MIN_WIDTH)
}

/// The window the diagram shows for this state: zoom and pan from
/// [`crate::state::SpaceTimeWindow`], the right edge following the time cursor unless pinned,
/// both clamped to the run (`[0, span_of]`).
fn view_of(app: &AppState) -> View {
    let n = app.scenario.cluster.nodes as usize;
    let lanes = n + 1;
    let lane_h = if n > 15 { 15.0 } else { 24.0 };
    let w = &app.view.spacetime;
    let span = span_of(app);
    let win = w
        .width
        .unwrap_or_else(|| default_width(&app.scenario))
        .clamp(MIN_WIDTH.min(span), span);
    View {
        right: w.pinned.unwrap_or(app.run.now).clamp(win, span),
        width: win,
        w: w.css_w,
        h: lanes as f64 * lane_h + AXIS,
        lanes,
        run: std::rc::Rc::as_ptr(&app.scenario) as usize,
        end: app.run.end.max(span),
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

/// The diagram as the animation export draws it: the page's window width and lanes, the right
/// edge at each frame's time, painted from the recording's own run (`sim`) so the page's run is
/// never moved.
pub(crate) struct FrameView {
    view: View,
    n: usize,
    bands: Vec<TimeBand>,
}

impl FrameView {
    /// The window settings of `app` for a recording of the run `run` (an address naming the
    /// recording's scenario, for the density index) that ends at `end`.
    pub(crate) fn of(app: &AppState, run: usize, end: Time) -> FrameView {
        let mut view = view_of(app);
        view.width = app
            .view
            .spacetime
            .width
            .unwrap_or_else(|| default_width(&app.scenario))
            .clamp(MIN_WIDTH.min(end.max(1)), end.max(MIN_WIDTH));
        view.w = view.w.clamp(480.0, 1600.0);
        view.run = run;
        view.end = end;
        FrameView {
            view,
            n: app.scenario.cluster.nodes as usize,
            bands: bands_of(app),
        }
    }

    /// Width and height of a frame.
    pub(crate) fn size(&self) -> (f64, f64) {
        (self.view.w, self.view.h)
    }

    /// The diagram of `sim` (run to `t`) as it stood at `t`, as SVG elements. The report's
    /// liveness bands are cut at `t`.
    pub(crate) fn svg(&self, sim: &fpaxos_sim::Sim, t: Time) -> String {
        let v = View {
            right: t.max(self.view.width),
            ..self.view
        };
        let bands: Vec<TimeBand> = self
            .bands
            .iter()
            .filter(|b| b.from < t)
            .map(|b| TimeBand {
                to: b.to.min(t),
                ..*b
            })
            .collect();
        paint::svg(sim, &v, t, self.n, &bands)
    }
}

/// The note shown when the diagram log discarded anything (past its memory cap), or when the
/// scenario keeps no trace at all (`metrics.trace_capacity` 0).
fn truncated_note(app: &AppState) -> Option<String> {
    app.with_sim(|s| {
        let tr = s.trace();
        if tr.total() > 0 && tr.diagram().msgs().is_empty() && tr.events().is_empty() {
            return Some(
                "This scenario keeps no trace (metrics.trace_capacity is 0): nothing to draw."
                    .to_string(),
            );
        }
        tr.diagram().discarded_note()
    })
    .flatten()
}

/// The diagram log's size, as a short sentence (read by the measurement script).
fn memory_note(app: &AppState) -> (usize, String) {
    app.with_sim(|s| {
        let log = s.trace().diagram();
        let bytes = log.bytes() + lod::index_bytes();
        (
            bytes,
            format!(
                "{} messages kept for the whole run in {:.1} MB.",
                log.msgs().len(),
                bytes as f64 / 1e6
            ),
        )
    })
    .unwrap_or((0, String::new()))
}

/// Zoom (wheel, buttons), follow and drag-to-pan: each sets the window in the state.
struct WindowControls {
    zoom_in: Callback<MouseEvent>,
    zoom_out: Callback<MouseEvent>,
    follow: Callback<MouseEvent>,
    whole: Callback<MouseEvent>,
    wheel: Callback<WheelEvent>,
}

fn window_controls(app: &AppCtx, win: Time, span: Time) -> WindowControls {
    let set_width = |f: f64| {
        let app = app.clone();
        move || {
            let width = Some(((win as f64 * f) as Time).clamp(MIN_WIDTH.min(span), span));
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
    let whole = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            app.dispatch(Action::SetSpaceTime(SpaceTimeWindow {
                pinned: None,
                width: Some(span),
                ..app.view.spacetime
            }))
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

/// Props of [`SpaceTime`].
#[derive(Properties, PartialEq, Default)]
pub(crate) struct SpaceTimeProps {
    /// The guided tour's nodes and messages to highlight (none elsewhere).
    #[prop_or_default]
    pub(crate) tour: std::rc::Rc<Highlight>,
}

/// The space-time diagram panel: the overview strip of the whole run over the detail canvas.
#[component]
pub(crate) fn SpaceTime(props: &SpaceTimeProps) -> Html {
    let app = use_app();
    let canvas = use_node_ref();
    let hover = use_state(|| None::<(u64, String)>);
    let drag = use_mut_ref(|| None::<(f64, Time)>);
    let mode = use_state(|| Mode::Every { visible: 0 });
    let n = app.scenario.cluster.nodes as usize;
    let view = view_of(&app);
    let span = span_of(&app);
    let (win, right, h) = (view.width, view.right, view.h);
    let now = app.run.now;
    let hl = Highlight {
        hover: hover.as_ref().map(|h| h.0),
        ..(*props.tour).clone()
    };
    let truncated_note = truncated_note(&app);
    let (log_bytes, memory) = memory_note(&app);

    {
        let canvas = canvas.clone();
        let app = app.clone();
        let mode = mode.clone();
        use_effect_with((app.run.version, view, hl), move |(_, view, hl)| {
            if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                let cw = c.client_width() as f64;
                if cw > 0.0 && (cw - view.w).abs() > 1.0 {
                    app.dispatch(Action::SetSpaceTime(SpaceTimeWindow {
                        css_w: cw,
                        ..app.view.spacetime
                    }));
                } else if let Some(d) = {
                    let t0 = now_ms();
                    let d = app
                        .with_sim(|s| draw(&c, s, view, now, n, hl, &bands_of(&app)))
                        .flatten();
                    // The last redraw's wall time (read by scripts/measure-spacetime.sh).
                    let _ = c.set_attribute("data-draw-ms", &format!("{:.2}", now_ms() - t0));
                    d
                } {
                    // How many liveness bands the window shows (read by tests).
                    let _ = c.set_attribute("data-bands", &d.bands.to_string());
                    // How many nodes and messages the tour highlights (read by tests).
                    let marked = hl.nodes.len() + hl.messages.len();
                    let _ = c.set_attribute("data-highlight", &marked.to_string());
                    if d.mode != *mode {
                        mode.set(d.mode);
                    }
                }
            }
            || ()
        });
    }

    let controls = window_controls(&app, win, span);
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
        let canvas = canvas.clone();
        let hover = hover.clone();
        let app = app.clone();
        Callback::from(move |e: PointerEvent| {
            let Some((mx, my)) = offset_in(&canvas, &e) else {
                return;
            };
            if let Some((x0, r0)) = *drag.borrow() {
                if e.buttons() & 1 == 1 {
                    let dt =
                        (e.client_x() as f64 - x0) / (view.w - LEFT).max(1.0) * view.width as f64;
                    let r = (r0 as f64 - dt).clamp(view.width as f64, span as f64) as Time;
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
    let mode_name = match *mode {
        Mode::Every { .. } => "every",
        Mode::Density { .. } => "density",
    };
    let tip = hover
        .as_ref()
        .map(|h| h.1.clone())
        .unwrap_or_else(|| match *mode {
            Mode::Every { .. } => "Hover an arrow for details.".into(),
            Mode::Density { .. } => {
                "Hover a shaded cell for its counts, or an arrow for details.".into()
            }
        });
    html! {
        <section class="panel" aria-label="Space-time diagram">
            <h2>{"Space-time diagram"}</h2>
            <div class="st-tools">
                <button type="button" onclick={controls.zoom_in} aria-label="Zoom in">{"+ Zoom in"}</button>
                <button type="button" onclick={controls.zoom_out} aria-label="Zoom out">{"− Zoom out"}</button>
                <button type="button" onclick={controls.whole} data-testid="spacetime-whole">{"Whole run"}</button>
                <button type="button" onclick={controls.follow} data-testid="spacetime-follow" aria-pressed={(!pinned).to_string()}>{"Follow cursor"}</button>
                <span data-testid="spacetime-window">{format!("Window {} ending at {}", format::time(win), format::time(right))}</span>
                <span class="muted">{"Wheel: zoom · drag: pan · ★ elected · | chosen · ✕ lost/dropped (dashed) · red line: fault · orange band: unavailable · red band: stall"}</span>
            </div>
            <Overview view={view} span={span} />
            <canvas ref={canvas} class="spacetime-canvas" data-testid="spacetime" style={format!("height:{h}px")}
                data-left={view.left_t().to_string()} data-right={right.to_string()} data-span={span.to_string()}
                data-mode={mode_name} data-log-bytes={log_bytes.to_string()}
                role="img" aria-label="Space-time diagram: one lane per node and one for clients, an arrow per message"
                onwheel={controls.wheel} {onpointerdown} {onpointerup} {onpointermove} onpointerleave={onleave}></canvas>
            <p class="st-legend" data-testid="spacetime-legend">{mode.legend()}{" "}<span class="muted">{memory}</span></p>
            if let Some(note) = truncated_note { <p class="muted" data-testid="spacetime-discarded">{note}</p> }
            <p class="st-tip" aria-live="polite">{tip}</p>
        </section>
    }
}

#[cfg(test)]
mod tests;
