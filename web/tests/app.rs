//! Component tests in headless Chromium: the page renders, the intersection badge reacts to
//! quorum edits, presets load, and a run reaches its end with the expected safety status.
//!
//! Run: `CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=120 cargo test --target wasm32-unknown-unknown -p fpaxos-web`

mod common;

use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

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
    assert!(root
        .query_selector("[data-testid='node-5']")
        .ok()
        .flatten()
        .is_none());
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
    assert_eq!(
        find(&root, "trace-hash")
            .text_content()
            .unwrap_or_default()
            .len(),
        16
    );
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
    let errs = find(&root, "validation-errors")
        .text_content()
        .unwrap_or_default();
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
        let sel: HtmlSelectElement = find(&root, "quorum-kind").dyn_into().expect("select");
        assert_eq!(sel.value(), kind, "{}", p.id);
        let explain = find(&root, "preset-explain")
            .text_content()
            .unwrap_or_default();
        assert_eq!(explain, p.explain, "{}", p.id);
        let n = p.scenario.cluster.nodes;
        find(&root, &format!("node-{}", n - 1));
        assert!(
            root.query_selector("[data-testid='validation-errors']")
                .ok()
                .flatten()
                .is_none(),
            "{}",
            p.id
        );
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
    assert!(banner.text_content().unwrap_or_default().contains("slot"));
    // The page's numbers are the engine's numbers.
    let p = fpaxos_web::presets::by_id("split-brain").expect("preset");
    let r = fpaxos_sim::run(&p.scenario).expect("runs");
    assert_eq!(
        find(&root, "trace-hash").text_content().unwrap_or_default(),
        r.trace_hash
    );
    assert_eq!(
        find(&root, "summary-committed")
            .text_content()
            .unwrap_or_default(),
        r.committed.to_string()
    );
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
    let faults = find(&root, "fault-list").text_content().unwrap_or_default();
    assert!(faults.contains("crash node 2"), "{faults}");
}

/// Waits until a seek has arrived: the clock reads `time` and no slice is left to simulate
/// (under load a seek takes many frames, so a fixed sleep can read a half-way state).
async fn wait_at(root: &Element, time: &str, secs: u32) {
    for _ in 0..secs * 20 {
        if text(root, "sim-time").starts_with(time) && try_find(root, "progress").is_none() {
            sleep(50).await;
            return;
        }
        sleep(50).await;
    }
    panic!(
        "the clock did not reach {time} in {secs} s: {}",
        text(root, "sim-time")
    );
}

#[wasm_bindgen_test]
async fn scrubbing_back_replays_the_same_run() {
    let root = mount().await;
    set_range(&root, "scrubber", "300");
    wait_at(&root, "300.000 ms", 60).await;
    let at_300 = find(&root, "trace-hash").text_content().unwrap_or_default();
    let committed_300 = find(&root, "summary-committed")
        .text_content()
        .unwrap_or_default();
    set_range(&root, "scrubber", "700");
    wait_at(&root, "700.000 ms", 60).await;
    assert_ne!(
        find(&root, "trace-hash").text_content().unwrap_or_default(),
        at_300
    );
    set_range(&root, "scrubber", "300");
    wait_at(&root, "300.000 ms", 60).await;
    assert_eq!(
        find(&root, "trace-hash").text_content().unwrap_or_default(),
        at_300
    );
    assert_eq!(
        find(&root, "summary-committed")
            .text_content()
            .unwrap_or_default(),
        committed_300
    );
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
    sleep(50).await;
    let t1 = find(&root, "sim-time").text_content().unwrap_or_default();
    assert!(!t1.starts_with("0.000 ms"), "time did not advance: {t1}");
    sleep(200).await;
    assert_eq!(
        find(&root, "sim-time").text_content().unwrap_or_default(),
        t1
    );
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
    let text = |id: &str| find(&root, id).text_content().unwrap_or_default();
    assert_eq!(text("trace-hash"), r.trace_hash);
    assert_eq!(text("summary-committed"), r.committed.to_string());
    assert_eq!(text("summary-throughput"), format!("{:.1}", r.throughput));
    assert_eq!(text("summary-p50"), format!("{:.3}", r.latency_ms.p50));
    assert_eq!(text("summary-p99"), format!("{:.3}", r.latency_ms.p99));
    assert_eq!(text("summary-leader-changes"), r.leader_changes.to_string());
    assert_eq!(attr(&find(&root, "safety-banner"), "data-ok"), "true");
}

#[wasm_bindgen_test]
async fn links_partitions_and_message_drops_become_faults() {
    let root = mount().await;
    set_range(&root, "scrubber", "50");
    sleep(50).await;
    click(&root, "mode-link");
    sleep(20).await;
    click(&root, "node-0");
    sleep(20).await;
    click(&root, "node-1");
    sleep(20).await;
    click(&root, "mode-partition");
    sleep(20).await;
    click(&root, "node-3");
    sleep(20).await;
    click(&root, "node-4");
    sleep(20).await;
    click(&root, "apply-partition");
    sleep(20).await;
    // Drop the first message drawn in flight.
    let msg = root
        .query_selector(".msg")
        .ok()
        .flatten()
        .expect("a message in flight");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    msg.dispatch_event(&web_sys::Event::new_with_event_init_dict("click", &init).expect("event"))
        .expect("dispatch");
    sleep(30).await;
    let faults = find(&root, "fault-list").text_content().unwrap_or_default();
    assert!(faults.contains("cut link 0<->1"), "{faults}");
    assert!(faults.contains("partition [[3, 4], [0, 1, 2]]"), "{faults}");
    assert!(faults.contains("drop message #"), "{faults}");
    // The recorded scenario replays: run to the end, then compare with the engine.
    click(&root, "run-to-end");
    wait_done(&root, 110).await;
    let hash = find(&root, "trace-hash").text_content().unwrap_or_default();
    set_range(&root, "scrubber", "0");
    sleep(50).await;
    click(&root, "run-to-end");
    wait_done(&root, 110).await;
    assert_eq!(
        find(&root, "trace-hash").text_content().unwrap_or_default(),
        hash
    );
}
