//! The banner shown when the link the page was opened with (or one pasted into the address bar)
//! cannot be opened.

use crate::state::{use_app, Action};
use yew::prelude::*;

/// Props of [`LinkErrorBanner`].
#[derive(Properties, PartialEq)]
pub(crate) struct LinkErrorProps {
    /// The message (none: nothing is shown).
    pub(crate) error: UseStateHandle<Option<String>>,
}

/// The reason, "Reset to default" and "Dismiss".
#[component]
pub(crate) fn LinkErrorBanner(p: &LinkErrorProps) -> Html {
    let app = use_app();
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
