//! Painting the diagram: which arrows a window shows, and one routine that draws lanes, axis,
//! messages, protocol events and the time cursor through a [`Painter`], so the live canvas and
//! the vector SVG export are the same drawing.

use super::super::cluster_view::kind_style;
use crate::browser::{canvas_2d, CanvasRenderingContext2d, HtmlCanvasElement};
use crate::format;
use fpaxos::{MsgKind, Time};
use fpaxos_sim::{DropReason, Endpoint, Sim, TraceEvent};
use std::collections::HashMap;

pub(super) const LEFT: f64 = 40.0;
pub(super) const AXIS: f64 = 22.0;
/// Most arrows drawn per frame.
const MAX_ARROWS: usize = 6000;

#[derive(Clone, Copy, PartialEq)]
pub(super) struct View {
    /// Right edge of the window (ns).
    pub(super) right: Time,
    /// Window width (ns).
    pub(super) width: Time,
    /// Canvas CSS size.
    pub(super) w: f64,
    pub(super) h: f64,
    pub(super) lanes: usize,
}

impl View {
    fn lane_h(&self) -> f64 {
        (self.h - AXIS) / self.lanes as f64
    }
    pub(super) fn left_t(&self) -> Time {
        self.right.saturating_sub(self.width)
    }
    fn x(&self, t: Time) -> f64 {
        LEFT + (t as f64 - self.left_t() as f64) / self.width.max(1) as f64 * (self.w - LEFT - 6.0)
    }
    fn lane_y(&self, lane: usize) -> f64 {
        (lane as f64 + 0.5) * self.lane_h()
    }
}

struct Arrow {
    id: u64,
    kind: MsgKind,
    from: Endpoint,
    to: Endpoint,
    t: Time,
    deliver_at: Time,
    slot: Option<u64>,
    lost: Option<DropReason>,
    dropped: Option<(Time, DropReason)>,
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

fn lane_of(e: Endpoint, n: usize) -> usize {
    match e {
        Endpoint::Node(i) => (i as usize).min(n),
        Endpoint::Client(_) => n,
    }
}

/// The messages visible in `v` at simulated time `now`.
fn arrows(sim: &Sim, v: &View, now: Time, n: usize) -> (Vec<Arrow>, bool) {
    let ev = sim.trace().events();
    let lo = v.left_t().saturating_sub(v.width);
    let start = ev.partition_point(|e| e.time() < lo);
    let end = ev.partition_point(|e| e.time() <= v.right);
    let mut drops: HashMap<u64, (Time, DropReason)> = HashMap::new();
    for e in ev.range(start..end) {
        if let TraceEvent::Drop { t, id, reason } = e {
            drops.insert(*id, (*t, *reason));
        }
    }
    let mut out = Vec::new();
    let mut capped = false;
    for e in ev.range(start..end) {
        let TraceEvent::Send {
            t,
            id,
            from,
            to,
            kind,
            slot,
            deliver_at,
            lost,
        } = e
        else {
            continue;
        };
        let dropped = drops.get(id).copied();
        let stop = dropped.map_or(*deliver_at, |d| d.0).min(now.max(*t));
        if stop < v.left_t() && *deliver_at < v.left_t() {
            continue;
        }
        if out.len() >= MAX_ARROWS {
            capped = true;
            break;
        }
        let (la, lb) = (lane_of(*from, n), lane_of(*to, n));
        let span = deliver_at.saturating_sub(*t).max(1) as f64;
        let frac = (stop.saturating_sub(*t) as f64 / span).clamp(0.0, 1.0);
        let frac = if lost.is_some() { frac.min(0.5) } else { frac };
        let (y1, y2full) = (v.lane_y(la), v.lane_y(lb));
        let x1 = v.x(*t);
        let x2 = v.x(*t + (span * frac) as Time);
        out.push(Arrow {
            id: *id,
            kind: *kind,
            from: *from,
            to: *to,
            t: *t,
            deliver_at: *deliver_at,
            slot: *slot,
            lost: *lost,
            dropped,
            x1,
            y1,
            x2,
            y2: y1 + (y2full - y1) * frac,
        });
    }
    (out, capped)
}

fn ep(e: Endpoint) -> String {
    match e {
        Endpoint::Node(i) => format!("n{i}"),
        Endpoint::Client(c) => format!("client {c}"),
    }
}

fn describe(a: &Arrow) -> String {
    let (_, name) = kind_style(a.kind);
    let mut s = format!(
        "#{} {name} {} → {}, sent {}, arrives {}",
        a.id,
        ep(a.from),
        ep(a.to),
        format::time(a.t),
        format::time(a.deliver_at)
    );
    if let Some(slot) = a.slot {
        s.push_str(&format!(", slot {slot}"));
    }
    if let Some(r) = a.lost {
        s.push_str(&format!(", LOST ({r:?})"));
    }
    if let Some((t, r)) = a.dropped {
        s.push_str(&format!(", DROPPED at {} ({r:?})", format::time(t)));
    }
    s
}

/// How a line is drawn: colour, width and an optional dash pattern `(on, off)`.
#[derive(Clone, Copy)]
struct Stroke<'a> {
    color: &'a str,
    width: f64,
    dash: Option<(f64, f64)>,
}

impl<'a> Stroke<'a> {
    /// A solid line.
    fn solid(color: &'a str, width: f64) -> Stroke<'a> {
        Stroke {
            color,
            width,
            dash: None,
        }
    }
}

/// The few drawing operations the diagram needs, so one routine paints both the live canvas
/// and the vector SVG export.
trait Painter {
    fn line(&mut self, a: (f64, f64), b: (f64, f64), stroke: Stroke<'_>);
    fn text(&mut self, x: f64, y: f64, text: &str, color: &str, size: f64, bold: bool);
    fn triangle(&mut self, p: [(f64, f64); 3], color: &str);
    /// A filled rectangle at `(x, y)` of size `(w, h)`, with fill opacity `alpha`.
    fn rect(&mut self, at: (f64, f64), size: (f64, f64), color: &str, alpha: f64);
}

struct CanvasPainter<'a>(&'a CanvasRenderingContext2d);

impl Painter for CanvasPainter<'_> {
    fn line(&mut self, a: (f64, f64), b: (f64, f64), stroke: Stroke<'_>) {
        let Stroke { color, width, dash } = stroke;
        let ctx = self.0;
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(width);
        let pattern = js_sys::Array::new();
        if let Some((on, off)) = dash {
            pattern.push(&on.into());
            pattern.push(&off.into());
        }
        let _ = ctx.set_line_dash(&pattern);
        ctx.begin_path();
        ctx.move_to(a.0, a.1);
        ctx.line_to(b.0, b.1);
        ctx.stroke();
        if dash.is_some() {
            let _ = ctx.set_line_dash(&js_sys::Array::new());
        }
    }
    fn text(&mut self, x: f64, y: f64, text: &str, color: &str, size: f64, bold: bool) {
        let ctx = self.0;
        ctx.set_fill_style_str(color);
        ctx.set_font(&format!(
            "{}{size}px system-ui, sans-serif",
            if bold { "bold " } else { "" }
        ));
        let _ = ctx.fill_text(text, x, y);
    }
    fn triangle(&mut self, p: [(f64, f64); 3], color: &str) {
        let ctx = self.0;
        ctx.set_fill_style_str(color);
        ctx.begin_path();
        ctx.move_to(p[0].0, p[0].1);
        ctx.line_to(p[1].0, p[1].1);
        ctx.line_to(p[2].0, p[2].1);
        ctx.close_path();
        ctx.fill();
    }
    fn rect(&mut self, at: (f64, f64), size: (f64, f64), color: &str, alpha: f64) {
        let ctx = self.0;
        ctx.set_global_alpha(alpha);
        ctx.set_fill_style_str(color);
        ctx.fill_rect(at.0, at.1, size.0, size.1);
        ctx.set_global_alpha(1.0);
    }
}

/// Collects SVG elements.
#[derive(Default)]
struct SvgPainter(String);

impl Painter for SvgPainter {
    fn line(&mut self, a: (f64, f64), b: (f64, f64), stroke: Stroke<'_>) {
        let Stroke { color, width, dash } = stroke;
        let dash = dash.map_or(String::new(), |(on, off)| {
            format!(" stroke-dasharray=\"{on} {off}\"")
        });
        self.0.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"{width}\"{dash}/>",
            a.0, a.1, b.0, b.1
        ));
    }
    fn text(&mut self, x: f64, y: f64, text: &str, color: &str, size: f64, bold: bool) {
        self.0.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" fill=\"{color}\" font-size=\"{size}\"{} font-family=\"system-ui, sans-serif\">{}</text>",
            if bold { " font-weight=\"bold\"" } else { "" },
            crate::svg::xml_escape(text)
        ));
    }
    fn triangle(&mut self, p: [(f64, f64); 3], color: &str) {
        self.0.push_str(&format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{color}\"/>",
            p[0].0, p[0].1, p[1].0, p[1].1, p[2].0, p[2].1
        ));
    }
    fn rect(&mut self, at: (f64, f64), size: (f64, f64), color: &str, alpha: f64) {
        self.0.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\" fill-opacity=\"{alpha}\"/>",
            at.0, at.1, size.0, size.1
        ));
    }
}

/// A stretch of simulated time to shade behind the diagram: unavailable time (requests pending,
/// nothing committed) or, darker, a stall; both from the report's liveness section.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TimeBand {
    /// Start (ns).
    pub(crate) from: Time,
    /// End (ns).
    pub(crate) to: Time,
    /// A stall, not only unavailable time.
    pub(crate) stall: bool,
}

/// Shades the bands that meet the window, full height above the axis; returns how many.
fn paint_bands<P: Painter>(p: &mut P, v: &View, bands: &[TimeBand]) -> usize {
    let bottom = v.h - AXIS;
    let (lo, hi) = (v.left_t(), v.right);
    let mut drawn = 0;
    for b in bands.iter().filter(|b| b.to > lo && b.from < hi) {
        let (x0, x1) = (v.x(b.from.max(lo)), v.x(b.to.min(hi)));
        let color = crate::components::chart::xy::band_color(b.stall);
        let alpha = if b.stall { 0.22 } else { 0.16 };
        p.rect((x0, 0.0), ((x1 - x0).max(1.0), bottom), color, alpha);
        drawn += 1;
    }
    drawn
}

/// The window as SVG elements (vector, not pixels) on a white background.
pub(super) fn svg(sim: &Sim, v: &View, now: Time, n: usize, bands: &[TimeBand]) -> String {
    let mut p = SvgPainter::default();
    p.0.push_str(&format!(
        "<rect width=\"{:.0}\" height=\"{:.0}\" fill=\"#ffffff\"/>",
        v.w, v.h
    ));
    paint_bands(&mut p, v, bands);
    paint(&mut p, sim, v, now, n, None);
    p.0
}

/// What one drawing of the canvas showed.
pub(super) struct Drawn {
    /// The arrow count was capped.
    pub(super) capped: bool,
    /// Bands shaded in the window.
    pub(super) bands: usize,
}

/// Draws the window on the canvas, the liveness `bands` behind everything.
pub(super) fn draw(
    canvas: &HtmlCanvasElement,
    sim: &Sim,
    v: &View,
    now: Time,
    n: usize,
    hover: Option<u64>,
    bands: &[TimeBand],
) -> Option<Drawn> {
    let ctx = canvas_2d(canvas, v.w, v.h)?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, v.w, v.h);
    let mut p = CanvasPainter(&ctx);
    let bands = paint_bands(&mut p, v, bands);
    let capped = paint(&mut p, sim, v, now, n, hover);
    Some(Drawn { capped, bands })
}

/// Paints lanes, axis, messages, protocol events and the time cursor; returns whether the
/// arrow count was capped.
fn paint<P: Painter>(
    p: &mut P,
    sim: &Sim,
    v: &View,
    now: Time,
    n: usize,
    hover: Option<u64>,
) -> bool {
    // Lanes.
    for lane in 0..v.lanes {
        let y = v.lane_y(lane);
        let color = if lane == n { "#cbd5e1" } else { "#e5e7eb" };
        p.line((LEFT, y), (v.w - 6.0, y), Stroke::solid(color, 1.0));
        let label = if lane == n {
            "clients".to_string()
        } else {
            format!("n{lane}")
        };
        p.text(4.0, y + 4.0, &label, "#374151", 11.0, false);
    }
    // Time axis.
    let axis_y = v.h - AXIS + 4.0;
    for i in 0..=6 {
        let t = v.left_t() + v.width / 6 * i;
        let x = v.x(t);
        p.line((x, 0.0), (x, axis_y - 4.0), Stroke::solid("#f1f5f9", 1.0));
        p.text(
            (x - 20.0).max(LEFT),
            axis_y + 10.0,
            &format::time(t),
            "#6b7280",
            11.0,
            false,
        );
    }
    // Messages.
    let (list, capped) = arrows(sim, v, now, n);
    for a in &list {
        let (color, _) = kind_style(a.kind);
        let broken = a.lost.is_some() || a.dropped.is_some();
        let width = if hover == Some(a.id) {
            3.0
        } else if matches!(a.kind, MsgKind::Heartbeat | MsgKind::HeartbeatAck) {
            0.7
        } else {
            1.2
        };
        let dash = broken.then_some((4.0, 3.0));
        p.line((a.x1, a.y1), (a.x2, a.y2), Stroke { color, width, dash });
        if broken && (a.dropped.is_some_and(|d| d.0 <= now) || a.lost.is_some()) {
            p.text(a.x2 - 4.0, a.y2 + 4.0, "✕", "#b91c1c", 11.0, false);
        } else if a.deliver_at <= now && (a.x2 - a.x1).abs() > 3.0 {
            // Arrow head.
            let ang = (a.y2 - a.y1).atan2(a.x2 - a.x1);
            p.triangle(
                [
                    (a.x2, a.y2),
                    (
                        a.x2 - 6.0 * (ang - 0.4).cos(),
                        a.y2 - 6.0 * (ang - 0.4).sin(),
                    ),
                    (
                        a.x2 - 6.0 * (ang + 0.4).cos(),
                        a.y2 - 6.0 * (ang + 0.4).sin(),
                    ),
                ],
                color,
            );
        }
    }
    // Protocol events.
    let ev = sim.trace().events();
    let start = ev.partition_point(|e| e.time() < v.left_t());
    let end = ev.partition_point(|e| e.time() <= v.right);
    let mut chosen_drawn = 0;
    for e in ev.range(start..end) {
        match e {
            TraceEvent::Chosen { t, node, .. } if chosen_drawn < 3000 => {
                chosen_drawn += 1;
                let (x, y) = (v.x(*t), v.lane_y(*node as usize));
                p.line((x, y - 7.0), (x, y + 7.0), Stroke::solid("#15803d", 2.0));
            }
            TraceEvent::Elected { t, node, .. } => {
                p.text(
                    v.x(*t) - 6.0,
                    v.lane_y(*node as usize) + 5.0,
                    "★",
                    "#7c3aed",
                    15.0,
                    true,
                );
            }
            TraceEvent::Campaign { t, node, .. } => {
                p.text(
                    v.x(*t) - 3.0,
                    v.lane_y(*node as usize) - 6.0,
                    "?",
                    "#7c3aed",
                    11.0,
                    false,
                );
            }
            TraceEvent::Fault { t, what } => {
                let x = v.x(*t);
                let dash = Some((6.0, 3.0));
                let stroke = Stroke {
                    color: "#b91c1c",
                    width: 1.5,
                    dash,
                };
                p.line((x, 0.0), (x, axis_y - 4.0), stroke);
                p.text(x + 3.0, 10.0, what, "#b91c1c", 11.0, false);
            }
            _ => {}
        }
    }
    // Time cursor.
    if now >= v.left_t() && now <= v.right {
        let x = v.x(now);
        p.line((x, 0.0), (x, axis_y - 4.0), Stroke::solid("#111827", 1.5));
    }
    capped
}

/// The nearest arrow within 6 px of (`mx`, `my`), described.
pub(super) fn hover_at(
    sim: &Sim,
    view: &View,
    now: Time,
    n: usize,
    mx: f64,
    my: f64,
) -> Option<(u64, String)> {
    let (list, _) = arrows(sim, view, now, n);
    let mut best: Option<(f64, &Arrow)> = None;
    for a in &list {
        let (dx, dy) = (a.x2 - a.x1, a.y2 - a.y1);
        let len2 = dx * dx + dy * dy;
        let u = if len2 > 0.0 {
            (((mx - a.x1) * dx + (my - a.y1) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (px, py) = (a.x1 + u * dx, a.y1 + u * dy);
        let d = ((mx - px).powi(2) + (my - py).powi(2)).sqrt();
        if d < 6.0 && best.is_none_or(|b| d < b.0) {
            best = Some((d, a));
        }
    }
    best.map(|(_, a)| (a.id, describe(a)))
}
