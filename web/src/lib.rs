//! # fpaxos-web — the FPaxos Playground page
//!
//! A Yew (client-side rendered) application around the deterministic simulator in
//! `fpaxos-sim`. All state lives in one reducer (`state::AppState`, made of slices) handed to
//! components by context; each panel is its own component so it can be shown or hidden on its
//! own, in the full page, in compare mode and in the embed (`?embed`).
//!
//! ## Layers
//! Each module imports only modules on its own level or below:
//! 1. `browser` (every `web_sys` call: clock, URL, history, storage, clipboard, media queries,
//!    frames, listeners, downloads) and `run` (the runners that drive simulations in wall-clock
//!    slices, with the clock passed in), plus the plain helpers `format`, `svg`, [`presets`]
//!    and `export` (text of the exports);
//! 2. `state`: the reducer and its slices (scenario, main run, compare, sweep, view);
//! 3. [`share`]: links, embed links, and the choice of the page's first state;
//! 4. `hooks`: frame loops, keyboard, address-bar sync, focus, measurement;
//! 5. `components`: the panels;
//! 6. [`app`] and `embed`: the full page and the embed page.
//!
//! **Architecture invariant**: this crate draws and forwards user actions as scenario edits or
//! injected faults; it never decides protocol behaviour.

pub mod app;
mod browser;
mod components;
mod embed;
mod export;
mod format;
mod hooks;
mod host_api;
pub mod presets;
mod run;
pub mod share;
mod state;
mod svg;

/// A query parameter of the page URL (`?preset=split-brain`).
pub(crate) use browser::query_param;

/// Serves simulation jobs: the whole of the `fpaxos-worker` bin, which the page starts as Web
/// Workers (`run::pool`). Does nothing outside a browser worker.
pub fn serve_worker() {
    #[cfg(target_arch = "wasm32")]
    run::worker::serve();
}

/// Mounts the app into `#app` (or the body), owning the address bar and local storage.
pub fn start() {
    // When the page's wasm starts running (fetched, compiled and instantiated): the part of
    // the first render that is loading, for `scripts/measure-web.sh`.
    browser::record_metric("wasm_start_ms", browser::now_ms());
    share::enable();
    // The first drawing in a task of its own: the task that runs this one also finished
    // compiling the wasm, and the two together made one long task.
    gloo_timers::callback::Timeout::new(0, || match browser::app_root() {
        Some(el) => {
            yew::Renderer::<app::App>::with_root(el).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    })
    .forget();
}
