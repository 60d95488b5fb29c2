//! Scenario links, embed links and the stored last scenario.
//!
//! The whole scenario (faults added by clicking included) and the view state live in the URL
//! fragment, `#s=1.<payload>`, written by [`fpaxos_share::encode_fragment`]. The address bar
//! follows edits (see [`crate::hooks::use_share_sync`]), and the last scenario is kept in
//! `localStorage` so a reload loses nothing. On load a link in the URL wins over `?preset=`,
//! which wins over the stored scenario: [`initial_state`] decides, and hands the
//! [`Start`] to the state.
//!
//! Nothing here assumes storage, history or the clipboard work (see [`crate::browser`]). A link
//! that does not decode becomes a message ([`fpaxos_share::ShareError`]'s text) in a dismissible
//! banner; the page keeps the scenario it had (or the default on first load).

use crate::browser;
use crate::state::{open_for_view, AppState, Start, SPEED_MAX, SPEED_MIN};
use fpaxos_share::{decode_fragment, EmbedOptions, Shared, ViewState};
use fpaxos_sim::Scenario;
use std::cell::{Cell, RefCell};

/// `localStorage` key of the last scenario (a link fragment, `s=1.<payload>`).
pub const STORAGE_KEY: &str = "fpaxos-playground:last";

thread_local! {
    /// Whether this page's address bar and storage belong to the app (see [`enable`]).
    static ENABLED: Cell<bool> = const { Cell::new(false) };
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
pub(crate) fn enabled() -> bool {
    ENABLED.with(|e| e.get())
}

/// Decides the first scenario from the URL fragment, `?preset=` and storage: a link that decodes
/// wins, then a known preset, then the stored scenario, then the default. Returns the start and,
/// when the URL's link does not decode or its preset does not exist, why (the page then starts
/// as if neither were there, so the stored scenario is kept rather than overwritten).
pub(crate) fn start_from(
    hash: &str,
    preset: Option<&str>,
    stored: Option<String>,
) -> (Start, Option<String>) {
    let mut errors = Vec::new();
    if fpaxos_share::fragment_param(hash, "s").is_some() {
        match decode_fragment(hash) {
            Ok(shared) => return (Start::Link(Box::new(shared)), None),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let error = |errors: Vec<String>| (!errors.is_empty()).then(|| errors.join(" "));
    if let Some(id) = preset.map(str::trim).filter(|id| !id.is_empty()) {
        match crate::presets::by_id(id) {
            Some(p) => return (Start::Preset(Box::new(p)), error(errors)),
            None => errors.push(unknown_preset(id)),
        }
    }
    let stored = stored
        .and_then(|s| decode_fragment(&s).ok())
        .map(|s| Start::Stored(Box::new(s.scenario)));
    (stored.unwrap_or(Start::Default), error(errors))
}

/// Why `?preset=ID` names nothing, with the ids that exist.
fn unknown_preset(id: &str) -> String {
    let ids: Vec<&str> = crate::presets::menu().iter().map(|p| p.id).collect();
    // The id is the user's text: shown, not trusted, and cut short if absurdly long.
    let shown: String = id.chars().take(40).collect();
    let more = if shown.len() < id.len() { "…" } else { "" };
    format!(
        "There is no preset \u{201c}{shown}{more}\u{201d}; the presets are {}.",
        ids.join(", ")
    )
}

/// The page's first state: the link in the URL, else the preset `?preset=` names, else the
/// stored scenario, else the default. Only an [`enable`]d page reads the link and storage.
pub(crate) fn initial_state() -> AppState {
    let preset = browser::query_param("preset");
    let (start, error) = if enabled() {
        let stored = if is_embed() {
            None
        } else {
            browser::stored(STORAGE_KEY)
        };
        start_from(&browser::location_hash(), preset.as_deref(), stored)
    } else {
        start_from("", preset.as_deref(), None)
    };
    LINK_ERROR.with(|e| *e.borrow_mut() = error);
    if let Start::Link(shared) = &start {
        INITIAL_VIEW.with(|v| *v.borrow_mut() = Some(shared.view.clone()));
    }
    AppState::from_start(start)
}

/// The link error recorded at start-up, once.
pub(crate) fn take_link_error() -> Option<String> {
    LINK_ERROR.with(|e| e.borrow_mut().take())
}

/// The view state of the link the page was opened with (default when there was none).
pub(crate) fn initial_view() -> ViewState {
    INITIAL_VIEW
        .with(|v| v.borrow().clone())
        .unwrap_or_default()
}

/// Whether the page runs in embed mode (`?embed` in the query string).
pub(crate) fn is_embed() -> bool {
    browser::has_query_param("embed")
}

/// The tour chapter the URL opens, 1-based: `?tour` is chapter 1, `?tour=N` chapter N (a value
/// that is not a number opens chapter 1); `None` without `tour`.
pub(crate) fn tour_param() -> Option<usize> {
    browser::has_query_param("tour").then(|| tour_chapter(browser::query_param("tour").as_deref()))
}

/// `?tour=`'s value as a chapter number (1 when missing or not a number).
pub(crate) fn tour_chapter(value: Option<&str>) -> usize {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1)
}

/// `search` (a query string with its `?`) with `tour` set to chapter `n`, every other parameter
/// kept as written (`?embed&tour=2` stays in that form).
pub(crate) fn with_tour(search: &str, n: usize) -> String {
    let mut parts: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && *p != "tour" && !p.starts_with("tour="))
        .map(str::to_string)
        .collect();
    parts.push(format!("tour={n}"));
    format!("?{}", parts.join("&"))
}

/// A link's scenario and view, if `hash` holds one (`Err`: why it does not decode).
pub(crate) fn decode_link(hash: &str) -> Option<Result<Shared, String>> {
    fpaxos_share::fragment_param(hash, "s")?;
    Some(decode_fragment(hash).map_err(|e| e.to_string()))
}

/// The page's address without query and fragment: the base of every link it writes.
pub(crate) fn base_url() -> String {
    browser::page_address()
}

/// The view state written into links from the main page: open panels, the time cursor when
/// paused, compare variants and the sweep.
pub(crate) fn view_of(app: &AppState) -> ViewState {
    ViewState {
        panels: open_for_view(&app.view.closed_panels),
        time_ms: (!app.animating() && app.run.now > 0).then(|| app.run.now as f64 / 1e6),
        compare: app.compare.variants.to_vec(),
        sweep: app.sweep.clone(),
        ..ViewState::default()
    }
}

/// The full link to a scenario and view.
pub(crate) fn link_for(scenario: &Scenario, view: &ViewState) -> String {
    fpaxos_share::share_url(&base_url(), scenario, view)
}

/// Panels an embed can show, in the order they are drawn. Links may name others (an early
/// `compare` panel, for one); those still decode and are left out.
pub(crate) const EMBED_PANELS: &[(&str, &str)] = &[
    ("cluster", "Cluster"),
    ("spacetime", "Space-time"),
    ("charts", "Charts"),
    ("summary", "Summary"),
];

/// Panels shown when the link names none.
pub(crate) const DEFAULT_PANELS: &[&str] = &["cluster", "summary"];

/// The panels an embed shows: known names, in drawing order, without duplicates.
pub(crate) fn panels_of(opts: &EmbedOptions) -> Vec<&'static str> {
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
pub(crate) fn log_speed(speed: Option<f64>) -> Option<f64> {
    speed
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| s.log10().clamp(SPEED_MIN, SPEED_MAX))
}

/// The `?embed` link for a scenario with these options.
pub(crate) fn embed_url(base: &str, scenario: &Scenario, opts: &EmbedOptions) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use fpaxos_share::encode_fragment;

    fn sample() -> Scenario {
        Scenario {
            seed: 7,
            ..Scenario::default()
        }
    }

    #[test]
    fn with_tour_sets_the_chapter_and_keeps_the_rest() {
        assert_eq!(with_tour("?tour", 2), "?tour=2");
        assert_eq!(with_tour("?tour=1", 3), "?tour=3");
        assert_eq!(with_tour("", 1), "?tour=1");
        assert_eq!(with_tour("?embed&tour=4", 5), "?embed&tour=5");
        assert_eq!(with_tour("?tour=2&theme=dark", 1), "?theme=dark&tour=1");
    }

    #[test]
    fn link_wins_over_storage_and_preset() {
        let link = format!("#{}", encode_fragment(&sample(), &ViewState::default()));
        let stored = encode_fragment(&Scenario::default(), &ViewState::default());
        let (start, err) = start_from(&link, Some("basics"), Some(stored));
        assert!(err.is_none());
        assert!(matches!(start, Start::Link(s) if s.scenario.seed == 7));
    }

    #[test]
    fn storage_used_without_link_or_preset() {
        let stored = encode_fragment(&sample(), &ViewState::default());
        let (start, _) = start_from("", None, Some(stored.clone()));
        assert!(matches!(start, Start::Stored(s) if s.seed == 7));
        let (start, err) = start_from("", Some("basics"), Some(stored.clone()));
        assert!(matches!(start, Start::Preset(p) if p.id == "basics"));
        assert!(err.is_none());
        // An empty `?preset=` names nothing and asks nothing.
        let (start, err) = start_from("", Some(" "), Some(stored));
        assert!(matches!(start, Start::Stored(s) if s.seed == 7));
        assert!(err.is_none());
    }

    #[test]
    fn unknown_preset_gives_message_and_keeps_stored() {
        let stored = encode_fragment(&sample(), &ViewState::default());
        let (start, err) = start_from("", Some("grid"), Some(stored.clone()));
        assert!(matches!(start, Start::Stored(s) if s.seed == 7));
        let err = err.expect("a message");
        assert!(err.contains("no preset \u{201c}grid\u{201d}"), "{err}");
        assert!(err.contains("grid-5x4") && err.contains("basics"), "{err}");
        let (start, err) = start_from("", Some("grid"), None);
        assert_eq!(start, Start::Default);
        assert!(err.is_some());
        // An absurd id is cut short in the message.
        let long = "x".repeat(10_000);
        let err = start_from("", Some(&long), None).1.expect("a message");
        assert!(
            err.len() < 1_000 && err.contains('\u{2026}'),
            "{}",
            err.len()
        );
        // A bad link and an unknown preset: both reasons.
        let (start, err) = start_from("#s=1.@@@", Some("grid"), Some(stored));
        assert!(matches!(start, Start::Stored(_)));
        let only = start_from("", Some("grid"), None).1.expect("a message");
        let err = err.expect("a message");
        assert!(err.len() > only.len() + 1 && err.ends_with(&only), "{err}");
        // Old ids still name their presets.
        let (start, err) = start_from("", Some("zk-6"), None);
        assert!(matches!(start, Start::Preset(p) if p.id == "zookeeper-6"));
        assert!(err.is_none());
    }

    #[test]
    fn bad_link_gives_message_and_keeps_stored() {
        let stored = encode_fragment(&sample(), &ViewState::default());
        for bad in ["#s=1.@@@", "#s=1.eJx", "#s=9.abc", "#s="] {
            let (start, err) = start_from(bad, None, Some(stored.clone()));
            assert!(err.is_some(), "{bad}");
            assert!(matches!(start, Start::Stored(_)), "{bad}");
        }
        let (start, err) = start_from("#s=2.abc", None, None);
        assert_eq!(start, Start::Default);
        assert!(!err.unwrap_or_default().is_empty());
    }

    #[test]
    fn garbage_in_storage_is_ignored() {
        let (start, err) = start_from("", None, Some("not a link".into()));
        assert_eq!(start, Start::Default);
        assert!(err.is_none());
    }

    #[test]
    fn embed_panels_keep_order_and_drop_unknown() {
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
    fn old_embed_links_naming_compare_still_open() {
        let o = EmbedOptions {
            panels: vec!["cluster".into(), "compare".into()],
            ..EmbedOptions::default()
        };
        let url = embed_url("http://x/p/", &Scenario::default(), &o);
        let back = fpaxos_share::decode_fragment(&url).expect("decodes");
        let opened = back.view.embed.expect("embed options");
        assert_eq!(panels_of(&opened), vec!["cluster"]);
    }

    #[test]
    fn tour_values_are_chapter_numbers() {
        assert_eq!(tour_chapter(None), 1);
        assert_eq!(tour_chapter(Some("")), 1);
        assert_eq!(tour_chapter(Some("4")), 4);
        assert_eq!(tour_chapter(Some("0")), 1);
        assert_eq!(tour_chapter(Some("x")), 1);
    }

    #[test]
    fn embed_url_round_trips() {
        let o = EmbedOptions {
            panels: vec!["cluster".into()],
            autoplay: true,
            ..EmbedOptions::default()
        };
        let s = Scenario::default();
        let url = embed_url("http://x/p/?preset=a#old", &s, &o);
        assert!(url.starts_with("http://x/p/?embed#s=1."));
        let back = fpaxos_share::decode_fragment(&url).expect("decodes");
        assert_eq!(back.view.embed, Some(o));
        assert_eq!(log_speed(Some(1.0)), Some(0.0));
        assert_eq!(log_speed(Some(-1.0)), None);
    }
}
