//! Measurement hooks for `scripts/measure-web.sh`: numbers go to `window.__fpaxos_metrics` and
//! to the hidden `#fpaxos-metrics` element (readable with `chromium --dump-dom`).

use crate::browser;
use crate::state::{Action, AppCtx};
use yew::prelude::*;

/// Marks the first render and the moment every part of the page has mounted (`mounted`,
/// see `use_parts_after_paint`); from then on, with `?measure=run` / `?measure=fps`, drives a
/// measurement run (it starts where a user could first click with the whole page drawn).
/// `?measure=click` starts nothing: it records the simulating part of the run a script starts.
#[hook]
pub fn use_metrics(app: AppCtx, mounted: bool) {
    {
        let app = app.clone();
        use_effect_with((), move |_| {
            browser::record_metric("first_render_ms", browser::now_ms());
            if let Some(ms) = crate::query_param("t").and_then(|v| v.parse::<f64>().ok()) {
                app.dispatch(Action::Seek((ms.max(0.0) * 1e6) as u64));
            }
            || ()
        });
    }
    {
        let app = app.clone();
        use_effect_with(mounted, move |&mounted| {
            if mounted {
                browser::record_metric("mounted_ms", browser::now_ms());
                match crate::query_param("measure").as_deref() {
                    Some("run") => {
                        browser::record_metric("run_start_ms", browser::now_ms());
                        app.dispatch(Action::RunToEnd);
                    }
                    Some("fps") => {
                        let mut sc = fpaxos_sim::Scenario::default();
                        sc.cluster.nodes = 9;
                        app.dispatch(Action::SetScenario(Box::new(sc)));
                        app.dispatch(Action::SetSpeed(-2.0));
                        app.dispatch(Action::TogglePlay);
                        browser::record_metric("fps_start_ms", browser::now_ms());
                    }
                    _ => {}
                }
            }
            || ()
        });
    }
    let measuring = crate::query_param("measure");
    let done = app.run.done;
    let frames = app.run.frames;
    let wall_sim_ms = app.run.wall_sim_ms;
    let costs = app.run.news_costs;
    let events = app.run.report.as_ref().map_or(0, |r| r.report.sim.events);
    use_effect_with((done, frames / 30), move |(done, _)| {
        match measuring.as_deref() {
            // `?measure=click`: the run the user starts (the script clicks and times it).
            Some("run" | "click") if *done => {
                let start = browser::recorded_metric("run_start_ms");
                if start > 0.0 {
                    browser::record_metric("run_to_end_ms", browser::now_ms() - start);
                }
                browser::record_metric("sim_wall_ms", wall_sim_ms);
                browser::record_metric("sim_events", events as f64);
                browser::record_metric("news_built_ms", costs.built);
                browser::record_metric("news_read_ms", costs.read);
                browser::record_metric("news_applied_ms", costs.applied);
            }
            Some("fps") if frames > 0 => {
                let start = browser::recorded_metric("fps_start_ms");
                let secs = (browser::now_ms() - start) / 1e3;
                if secs > 0.0 {
                    browser::record_metric("fps", frames as f64 / secs);
                    browser::record_metric("fps_frames", frames as f64);
                }
            }
            _ => {}
        }
        || ()
    });
    let _ = done;
}
