//! Export and import: figures as SVG and PNG, results as CSV and JSON, the scenario as JSON, and
//! the exact `fpaxos` command line that reproduces the run.
//!
//! Every download goes through a `Blob`, an object URL and an `<a download>`; no request leaves
//! the page. The text of the last export is also written into a hidden
//! `<textarea data-testid="last-export">` (its `data-name` is the file name), which the end-to-end
//! tests read back.
//!
//! **Contract**: the JSON export is exactly `serde_json::to_string_pretty(&report)`, the schema of
//! `fpaxos run --json`; the CSV's numbers are the report's own (Rust `Display`, unrounded), so they
//! equal the summary's `data-value`s.

use fpaxos_sim::{Report, Scenario};
use std::fmt::Write as _;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The app's version, printed in figure captions.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Id of the hidden element holding the last export's text.
pub const LAST_EXPORT_ID: &str = "fpaxos-last-export";

/// The charts that can be exported: (short name used in test ids and file names, `data-testid`
/// of the chart's `<figure>`, title).
pub const CHARTS: &[(&str, &str, &str)] = &[
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
pub fn caption(s: &Scenario, report: Option<&Report>) -> String {
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

/// Escapes text for XML content and attribute values.
pub fn xml_escape(t: &str) -> String {
    let mut o = String::with_capacity(t.len());
    for ch in t.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => o.push(c),
        }
    }
    o
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
/// `node` row per node. Empty cells are fields that do not apply to the row's kind.
pub fn report_csv(r: &Report) -> String {
    let mut o = String::from(
        "row,node,committed,throughput_req_s,latency_mean_ms,latency_p50_ms,latency_p90_ms,latency_p99_ms,\
leader_changes,leaderless_ms,slots,messages,messages_per_commit,safe,trace_hash,sent,received,cpu_busy\n",
    );
    let _ = writeln!(
        o,
        "summary,,{},{},{},{},{},{},{},{},{},{},{},{},{},,,",
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
        csv_field(&r.trace_hash)
    );
    for (i, n) in r.messages.by_node.iter().enumerate() {
        let _ = writeln!(
            o,
            "node,{i},,,,,,,,,,,,,,{},{},{}",
            n.sent, n.received, n.busy
        );
    }
    o
}

/// Results as JSON: exactly what `fpaxos run --json` prints for the same scenario.
pub fn report_json(r: &Report) -> String {
    fpaxos_sim::report::pretty_json(r)
}

/// The command line that reproduces the run from a link to it.
pub fn command_line(link: &str) -> String {
    format!("fpaxos url --decode '{link}' | fpaxos run - --json")
}

/// Wraps an `<svg>` (serialized, with its own namespace) into a standalone figure with styles,
/// a title, an optional legend line and a caption line below.
pub fn figure_svg(inner: &str, w: f64, h: f64, title: &str, legend: &str, cap: &str) -> String {
    let extra = if legend.is_empty() { 22.0 } else { 38.0 };
    let total_h = h + 24.0 + extra;
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
width=\"{w}\" height=\"{total_h}\" viewBox=\"0 0 {w} {total_h}\">\
<title>{t}</title>\
<style>text{{font-family:system-ui,sans-serif}} .tick{{font-size:10px;fill:#6b7280}} \
.axis{{stroke:#9ca3af;stroke-width:1}} .grid{{stroke:#e5e7eb;stroke-width:1}} \
.series{{fill:none;stroke-width:2}} .cursor{{stroke:#f59e0b}} .hit{{fill:transparent}}</style>\
<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\
<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2937\">{t}</text>\
<g transform=\"translate(0,24)\">{inner}</g>",
        t = xml_escape(title)
    );
    let mut y = 24.0 + h + 16.0;
    if !legend.is_empty() {
        let _ = write!(
            o,
            "<text x=\"4\" y=\"{y}\" font-size=\"11\" fill=\"#1f2937\">{}</text>",
            xml_escape(legend)
        );
        y += 16.0;
    }
    let _ = write!(
        o,
        "<text x=\"4\" y=\"{y}\" font-size=\"10\" fill=\"#6b7280\">{}</text></svg>",
        xml_escape(cap)
    );
    o
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// A chart as a standalone SVG document, from the chart drawn on the page.
pub fn chart_svg(testid: &str, title: &str, cap: &str) -> Option<String> {
    let doc = document()?;
    let fig = doc
        .query_selector(&format!("[data-testid='{testid}']"))
        .ok()??;
    let svg = fig.query_selector("svg").ok()??;
    let (w, h) = svg
        .get_attribute("viewBox")
        .and_then(|vb| {
            let n: Vec<f64> = vb
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (n.len() == 4).then(|| (n[2], n[3]))
        })
        .unwrap_or((480.0, 200.0));
    let clone: web_sys::Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let _ = clone.set_attribute("width", &w.to_string());
    let _ = clone.set_attribute("height", &h.to_string());
    let inner = web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&clone)
        .ok()?;
    let legend: Vec<String> = fig
        .query_selector_all(".legend .item")
        .ok()
        .map(|l| {
            (0..l.length())
                .filter_map(|i| l.item(i)?.text_content())
                .filter(|t| !t.trim().is_empty())
                .collect()
        })
        .unwrap_or_default();
    Some(figure_svg(&inner, w, h, title, &legend.join("  ·  "), cap))
}

/// The space-time diagram's visible window as vector SVG (the same drawing as the canvas), with
/// a title and caption.
pub fn spacetime_svg(sim: &fpaxos_sim::Sim, cap: &str) -> Option<String> {
    let (inner, w, h) = crate::components::spacetime::visible_window_svg(sim)?;
    Some(figure_svg(
        &inner,
        w,
        h,
        "Space-time diagram (visible window)",
        "",
        cap,
    ))
}

/// Keeps the text of the last export in a hidden textarea (for tests and for copying by hand).
pub fn record(name: &str, text: &str) {
    let Some(doc) = document() else { return };
    let el = match doc.get_element_by_id(LAST_EXPORT_ID) {
        Some(e) => e,
        None => {
            let Ok(e) = doc.create_element("textarea") else {
                return;
            };
            e.set_id(LAST_EXPORT_ID);
            let _ = e.set_attribute("data-testid", "last-export");
            let _ = e.set_attribute("hidden", "");
            let _ = e.set_attribute("aria-hidden", "true");
            let _ = e.set_attribute("readonly", "");
            if let Some(b) = doc.body() {
                let _ = b.append_child(&e);
            }
            e
        }
    };
    let _ = el.set_attribute("data-name", name);
    if let Ok(t) = el.dyn_into::<web_sys::HtmlTextAreaElement>() {
        t.set_value(text);
    }
}

/// Offers `blob` as a download named `name`.
pub fn download_blob(name: &str, blob: &web_sys::Blob) {
    let Some(doc) = document() else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(name);
            let _ = a.set_attribute("hidden", "");
            if let Some(b) = doc.body() {
                let _ = b.append_child(&a);
                a.click();
                let _ = b.remove_child(&a);
            }
        }
    }
    // Revoke after the browser has started the download.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

fn text_blob(text: &str, mime: &str) -> Option<web_sys::Blob> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).ok()
}

/// Downloads `text` as a file (and records it as the last export).
pub fn download_text(name: &str, mime: &str, text: &str) {
    record(name, text);
    if let Some(b) = text_blob(text, mime) {
        download_blob(name, &b);
    }
}

/// Renders an SVG document into a PNG (twice the size, for sharpness) and downloads it.
pub fn download_svg_as_png(name: &str, svg: &str) {
    let Some(doc) = document() else { return };
    let Some(blob) = text_blob(svg, "image/svg+xml") else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let name = name.to_string();
    let img2 = img.clone();
    let url2 = url.clone();
    let onload = Closure::once(move || {
        let _ = web_sys::Url::revoke_object_url(&url2);
        let (w, h) = (img2.natural_width().max(1), img2.natural_height().max(1));
        let Some(canvas) = doc
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width(w * 2);
        canvas.set_height(h * 2);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let _ = ctx.scale(2.0, 2.0);
        let _ = ctx.draw_image_with_html_image_element(&img2, 0.0, 0.0);
        let cb = Closure::once(move |b: JsValue| {
            if let Ok(b) = b.dyn_into::<web_sys::Blob>() {
                record(&name, "(png)");
                download_blob(&name, &b);
            }
        });
        let _ = canvas.to_blob(cb.as_ref().unchecked_ref());
        cb.forget();
    });
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    img.set_src(&url);
}

/// Parses and validates imported scenario JSON; the error lines are for the user.
pub fn import_scenario(text: &str) -> Result<Scenario, Vec<String>> {
    let s = Scenario::from_json(text).map_err(|e| e.0)?;
    s.validate().map_err(|e| e.0)?;
    Ok(s)
}

/// A safe file-name stem from the scenario's name.
pub fn file_stem(s: &Scenario) -> String {
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

    #[test]
    fn figure_escapes_text() {
        let svg = figure_svg("<g/>", 10.0, 10.0, "a<b", "", "x & \"y\"");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("a&lt;b") && svg.contains("x &amp; &quot;y&quot;"));
    }
}
