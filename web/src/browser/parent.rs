//! The parent window of a page in a frame (the host API's embed): whether there is one, its
//! messages read as JSON values with limits, and messages posted to it.

use super::{window, Listener, On};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The parent window, when the page runs in a frame (`None` at the top level).
fn parent_window() -> Option<web_sys::Window> {
    let w = window()?;
    let p = w.parent().ok().flatten()?;
    (JsValue::from(&p) != JsValue::from(&w)).then_some(p)
}

/// Whether the page runs inside a frame.
pub(crate) fn framed() -> bool {
    parent_window().is_some()
}

/// Listens for `message` events from the parent window only (`event.source === window.parent`;
/// frames of its own, other tabs and the page itself are not heard) whose `event.origin`
/// `accept` takes. The data is read as JSON (see [`message_json`]); data that cannot be reaches
/// `f` as `Err((why, head))` only when it has an `fpaxos` property (anything else is not a
/// protocol message), where `head` holds its `cmd` and `id` if they are a string or a number
/// (read alone, so that an error can name them). `None` at the top level.
pub(crate) fn listen_to_parent(
    accept: impl Fn(&str) -> bool + 'static,
    mut f: impl FnMut(Result<serde_json::Value, (String, serde_json::Value)>) + 'static,
) -> Option<Listener> {
    let parent = JsValue::from(parent_window()?);
    Some(Listener::new(
        On::Window,
        "message",
        move |e: web_sys::MessageEvent| {
            let from_parent = e.source().is_some_and(|s| JsValue::from(s) == parent);
            if !from_parent || !accept(&e.origin()) {
                return;
            }
            let data = e.data();
            match message_json(&data) {
                Ok(v) => f(Ok(v)),
                Err(why) => {
                    let tagged = data.is_object()
                        && js_sys::Reflect::has(&data, &JsValue::from_str("fpaxos"))
                            .unwrap_or(false);
                    if tagged {
                        f(Err((why, head(&data))));
                    }
                }
            }
        },
    ))
}

/// The message's `cmd` and `id` properties that are strings or numbers, as a JSON object.
fn head(data: &JsValue) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for key in ["cmd", "id"] {
        let v = js_sys::Reflect::get(data, &JsValue::from_str(key)).unwrap_or_default();
        let v = match (v.as_string(), v.as_f64()) {
            (Some(s), _) => serde_json::Value::from(s),
            (None, Some(n)) => {
                serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, Into::into)
            }
            (None, None) => continue,
        };
        out.insert(key.into(), v);
    }
    out.into()
}

/// The longest JSON text a posted message may be, in UTF-16 code units: 4 Mi. A scenario at
/// every limit of validation (10,000 faults, 10,000 schedule steps) is about a third of it.
const MAX_MESSAGE_JSON: u32 = 4 << 20;

/// A posted message as a JSON value, through `JSON.stringify` and serde_json: a message that
/// refers to itself, nests deeper than serde_json's 128 levels, holds what JSON cannot (a
/// BigInt) or is longer than [`MAX_MESSAGE_JSON`] is an error with the reason.
/// (serde-wasm-bindgen's walk of the message had no limit: a 3,000-deep or cyclic one, which
/// `postMessage` carries, overflowed the wasm stack and the embed answered nothing more; a
/// 10 MB scenario took 1.8 s to be refused.)
fn message_json(data: &JsValue) -> Result<serde_json::Value, String> {
    let text = js_sys::JSON::stringify(data).map_err(|e| match e.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => format!("{e:?}"),
    })?;
    if text.length() > MAX_MESSAGE_JSON {
        return Err(format!(
            "it is {} characters of JSON, more than the {MAX_MESSAGE_JSON} a message may hold",
            text.length()
        ));
    }
    // `undefined` (and a function) stringify to nothing.
    let text = text.as_string().unwrap_or_else(|| "null".into());
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Posts the JSON text `json` to the parent window as an object (`JSON.parse` of it), to
/// `target_origin` (`"*"` or one origin). Nothing at the top level or when the text does not
/// parse; a refused target origin is ignored.
pub(crate) fn post_to_parent(json: &str, target_origin: &str) {
    let Some(p) = parent_window() else { return };
    if let Ok(v) = js_sys::JSON::parse(json) {
        let _ = p.post_message(&v, target_origin);
    }
}
