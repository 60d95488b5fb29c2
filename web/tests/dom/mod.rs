//! DOM helpers shared by the component tests (`mod dom;` in each test file): mount the app,
//! find elements by `data-testid`, edit inputs and click as a user would, and wait.
//!
//! Each test file is its own binary and uses only some of these.
#![allow(dead_code)]

use fpaxos_web::app::App;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

/// Lets the browser run for `ms` milliseconds (renders, timers, animation frames).
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// The browser window.
pub fn window() -> web_sys::Window {
    web_sys::window().expect("window")
}

thread_local! {
    /// The app the latest [`mount`] rendered, and its root.
    static MOUNTED: std::cell::RefCell<Option<(yew::AppHandle<App>, Element)>> =
        const { std::cell::RefCell::new(None) };
}

/// Renders the app into a new `div` appended to the body and waits for its first render. The
/// previous test's app is destroyed first, so each test has the page to itself as a reader's
/// tab would (an earlier test's finished 200,000-event run otherwise stays alive beside it).
pub async fn mount() -> Element {
    if let Some((app, root)) = MOUNTED.with(|m| m.borrow_mut().take()) {
        app.destroy();
        root.remove();
    }
    let doc = window().document().expect("document");
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    MOUNTED.with(|m| *m.borrow_mut() = Some((app, root.clone())));
    // The panels below the fold mount a frame or two after the first paint.
    for _ in 0..200 {
        if root
            .query_selector("[data-mounted='true']")
            .ok()
            .flatten()
            .is_some()
        {
            break;
        }
        sleep(50).await;
    }
    root
}

/// The element with `data-testid=testid` under `root`, if there is one.
pub fn try_find(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .ok()
        .flatten()
}

/// The element with `data-testid=testid` under `root`; panics when there is none.
pub fn find(root: &Element, testid: &str) -> Element {
    try_find(root, testid).unwrap_or_else(|| panic!("no element with data-testid={testid}"))
}

/// The text of the element with `data-testid=testid`.
pub fn text(root: &Element, testid: &str) -> String {
    find(root, testid).text_content().unwrap_or_default()
}

/// The attribute `name` of `el` (empty when it has none).
pub fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

/// Clicks `el`. SVG elements have no `click()`: they get a bubbling click event.
pub fn click_el(el: &Element) {
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

/// Clicks the element with `data-testid=testid`.
pub fn click(root: &Element, testid: &str) {
    click_el(&find(root, testid));
}

/// Chooses `value` in a `<select>` and fires `change`.
pub fn set_select(root: &Element, testid: &str, value: &str) {
    let sel: HtmlSelectElement = find(root, testid).dyn_into().expect("select");
    sel.set_value(value);
    let ev = web_sys::Event::new("change").expect("event");
    sel.dispatch_event(&ev).expect("dispatch");
}

/// Sets an `<input>` (a range, say) and fires `input`, as dragging does.
pub fn set_range(root: &Element, testid: &str, value: &str) {
    let input: HtmlInputElement = find(root, testid).dyn_into().expect("input");
    input.set_value(value);
    let ev = web_sys::InputEvent::new("input").expect("event");
    input.dispatch_event(&ev).expect("dispatch");
}

/// Sets counting quorum sizes and waits until the page shows them (`|Q1| + |Q2| = q1 + q2`).
/// Each edit applies to the scenario as last rendered, so the second edit waits until the page
/// shows the first (on a loaded machine a render can take longer than any fixed pause, and an
/// edit made before it would undo the first). Tried again until the page shows both (at most
/// 10 s).
pub async fn set_counting(root: &Element, q1: u32, q2: u32) {
    let want = format!("|Q1| + |Q2| = {} ", q1 + q2);
    let sum = || try_find(root, "quorum-sum").and_then(|e| e.text_content());
    let mut shown = false;
    for _ in 0..10 {
        // Wait (up to 1 s) for the first edit's render; it changes nothing when Q1 is set already.
        let before = sum();
        set_range(root, "q1-input", &q1.to_string());
        for _ in 0..20 {
            if sum() != before {
                break;
            }
            sleep(50).await;
        }
        set_range(root, "q2-input", &q2.to_string());
        if shows_prefix(root, "quorum-sum", &want, 1000).await {
            shown = true;
            break;
        }
    }
    assert!(shown, "quorum-sum did not start with {want:?} within 10 s");
    for (id, v) in [("q1-input", q1), ("q2-input", q2)] {
        let input: HtmlInputElement = find(root, id).dyn_into().expect("input");
        assert_eq!(input.value(), v.to_string(), "{id}");
    }
}

/// Whether the element's text starts with `want` within `ms` milliseconds.
async fn shows_prefix(root: &Element, testid: &str, want: &str, ms: u32) -> bool {
    for _ in 0..ms.div_ceil(50) {
        let text = try_find(root, testid).and_then(|e| e.text_content());
        if text.as_deref().is_some_and(|t| t.starts_with(want)) {
            return true;
        }
        sleep(50).await;
    }
    false
}

/// Waits up to `secs` for a `<select>` to show `want` (a late render); the caller asserts.
pub async fn wait_select(root: &Element, testid: &str, want: &str, secs: u32) {
    for _ in 0..secs * 20 {
        let sel: HtmlSelectElement = find(root, testid).dyn_into().expect("select");
        if sel.value() == want {
            return;
        }
        sleep(50).await;
    }
}

/// Waits until the element's text starts with `want`.
pub async fn wait_prefix(root: &Element, testid: &str, want: &str, secs: u32) {
    if !shows_prefix(root, testid, want, secs * 1000).await {
        panic!("{testid} did not start with {want:?} within {secs} s");
    }
}

/// Sets an `<input>` and fires `change`, as leaving an edited text field does.
pub fn change_input(root: &Element, testid: &str, value: &str) {
    let input: HtmlInputElement = find(root, testid).dyn_into().expect("input");
    input.set_value(value);
    let ev = web_sys::Event::new("change").expect("event");
    input.dispatch_event(&ev).expect("dispatch");
}

/// Waits up to `secs` seconds until the element with `data-testid=testid` reads `want`.
pub async fn wait_text(root: &Element, testid: &str, want: &str, secs: u32) {
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
