//! The space-time (Lamport) diagram on a `<canvas>`: one lane per node plus one for clients, an
//! arrow per message from send to delivery, drops (✕), elections (★), chosen slots (|) and faults
//! marked, and the report's unavailable time and stalls shaded behind. It follows the time
//! cursor, zooms (wheel, buttons) and pans (drag); hovering shows a message's details or a
//! density cell's counts. Only the visible time window is read from the trace and drawn.
//!
//! The window is kept in its own small store ([`crate::state::spacetime_window`]), read by the
//! diagram, its overview and the SVG export ([`window_svg`], so the export draws exactly what
//! the canvas shows): a zoom or pan re-renders this panel only, and the canvas is painted once
//! per animation frame however many events arrived. Hover highlights go on a transparent canvas
//! laid over the diagram, so moving the pointer never repaints it.

mod controls;
mod frame;
mod hover;
mod lod;
mod overview;
mod paint;
mod painter;

use crate::browser::{now_ms, offset_in, Element, HtmlCanvasElement, Resized};
use crate::format;
use crate::state::{spacetime_window, use_app, AppState, SpaceTimeWindow};
use controls::{window_controls, Windows};
use fpaxos::Time;
use fpaxos_sim::trace::DiagramLog;
use hover::{hover_at, paint_hover, Hover};
use overview::Overview;
pub(crate) use paint::Highlight;
use paint::{draw, Mode, TimeBand, View, AXIS};
use yew::prelude::*;

/// Narrowest window (10 µs).
const MIN_WIDTH: Time = 10_000;

/// The stretch of time the diagram can show, `[0, span]`: the run so far (its data ends at the
/// cursor), but at least the default window before the run has got that far.
fn span_of(app: &AppState) -> Time {
    let first = default_width(&app.scenario).min(app.run.end.max(MIN_WIDTH));
    app.run.now.max(first).max(MIN_WIDTH)
}

/// The window the diagram shows for this state: zoom and pan from the window `w`
/// ([`crate::state::spacetime_window`]), the right edge following the time cursor unless
/// pinned, both clamped to the run (`[0, span_of]`).
fn view_of(app: &AppState, w: &SpaceTimeWindow) -> View {
    let n = app.scenario.cluster.nodes as usize;
    let lanes = n + 1;
    let lane_h = if n > 15 { 15.0 } else { 24.0 };
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
    let v = view_of(app, &spacetime_window());
    let n = app.scenario.cluster.nodes as usize;
    let bands = bands_of(app);
    app.with_diagram(|log| (paint::svg(log, &v, app.run.now, n, &bands), v.w, v.h))
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
        let w = spacetime_window();
        let mut view = view_of(app, &w);
        view.width = w
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

    /// The diagram of a run's log (the run at `t`) as it stood at `t`, as SVG elements. The
    /// report's liveness bands are cut at `t`.
    pub(crate) fn svg(&self, log: &DiagramLog, t: Time) -> String {
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
        paint::svg(log, &v, t, self.n, &bands)
    }
}

/// The note shown when the diagram log discarded anything (past its memory cap), or when the
/// scenario keeps no trace at all (`metrics.trace_capacity` 0).
fn truncated_note(app: &AppState) -> Option<String> {
    if app.scenario.metrics.trace_capacity == 0 {
        return Some(
            "This scenario keeps no trace (metrics.trace_capacity is 0): nothing to draw."
                .to_string(),
        );
    }
    app.with_diagram(DiagramLog::discarded_note).flatten()
}

/// The diagram log's size, as a short sentence (read by the measurement script).
fn memory_note(app: &AppState) -> (usize, String) {
    app.with_diagram(|log| {
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

/// Paints the window on the canvas (and clears the hover overlay). The canvas's width comes
/// from the window's `css_w`, which a resize observer keeps equal to the canvas's own.
fn paint_window(
    app: &AppState,
    (canvas, overlay): (&HtmlCanvasElement, Option<HtmlCanvasElement>),
    view: &View,
    tour: &Highlight,
) -> Option<Mode> {
    let t0 = now_ms();
    let n = app.scenario.cluster.nodes as usize;
    let d = app
        .with_diagram(|log| draw(canvas, log, view, app.run.now, n, tour, &bands_of(app)))
        .flatten()?;
    if let Some(o) = overlay {
        paint_hover(&o, view, None);
    }
    // The last redraw's wall time (read by scripts/measure-spacetime.sh), and how many redraws
    // so far (a test checks that hovering adds none).
    let _ = canvas.set_attribute("data-draw-ms", &format!("{:.2}", now_ms() - t0));
    let paints = canvas
        .get_attribute("data-paints")
        .and_then(|p| p.parse::<u64>().ok());
    let _ = canvas.set_attribute("data-paints", &(paints.unwrap_or(0) + 1).to_string());
    // How many liveness bands the window shows (read by tests).
    let _ = canvas.set_attribute("data-bands", &d.bands.to_string());
    // How many nodes and messages the tour highlights (read by tests).
    let marked = tour.nodes.len() + tour.messages.len();
    let _ = canvas.set_attribute("data-highlight", &marked.to_string());
    Some(d.mode)
}

/// Props of [`SpaceTime`].
#[derive(Properties, PartialEq, Default)]
pub(crate) struct SpaceTimeProps {
    /// The guided tour's nodes and messages to highlight (none elsewhere).
    #[prop_or_default]
    pub(crate) tour: std::rc::Rc<Highlight>,
}

/// The window's width follows the canvas's (a change re-renders and paints again).
#[hook]
fn use_width_of(canvas: NodeRef, windows: Windows) {
    use_effect_with((), move |_| {
        let watch = canvas.cast::<Element>().map(|c| {
            Resized::watch(&c, move |cw| {
                if cw > 0.0 {
                    windows.update(|w| {
                        if (cw - w.css_w).abs() > 1.0 {
                            SpaceTimeWindow { css_w: cw, ..w }
                        } else {
                            w
                        }
                    });
                }
            })
        });
        move || drop(watch)
    });
}

/// The space-time diagram panel: the overview strip of the whole run over the detail canvas.
#[component]
pub(crate) fn SpaceTime(props: &SpaceTimeProps) -> Html {
    let app = use_app();
    let windows = Windows {
        redraw: use_force_update(),
    };
    let canvas = use_node_ref();
    let overlay = use_node_ref();
    let hover = use_state(|| None::<Hover>);
    let drag = use_mut_ref(|| None::<(f64, Time)>);
    let mode = use_state(|| Mode::Every { visible: 0 });
    let next_frame = use_mut_ref(frame::NextFrame::default);
    let n = app.scenario.cluster.nodes as usize;
    let view = view_of(&app, &spacetime_window());
    let span = span_of(&app);
    let (win, right, h) = (view.width, view.right, view.h);
    let now = app.run.now;
    let tour = props.tour.clone();
    let truncated_note = truncated_note(&app);
    let (log_bytes, memory) = memory_note(&app);

    {
        let (canvas, overlay) = (canvas.clone(), overlay.clone());
        let (app, mode, hover) = (app.clone(), mode.clone(), hover.clone());
        use_effect_with((app.run.version, view, tour), move |(_, view, tour)| {
            let (view, tour) = (*view, tour.clone());
            if hover.is_some() {
                hover.set(None);
            }
            next_frame.borrow_mut().run(move || {
                let Some(c) = canvas.cast::<HtmlCanvasElement>() else {
                    return;
                };
                let o = overlay.cast::<HtmlCanvasElement>();
                if let Some(m) = paint_window(&app, (&c, o), &view, &tour) {
                    if m != *mode {
                        mode.set(m);
                    }
                }
            });
            || ()
        });
    }

    use_width_of(canvas.clone(), windows.clone());
    let controls = window_controls(&app, &windows);
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
        let (drag, canvas, overlay) = (drag.clone(), canvas.clone(), overlay.clone());
        let (hover, app, windows) = (hover.clone(), app.clone(), windows.clone());
        Callback::from(move |e: PointerEvent| {
            let Some(at) = offset_in(&canvas, &e) else {
                return;
            };
            if let Some((x0, r0)) = *drag.borrow() {
                if e.buttons() & 1 == 1 {
                    let dt = (e.client_x() as f64 - x0) / (view.w - paint::LEFT).max(1.0)
                        * view.width as f64;
                    let r = (r0 as f64 - dt).clamp(view.width as f64, span as f64) as Time;
                    windows.update(|w| SpaceTimeWindow {
                        pinned: Some(r),
                        ..w
                    });
                    return;
                }
            }
            let new = app
                .with_diagram(|log| hover_at(log, &view, now, n, at))
                .flatten();
            if new.as_ref().map(|x| x.key) != hover.as_ref().map(|x| x.key) {
                if let Some(o) = overlay.cast::<HtmlCanvasElement>() {
                    paint_hover(&o, &view, new.as_ref());
                }
                hover.set(new);
            }
        })
    };
    let onleave = {
        let (hover, drag, overlay) = (hover.clone(), drag.clone(), overlay.clone());
        Callback::from(move |_: PointerEvent| {
            *drag.borrow_mut() = None;
            if let Some(o) = overlay.cast::<HtmlCanvasElement>() {
                paint_hover(&o, &view, None);
            }
            if hover.is_some() {
                hover.set(None);
            }
        })
    };
    let on_window = {
        let windows = windows.clone();
        Callback::from(move |w: SpaceTimeWindow| windows.update(|_| w))
    };
    let pinned = spacetime_window().pinned.is_some();
    let mode_name = match *mode {
        Mode::Every { .. } => "every",
        Mode::Density { .. } => "density",
    };
    let tip = hover
        .as_ref()
        .map(|h| h.text.clone())
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
                <span class="st-window" data-testid="spacetime-window">{format!("Window {} ending at {}", format::time(win), format::time(right))}</span>
                <span class="muted">{"Wheel: zoom · drag: pan · ★ elected · | chosen · ✕ lost/dropped (dashed) · red line: fault · orange band: unavailable · red band: stall"}</span>
            </div>
            <Overview view={view} span={span} {on_window} />
            <div class="spacetime-wrap">
                <canvas ref={canvas} class="spacetime-canvas" data-testid="spacetime" style={format!("height:{h}px")}
                    data-left={view.left_t().to_string()} data-right={right.to_string()} data-span={span.to_string()}
                    data-mode={mode_name} data-log-bytes={log_bytes.to_string()}
                    data-hover={hover.as_ref().map(|h| h.key.to_string())}
                    role="img" aria-label="Space-time diagram: one lane per node and one for clients, an arrow per message"
                    onwheel={controls.wheel} {onpointerdown} {onpointerup} {onpointermove} onpointerleave={onleave}></canvas>
                <canvas ref={overlay} class="st-overlay" data-testid="spacetime-hover" style={format!("height:{h}px")} aria-hidden="true"></canvas>
            </div>
            <p class="st-tip" aria-live="polite" data-testid="spacetime-tip">{tip}</p>
            <p class="st-legend" data-testid="spacetime-legend">{mode.legend()}{" "}<span class="muted">{memory}</span></p>
            if let Some(note) = truncated_note { <p class="muted" data-testid="spacetime-discarded">{note}</p> }
        </section>
    }
}

#[cfg(test)]
mod tests;
