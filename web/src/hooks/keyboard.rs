//! Page-wide keyboard shortcuts: space = play/pause, → = next event, ← / Shift+→ = scrub.
//! Keys typed into form fields are left alone.

use crate::state::{Action, AppCtx};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Installs the shortcuts on `window` for the component's lifetime.
#[hook]
pub fn use_keyboard(app: AppCtx) {
    let dispatcher = app.dispatcher();
    use_effect_with((), move |_| {
        let cb =
            Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let tag = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| el.tag_name().to_ascii_lowercase())
                    .unwrap_or_default();
                if matches!(
                    tag.as_str(),
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
        let win = web_sys::window();
        if let Some(w) = &win {
            let _ = w.add_event_listener_with_callback("keydown", cb.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = win {
                let _ =
                    w.remove_event_listener_with_callback("keydown", cb.as_ref().unchecked_ref());
            }
            drop(cb);
        }
    });
}
