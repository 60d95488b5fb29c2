//! Component tests of the liveness status in headless Chromium: a run that stalls shows the loud
//! liveness banner, names the stall, shades it, and the "Go to the stall" button moves the time
//! cursor to where it began. The scenario comes in through a link (as `share.rs` does), so this
//! file is its own test page: enabling the address bar here leaves `app.rs` alone.
//!
//! The stall needs the scenario switch `cluster.check_quorum` (off: a leader that cannot hear its
//! followers never steps down, issue 9's second stall).
//!
//! Run: `CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=300 cargo test --target wasm32-unknown-unknown -p fpaxos-web --test liveness`

mod dom;

use dom::{attr, click, find, sleep, text, try_find, wait_text, window};
use fpaxos_share::{encode_fragment, ViewState};
use fpaxos_sim::Scenario;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// The default scenario, 5 s long (the bound is 2.8 s), with check-quorum off and every follower-to-leader link cut
/// one way at 1 s: the leader keeps sending heartbeats, nobody campaigns, nothing commits.
const DEAF_LEADER: &str = r#"{ "duration": "5s", "cluster": { "check_quorum": false },
    "faults": [
        { "at": "1s", "action": "cut_link", "from": 1, "to": 0, "both": false },
        { "at": "1s", "action": "cut_link", "from": 2, "to": 0, "both": false },
        { "at": "1s", "action": "cut_link", "from": 3, "to": 0, "both": false },
        { "at": "1s", "action": "cut_link", "from": 4, "to": 0, "both": false } ] }"#;

/// Opens the page on a link to `s`, as a reader following it would.
async fn open(s: &Scenario) -> Element {
    if let Ok(Some(st)) = window().local_storage() {
        let _ = st.clear();
    }
    let hash = format!("#{}", encode_fragment(s, &ViewState::default()));
    window()
        .history()
        .expect("history")
        .replace_state_with_url(&JsValue::NULL, "", Some(&hash))
        .expect("replaceState");
    fpaxos_web::share::enable();
    dom::mount().await
}

/// The current simulated time in ms from the `sim-time` read-out (`1.0003 s / 3 s`).
fn now_ms(root: &Element) -> f64 {
    let t = text(root, "sim-time");
    let now = t.split(" / ").next().unwrap_or_default();
    let (num, unit) = now.split_once(' ').unwrap_or((now, "ms"));
    let v: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "s" => v * 1e3,
        "µs" => v / 1e3,
        _ => v,
    }
}

#[wasm_bindgen_test]
async fn a_deaf_leader_without_check_quorum_is_a_stall_and_the_page_jumps_to_it() {
    let s = Scenario::from_json(DEAF_LEADER)
        .expect("needs the scenario switch cluster.check_quorum (branch h1-switches)");
    let r = fpaxos_sim::run(&s).expect("runs");
    let stall = r
        .liveness
        .stalls
        .first()
        .expect("the engine reports a stall")
        .clone();
    let root = open(&s).await;
    click(&root, "run-to-end");
    wait_text(&root, "run-status", "done", 120).await;
    assert_eq!(text(&root, "trace-hash"), r.trace_hash, "the link opened");

    let banner = find(&root, "liveness-banner");
    assert_eq!(attr(&banner, "data-ok"), "false");
    let head = text(&root, "liveness-stall");
    assert!(head.contains("LIVENESS: stalled from"), "{head}");
    assert_eq!(text(&root, "liveness-why"), format!("{}.", stall.why));
    // What happened during it, from the engine's report.
    assert!(
        stall.during.contains("without a leader"),
        "{}",
        stall.during
    );
    assert_eq!(text(&root, "liveness-during"), stall.during);
    // What that points to, one list item a cause: here the deaf leader in office.
    assert!(
        stall
            .causes
            .iter()
            .any(|c| c.starts_with("Node 0 led throughout")),
        "{:?}",
        stall.causes
    );
    let items = find(&root, "liveness-causes").children();
    let shown: Vec<String> = (0..items.length())
        .filter_map(|i| items.item(i))
        .map(|li| li.text_content().unwrap_or_default())
        .collect();
    assert_eq!(shown, stall.causes);
    // Safety is a separate verdict: still fine.
    assert_eq!(attr(&find(&root, "safety-banner"), "data-ok"), "true");

    // "Without a leader" reads near zero (the deaf leader stays in office); the tile says that
    // nothing committed all the same.
    assert!(r.leaderless_ms < r.liveness.unavailable_ms);
    let note = text(&root, "summary-leaderless-but-unavailable");
    assert!(note.contains("nothing committed"), "{note}");

    // The stall is shaded, darker than unavailable time.
    let fig = find(&root, "chart-throughput");
    assert!(fig
        .query_selector("rect.band-stall")
        .ok()
        .flatten()
        .is_some());

    click(&root, "goto-stall");
    wait_text(&root, "run-status", "paused", 60).await;
    for _ in 0..200 {
        if (now_ms(&root) - stall.from_ms).abs() < 1.0 && try_find(&root, "progress").is_none() {
            break;
        }
        sleep(50).await;
    }
    let now = now_ms(&root);
    // At the stall's start its bound has not run out, so the report there does not list it yet;
    // the banner keeps it, saying it comes later in this run.
    let banner = find(&root, "liveness-banner");
    assert_eq!(attr(&banner, "data-ok"), "false");
    assert_eq!(attr(&banner, "data-later"), "true");
    assert!(
        (now - stall.from_ms).abs() < 1.0,
        "cursor at {now} ms, stall from {} ms",
        stall.from_ms
    );
}
