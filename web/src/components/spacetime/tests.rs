//! The diagram over the default run, natively: the whole run is kept, the zoomed-out window
//! draws density across the run, and the first election is still there at the end.

use super::lod;
use super::paint::{mode_of, svg, window_density, Mode, View, AXIS, AXIS_CHAR_PX};
use fpaxos_sim::trace::MarkKind;
use fpaxos_sim::{Scenario, Sim};

fn default_run() -> Sim {
    let s = Scenario::default();
    let mut sim = Sim::new(s.check().expect("the default scenario is valid"));
    sim.run_to_end();
    sim
}

fn whole(sim: &Sim, w: f64) -> View {
    let end = sim.now();
    View {
        right: end,
        width: end,
        w,
        h: 6.0 * 24.0 + AXIS,
        lanes: 6,
        run: 1,
        end,
    }
}

#[test]
fn the_whole_default_run_is_kept_and_drawn_as_density_when_zoomed_out() {
    let sim = default_run();
    let log = sim.trace().diagram();
    assert!(
        sim.trace().truncated(),
        "the rich trace alone lost the start"
    );
    assert_eq!(log.evicted(), 0);
    assert_eq!(log.discarded_note(), None);
    assert!(log.msgs().len() > 150_000, "{}", log.msgs().len());
    assert!(
        log.msgs()[0].sent < 1_000_000_000,
        "the first message is kept"
    );
    let first_election = log.marks().iter().find(|m| m.kind == MarkKind::Elected);
    assert!(
        first_election.is_some_and(|m| m.t < 1_000_000_000),
        "the first election is kept: {first_election:?}"
    );
    let v = whole(&sim, 1000.0);
    let mode = mode_of(log, &v);
    assert!(matches!(mode, Mode::Density { k, .. } if k > 1), "{mode:?}");
    assert!(mode.legend().starts_with("Density view"));
    let d = window_density(log, &v, 5);
    let filled = (0..d.cols)
        .filter(|c| (0..d.lanes).any(|l| d.total(*c, l) > 0.0))
        .count();
    assert!(
        filled * 10 >= d.cols * 9,
        "{filled} of {} columns drawn",
        d.cols
    );
    // The SVG export of the whole run is the same drawing, and stays small.
    let figure = svg(sim.trace().diagram(), &v, sim.now(), 5, &[]);
    assert!(
        figure.contains("fill-opacity"),
        "density cells are in the export"
    );
    assert!(figure.len() < 1_500_000, "{} bytes", figure.len());
    assert!(lod::index_bytes() > 0);
}

#[test]
fn a_narrow_window_draws_every_arrow() {
    let sim = default_run();
    let log = sim.trace().diagram();
    let mut v = whole(&sim, 1000.0);
    v.width = 20_000_000;
    v.right = 500_000_000;
    assert!(matches!(mode_of(log, &v), Mode::Every { visible } if visible > 0));
}

#[test]
fn the_time_axis_labels_stay_inside_the_figure() {
    let sim = default_run();
    let v = whole(&sim, 1000.0);
    let figure = svg(sim.trace().diagram(), &v, sim.now(), 5, &[]);
    // The axis labels are the grey 11 px texts: `<text x=".." y=".." fill="#6b7280" ...>label<`.
    let labels: Vec<(f64, &str)> = figure
        .split("<text x=\"")
        .skip(1)
        .filter(|t| t.contains("fill=\"#6b7280\" font-size=\"11\""))
        .map(|t| {
            let x = t[..t.find('"').expect("x")]
                .parse::<f64>()
                .expect("x is a number");
            let label = &t[t.find('>').expect(">") + 1..t.find('<').expect("<")];
            (x, label)
        })
        .collect();
    assert_eq!(labels.len(), 7, "{labels:?}");
    for (x, label) in labels {
        let right = x + label.chars().count() as f64 * AXIS_CHAR_PX;
        assert!(right <= v.w - 2.0, "{label:?} at {x} ends at {right}");
    }
}

#[test]
fn the_diagram_says_when_its_scenario_keeps_no_trace() {
    use crate::state::{Action, AppState};
    use std::rc::Rc;
    use yew::Reducible;
    let mut s = Scenario::default();
    s.metrics.trace_capacity = 0;
    let app = Rc::new(AppState::new(s, None)).reduce(Action::Seek(300_000_000));
    assert!(app.with_diagram(|log| log.msgs().is_empty()).expect("runs"));
    let note = super::truncated_note(&app).expect("a note");
    assert!(note.contains("keeps no trace"), "{note}");
    let app = Rc::new(AppState::new(Scenario::default(), None)).reduce(Action::Seek(300_000_000));
    assert!(!app.with_diagram(|log| log.msgs().is_empty()).expect("runs"));
    assert_eq!(super::truncated_note(&app), None);
}
