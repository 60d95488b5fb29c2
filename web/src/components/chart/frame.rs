//! What every chart shares: the plot geometry, the axis maximum, axes, ticks, the pointer's data
//! x and nearest point, the legend and the figure around the plot. The line and bar charts
//! differ only in what they draw inside.

use crate::format::compact;
use yew::prelude::*;

/// Plot geometry in SVG user units: the viewBox is `w` x `h`; the plot area sits inside margins
/// `l`, `r`, `t`, `b` (left, right, top, bottom), and axis labels go in those margins. Each
/// chart kind keeps its own size, so the geometry is data rather than module constants.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// ViewBox width.
    pub w: f64,
    /// ViewBox height.
    pub h: f64,
    /// Left margin (y tick labels).
    pub l: f64,
    /// Right margin.
    pub r: f64,
    /// Top margin.
    pub t: f64,
    /// Bottom margin (x tick labels; for per-node bars also the CPU strip).
    pub b: f64,
}

impl Frame {
    /// Line charts on the main page. The y unit label sits in the top margin, above the top
    /// tick's label (at `t` = 10 "[req/s]" overlapped "2.0k").
    pub const PAGE_LINE: Frame = Frame {
        w: 480.0,
        h: 210.0,
        l: 46.0,
        r: 10.0,
        t: 20.0,
        b: 28.0,
    };
    /// Per-node messages on the main page; the bottom margin holds the CPU strip.
    pub const PAGE_NODES: Frame = Frame {
        w: 480.0,
        h: 240.0,
        l: 46.0,
        r: 10.0,
        t: 10.0,
        b: 130.0,
    };
    /// Overlay line charts of compare mode and sweeps.
    pub const OVERLAY_LINE: Frame = Frame {
        w: 480.0,
        h: 210.0,
        l: 48.0,
        r: 12.0,
        t: 10.0,
        b: 30.0,
    };
    /// Grouped per-node bars of compare mode.
    pub const OVERLAY_BARS: Frame = Frame {
        w: 480.0,
        h: 170.0,
        l: 48.0,
        r: 12.0,
        t: 10.0,
        b: 30.0,
    };

    /// The SVG `viewBox` attribute.
    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", self.w, self.h)
    }

    /// Width of the plot area.
    pub fn plot_w(&self) -> f64 {
        self.w - self.l - self.r
    }

    /// Height of the plot area.
    pub fn plot_h(&self) -> f64 {
        self.h - self.b - self.t
    }

    /// Y of the x axis.
    pub fn bottom(&self) -> f64 {
        self.h - self.b
    }

    /// The two axis lines along the left and bottom of the plot area.
    pub fn axes(&self) -> Html {
        let (l, t, y0, x1) = (self.l, self.t, self.bottom(), self.w - self.r);
        html! { <>
            <line class="axis" x1={l.to_string()} x2={l.to_string()} y1={t.to_string()} y2={y0.to_string()} />
            <line class="axis" x1={l.to_string()} x2={x1.to_string()} y1={y0.to_string()} y2={y0.to_string()} />
        </> }
    }

    /// A label under the x axis at user-space x `px`.
    pub fn x_tick(&self, px: f64, label: String) -> Html {
        html! { <text class="tick" x={px.to_string()} y={(self.bottom() + 14.0).to_string()} text-anchor="middle">{label}</text> }
    }

    /// The "no data yet" note in the middle of the plot.
    pub fn no_data(&self) -> Html {
        html! { <text class="tick" x={(self.w / 2.0).to_string()} y={(self.h / 2.0).to_string()} text-anchor="middle">{"no data yet"}</text> }
    }

    /// The user-space x under the pointer, or `None` if the chart has no size.
    pub fn pointer_x(&self, e: &MouseEvent) -> Option<f64> {
        crate::browser::pointer_fraction_x(e).map(|f| f * self.w)
    }
}

/// Maps data to user space for one line chart: x over `[x0, x1]`, y over `[0, ymax]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// The plot geometry.
    pub frame: Frame,
    /// Data x at the left edge of the plot.
    pub x0: f64,
    /// Data x at the right edge of the plot.
    pub x1: f64,
    /// Data y at the top of the plot.
    pub ymax: f64,
}

impl Scale {
    /// User-space x of data x.
    pub fn sx(&self, x: f64) -> f64 {
        self.frame.l + (x - self.x0) / (self.x1 - self.x0) * self.frame.plot_w()
    }

    /// User-space y of data y; values above the maximum overshoot the top by at most 5 %.
    pub fn sy(&self, y: f64) -> f64 {
        self.frame.bottom() - (y / self.ymax).clamp(0.0, 1.05) * self.frame.plot_h()
    }

    /// Data x at user-space x `vx` (the inverse of [`Scale::sx`]).
    pub fn data_x(&self, vx: f64) -> f64 {
        self.x0 + (vx - self.frame.l) / self.frame.plot_w() * (self.x1 - self.x0)
    }

    /// Five horizontal grid lines from 0 to `ymax`, each with its value on the left.
    pub fn y_grid(&self) -> Html {
        let f = self.frame;
        (0..=4)
            .map(|i| {
                let v = self.ymax * i as f64 / 4.0;
                let y = self.sy(v);
                html! { <g><line class="grid" x1={f.l.to_string()} x2={(f.w - f.r).to_string()} y1={y.to_string()} y2={y.to_string()} />
                    <text class="tick" x={(f.l - 4.0).to_string()} y={(y + 3.0).to_string()} text-anchor="end">{compact(v)}</text></g> }
            })
            .collect()
    }

    /// The SVG path through `points`; a non-finite coordinate lifts the pen (a gap).
    pub fn line_path(&self, points: impl Iterator<Item = (f64, f64)>) -> String {
        let mut d = String::new();
        let mut pen_up = true;
        for (x, y) in points {
            if !y.is_finite() || !x.is_finite() {
                pen_up = true;
                continue;
            }
            d.push_str(&format!(
                "{}{:.1} {:.1}",
                if pen_up { "M" } else { "L" },
                self.sx(x),
                self.sy(y)
            ));
            pen_up = false;
        }
        d
    }
}

/// A round axis maximum at or above `v` (1, 2, 2.5 or 5 times a power of ten).
pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * p {
            return m * p;
        }
    }
    10.0 * p
}

/// The index of the point whose x is nearest `x` (the first on a tie), skipping non-finite x.
pub fn nearest(points: &[(f64, f64)], x: f64) -> Option<usize> {
    points
        .iter()
        .enumerate()
        .filter(|(_, (px, _))| px.is_finite())
        .min_by(|a, b| (a.1 .0 - x).abs().total_cmp(&(b.1 .0 - x).abs()))
        .map(|(i, _)| i)
}

/// SVG path of a marker centred at (x, y): `square`, `triangle`, `diamond`, `none`, else a circle.
pub fn marker_path(kind: &str, x: f64, y: f64, r: f64) -> String {
    match kind {
        "square" => format!(
            "M{:.1} {:.1}h{:.1}v{:.1}h{:.1}z",
            x - r,
            y - r,
            2.0 * r,
            2.0 * r,
            -2.0 * r
        ),
        "triangle" => format!(
            "M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}z",
            x,
            y - r * 1.2,
            x + r * 1.1,
            y + r,
            x - r * 1.1,
            y + r
        ),
        "diamond" => format!(
            "M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}z",
            x,
            y - r * 1.3,
            x + r * 1.3,
            y,
            x,
            y + r * 1.3,
            x - r * 1.3,
            y
        ),
        "none" => String::new(),
        _ => format!(
            "M{:.1} {:.1}a{r} {r} 0 1 0 {:.1} 0a{r} {r} 0 1 0 {:.1} 0",
            x - r,
            y,
            2.0 * r,
            -2.0 * r
        ),
    }
}

/// A legend swatch: a short line in the series' colour and dash, with its marker.
pub fn swatch(color: &str, dash: &str, marker: &str) -> Html {
    html! {
        <svg class="swatch-svg" width="30" height="12" viewBox="0 0 30 12" aria-hidden="true">
            <line x1="1" y1="6" x2="29" y2="6" stroke={color.to_string()} stroke-width="2.5" stroke-dasharray={dash.to_string()} />
            <path d={marker_path(marker, 15.0, 6.0, 3.5)} fill={color.to_string()} />
        </svg>
    }
}

/// The two chart styles of the page. They differ in where the hover read-out sits, how the
/// legend draws its swatches and where the unit labels go; the plot itself is shared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Look {
    /// The main page's charts: the read-out in the caption, plain CSS swatches.
    Page,
    /// Compare mode and sweeps: the read-out under the plot, SVG swatches naming each series
    /// (`data-series-name`), and the series count on the figure (`data-series`).
    #[default]
    Overlay,
}

impl Look {
    /// The `[unit]` labels of both axes.
    pub fn unit_labels(self, f: &Frame, x_unit: &str, y_unit: &str) -> Html {
        let (x_y, y_at) = match self {
            Look::Page => (f.h - 2.0, (2.0, 9.0)),
            Look::Overlay => (f.h - 3.0, (f.l + 4.0, f.t + 8.0)),
        };
        html! { <>
            <text class="tick" x={(f.w - f.r).to_string()} y={x_y.to_string()} text-anchor="end">{format!("[{x_unit}]")}</text>
            <text class="tick" x={y_at.0.to_string()} y={y_at.1.to_string()}>{format!("[{y_unit}]")}</text>
        </> }
    }
}

/// How a legend entry draws its swatch.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// A line with this dash pattern and marker.
    Line {
        /// SVG dash pattern (`none` for solid).
        dash: &'static str,
        /// Marker kind (see [`marker_path`]).
        marker: &'static str,
    },
    /// A shaded band (unavailable time, a stall): a light filled box.
    Band,
    /// A bar with this outline dash, solid or light fill.
    Bar {
        /// SVG dash pattern of the outline.
        dash: &'static str,
        /// Light (35 %) fill instead of solid (90 %).
        light: bool,
    },
}

/// One legend entry.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendItem {
    /// Series name.
    pub name: String,
    /// Colour.
    pub color: &'static str,
    /// Swatch.
    pub key: Key,
}

/// Fill opacity of a bar: light fills tell alternating variants apart beyond colour.
pub fn bar_opacity(light: bool) -> &'static str {
    if light {
        "0.35"
    } else {
        "0.9"
    }
}

fn legend_item(look: Look, it: &LegendItem) -> Html {
    match (look, &it.key) {
        (Look::Page, Key::Line { dash, .. } | Key::Bar { dash, .. }) => html! {
            <span class="item"><span class={classes!("swatch", (*dash != "none").then_some("dashed"))} style={format!("border-color:{}", it.color)}></span>{it.name.clone()}</span>
        },
        (_, Key::Band) => html! {
            <span class="item band-key"><span class="swatch band" style={format!("background:{}", it.color)}></span>{it.name.clone()}</span>
        },
        (Look::Overlay, Key::Line { dash, marker }) => html! {
            <span class="item" data-series-name={it.name.clone()}>{swatch(it.color, dash, marker)}{it.name.clone()}</span>
        },
        (Look::Overlay, Key::Bar { dash, light }) => html! {
            <span class="item" data-series-name={it.name.clone()}>
                <svg class="swatch-svg" width="16" height="12" viewBox="0 0 16 12" aria-hidden="true">
                    <rect x="1" y="1" width="14" height="10" fill={it.color} fill-opacity={bar_opacity(*light)} stroke={it.color} stroke-dasharray={*dash} />
                </svg>{it.name.clone()}</span>
        },
    }
}

/// Everything around a plot: the figure with its `data-testid`, the caption, the hover read-out
/// (placed by `look`) and the legend.
pub struct Figure<'a> {
    /// Chart style.
    pub look: Look,
    /// `data-testid` of the figure.
    pub testid: AttrValue,
    /// Caption.
    pub title: AttrValue,
    /// Hover read-out text.
    pub readout: String,
    /// Legend entries (the overlay look also counts them in `data-series`).
    pub legend: &'a [LegendItem],
}

impl Figure<'_> {
    /// The figure around `svg`.
    pub fn render(self, svg: Html) -> Html {
        let items: Html = self
            .legend
            .iter()
            .map(|it| legend_item(self.look, it))
            .collect();
        match self.look {
            Look::Page => html! {
                <figure class="chart" data-testid={self.testid}>
                    <figcaption><span>{self.title}</span>
                        <span class="hover" aria-live="off">{self.readout}</span></figcaption>
                    {svg}
                    <div class="legend">{items}</div>
                </figure>
            },
            Look::Overlay => html! {
                <figure class="chart" data-testid={self.testid} data-series={self.legend.len().to_string()}>
                    <figcaption><span>{self.title}</span></figcaption>
                    {svg}
                    <p class="hover-readout" aria-live="off">{self.readout}</p>
                    <div class="legend">{items}</div>
                </figure>
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_max_rounds_up_to_1_2_2_5_5() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(f64::NAN), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(1.5), 2.0);
        assert_eq!(nice_max(2.2), 2.5);
        assert_eq!(nice_max(420.0), 500.0);
        assert_eq!(nice_max(1000.0), 1000.0);
    }

    #[test]
    fn nearest_skips_non_finite_and_prefers_the_first_on_a_tie() {
        let pts = [(f64::NAN, 1.0), (1.0, 1.0), (3.0, f64::NAN), (5.0, 2.0)];
        assert_eq!(nearest(&pts, 0.0), Some(1));
        assert_eq!(nearest(&pts, 2.0), Some(1));
        assert_eq!(nearest(&pts, 3.2), Some(2));
        assert_eq!(nearest(&pts, 9.0), Some(3));
        assert_eq!(nearest(&[], 9.0), None);
    }

    #[test]
    fn scale_round_trips_and_clamps() {
        let s = Scale {
            frame: Frame::PAGE_LINE,
            x0: 0.0,
            x1: 10.0,
            ymax: 100.0,
        };
        assert_eq!(s.sx(0.0), 46.0);
        assert_eq!(s.sx(10.0), 470.0);
        assert!((s.data_x(s.sx(3.3)) - 3.3).abs() < 1e-9);
        assert_eq!(s.sy(0.0), 182.0);
        assert_eq!(s.sy(1e9), s.sy(105.0));
        assert_eq!(
            s.line_path([(0.0, 0.0), (5.0, f64::NAN), (10.0, 100.0)].into_iter()),
            "M46.0 182.0M470.0 20.0"
        );
    }
}
