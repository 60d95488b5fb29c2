//! SVG text shared by the figure exports and the embed snippet: escaping, and the frame that
//! turns a drawing into a standalone figure with a title, a legend and a caption.

use std::fmt::Write as _;

/// Escapes text for XML content and attribute values.
pub(crate) fn xml_escape(t: &str) -> String {
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

/// Wraps an `<svg>` (serialized, with its own namespace) into a standalone figure with styles,
/// a title, an optional legend line and a caption line below.
pub(crate) fn figure_svg(
    inner: &str,
    w: f64,
    h: f64,
    title: &str,
    legend: &str,
    cap: &str,
) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_escapes_text() {
        let svg = figure_svg("<g/>", 10.0, 10.0, "a<b", "", "x & \"y\"");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("a&lt;b") && svg.contains("x &amp; &quot;y&quot;"));
    }
}
