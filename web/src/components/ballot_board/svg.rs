//! The ballot board as an SVG figure (the Export menu's "Ballot board" row): the same board,
//! cells, marks and sentences as the panel, framed by `figure_svg` like the other figures.

use super::{cell_text, set_text, shown, verdict};
use crate::state::AppState;
use crate::svg::{figure_svg, xml_escape};
use fpaxos::NodeSet;
use fpaxos_sim::trace::Board;
use std::fmt::Write as _;

const HEAD_W: f64 = 90.0;
const CELL_W: f64 = 112.0;
const ROW_H: f64 = 30.0;
const LINE_H: f64 = 16.0;

/// The board's drawing (SVG elements), with its width and height.
pub(crate) fn board_svg(b: &Board) -> (String, f64, f64) {
    let lines = verdict(b);
    // Wide enough for the grid and for the longest sentence (about 6.2 px a character at 11 px).
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let w = (HEAD_W + CELL_W * b.nodes as f64 + 8.0).max(longest as f64 * 6.2 + 8.0);
    let grid_h = ROW_H * (b.rows.len() as f64 + 1.0);
    let h = grid_h + 10.0 + LINE_H * lines.len() as f64;
    let inter = b.intersection.unwrap_or(NodeSet::EMPTY);
    let mut o = String::new();
    // Patterns: stripes for the chosen Q2 (the colour is not the only cue).
    o.push_str(
        "<defs><pattern id=\"bb-stripes\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#dbeafe\"/>\
<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#93c5fd\" stroke-width=\"2\"/></pattern></defs>",
    );
    let _ = write!(
        o,
        "<text x=\"4\" y=\"{}\" font-size=\"11\" font-weight=\"600\" fill=\"#1f2937\">Ballot</text>",
        ROW_H * 0.6
    );
    for n in 0..b.nodes {
        let x = HEAD_W + CELL_W * n as f64;
        let mark = if inter.contains(n as fpaxos::NodeId) {
            " ∩"
        } else {
            ""
        };
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"600\" fill=\"#1f2937\">node {n}{mark}</text>",
            x + 6.0,
            ROW_H * 0.6
        );
    }
    for (r, row) in b.rows.iter().enumerate() {
        let y = ROW_H * (r as f64 + 1.0);
        let _ = write!(
            o,
            "<text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#1f2937\">ballot {}</text>",
            y + ROW_H * 0.6,
            row.ballot
        );
        for (n, c) in row.cells.iter().enumerate() {
            let x = HEAD_W + CELL_W * n as f64;
            let conflict = matches!(c.accepted, Some(Some(i)) if b.conflicting.contains(&i));
            let in_inter = (c.in_q1 || c.in_q2) && inter.contains(n as fpaxos::NodeId);
            let (fill, stroke, dash, sw) = match (c.in_q2, c.in_q1) {
                (true, _) => ("url(#bb-stripes)", "#1d4ed8", "", 2.0),
                (false, true) => ("#ffedd5", "#c2410c", " stroke-dasharray=\"5 3\"", 2.0),
                _ => ("#ffffff", "#d1d5db", "", 1.0),
            };
            let _ = write!(
                o,
                "<rect class=\"bb-cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"{dash}/>",
                x + 1.0,
                y + 1.0,
                CELL_W - 2.0,
                ROW_H - 2.0
            );
            if in_inter {
                let _ = write!(
                    o,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#7c3aed\" stroke-width=\"1.5\"/>",
                    x + 4.0,
                    y + 4.0,
                    CELL_W - 8.0,
                    ROW_H - 8.0
                );
            }
            let (text, marks) = cell_text(b, c);
            let color = if conflict { "#b91c1c" } else { "#1f2937" };
            let extra = if conflict { " ≠" } else { "" };
            let _ = write!(
                o,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{color}\">{}<tspan font-size=\"9\" dx=\"4\" fill=\"#4b5563\">{}{extra}</tspan></text>",
                x + 6.0,
                y + ROW_H * 0.6,
                xml_escape(&text),
                xml_escape(&marks)
            );
        }
    }
    for (i, l) in lines.iter().enumerate() {
        let bold = l.starts_with("CONFLICT") || l.contains("EMPTY");
        let _ = write!(
            o,
            "<text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"{}\"{}>{}</text>",
            grid_h + 10.0 + LINE_H * (i as f64 + 0.7),
            if bold { "#b91c1c" } else { "#1f2937" },
            if bold { " font-weight=\"600\"" } else { "" },
            xml_escape(l)
        );
    }
    (
        format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" data-figure=\"ballot-board\">{o}</svg>"),
        w,
        h,
    )
}

/// The Export menu's figure: the board the panel shows, framed with a legend and `cap`.
/// `None` when there is nothing to draw yet.
pub(crate) fn board_figure(app: &AppState, cap: &str) -> Option<String> {
    let b = shown(app).board?;
    let (inner, w, h) = board_svg(&b);
    let title = format!(
        "Ballot board, slot {} at {}",
        b.slot,
        crate::format::time(b.at)
    );
    let legend = format!(
        "P promised · A v accepted v · striped/solid: chosen value's Q2 {} · dashed: next ballot's Q1 {} · ∩ in both · ≠ conflicting value",
        b.chosen_q2.map_or("—".into(), |(_, q)| set_text(q)),
        b.next_q1.map_or("—".into(), |(_, q)| set_text(q)),
    );
    // The legend (11 px) and the caption (10 px) are single lines: the figure fits them too.
    let text_w = (legend.chars().count() as f64 * 6.2).max(cap.chars().count() as f64 * 5.6);
    Some(figure_svg(
        &inner,
        w.max(text_w + 8.0),
        h,
        &title,
        &legend,
        cap,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_brain_board_draws_both_values_and_the_empty_intersection() {
        let s = fpaxos_sim::presets::preset("split-brain")
            .expect("preset")
            .scenario();
        let mut sim = fpaxos_sim::Sim::new(s.check().expect("valid"));
        sim.run_to_end();
        let log = sim.trace().ballots();
        let slot = log.interesting_slot(sim.now()).expect("a slot");
        let b = log.board(slot, sim.now(), 5);
        let (svg, w, h) = board_svg(&b);
        assert!(w > 500.0 && h > 60.0);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("EMPTY") && svg.contains("CONFLICT"));
        assert_eq!(svg.matches("class=\"bb-cell\"").count(), 5 * b.rows.len());
        for &i in &b.conflicting {
            assert!(svg.contains(&xml_escape(&b.values[i].label)));
        }
        let fig = figure_svg(&svg, w, h, "t", "l", "c");
        assert_eq!(fig.matches("<svg").count(), 2);
    }
}
