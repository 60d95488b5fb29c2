//! Charts as inline SVG (no chart library): throughput over time, latency p50/p99 over time,
//! the latency CDF, per-node messages and CPU, and messages per commit over time. Each chart has
//! units, a legend and a hover read-out.

use crate::format::{compact, secs_axis};
use crate::state::ReportRef;
use fpaxos_sim::Report;
use yew::prelude::*;

const W: f64 = 480.0;
const H: f64 = 200.0;
const L: f64 = 46.0;
const R: f64 = 10.0;
const T: f64 = 10.0;
const B: f64 = 28.0;

/// One line of a chart.
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

/// Props of [`LineChart`].
#[derive(Properties, PartialEq)]
pub struct LineProps {
    /// Title.
    pub title: AttrValue,
    /// `data-testid`.
    pub testid: AttrValue,
    /// X values (shared by all series).
    pub xs: Vec<f64>,
    /// The lines.
    pub series: Vec<Series>,
    /// X unit, e.g. `s`.
    pub x_unit: AttrValue,
    /// Y unit, e.g. `req/s`.
    pub y_unit: AttrValue,
    /// X axis is time in seconds (formats ticks as seconds).
    #[prop_or(true)]
    pub x_is_time: bool,
    /// Y axis maximum (else from data).
    #[prop_or_default]
    pub y_max: Option<f64>,
}

fn nice_max(v: f64) -> f64 {
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

/// A line chart with axes, legend and hover.
#[component]
pub fn LineChart(p: &LineProps) -> Html {
    let hover = use_state(|| None::<usize>);
    let n = p.xs.len();
    let x0 = p.xs.first().copied().unwrap_or(0.0);
    let x1 = p.xs.last().copied().unwrap_or(1.0).max(x0 + 1e-9);
    let ymax = p.y_max.unwrap_or_else(|| {
        nice_max(
            p.series
                .iter()
                .flat_map(|s| s.ys.iter().copied())
                .fold(0.0, f64::max),
        )
    });
    let sx = |x: f64| L + (x - x0) / (x1 - x0) * (W - L - R);
    let sy = |y: f64| H - B - (y / ymax).clamp(0.0, 1.05) * (H - B - T);
    let paths = p.series.iter().map(|s| {
        // NaN values are gaps (e.g. no request completed in that bucket).
        let mut d = String::with_capacity(s.ys.len() * 14);
        let mut pen_up = true;
        for (x, y) in p.xs.iter().zip(&s.ys) {
            if !y.is_finite() {
                pen_up = true;
                continue;
            }
            d.push_str(&format!("{}{:.1} {:.1}", if pen_up { "M" } else { "L" }, sx(*x), sy(*y)));
            pen_up = false;
        }
        html! { <path class="series" d={d} stroke={s.color} stroke-dasharray={if s.dashed { "6 4" } else { "none" }} /> }
    });
    let yticks = (0..=4).map(|i| {
        let v = ymax * i as f64 / 4.0;
        let y = sy(v);
        html! { <g><line class="grid" x1={L.to_string()} x2={(W - R).to_string()} y1={y.to_string()} y2={y.to_string()} />
            <text class="tick" x={(L - 4.0).to_string()} y={(y + 3.0).to_string()} text-anchor="end">{compact(v)}</text></g> }
    });
    let xticks = (0..=5).map(|i| {
        let v = x0 + (x1 - x0) * i as f64 / 5.0;
        let label = if p.x_is_time { secs_axis((v * 10.0).round() / 10.0) } else { compact(v) };
        html! { <text class="tick" x={sx(v).to_string()} y={(H - B + 14.0).to_string()} text-anchor="middle">{label}</text> }
    });
    let onmousemove = {
        let hover = hover.clone();
        let xs = p.xs.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e
                .current_target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            else {
                return;
            };
            let rect = el.get_bounding_client_rect();
            if rect.width() <= 0.0 || xs.is_empty() {
                return;
            }
            let vx = (e.client_x() as f64 - rect.left()) / rect.width() * W;
            let xv = x0 + (vx - L) / (W - L - R) * (x1 - x0);
            let i = xs.partition_point(|x| *x < xv).min(xs.len() - 1);
            let i = if i > 0 && (xs[i] - xv).abs() > (xs[i - 1] - xv).abs() {
                i - 1
            } else {
                i
            };
            hover.set(Some(i));
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    let hover_i = (*hover).filter(|i| *i < n);
    let readout = hover_i.map(|i| {
        let mut s = format!(
            "{}{}: ",
            if p.x_is_time {
                format!("{:.2}", p.xs[i])
            } else {
                format!("{:.3}", p.xs[i])
            },
            p.x_unit
        );
        for (k, se) in p.series.iter().enumerate() {
            if k > 0 {
                s.push_str(", ");
            }
            s.push_str(&format!(
                "{} {:.2} {}",
                se.name,
                se.ys.get(i).copied().unwrap_or(0.0),
                p.y_unit
            ));
        }
        s
    });
    html! {
        <figure class="chart" data-testid={p.testid.clone()}>
            <figcaption><span>{p.title.clone()}</span>
                <span class="hover" aria-live="off">{readout.unwrap_or_default()}</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={p.title.clone()} {onmousemove} {onmouseleave}>
                { for yticks }
                <line class="axis" x1={L.to_string()} x2={L.to_string()} y1={T.to_string()} y2={(H - B).to_string()} />
                <line class="axis" x1={L.to_string()} x2={(W - R).to_string()} y1={(H - B).to_string()} y2={(H - B).to_string()} />
                { for xticks }
                <text class="tick" x={(W - R).to_string()} y={(H - 2.0).to_string()} text-anchor="end">{format!("[{}]", p.x_unit)}</text>
                <text class="tick" x="2" y="9">{format!("[{}]", p.y_unit)}</text>
                { for paths }
                if n == 0 { <text class="tick" x={(W / 2.0).to_string()} y={(H / 2.0).to_string()} text-anchor="middle">{"no data yet"}</text> }
                if let Some(i) = hover_i {
                    <line class="cursor" x1={sx(p.xs[i]).to_string()} x2={sx(p.xs[i]).to_string()} y1={T.to_string()} y2={(H - B).to_string()} />
                }
            </svg>
            <div class="legend">
                { for p.series.iter().map(|s| html! {
                    <span class="item"><span class={classes!("swatch", s.dashed.then_some("dashed"))} style={format!("border-color:{}", s.color)}></span>{s.name}</span>
                }) }
            </div>
        </figure>
    }
}

/// Props of [`NodeBars`].
#[derive(Properties, PartialEq)]
pub struct NodeBarsProps {
    /// The report.
    pub report: ReportRef,
}

/// Per-node messages (sent, received) and CPU utilisation: the leader bottleneck.
#[component]
pub fn NodeBars(p: &NodeBarsProps) -> Html {
    let r: &Report = &p.report.report;
    let nodes = &r.messages.by_node;
    let n = nodes.len().max(1);
    let max_msgs = nice_max(
        nodes
            .iter()
            .map(|x| x.sent.max(x.received) as f64)
            .fold(0.0, f64::max),
    );
    let h2 = H + 40.0;
    let plot_h = 100.0;
    let top = T;
    let cpu_top = top + plot_h + 30.0;
    let cpu_h = 50.0;
    let slot = (W - L - R) / n as f64;
    let bw = (slot / 3.0).min(18.0);
    let bars = nodes.iter().enumerate().map(|(i, nl)| {
        let x = L + slot * i as f64 + slot / 2.0;
        let hs = nl.sent as f64 / max_msgs * plot_h;
        let hr = nl.received as f64 / max_msgs * plot_h;
        let busy = nl.busy.clamp(0.0, 1.0);
        html! {
            <g>
                <rect x={(x - bw).to_string()} y={(top + plot_h - hs).to_string()} width={bw.to_string()} height={hs.to_string()} fill="#2563eb">
                    <title>{format!("node {i}: {} messages sent", nl.sent)}</title></rect>
                <rect x={x.to_string()} y={(top + plot_h - hr).to_string()} width={bw.to_string()} height={hr.to_string()} fill="#93c5fd" stroke="#2563eb" stroke-dasharray="2 2">
                    <title>{format!("node {i}: {} messages received", nl.received)}</title></rect>
                <text class="tick" x={x.to_string()} y={(top + plot_h + 12.0).to_string()} text-anchor="middle">{format!("n{i}")}</text>
                <rect x={(x - bw).to_string()} y={cpu_top.to_string()} width={(2.0 * bw).to_string()} height={cpu_h.to_string()} fill="#f1f5f9" />
                <rect x={(x - bw).to_string()} y={(cpu_top + cpu_h * (1.0 - busy)).to_string()} width={(2.0 * bw).to_string()} height={(cpu_h * busy).to_string()} fill="#f59e0b">
                    <title>{format!("node {i}: CPU busy {:.1}%", busy * 100.0)}</title></rect>
                <text class="tick" x={x.to_string()} y={(cpu_top + cpu_h + 11.0).to_string()} text-anchor="middle">{format!("{:.0}%", busy * 100.0)}</text>
            </g>
        }
    });
    html! {
        <figure class="chart" data-testid="chart-nodes">
            <figcaption><span>{"Per node: messages and CPU"}</span>
                <span class="hover">{"hover a bar for values"}</span></figcaption>
            <svg viewBox={format!("0 0 {W} {h2}")} role="img" aria-label="Messages sent and received per node, and CPU utilisation">
                <line class="axis" x1={L.to_string()} x2={L.to_string()} y1={top.to_string()} y2={(top + plot_h).to_string()} />
                <line class="axis" x1={L.to_string()} x2={(W - R).to_string()} y1={(top + plot_h).to_string()} y2={(top + plot_h).to_string()} />
                <text class="tick" x={(L - 4.0).to_string()} y={(top + 4.0).to_string()} text-anchor="end">{compact(max_msgs)}</text>
                <text class="tick" x={(L - 4.0).to_string()} y={(top + plot_h).to_string()} text-anchor="end">{"0"}</text>
                <text class="tick" x="2" y={(top + plot_h / 2.0).to_string()}>{"msgs"}</text>
                <text class="tick" x="2" y={(cpu_top + cpu_h / 2.0).to_string()}>{"CPU %"}</text>
                { for bars }
            </svg>
            <div class="legend">
                <span class="item"><span class="swatch" style="border-color:#2563eb"></span>{"sent"}</span>
                <span class="item"><span class="swatch dashed" style="border-color:#93c5fd"></span>{"received"}</span>
                <span class="item"><span class="swatch" style="border-color:#f59e0b"></span>{"CPU busy (measured window)"}</span>
            </div>
        </figure>
    }
}

/// Props: the latest report.
#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// Report (none while the scenario is invalid).
    pub report: Option<ReportRef>,
}

/// All charts.
#[component]
pub fn ChartsPanel(props: &ChartsProps) -> Html {
    let Some(rr) = &props.report else {
        return html! {};
    };
    let r = &rr.report;
    let tl = &r.timeline;
    let bs = tl.bucket_ms / 1e3;
    // A bucket the run is still inside would read low: leave it out until it is complete.
    let full = ((r.sim.simulated_ms / tl.bucket_ms).floor() as usize).max(1);
    let used = if r.sim.simulated_ms >= r.scenario.duration.as_ms() {
        tl.throughput.len()
    } else {
        tl.throughput.len().min(full)
    };
    let cut = |v: &[f64]| v[..used.min(v.len())].to_vec();
    let xs: Vec<f64> = (0..used).map(|i| (i as f64 + 0.5) * bs).collect();
    let cdf_x: Vec<f64> = r.latency_cdf.iter().map(|(ms, _)| *ms).collect();
    let cdf_y: Vec<f64> = r.latency_cdf.iter().map(|(_, q)| *q * 100.0).collect();
    let gap = |ys: &[f64]| -> Vec<f64> {
        ys.iter()
            .zip(&tl.throughput)
            .map(|(y, t)| if *t > 0.0 { *y } else { f64::NAN })
            .collect()
    };
    let per_commit: Vec<f64> = (0..used)
        .map(|b| {
            let sent: u64 = tl.sent.iter().map(|s| s.get(b).copied().unwrap_or(0)).sum();
            let done = tl.throughput.get(b).copied().unwrap_or(0.0) * bs;
            if done > 0.0 {
                sent as f64 / done
            } else {
                f64::NAN
            }
        })
        .collect();
    html! {
        <section class="panel" aria-label="Charts">
            <h2>{"Charts"}</h2>
            <div class="charts">
                <LineChart title="Throughput" testid="chart-throughput" xs={xs.clone()} x_unit="s" y_unit="req/s"
                    series={vec![Series { name: "completed requests", color: "#2563eb", dashed: false, ys: cut(&tl.throughput) }]} />
                <LineChart title="Latency over time" testid="chart-latency" xs={xs.clone()} x_unit="s" y_unit="ms"
                    series={vec![
                        Series { name: "p50", color: "#16a34a", dashed: false, ys: cut(&gap(&tl.p50_ms)) },
                        Series { name: "p99", color: "#dc2626", dashed: true, ys: cut(&gap(&tl.p99_ms)) },
                    ]} />
                <LineChart title="Latency CDF (measured window)" testid="chart-cdf" xs={cdf_x} x_unit="ms" y_unit="%" x_is_time={false} y_max={Some(100.0)}
                    series={vec![Series { name: "requests at or below", color: "#7c3aed", dashed: false, ys: cdf_y }]} />
                <NodeBars report={rr.clone()} />
                <LineChart title="Messages per commit" testid="chart-msgs-per-commit" xs={xs} x_unit="s" y_unit="msgs"
                    series={vec![Series { name: "node messages per completed request", color: "#d97706", dashed: false, ys: per_commit }]} />
            </div>
        </section>
    }
}
