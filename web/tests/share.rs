//! Component tests of scenario links in headless Chromium: the address bar follows edits
//! (faults clicked in included), a link in the URL opens its scenario, and a bad link shows the
//! error banner while the page keeps working. This file is its own test page, so enabling the
//! address-bar sync here does not touch the other component tests.
//!
//! Run: `CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=180 cargo test --target wasm32-unknown-unknown -p fpaxos-web --test share`

mod dom;

use dom::{click, find, sleep, try_find, window};
use fpaxos_share::{decode_fragment, encode_fragment, ViewState};
use fpaxos_sim::Scenario;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

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
    dom::mount().await
}

fn seven_nodes() -> Scenario {
    let mut s = Scenario {
        seed: 99,
        ..Scenario::default()
    };
    s.cluster.nodes = 7;
    s
}

/// The link in the address bar once `ready` holds for it (at most 10 s), else the last one.
async fn wait_link(ready: impl Fn(&fpaxos_share::Shared) -> bool) -> fpaxos_share::Shared {
    let read = || {
        let hash = window().location().hash().expect("hash");
        decode_fragment(&hash).expect("address bar holds a link")
    };
    for _ in 0..200 {
        let shared = read();
        if ready(&shared) {
            return shared;
        }
        sleep(50).await;
    }
    read()
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
        try_find(&root, "node-6").is_some(),
        "the link's 7 nodes are drawn"
    );
    assert!(try_find(&root, "link-error").is_none());
    click(&root, "step");
    click(&root, "node-3");
    // The address bar follows within a few frames; a loaded machine may need longer.
    let shared = wait_link(|s| !s.scenario.faults.is_empty()).await;
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
    let banner = find(&root, "link-error");
    assert!(banner.text_content().unwrap_or_default().len() > 30);
    assert!(try_find(&root, "node-4").is_some() && try_find(&root, "node-5").is_none());
    click(&root, "link-error-dismiss");
    sleep(50).await;
    assert!(try_find(&root, "link-error").is_none());
    // A good link pasted into the open page is followed.
    window()
        .location()
        .set_hash(&encode_fragment(&seven_nodes(), &ViewState::default()))
        .expect("set hash");
    for _ in 0..100 {
        if try_find(&root, "node-6").is_some() {
            break;
        }
        sleep(50).await;
    }
    assert!(
        try_find(&root, "node-6").is_some(),
        "hashchange loads the link"
    );
    // A future version is refused with a message; the scenario stays.
    window().location().set_hash("s=9.abc").expect("set hash");
    for _ in 0..100 {
        if try_find(&root, "link-error").is_some() {
            break;
        }
        sleep(50).await;
    }
    assert!(try_find(&root, "link-error").is_some());
    assert!(try_find(&root, "node-6").is_some());
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
    let panel = find(&root, "compare-panel");
    assert!(
        !panel.class_name().split_whitespace().any(|c| c == "closed"),
        "compare mode opens with the link's variants"
    );
    let shared = wait_link(|s| s.view.compare.len() == 2).await;
    let labels: Vec<String> = shared
        .view
        .compare
        .iter()
        .map(|v| v.label.clone())
        .collect();
    assert_eq!(labels, ["Paxos", "Seven"]);
    root.set_inner_html("");
}
