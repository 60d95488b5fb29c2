//! Overlay charts for compare mode and sweeps (inline SVG): several labelled series, each with
//! its own colour, dash pattern and marker shape, per-series x values, units, a legend and a
//! hover read-out; and grouped per-node bars.

use crate::format::compact;
use yew::prelude::*;

const W: f64 = 480.0;
const H: f64 = 210.0;
const L: f64 = 48.0;
const R: f64 = 12.0;
const T: f64 = 10.0;
const B: f64 = 30.0;

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
}

/// A round axis maximum at or above `v`.
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

/// SVG path of a marker centred at (x, y).
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

fn fmt_val(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// A line chart of several series with their own x values.
#[component]
pub fn XyChart(p: &XyProps) -> Html {
    let hover = use_state(|| None::<f64>);
    let all = || {
        p.series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    let mut x0 = all().map(|(x, _)| x).fold(f64::INFINITY, f64::min);
    let mut x1 = all().map(|(x, _)| x).fold(f64::NEG_INFINITY, f64::max);
    for m in &p.marks {
        x0 = x0.min(m.x);
        x1 = x1.max(m.x);
    }
    if !x0.is_finite() {
        x0 = 0.0;
        x1 = 1.0;
    }
    if x1 - x0 < 1e-9 {
        x0 -= 0.5;
        x1 += 0.5;
    }
    let ymax = p
        .y_max
        .unwrap_or_else(|| nice_max(all().map(|(_, y)| y).fold(0.0, f64::max)));
    let sx = move |x: f64| L + (x - x0) / (x1 - x0) * (W - L - R);
    let sy = move |y: f64| H - B - (y / ymax).clamp(0.0, 1.05) * (H - B - T);
    let paths = p.series.iter().map(|s| {
        let mut d = String::new();
        let mut pen_up = true;
        for (x, y) in &s.points {
            if !y.is_finite() || !x.is_finite() {
                pen_up = true;
                continue;
            }
            d.push_str(&format!(
                "{}{:.1} {:.1}",
                if pen_up { "M" } else { "L" },
                sx(*x),
                sy(*y)
            ));
            pen_up = false;
        }
        let dots = if p.dots {
            s.points
                .iter()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|(x, y)| marker_path(s.marker, sx(*x), sy(*y), 3.5))
                .collect::<Vec<_>>()
                .join("")
        } else {
            String::new()
        };
        html! { <g>
            <path class="series" d={d} stroke={s.color} stroke-dasharray={s.dash} />
            if !dots.is_empty() { <path d={dots} fill={s.color} /> }
        </g> }
    });
    let yticks = (0..=4).map(|i| {
        let v = ymax * i as f64 / 4.0;
        let y = sy(v);
        html! { <g><line class="grid" x1={L.to_string()} x2={(W - R).to_string()} y1={y.to_string()} y2={y.to_string()} />
            <text class="tick" x={(L - 4.0).to_string()} y={(y + 3.0).to_string()} text-anchor="end">{compact(v)}</text></g> }
    });
    let xticks: Html = match &p.x_labels {
        Some(labels) => labels
            .iter()
            .enumerate()
            .map(|(i, l)| html! {
                <text class="tick" x={sx(i as f64).to_string()} y={(H - B + 14.0).to_string()} text-anchor="middle">{l.clone()}</text>
            })
            .collect(),
        None => {
            let ticks: Vec<f64> = p
                .x_ticks
                .clone()
                .unwrap_or_else(|| (0..=5).map(|i| x0 + (x1 - x0) * i as f64 / 5.0).collect());
            ticks
                .into_iter()
                .map(|v| {
                    let label = if v.fract() == 0.0 && v.abs() < 1e4 { format!("{v:.0}") } else { compact(v) };
                    html! { <text class="tick" x={sx(v).to_string()} y={(H - B + 14.0).to_string()} text-anchor="middle">{label}</text> }
                })
                .collect()
        }
    };
    let marks = p.marks.iter().map(|m| {
        let x = sx(m.x);
        html! { <g class="xmark">
            <path d={format!("M{:.1} {:.1}l5 5m0 -5l-5 5", x - 2.5, H - B - 8.0)} stroke="#b91c1c" stroke-width="2" />
            <text class="tick warn" x={x.to_string()} y={(H - B - 12.0).to_string()} text-anchor="middle">{m.label.clone()}</text>
            <title>{m.label.clone()}</title>
        </g> }
    });
    let onmousemove = {
        let hover = hover.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e
                .current_target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            else {
                return;
            };
            let rect = el.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return;
            }
            let vx = (e.client_x() as f64 - rect.left()) / rect.width() * W;
            hover.set(Some(x0 + (vx - L) / (W - L - R) * (x1 - x0)));
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    // Hover: the nearest point of each series.
    let near: Vec<(usize, (f64, f64))> = match *hover {
        Some(hx) => p
            .series
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.points
                    .iter()
                    .copied()
                    .filter(|(x, _)| x.is_finite())
                    .min_by(|a, b| (a.0 - hx).abs().total_cmp(&(b.0 - hx).abs()))
                    .map(|pt| (i, pt))
            })
            .collect(),
        None => Vec::new(),
    };
    let readout = near
        .iter()
        .map(|(i, (x, y))| {
            let xl = match &p.x_labels {
                Some(l) => l.get(x.round() as usize).cloned().unwrap_or_default(),
                None => format!("{} {}", fmt_val(*x), p.x_unit),
            };
            format!(
                "{}: {} {} at {}",
                p.series[*i].name,
                fmt_val(*y),
                p.y_unit,
                xl
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let hover_marks = near.iter().map(|(i, (x, y))| {
        let s = &p.series[*i];
        html! { <path d={marker_path(if s.marker == "none" { "circle" } else { s.marker }, sx(*x), sy(*y), 4.5)} fill={s.color} stroke="#fff" /> }
    });
    let empty = all().next().is_none();
    html! {
        <figure class="chart" data-testid={p.testid.clone()} data-series={p.series.len().to_string()}>
            <figcaption><span>{p.title.clone()}</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={p.title.clone()} {onmousemove} {onmouseleave}>
                { for yticks }
                <line class="axis" x1={L.to_string()} x2={L.to_string()} y1={T.to_string()} y2={(H - B).to_string()} />
                <line class="axis" x1={L.to_string()} x2={(W - R).to_string()} y1={(H - B).to_string()} y2={(H - B).to_string()} />
                { xticks }
                <text class="tick" x={(W - R).to_string()} y={(H - 3.0).to_string()} text-anchor="end">{format!("[{}]", p.x_unit)}</text>
                <text class="tick" x={(L + 4.0).to_string()} y={(T + 8.0).to_string()}>{format!("[{}]", p.y_unit)}</text>
                { for paths }
                { for marks }
                { for hover_marks }
                if empty { <text class="tick" x={(W / 2.0).to_string()} y={(H / 2.0).to_string()} text-anchor="middle">{"no data yet"}</text> }
            </svg>
            <p class="hover-readout" aria-live="off">{ if readout.is_empty() { "hover the chart for values".to_string() } else { readout } }</p>
            <div class="legend">
                { for p.series.iter().map(|s| html! {
                    <span class="item" data-series-name={s.name.clone()}>{swatch(s.color, s.dash, s.marker)}{s.name.clone()}</span>
                }) }
            </div>
        </figure>
    }
}

/// One group of bars (a variant) in [`GroupedBars`].
#[derive(Clone, PartialEq)]
pub struct BarGroup {
    /// Legend label.
    pub name: String,
    /// Colour.
    pub color: &'static str,
    /// Dash pattern of the bar outline (so bars differ beyond colour).
    pub dash: &'static str,
    /// Fill opacity (variants alternate solid and light fills).
    pub light: bool,
    /// One value per node.
    pub values: Vec<f64>,
}

/// Props of [`GroupedBars`].
#[derive(Properties, PartialEq)]
pub struct GroupedBarsProps {
    /// Title.
    pub title: AttrValue,
    /// `data-testid`.
    pub testid: AttrValue,
    /// The groups (variants).
    pub groups: Vec<BarGroup>,
    /// Y unit.
    pub y_unit: AttrValue,
    /// Y maximum (else from data).
    #[prop_or_default]
    pub y_max: Option<f64>,
    /// Show values as percentages.
    #[prop_or(false)]
    pub percent: bool,
}

/// Per-node bars, one bar per variant within each node's slot.
#[component]
pub fn GroupedBars(p: &GroupedBarsProps) -> Html {
    let nodes = p
        .groups
        .iter()
        .map(|g| g.values.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let ymax = p.y_max.unwrap_or_else(|| {
        nice_max(
            p.groups
                .iter()
                .flat_map(|g| g.values.iter().copied())
                .fold(0.0, f64::max),
        )
    });
    let h = 170.0;
    let plot = h - B - T;
    let slot = (W - L - R) / nodes as f64;
    let k = p.groups.len().max(1) as f64;
    let bw = (slot * 0.8 / k).min(16.0);
    let fmt = |v: f64| {
        if p.percent {
            format!("{:.1}%", v * 100.0)
        } else {
            compact(v)
        }
    };
    let bars = p.groups.iter().enumerate().flat_map(|(gi, g)| {
        g.values.iter().enumerate().map(move |(ni, v)| {
            let x = L + slot * ni as f64 + slot / 2.0 - bw * k / 2.0 + bw * gi as f64;
            let bh = (v / ymax).clamp(0.0, 1.0) * plot;
            html! {
                <rect x={format!("{x:.1}")} y={format!("{:.1}", T + plot - bh)} width={format!("{:.1}", bw - 1.0)} height={format!("{bh:.1}")}
                    fill={g.color} fill-opacity={if g.light { "0.35" } else { "0.9" }} stroke={g.color} stroke-dasharray={g.dash}>
                    <title>{format!("{} — node {ni}: {}", g.name, fmt(*v))}</title>
                </rect>
            }
        })
    });
    let labels = (0..nodes).map(|ni| {
        let x = L + slot * ni as f64 + slot / 2.0;
        html! { <text class="tick" x={format!("{x:.1}")} y={(T + plot + 12.0).to_string()} text-anchor="middle">{format!("n{ni}")}</text> }
    });
    html! {
        <figure class="chart" data-testid={p.testid.clone()} data-series={p.groups.len().to_string()}>
            <figcaption><span>{p.title.clone()}</span></figcaption>
            <svg viewBox={format!("0 0 {W} {h}")} role="img" aria-label={p.title.clone()}>
                <line class="axis" x1={L.to_string()} x2={L.to_string()} y1={T.to_string()} y2={(T + plot).to_string()} />
                <line class="axis" x1={L.to_string()} x2={(W - R).to_string()} y1={(T + plot).to_string()} y2={(T + plot).to_string()} />
                <text class="tick" x={(L - 4.0).to_string()} y={(T + 4.0).to_string()} text-anchor="end">{fmt(ymax)}</text>
                <text class="tick" x={(L - 4.0).to_string()} y={(T + plot).to_string()} text-anchor="end">{"0"}</text>
                <text class="tick" x={(W - R).to_string()} y={(T + 8.0).to_string()} text-anchor="end">{format!("[{}]", p.y_unit)}</text>
                { for bars }
                { for labels }
            </svg>
            <p class="hover-readout">{"hover a bar for its value"}</p>
            <div class="legend">
                { for p.groups.iter().map(|g| html! {
                    <span class="item" data-series-name={g.name.clone()}>
                        <svg class="swatch-svg" width="16" height="12" viewBox="0 0 16 12" aria-hidden="true">
                            <rect x="1" y="1" width="14" height="10" fill={g.color} fill-opacity={if g.light { "0.35" } else { "0.9" }} stroke={g.color} stroke-dasharray={g.dash} />
                        </svg>{g.name.clone()}</span>
                }) }
            </div>
        </figure>
    }
}
