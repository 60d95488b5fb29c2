//! The cluster view as SVG text, for the animation export: the same ring, roles, log bars,
//! messages in flight, cut links, latest quorum and counterexample as
//! [`super::cluster_view::ClusterPanel`] draws with Yew, with the page's styles inlined so the
//! frame stands alone (an `<img>` of it sees no style sheet).

use super::cluster_view::{kind_shape, kind_style, role_info, weights_of, Ring, SIZE};
use crate::run::SimAt;
use fpaxos::quorum::Counterexample;
use fpaxos::{Phase, Time};
use fpaxos_sim::Scenario;
use std::fmt::Write as _;

/// The page's cluster styles (web/style.css) with its colour variables resolved.
const STYLE: &str = "text{font-family:system-ui,sans-serif}\
.body{stroke:#334155;stroke-width:2;fill:#cbd5e1}\
.leader .body{fill:#f59e0b;stroke-width:3}\
.candidate .body{fill:#a855f7;stroke-dasharray:4 2}\
.crashed .body{fill:#9ca3af;stroke-dasharray:3 3;stroke:#6b7280}\
.letter{font-weight:800;font-size:15px;fill:#111827}\
.nid{font-size:12px;fill:#374151}.bar-bg{fill:#e5e7eb}.bar{fill:#16a34a}\
.halo{fill:none;stroke-width:4;opacity:.85}.q1{stroke:#7c3aed}.q2{stroke:#16a34a}\
.ce{fill:none;stroke:#b91c1c;stroke-width:2.5}.ce1{stroke-dasharray:7 4}.ce2{stroke-dasharray:2 3}\
.clients{fill:#f1f5f9;stroke:#94a3b8;stroke-dasharray:3 3}.clients-label{font-size:11px;fill:#6b7280}\
.cut line{stroke:#b91c1c;stroke-width:2;stroke-dasharray:6 4}.cut text{fill:#b91c1c;font-weight:700}\
.msg path{stroke:#fff;stroke-width:1}";

/// The cluster `at` simulated time `t` (a snapshot of the run advanced to `t`, keeping as many
/// messages as the page draws), as a standalone `<svg>` [`SIZE`] pixels square. `ce`: the unsafe
/// quorum pair to ring, if any.
pub(crate) fn cluster_svg(
    at: &SimAt,
    scenario: &Scenario,
    t: Time,
    ce: Option<&Counterexample>,
) -> String {
    let views = at.node_views();
    let ring = Ring::of(views.len());
    let c = SIZE / 2.0;
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SIZE}\" height=\"{SIZE}\" \
         viewBox=\"0 0 {SIZE} {SIZE}\"><style>{STYLE}</style>\
         <circle cx=\"{c}\" cy=\"{c}\" r=\"24\" class=\"clients\"/>\
         <text x=\"{c}\" y=\"{}\" text-anchor=\"middle\" class=\"clients-label\">clients</text>",
        c + 40.0
    );
    let n = views.len();
    for cut in at.cut_links() {
        let ((x1, y1), (x2, y2)) = (ring.node(cut.a as usize), ring.node(cut.b as usize));
        let _ = write!(
            o,
            "<g class=\"cut\"><line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">✕</text></g>",
            (x1 + x2) / 2.0,
            (y1 + y2) / 2.0 + 4.0
        );
    }
    if n <= 20 {
        for f in at.in_flight() {
            let span = f.deliver_at.saturating_sub(f.sent_at).max(1) as f64;
            let frac = (t.saturating_sub(f.sent_at) as f64 / span).clamp(0.0, 1.0);
            let ((x1, y1), (x2, y2)) = (ring.endpoint(f.from), ring.endpoint(f.to));
            let _ = write!(
                o,
                "<g class=\"msg\" transform=\"translate({:.1},{:.1})\"><path d=\"{}\" fill=\"{}\"/></g>",
                x1 + (x2 - x1) * frac,
                y1 + (y2 - y1) * frac,
                kind_shape(f.kind, 5.0),
                kind_style(f.kind).0
            );
        }
    }
    let last_quorum = at.last_quorum();
    let weights = weights_of(&scenario.cluster.quorum);
    let max_end = views.iter().map(|v| v.log_end).max().unwrap_or(0).max(1);
    let r = ring.node_r;
    for v in &views {
        let i = v.id as usize;
        let (x, y) = ring.node(i);
        let (class, letter, _) = role_info(v.role, v.crashed);
        let _ = write!(o, "<g class=\"{class}\">");
        if let Some(q) = last_quorum.filter(|q| q.quorum.contains(v.id)) {
            let ph = if q.phase == Phase::One { "q1" } else { "q2" };
            let _ = write!(
                o,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\" class=\"halo {ph}\"/>",
                r + 6.0
            );
        }
        if let Some(c) = ce {
            for (q, cls, d) in [(&c.q1, "ce ce1", 10.0), (&c.q2, "ce ce2", 14.0)] {
                if q.contains(v.id) {
                    let _ = write!(
                        o,
                        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\" class=\"{cls}\"/>",
                        r + d
                    );
                }
            }
        }
        let frac = v.executed as f64 / max_end as f64;
        let (lx, ly) = (
            x + (x - c) / ring.radius * (r + 24.0),
            y + (y - c) / ring.radius * (r + 24.0),
        );
        let label = match weights.and_then(|w| w.get(i)) {
            Some(w) => format!("n{i} w{w}"),
            None => format!("n{i}"),
        };
        let _ = write!(
            o,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\" class=\"body\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"letter\">{letter}</text>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"4\" class=\"bar-bg\"/>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"4\" class=\"bar\"/>\
             <text x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"nid\">{label}</text></g>",
            y + 5.0,
            x - r,
            y + r + 3.0,
            2.0 * r,
            x - r,
            y + r + 3.0,
            2.0 * r * frac,
            ly + 4.0
        );
    }
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::sim_at::DRAWN_FLIGHTS;
    use fpaxos_sim::Sim;

    #[test]
    fn frame_draws_every_node_and_moves_with_time() {
        let s = fpaxos_sim::Scenario::default();
        let mut sim = Sim::new(s.check().expect("default scenario runs"));
        sim.run_until_budget(200_000_000, u64::MAX);
        let a = cluster_svg(&SimAt::of(&sim, DRAWN_FLIGHTS), &s, sim.now(), None);
        assert!(a.starts_with("<svg") && a.ends_with("</svg>"));
        assert_eq!(
            a.matches("class=\"body\"").count(),
            s.cluster.nodes as usize
        );
        sim.run_until_budget(250_000_000, u64::MAX);
        assert_ne!(
            a,
            cluster_svg(&SimAt::of(&sim, DRAWN_FLIGHTS), &s, sim.now(), None)
        );
    }
}
