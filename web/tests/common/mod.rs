//! Helpers shared by the component tests: mount the page, find elements by `data-testid`, drive
//! inputs the way a user would, and wait for the page to settle.

// Each test binary compiles this module and uses a different subset of it.
#![allow(dead_code)]

use fpaxos_web::app::App;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

/// Yields to the browser for `ms` milliseconds (timers, frames and renders run meanwhile).
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// The test page's window.
pub fn window() -> web_sys::Window {
    web_sys::window().expect("window")
}

/// Renders the app into a fresh `<div>` appended to the body and lets it draw once.
pub async fn mount() -> Element {
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

/// The element with `data-testid=testid` under `root`, if there is one.
pub fn try_find(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .ok()
        .flatten()
}

/// The element with `data-testid=testid` under `root`; panics naming it when it is missing.
pub fn find(root: &Element, testid: &str) -> Element {
    try_find(root, testid).unwrap_or_else(|| panic!("no element with data-testid={testid}"))
}

/// An attribute's value, empty when absent.
pub fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

/// The text of the element with `data-testid=testid`.
pub fn text(root: &Element, testid: &str) -> String {
    find(root, testid).text_content().unwrap_or_default()
}

/// Clicks the element with `data-testid=testid`; SVG elements, which have no `click()`, get a
/// bubbling click event instead.
pub fn click(root: &Element, testid: &str) {
    let el = find(root, testid);
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

/// Chooses `value` in a `<select>` and fires `change`.
pub fn set_select(root: &Element, testid: &str, value: &str) {
    let sel: HtmlSelectElement = find(root, testid).dyn_into().expect("select");
    sel.set_value(value);
    let ev = web_sys::Event::new("change").expect("event");
    sel.dispatch_event(&ev).expect("dispatch");
}

/// Moves a slider (or types into an input) and fires `input`, as dragging does.
pub fn set_range(root: &Element, testid: &str, value: &str) {
    let input: HtmlInputElement = find(root, testid).dyn_into().expect("input");
    input.set_value(value);
    let ev = web_sys::InputEvent::new("input").expect("event");
    input.dispatch_event(&ev).expect("dispatch");
}

/// Types `value` into an input and fires `change`, as leaving the field does.
pub fn change_input(root: &Element, testid: &str, value: &str) {
    let input: HtmlInputElement = find(root, testid).dyn_into().expect("input");
    input.set_value(value);
    let ev = web_sys::Event::new("change").expect("event");
    input.dispatch_event(&ev).expect("dispatch");
}

/// Waits until the element with `data-testid=testid` reads `want`; panics after `secs` s.
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

/// Waits until the main run reports `done`; panics after `secs` s.
pub async fn wait_done(root: &Element, secs: u32) {
    for _ in 0..secs * 20 {
        if find(root, "run-status").text_content().as_deref() == Some("done") {
            return;
        }
        sleep(50).await;
    }
    panic!("run did not finish in {secs} s");
}
