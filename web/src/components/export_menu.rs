//! The Export menu (figures, results, scenario, command line) and scenario import (file picker
//! and drag-and-drop onto the page).

use crate::export::{self, CHARTS};
use crate::share;
use crate::state::{use_app, Action, AppCtx};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;

fn read_file(file: web_sys::File, app: AppCtx, error: UseStateHandle<Option<Vec<String>>>) {
    let name = file.name();
    if file.size() > fpaxos_share::MAX_DECODED_BYTES as f64 {
        error.set(Some(vec![format!(
            "{name} is larger than {} KB; a scenario file is much smaller.",
            fpaxos_share::MAX_DECODED_BYTES / 1024
        )]));
        return;
    }
    let promise = file.text();
    let ok = {
        let error = error.clone();
        let name = name.clone();
        Closure::once(move |t: JsValue| {
            let text = t.as_string().unwrap_or_default();
            match export::import_scenario(&text) {
                Ok(s) => {
                    error.set(None);
                    app.dispatch(Action::SetScenario(Box::new(s)));
                }
                Err(lines) => error.set(Some(
                    std::iter::once(format!(
                        "{name} was not imported; your scenario is unchanged:"
                    ))
                    .chain(lines)
                    .collect(),
                )),
            }
        })
    };
    let fail = Closure::once(move |_: JsValue| {
        error.set(Some(vec![format!("{name} could not be read.")]));
    });
    let _ = promise.then2(&ok, &fail);
    ok.forget();
    fail.forget();
}

/// Export menu, import button, drag-and-drop import and the import error banner.
#[component]
pub fn ExportMenu() -> Html {
    let app = use_app();
    let error = use_state(|| None::<Vec<String>>);
    let show_cmd = use_state(|| false);
    let dragging = use_state(|| false);
    // Drag-and-drop anywhere on the page.
    {
        let app = app.clone();
        let error = error.clone();
        let dragging = dragging.clone();
        use_effect_with((), move |_| {
            let over = {
                let dragging = dragging.clone();
                Closure::<dyn Fn(DragEvent)>::new(move |e: DragEvent| {
                    let files = e
                        .data_transfer()
                        .map(|d| d.types().includes(&JsValue::from_str("Files"), 0))
                        .unwrap_or(false);
                    if files {
                        e.prevent_default();
                        dragging.set(true);
                    }
                })
            };
            let leave = {
                let dragging = dragging.clone();
                Closure::<dyn Fn(DragEvent)>::new(move |e: DragEvent| {
                    if e.related_target().is_none() {
                        dragging.set(false);
                    }
                })
            };
            let drop_cb = Closure::<dyn Fn(DragEvent)>::new(move |e: DragEvent| {
                dragging.set(false);
                let file = e
                    .data_transfer()
                    .and_then(|d| d.files())
                    .and_then(|f| f.get(0));
                if let Some(f) = file {
                    e.prevent_default();
                    read_file(f, app.clone(), error.clone());
                }
            });
            let doc = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &doc {
                let _ =
                    d.add_event_listener_with_callback("dragover", over.as_ref().unchecked_ref());
                let _ =
                    d.add_event_listener_with_callback("dragleave", leave.as_ref().unchecked_ref());
                let _ =
                    d.add_event_listener_with_callback("drop", drop_cb.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = doc {
                    let _ = d.remove_event_listener_with_callback(
                        "dragover",
                        over.as_ref().unchecked_ref(),
                    );
                    let _ = d.remove_event_listener_with_callback(
                        "dragleave",
                        leave.as_ref().unchecked_ref(),
                    );
                    let _ = d.remove_event_listener_with_callback(
                        "drop",
                        drop_cb.as_ref().unchecked_ref(),
                    );
                }
                drop((over, leave, drop_cb));
            }
        });
    }
    let report = app.report.clone().map(|r| r.report);
    let scenario = app.scenario.clone();
    let stem = export::file_stem(&scenario);
    let cap = export::caption(&scenario, report.as_deref());
    let done = app.done;
    let on_csv = {
        let report = report.clone();
        let stem = stem.clone();
        Callback::from(move |_| {
            if let Some(r) = &report {
                export::download_text(
                    &format!("{stem}-results.csv"),
                    "text/csv",
                    &export::report_csv(r),
                );
            }
        })
    };
    let on_json = {
        let report = report.clone();
        let stem = stem.clone();
        Callback::from(move |_| {
            if let Some(r) = &report {
                export::download_text(
                    &format!("{stem}-report.json"),
                    "application/json",
                    &export::report_json(r),
                );
            }
        })
    };
    let on_scenario = {
        let scenario = scenario.clone();
        let stem = stem.clone();
        Callback::from(move |_| {
            export::download_text(
                &format!("{stem}.json"),
                "application/json",
                &(scenario.to_json_pretty() + "\n"),
            );
        })
    };
    let cmd = export::command_line(&fpaxos_share::share_url(
        &share::base_url(),
        &scenario,
        &fpaxos_share::ViewState::default(),
    ));
    let on_cmd = {
        let show = show_cmd.clone();
        let cmd = cmd.clone();
        Callback::from(move |_| {
            export::record("command.txt", &cmd);
            show.set(!*show);
        })
    };
    let figure = |short: &'static str, testid: &'static str, title: &'static str| {
        let svg_cb = {
            let (cap, stem) = (cap.clone(), stem.clone());
            Callback::from(move |_| {
                if let Some(svg) = export::chart_svg(testid, title, &cap) {
                    export::download_text(&format!("{stem}-{short}.svg"), "image/svg+xml", &svg);
                }
            })
        };
        let png_cb = {
            let (cap, stem) = (cap.clone(), stem.clone());
            Callback::from(move |_| {
                if let Some(svg) = export::chart_svg(testid, title, &cap) {
                    export::download_svg_as_png(&format!("{stem}-{short}.png"), &svg);
                }
            })
        };
        html! {
            <li class="export-fig">
                <span>{title}</span>
                <button type="button" onclick={svg_cb} data-testid={format!("export-svg-{short}")}>{"SVG"}</button>
                <button type="button" onclick={png_cb} data-testid={format!("export-png-{short}")}>{"PNG"}</button>
            </li>
        }
    };
    let st_svg = {
        let (cap, stem, sim) = (cap.clone(), stem.clone(), app.sim.clone());
        Callback::from(move |_| {
            let svg = sim
                .0
                .borrow()
                .as_ref()
                .and_then(|s| export::spacetime_svg(s, &cap));
            if let Some(svg) = svg {
                export::download_text(&format!("{stem}-spacetime.svg"), "image/svg+xml", &svg);
            }
        })
    };
    let st_png = {
        let (cap, stem, sim) = (cap.clone(), stem.clone(), app.sim.clone());
        Callback::from(move |_| {
            let svg = sim
                .0
                .borrow()
                .as_ref()
                .and_then(|s| export::spacetime_svg(s, &cap));
            if let Some(svg) = svg {
                export::download_svg_as_png(&format!("{stem}-spacetime.png"), &svg);
            }
        })
    };
    let on_pick = {
        let app = app.clone();
        let error = error.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                read_file(f, app.clone(), error.clone());
            }
            input.set_value("");
        })
    };
    let dismiss = {
        let error = error.clone();
        Callback::from(move |_| error.set(None))
    };
    let select_all = Callback::from(|e: FocusEvent| {
        let i: HtmlInputElement = e.target_unchecked_into();
        i.select();
    });
    let no_report = report.is_none();
    html! {
        <>
        <details class="export-menu" data-testid="export-menu">
            <summary>{"Export ▾"}</summary>
            <div class="export-pop">
                <p class="export-hint">
                    { if done { "Results of the whole run." } else { "Results so far (run to end for the final numbers)." } }
                </p>
                <ul>
                    <li><button type="button" onclick={on_csv} disabled={no_report} data-testid="export-csv">{"Results CSV"}</button>
                        <button type="button" onclick={on_json} disabled={no_report} data-testid="export-json"
                            title="The same JSON as `fpaxos run --json`">{"Results JSON"}</button></li>
                    <li><button type="button" onclick={on_scenario} data-testid="export-scenario">{"Scenario JSON"}</button>
                        <button type="button" onclick={on_cmd} data-testid="export-command">{"Command line"}</button></li>
                    if *show_cmd {
                        <li><input type="text" readonly=true class="export-cmd" value={cmd.clone()} onfocus={select_all}
                            data-testid="command-line" aria-label="Command line that reproduces this run" /></li>
                    }
                    { for CHARTS.iter().map(|(s, t, title)| figure(s, t, title)) }
                    <li class="export-fig">
                        <span>{"Space-time (visible window)"}</span>
                        <button type="button" onclick={st_svg} data-testid="export-svg-spacetime">{"SVG"}</button>
                        <button type="button" onclick={st_png} data-testid="export-png-spacetime">{"PNG"}</button>
                    </li>
                </ul>
            </div>
        </details>
        <label class="import-button" title="Open a scenario JSON file (or drop one onto the page)">
            <span>{"Import…"}</span>
            <input type="file" accept=".json,application/json" onchange={on_pick} data-testid="import-scenario" />
        </label>
        if *dragging {
            <div class="drop-hint" aria-hidden="true">{"Drop a scenario JSON file to open it"}</div>
        }
        if let Some(lines) = (*error).clone() {
            <div class="link-error import-error" role="alert" data-testid="import-error">
                <ul>{ for lines.into_iter().map(|l| html! { <li>{l}</li> }) }</ul>
                <button type="button" onclick={dismiss}>{"Dismiss"}</button>
            </div>
        }
        </>
    }
}
