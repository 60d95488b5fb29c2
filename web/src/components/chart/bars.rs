//! Per-node bar charts: [`GroupedBars`] puts one bar per group (variant) in each node's slot;
//! [`node_bars`] is the main page's two groups (messages sent and received) plus a CPU strip.

use super::frame::{bar_opacity, nice_max, Figure, Frame, Key, LegendItem, Look};
use crate::format::compact;
use crate::state::ReportRef;
use yew::prelude::*;

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

/// Per-node bars, one bar per variant within each node's slot (a plain view, not a component:
/// it has no state).
pub struct GroupedBars {
    /// Title.
    pub title: &'static str,
    /// `data-testid`.
    pub testid: &'static str,
    /// The groups (variants).
    pub groups: Vec<BarGroup>,
    /// Y unit.
    pub y_unit: &'static str,
    /// Y maximum (else from data).
    pub y_max: Option<f64>,
    /// Show values as percentages.
    pub percent: bool,
}

/// How one group's bars are painted.
struct Paint {
    fill: &'static str,
    /// `fill-opacity`, if not opaque.
    opacity: Option<&'static str>,
    /// Outline colour, if any.
    stroke: Option<&'static str>,
    dash: &'static str,
}

/// One group's bars: a value and a tooltip per node.
struct Bars {
    paint: Paint,
    bars: Vec<(f64, String)>,
}

/// Where the bars go: the frame's plot area split into one slot per node.
struct BarLayout {
    frame: Frame,
    /// Share of a slot the whole group of bars may fill.
    fill: f64,
    /// Widest bar.
    max_w: f64,
    /// Gap between neighbouring bars of a slot.
    gap: f64,
}

impl BarLayout {
    fn slot(&self, nodes: usize) -> f64 {
        self.frame.plot_w() / nodes.max(1) as f64
    }

    /// The centre x of node `ni`'s slot.
    fn centre(&self, nodes: usize, ni: usize) -> f64 {
        let slot = self.slot(nodes);
        self.frame.l + slot * ni as f64 + slot / 2.0
    }
}

/// Axes, the 0 and maximum labels, `under` (drawn beneath the bars), the bars of every group side
/// by side in each node's slot and the node labels under them.
fn bar_plot(lay: &BarLayout, groups: &[Bars], ymax: f64, max_label: String, under: Html) -> Html {
    let f = &lay.frame;
    let nodes = groups
        .iter()
        .map(|g| g.bars.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let k = groups.len().max(1) as f64;
    let bw = (lay.slot(nodes) * lay.fill / k).min(lay.max_w);
    let (top, plot) = (f.t, f.plot_h());
    let bars = groups.iter().enumerate().flat_map(|(gi, g)| {
        g.bars.iter().enumerate().map(move |(ni, (v, title))| {
            let x = lay.centre(nodes, ni) - bw * k / 2.0 + bw * gi as f64;
            let bh = (v / ymax).clamp(0.0, 1.0) * plot;
            let p = &g.paint;
            html! {
                <rect x={format!("{x:.1}")} y={format!("{:.1}", top + plot - bh)} width={format!("{:.1}", bw - lay.gap)} height={format!("{bh:.1}")}
                    fill={p.fill} fill-opacity={p.opacity} stroke={p.stroke} stroke-dasharray={p.stroke.map(|_| p.dash)}>
                    <title>{title.clone()}</title>
                </rect>
            }
        })
    });
    let labels = (0..nodes).map(|ni| {
        let x = lay.centre(nodes, ni);
        html! { <text class="tick" x={format!("{x:.1}")} y={(top + plot + 12.0).to_string()} text-anchor="middle">{format!("n{ni}")}</text> }
    });
    html! { <>
        { f.axes() }
        <text class="tick" x={(f.l - 4.0).to_string()} y={(top + 4.0).to_string()} text-anchor="end">{max_label}</text>
        <text class="tick" x={(f.l - 4.0).to_string()} y={(top + plot).to_string()} text-anchor="end">{"0"}</text>
        { under }
        { for bars }
        { for labels }
    </> }
}

impl GroupedBars {
    /// The chart.
    pub fn view(&self) -> Html {
        let ymax = self.y_max.unwrap_or_else(|| {
            nice_max(
                self.groups
                    .iter()
                    .flat_map(|g| g.values.iter().copied())
                    .fold(0.0, f64::max),
            )
        });
        let fmt = |v: f64| {
            if self.percent {
                format!("{:.1}%", v * 100.0)
            } else {
                compact(v)
            }
        };
        let groups: Vec<Bars> = self
            .groups
            .iter()
            .map(|g| Bars {
                paint: Paint {
                    fill: g.color,
                    opacity: Some(bar_opacity(g.light)),
                    stroke: Some(g.color),
                    dash: g.dash,
                },
                bars: g
                    .values
                    .iter()
                    .enumerate()
                    .map(|(ni, v)| (*v, format!("{} — node {ni}: {}", g.name, fmt(*v))))
                    .collect(),
            })
            .collect();
        let lay = BarLayout {
            frame: Frame::OVERLAY_BARS,
            fill: 0.8,
            max_w: 16.0,
            gap: 1.0,
        };
        let f = &lay.frame;
        let legend: Vec<LegendItem> = self
            .groups
            .iter()
            .map(|g| LegendItem {
                name: g.name.clone(),
                color: g.color,
                key: Key::Bar {
                    dash: g.dash,
                    light: g.light,
                },
            })
            .collect();
        let unit = html! {
            <text class="tick" x={(f.w - f.r).to_string()} y={(f.t + 8.0).to_string()} text-anchor="end">{format!("[{}]", self.y_unit)}</text>
        };
        let svg = html! {
            <svg viewBox={f.view_box()} role="img" aria-label={self.title}>
                { bar_plot(&lay, &groups, ymax, fmt(ymax), unit) }
            </svg>
        };
        Figure {
            look: Look::Overlay,
            testid: self.testid.into(),
            title: self.title.into(),
            readout: "hover a bar for its value".into(),
            legend: &legend,
        }
        .render(svg)
    }
}

const SENT: &str = "#2563eb";
const RECEIVED: &str = "#93c5fd";
const CPU: &str = "#f59e0b";

/// The CPU strip under the message bars: per node, a track and the busy share filled in.
fn cpu_strip(lay: &BarLayout, busy: &[f64]) -> Html {
    let f = &lay.frame;
    let (top, h) = (f.bottom() + 30.0, 50.0);
    let nodes = busy.len();
    let bw = (lay.slot(nodes) * lay.fill / 2.0).min(lay.max_w);
    let strips = busy.iter().enumerate().map(|(i, b)| {
        let x = lay.centre(nodes, i);
        let b = b.clamp(0.0, 1.0);
        html! { <g>
            <rect x={(x - bw).to_string()} y={top.to_string()} width={(2.0 * bw).to_string()} height={h.to_string()} fill="#f1f5f9" />
            <rect x={(x - bw).to_string()} y={(top + h * (1.0 - b)).to_string()} width={(2.0 * bw).to_string()} height={(h * b).to_string()} fill={CPU}>
                <title>{format!("node {i}: CPU busy {:.1}%", b * 100.0)}</title></rect>
            <text class="tick" x={x.to_string()} y={(top + h + 11.0).to_string()} text-anchor="middle">{format!("{:.0}%", b * 100.0)}</text>
        </g> }
    });
    html! { <>
        <text class="tick" x="2" y={(f.t + f.plot_h() / 2.0).to_string()}>{"msgs"}</text>
        <text class="tick" x="2" y={(top + h / 2.0).to_string()}>{"CPU %"}</text>
        { for strips }
    </> }
}

/// Per-node messages (sent, received) and CPU utilisation of `report`: the leader bottleneck.
pub fn node_bars(report: &ReportRef) -> Html {
    let nodes = &report.report.messages.by_node;
    let max_msgs = nice_max(
        nodes
            .iter()
            .map(|x| x.sent.max(x.received) as f64)
            .fold(0.0, f64::max),
    );
    let group = |paint: Paint, count: &dyn Fn(usize) -> u64, what: &str| Bars {
        paint,
        bars: (0..nodes.len())
            .map(|i| {
                (
                    count(i) as f64,
                    format!("node {i}: {} messages {what}", count(i)),
                )
            })
            .collect(),
    };
    let groups = [
        group(
            Paint {
                fill: SENT,
                opacity: None,
                stroke: None,
                dash: "none",
            },
            &|i| nodes[i].sent,
            "sent",
        ),
        group(
            Paint {
                fill: RECEIVED,
                opacity: None,
                stroke: Some(SENT),
                dash: "2 2",
            },
            &|i| nodes[i].received,
            "received",
        ),
    ];
    let lay = BarLayout {
        frame: Frame::PAGE_NODES,
        fill: 2.0 / 3.0,
        max_w: 18.0,
        gap: 0.0,
    };
    let busy: Vec<f64> = nodes.iter().map(|n| n.busy).collect();
    let key = |dash| Key::Bar { dash, light: false };
    let legend = [
        LegendItem {
            name: "sent".into(),
            color: SENT,
            key: key("none"),
        },
        LegendItem {
            name: "received".into(),
            color: RECEIVED,
            key: key("2 2"),
        },
        LegendItem {
            name: "CPU busy (measured window)".into(),
            color: CPU,
            key: key("none"),
        },
    ];
    let svg = html! {
        <svg viewBox={lay.frame.view_box()} role="img" aria-label="Messages sent and received per node, and CPU utilisation">
            { bar_plot(&lay, &groups, max_msgs, compact(max_msgs), Html::default()) }
            { cpu_strip(&lay, &busy) }
        </svg>
    };
    Figure {
        look: Look::Page,
        testid: "chart-nodes".into(),
        title: "Per node: messages and CPU".into(),
        readout: "hover a bar for values".into(),
        legend: &legend,
    }
    .render(svg)
}
