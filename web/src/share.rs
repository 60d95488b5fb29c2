//! Scenario links and local storage.
//!
//! The whole scenario (faults added by clicking included) and the view state live in the URL
//! fragment, `#s=1.<payload>`, written by [`fpaxos_share::encode_fragment`]. The address bar
//! follows edits through `history.replaceState` (debounced, so no history spam), and the last
//! scenario is kept in `localStorage` so a reload loses nothing. On load a link in the URL wins
//! over `?preset=`, which wins over the stored scenario.
//!
//! Nothing here assumes storage, history or the clipboard work: inside a sandboxed `<iframe>`
//! `localStorage` throws and the clipboard is refused; every such failure is swallowed or turned
//! into a fallback, never a crash. A link that does not decode becomes a message
//! ([`fpaxos_share::ShareError`]'s text) in a dismissible banner; the page keeps the scenario it
//! had (or the default on first load).

use crate::state::{Action, AppCtx};
use fpaxos_share::{decode_fragment, encode_fragment, Shared, ViewState};
use fpaxos_sim::Scenario;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// `localStorage` key of the last scenario (a link fragment, `s=1.<payload>`).
pub const STORAGE_KEY: &str = "fpaxos-playground:last";
/// Wall milliseconds the address bar waits after the last edit before it follows.
pub const SYNC_DEBOUNCE_MS: u32 = 300;

thread_local! {
    /// Whether this page's address bar and storage belong to the app (see [`enable`]).
    static ENABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Why the link the page was opened with did not decode (taken by the banner).
    static LINK_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The view state of the link the page was opened with.
    static INITIAL_VIEW: RefCell<Option<ViewState>> = const { RefCell::new(None) };
}

/// Lets the app read and write the address bar and `localStorage`. [`crate::start`] calls it for
/// the real page; an `App` mounted anywhere else (component tests) leaves both alone.
pub fn enable() {
    ENABLED.with(|e| e.set(true));
}

/// Whether [`enable`] was called.
pub fn enabled() -> bool {
    ENABLED.with(|e| e.get())
}

/// Where the page's first scenario came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    /// A link in the URL.
    Link(Box<Shared>),
    /// The stored last scenario.
    Stored(Box<Scenario>),
    /// Neither: the caller uses `?preset=` or the default.
    Default,
}

/// Decides the first scenario from the URL fragment, `?preset=` and storage. A link that does not
/// decode is remembered for [`take_link_error`] and the page starts as if there were none.
pub fn start_from(hash: &str, has_preset: bool, stored: Option<String>) -> (Start, Option<String>) {
    let mut error = None;
    if fpaxos_share::fragment_param(hash, "s").is_some() {
        match decode_fragment(hash) {
            Ok(shared) => return (Start::Link(Box::new(shared)), None),
            Err(e) => error = Some(e.to_string()),
        }
    }
    if has_preset {
        return (Start::Default, error);
    }
    let stored = stored
        .and_then(|s| decode_fragment(&s).ok())
        .map(|s| Start::Stored(Box::new(s.scenario)));
    (stored.unwrap_or(Start::Default), error)
}

/// The page's first scenario: the link in the URL, else the stored one (unless `?preset=` asks
/// for a preset), else `None` (the caller falls back to the preset or the default).
pub fn initial_scenario() -> Option<Scenario> {
    if !enabled() {
        return None;
    }
    let has_preset = crate::query_param("preset").is_some();
    let stored = if is_embed() { None } else { load_stored() };
    let (start, error) = start_from(&location_hash(), has_preset, stored);
    LINK_ERROR.with(|e| *e.borrow_mut() = error);
    match start {
        Start::Link(shared) => {
            let Shared { scenario, view } = *shared;
            INITIAL_VIEW.with(|v| *v.borrow_mut() = Some(view));
            Some(scenario)
        }
        Start::Stored(s) => Some(*s),
        Start::Default => None,
    }
}

/// The link error recorded at start-up, once.
pub fn take_link_error() -> Option<String> {
    LINK_ERROR.with(|e| e.borrow_mut().take())
}

/// The view state of the link the page was opened with (default when there was none).
pub fn initial_view() -> ViewState {
    INITIAL_VIEW
        .with(|v| v.borrow().clone())
        .unwrap_or_default()
}

/// Whether the page runs in embed mode (`?embed` in the query string).
pub fn is_embed() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .is_some_and(|p| p.has("embed"))
}

/// `location.hash` (with its `#`), or empty.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page's address without query and fragment: the base of every link it writes.
pub fn base_url() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    let origin = loc.origin().unwrap_or_default();
    let path = loc.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

/// The view state written into links from the main page: the time cursor when paused.
pub fn view_of(app: &crate::state::AppState) -> ViewState {
    // Compare mode's variants and sweep (web/src/compare.rs) travel with the link.
    let (compare, sweep) = crate::compare::view_parts(app);
    ViewState {
        panels: crate::state::open_for_view(&app.closed_panels),
        time_ms: (!app.animating() && app.now > 0).then(|| app.now as f64 / 1e6),
        compare,
        sweep,
        ..ViewState::default()
    }
}

/// The full link to the page's current scenario and view.
pub fn link_for(scenario: &Scenario, view: &ViewState) -> String {
    fpaxos_share::share_url(&base_url(), scenario, view)
}

/// Points the address bar at `#<fragment>` without adding a history entry. Failures (a sandboxed
/// frame may refuse) are ignored.
pub fn replace_fragment(fragment: &str) {
    let Some(w) = web_sys::window() else { return };
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
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored last scenario as a link fragment, if storage works and holds one.
pub fn load_stored() -> Option<String> {
    storage()?.get_item(STORAGE_KEY).ok().flatten()
}

/// Stores the scenario (as a link fragment). Quota or security errors are ignored.
pub fn store(fragment: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, fragment);
    }
}

/// Copies `text` with the asynchronous clipboard API. Calls `done(true)` on success and
/// `done(false)` when the API is missing or refuses (sandboxed frames, no permission).
pub fn copy_text(text: &str, done: Callback<bool>) {
    let clip = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("clipboard")).ok())
        .filter(|c| !c.is_undefined() && !c.is_null());
    let Some(clip) = clip else {
        done.emit(false);
        return;
    };
    let write = js_sys::Reflect::get(&clip, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(write) = write else {
        done.emit(false);
        return;
    };
    let promise = match write.call1(&clip, &JsValue::from_str(text)) {
        Ok(p) => p.dyn_into::<js_sys::Promise>().ok(),
        Err(_) => None,
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

/// Keeps the address bar and storage in step with the scenario, applies the opening link's time
/// cursor, and follows links pasted into the address bar (`hashchange`). Returns the link error
/// to show, and a setter for it.
#[hook]
pub fn use_share_sync(app: AppCtx) -> UseStateHandle<Option<String>> {
    let error = use_state(take_link_error);
    // The opening link's time cursor.
    {
        let app = app.clone();
        use_effect_with((), move |_| {
            if let Some(ms) = initial_view().time_ms.filter(|m| m.is_finite() && *m > 0.0) {
                app.dispatch(Action::Seek((ms * 1e6) as u64));
            }
        });
    }
    // Links pasted into the address bar of the open page.
    {
        let app = app.clone();
        let error = error.clone();
        use_effect_with((), move |_| {
            let cb = Closure::<dyn Fn()>::new(move || {
                if !enabled() {
                    return;
                }
                let hash = location_hash();
                if fpaxos_share::fragment_param(&hash, "s").is_none() {
                    return;
                }
                match decode_fragment(&hash) {
                    Ok(shared) => {
                        error.set(None);
                        app.dispatch(Action::SetScenario(Box::new(shared.scenario)));
                        if let Some(ms) = shared.view.time_ms.filter(|m| m.is_finite() && *m > 0.0)
                        {
                            app.dispatch(Action::Seek((ms * 1e6) as u64));
                        }
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
            let w = web_sys::window();
            if let Some(w) = &w {
                let _ =
                    w.add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = w {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        cb.as_ref().unchecked_ref(),
                    );
                }
                drop(cb);
            }
        });
    }
    // Debounced: address bar and storage follow the scenario and the (paused) time cursor.
    let timer = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    let view = view_of(&app);
    use_effect_with((app.scenario.clone(), view), move |(scenario, view)| {
        if !enabled() {
            return;
        }
        let fragment = encode_fragment(scenario, view);
        let stored = encode_fragment(scenario, &ViewState::default());
        *timer.borrow_mut() = Some(gloo_timers::callback::Timeout::new(
            SYNC_DEBOUNCE_MS,
            move || {
                replace_fragment(&fragment);
                store(&stored);
            },
        ));
    });
    error
}

/// Props of [`LinkErrorBanner`].
#[derive(Properties, PartialEq)]
pub struct LinkErrorProps {
    /// The message (none: nothing is shown).
    pub error: UseStateHandle<Option<String>>,
}

/// The banner shown when a link cannot be opened: the reason, "Reset to default" and "Dismiss".
#[component]
pub fn LinkErrorBanner(p: &LinkErrorProps) -> Html {
    let app = crate::state::use_app();
    let Some(msg) = (*p.error).clone() else {
        return html! {};
    };
    let dismiss = {
        let e = p.error.clone();
        Callback::from(move |_| e.set(None))
    };
    let reset = {
        let e = p.error.clone();
        Callback::from(move |_| {
            e.set(None);
            app.dispatch(Action::LoadPreset("default".into()));
        })
    };
    html! {
        <div class="link-error" role="alert" data-testid="link-error">
            <strong>{"This link could not be opened. "}</strong>
            <span data-testid="link-error-text">{msg}</span>
            {" The page kept your current scenario."}
            <span class="link-error-actions">
                <button type="button" onclick={reset} data-testid="link-error-reset">{"Reset to default"}</button>
                <button type="button" onclick={dismiss} data-testid="link-error-dismiss" aria-label="Dismiss">{"Dismiss"}</button>
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Scenario {
        Scenario {
            seed: 7,
            ..Scenario::default()
        }
    }

    #[test]
    fn link_wins_over_storage_and_preset() {
        let link = format!("#{}", encode_fragment(&sample(), &ViewState::default()));
        let stored = encode_fragment(&Scenario::default(), &ViewState::default());
        let (start, err) = start_from(&link, true, Some(stored));
        assert!(err.is_none());
        assert!(matches!(start, Start::Link(s) if s.scenario.seed == 7));
    }

    #[test]
    fn storage_used_without_link_or_preset() {
        let stored = encode_fragment(&sample(), &ViewState::default());
        let (start, _) = start_from("", false, Some(stored.clone()));
        assert!(matches!(start, Start::Stored(s) if s.seed == 7));
        let (start, _) = start_from("", true, Some(stored));
        assert_eq!(start, Start::Default);
    }

    #[test]
    fn bad_link_gives_message_and_keeps_stored() {
        let stored = encode_fragment(&sample(), &ViewState::default());
        for bad in ["#s=1.@@@", "#s=1.eJx", "#s=9.abc", "#s="] {
            let (start, err) = start_from(bad, false, Some(stored.clone()));
            assert!(err.is_some(), "{bad}");
            assert!(matches!(start, Start::Stored(_)), "{bad}");
        }
        let (start, err) = start_from("#s=2.abc", false, None);
        assert_eq!(start, Start::Default);
        assert!(!err.unwrap_or_default().is_empty());
    }

    #[test]
    fn garbage_in_storage_is_ignored() {
        let (start, err) = start_from("", false, Some("not a link".into()));
        assert_eq!(start, Start::Default);
        assert!(err.is_none());
    }
}
