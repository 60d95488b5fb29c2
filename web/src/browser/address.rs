//! The query string as a history entry: the tour keeps `?tour=N` in the address bar.

use super::window;
use wasm_bindgen::JsValue;

/// The query string (with its `?`), or empty.
pub(crate) fn location_search() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Points the address bar at `search` (with its `?`; the fragment is kept) as a new history
/// entry, so the back button returns to the current one. Failures are ignored.
pub(crate) fn push_search(search: &str) {
    let Some(w) = window() else { return };
    let hash = w.location().hash().unwrap_or_default();
    if let Ok(h) = w.history() {
        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&format!("{search}{hash}")));
    }
}
