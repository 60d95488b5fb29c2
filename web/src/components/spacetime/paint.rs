//! Painting the diagram: which arrows a window shows, and one routine that draws lanes, axis,
//! messages, protocol events and the time cursor through a [`Painter`], so the live canvas and
//! the vector SVG export are the same drawing.

use super::super::cluster_view::kind_style;
use super::lod::{self, Density};
use super::painter::{CanvasPainter, Painter, Seg, Stroke, SvgPainter};
use crate::browser::{canvas_2d, HtmlCanvasElement};
use crate::format;
use fpaxos::{MsgKind, Time};
use fpaxos_sim::trace::{DiagramLog, Fate, Mark, MarkKind, MsgRecord};
use std::collections::{vec_deque, VecDeque};
use std::rc::Rc;

pub(super) const LEFT: f64 = 40.0;
pub(super) const AXIS: f64 = 22.0;

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
    /// Which run (an address naming its scenario), for the density index.
    pub(super) run: usize,
    /// The run's end (ns), which fixes the density index's buckets.
    pub(super) end: Time,
}

impl View {
    pub(super) fn lane_h(&self) -> f64 {
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

pub(super) struct Arrow {
    pub(super) id: u64,
    pub(super) rec: MsgRecord,
    pub(super) x1: f64,
    pub(super) y1: f64,
    pub(super) x2: f64,
    pub(super) y2: f64,
}

/// How the window is drawn: every arrow, or density plus every `k`-th arrow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Mode {
    /// Every message in the window as an arrow.
    Every {
        /// Messages sent in the window.
        visible: usize,
    },
    /// Density per lane and column, and the arrows of every `k`-th message.
    Density {
        /// Messages sent in the window.
        visible: usize,
        /// Sampling step (by message id).
        k: u64,
        /// Counted message by message (not spread from index buckets).
        exact: bool,
    },
}

impl Mode {
    /// The legend's sentence for this mode.
    pub(crate) fn legend(&self) -> String {
        match *self {
            Mode::Every { visible } => {
                format!("Every message drawn: {} in the window.", visible)
            }
            Mode::Density { visible, k, exact } => format!(
                "Density view: {} messages in the window, shaded per lane and {COL_PX} px column by the sender (colour: the most frequent kind{}), and 1 in {k} as a thin arrow. Zoom in to under {} messages to see every arrow.",
                visible,
                if exact { "" } else { "; counted per time bucket" },
                lod::ARROW_LIMIT
            ),
        }
    }
}

/// The mode for `v`: every arrow up to [`lod::ARROW_LIMIT`] messages sent in the window.
pub(crate) fn mode_of(log: &DiagramLog, v: &View) -> Mode {
    let (a, b) = lod::sent_range(log, v.left_t(), v.right);
    let visible = b - a;
    if visible <= lod::ARROW_LIMIT {
        Mode::Every { visible }
    } else {
        Mode::Density {
            visible,
            k: visible.div_ceil(lod::SAMPLE_ARROWS) as u64,
            exact: visible <= lod::SCAN_LIMIT,
        }
    }
}

/// The messages visible in `v` at simulated time `now` (every `k`-th by id).
pub(super) fn arrows(log: &DiagramLog, v: &View, now: Time, n: usize, k: u64) -> Vec<Arrow> {
    let (start, end) = lod::sent_range(log, v.left_t().saturating_sub(v.width), v.right);
    let mut out = Vec::new();
    // Only every k-th message by id: jump from one to the next instead of reading the rest
    // (a zoomed-out window spans a million messages; about SAMPLE_ARROWS of them are drawn).
    let k = k.max(1);
    let first = log.id_of(start);
    let skip = (first.div_ceil(k) * k - first) as usize;
    let msgs = log.msgs();
    for i in (start + skip..end).step_by(k as usize) {
        let (id, r) = (log.id_of(i), &msgs[i]);
        let stop = r.end.min(now.max(r.sent));
        if stop < v.left_t() {
            continue;
        }
        let (la, lb) = (lod::lane_of(r.from, n), lod::lane_of(r.to, n));
        let planned = match r.fate {
            Fate::Dropped(_) => r.end.max(r.sent + 1),
            _ => r.end,
        };
        let span = planned.saturating_sub(r.sent).max(1) as f64;
        let frac = (stop.saturating_sub(r.sent) as f64 / span).clamp(0.0, 1.0);
        let frac = if matches!(r.fate, Fate::Lost(_)) {
            frac.min(0.5)
        } else {
            frac
        };
        let (y1, y2full) = (v.lane_y(la), v.lane_y(lb));
        out.push(Arrow {
            id,
            rec: *r,
            x1: v.x(r.sent),
            y1,
            x2: v.x(r.sent + (span * frac) as Time),
            y2: y1 + (y2full - y1) * frac,
        });
    }
    out
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
pub(super) fn svg(log: &DiagramLog, v: &View, now: Time, n: usize, bands: &[TimeBand]) -> String {
    let mut p = SvgPainter::default();
    p.0.push_str(&format!(
        "<rect width=\"{:.0}\" height=\"{:.0}\" fill=\"#ffffff\"/>",
        v.w, v.h
    ));
    paint_bands(&mut p, v, bands);
    paint(&mut p, log, v, now, n, &Highlight::default());
    p.0
}

/// What one drawing of the canvas showed.
pub(super) struct Drawn {
    /// How the messages were drawn.
    pub(super) mode: Mode,
    /// Bands shaded in the window.
    pub(super) bands: usize,
}

/// Draws the window on the canvas, the liveness `bands` behind everything.
pub(super) fn draw(
    canvas: &HtmlCanvasElement,
    log: &DiagramLog,
    v: &View,
    now: Time,
    n: usize,
    hl: &Highlight,
    bands: &[TimeBand],
) -> Option<Drawn> {
    let ctx = canvas_2d(canvas, v.w, v.h)?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, v.w, v.h);
    let mut p = CanvasPainter::new(&ctx);
    let bands = paint_bands(&mut p, v, bands);
    let mode = paint(&mut p, log, v, now, n, hl);
    Some(Drawn { mode, bands })
}

/// Width of one density column in CSS pixels.
pub(super) const COL_PX: f64 = 2.0;

/// The density of the window, one column per [`COL_PX`] pixels.
pub(super) fn window_density(log: &DiagramLog, v: &View, n: usize) -> Rc<Density> {
    let cols = ((v.w - LEFT - 6.0) / COL_PX).max(1.0) as usize;
    lod::density(log, v.run, v.end, (v.left_t(), v.right), cols, n)
}

/// Shades each lane of a density: colour of the cell's most frequent kind, opacity by count
/// (log scale, 8 steps); equal neighbours merge into one rectangle, and rectangles of one
/// colour and step are painted together (one path each on a canvas). `top`/`lane_h` place lane
/// rows, `x0`/`cw` columns.
pub(super) fn paint_density<P: Painter>(
    p: &mut P,
    d: &Density,
    (x0, cw): (f64, f64),
    (top, lane_h): (f64, f64),
) {
    let max = d.max().max(1.0);
    let level = |c: f32| -> u8 {
        if c <= 0.0 {
            0
        } else {
            ((8.0 * (1.0 + c).ln() / (1.0 + max).ln()).ceil() as u8).clamp(1, 8)
        }
    };
    // Rectangles by (kind, step).
    let mut groups: Vec<Vec<Seg>> = vec![Vec::new(); lod::KINDS * 9];
    for lane in 0..d.lanes {
        let y = top + lane as f64 * lane_h + lane_h * 0.1;
        let mut run: Option<(usize, Option<MsgKind>, u8)> = None;
        for col in 0..=d.cols {
            let cur = (col < d.cols).then(|| (d.dominant(col, lane), level(d.total(col, lane))));
            if let Some((c0, kind, lv)) = run {
                if cur != Some((kind, lv)) {
                    if let (Some(k), true) = (kind, lv > 0) {
                        let x = x0 + c0 as f64 * cw;
                        let size = ((col - c0) as f64 * cw, lane_h * 0.8);
                        groups[k as usize * 9 + lv as usize].push(((x, y), size));
                    }
                    run = cur.map(|(k, l)| (col, k, l));
                }
            } else {
                run = cur.map(|(k, l)| (col, k, l));
            }
        }
    }
    for (i, rs) in groups.iter().enumerate().filter(|(_, rs)| !rs.is_empty()) {
        let (color, _) = kind_style(lod::kind_at(i / 9));
        p.rects(rs, color, 0.1 + 0.1 * (i % 9) as f64);
    }
}

/// What the diagram draws stronger: the guided tour's nodes (their lanes tinted) and messages
/// (thick arrows), the same ones it highlights in the cluster view. (The hovered message is
/// drawn on the overlay canvas, `hover.rs`, so a hover never repaints the diagram.)
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Highlight {
    /// Nodes whose lanes are tinted.
    pub(crate) nodes: Vec<fpaxos::NodeId>,
    /// Messages drawn thick.
    pub(crate) messages: Vec<u64>,
}

impl Highlight {
    fn strong(&self, id: u64) -> bool {
        self.messages.contains(&id)
    }
}

/// The tour's highlight colour (`--tour-hl` in web/style.css).
const TOUR_HL: &str = "#ea580c";

/// About how wide a character of the time axis's 11 px labels is (px), to keep the last label
/// inside the figure.
pub(super) const AXIS_CHAR_PX: f64 = 6.5;

/// Paints lanes, axis, messages (per the [`Mode`]), protocol events and the time cursor.
fn paint<P: Painter>(
    p: &mut P,
    log: &DiagramLog,
    v: &View,
    now: Time,
    n: usize,
    hl: &Highlight,
) -> Mode {
    // Lanes.
    for lane in 0..v.lanes {
        let y = v.lane_y(lane);
        if lane < n && hl.nodes.iter().any(|&x| x as usize == lane) {
            let lh = v.lane_h();
            p.rect((LEFT, y - lh / 2.0), (v.w - 6.0 - LEFT, lh), TOUR_HL, 0.14);
        }
        let color = if lane == n { "#cbd5e1" } else { "#e5e7eb" };
        p.line((LEFT, y), (v.w - 6.0, y), Stroke::solid(color, 1.0));
    }
    // Time axis.
    let axis_y = v.h - AXIS + 4.0;
    for i in 0..=6 {
        let t = v.left_t() + v.width / 6 * i;
        let x = v.x(t);
        p.line((x, 0.0), (x, axis_y - 4.0), Stroke::solid("#f1f5f9", 1.0));
        let label = format::time(t);
        // Kept inside the canvas: the last label, drawn from 20 px left of the right edge, was
        // cut off. Its width is estimated.
        let est_w = label.chars().count() as f64 * AXIS_CHAR_PX;
        p.text(
            (x - 20.0).min(v.w - 2.0 - est_w).max(LEFT),
            axis_y + 10.0,
            &label,
            "#6b7280",
            11.0,
            false,
        );
    }
    // Messages.
    let mode = mode_of(log, v);
    let k = match mode {
        Mode::Every { .. } => 1,
        Mode::Density { k, .. } => {
            let d = window_density(log, v, n);
            paint_density(p, &d, (LEFT, COL_PX), (0.0, v.lane_h()));
            k
        }
    };
    let list = arrows(log, v, now, n, k);
    if k > 1 {
        paint_sampled(p, &list);
    } else {
        for a in &list {
            paint_arrow(p, a, now, hl.strong(a.id));
        }
    }
    paint_marks(p, log, v, k == 1);
    // Lane labels, on a white gutter: a message sent before the window's left edge starts left
    // of the lanes, and its arrow ran over the labels.
    p.rect((0.0, 0.0), (LEFT - 1.0, axis_y - 4.0), "#ffffff", 1.0);
    for lane in 0..v.lanes {
        let label = if lane == n {
            "clients".to_string()
        } else {
            format!("n{lane}")
        };
        p.text(4.0, v.lane_y(lane) + 4.0, &label, "#374151", 11.0, false);
    }
    // Time cursor.
    if now >= v.left_t() && now <= v.right {
        let x = v.x(now);
        p.line((x, 0.0), (x, axis_y - 4.0), Stroke::solid("#111827", 1.5));
    }
    mode
}

/// The sampled arrows over a density: thin lines without heads, one path per kind and dash.
fn paint_sampled<P: Painter>(p: &mut P, list: &[Arrow]) {
    let mut groups: Vec<Vec<Seg>> = vec![Vec::new(); lod::KINDS * 2];
    for a in list {
        let broken = a.rec.fate != Fate::Delivered;
        groups[a.rec.kind as usize * 2 + broken as usize].push(((a.x1, a.y1), (a.x2, a.y2)));
    }
    for (i, segs) in groups.iter().enumerate().filter(|(_, s)| !s.is_empty()) {
        let (color, _) = kind_style(lod::kind_at(i / 2));
        let dash = (i % 2 == 1).then_some((4.0, 3.0));
        p.lines(
            segs,
            Stroke {
                color,
                width: 0.5,
                dash,
            },
        );
    }
}

fn paint_arrow<P: Painter>(p: &mut P, a: &Arrow, now: Time, strong: bool) {
    let (color, _) = kind_style(a.rec.kind);
    let broken = a.rec.fate != Fate::Delivered;
    let width = if strong {
        3.0
    } else if matches!(a.rec.kind, MsgKind::Heartbeat | MsgKind::HeartbeatAck) {
        0.7
    } else {
        1.2
    };
    let dash = broken.then_some((4.0, 3.0));
    p.line((a.x1, a.y1), (a.x2, a.y2), Stroke { color, width, dash });
    let ended = match a.rec.fate {
        Fate::Lost(_) => true,
        Fate::Dropped(_) => a.rec.end <= now,
        Fate::Delivered => false,
    };
    if ended {
        p.text(a.x2 - 4.0, a.y2 + 4.0, "✕", "#b91c1c", 11.0, false);
    } else if !broken && a.rec.end <= now && (a.x2 - a.x1).abs() > 3.0 {
        // Arrow head.
        let ang = (a.y2 - a.y1).atan2(a.x2 - a.x1);
        let at = |d: f64| (a.x2 - 6.0 * (ang + d).cos(), a.y2 - 6.0 * (ang + d).sin());
        p.triangle([(a.x2, a.y2), at(-0.4), at(0.4)], color);
    }
}

/// Elections (★), campaigns (?), chosen slots (| , only when every arrow is drawn) and faults;
/// at most one mark of a kind per lane and 2 pixels, so a zoomed-out run stays readable. Chosen
/// slots are a list of their own in the log, so a zoomed-out window never walks them.
fn paint_marks<P: Painter>(p: &mut P, log: &DiagramLog, v: &View, chosen: bool) {
    fn in_window<'a>(m: &'a VecDeque<Mark>, v: &View) -> vec_deque::Iter<'a, Mark> {
        let start = m.partition_point(|e| e.t < v.left_t());
        let end = m.partition_point(|e| e.t <= v.right);
        m.range(start..end)
    }
    let mut last: Vec<[f64; 3]> = vec![[f64::NEG_INFINITY; 3]; v.lanes];
    let chosen_marks = chosen.then(|| in_window(log.chosen_marks(), v));
    for e in in_window(log.marks(), v).chain(chosen_marks.into_iter().flatten()) {
        let (x, lane) = (v.x(e.t), (e.node as usize).min(v.lanes - 1));
        let y = v.lane_y(lane);
        let slot = match e.kind {
            MarkKind::Elected => 0,
            MarkKind::Campaign => 1,
            MarkKind::Chosen => 2,
            MarkKind::StepDown => continue,
        };
        if x - last[lane][slot] < 2.0 {
            continue;
        }
        last[lane][slot] = x;
        match e.kind {
            MarkKind::Chosen => p.line((x, y - 7.0), (x, y + 7.0), Stroke::solid("#15803d", 2.0)),
            MarkKind::Elected => p.text(x - 6.0, y + 5.0, "★", "#7c3aed", 15.0, true),
            _ => p.text(x - 3.0, y - 6.0, "?", "#7c3aed", 11.0, false),
        }
    }
    let axis_y = v.h - AXIS;
    for (t, what) in log
        .faults()
        .iter()
        .filter(|f| f.0 >= v.left_t() && f.0 <= v.right)
    {
        let x = v.x(*t);
        let dash = Some((6.0, 3.0));
        let stroke = Stroke {
            color: "#b91c1c",
            width: 1.5,
            dash,
        };
        p.line((x, 0.0), (x, axis_y), stroke);
        p.text(x + 3.0, 10.0, what, "#b91c1c", 11.0, false);
    }
}
