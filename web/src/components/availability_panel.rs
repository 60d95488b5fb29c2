//! Availability, measured beside the analytic prediction: crash k nodes (at random, or the
//! leader and k − 1 others) at 1 s in many seeds, for the editor's quorum system and for
//! majority, and show what the analysis promised (can elect, can replicate after k failures)
//! next to what the runs did (recovered, time to elect, time to first commit, unavailable time).
//! Every number is the engine's ([`crate::run::AvailabilityRun`], the rows of
//! `fpaxos sweep --crash K`); this component only draws them.

use crate::browser::{HtmlInputElement, HtmlSelectElement};
use crate::hooks::{runner_callback, use_focus_target, use_runner, RunnerCell};
use crate::run::availability::MAX_PAGE_SEEDS;
use crate::run::AvailabilityRun;
use fpaxos_analysis::{analyze_scenario, AnalysisOptions};
use fpaxos_sim::sweep::availability::Row;
use fpaxos_sim::sweep::PointStatus;
use fpaxos_sim::Scenario;
use std::rc::Rc;
use yew::prelude::*;

/// Props: the scenario in the editor.
#[derive(Properties, PartialEq)]
pub(crate) struct AvailabilityProps {
    /// The scenario the experiment starts from (its quorum system is compared with majority).
    pub(crate) scenario: Rc<Scenario>,
}

/// A time percentile: `never` when the seeds it falls on never got there, `—` when no seed had
/// anything to time.
fn ms(v: Option<f64>, over: Option<u32>) -> String {
    match (v, over) {
        (Some(x), _) if x >= 100.0 => format!("{x:.0} ms"),
        (Some(x), _) => format!("{x:.1} ms"),
        (None, Some(n)) if n > 0 => "never".into(),
        _ => "—".into(),
    }
}

/// What the analysis promises for `k` crashes, from the engine's fault tolerance of each
/// phase: `(can elect after any k, can replicate after any k, verdict)`.
fn prediction(s: &Scenario, k: u32, leader: bool) -> Option<(bool, bool, String)> {
    if super::analysis_panel::skip_reason(s).is_some() {
        return None;
    }
    let a = analyze_scenario(s, &AnalysisOptions::default()).ok()?;
    let elect = k as usize <= a.fault_tolerance_elect;
    let repl = k as usize <= a.fault_tolerance_replicate;
    let verdict = match (elect, repl, leader) {
        (true, _, _) => "recovers".to_string(),
        (false, true, false) => "recovers only while the leader survives".to_string(),
        (false, true, true) => "cannot elect: no recovery".to_string(),
        (false, false, _) => "no quorum guaranteed".to_string(),
    };
    Some((elect, repl, verdict))
}

/// `?availability=2` (two random crashes) or `2,leader` (the leader and one other).
fn parse_auto(s: &str) -> Option<(u32, bool)> {
    let (k, mode) = s.split_once(',').unwrap_or((s, "random"));
    let k = k.trim().parse::<u32>().ok().filter(|k| *k >= 1)?;
    match mode.trim() {
        "leader" => Some((k, true)),
        "random" | "" => Some((k, false)),
        _ => None,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// One row of the table: prediction, then measurement.
fn row_html(i: usize, row: &Row, s: Option<&Scenario>, k: u32, leader: bool) -> Html {
    let predicted = s.and_then(|s| prediction(s, k, leader));
    let (pe, pr, verdict) = match &predicted {
        Some((e, r, v)) => (yes_no(*e), yes_no(*r), v.clone()),
        None => ("?", "?", "not analysed".into()),
    };
    let ran = row.status == PointStatus::Ok;
    let recovered = match (row.recovered, row.recovered_frac) {
        (Some(r), Some(f)) => format!("{r}/{} ({:.0}%)", row.seeds, f * 100.0),
        _ => "—".into(),
    };
    let seeds = ran.then_some(row.seeds);
    let tid = |what: &str| format!("avail-{what}-{i}");
    html! {
        <tr data-testid={tid("row")} class={classes!((!ran).then_some("skipped"))}>
            <th scope="row" style="position: sticky; left: 0; background: #fff; text-align: left" data-testid={tid("quorum")}>{row.quorum.clone()}</th>
            <td data-testid={tid("predict-elect")}>{pe}</td>
            <td data-testid={tid("predict-replicate")}>{pr}</td>
            <td data-testid={tid("predict")}>{verdict}</td>
            if ran {
                <td data-testid={tid("recovered")}>{recovered}</td>
                <td data-testid={tid("elect")}>{format!("{} / {}", ms(row.elect_p50_ms, row.leader_lost), ms(row.elect_p99_ms, row.leader_lost))}</td>
                <td data-testid={tid("commit")}>{format!("{} / {}", ms(row.commit_p50_ms, seeds), ms(row.commit_p99_ms, seeds))}</td>
                <td data-testid={tid("unavailable")}>{format!("{} / {}", ms(row.unavailable_mean_ms, seeds), ms(row.unavailable_p99_ms, seeds))}</td>
                <td data-testid={tid("stalls")}>{row.stalls.unwrap_or(0).to_string()}</td>
            } else {
                <td colspan="5" data-testid={tid("error")}>{row.error.clone().unwrap_or_else(|| row.status.name().to_string())}</td>
            }
        </tr>
    }
}

fn table(r: &AvailabilityRun, k: u32, leader: bool) -> Html {
    html! { <>
        <p class="small muted" data-testid="avail-caption">{format!("{} at {}, {} seeds each. Times from the fault: p50 / p99 (unavailable: mean / p99).", r.exp.plan.label(), r.exp.fault_at, r.exp.seeds)}</p>
        <div class="table-wrap">
            <table class="sweep-table" data-testid="avail-table">
                <thead>
                    <tr><th style="position: sticky; left: 0; background: #fff"></th><th colspan="3" style="text-align: center">{"Predicted (analysis)"}</th><th colspan="5" style="text-align: center">{"Measured (simulation)"}</th></tr>
                    <tr><th style="position: sticky; left: 0; background: #fff; text-align: left">{"quorum"}</th><th>{format!("elect after any {k}")}</th><th>{format!("replicate after any {k}")}</th><th>{"prediction"}</th>
                        <th>{"recovered"}</th><th>{"time to elect"}</th><th>{"first commit"}</th><th>{"unavailable"}</th><th>{"stalls"}</th></tr>
                </thead>
                <tbody>
                    { for r.table.rows.iter().enumerate().map(|(i, row)| {
                        let s = r.table.points.get(i).and_then(|(_, p)| p.as_ref().ok());
                        row_html(i, row, s, k, leader)
                    }) }
                </tbody>
            </table>
        </div>
    </> }
}

/// The panel.
#[component]
pub(crate) fn AvailabilityPanel(p: &AvailabilityProps) -> Html {
    let run: RunnerCell<AvailabilityRun> = use_mut_ref(|| None);
    let redraw = use_force_update();
    let k = use_state(|| 2u32);
    let leader = use_state(|| false);
    let seeds = use_state(|| 20u32);
    let n = p.scenario.cluster.nodes.max(1);
    let section = use_focus_target("availability");
    // `?availability=K` (or `K,leader`) runs the experiment on load, e.g. from a shared link.
    // A value it cannot run says why where the results would be.
    let auto = use_mut_ref(|| crate::browser::query_param("availability"));
    let auto_error = use_state(|| None::<String>);
    if let Some(a) = auto.borrow_mut().take() {
        match (parse_auto(&a), p.scenario.check()) {
            (None, _) => auto_error.set(Some(format!(
                "The link's ?availability={a} did not run: give K or K,leader (K at least 1)."
            ))),
            (Some(_), Err(e)) => auto_error.set(Some(format!(
                "The link's experiment did not run: the scenario does not validate ({e})."
            ))),
            (Some((ak, al)), Ok(_)) => {
                k.set(ak.min(n));
                leader.set(al);
                *run.borrow_mut() = Some(AvailabilityRun::new(&p.scenario, ak.min(n), al, *seeds));
            }
        }
    }
    let running = run.borrow().as_ref().is_some_and(|r| r.table.running());
    use_runner(run.clone(), running);
    let on_k = {
        let k = k.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = el.value().trim().parse::<u32>() {
                k.set(v.clamp(1, n));
            }
        })
    };
    let on_mode = {
        let leader = leader.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            leader.set(el.value() == "leader");
        })
    };
    let on_seeds = {
        let seeds = seeds.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = el.value().trim().parse::<u32>() {
                seeds.set(v.clamp(1, MAX_PAGE_SEEDS));
            }
        })
    };
    let on_run = {
        let (run, redraw, s) = (run.clone(), redraw.clone(), p.scenario.clone());
        let (k, leader, seeds) = (*k, *leader, *seeds);
        let auto_error = auto_error.clone();
        Callback::from(move |_| {
            auto_error.set(None);
            *run.borrow_mut() = Some(AvailabilityRun::new(&s, k.min(n), leader, seeds));
            redraw.force_update();
        })
    };
    let on_cancel = runner_callback(&run, &redraw, |r: &mut AvailabilityRun| r.table.cancel());
    let guard = run.borrow();
    let r = guard.as_ref();
    let status = r.map_or("idle", |r| r.table.status());
    // The table describes the run as started, even if the controls moved since.
    let (shown_k, shown_leader) = r.map_or((*k, *leader), |r| match r.exp.plan {
        fpaxos_sim::sweep::availability::FaultPlan::CrashLeader { k } => (k, true),
        fpaxos_sim::sweep::availability::FaultPlan::Crash { k } => (k, false),
        fpaxos_sim::sweep::availability::FaultPlan::Pattern { .. } => (0, false),
    });
    html! {
        <div ref={section} class="avail panel" data-testid="avail-panel" data-status={status}>
            <div class="panel-head">
                <h3>{"Availability, measured"}</h3>
                <span class="status" data-testid="avail-status">{status}</span>
            </div>
            <p class="muted small">{"Crash k nodes at 1 s in many seeded runs of the scenario above, for its quorum system and for majority, and set the analysis's promise beside what the runs did. The same experiment as "}<code>{"fpaxos sweep --crash K"}</code>{"."}</p>
            <div class="sweep-controls">
                <label>{"Crash "}
                    <input type="number" min="1" max={n.to_string()} value={k.to_string()} onchange={on_k}
                        data-testid="avail-k" aria-label="Nodes to crash" style="width: 4em" /></label>
                <label>{"nodes: "}
                    <select onchange={on_mode} data-testid="avail-mode" aria-label="Which nodes crash">
                        <option value="random" selected={!*leader}>{"drawn at random"}</option>
                        <option value="leader" selected={*leader}>{"the leader and k − 1 others"}</option>
                    </select></label>
                <label>{"Seeds "}
                    <input type="number" min="1" max={MAX_PAGE_SEEDS.to_string()} value={seeds.to_string()} onchange={on_seeds}
                        data-testid="avail-seeds" aria-label="Seeds per quorum system" style="width: 5em" /></label>
                <button class="btn primary" onclick={on_run} data-testid="avail-run" disabled={status == "running"}>{"Run"}</button>
                <button class="btn" onclick={on_cancel} data-testid="avail-cancel" disabled={status != "running"}>{"Cancel"}</button>
            </div>
            if let Some(e) = &*auto_error { <p class="field-error" role="alert" data-testid="avail-error">{e.clone()}</p> }
            if let Some(r) = r {
                <div class="progress-row">
                    <progress data-testid="avail-progress" max="1" value={r.progress().to_string()} aria-label="Experiment progress"></progress>
                    <span class="small">{format!("{} of {} quorum systems", r.table.rows.len(), r.table.points.len())}</span>
                </div>
                { table(r, shown_k, shown_leader) }
                <code class="cli small" data-testid="avail-cli">{r.cli_command()}</code>
            }
        </div>
    }
}
