//! Export and import: figures as SVG and PNG, results as CSV and JSON, the scenario as JSON, and
//! the exact `fpaxos` command line that reproduces the run.
//!
//! This module builds the texts; [`crate::browser`] downloads them (a `Blob`, an object URL and
//! an `<a download>`; no request leaves the page) and keeps the last one in a hidden
//! `<textarea data-testid="last-export">` that the end-to-end tests read back.
//!
//! **Contract**: the JSON export is printed by `fpaxos_sim::json::pretty_json`, the one function
//! behind `fpaxos run --json`, so the bytes agree; the CSV's numbers are the report's own (Rust
//! `Display`, unrounded), so they equal the summary's `data-value`s.

use crate::browser;
use crate::svg::figure_svg;
use fpaxos_sim::{Report, Scenario};
use std::fmt::Write as _;

/// The app's version, printed in figure captions.
pub(crate) const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The charts that can be exported: (short name used in test ids and file names, `data-testid`
/// of the chart's `<figure>`, title).
pub(crate) const CHARTS: &[(&str, &str, &str)] = &[
    ("throughput", "chart-throughput", "Throughput"),
    ("latency", "chart-latency", "Latency over time"),
    ("cdf", "chart-cdf", "Latency CDF"),
    (
        "msgs-per-commit",
        "chart-msgs-per-commit",
        "Messages per commit",
    ),
    ("nodes", "chart-nodes", "Per-node messages and CPU"),
];

/// One line describing the scenario, for figure captions.
pub(crate) fn caption(s: &Scenario, report: Option<&Report>) -> String {
    let name = if s.name.trim().is_empty() {
        "FPaxos scenario".to_string()
    } else {
        s.name.trim().to_string()
    };
    let mut c = format!(
        "{name}: {} nodes, {} clients, {} faults, seed {}",
        s.cluster.nodes,
        s.workload.clients,
        s.faults.len(),
        s.seed
    );
    if let Some(r) = report {
        let _ = write!(c, ", trace {}", r.trace_hash);
    }
    let _ = write!(c, " · FPaxos Playground {APP_VERSION}");
    c
}

/// Quotes a CSV field when it needs it.
fn csv_field(t: &str) -> String {
    if t.contains([',', '"', '\n']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t.to_string()
    }
}

/// Results as CSV: a header, one `summary` row with the report's headline numbers, then one
/// `node` row per node. Empty cells are fields that do not apply to the row's kind. New columns
/// go at the end, so older columns keep their positions (the liveness ones: `live` is the
/// report's `liveness.ok`, `stalls` how many it lists, then unavailable time, judged time and the
/// bound in ms, then the time not judged by reason, in ms, as `liveness.not_judged` has it).
pub(crate) fn report_csv(r: &Report) -> String {
    let mut o = String::from(
        "row,node,committed,throughput_req_s,latency_mean_ms,latency_p50_ms,latency_p90_ms,latency_p99_ms,\
leader_changes,leaderless_ms,slots,messages,messages_per_commit,safe,trace_hash,sent,received,cpu_busy,\
live,stalls,unavailable_ms,liveness_judged_ms,liveness_bound_ms,not_judged_loss_ms,not_judged_slow_ms,\
not_judged_no_healthy_set_ms,not_judged_idle_ms,not_judged_overload_ms\n",
    );
    let l = &r.liveness;
    let _ = writeln!(
        o,
        "summary,,{},{},{},{},{},{},{},{},{},{},{},{},{},,,,{},{},{},{},{},{},{},{},{},{}",
        r.committed,
        r.throughput,
        r.latency_ms.mean,
        r.latency_ms.p50,
        r.latency_ms.p90,
        r.latency_ms.p99,
        r.leader_changes,
        r.leaderless_ms,
        r.slots,
        r.messages.total,
        r.messages.per_commit,
        r.safety.ok,
        csv_field(&r.trace_hash),
        l.ok,
        l.stalls.len(),
        l.unavailable_ms,
        l.judged_ms,
        l.bound_ms,
        l.not_judged.loss_ms,
        l.not_judged.slow_ms,
        l.not_judged.no_healthy_set_ms,
        l.not_judged.idle_ms,
        l.not_judged.overload_ms,
    );
    for (i, n) in r.messages.by_node.iter().enumerate() {
        let _ = writeln!(
            o,
            "node,{i},,,,,,,,,,,,,,{},{},{},,,,,,,,,,",
            n.sent, n.received, n.busy
        );
    }
    o
}

/// Results as JSON: exactly what `fpaxos run --json` prints for the same scenario.
pub(crate) fn report_json(r: &Report) -> String {
    fpaxos_sim::json::pretty_json(r)
}

/// The command line that reproduces the run from a link to it.
pub(crate) fn command_line(link: &str) -> String {
    format!("fpaxos url --decode '{link}' | fpaxos run - --json")
}

/// A chart drawn on the page as a standalone SVG document. The chart is read back from the page
/// by its `data-testid` (what the reader sees is what is exported).
pub(crate) fn chart_svg(testid: &str, title: &str, cap: &str) -> Option<String> {
    let c = browser::drawn_chart(testid)?;
    Some(figure_svg(
        &c.svg,
        c.w,
        c.h,
        title,
        &c.legend.join("  ·  "),
        cap,
    ))
}

/// Parses and validates imported scenario JSON; the error lines are for the user.
pub(crate) fn import_scenario(text: &str) -> Result<Scenario, Vec<String>> {
    let s = Scenario::from_json(text).map_err(|e| e.0)?;
    s.validate().map_err(|e| e.0)?;
    Ok(s)
}

/// A safe file-name stem from the scenario's name.
pub(crate) fn file_stem(s: &Scenario) -> String {
    let stem: String = s
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-').to_string();
    if stem.is_empty() {
        "fpaxos-scenario".into()
    } else {
        let mut stem = stem;
        stem.truncate(40);
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_numbers_are_the_reports() {
        let r = fpaxos_sim::run(&Scenario::default()).expect("default runs");
        let csv = report_csv(&r);
        let mut lines = csv.lines();
        let head: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let sum: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        assert_eq!(head.len(), sum.len());
        let col = |k: &str| sum[head.iter().position(|h| *h == k).unwrap_or(0)];
        assert_eq!(col("committed"), r.committed.to_string());
        assert_eq!(col("throughput_req_s"), r.throughput.to_string());
        assert_eq!(col("latency_p99_ms"), r.latency_ms.p99.to_string());
        assert_eq!(col("trace_hash"), r.trace_hash);
        assert_eq!(col("live"), r.liveness.ok.to_string());
        assert_eq!(col("stalls"), r.liveness.stalls.len().to_string());
        assert_eq!(col("unavailable_ms"), r.liveness.unavailable_ms.to_string());
        assert_eq!(col("liveness_judged_ms"), r.liveness.judged_ms.to_string());
        assert_eq!(col("liveness_bound_ms"), r.liveness.bound_ms.to_string());
        // The time not judged, on a run with some (no Q1 up from 2 s to 6 s).
        let p = crate::presets::by_id("leader-failure").expect("preset");
        let r2 = fpaxos_sim::run(&p.scenario).expect("runs");
        let nj = &r2.liveness.not_judged;
        assert!(nj.no_healthy_set_ms > 0.0, "{nj:?}");
        let csv2 = report_csv(&r2);
        let sum2: Vec<&str> = csv2.lines().nth(1).unwrap_or_default().split(',').collect();
        let col = |k: &str| sum2[head.iter().position(|h| *h == k).unwrap_or(0)];
        assert_eq!(col("not_judged_loss_ms"), nj.loss_ms.to_string());
        assert_eq!(col("not_judged_slow_ms"), nj.slow_ms.to_string());
        assert_eq!(
            col("not_judged_no_healthy_set_ms"),
            nj.no_healthy_set_ms.to_string()
        );
        assert_eq!(col("not_judged_idle_ms"), nj.idle_ms.to_string());
        assert_eq!(col("not_judged_overload_ms"), nj.overload_ms.to_string());
        assert_eq!(head[22], "liveness_bound_ms");
        // The older columns keep their positions.
        assert_eq!(head[14], "trace_hash");
        assert_eq!(head[17], "cpu_busy");
        assert_eq!(csv.lines().count(), 2 + r.messages.by_node.len());
        for l in csv.lines() {
            assert_eq!(l.split(',').count(), head.len(), "{l}");
        }
    }

    #[test]
    fn import_rejects_bad_json_and_invalid_scenarios() {
        assert!(import_scenario("{").is_err());
        let mut s = Scenario::default();
        s.cluster.nodes = 0;
        let e = import_scenario(&s.to_json_pretty()).unwrap_err();
        assert!(!e.is_empty());
        let ok = import_scenario(&Scenario::default().to_json_pretty());
        assert_eq!(ok, Ok(Scenario::default()));
    }
}
