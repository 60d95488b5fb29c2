//! The few drawing operations the diagram needs, on a canvas or as SVG elements, so the live
//! diagram, the overview strip and the SVG/PNG export are one drawing.

use crate::browser::CanvasRenderingContext2d;

/// How a line is drawn: colour, width and an optional dash pattern `(on, off)`.
#[derive(Clone, Copy)]
pub(super) struct Stroke<'a> {
    pub(super) color: &'a str,
    pub(super) width: f64,
    pub(super) dash: Option<(f64, f64)>,
}

impl<'a> Stroke<'a> {
    /// A solid line.
    pub(super) fn solid(color: &'a str, width: f64) -> Stroke<'a> {
        Stroke {
            color,
            width,
            dash: None,
        }
    }
}

/// The few drawing operations the diagram needs, so one routine paints both the live canvas
/// and the vector SVG export.
pub(super) trait Painter {
    fn line(&mut self, a: (f64, f64), b: (f64, f64), stroke: Stroke<'_>);
    fn text(&mut self, x: f64, y: f64, text: &str, color: &str, size: f64, bold: bool);
    fn triangle(&mut self, p: [(f64, f64); 3], color: &str);
    /// A filled rectangle at `(x, y)` of size `(w, h)`, with fill opacity `alpha`.
    fn rect(&mut self, at: (f64, f64), size: (f64, f64), color: &str, alpha: f64);
    /// Many filled rectangles `(at, size)` of one colour and opacity (they must not overlap):
    /// on a canvas one path and one fill, not a style change per rectangle.
    fn rects(&mut self, rs: &[Seg], color: &str, alpha: f64) {
        for r in rs {
            self.rect(r.0, r.1, color, alpha);
        }
    }
    /// Many line segments `(from, to)` of one stroke: on a canvas one path and one stroke.
    fn lines(&mut self, segs: &[Seg], stroke: Stroke<'_>) {
        for s in segs {
            self.line(s.0, s.1, stroke);
        }
    }
}

/// Two points: a segment's ends, or a rectangle's corner and size.
pub(super) type Seg = ((f64, f64), (f64, f64));

impl CanvasPainter<'_> {
    fn set_stroke(&self, stroke: Stroke<'_>) {
        let ctx = self.0;
        ctx.set_stroke_style_str(stroke.color);
        ctx.set_line_width(stroke.width);
        let pattern = js_sys::Array::new();
        if let Some((on, off)) = stroke.dash {
            pattern.push(&on.into());
            pattern.push(&off.into());
        }
        let _ = ctx.set_line_dash(&pattern);
    }
}

/// Paints on a canvas. Remembers the font it last set: a canvas parses every font string it
/// is given, and a diagram draws a few dozen labels in two or three fonts.
pub(super) struct CanvasPainter<'a>(pub(super) &'a CanvasRenderingContext2d, Option<(f64, bool)>);

impl<'a> CanvasPainter<'a> {
    /// A painter on `ctx`.
    pub(super) fn new(ctx: &'a CanvasRenderingContext2d) -> CanvasPainter<'a> {
        CanvasPainter(ctx, None)
    }
}

impl Painter for CanvasPainter<'_> {
    fn line(&mut self, a: (f64, f64), b: (f64, f64), stroke: Stroke<'_>) {
        self.lines(&[(a, b)], stroke);
    }
    fn lines(&mut self, segs: &[Seg], stroke: Stroke<'_>) {
        let ctx = self.0;
        self.set_stroke(stroke);
        ctx.begin_path();
        for (a, b) in segs {
            ctx.move_to(a.0, a.1);
            ctx.line_to(b.0, b.1);
        }
        ctx.stroke();
        if stroke.dash.is_some() {
            let _ = ctx.set_line_dash(&js_sys::Array::new());
        }
    }
    fn rects(&mut self, rs: &[Seg], color: &str, alpha: f64) {
        let ctx = self.0;
        ctx.set_global_alpha(alpha);
        ctx.set_fill_style_str(color);
        ctx.begin_path();
        for (at, size) in rs {
            ctx.rect(at.0, at.1, size.0, size.1);
        }
        ctx.fill();
        ctx.set_global_alpha(1.0);
    }
    fn text(&mut self, x: f64, y: f64, text: &str, color: &str, size: f64, bold: bool) {
        let ctx = self.0;
        ctx.set_fill_style_str(color);
        if self.1 != Some((size, bold)) {
            ctx.set_font(&format!(
                "{}{size}px system-ui, sans-serif",
                if bold { "bold " } else { "" }
            ));
            self.1 = Some((size, bold));
        }
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
pub(super) struct SvgPainter(pub(super) String);

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
