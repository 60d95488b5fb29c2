//! The worker's side: answer every [`Job`] the page posts with [`execute`]'s [`Answer`], or run
//! an explorer search ([`explore::Message`]) to its end, posting its [`explore::News`]. The
//! worker bin (`src/bin/fpaxos-worker.rs`) calls [`serve`] and nothing else, so the worker's wasm
//! carries the engine and serde, not the page's components.

use super::explore;
use super::job::{execute, Answer, Job};
use super::pool::{Ticket, READY};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn ser() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true)
}

fn reply(data: JsValue) -> Result<JsValue, JsValue> {
    let (ticket, answer) = match serde_wasm_bindgen::from_value::<(Ticket, Job)>(data) {
        Ok((t, job)) => (t, execute(job)),
        Err(e) => (0, Answer::Failed(format!("unreadable job: {e}"))),
    };
    Ok(serde::Serialize::serialize(&(ticket, answer), &ser())?)
}

/// Listens for jobs on the worker's global scope, then tells the page it is ready.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let me = scope.clone();
    let on_msg = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        if js_sys::Array::is_array(&data) {
            let out = reply(data).unwrap_or_else(|e| e);
            me.post_message(&out).ok();
            return;
        }
        let mut post = |news: explore::News| {
            if let Ok(v) = serde::Serialize::serialize(&news, &ser()) {
                me.post_message(&v).ok();
            }
        };
        match serde_wasm_bindgen::from_value::<explore::Message>(data) {
            Ok(m) => explore::search(&m.explore, &js_sys::Date::now, &mut post),
            Err(e) => post(explore::News::Refused(vec![format!(
                "unreadable search: {e}"
            )])),
        }
    });
    scope.set_onmessage(Some(on_msg.into_js_value().unchecked_ref()));
    scope.post_message(&READY.into()).ok();
}
