//! Play/pause, step, speed (log scale), scrubber, run to end, restart and the run status.

use crate::browser::HtmlInputElement;
use crate::format;
use crate::state::{Action, AppCtx, SPEED_MAX, SPEED_MIN};
use yew::prelude::*;

fn speed_label(log: f64) -> String {
    let x = 10f64.powf(log);
    if x >= 1.0 {
        format!("{x:.1}× real time")
    } else {
        format!("1/{:.0} real time", 1.0 / x)
    }
}

/// The time controls bar (a plain view of the app's state, drawn by the page).
pub(crate) fn time_controls(app: &AppCtx) -> Html {
    let d = |a: fn() -> Action| {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(a()))
    };
    let on_speed = {
        let app = app.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = el.value().parse::<f64>() {
                if v > SPEED_MAX {
                    app.dispatch(Action::SetMaxSpeed(true));
                } else {
                    app.dispatch(Action::SetMaxSpeed(false));
                    app.dispatch(Action::SetSpeed(v));
                }
            }
        })
    };
    let on_scrub = {
        let app = app.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if let Ok(ms) = el.value().parse::<f64>() {
                app.dispatch(Action::Seek((ms.max(0.0) * 1e6) as u64));
            }
        })
    };
    let status = app.status().as_str();
    let speed_val = if app.run.max_speed {
        SPEED_MAX + 0.5
    } else {
        app.run.speed
    };
    let end_ms = app.run.end as f64 / 1e6;
    let now_ms = app.run.now as f64 / 1e6;
    let disabled = !app.errors.is_empty();
    html! {
        <section class="panel controls" aria-label="Time controls">
            <div class="buttons">
                <button type="button" class="primary" data-testid="play-pause" onclick={d(|| Action::TogglePlay)} {disabled}
                    aria-label={if app.run.playing { "Pause" } else { "Play" }} title="Space">
                    { if app.run.playing { "❚❚ Pause" } else if app.run.done { "↻ Replay" } else { "▶ Play" } }
                </button>
                <button type="button" onclick={d(|| Action::Step)} {disabled} data-testid="step" title="→ (right arrow)">{"Step →"}</button>
                <button type="button" onclick={d(|| Action::RunToEnd)} disabled={disabled || app.run.done} data-testid="run-to-end">{"Run to end »"}</button>
                <button type="button" onclick={d(|| Action::Restart)} {disabled} data-testid="restart">{"↺ Restart"}</button>
                <span class="status" aria-live="polite">
                    <span class="label">{"Status: "}</span><span data-testid="run-status" class={classes!("run-status", status)}>{status}</span>
                </span>
            </div>
            <div class="sliders">
                <label class="field speed">
                    <span>{"Speed: "}<output data-testid="speed-label">{ if app.run.max_speed { "as fast as possible".to_string() } else { speed_label(app.run.speed) } }</output></span>
                    <input type="range" min={SPEED_MIN.to_string()} max={(SPEED_MAX + 0.5).to_string()} step="0.1"
                        value={speed_val.to_string()} oninput={on_speed} data-testid="speed" aria-label="Speed (log scale)" />
                </label>
                <label class="field scrub">
                    <span>{"Time: "}<output data-testid="sim-time">{format!("{} / {}", format::time_fixed(app.run.now), format::time(app.run.end))}</output></span>
                    <input type="range" min="0" max={end_ms.to_string()} step="any" value={now_ms.to_string()}
                        oninput={on_scrub} {disabled} data-testid="scrubber" aria-label="Simulated time (ms)" />
                </label>
            </div>
            if let Some(p) = app.progress() {
                <div class="progress" data-testid="progress">
                    <progress max="1" value={p.to_string()} aria-label="Progress"></progress>
                    <span>{format!("{:.0}% — simulating in slices", p * 100.0)}</span>
                    <button type="button" onclick={d(|| Action::Pause)}>{"Stop"}</button>
                </div>
            }
        </section>
    }
}
