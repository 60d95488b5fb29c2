//! What the pointer is over: the nearest drawn arrow (one message's details) or, when density is
//! drawn, a cell's counts; and its highlight, drawn on a transparent canvas laid over the
//! diagram, so moving the pointer never repaints the diagram itself. The cell's counts come
//! from the window's density, which [`lod::density`] keeps, so a hover counts nothing again.

use super::super::cluster_view::kind_style;
use super::lod::{self, Density};
use super::paint::{arrows, mode_of, window_density, Arrow, Mode, View, AXIS, COL_PX, LEFT};
use super::painter::{CanvasPainter, Painter, Stroke};
use crate::browser::{canvas_2d, HtmlCanvasElement};
use crate::format;
use fpaxos::Time;
use fpaxos_sim::trace::{DiagramLog, Fate, CLIENT};

/// The highlight of what is hovered, in canvas CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Shape {
    /// One message's arrow, from `(x1, y1)` to `(x2, y2)`, in its kind's colour.
    Arrow((f64, f64), (f64, f64), &'static str),
    /// A density cell at `(x, y)` of size `(w, h)`.
    Cell((f64, f64), (f64, f64)),
}

/// What is under the pointer.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Hover {
    /// Which message (its id) or cell (counted down from `u64::MAX`).
    pub(super) key: u64,
    /// The tooltip.
    pub(super) text: String,
    /// Its highlight.
    pub(super) shape: Shape,
}

fn ep(code: u16) -> String {
    if code == CLIENT {
        "a client".to_string()
    } else {
        format!("n{code}")
    }
}

fn describe(a: &Arrow) -> String {
    let (_, name) = kind_style(a.rec.kind);
    let r = &a.rec;
    let mut s = format!(
        "#{} {name} {} → {}, sent {}",
        a.id,
        ep(r.from),
        ep(r.to),
        format::time(r.sent),
    );
    match r.fate {
        Fate::Delivered => s.push_str(&format!(", arrives {}", format::time(r.end))),
        Fate::Lost(why) => s.push_str(&format!(", LOST ({why:?})")),
        Fate::Dropped(why) => {
            s.push_str(&format!(", DROPPED at {} ({why:?})", format::time(r.end)))
        }
    }
    s
}

/// The nearest of `list` to (`mx`, `my`) within 6 px.
fn nearest(list: &[Arrow], mx: f64, my: f64) -> Option<&Arrow> {
    let mut best: Option<(f64, &Arrow)> = None;
    for a in list {
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
    best.map(|b| b.1)
}

/// What is under (`mx`, `my`): the nearest drawn arrow within 6 px, else (when density is
/// drawn) the counts of the cell; `None` over empty space.
pub(super) fn hover_at(
    log: &DiagramLog,
    view: &View,
    now: Time,
    n: usize,
    (mx, my): (f64, f64),
) -> Option<Hover> {
    let k = match mode_of(log, view) {
        Mode::Every { .. } => 1,
        Mode::Density { k, .. } => k,
    };
    let list = arrows(log, view, now, n, k);
    if let Some(a) = nearest(&list, mx, my) {
        return Some(Hover {
            key: a.id,
            text: describe(a),
            shape: Shape::Arrow((a.x1, a.y1), (a.x2, a.y2), kind_style(a.rec.kind).0),
        });
    }
    if k == 1 || mx < LEFT || my >= view.h - AXIS {
        return None;
    }
    let d = window_density(log, view, n);
    let col = (((mx - LEFT) / COL_PX) as usize).min(d.cols - 1);
    let lane = ((my / view.lane_h()) as usize).min(d.lanes - 1);
    let lh = view.lane_h();
    Some(Hover {
        key: u64::MAX - (col * d.lanes + lane) as u64,
        text: describe_cell(&d, col, lane, n),
        shape: Shape::Cell(
            (LEFT + col as f64 * COL_PX, lane as f64 * lh + lh * 0.1),
            (COL_PX, lh * 0.8),
        ),
    })
}

/// Draws the highlight of `hover` on the overlay canvas (cleared first; nothing when `None`).
pub(super) fn paint_hover(c: &HtmlCanvasElement, v: &View, hover: Option<&Hover>) {
    let Some(ctx) = canvas_2d(c, v.w, v.h) else {
        return;
    };
    ctx.clear_rect(0.0, 0.0, v.w, v.h);
    let p = &mut CanvasPainter::new(&ctx);
    match hover.map(|h| h.shape) {
        Some(Shape::Arrow(a, b, color)) => p.line(a, b, Stroke::solid(color, 3.0)),
        Some(Shape::Cell((x, y), (w, h))) => {
            let edge = Stroke::solid("#111827", 1.0);
            let (x0, y0, x1, y1) = (x - 1.0, y - 1.0, x + w + 1.0, y + h + 1.0);
            p.lines(
                &[
                    ((x0, y0), (x1, y0)),
                    ((x1, y0), (x1, y1)),
                    ((x1, y1), (x0, y1)),
                    ((x0, y1), (x0, y0)),
                ],
                edge,
            );
        }
        None => {}
    }
}

/// A density cell's counts, as the hover text.
pub(super) fn describe_cell(d: &Density, col: usize, lane: usize, n: usize) -> String {
    let (a, b) = d.col_span(col);
    let who = if lane >= n {
        "clients".to_string()
    } else {
        format!("n{lane}")
    };
    let approx = if d.exact { "" } else { "≈" };
    let mut by: Vec<(f32, &str)> = d
        .cell(col, lane)
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0.0)
        .map(|(i, c)| (*c, kind_style(lod::kind_at(i)).1))
        .collect();
    by.sort_by(|x, y| y.0.total_cmp(&x.0));
    let parts: Vec<String> = by
        .iter()
        .map(|(c, name)| format!("{name} {approx}{}", c.round()))
        .collect();
    format!(
        "{who}, {} – {}: {approx}{} messages sent{}{}",
        format::time(a),
        format::time(b),
        d.total(col, lane).round(),
        if parts.is_empty() { "" } else { " (" },
        if parts.is_empty() {
            String::new()
        } else {
            parts.join(", ") + ")"
        },
    )
}
