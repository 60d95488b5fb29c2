//! Browser glue: every call into `web_sys` the page makes lives here (clock, URL, history,
//! storage, clipboard, media queries, animation frames, event listeners, downloads), so the
//! layers above deal in plain Rust values and can be tested natively.
//!
//! Nothing here assumes the browser cooperates: inside a sandboxed `<iframe>` storage throws,
//! history may refuse and the clipboard is denied. Every such failure becomes `None`, `false` or
//! a no-op, never a panic.
//!
//! The element and canvas types components need for DOM events and drawing are re-exported from
//! here, so the one place that names `web_sys` stays this module.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
pub(crate) use web_sys::{
    CanvasRenderingContext2d, Element, File, HtmlCanvasElement, HtmlInputElement,
    HtmlSelectElement, HtmlTextAreaElement,
};
use yew::Callback;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// Wall-clock milliseconds (`performance.now()`), 0 without a window. The page's only clock:
/// runners receive it as an argument.
pub(crate) fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn search_params() -> Option<web_sys::UrlSearchParams> {
    let search = window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()
}

/// A query parameter of the page URL (`?preset=split-brain`).
pub(crate) fn query_param(name: &str) -> Option<String> {
    search_params()?.get(name)
}

/// Whether the query string names `name`, with or without a value (`?embed`).
pub(crate) fn has_query_param(name: &str) -> bool {
    search_params().is_some_and(|p| p.has(name))
}

/// `location.hash` (with its `#`), or empty.
pub(crate) fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The fragment (with its `#`) a `hashchange` event navigated to, read from the event rather than
/// the address bar: the page's debounced address-bar update may have rewritten the bar between the
/// change and its event, and a pasted link must not be lost to that.
pub(crate) fn hash_of_change(e: &web_sys::Event) -> String {
    match e.dyn_ref::<web_sys::HashChangeEvent>() {
        Some(h) => {
            let url = h.new_url();
            url.find('#')
                .map(|i| url[i..].to_string())
                .unwrap_or_default()
        }
        None => location_hash(),
    }
}

/// The page's address without query and fragment.
pub(crate) fn page_address() -> String {
    let Some(loc) = window().map(|w| w.location()) else {
        return String::new();
    };
    let origin = loc.origin().unwrap_or_default();
    let path = loc.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

/// Points the address bar at `#<fragment>` without adding a history entry. Failures (a sandboxed
/// frame may refuse) are ignored.
pub(crate) fn replace_fragment(fragment: &str) {
    let Some(w) = window() else { return };
    let want = format!("#{fragment}");
    if w.location().hash().ok().as_deref() == Some(want.as_str()) {
        return;
    }
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&want));
    }
}

fn storage() -> Option<web_sys::Storage> {
    // `window.localStorage` throws (SecurityError) in sandboxed frames: `ok()` turns that into None.
    window()?.local_storage().ok().flatten()
}

/// The `localStorage` value under `key`, if storage works and holds one.
pub(crate) fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`. Quota or security errors are ignored.
pub(crate) fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// Copies `text` with the asynchronous clipboard API. Calls `done(true)` on success and
/// `done(false)` when the API is missing or refuses (sandboxed frames, no permission).
pub(crate) fn copy_text(text: &str, done: Callback<bool>) {
    let clip = window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("clipboard")).ok())
        .filter(|c| !c.is_undefined() && !c.is_null());
    let write = clip.as_ref().and_then(|clip| {
        js_sys::Reflect::get(clip, &JsValue::from_str("writeText"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    });
    let promise = match (clip, write) {
        (Some(clip), Some(write)) => write
            .call1(&clip, &JsValue::from_str(text))
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok()),
        _ => None,
    };
    let Some(promise) = promise else {
        done.emit(false);
        return;
    };
    let ok = {
        let done = done.clone();
        Closure::once(move |_: JsValue| done.emit(true))
    };
    let fail = Closure::once(move |_: JsValue| done.emit(false));
    let _ = promise.then2(&ok, &fail);
    ok.forget();
    fail.forget();
}

/// Whether the user asked the system for reduced motion.
pub(crate) fn prefers_reduced_motion() -> bool {
    window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Scrolls the element behind `node` into view (nothing when it is not mounted).
pub(crate) fn scroll_into_view(node: &yew::NodeRef) {
    if let Some(el) = node.cast::<Element>() {
        el.scroll_into_view();
    }
}

/// The lower-cased tag name of an event's target (`input`, `canvas`, ...), or empty.
pub(crate) fn target_tag(e: &web_sys::Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .map(|el| el.tag_name().to_ascii_lowercase())
        .unwrap_or_default()
}

/// An event's pointer position relative to the element behind `node` (for listeners whose
/// `current_target` may be the delegation root rather than the element).
pub(crate) fn offset_in(node: &yew::NodeRef, e: &web_sys::MouseEvent) -> Option<(f64, f64)> {
    let rect = node.cast::<Element>()?.get_bounding_client_rect();
    Some((
        e.client_x() as f64 - rect.left(),
        e.client_y() as f64 - rect.top(),
    ))
}

/// How far across the element the listener sits on the pointer is, from 0 (left edge) to 1
/// (right edge); `None` if that element has no width.
pub(crate) fn pointer_fraction_x(e: &web_sys::MouseEvent) -> Option<f64> {
    let el = e.current_target()?.dyn_into::<Element>().ok()?;
    let rect = el.get_bounding_client_rect();
    (rect.width() > 0.0).then(|| (e.client_x() as f64 - rect.left()) / rect.width())
}

/// The 2D context of `canvas`, its backing store sized `w`×`h` CSS pixels at the device's pixel
/// ratio and scaled so drawing is in CSS pixels.
pub(crate) fn canvas_2d(
    canvas: &HtmlCanvasElement,
    w: f64,
    h: f64,
) -> Option<CanvasRenderingContext2d> {
    let dpr = window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0);
    let (pw, ph) = ((w * dpr) as u32, (h * dpr) as u32);
    if canvas.width() != pw {
        canvas.set_width(pw);
    }
    if canvas.height() != ph {
        canvas.set_height(ph);
    }
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    Some(ctx)
}

/// The frame callback, shared with itself so it can ask for the next frame.
type FrameCb = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// A `requestAnimationFrame` loop: calls `tick` once per frame with the frame's time until it
/// returns false or the loop is dropped.
struct FrameLoop {
    cb: FrameCb,
    handle: Rc<RefCell<Option<i32>>>,
}

impl FrameLoop {
    /// Starts the loop (the first call comes with the next frame).
    fn start(mut tick: impl FnMut(f64) -> bool + 'static) -> FrameLoop {
        let cb: FrameCb = Rc::new(RefCell::new(None));
        let handle = Rc::new(RefCell::new(None));
        let (cb2, handle2) = (Rc::clone(&cb), Rc::clone(&handle));
        *cb.borrow_mut() = Some(Closure::new(move |t: f64| {
            if !tick(t) {
                return;
            }
            if let (Some(w), Some(f)) = (window(), cb2.borrow().as_ref()) {
                *handle2.borrow_mut() = w.request_animation_frame(f.as_ref().unchecked_ref()).ok();
            }
        }));
        if let (Some(w), Some(f)) = (window(), cb.borrow().as_ref()) {
            *handle.borrow_mut() = w.request_animation_frame(f.as_ref().unchecked_ref()).ok();
        }
        FrameLoop { cb, handle }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        if let (Some(w), Some(h)) = (window(), self.handle.borrow_mut().take()) {
            let _ = w.cancel_animation_frame(h);
        }
        self.cb.borrow_mut().take();
    }
}

/// The page's frame loop: calls `tick` once per frame with the frame's time, until it returns
/// false or the loop is dropped, just *after* the frame's paint. The frame callback only sets a
/// timer of 0 ms, and `tick` runs in that timer's task: the frame's rendering task (every frame
/// callback, then style, layout and paint) never holds this work as well, so the two do not add
/// up to one long task. What `tick` draws reaches the screen with the next frame. A frame that
/// comes before the timer has run only moves its time on (one timer at a time).
pub(crate) struct AfterPaint {
    _frames: FrameLoop,
    /// The timer waiting to run `tick`; dropped, hence cancelled, with the loop.
    _timer: Rc<RefCell<Option<gloo_timers::callback::Timeout>>>,
}

impl AfterPaint {
    /// Starts the loop (the first call comes after the next frame).
    pub(crate) fn start(tick: impl FnMut(f64) -> bool + 'static) -> AfterPaint {
        let tick = Rc::new(RefCell::new(tick));
        let latest: Rc<Cell<Option<f64>>> = Rc::default();
        let stopped = Rc::new(Cell::new(false));
        let timer: Rc<RefCell<Option<gloo_timers::callback::Timeout>>> = Rc::default();
        let slot = Rc::clone(&timer);
        let frames = FrameLoop::start(move |t| {
            if stopped.get() {
                return false;
            }
            if latest.replace(Some(t)).is_none() {
                let (tick, latest, stopped) =
                    (Rc::clone(&tick), Rc::clone(&latest), Rc::clone(&stopped));
                *slot.borrow_mut() = Some(gloo_timers::callback::Timeout::new(0, move || {
                    if let Some(t) = latest.take() {
                        if !(tick.borrow_mut())(t) {
                            stopped.set(true);
                        }
                    }
                }));
            }
            true
        });
        AfterPaint {
            _frames: frames,
            _timer: timer,
        }
    }

    /// Runs `f` once, after the next frame's paint.
    pub(crate) fn once(f: impl FnOnce() + 'static) -> AfterPaint {
        let mut f = Some(f);
        AfterPaint::start(move |_| {
            if let Some(f) = f.take() {
                f();
            }
            false
        })
    }
}

/// Watches an element's size (a `ResizeObserver`) until dropped: `f` gets the element's CSS
/// width once when watching starts and again whenever it changes. The observer's callback runs
/// after layout, so reading the width there never forces a layout of its own (reading it in a
/// frame callback after the DOM changed would).
pub(crate) struct Resized {
    observer: Option<web_sys::ResizeObserver>,
    _cb: Closure<dyn FnMut(JsValue)>,
}

impl Resized {
    /// Starts watching `el`.
    pub(crate) fn watch(el: &Element, mut f: impl FnMut(f64) + 'static) -> Resized {
        let target = el.clone();
        let cb = Closure::<dyn FnMut(JsValue)>::new(move |_| f(target.client_width() as f64));
        let observer = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()).ok();
        if let Some(o) = &observer {
            o.observe(el);
        }
        Resized { observer, _cb: cb }
    }
}

impl Drop for Resized {
    fn drop(&mut self) {
        if let Some(o) = &self.observer {
            o.disconnect();
        }
    }
}

/// Where a [`Listener`] listens.
#[derive(Clone, Copy)]
pub(crate) enum On {
    /// `window`.
    Window,
    /// `document`.
    Document,
}

/// An event listener that is removed when dropped.
pub(crate) struct Listener {
    target: Option<web_sys::EventTarget>,
    event: &'static str,
    cb: Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    /// Listens for `event` on `on`; `f` gets the event as `E` (e.g. `KeyboardEvent`).
    pub(crate) fn new<E: JsCast>(
        on: On,
        event: &'static str,
        mut f: impl FnMut(E) + 'static,
    ) -> Listener {
        let cb = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            f(e.unchecked_into::<E>())
        });
        let target: Option<web_sys::EventTarget> = match on {
            On::Window => window().map(Into::into),
            On::Document => document().map(Into::into),
        };
        if let Some(t) = &target {
            let _ = t.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
        }
        Listener { target, event, cb }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(t) = &self.target {
            let _ =
                t.remove_event_listener_with_callback(self.event, self.cb.as_ref().unchecked_ref());
        }
    }
}

/// Sets `document.title` and the `og:title` / `twitter:title` meta tags, when there are some.
pub(crate) fn set_title(title: &str) {
    let Some(doc) = document() else { return };
    if doc.title() != title {
        doc.set_title(title);
    }
    for sel in ["meta[property='og:title']", "meta[name='twitter:title']"] {
        if let Ok(Some(m)) = doc.query_selector(sel) {
            let _ = m.set_attribute("content", title);
        }
    }
}

/// Reads a picked or dropped file as text: `ok(text)` or `fail()`.
pub(crate) fn read_text(
    file: &File,
    ok: impl FnOnce(String) + 'static,
    fail: impl FnOnce() + 'static,
) {
    let ok = Closure::once(move |t: JsValue| ok(t.as_string().unwrap_or_default()));
    let fail = Closure::once(move |_: JsValue| fail());
    let _ = file.text().then2(&ok, &fail);
    ok.forget();
    fail.forget();
}

/// A chart drawn on the page, read back by its `<figure data-testid>`: the `<svg>` serialized
/// with its own namespace, its width and height (from the `viewBox`), and the legend items.
pub(crate) struct DrawnChart {
    /// The serialized `<svg>`.
    pub(crate) svg: String,
    /// Width.
    pub(crate) w: f64,
    /// Height.
    pub(crate) h: f64,
    /// Legend item texts.
    pub(crate) legend: Vec<String>,
}

/// The chart inside `[data-testid=testid]`, if it is on the page.
pub(crate) fn drawn_chart(testid: &str) -> Option<DrawnChart> {
    let doc = document()?;
    let fig = doc
        .query_selector(&format!("[data-testid='{testid}']"))
        .ok()??;
    let svg = fig.query_selector("svg").ok()??;
    let (w, h) = svg
        .get_attribute("viewBox")
        .and_then(|vb| {
            let n: Vec<f64> = vb
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (n.len() == 4).then(|| (n[2], n[3]))
        })
        .unwrap_or((480.0, 200.0));
    let clone: Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let _ = clone.set_attribute("width", &w.to_string());
    let _ = clone.set_attribute("height", &h.to_string());
    let svg = web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&clone)
        .ok()?;
    let legend = fig
        .query_selector_all(".legend .item")
        .ok()
        .map(|l| {
            (0..l.length())
                .filter_map(|i| l.item(i)?.text_content())
                .filter(|t| !t.trim().is_empty())
                .collect()
        })
        .unwrap_or_default();
    Some(DrawnChart { svg, w, h, legend })
}

/// The page's `#app` element, the app's mount point.
pub(crate) fn app_root() -> Option<Element> {
    document()?.get_element_by_id("app")
}

/// The name of the measurement object on `window` that `scripts/measure-web.sh` reads.
const METRICS_KEY: &str = "__fpaxos_metrics";

/// Records `name = value` in `window.__fpaxos_metrics` and, as JSON, in the hidden
/// `#fpaxos-metrics` element (readable with `chromium --dump-dom`).
pub(crate) fn record_metric(name: &str, value: f64) {
    let Some(win) = window() else { return };
    let key = JsValue::from_str(METRICS_KEY);
    let obj = js_sys::Reflect::get(&win, &key)
        .ok()
        .filter(|o| o.is_object())
        .unwrap_or_else(|| js_sys::Object::new().into());
    let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(name), &JsValue::from_f64(value));
    let _ = js_sys::Reflect::set(&win, &key, &obj);
    if let Some(el) = win
        .document()
        .and_then(|d| d.get_element_by_id("fpaxos-metrics"))
    {
        let json = js_sys::JSON::stringify(&obj)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        el.set_text_content(Some(&json));
    }
}

/// A value [`record_metric`] stored, 0 if none.
pub(crate) fn recorded_metric(name: &str) -> f64 {
    window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str(METRICS_KEY)).ok())
        .and_then(|o| js_sys::Reflect::get(&o, &JsValue::from_str(name)).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

// The tour's chapter in the address bar, downloads, the parent frame, and the animation
// export's recorder.
mod address;
mod download;
mod parent;
mod recorder;
pub(crate) use address::{location_search, push_search};
use download::{download_blob, text_blob};
pub(crate) use download::{download_svg_as_png, download_text, record_export};
pub(crate) use parent::{framed, listen_to_parent, post_to_parent};
pub(crate) use recorder::{load_svg, webm_type, Frame, Recorder};
