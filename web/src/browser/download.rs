//! Downloads: text and PNG files offered from `Blob`s (no request leaves the page), and the
//! hidden record of the last export that end-to-end tests read.

use super::document;
use super::recorder::load_svg;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlTextAreaElement};

/// Id of the hidden element holding the last export's text.
const LAST_EXPORT_ID: &str = "fpaxos-last-export";

/// Keeps the text of the last export in a hidden `<textarea data-testid="last-export">` (its
/// `data-name` is the file name), for end-to-end tests and for copying by hand.
pub(crate) fn record_export(name: &str, text: &str) {
    let Some(doc) = document() else { return };
    let el = match doc.get_element_by_id(LAST_EXPORT_ID) {
        Some(e) => e,
        None => {
            let Ok(e) = doc.create_element("textarea") else {
                return;
            };
            e.set_id(LAST_EXPORT_ID);
            let _ = e.set_attribute("data-testid", "last-export");
            let _ = e.set_attribute("hidden", "");
            let _ = e.set_attribute("aria-hidden", "true");
            let _ = e.set_attribute("readonly", "");
            if let Some(b) = doc.body() {
                let _ = b.append_child(&e);
            }
            e
        }
    };
    let _ = el.set_attribute("data-name", name);
    if let Ok(t) = el.dyn_into::<HtmlTextAreaElement>() {
        t.set_value(text);
    }
}

/// Offers `blob` as a download named `name` (a `Blob`, an object URL and an `<a download>`;
/// no request leaves the page).
pub(super) fn download_blob(name: &str, blob: &web_sys::Blob) {
    let Some(doc) = document() else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(name);
            let _ = a.set_attribute("hidden", "");
            if let Some(b) = doc.body() {
                let _ = b.append_child(&a);
                a.click();
                let _ = b.remove_child(&a);
            }
        }
    }
    // Revoke after the browser has started the download.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

pub(super) fn text_blob(text: &str, mime: &str) -> Option<web_sys::Blob> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).ok()
}

/// Downloads `text` as a file (and records it as the last export).
pub(crate) fn download_text(name: &str, mime: &str, text: &str) {
    record_export(name, text);
    if let Some(b) = text_blob(text, mime) {
        download_blob(name, &b);
    }
}

/// Renders an SVG document into a PNG (twice the size, for sharpness) and downloads it.
pub(crate) fn download_svg_as_png(name: &str, svg: &str) {
    let name = name.to_string();
    load_svg(svg, move |frame| {
        let Some(img) = frame.map(|f| f.0) else {
            return;
        };
        let (w, h) = (img.natural_width().max(1), img.natural_height().max(1));
        let Some(canvas) = document()
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width(w * 2);
        canvas.set_height(h * 2);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let _ = ctx.scale(2.0, 2.0);
        let _ = ctx.draw_image_with_html_image_element(&img, 0.0, 0.0);
        let cb = Closure::once(move |b: JsValue| {
            if let Ok(b) = b.dyn_into::<web_sys::Blob>() {
                record_export(&name, "(png)");
                download_blob(&name, &b);
            }
        });
        let _ = canvas.to_blob(cb.as_ref().unchecked_ref());
        cb.forget();
    });
}
