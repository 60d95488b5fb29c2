//! The Export menu (figures, results, scenario, command line) and scenario import (file picker
//! and drag-and-drop onto the page).

use super::animation::AnimationExport;
use super::spacetime::window_svg;
use crate::browser::{
    download_svg_as_png, download_text, read_text, record_export, File, HtmlInputElement, Listener,
    On,
};
use crate::export::{self, CHARTS};
use crate::share;
use crate::state::{use_app, Action, AppCtx};
use crate::svg::figure_svg;
use wasm_bindgen::JsValue;
use yew::prelude::*;

type ImportError = UseStateHandle<Option<Vec<String>>>;

/// Reads a picked or dropped scenario file and loads it, or explains why not.
fn read_file(file: File, app: AppCtx, error: ImportError) {
    let name = file.name();
    if file.size() > fpaxos_share::MAX_DECODED_BYTES as f64 {
        error.set(Some(vec![format!(
            "{name} is larger than {} KB; a scenario file is much smaller.",
            fpaxos_share::MAX_DECODED_BYTES / 1024
        )]));
        return;
    }
    let ok = {
        let error = error.clone();
        let name = name.clone();
        move |text: String| match export::import_scenario(&text) {
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
    };
    let fail = move || error.set(Some(vec![format!("{name} could not be read.")]));
    read_text(&file, ok, fail);
}

/// Drag-and-drop of a scenario file anywhere on the page. Returns whether a file is being
/// dragged over the page.
#[hook]
fn use_file_drop(app: AppCtx, error: ImportError) -> bool {
    let dragging = use_state(|| false);
    {
        let dragging = dragging.clone();
        use_effect_with((), move |_| {
            let over = {
                let dragging = dragging.clone();
                Listener::new(On::Document, "dragover", move |e: DragEvent| {
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
                Listener::new(On::Document, "dragleave", move |e: DragEvent| {
                    if e.related_target().is_none() {
                        dragging.set(false);
                    }
                })
            };
            let drop_file = Listener::new(On::Document, "drop", move |e: DragEvent| {
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
            move || drop((over, leave, drop_file))
        });
    }
    *dragging
}

/// An SVG and a PNG button for one figure; `svg()` builds the figure when clicked.
fn figure_row(
    short: &'static str,
    title: &'static str,
    stem: &str,
    svg: impl Fn() -> Option<String> + Clone + 'static,
) -> Html {
    let svg_cb = {
        let (stem, svg) = (stem.to_string(), svg.clone());
        Callback::from(move |_| {
            if let Some(s) = svg() {
                download_text(&format!("{stem}-{short}.svg"), "image/svg+xml", &s);
            }
        })
    };
    let png_cb = {
        let stem = stem.to_string();
        Callback::from(move |_| {
            if let Some(s) = svg() {
                download_svg_as_png(&format!("{stem}-{short}.png"), &s);
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
}

/// A menu button that downloads a text file, built when clicked (`None`: nothing to export).
fn download_button(
    (label, testid, title): (&'static str, &'static str, Option<&'static str>),
    file: (String, &'static str),
    disabled: bool,
    text: impl Fn() -> Option<String> + 'static,
) -> Html {
    let onclick = Callback::from(move |_| {
        if let Some(t) = text() {
            download_text(&file.0, file.1, &t);
        }
    });
    html! {
        <button type="button" {onclick} {disabled} data-testid={testid} title={title}>{label}</button>
    }
}

/// The items of the Export menu.
fn export_items(app: &AppCtx, show_cmd: &UseStateHandle<bool>) -> Html {
    let report = app.run.report.clone().map(|r| r.report);
    let scenario = app.scenario.clone();
    let stem = export::file_stem(&scenario);
    let no_report = report.is_none();
    let cap = export::caption(&scenario, report.as_deref());
    // The command line holds a link (a deflate of the whole scenario): made only when shown or
    // asked for, since this menu redraws with every frame of a playing run.
    let command = |s: &fpaxos_sim::Scenario| {
        export::command_line(&fpaxos_share::share_url(
            &share::base_url(),
            s,
            &fpaxos_share::ViewState::default(),
        ))
    };
    let cmd = (**show_cmd).then(|| command(&scenario));
    let on_cmd = {
        let show = show_cmd.clone();
        let scenario = scenario.clone();
        Callback::from(move |_| {
            record_export("command.txt", &command(&scenario));
            show.set(!*show);
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        let i: HtmlInputElement = e.target_unchecked_into();
        i.select();
    });
    let charts = CHARTS.iter().map(|(short, testid, title)| {
        let cap = cap.clone();
        figure_row(short, title, &stem, move || {
            export::chart_svg(testid, title, &cap)
        })
    });
    let spacetime = {
        let (app, cap) = (app.clone(), cap.clone());
        figure_row(
            "spacetime",
            "Space-time (visible window)",
            &stem,
            move || {
                let (inner, w, h) = window_svg(&app)?;
                let title = "Space-time diagram (visible window)";
                Some(figure_svg(&inner, w, h, title, "", &cap))
            },
        )
    };
    html! {
        <ul>
            <li>{download_button(("Results CSV", "export-csv", None), (format!("{stem}-results.csv"), "text/csv"),
                    no_report, { let r = report.clone(); move || r.as_deref().map(export::report_csv) })}
                {download_button(("Results JSON", "export-json", Some("The same JSON as `fpaxos run --json`")),
                    (format!("{stem}-report.json"), "application/json"),
                    no_report, { let r = report.clone(); move || r.as_deref().map(export::report_json) })}</li>
            <li>{download_button(("Scenario JSON", "export-scenario", None), (format!("{stem}.json"), "application/json"),
                    false, { let s = scenario.clone(); move || Some(s.to_json_pretty() + "\n") })}
                <button type="button" onclick={on_cmd} data-testid="export-command">{"Command line"}</button></li>
            if let Some(cmd) = cmd {
                <li><input type="text" readonly=true class="export-cmd" value={cmd} onfocus={select_all}
                    data-testid="command-line" aria-label="Command line that reproduces this run" /></li>
            }
            { for charts }
            { spacetime }
            { figure_row("ballots", "Ballot board (shown slot)", &stem, { let (app, cap) = (app.clone(), cap.clone()); move || super::ballot_board::board_figure(&app, &cap) }) }
        </ul>
    }
}

/// Export menu, import button, drag-and-drop import and the import error banner.
#[component]
pub(crate) fn ExportMenu() -> Html {
    let app = use_app();
    let error = use_state(|| None::<Vec<String>>);
    let show_cmd = use_state(|| false);
    // The menu's items are made once it is first opened, not at load (a closed menu drew them
    // with every frame, and the first drawing of the page is a task that must stay short); they
    // stay made, so closing the menu does not stop a recording.
    let opened = use_state(|| false);
    let on_toggle = {
        let opened = opened.clone();
        Callback::from(move |e: Event| {
            let d: web_sys::Element = e.target_unchecked_into();
            if d.has_attribute("open") && !*opened {
                opened.set(true);
            }
        })
    };
    let dragging = use_file_drop(app.clone(), error.clone());
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
    html! {
        <>
        <details class="export-menu" data-testid="export-menu" ontoggle={on_toggle}>
            <summary>{"Export ▾"}</summary>
            if *opened {
                <div class="export-pop">
                    <p class="export-hint">
                        { if app.run.done { "Results of the whole run." } else { "Results so far (run to end for the final numbers)." } }
                    </p>
                    { export_items(&app, &show_cmd) }
                    <AnimationExport />
                </div>
            }
        </details>
        <label class="import-button" title="Open a scenario JSON file (or drop one onto the page)">
            <span>{"Import…"}</span>
            <input type="file" accept=".json,application/json" onchange={on_pick} data-testid="import-scenario" />
        </label>
        if dragging {
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
