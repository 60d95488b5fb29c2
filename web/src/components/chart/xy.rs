//! Line charts: [`XyChart`] draws labelled series with their own x values (compare mode, sweeps,
//! and through [`LineChart`] the main page's charts, whose series share one x axis).

use super::frame::{marker_path, nearest, nice_max, Figure, Frame, Key, LegendItem, Look, Scale};
use crate::format::{compact, secs_axis};
use yew::prelude::*;

/// One series of an [`XyChart`].
#[derive(Clone, PartialEq)]
pub struct XySeries {
    /// Legend label.
    pub name: String,
    /// Stroke colour.
    pub color: &'static str,
    /// SVG dash pattern (`none` for solid).
    pub dash: &'static str,
    /// Marker: `circle`, `square`, `triangle`, `diamond` or `none`.
    pub marker: &'static str,
    /// Points `(x, y)`; a non-finite y is a gap.
    pub points: Vec<(f64, f64)>,
}

/// A mark on the x axis (e.g. a skipped sweep point).
#[derive(Clone, PartialEq)]
pub struct XMark {
    /// Where.
    pub x: f64,
    /// Short label shown under the mark and in its tooltip.
    pub label: String,
}

/// A shaded stretch of the x axis: time when requests were pending and nothing committed
/// (the report's `liveness.unavailable`), drawn darker where it was a stall (`liveness.stalls`).
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Start (x units).
    pub x0: f64,
    /// End (x units).
    pub x1: f64,
    /// A stall (the liveness rule was broken), not only unavailable time.
    pub stall: bool,
    /// Tooltip.
    pub label: String,
}

/// Fill of a band: light orange for unavailable time, red for a stall.
pub(crate) fn band_color(stall: bool) -> &'static str {
    if stall {
        "#dc2626"
    } else {
        "#fb923c"
    }
}

/// Props of [`XyChart`].
#[derive(Properties, PartialEq)]
pub struct XyProps {
    /// Title.
    pub title: AttrValue,
    /// `data-testid`.
    pub testid: AttrValue,
    /// The series.
    pub series: Vec<XySeries>,
    /// X unit.
    pub x_unit: AttrValue,
    /// Y unit.
    pub y_unit: AttrValue,
    /// Y maximum (else from data).
    #[prop_or_default]
    pub y_max: Option<f64>,
    /// Tick labels for a categorical x axis (`x` is the index).
    #[prop_or_default]
    pub x_labels: Option<Vec<String>>,
    /// Marks on the x axis.
    #[prop_or_default]
    pub marks: Vec<XMark>,
    /// Where to put x ticks (else six evenly spaced).
    #[prop_or_default]
    pub x_ticks: Option<Vec<f64>>,
    /// Draw markers at every point (sweeps); else only at the hover point.
    #[prop_or(false)]
    pub dots: bool,
    /// Chart style.
    #[prop_or_default]
    pub look: Look,
    /// Plot geometry.
    #[prop_or(Frame::OVERLAY_LINE)]
    pub frame: Frame,
    /// X range `(x0, x1)` (else from the finite points and marks, at least 1 wide).
    #[prop_or_default]
    pub x_range: Option<(f64, f64)>,
    /// X axis is time in seconds (ticks read `1.5s`).
    #[prop_or(false)]
    pub x_is_time: bool,
    /// Shaded stretches of the x axis, behind the series.
    #[prop_or_default]
    pub bands: Vec<Band>,
}

fn finite_points(series: &[XySeries]) -> impl Iterator<Item = (f64, f64)> + '_ {
    series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .filter(|(x, y)| x.is_finite() && y.is_finite())
}

/// The x range from the data: the finite points and marks, widened to 1 if it is a single x.
fn data_x_range(p: &XyProps) -> (f64, f64) {
    if let Some(r) = p.x_range {
        return r;
    }
    let xs = finite_points(&p.series)
        .map(|(x, _)| x)
        .chain(p.marks.iter().map(|m| m.x));
    let (mut x0, mut x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if !x0.is_finite() {
        (x0, x1) = (0.0, 1.0);
    }
    if x1 - x0 < 1e-9 {
        x0 -= 0.5;
        x1 += 0.5;
    }
    (x0, x1)
}

/// Readable value in the overlay read-out.
fn fmt_val(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

fn x_ticks(p: &XyProps, sc: &Scale) -> Html {
    let f = &sc.frame;
    if let Some(labels) = &p.x_labels {
        return labels
            .iter()
            .enumerate()
            .map(|(i, l)| f.x_tick(sc.sx(i as f64), l.clone()))
            .collect();
    }
    let ticks = p.x_ticks.clone().unwrap_or_else(|| {
        (0..=5)
            .map(|i| sc.x0 + (sc.x1 - sc.x0) * i as f64 / 5.0)
            .collect()
    });
    ticks
        .into_iter()
        .map(|v| {
            let label = match (p.look, p.x_is_time) {
                (_, true) => secs_axis((v * 10.0).round() / 10.0),
                (Look::Page, false) => compact(v),
                (Look::Overlay, false) if v.fract() == 0.0 && v.abs() < 1e4 => format!("{v:.0}"),
                (Look::Overlay, false) => compact(v),
            };
            f.x_tick(sc.sx(v), label)
        })
        .collect()
}

fn series_paths(p: &XyProps, sc: &Scale) -> Html {
    p.series
        .iter()
        .map(|s| {
            let d = sc.line_path(s.points.iter().copied());
            let dots = if p.dots {
                s.points
                    .iter()
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .map(|(x, y)| marker_path(s.marker, sc.sx(*x), sc.sy(*y), 3.5))
                    .collect::<String>()
            } else {
                String::new()
            };
            match p.look {
                Look::Page => html! { <path class="series" d={d} stroke={s.color} stroke-dasharray={s.dash} /> },
                Look::Overlay => html! { <g>
                    <path class="series" d={d} stroke={s.color} stroke-dasharray={s.dash} />
                    if !dots.is_empty() { <path d={dots} fill={s.color} /> }
                </g> },
            }
        })
        .collect()
}

/// The bands clipped to the plot, behind the series, each with its tooltip.
fn bands_view(p: &XyProps, sc: &Scale) -> Html {
    let f = sc.frame;
    let (lo, hi) = (sc.x0.min(sc.x1), sc.x0.max(sc.x1));
    p.bands
        .iter()
        .filter(|b| b.x1 > lo && b.x0 < hi)
        .map(|b| {
            let (a, z) = (sc.sx(b.x0.max(lo)), sc.sx(b.x1.min(hi)));
            let class = if b.stall {
                "band band-stall"
            } else {
                "band band-unavailable"
            };
            html! { <rect class={class} x={format!("{a:.1}")} y={f.t.to_string()}
            width={format!("{:.1}", (z - a).max(1.0))} height={f.plot_h().to_string()}
            fill={band_color(b.stall)} fill-opacity={if b.stall { "0.3" } else { "0.22" }}>
            <title>{b.label.clone()}</title></rect> }
        })
        .collect()
}

fn x_marks(p: &XyProps, sc: &Scale) -> Html {
    let bottom = sc.frame.bottom();
    p.marks
        .iter()
        .map(|m| {
            let x = sc.sx(m.x);
            html! { <g class="xmark">
                <path d={format!("M{:.1} {:.1}l5 5m0 -5l-5 5", x - 2.5, bottom - 8.0)} stroke="#b91c1c" stroke-width="2" />
                <text class="tick warn" x={x.to_string()} y={(bottom - 12.0).to_string()} text-anchor="middle">{m.label.clone()}</text>
                <title>{m.label.clone()}</title>
            </g> }
        })
        .collect()
}

/// The hover read-out and its marks in the plot, for the pointer at data x `hx`.
///
/// The page look reads every series at the index nearest `hx` on the shared x axis and draws a
/// vertical cursor there; the overlay look reads each series at its own nearest point and marks
/// it.
fn hover_view(p: &XyProps, sc: &Scale, hx: Option<f64>) -> (String, Html) {
    let Some(hx) = hx else {
        let idle = match p.look {
            Look::Page => String::new(),
            Look::Overlay => "hover the chart for values".to_string(),
        };
        return (idle, Html::default());
    };
    match p.look {
        Look::Page => {
            let Some(first) = p.series.first() else {
                return (String::new(), Html::default());
            };
            let Some(i) = nearest(&first.points, hx) else {
                return (String::new(), Html::default());
            };
            let x = first.points[i].0;
            let xl = if p.x_is_time {
                format!("{x:.2}")
            } else {
                format!("{x:.3}")
            };
            let values = p
                .series
                .iter()
                .map(|s| {
                    let y = s.points.get(i).map_or(0.0, |pt| pt.1);
                    format!("{} {y:.2} {}", s.name, p.y_unit)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let (cx, f) = (sc.sx(x).to_string(), sc.frame);
            let cursor = html! { <line class="cursor" x1={cx.clone()} x2={cx} y1={f.t.to_string()} y2={f.bottom().to_string()} /> };
            (format!("{xl}{}: {values}", p.x_unit), cursor)
        }
        Look::Overlay => {
            let near: Vec<(&XySeries, (f64, f64))> = p
                .series
                .iter()
                .filter_map(|s| nearest(&s.points, hx).map(|i| (s, s.points[i])))
                .collect();
            let text = near
                .iter()
                .map(|(s, (x, y))| {
                    let xl = match &p.x_labels {
                        Some(l) => l.get(x.round() as usize).cloned().unwrap_or_default(),
                        None => format!("{} {}", fmt_val(*x), p.x_unit),
                    };
                    format!("{}: {} {} at {}", s.name, fmt_val(*y), p.y_unit, xl)
                })
                .collect::<Vec<_>>()
                .join(" · ");
            let marks = near
                .iter()
                .map(|(s, (x, y))| {
                    let kind = if s.marker == "none" { "circle" } else { s.marker };
                    html! { <path d={marker_path(kind, sc.sx(*x), sc.sy(*y), 4.5)} fill={s.color} stroke="#fff" /> }
                })
                .collect();
            let text = if text.is_empty() {
                "hover the chart for values".to_string()
            } else {
                text
            };
            (text, marks)
        }
    }
}

/// A line chart of several series with their own x values, axes, legend and a hover read-out.
#[component]
pub fn XyChart(p: &XyProps) -> Html {
    let hover = use_state(|| None::<f64>);
    let (x0, x1) = data_x_range(p);
    let ymax = p
        .y_max
        .unwrap_or_else(|| nice_max(finite_points(&p.series).map(|pt| pt.1).fold(0.0, f64::max)));
    let sc = Scale {
        frame: p.frame,
        x0,
        x1,
        ymax,
    };
    let onmousemove = {
        let hover = hover.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(vx) = sc.frame.pointer_x(&e) {
                hover.set(Some(sc.data_x(vx)));
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    let empty = match p.look {
        // The page's series share the x axis: no x yet means no data yet.
        Look::Page => p.series.iter().all(|s| s.points.is_empty()),
        Look::Overlay => finite_points(&p.series).next().is_none(),
    };
    let (readout, hover_marks) = hover_view(p, &sc, *hover);
    let mut legend: Vec<LegendItem> = p
        .series
        .iter()
        .map(|s| LegendItem {
            name: s.name.clone(),
            color: s.color,
            key: Key::Line {
                dash: s.dash,
                marker: s.marker,
            },
        })
        .collect();
    for (stall, name) in [(false, "unavailable (nothing committed)"), (true, "stall")] {
        if p.bands.iter().any(|b| b.stall == stall) {
            legend.push(LegendItem {
                name: name.to_string(),
                color: band_color(stall),
                key: Key::Band,
            });
        }
    }
    let svg = html! {
        <svg viewBox={sc.frame.view_box()} role="img" aria-label={p.title.clone()} {onmousemove} {onmouseleave}>
            { bands_view(p, &sc) }
            { sc.y_grid() }
            { sc.frame.axes() }
            { x_ticks(p, &sc) }
            { p.look.unit_labels(&sc.frame, &p.x_unit, &p.y_unit) }
            { series_paths(p, &sc) }
            { x_marks(p, &sc) }
            // Nothing to hover while empty, so the order of these two does not matter.
            { hover_marks }
            if empty { { sc.frame.no_data() } }
        </svg>
    };
    Figure {
        look: p.look,
        testid: p.testid.clone(),
        title: p.title.clone(),
        readout,
        legend: &legend,
    }
    .render(svg)
}

/// One line of a [`LineChart`].
#[derive(Clone, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: &'static str,
    /// Stroke colour.
    pub color: &'static str,
    /// Dashed (so colour is not the only difference).
    pub dashed: bool,
    /// Y values, one per x.
    pub ys: Vec<f64>,
}

/// A main-page line chart: an [`XyChart`] in the page look whose series share the x values
/// `xs`, with the x range from the first to the last x (a plain view, not a component: it has
/// no state).
pub struct LineChart {
    /// Title.
    pub title: &'static str,
    /// `data-testid`.
    pub testid: &'static str,
    /// X values (shared by all series).
    pub xs: Vec<f64>,
    /// The lines.
    pub series: Vec<Series>,
    /// X unit, e.g. `s`.
    pub x_unit: &'static str,
    /// Y unit, e.g. `req/s`.
    pub y_unit: &'static str,
    /// X axis is time in seconds (formats ticks as seconds).
    pub x_is_time: bool,
    /// Y axis maximum (else from data).
    pub y_max: Option<f64>,
    /// Shaded stretches of the x axis (see [`Band`]).
    pub bands: Vec<Band>,
}

impl LineChart {
    /// The chart.
    pub fn view(self) -> Html {
        let x0 = self.xs.first().copied().unwrap_or(0.0);
        let x1 = self.xs.last().copied().unwrap_or(1.0).max(x0 + 1e-9);
        let series: Vec<XySeries> = self
            .series
            .iter()
            .map(|s| XySeries {
                name: s.name.to_string(),
                color: s.color,
                dash: if s.dashed { "6 4" } else { "none" },
                marker: "none",
                points: self.xs.iter().copied().zip(s.ys.iter().copied()).collect(),
            })
            .collect();
        html! {
            <XyChart title={self.title} testid={self.testid} {series} x_unit={self.x_unit}
                y_unit={self.y_unit} y_max={self.y_max} look={Look::Page} frame={Frame::PAGE_LINE}
                x_range={Some((x0, x1))} x_is_time={self.x_is_time} bands={self.bands} />
        }
    }
}
