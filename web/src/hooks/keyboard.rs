//! Page-wide keyboard shortcuts: space = play/pause, → = next event, ← / Shift+→ = scrub.
//! Keys typed into form fields are left alone.

use crate::browser::{target_tag, Listener, On};
use crate::state::{Action, AppCtx};
use yew::prelude::*;

/// Installs the shortcuts on `window` for the component's lifetime.
#[hook]
pub(crate) fn use_keyboard(app: AppCtx) {
    let dispatcher = app.dispatcher();
    use_effect_with((), move |_| {
        let listener = Listener::new(On::Window, "keydown", move |e: KeyboardEvent| {
            if matches!(
                target_tag(&e).as_str(),
                "input" | "select" | "textarea" | "button" | "summary" | "canvas"
            ) {
                return;
            }
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let act = match e.key().as_str() {
                " " => Some(Action::TogglePlay),
                "ArrowRight" if e.shift_key() => Some(Action::SeekBy(100_000_000)),
                "ArrowRight" => Some(Action::Step),
                "ArrowLeft" if e.shift_key() => Some(Action::SeekBy(-100_000_000)),
                "ArrowLeft" => Some(Action::SeekBy(-10_000_000)),
                _ => None,
            };
            if let Some(a) = act {
                e.prevent_default();
                dispatcher.dispatch(a);
            }
        });
        move || drop(listener)
    });
}
