//! The overview strip: the whole run at once (message density per lane, faults, elections,
//! unavailable time, stalls and safety violations) with the detail view's window drawn on it.
//! Dragging the window pans the detail view, dragging its edges resizes it, and pressing outside
//! it centres it there.

use super::lod;
use super::paint::{paint_density, View, COL_PX, LEFT};
use super::painter::{CanvasPainter, Painter, Stroke};
use crate::browser::{canvas_2d, now_ms, offset_in, HtmlCanvasElement};
use crate::state::{spacetime_window, use_app, AppState, SpaceTimeWindow};
use fpaxos::Time;
use fpaxos_sim::trace::MarkKind;
use yew::prelude::*;

/// Height of one lane in the strip (CSS px).
const LANE_H: f64 = 6.0;
/// Room above the lanes for violation markers.
const TOP: f64 = 8.0;

/// The overview's properties: the detail view's window and the run's extent.
#[derive(Properties, PartialEq)]
pub(super) struct OverviewProps {
    /// The detail view's window.
    pub(super) view: View,
    /// The run's extent, `[0, span]`.
    pub(super) span: Time,
    /// Sets the detail view's window (a drag on the strip).
    pub(super) on_window: Callback<SpaceTimeWindow>,
}

/// Time ↔ x on the strip: the whole `[0, span]` across the same plot width as the detail view.
#[derive(Clone, Copy)]
struct Scale {
    span: Time,
    w: f64,
}

impl Scale {
    fn x(&self, t: Time) -> f64 {
        LEFT + t as f64 / self.span.max(1) as f64 * (self.w - LEFT - 6.0)
    }
    fn t(&self, x: f64) -> f64 {
        (x - LEFT) / (self.w - LEFT - 6.0).max(1.0) * self.span as f64
    }
}

fn strip_height(lanes: usize) -> f64 {
    TOP + lanes as f64 * LANE_H + 4.0
}

/// Paints the strip (without the window, which sits on a canvas of its own: [`paint_window`]).
fn paint_overview(c: &HtmlCanvasElement, app: &AppState, v: &View, span: Time) -> Option<()> {
    let h = strip_height(v.lanes);
    let ctx = canvas_2d(c, v.w, h)?;
    ctx.set_fill_style_str("#f8fafc");
    ctx.fill_rect(0.0, 0.0, v.w, h);
    let p = &mut CanvasPainter::new(&ctx);
    let s = Scale { span, w: v.w };
    let n = v.lanes - 1;
    for b in super::bands_of(app) {
        let (x0, x1) = (s.x(b.from.min(span)), s.x(b.to.min(span)));
        let color = crate::components::chart::xy::band_color(b.stall);
        p.rect((x0, 0.0), ((x1 - x0).max(1.0), h), color, 0.3);
    }
    p.text(
        4.0,
        TOP + v.lanes as f64 * LANE_H / 2.0 + 4.0,
        "run",
        "#374151",
        11.0,
        false,
    );
    app.with_diagram(|log| {
        let cols = ((v.w - LEFT - 6.0) / COL_PX).max(1.0) as usize;
        let d = lod::density(log, v.run, v.end, (0, span), cols, n);
        paint_density(p, &d, (LEFT, COL_PX), (TOP, LANE_H));
        let mut last = f64::NEG_INFINITY;
        for m in log.marks().iter().filter(|m| m.kind == MarkKind::Elected) {
            let x = s.x(m.t);
            if x - last >= 2.0 {
                last = x;
                let y = TOP + (m.node as usize).min(n) as f64 * LANE_H;
                p.rect((x - 1.0, y - 1.0), (3.0, LANE_H + 2.0), "#7c3aed", 1.0);
            }
        }
        for (t, _) in log.faults() {
            let x = s.x(*t);
            p.line((x, 0.0), (x, h), Stroke::solid("#b91c1c", 1.5));
        }
    });
    if let Some(rr) = &app.run.report {
        for viol in &rr.report.safety.violations {
            let x = s.x(viol.time_ns);
            p.triangle([(x - 5.0, 0.0), (x + 5.0, 0.0), (x, TOP)], "#dc2626");
        }
    }
    Some(())
}

/// Paints the detail view's window on the strip's transparent overlay, so a pan or a drag
/// repaints this small drawing, not the strip.
fn paint_window(c: &HtmlCanvasElement, v: &View, span: Time) -> Option<()> {
    let h = strip_height(v.lanes);
    let ctx = canvas_2d(c, v.w, h)?;
    ctx.clear_rect(0.0, 0.0, v.w, h);
    let p = &mut CanvasPainter::new(&ctx);
    let s = Scale { span, w: v.w };
    let (x0, x1) = (s.x(v.left_t()), s.x(v.right));
    p.rect((x0, 0.0), ((x1 - x0).max(2.0), h), "#1d4ed8", 0.12);
    let edge = Stroke::solid("#1d4ed8", 2.0);
    p.line((x0, 0.0), (x0, h), edge);
    p.line((x1, 0.0), (x1, h), edge);
    p.line((x0, 1.0), (x1, 1.0), edge);
    p.line((x0, h - 1.0), (x1, h - 1.0), edge);
    Some(())
}

/// What a drag on the strip holds: the left edge, the right edge, or the whole window.
#[derive(Clone, Copy)]
enum Grab {
    Left,
    Right,
    Move,
}

/// The overview strip (a canvas above the detail view).
#[component]
pub(super) fn Overview(props: &OverviewProps) -> Html {
    let app = use_app();
    let canvas = use_node_ref();
    let window = use_node_ref();
    let drag = use_mut_ref(|| None::<(Grab, f64, Time, Time)>);
    let next_frame = use_mut_ref(super::frame::NextFrame::default);
    let next_window = use_mut_ref(super::frame::NextFrame::default);
    let (v, span) = (props.view, props.span);
    {
        // The strip: repainted when the run, its span or the canvas's size change, not when
        // only the window moves.
        let canvas = canvas.clone();
        let app = app.clone();
        let sized = View {
            right: 0,
            width: 0,
            ..v
        };
        let key = (app.run.version, sized, span, app.run.report.is_some());
        use_effect_with(key, move |_| {
            // Painted in the next frame, once however many drag events arrive before it.
            next_frame.borrow_mut().run(move || {
                if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                    let t0 = now_ms();
                    paint_overview(&c, &app, &v, span);
                    let _ = c.set_attribute("data-draw-ms", &format!("{:.2}", now_ms() - t0));
                }
            });
            || ()
        });
    }
    {
        let window = window.clone();
        use_effect_with((v, span), move |&(v, span)| {
            next_window.borrow_mut().run(move || {
                if let Some(c) = window.cast::<HtmlCanvasElement>() {
                    paint_window(&c, &v, span);
                }
            });
            || ()
        });
    }
    let s = Scale { span, w: v.w };
    let set = {
        let on_window = props.on_window.clone();
        move |left: f64, right: f64| {
            let width = (right - left).clamp(super::MIN_WIDTH.min(span) as f64, span as f64);
            let right = right.clamp(width, span as f64);
            on_window.emit(SpaceTimeWindow {
                pinned: Some(right as Time),
                width: Some(width as Time),
                ..spacetime_window()
            });
        }
    };
    let onpointerdown = {
        let drag = drag.clone();
        let canvas = canvas.clone();
        let set = set.clone();
        Callback::from(move |e: PointerEvent| {
            let Some((mx, _)) = offset_in(&canvas, &e) else {
                return;
            };
            let (x0, x1) = (s.x(v.left_t()), s.x(v.right));
            let grab = if (mx - x0).abs() < 6.0 {
                Grab::Left
            } else if (mx - x1).abs() < 6.0 {
                Grab::Right
            } else {
                Grab::Move
            };
            let (mut l, mut r) = (v.left_t(), v.right);
            if matches!(grab, Grab::Move) && !(x0..=x1).contains(&mx) {
                // Centre the window where the strip was pressed, then drag it from there.
                let c = s.t(mx);
                let half = v.width as f64 / 2.0;
                let right = (c + half).clamp(v.width as f64, span as f64);
                set(right - v.width as f64, right);
                r = right as Time;
                l = r - v.width;
            }
            *drag.borrow_mut() = Some((grab, mx, l, r));
        })
    };
    let onpointermove = {
        let drag = drag.clone();
        let canvas = canvas.clone();
        Callback::from(move |e: PointerEvent| {
            let Some((mx, _)) = offset_in(&canvas, &e) else {
                return;
            };
            let Some((grab, x0, l, r)) = *drag.borrow() else {
                return;
            };
            if e.buttons() & 1 != 1 {
                return;
            }
            let dt = s.t(mx) - s.t(x0);
            let (l, r) = (l as f64, r as f64);
            match grab {
                Grab::Left => set((l + dt).clamp(0.0, r - 1.0), r),
                Grab::Right => set(l, (r + dt).max(l + 1.0)),
                Grab::Move => {
                    let shift = dt.clamp(-l, span as f64 - r);
                    set(l + shift, r + shift)
                }
            }
        })
    };
    let end_drag = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| *drag.borrow_mut() = None)
    };
    let height = format!("height:{}px", strip_height(v.lanes));
    html! {
        <div class="spacetime-wrap">
            <canvas ref={canvas} class="spacetime-overview" data-testid="spacetime-overview"
                style={height.clone()}
                role="img" aria-label="Overview of the whole run: message density per lane, faults and elections; drag the window to pan, its edges to resize"
                {onpointerdown} {onpointermove} onpointerup={end_drag.clone()} onpointerleave={end_drag}></canvas>
            <canvas ref={window} class="st-overlay" data-testid="spacetime-overview-window" style={height} aria-hidden="true"></canvas>
        </div>
    }
}
