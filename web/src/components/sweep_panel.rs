//! The sweep panel: vary one knob over a range (the syntax of `fpaxos sweep --vary`, or the
//! friendly controls), run every point without freezing the page, and plot throughput and
//! latency against the knob. The table and CSV are the CLI's, value for value.

use super::chart::{XMark, XyChart, XySeries};
use crate::browser::{copy_text, HtmlInputElement, HtmlSelectElement};
use crate::format::variant_style;
use crate::hooks::{runner_callback, use_focus_target, use_runner, RunnerCell};
use crate::run::sweep::{cli_command, knob_help, knob_unit, x_of};
use crate::run::SweepRun;
use crate::state::{use_app, Action};
use fpaxos_sim::sweep::{Knob, PointStatus, SweepRow};
use fpaxos_sim::Scenario;
use yew::prelude::*;

fn opt_f(v: Option<f64>, d: usize) -> String {
    v.map(|x| format!("{x:.d$}")).unwrap_or_else(|| "—".into())
}

/// The sweep panel.
#[component]
pub(crate) fn SweepPanel() -> Html {
    let app = use_app();
    let run: RunnerCell<SweepRun> = use_mut_ref(|| None);
    let redraw = use_force_update();
    let error = use_state(|| None::<String>);
    let copied = use_state(|| None::<&'static str>);
    let section = use_focus_target("sweep");
    // `?sweep=run` runs the sweep the preset opened with; `?sweep=SPEC` runs SPEC.
    let auto = use_mut_ref(|| crate::query_param("sweep"));
    let text = app.sweep.clone().unwrap_or_else(|| "q2=1..5".into());
    if let Some(a) = auto.borrow_mut().take() {
        let spec = if a == "run" || a.is_empty() {
            text.clone()
        } else {
            a
        };
        // A sweep it cannot run says why, as the button would.
        if !app.errors.is_empty() {
            error.set(Some(
                "The link's sweep did not run: the scenario does not validate.".into(),
            ));
        } else {
            match SweepRun::new(&app.scenario, &spec) {
                Ok(r) => *run.borrow_mut() = Some(r),
                Err(e) => error.set(Some(format!("The link's sweep did not run: {e}"))),
            }
        }
    }

    let running = run.borrow().as_ref().is_some_and(|r| r.table.running());
    use_runner(run.clone(), running);

    let set_text = {
        let app = app.clone();
        move |t: String| app.dispatch(Action::SetSweep(Some(t)))
    };
    let on_text = {
        let set_text = set_text.clone();
        let error = error.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            error.set(None);
            set_text(el.value());
        })
    };
    let cur_knob = text
        .split_once('=')
        .and_then(|(k, _)| Knob::from_name(k))
        .unwrap_or(Knob::Q2);
    let on_knob = {
        let set_text = set_text.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            if let Some(k) = Knob::from_name(&el.value()) {
                set_text(format!("{}={}", k.name(), knob_help(k).1));
            }
        })
    };
    let on_run = {
        let run = run.clone();
        let app = app.clone();
        let error = error.clone();
        let text = text.clone();
        let redraw = redraw.clone();
        Callback::from(move |_| {
            if !app.errors.is_empty() {
                error.set(Some("Fix the scenario first: it does not validate.".into()));
                return;
            }
            match SweepRun::new(&app.scenario, &text) {
                Ok(r) => {
                    error.set(None);
                    *run.borrow_mut() = Some(r);
                    if app.sweep.is_none() {
                        app.dispatch(Action::SetSweep(Some(text.clone())));
                    }
                    redraw.force_update();
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let on_cancel = runner_callback(&run, &redraw, |r: &mut SweepRun| r.table.cancel());
    let guard = run.borrow();
    let r = guard.as_ref();
    let path = app
        .preset
        .filter(|id| *id != "default")
        .map(|id| format!("scenarios/{id}.json"))
        .unwrap_or_else(|| "scenario.json".into());
    let spec_for_cli = r.map(|r| r.text.clone()).unwrap_or_else(|| text.clone());
    let cli = cli_command(&spec_for_cli, &path);
    let status = r.map_or("idle", |r| r.table.status());
    let (lo_hi, _) = knob_help(cur_knob);
    html! {
        <section ref={section} class="panel sweep" data-testid="sweep-panel" aria-label="Sweep" data-status={status}>
            <div class="panel-head">
                <h2>{"Sweep a knob"}</h2>
                <span class="status" data-testid="sweep-status">{status}</span>
            </div>
            <p class="muted small">{"Runs the scenario in the editor once per value, with the same code as "}<code>{"fpaxos sweep"}</code>
                {": Q2 sweeps use counting quorums with Q1 = N − Q2 + 1; points whose quorums do not intersect are skipped unless the scenario allows unsafe quorums."}</p>
            <div class="sweep-controls">
                <label>{"Knob "}
                    <select onchange={on_knob} data-testid="sweep-knob" aria-label="Knob to vary">
                        { for Knob::ALL.iter().map(|k| html! {
                            <option value={k.name()} selected={*k == cur_knob}>{format!("{} — {}", k.name(), knob_help(*k).0)}</option>
                        }) }
                    </select></label>
                <label class="grow">{"Values "}
                    <input type="text" value={text.clone()} onchange={on_text} data-testid="sweep-spec" spellcheck="false"
                        aria-label="Sweep spec, as fpaxos sweep --vary" placeholder={format!("{}={}", cur_knob.name(), lo_hi)} /></label>
                <button class="btn primary" onclick={on_run} data-testid="sweep-run" disabled={status == "running"}>{"Run sweep"}</button>
                <button class="btn" onclick={on_cancel} data-testid="sweep-cancel" disabled={status != "running"}>{"Cancel"}</button>
            </div>
            <p class="muted small">{"Syntax: "}<code>{"KNOB=A..B"}</code>{", "}<code>{"A..B:STEP"}</code>{" or a list "}<code>{"a,b,c"}</code>
                {" — e.g. "}<code>{"q2=1..5"}</code>{", "}<code>{"clients=1,2,4,8"}</code>{", "}<code>{"loss=0..0.1:0.02"}</code>{", "}<code>{"cpu=0..50us:10us"}</code>{"."}</p>
            if let Some(e) = &*error { <p class="field-error" role="alert" data-testid="sweep-error">{e.clone()}</p> }
            if let Some(r) = r {
                <div class="progress-row">
                    <progress data-testid="sweep-progress" max="1" value={r.progress().to_string()}
                        aria-label="Sweep progress"></progress>
                    <span class="small">{format!("{} of {} points", r.table.rows.len(), r.table.points.len())}</span>
                </div>
                { sweep_charts(r) }
                { sweep_table(&r.table.rows) }
                { sweep_export(r, &cli, &path, &app.scenario, &copied) }
            }
        </section>
    }
}

/// Copy buttons for the CSV, the CLI command and (for an edited scenario) its JSON.
fn sweep_export(
    r: &SweepRun,
    cli: &str,
    path: &str,
    scenario: &Scenario,
    copied: &UseStateHandle<Option<&'static str>>,
) -> Html {
    let copy = |text: String, note: &'static str| {
        let copied = copied.clone();
        Callback::from(move |_| {
            copy_text(&text, Callback::noop());
            copied.set(Some(note));
        })
    };
    let on_copy_csv = copy(r.csv(), "CSV copied");
    let on_copy_cli = copy(cli.to_string(), "command copied");
    let on_copy_json = copy(scenario.to_json_pretty(), "scenario JSON copied");
    html! {
        <div class="sweep-export">
            <button class="btn small" onclick={on_copy_csv} data-testid="sweep-copy-csv" disabled={r.table.rows.is_empty()}>{"Copy CSV"}</button>
            <button class="btn small" onclick={on_copy_cli} data-testid="sweep-copy-cli">{"Copy command"}</button>
            if path == "scenario.json" {
                <button class="btn small" onclick={on_copy_json} data-testid="sweep-copy-json">{"Copy scenario.json"}</button>
            }
            <code class="cli" data-testid="sweep-cli">{cli.to_string()}</code>
            if let Some(m) = **copied { <span class="small muted">{m}</span> }
        </div>
    }
}

fn sweep_charts(r: &SweepRun) -> Html {
    let knob = r.knob();
    let numeric = r.spec.values.first().map(|v| x_of(v, 0).1).unwrap_or(true);
    let labels: Option<Vec<String>> =
        (!numeric).then(|| r.table.points.iter().map(|(l, _)| l.clone()).collect());
    let xs: Vec<f64> = r
        .spec
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| x_of(v, i).0)
        .collect();
    let pts = |f: &dyn Fn(&SweepRow) -> Option<f64>| -> Vec<(f64, f64)> {
        r.table
            .rows
            .iter()
            .zip(&xs)
            .map(|(row, x)| (*x, f(row).unwrap_or(f64::NAN)))
            .collect()
    };
    let marks: Vec<XMark> = r
        .table
        .rows
        .iter()
        .zip(&xs)
        .filter(|(row, _)| row.status != PointStatus::Ok)
        .map(|(row, x)| XMark {
            x: *x,
            label: match row.status {
                PointStatus::SkippedUnsafe => "unsafe: skipped".into(),
                _ => "invalid".into(),
            },
        })
        .collect();
    // Points that ran but reported a safety violation (unsafe quorums allowed) are marked too.
    let violations: Vec<XMark> = r
        .table
        .rows
        .iter()
        .zip(&xs)
        .filter(|(row, _)| row.safety_ok == Some(false))
        .map(|(_, x)| XMark {
            x: *x,
            label: "safety violated".into(),
        })
        .collect();
    let marks: Vec<XMark> = marks.into_iter().chain(violations).collect();
    let (c0, d0, m0) = variant_style(0);
    let (c1, d1, m1) = variant_style(1);
    let (c2, d2, m2) = variant_style(2);
    // Tick at every value when there are few (Q2 = 1, 2, 3 rather than 1.0, 1.4, ...).
    let x_ticks = (numeric && xs.len() <= 12).then(|| xs.clone());
    let unit = knob_unit(knob);
    let x_unit = if unit.is_empty() {
        knob.name().to_string()
    } else {
        format!("{} ({unit})", knob.name())
    };
    html! {
        <div class="charts" data-testid="sweep-chart">
            <XyChart title={format!("Throughput against {}", knob.name())} testid="sweep-chart-throughput" dots=true
                x_unit={x_unit.clone()} y_unit="req/s" x_labels={labels.clone()} marks={marks.clone()} x_ticks={x_ticks.clone()}
                series={vec![XySeries { name: "throughput".into(), color: c0, dash: d0, marker: m0, points: pts(&|r| r.throughput) }]} />
            <XyChart title={format!("Latency against {}", knob.name())} testid="sweep-chart-latency" dots=true
                x_unit={x_unit} y_unit="ms" x_labels={labels} marks={marks} x_ticks={x_ticks}
                series={vec![
                    XySeries { name: "p50".into(), color: c2, dash: d2, marker: m2, points: pts(&|r| r.p50_ms) },
                    XySeries { name: "p99".into(), color: c1, dash: d1, marker: m1, points: pts(&|r| r.p99_ms) },
                ]} />
        </div>
    }
}

fn sweep_table(rows: &[SweepRow]) -> Html {
    html! {
        <div class="table-wrap">
            <table class="sweep-table" data-testid="sweep-table">
                <thead><tr>
                    <th>{"value"}</th><th>{"N"}</th><th>{"quorum"}</th><th>{"Q1"}</th><th>{"Q2"}</th><th>{"safe"}</th>
                    <th>{"thrifty"}</th><th>{"status"}</th><th>{"committed"}</th><th>{"throughput (req/s)"}</th>
                    <th>{"p50 (ms)"}</th><th>{"p90 (ms)"}</th><th>{"p99 (ms)"}</th><th>{"mean (ms)"}</th>
                    <th>{"msgs/commit"}</th><th>{"leader changes"}</th><th>{"safety"}</th><th>{"trace hash"}</th>
                </tr></thead>
                <tbody>
                    { for rows.iter().enumerate().map(|(i, r)| html! {
                        <tr data-testid={format!("sweep-row-{i}")} class={classes!((r.status != PointStatus::Ok).then_some("skipped"))}
                            data-throughput={r.throughput.map(|v| v.to_string()).unwrap_or_default()}
                            data-p50={r.p50_ms.map(|v| v.to_string()).unwrap_or_default()}
                            data-trace-hash={r.trace_hash.clone().unwrap_or_default()}
                            title={r.error.clone().unwrap_or_default()}>
                            <td>{r.value.clone()}</td><td>{r.nodes}</td><td>{r.quorum.clone()}</td>
                            <td>{r.q1.map(|v| v.to_string()).unwrap_or_default()}</td>
                            <td>{r.q2.map(|v| v.to_string()).unwrap_or_default()}</td>
                            <td>{ if r.safe { "yes" } else { "NO" } }</td>
                            <td>{ if r.thrifty { "yes" } else { "no" } }</td>
                            <td>{r.status.name()}</td>
                            <td>{r.committed.map(|v| v.to_string()).unwrap_or_else(|| "—".into())}</td>
                            <td class="num">{opt_f(r.throughput, 1)}</td>
                            <td class="num">{opt_f(r.p50_ms, 3)}</td>
                            <td class="num">{opt_f(r.p90_ms, 3)}</td>
                            <td class="num">{opt_f(r.p99_ms, 3)}</td>
                            <td class="num">{opt_f(r.mean_ms, 3)}</td>
                            <td class="num">{opt_f(r.msgs_per_commit, 3)}</td>
                            <td>{r.leader_changes.map(|v| v.to_string()).unwrap_or_default()}</td>
                            <td>{ match r.safety_ok { Some(true) => "ok", Some(false) => "VIOLATED", None => "—" } }</td>
                            <td><code>{r.trace_hash.clone().unwrap_or_default()}</code></td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
