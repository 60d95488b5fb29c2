//! Embed mode: `?embed` in the query string gives a compact, chrome-less view for an `<iframe>`.
//! The options travel in the link's view state ([`fpaxos_share::EmbedOptions`]): panels,
//! autoplay, loop, start time, speed, read-only or editable, light or dark theme.
//!
//! The embed never touches storage or the clipboard and never rewrites its own address (sandboxed
//! frames may refuse all three); a small "Open in playground" link in the corner leads to the full
//! page with the same scenario.

use crate::components::{
    chart::ChartsPanel, cluster_view::ClusterPanel, spacetime::SpaceTime, summary::Summary,
};
use crate::hooks::use_animation_frames;
use crate::share;
use crate::state::{use_app, Action};
use fpaxos_share::{EmbedOptions, ViewState};
use yew::prelude::*;

/// Panels an embed can show, in the order they are drawn. `compare` is drawn when the link
/// carries compare variants and the compare panel exists (hook for compare mode).
pub const EMBED_PANELS: &[(&str, &str)] = &[
    ("cluster", "Cluster"),
    ("spacetime", "Space-time"),
    ("charts", "Charts"),
    ("summary", "Summary"),
    ("compare", "Comparison"),
];

/// Panels shown when the link names none.
pub const DEFAULT_PANELS: &[&str] = &["cluster", "summary"];

/// The panels an embed shows: known names, in drawing order, without duplicates.
pub fn panels_of(opts: &EmbedOptions) -> Vec<&'static str> {
    let want: Vec<&str> = if opts.panels.is_empty() {
        DEFAULT_PANELS.to_vec()
    } else {
        opts.panels.iter().map(String::as_str).collect()
    };
    EMBED_PANELS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| want.contains(id))
        .collect()
}

/// log10 of the simulated-per-real time ratio for an embed's `speed` (simulated seconds per real
/// second; the full page starts at 0.01).
pub fn log_speed(speed: Option<f64>) -> Option<f64> {
    speed.filter(|s| s.is_finite() && *s > 0.0).map(|s| {
        s.log10()
            .clamp(crate::state::SPEED_MIN, crate::state::SPEED_MAX)
    })
}

/// The `?embed` link for a scenario with these options.
pub fn embed_url(base: &str, scenario: &fpaxos_sim::Scenario, opts: &EmbedOptions) -> String {
    let view = ViewState {
        embed: Some(opts.clone()),
        ..ViewState::default()
    };
    let base = base.split(['?', '#']).next().unwrap_or("");
    format!(
        "{base}?embed#{}",
        fpaxos_share::encode_fragment(scenario, &view)
    )
}

/// The embed view.
#[component]
pub fn EmbedPage() -> Html {
    let app = use_app();
    use_animation_frames(app.animating(), app.clone());
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
        use_effect_with(app.done, move |done| {
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
    let report = app.report.clone();
    let status = if !app.errors.is_empty() {
        "invalid"
    } else if app.done {
        "done"
    } else if app.target.is_some() {
        "running"
    } else if app.playing {
        "playing"
    } else {
        "paused"
    };
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
            // Hook for compare mode: drawn once the compare panel lands (variants are in `view.compare`).
            _ => html! {},
        }
    };
    let single = panels.len() == 1;
    html! {
        <div class={classes!("embed-root", theme, (!opts.editable).then_some("readonly"), single.then_some("single"))}
            data-testid="embed-root" data-panels={panels.join(",")}>
            <div class="embed-bar">
                <button type="button" class="embed-play" onclick={toggle} data-testid="play-pause"
                    disabled={!app.errors.is_empty()} aria-label={if app.playing { "Pause" } else { "Play" }}>
                    { if app.playing { "❚❚" } else { "▶" } }
                </button>
                <button type="button" class="embed-restart" onclick={restart} aria-label="Restart" title="Restart">{"↺"}</button>
                <span class="embed-title" title={title.clone()}>{title}</span>
                <output class="embed-time" data-testid="sim-time">{crate::format::time_fixed(app.now)}</output>
                <span hidden=true data-testid="run-status">{status}</span>
                <a class="embed-open" href={open_link} target="_blank" rel="noopener" data-testid="open-in-playground">{"Open in playground ↗"}</a>
            </div>
            if !app.errors.is_empty() {
                <ul class="embed-errors" role="alert">{ for app.errors.iter().map(|e| html! { <li>{e.clone()}</li> }) }</ul>
            }
            <div class="embed-panels">
                { for panels.iter().map(|p| panel(p)) }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_keep_order_and_drop_unknown() {
        let o = EmbedOptions {
            panels: vec![
                "summary".into(),
                "nope".into(),
                "cluster".into(),
                "summary".into(),
            ],
            ..EmbedOptions::default()
        };
        assert_eq!(panels_of(&o), vec!["cluster", "summary"]);
        assert_eq!(panels_of(&EmbedOptions::default()), DEFAULT_PANELS.to_vec());
    }

    #[test]
    fn embed_url_round_trips() {
        let o = EmbedOptions {
            panels: vec!["cluster".into()],
            autoplay: true,
            ..EmbedOptions::default()
        };
        let s = fpaxos_sim::Scenario::default();
        let url = embed_url("http://x/p/?preset=a#old", &s, &o);
        assert!(url.starts_with("http://x/p/?embed#s=1."));
        let back = fpaxos_share::decode_fragment(&url).expect("decodes");
        assert_eq!(back.view.embed, Some(o));
        assert_eq!(log_speed(Some(1.0)), Some(0.0));
        assert_eq!(log_speed(Some(-1.0)), None);
    }
}
