//! Title bar with the Scenarios menu and the current preset's explanation.

use crate::browser::HtmlSelectElement;
use crate::presets;
use crate::state::{use_app, Action};
use yew::prelude::*;

/// Title, Scenarios menu and explanation.
#[component]
pub(crate) fn Header() -> Html {
    let app = use_app();
    let all = presets::menu();
    let current = app.preset.unwrap_or("");
    let select_ref = crate::hooks::use_select_value(current.to_string());
    let onchange = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            let v = sel.value();
            if !v.is_empty() {
                app.dispatch(Action::LoadPreset(v));
            }
        })
    };
    let explain = all
        .iter()
        .find(|p| p.id == current)
        .map(|p| p.explain)
        .or_else(|| (!app.scenario.notes.is_empty()).then_some(app.scenario.notes.as_str()));
    html! {
        <header class="top">
            <div class="brand">
                <h1>{"FPaxos Playground"}</h1>
                <span class="tag">{"Flexible Paxos: every phase-1 quorum must meet every phase-2 quorum"}</span>
            </div>
            <label class="presets">
                <span>{"Scenarios"}</span>
                <select ref={select_ref} data-testid="preset-menu" {onchange} aria-label="Load a preset scenario">
                    <option value="" selected={current.is_empty()}>{"(edited scenario)"}</option>
                    { for all.iter().map(|p| html! {
                        <option value={p.id} selected={p.id == current}>{p.title}</option>
                    }) }
                </select>
            </label>
            if let Some(text) = explain {
                <p class="explain" data-testid="preset-explain">{text.to_string()}</p>
            }
        </header>
    }
}
