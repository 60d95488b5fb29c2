//! Embed mode: `?embed` in the query string gives a compact, chrome-less view for an `<iframe>`.
//! The options travel in the link's view state ([`fpaxos_share::EmbedOptions`]): panels,
//! autoplay, loop, start time, speed, read-only or editable, light or dark theme.
//!
//! A host page can script the embed with `postMessage` (`crate::host_api`, `docs/embed-api.md`).
//!
//! The embed never touches storage or the clipboard and never rewrites its own address (sandboxed
//! frames may refuse all three); a small "Open in playground" link in the corner leads to the full
//! page with the same scenario.

use crate::components::{
    chart::ChartsPanel, cluster_view::ClusterPanel, spacetime::SpaceTime, summary::Summary,
};
use crate::hooks::use_animation_frames;
use crate::share::{self, log_speed, panels_of};
use crate::state::{use_app, Action};
use fpaxos_share::ViewState;
use yew::prelude::*;

/// The embed view.
#[component]
pub(crate) fn EmbedPage() -> Html {
    let app = use_app();
    use_animation_frames(app.animating(), app.clone());
    let host_problem = crate::host_api::use_host_api(app.clone());
    let view = use_memo((), |_| share::initial_view());
    let opts = view.embed.clone().unwrap_or_default();
    let panels = panels_of(&opts);
    let start_ns = opts
        .start_ms
        .or(view.time_ms)
        .filter(|m| m.is_finite() && *m > 0.0)
        .map(|m| (m * 1e6) as u64);
    // Speed, start time and autoplay, once.
    {
        let app = app.clone();
        let opts = opts.clone();
        use_effect_with((), move |_| {
            if let Some(s) = log_speed(opts.speed) {
                app.dispatch(Action::SetSpeed(s));
            }
            if let Some(t) = start_ns {
                app.dispatch(Action::Seek(t));
            }
            if opts.autoplay {
                app.dispatch(Action::TogglePlay);
            }
        });
    }
    // Loop: at the end, back to the start time and play again.
    {
        let app = app.clone();
        let looped = opts.looped;
        use_effect_with(app.run.done, move |done| {
            if *done && looped {
                app.dispatch(Action::Restart);
                if let Some(t) = start_ns {
                    app.dispatch(Action::Seek(t));
                }
                app.dispatch(Action::TogglePlay);
            }
        });
    }
    let theme = match opts.theme.as_deref() {
        Some("dark") => "theme-dark",
        _ => "theme-light",
    };
    let open_link = share::link_for(&app.scenario, &ViewState::default());
    let toggle = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::TogglePlay))
    };
    let restart = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::Restart))
    };
    let report = app.run.report.clone();
    let status = app.status().as_str();
    let title = if app.scenario.name.trim().is_empty() {
        "FPaxos Playground".to_string()
    } else {
        app.scenario.name.clone()
    };
    let panel = |id: &str| -> Html {
        match id {
            "cluster" => {
                html! { <div class="embed-panel embed-cluster" data-panel="cluster"><ClusterPanel /></div> }
            }
            "spacetime" => {
                html! { <div class="embed-panel" data-panel="spacetime"><SpaceTime /></div> }
            }
            "charts" => {
                html! { <div class="embed-panel" data-panel="charts"><ChartsPanel report={report.clone()} /></div> }
            }
            "summary" => {
                html! { <div class="embed-panel" data-panel="summary"><Summary report={report.clone()} /></div> }
            }
            _ => html! {},
        }
    };
    let single = panels.len() == 1;
    html! {
        <div class={classes!("embed-root", theme, (!opts.editable).then_some("readonly"), single.then_some("single"))}
            data-testid="embed-root" data-panels={panels.join(",")}>
            <div class="embed-bar">
                <button type="button" class="embed-play" onclick={toggle} data-testid="play-pause"
                    disabled={!app.errors.is_empty()} aria-label={if app.run.playing { "Pause" } else { "Play" }}>
                    { if app.run.playing { "❚❚" } else { "▶" } }
                </button>
                <button type="button" class="embed-restart" onclick={restart} aria-label="Restart" title="Restart">{"↺"}</button>
                <span class="embed-title" title={title.clone()}>{title}</span>
                <output class="embed-time" data-testid="sim-time">{crate::format::time_fixed(app.run.now)}</output>
                <span hidden=true data-testid="run-status">{status}</span>
                <a class="embed-open" href={open_link} target="_blank" rel="noopener" data-testid="open-in-playground">{"Open in playground ↗"}</a>
            </div>
            if !app.errors.is_empty() || host_problem.is_some() {
                <ul class="embed-errors" role="alert">
                    { for app.errors.iter().chain(host_problem.iter()).map(|e| html! { <li>{e.clone()}</li> }) }
                </ul>
            }
            <div class="embed-panels">
                { for panels.iter().map(|p| panel(p)) }
            </div>
        </div>
    }
}
