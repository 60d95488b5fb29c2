//! The main page's charts panel: throughput and latency over time, the latency CDF, per-node
//! messages and CPU, and messages per commit over time. The time charts shade the report's
//! unavailable intervals and stalls.

use super::bars::node_bars;
use super::xy::{Band, LineChart, Series};
use crate::state::ReportRef;
use fpaxos_sim::Report;
use yew::prelude::*;

/// Props: the latest report.
#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// Report (none while the scenario is invalid).
    pub report: Option<ReportRef>,
}

/// The per-bucket series the time charts draw, cut to the buckets the run has completed.
struct Derived {
    /// Bucket centres (s).
    xs: Vec<f64>,
    /// Completed requests per second.
    throughput: Vec<f64>,
    /// Latency p50 (ms); NaN where nothing completed.
    p50: Vec<f64>,
    /// Latency p99 (ms); NaN where nothing completed.
    p99: Vec<f64>,
    /// Node messages per completed request; NaN where nothing completed.
    per_commit: Vec<f64>,
}

/// The report's time series, cut to the buckets the run has completed. The metrics come from
/// the engine (`Report::complete_buckets`, `Timeline::msgs_per_commit`); this only shapes them
/// for the charts, a gap (NaN) where a bucket completed nothing.
fn derived_series(r: &Report) -> Derived {
    let tl = &r.timeline;
    let bs = tl.bucket_ms / 1e3;
    let used = r.complete_buckets();
    let cut = |v: &[f64]| v[..used.min(v.len())].to_vec();
    let gap = |ys: &[f64]| -> Vec<f64> {
        ys.iter()
            .zip(&tl.throughput)
            .map(|(y, t)| if *t > 0.0 { *y } else { f64::NAN })
            .collect()
    };
    let per_commit = tl
        .msgs_per_commit()
        .into_iter()
        .take(used)
        .map(|m| m.unwrap_or(f64::NAN))
        .collect();
    Derived {
        xs: (0..used).map(|i| (i as f64 + 0.5) * bs).collect(),
        throughput: cut(&tl.throughput),
        p50: cut(&gap(&tl.p50_ms)),
        p99: cut(&gap(&tl.p99_ms)),
        per_commit,
    }
}

/// The report's unavailable intervals and stalls as bands on a time axis in seconds (stalls
/// after the unavailable time, so they are drawn over it).
fn liveness_bands(r: &Report) -> Vec<Band> {
    let l = &r.liveness;
    let secs = |ms: f64| crate::format::time(crate::components::liveness::ms_to_ns(ms));
    let unavailable = l.unavailable.iter().map(|&(a, b)| Band {
        x0: a / 1e3,
        x1: b / 1e3,
        stall: false,
        label: format!(
            "Unavailable {} to {}: requests pending, nothing committed",
            secs(a),
            secs(b)
        ),
    });
    let stalls = l.stalls.iter().map(|s| Band {
        x0: s.from_ms / 1e3,
        x1: s.to_ms / 1e3,
        stall: true,
        label: format!(
            "Stall {} to {}: the liveness rule required progress",
            secs(s.from_ms),
            secs(s.to_ms)
        ),
    });
    unavailable.chain(stalls).collect()
}

/// All charts.
#[component]
pub fn ChartsPanel(props: &ChartsProps) -> Html {
    let Some(rr) = &props.report else {
        return html! {};
    };
    let r = &rr.report;
    let d = derived_series(r);
    let bands = liveness_bands(r);
    let cdf_x: Vec<f64> = r.latency_cdf.iter().map(|(ms, _)| *ms).collect();
    let cdf_y: Vec<f64> = r.latency_cdf.iter().map(|(_, q)| *q * 100.0).collect();
    html! {
        <section class="panel" aria-label="Charts">
            <h2>{"Charts"}</h2>
            <div class="charts">
                {LineChart { title: "Throughput", testid: "chart-throughput", xs: d.xs.clone(), x_unit: "s", y_unit: "req/s",
                    x_is_time: true, y_max: None, bands: bands.clone(),
                    series: vec![Series { name: "completed requests", color: "#2563eb", dashed: false, ys: d.throughput }] }.view()}
                {LineChart { title: "Latency over time", testid: "chart-latency", xs: d.xs.clone(), x_unit: "s", y_unit: "ms",
                    x_is_time: true, y_max: None, bands: bands.clone(),
                    series: vec![
                        Series { name: "p50", color: "#16a34a", dashed: false, ys: d.p50 },
                        Series { name: "p99", color: "#dc2626", dashed: true, ys: d.p99 },
                    ] }.view()}
                {LineChart { title: "Latency CDF (measured window)", testid: "chart-cdf", xs: cdf_x, x_unit: "ms", y_unit: "%",
                    x_is_time: false, y_max: Some(100.0), bands: Vec::new(),
                    series: vec![Series { name: "requests at or below", color: "#7c3aed", dashed: false, ys: cdf_y }] }.view()}
                {node_bars(rr)}
                {LineChart { title: "Messages per commit", testid: "chart-msgs-per-commit", xs: d.xs, x_unit: "s", y_unit: "msgs",
                    x_is_time: true, y_max: None, bands,
                    series: vec![Series { name: "node messages per completed request", color: "#d97706", dashed: false, ys: d.per_commit }] }.view()}
            </div>
        </section>
    }
}
