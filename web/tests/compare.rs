//! Component tests of compare mode, the sweep panel and the analysis panel in headless Chromium.
//!
//! Run: `CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=180 cargo test --target wasm32-unknown-unknown -p fpaxos-web --test compare`

use fpaxos_web::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

async fn mount() -> Element {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<App>::with_root(root.clone()).render();
    sleep(50).await;
    root
}

fn try_find(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .ok()
        .flatten()
}

fn find(root: &Element, testid: &str) -> Element {
    try_find(root, testid).unwrap_or_else(|| panic!("no element with data-testid={testid}"))
}

fn text(root: &Element, testid: &str) -> String {
    find(root, testid).text_content().unwrap_or_default()
}

fn click(root: &Element, testid: &str) {
    let el: HtmlElement = find(root, testid).dyn_into().expect("html element");
    el.click();
}

fn change_input(root: &Element, testid: &str, value: &str) {
    let input: HtmlInputElement = find(root, testid).dyn_into().expect("input");
    input.set_value(value);
    let ev = web_sys::Event::new("change").expect("event");
    input.dispatch_event(&ev).expect("dispatch");
}

async fn wait_text(root: &Element, testid: &str, want: &str, secs: u32) {
    for _ in 0..secs * 20 {
        if try_find(root, testid)
            .and_then(|e| e.text_content())
            .as_deref()
            == Some(want)
        {
            return;
        }
        sleep(50).await;
    }
    panic!("{testid} did not read {want:?} within {secs} s");
}

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
