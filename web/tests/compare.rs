//! Component tests of compare mode, the sweep panel and the analysis panel in headless Chromium.
//!
//! Run: `CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=180 cargo test --target wasm32-unknown-unknown -p fpaxos-web --test compare`

mod common;

use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn compare_adds_edits_and_removes_variants() {
    let root = mount().await;
    click(&root, "compare-toggle");
    sleep(30).await;
    find(&root, "compare-variant-0");
    find(&root, "compare-variant-1");
    // The copy is what the editor edits; a quick quorum edit changes only that variant.
    change_input(&root, "compare-quorum-1", "4,2");
    sleep(30).await;
    assert!(text(&root, "compare-variant-1").contains("Q1=4 Q2=2"));
    assert!(text(&root, "compare-variant-0").contains("majority"));
    click(&root, "compare-add");
    sleep(30).await;
    find(&root, "compare-variant-2");
    click(&root, "compare-remove-2");
    sleep(30).await;
    assert!(try_find(&root, "compare-variant-2").is_none());
    wait_text(&root, "compare-status", "done", 120).await;
    let d: f64 = find(&root, "compare-delta-1-throughput")
        .get_attribute("data-value")
        .unwrap_or_default()
        .parse()
        .expect("a number");
    assert!(d.is_finite());
    // Unsafe quorums in a variant are flagged on its card.
    change_input(&root, "compare-quorum-1", "2,2");
    sleep(30).await;
    assert!(text(&root, "compare-variant-1").contains("unsafe"));
    click(&root, "compare-close");
    sleep(30).await;
    find(&root, "compare-toggle");
}

#[wasm_bindgen_test]
async fn a_bad_sweep_spec_is_explained_and_a_good_one_runs() {
    let root = mount().await;
    change_input(&root, "sweep-spec", "q9=1..3");
    sleep(30).await;
    click(&root, "sweep-run");
    sleep(30).await;
    assert!(text(&root, "sweep-error").contains("unknown knob"));
    change_input(&root, "sweep-spec", "clients=1,2");
    sleep(30).await;
    click(&root, "sweep-run");
    wait_text(&root, "sweep-status", "done", 120).await;
    find(&root, "sweep-row-0");
    find(&root, "sweep-row-1");
    assert!(text(&root, "sweep-cli").contains("--vary clients=1,2"));
}

#[wasm_bindgen_test]
async fn analysis_shows_capacity_availability_and_crash_sets() {
    let root = mount().await;
    assert!(text(&root, "analysis-capacity").contains("capacity"));
    assert!(text(&root, "analysis-availability").contains("alive"));
    // Majority of 5: any 3 crashed nodes block elections; selecting a set crosses them out.
    click(&root, "crash-set-elect-0");
    sleep(30).await;
    let ring = find(&root, "analysis-ring");
    assert_eq!(
        ring.query_selector_all(".crashed")
            .expect("selector")
            .length(),
        3
    );
}
