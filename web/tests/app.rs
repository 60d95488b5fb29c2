//! Component tests in headless Chromium: the page renders, the intersection badge reacts to
//! quorum edits, presets load, and a run reaches its end with the expected safety status.
//!
//! Run: `CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=120 cargo test --target wasm32-unknown-unknown -p fpaxos-web`

mod dom;

use dom::{
    attr, click, click_el, find, mount, set_range, set_select, sleep, text, try_find, wait_text,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn wait_done(root: &Element, secs: u32) {
    wait_text(root, "run-status", "done", secs).await;
}

/// Moves the scrubber to `ms` and waits until the page has got there. A seek runs in slices, one
/// per animation frame, so on a busy machine one short sleep is not always enough.
async fn scrub_to(root: &Element, ms: &str) {
    set_range(root, "scrubber", ms);
    sleep(100).await;
    wait_text(root, "run-status", "paused", 60).await;
    // A long seek runs in frame slices: wait until the clock reads the target and no slice is left.
    for _ in 0..60 * 20 {
        if text(root, "sim-time").starts_with(ms) && try_find(root, "progress").is_none() {
            break;
        }
        sleep(50).await;
    }
}

#[wasm_bindgen_test]
async fn renders_default_scenario_with_safe_badge() {
    let root = mount().await;
    assert_eq!(
        attr(&find(&root, "intersection-badge"), "data-state"),
        "safe"
    );
    for i in 0..5 {
        find(&root, &format!("node-{i}"));
    }
    assert!(try_find(&root, "node-5").is_none());
    find(&root, "cluster-view");
    find(&root, "spacetime");
    for c in [
        "chart-throughput",
        "chart-latency",
        "chart-cdf",
        "chart-nodes",
        "chart-msgs-per-commit",
    ] {
        find(&root, c);
    }
    assert_eq!(
        find(&root, "run-status").text_content().as_deref(),
        Some("paused")
    );
    assert_eq!(text(&root, "trace-hash").len(), 16);
}

#[wasm_bindgen_test]
async fn q1_q2_two_of_five_is_unsafe() {
    let root = mount().await;
    set_select(&root, "quorum-kind", "counting");
    sleep(30).await;
    set_range(&root, "q1-input", "2");
    sleep(30).await;
    set_range(&root, "q2-input", "2");
    sleep(30).await;
    let badge = find(&root, "intersection-badge");
    assert_eq!(attr(&badge, "data-state"), "unsafe");
    assert!(badge
        .text_content()
        .unwrap_or_default()
        .contains("share no node"));
    // Without teaching mode the scenario is refused with a readable message.
    let errs = text(&root, "validation-errors");
    assert!(errs.contains("unsafe"), "{errs}");
    assert_eq!(
        find(&root, "run-status").text_content().as_deref(),
        Some("invalid")
    );
    // Q1=4, Q2=2 is safe again.
    set_range(&root, "q1-input", "4");
    sleep(30).await;
    assert_eq!(
        attr(&find(&root, "intersection-badge"), "data-state"),
        "safe"
    );
}

#[wasm_bindgen_test]
async fn every_preset_loads() {
    use fpaxos::quorum::QuorumSpec;
    let root = mount().await;
    // Touch the quorum select first: its shown value must still follow the presets.
    set_select(&root, "quorum-kind", "weighted");
    sleep(30).await;
    for p in fpaxos_web::presets::all() {
        set_select(&root, "preset-menu", p.id);
        sleep(30).await;
        let kind = match p.scenario.cluster.quorum {
            QuorumSpec::Majority => "majority",
            QuorumSpec::Counting { .. } => "counting",
            QuorumSpec::Grid { .. } => "grid",
            QuorumSpec::Weighted { .. } => "weighted",
            QuorumSpec::Explicit { .. } => "explicit",
        };
        // A loaded machine may render the preset late: wait for it (10 s at most).
        dom::wait_prefix(&root, "preset-explain", p.explain, 10).await;
        dom::wait_select(&root, "quorum-kind", kind, 10).await;
        let sel: HtmlSelectElement = find(&root, "quorum-kind").dyn_into().expect("select");
        assert_eq!(sel.value(), kind, "{}", p.id);
        let explain = text(&root, "preset-explain");
        assert_eq!(explain, p.explain, "{}", p.id);
        let n = p.scenario.cluster.nodes;
        find(&root, &format!("node-{}", n - 1));
        assert!(try_find(&root, "validation-errors").is_none(), "{}", p.id);
    }
}

#[wasm_bindgen_test]
async fn split_brain_runs_to_a_violation() {
    let root = mount().await;
    set_select(&root, "preset-menu", "split-brain");
    sleep(30).await;
    assert_eq!(
        attr(&find(&root, "intersection-badge"), "data-state"),
        "unsafe"
    );
    click(&root, "run-to-end");
    wait_done(&root, 100).await;
    let banner = find(&root, "safety-banner");
    assert_eq!(attr(&banner, "data-ok"), "false");
    // The heading ends with the slot and a colon; the detail, which wraps onto a line of its
    // own in a narrow banner, is a sentence of its own (it once began with ": node").
    let t = banner.text_content().unwrap_or_default();
    assert!(t.contains(" in slot "), "{t}");
    assert!(t.contains(":Node ") || t.contains(":Expected "), "{t}");
    // The page's numbers are the engine's numbers.
    let p = fpaxos_web::presets::by_id("split-brain").expect("preset");
    let r = fpaxos_sim::run(&p.scenario).expect("runs");
    assert_eq!(text(&root, "trace-hash"), r.trace_hash);
    assert_eq!(text(&root, "summary-committed"), r.committed.to_string());
}

#[wasm_bindgen_test]
async fn clicking_a_node_crashes_it_and_records_the_fault() {
    let root = mount().await;
    click(&root, "step");
    sleep(30).await;
    click(&root, "node-2");
    sleep(30).await;
    // The fault takes effect 1 ns later: step until it has.
    for _ in 0..200 {
        click(&root, "step");
        sleep(5).await;
        if attr(&find(&root, "node-2"), "data-role") == "crashed" {
            break;
        }
    }
    assert_eq!(attr(&find(&root, "node-2"), "data-role"), "crashed");
    let faults = text(&root, "fault-list");
    assert!(faults.contains("crash node 2"), "{faults}");
}

#[wasm_bindgen_test]
async fn scrubbing_back_replays_the_same_run() {
    let root = mount().await;
    scrub_to(&root, "300").await;
    let at_300 = text(&root, "trace-hash");
    let committed_300 = text(&root, "summary-committed");
    scrub_to(&root, "700").await;
    assert_ne!(text(&root, "trace-hash"), at_300);
    scrub_to(&root, "300").await;
    assert_eq!(text(&root, "trace-hash"), at_300);
    assert_eq!(text(&root, "summary-committed"), committed_300);
}

#[wasm_bindgen_test]
async fn play_advances_time_and_pause_stops_it() {
    let root = mount().await;
    set_range(&root, "speed", "-1");
    click(&root, "play-pause");
    sleep(400).await;
    assert_eq!(
        find(&root, "run-status").text_content().as_deref(),
        Some("playing")
    );
    click(&root, "play-pause");
    // Pausing lands on the next frame; a loaded machine may take longer than 50 ms.
    wait_text(&root, "run-status", "paused", 10).await;
    sleep(50).await;
    let t1 = text(&root, "sim-time");
    assert!(!t1.starts_with("0.000 ms"), "time did not advance: {t1}");
    sleep(200).await;
    assert_eq!(text(&root, "sim-time"), t1);
    assert_eq!(
        find(&root, "run-status").text_content().as_deref(),
        Some("paused")
    );
}

#[wasm_bindgen_test]
async fn default_run_to_end_matches_the_engine() {
    let root = mount().await;
    click(&root, "run-to-end");
    wait_done(&root, 110).await;
    let r = fpaxos_sim::run(&fpaxos_sim::Scenario::default()).expect("runs");
    assert_eq!(text(&root, "trace-hash"), r.trace_hash);
    assert_eq!(text(&root, "summary-committed"), r.committed.to_string());
    assert_eq!(
        text(&root, "summary-throughput"),
        format!("{:.1}", r.throughput)
    );
    assert_eq!(
        text(&root, "summary-p50"),
        format!("{:.3}", r.latency_ms.p50)
    );
    assert_eq!(
        text(&root, "summary-p99"),
        format!("{:.3}", r.latency_ms.p99)
    );
    assert_eq!(
        text(&root, "summary-leader-changes"),
        r.leader_changes.to_string()
    );
    assert_eq!(attr(&find(&root, "safety-banner"), "data-ok"), "true");
}

#[wasm_bindgen_test]
async fn links_partitions_and_message_drops_become_faults() {
    let root = mount().await;
    set_range(&root, "scrubber", "50");
    sleep(50).await;
    // Cut the link 0-1, then partition {3, 4} from the rest.
    for id in [
        "mode-link",
        "node-0",
        "node-1",
        "mode-partition",
        "node-3",
        "node-4",
        "apply-partition",
    ] {
        click(&root, id);
        sleep(20).await;
    }
    // Drop the first message drawn in flight.
    let msg = root
        .query_selector(".msg")
        .ok()
        .flatten()
        .expect("a message in flight");
    click_el(&msg);
    sleep(30).await;
    let faults = text(&root, "fault-list");
    assert!(faults.contains("cut link 0<->1"), "{faults}");
    assert!(faults.contains("partition [[3, 4], [0, 1, 2]]"), "{faults}");
    assert!(faults.contains("drop message #"), "{faults}");
    // The recorded scenario replays: run to the end, then compare with the engine.
    click(&root, "run-to-end");
    wait_done(&root, 110).await;
    let hash = text(&root, "trace-hash");
    set_range(&root, "scrubber", "0");
    sleep(50).await;
    click(&root, "run-to-end");
    wait_done(&root, 110).await;
    assert_eq!(text(&root, "trace-hash"), hash);
}

/// The leader-failure preset: at 4 s the leader crashes and no Q1 is left, so requests wait with
/// nothing committed until 6 s. The page shades that interval on the time charts and on the
/// space-time diagram, names it in the summary, and the liveness rule did not apply to it (no
/// healthy set), so there is no stall.
#[wasm_bindgen_test]
async fn unavailable_time_is_shaded_on_the_charts_and_the_diagram() {
    let root = mount().await;
    set_select(&root, "preset-menu", "leader-failure");
    sleep(30).await;
    scrub_to(&root, "5000").await;
    // In the middle of the outage: the diagram's window (ending at the cursor) lies in it.
    let mut bands = String::new();
    for _ in 0..100 {
        bands = attr(&find(&root, "spacetime"), "data-bands");
        if bands.parse::<u32>().unwrap_or(0) >= 1 {
            break;
        }
        sleep(50).await;
    }
    assert!(
        bands.parse::<u32>().unwrap_or(0) >= 1,
        "data-bands={bands:?}"
    );
    click(&root, "run-to-end");
    wait_done(&root, 100).await;
    let p = fpaxos_web::presets::by_id("leader-failure").expect("preset");
    let r = fpaxos_sim::run(&p.scenario).expect("runs");
    let l = &r.liveness;
    assert!(l.unavailable_ms > 1_000.0, "{}", l.unavailable_ms);
    assert!(l.ok, "no healthy set during the outage: {:?}", l.stalls);
    for chart in ["chart-throughput", "chart-latency", "chart-msgs-per-commit"] {
        let fig = find(&root, chart);
        let n = fig
            .query_selector_all("rect.band-unavailable")
            .map(|l| l.length())
            .unwrap_or(0);
        assert!(n >= 1, "{chart}: no unavailable band");
        let legend = fig.text_content().unwrap_or_default();
        assert!(legend.contains("unavailable"), "{chart}: {legend}");
        assert!(
            fig.query_selector("rect.band-stall")
                .ok()
                .flatten()
                .is_none(),
            "{chart}: a stall band without a stall"
        );
    }
    let tile = find(&root, "summary-unavailable");
    assert_eq!(attr(&tile, "data-value"), l.unavailable_ms.to_string());
    // Leaderless and unavailable time agree here (no leader, nothing committed): no note.
    assert!(try_find(&root, "summary-leaderless-but-unavailable").is_none());
    let banner = find(&root, "liveness-banner");
    assert_eq!(attr(&banner, "data-ok"), "true");
    assert!(try_find(&root, "goto-stall").is_none());
    // The banner says why the rule did not apply during the outage, as the engine counts it.
    assert!(
        l.not_judged.no_healthy_set_ms > 1_000.0,
        "{:?}",
        l.not_judged
    );
    let run = l.judged_ms + l.not_judged.total_ms();
    assert_eq!(
        text(&root, "liveness-not-judged").trim(),
        format!("Not judged: {}.", l.not_judged.describe(run))
    );
}

// ----- availability panel: prediction next to measurement -----

/// The panel's time text for an engine percentile (as the panel prints it).
fn avail_ms(v: Option<f64>, over: Option<u32>) -> String {
    match (v, over) {
        (Some(x), _) if x >= 100.0 => format!("{x:.0} ms"),
        (Some(x), _) => format!("{x:.1} ms"),
        (None, Some(n)) if n > 0 => "never".into(),
        _ => "—".into(),
    }
}

#[wasm_bindgen_test]
async fn availability_panel_shows_majority_recovering_where_4_2_cannot_elect() {
    use fpaxos::quorum::QuorumSpec;
    use fpaxos_sim::sweep::availability::{run_point, Experiment, FaultPlan};
    use fpaxos_sim::sweep::{points_checked, Knob, KnobValue, SweepSpec};
    let root = mount().await;
    set_select(&root, "quorum-kind", "counting");
    dom::wait_prefix(&root, "quorum-sum", "|Q1| + |Q2| = ", 10).await;
    dom::set_counting(&root, 4, 2).await;
    dom::change_input(&root, "duration-input", "1.5");
    sleep(30).await;
    dom::change_input(&root, "avail-k", "2");
    set_select(&root, "avail-mode", "leader");
    dom::change_input(&root, "avail-seeds", "2");
    sleep(30).await;
    click(&root, "avail-run");
    wait_text(&root, "avail-status", "done", 400).await;
    // Prediction: 4/2 keeps a Q2 after 2 crashes but no Q1; majority keeps both.
    assert_eq!(text(&root, "avail-quorum-0"), "Q1=4 Q2=2");
    assert_eq!(text(&root, "avail-predict-elect-0"), "no");
    assert_eq!(text(&root, "avail-predict-replicate-0"), "yes");
    assert_eq!(text(&root, "avail-predict-0"), "cannot elect: no recovery");
    assert_eq!(text(&root, "avail-predict-1"), "recovers");
    // Measurement: the engine's numbers for the same scenario and experiment.
    assert_eq!(text(&root, "avail-recovered-0"), "0/2 (0%)");
    assert_eq!(text(&root, "avail-recovered-1"), "2/2 (100%)");
    assert_eq!(text(&root, "avail-elect-0"), "never / never");
    let mut base = fpaxos_sim::Scenario {
        duration: fpaxos_sim::Dur::ms(1500),
        ..fpaxos_sim::Scenario::default()
    };
    base.cluster.quorum = QuorumSpec::Counting { q1: 4, q2: 2 };
    let spec = SweepSpec {
        knob: Knob::Quorum,
        values: vec![
            KnobValue::Quorum(base.cluster.quorum.clone()),
            KnobValue::Quorum(QuorumSpec::Majority),
        ],
        pin_other: None,
    };
    let exp = Experiment {
        seeds: 2,
        ..Experiment::new(FaultPlan::CrashLeader { k: 2 })
    };
    let pts = points_checked(&base, &spec);
    let maj = run_point(Knob::Quorum, &pts[1].0, &pts[1].1, &exp);
    let seeds = Some(maj.seeds);
    // Each cell: the two numbers, over the seeds they count.
    for (cell, (a, b), over) in [
        (
            "elect",
            (maj.elect_p50_ms, maj.elect_p99_ms),
            maj.leader_lost,
        ),
        ("commit", (maj.commit_p50_ms, maj.commit_p99_ms), seeds),
        (
            "unavailable",
            (maj.unavailable_mean_ms, maj.unavailable_p99_ms),
            seeds,
        ),
    ] {
        let want = format!("{} / {}", avail_ms(a, over), avail_ms(b, over));
        assert_eq!(text(&root, &format!("avail-{cell}-1")), want, "{cell}");
    }
    let cli = text(&root, "avail-cli");
    assert!(
        cli.contains("--vary quorum=4/2,majority --crash 2 --crash-leader --seeds 2"),
        "{cli}"
    );
}
