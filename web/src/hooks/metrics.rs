//! Measurement hooks for `scripts/measure-web.sh`: numbers go to `window.__fpaxos_metrics` and
//! to the hidden `#fpaxos-metrics` element (readable with `chromium --dump-dom`).

use crate::state::{Action, AppCtx};
use wasm_bindgen::JsValue;
use yew::prelude::*;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Records `name = value` (ms or count) in the metrics object and element.
pub fn mark(name: &str, value: f64) {
    let Some(win) = web_sys::window() else { return };
    let key = JsValue::from_str("__fpaxos_metrics");
    let obj = js_sys::Reflect::get(&win, &key)
        .ok()
        .filter(|o| o.is_object())
        .unwrap_or_else(|| js_sys::Object::new().into());
    let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(name), &JsValue::from_f64(value));
    let _ = js_sys::Reflect::set(&win, &key, &obj);
    if let Some(el) = win
        .document()
        .and_then(|d| d.get_element_by_id("fpaxos-metrics"))
    {
        let json = js_sys::JSON::stringify(&obj)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        el.set_text_content(Some(&json));
    }
}

/// Marks first render, and with `?measure=run` / `?measure=fps` drives a measurement run.
#[hook]
pub fn use_metrics(app: AppCtx) {
    {
        let app = app.clone();
        use_effect_with((), move |_| {
            mark("first_render_ms", now());
            match crate::query_param("measure").as_deref() {
                Some("run") => {
                    mark("run_start_ms", now());
                    app.dispatch(Action::RunToEnd);
                }
                Some("fps") => {
                    let mut sc = fpaxos_sim::Scenario::default();
                    sc.cluster.nodes = 9;
                    app.dispatch(Action::SetScenario(Box::new(sc)));
                    app.dispatch(Action::SetSpeed(-2.0));
                    app.dispatch(Action::TogglePlay);
                    mark("fps_start_ms", now());
                }
                _ => {}
            }
            if let Some(ms) = crate::query_param("t").and_then(|v| v.parse::<f64>().ok()) {
                app.dispatch(Action::Seek((ms.max(0.0) * 1e6) as u64));
            }
            || ()
        });
    }
    let measuring = crate::query_param("measure");
    let done = app.run.done;
    let frames = app.run.frames;
    let wall_sim_ms = app.run.wall_sim_ms;
    let events = app.run.report.as_ref().map_or(0, |r| r.report.sim.events);
    use_effect_with((done, frames / 30), move |(done, _)| {
        match measuring.as_deref() {
            Some("run") if *done => {
                let start = get("run_start_ms");
                mark("run_to_end_ms", now() - start);
                mark("sim_wall_ms", wall_sim_ms);
                mark("sim_events", events as f64);
            }
            Some("fps") if frames > 0 => {
                let start = get("fps_start_ms");
                let secs = (now() - start) / 1e3;
                if secs > 0.0 {
                    mark("fps", frames as f64 / secs);
                    mark("fps_frames", frames as f64);
                }
            }
            _ => {}
        }
        || ()
    });
    let _ = done;
}

fn get(name: &str) -> f64 {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("__fpaxos_metrics")).ok())
        .and_then(|o| js_sys::Reflect::get(&o, &JsValue::from_str(name)).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}
