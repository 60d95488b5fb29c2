//! Component tests of scenario links in headless Chromium: the address bar follows edits
//! (faults clicked in included), a link in the URL opens its scenario, and a bad link shows the
//! error banner while the page keeps working. This file is its own test page, so enabling the
//! address-bar sync here does not touch the other component tests.
//!
//! Run: `CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=180 cargo test --target wasm32-unknown-unknown -p fpaxos-web --test share`

use fpaxos_share::{decode_fragment, encode_fragment, ViewState};
use fpaxos_sim::Scenario;
use fpaxos_web::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

fn window() -> web_sys::Window {
    web_sys::window().expect("window")
}

fn set_hash(hash: &str) {
    window()
        .history()
        .expect("history")
        .replace_state_with_url(&JsValue::NULL, "", Some(hash))
        .expect("replaceState");
}

fn clear_storage() {
    if let Ok(Some(s)) = window().local_storage() {
        let _ = s.clear();
    }
}

/// Mounts the app as the real page does (address bar and storage enabled).
async fn mount() -> Element {
    fpaxos_web::share::enable();
    let doc = window().document().expect("document");
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<App>::with_root(root.clone()).render();
    sleep(50).await;
    root
}

fn find(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .ok()
        .flatten()
}

fn click(root: &Element, testid: &str) {
    let el = find(root, testid).unwrap_or_else(|| panic!("no {testid}"));
    match el.clone().dyn_into::<HtmlElement>() {
        Ok(h) => h.click(),
        Err(_) => {
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            let ev = web_sys::Event::new_with_event_init_dict("click", &init).expect("event");
            el.dispatch_event(&ev).expect("dispatch");
        }
    }
}

fn seven_nodes() -> Scenario {
    let mut s = Scenario {
        seed: 99,
        ..Scenario::default()
    };
    s.cluster.nodes = 7;
    s
}

#[wasm_bindgen_test]
async fn link_opens_and_address_bar_follows_clicks() {
    clear_storage();
    set_hash(&format!(
        "#{}",
        encode_fragment(&seven_nodes(), &ViewState::default())
    ));
    let root = mount().await;
    assert!(
        find(&root, "node-6").is_some(),
        "the link's 7 nodes are drawn"
    );
    assert!(find(&root, "link-error").is_none());
    click(&root, "step");
    click(&root, "node-3");
    sleep(600).await;
    let hash = window().location().hash().expect("hash");
    let shared = decode_fragment(&hash).expect("address bar holds a link");
    assert_eq!(shared.scenario.cluster.nodes, 7);
    assert_eq!(
        shared.scenario.faults.len(),
        1,
        "the clicked crash is in the link"
    );
    // ... and in storage.
    let stored = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(fpaxos_web::share::STORAGE_KEY).ok().flatten())
        .expect("stored");
    assert_eq!(
        decode_fragment(&stored).expect("stored link").scenario,
        shared.scenario
    );
    root.set_inner_html("");
}

#[wasm_bindgen_test]
async fn bad_link_shows_banner_and_keeps_working() {
    clear_storage();
    set_hash("#s=1.this-is-not-a-valid-payload");
    let root = mount().await;
    let banner = find(&root, "link-error").expect("banner");
    assert!(banner.text_content().unwrap_or_default().len() > 30);
    assert!(find(&root, "node-4").is_some() && find(&root, "node-5").is_none());
    click(&root, "link-error-dismiss");
    sleep(50).await;
    assert!(find(&root, "link-error").is_none());
    // A good link pasted into the open page is followed.
    window()
        .location()
        .set_hash(&encode_fragment(&seven_nodes(), &ViewState::default()))
        .expect("set hash");
    sleep(300).await;
    assert!(find(&root, "node-6").is_some(), "hashchange loads the link");
    // A future version is refused with a message; the scenario stays.
    window().location().set_hash("s=9.abc").expect("set hash");
    sleep(300).await;
    assert!(find(&root, "link-error").is_some());
    assert!(find(&root, "node-6").is_some());
    root.set_inner_html("");
}

#[wasm_bindgen_test]
async fn compare_variants_travel_with_the_link() {
    clear_storage();
    let view = ViewState {
        compare: vec![
            fpaxos_share::Variant {
                label: "Paxos".into(),
                scenario: Scenario::default(),
            },
            fpaxos_share::Variant {
                label: "Seven".into(),
                scenario: seven_nodes(),
            },
        ],
        ..ViewState::default()
    };
    set_hash(&format!(
        "#{}",
        encode_fragment(&Scenario::default(), &view)
    ));
    let root = mount().await;
    let panel = find(&root, "compare-panel").expect("compare panel");
    assert!(
        !panel.class_name().split_whitespace().any(|c| c == "closed"),
        "compare mode opens with the link's variants"
    );
    sleep(600).await;
    let hash = window().location().hash().expect("hash");
    let shared = decode_fragment(&hash).expect("address bar holds a link");
    let labels: Vec<String> = shared
        .view
        .compare
        .iter()
        .map(|v| v.label.clone())
        .collect();
    assert_eq!(labels, ["Paxos", "Seven"]);
    root.set_inner_html("");
}
