//! # fpaxos-web — the FPaxos Playground page
//!
//! A Yew (client-side rendered) application around the deterministic simulator in
//! `fpaxos-sim`. All state lives in one reducer ([`state::AppState`]) handed to components by
//! context; each panel is its own component so it can be shown or hidden on its own (embed and
//! compare modes later).
//!
//! **Architecture invariant**: this crate draws and forwards user actions as scenario edits or
//! injected faults; it never decides protocol behaviour.

pub mod app;
pub mod components;
pub mod format;
pub mod hooks;
pub mod presets;
pub mod state;
// --- share / embed / export ---
pub mod embed;
pub mod export;
pub mod share;
// --- end share / embed / export ---
// --- compare & sweep ---
pub mod compare;
pub mod sweep;
// --- end compare & sweep ---

/// A query parameter of the page URL (`?preset=split-brain`).
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)
}

/// Mounts the app into `#app` (or the body).
pub fn start() {
    // --- share: the real page owns the address bar and local storage ---
    share::enable();
    // --- end share ---
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(el) => {
            yew::Renderer::<app::App>::with_root(el).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
