//! The worker's side: answer every [`Job`] the page posts with [`execute`]'s [`Answer`], run
//! an explorer search ([`explore::Message`]) to its end, posting its [`explore::News`], or
//! host a main run ([`RunHost`]: `{run: RunCmd}` in, `{run: RunNews}` out). The worker bin
//! (`src/bin/fpaxos-worker.rs`) calls [`serve`] and nothing else, so the worker's wasm carries
//! the engine and serde, not the page's components.

use super::explore;
use super::host::{RunCmd, RunHost, RunNews, SLICE_MS};
use super::job::{execute, Answer, Job};
use super::link::RunMsg;
use super::pool::{Ticket, READY};
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    /// This worker's main run, if the page gave it one.
    static HOST: RefCell<Option<RunHost>> = const { RefCell::new(None) };
    /// A slice loop is scheduled (at most one).
    static LOOPING: Cell<bool> = const { Cell::new(false) };
}

/// The worker's clock in ms (`performance.now()`, finer than `Date.now()`).
fn clock() -> f64 {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}

fn post_news(scope: &DedicatedWorkerGlobalScope, news: &RunNews) {
    match serde::Serialize::serialize(&RunMsg { run: news }, &ser()) {
        Ok(v) => scope.post_message(&v).ok(),
        Err(e) => scope
            .post_message(&format!("unsendable news: {e}").into())
            .ok(),
    };
}

/// Carries out a main-run command, answers it, and keeps heading to its target in slices
/// (new commands are read between them).
fn run_command(scope: &DedicatedWorkerGlobalScope, cmd: RunCmd) {
    let news = HOST.with(|h| {
        h.borrow_mut()
            .get_or_insert_with(RunHost::default)
            .handle(cmd, &clock)
    });
    post_news(scope, &news);
    slice_loop(scope.clone());
}

fn slice_loop(scope: DedicatedWorkerGlobalScope) {
    let busy = HOST.with(|h| h.borrow().as_ref().is_some_and(RunHost::working));
    if !busy || LOOPING.with(|l| l.replace(true)) {
        return;
    }
    Timeout::new(0, move || {
        LOOPING.with(|l| l.set(false));
        HOST.with(|h| {
            if let Some(host) = h.borrow_mut().as_mut() {
                host.tick(SLICE_MS, &clock, &mut |n| post_news(&scope, &n));
            }
        });
        slice_loop(scope);
    })
    .forget();
}

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
        if js_sys::Reflect::has(&data, &"run".into()).unwrap_or(false) {
            match serde_wasm_bindgen::from_value::<RunMsg<RunCmd>>(data) {
                Ok(m) => run_command(&me, m.run),
                Err(e) => {
                    me.post_message(&format!("unreadable run command: {e}").into())
                        .ok();
                }
            }
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
