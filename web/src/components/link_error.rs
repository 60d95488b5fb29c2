//! The banner shown when the link the page was opened with (or one pasted into the address bar)
//! cannot be opened.

use crate::state::{Action, AppCtx};
use yew::prelude::*;

/// The reason, "Reset to default" and "Dismiss"; nothing while `error` holds no message.
pub(crate) fn link_error_banner(app: &AppCtx, error: &UseStateHandle<Option<String>>) -> Html {
    let Some(msg) = (**error).clone() else {
        return html! {};
    };
    let dismiss = {
        let e = error.clone();
        Callback::from(move |_| e.set(None))
    };
    let reset = {
        let app = app.clone();
        let e = error.clone();
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
