//! "Find a violation", for clusters of any size: swarm seeds on the editor's cluster in the
//! worker pool, the lowest seed that broke safety (or else the lowest stall) shrunk in a
//! worker, and a button that loads the shrunk scenario into the page. What runs and what it
//! finds are the engine's ([`crate::run::hunt::HuntRun`], the same seeds as `fpaxos check`);
//! this component draws them.

use crate::browser::HtmlInputElement;
use crate::hooks::{use_runner, RunnerCell};
use crate::run::hunt::{HuntRun, Phase, MAX_HUNT_SEEDS};
use crate::state::{use_app, Action};
use fpaxos_sim::Scenario;
use yew::prelude::*;

/// The hunt's controls and result.
#[component]
pub(crate) fn HuntPanel() -> Html {
    let app = use_app();
    let run: RunnerCell<HuntRun> = use_mut_ref(|| None);
    let cancelled = use_state(|| false);
    let redraw = use_force_update();
    let seeds = use_state(|| 200u64);
    let lossy = use_state(|| true);
    let running = run.borrow().as_ref().is_some_and(|r| r.running());
    use_runner(run.clone(), running);
    let on_seeds = {
        let seeds = seeds.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = el.value().trim().parse::<u64>() {
                seeds.set(v.clamp(1, MAX_HUNT_SEEDS));
            }
        })
    };
    let on_lossy = {
        let lossy = lossy.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            lossy.set(el.checked());
        })
    };
    let on_start = {
        let (run, redraw, cancelled) = (run.clone(), redraw.clone(), cancelled.clone());
        let (s, n, l) = (app.scenario.clone(), *seeds, *lossy);
        Callback::from(move |_| {
            *run.borrow_mut() = Some(HuntRun::new(&s, n, l));
            cancelled.set(false);
            redraw.force_update();
        })
    };
    let on_cancel = {
        let (run, cancelled) = (run.clone(), cancelled.clone());
        Callback::from(move |_| {
            // Dropping the run drops its batch: queued seeds are forgotten, workers stopped.
            run.borrow_mut().take();
            cancelled.set(true);
        })
    };
    let load = |s: &Scenario| {
        let (app, s) = (app.clone(), s.clone());
        Callback::from(move |_| app.dispatch(Action::SetScenario(Box::new(s.clone()))))
    };
    let guard = run.borrow();
    let invalid = !app.errors.is_empty();
    html! {
        <div class="hunt" data-testid="hunt-panel">
            <h3>{"Find a violation"}</h3>
            <p class="muted small">{"For any cluster size: random faults, timings and workloads on this cluster \
                (its size, quorum system and thrifty switch kept), one scenario per seed as "}<code>{"fpaxos check"}</code>
                {" draws them, in the page's workers. The lowest seed that broke safety (or, if none did, the lowest \
                  stall) is shrunk to a small scenario that fails the same way, which you can load and watch. Finding nothing is evidence, not a proof."}</p>
            <div class="explore-actions">
                <label class="small">{"Seeds "}
                    <input type="number" min="1" max={MAX_HUNT_SEEDS.to_string()} value={seeds.to_string()}
                        onchange={on_seeds} data-testid="hunt-seeds" aria-label="Seeds to try" /></label>
                <label class="small" title="As fpaxos check draws it: half of the seeds lose messages at random until \
                    their calm phase. The liveness rule does not apply while messages are lost at random; without \
                    random loss it judges the chaos phases' crashes and partitions too.">
                    <input type="checkbox" checked={*lossy} onchange={on_lossy} disabled={running}
                        data-testid="hunt-loss" />{" Random message loss"}</label>
                <button class="btn primary" onclick={on_start} disabled={running || invalid}
                    data-testid="hunt-start">{"Find a violation"}</button>
                <button class="btn" onclick={on_cancel} disabled={!running} data-testid="hunt-cancel">{"Cancel"}</button>
                if let Some(r) = guard.as_ref() { <code class="cli small" data-testid="hunt-cli">{r.cli_command()}</code> }
            </div>
            if invalid { <p class="muted small">{"Fix the scenario's errors first."}</p> }
            if *cancelled {
                <p class="small" data-testid="hunt-status" data-status="cancelled">{"Cancelled: nothing is claimed."}</p>
            } else if let Some(r) = guard.as_ref() {
                { hunt_status(r, &load) }
            }
        </div>
    }
}

fn hunt_status(r: &HuntRun, load: &dyn Fn(&Scenario) -> Callback<MouseEvent>) -> Html {
    let mut counts = format!(
        "{} of {} seeds run, {} failing",
        r.answered(),
        r.seeds,
        r.failing()
    );
    if let Some(seed) = r.waiting_stall() {
        counts += &format!(
            "; seed {seed} stalls, and the other seeds run first: a safety violation in any of \
             them would be shrunk before a stall"
        );
    }
    match &r.phase {
        Phase::Hunting => html! {
            <div data-testid="hunt-status" data-status="hunting" aria-live="polite">
                <progress max={r.seeds.to_string()} value={r.answered().to_string()} aria-label="Seeds run"></progress>
                <span class="small">{" "}{counts}</span></div>
        },
        Phase::Shrinking { seed, failure } => html! {
            <p class="small" data-testid="hunt-status" data-status="shrinking" aria-live="polite">
                {format!("Seed {seed} fails with {failure}; shrinking it (up to {} runs)…", crate::run::hunt::SHRINK_RUNS)}</p>
        },
        Phase::Clean => html! {
            <p class="small" data-testid="hunt-status" data-status="clean">
                {format!("No failure in {} seeds on this cluster. Safety was checked throughout; {}. Where \
                          the liveness rule did not apply, no stall can be found. \
                          More seeds, or the explorer above for N ≤ 5, search further.",
                          r.seeds, r.judged().describe(r.seeds))}</p>
        },
        Phase::Failed(e) => html! {
            <p class="field-error" role="alert" data-testid="hunt-status" data-status="failed">{e.clone()}</p>
        },
        Phase::Found {
            seed,
            failure,
            original,
            shrunk,
        } => html! {
            <div class="explore-result bad" data-testid="hunt-status" data-status="found">
                <p><strong>{format!("Seed {seed} fails with {failure}.")}</strong>
                    {format!(" Its scenario has {} faults over {}.", original.faults.len(), crate::format::time(original.duration.0))}</p>
                { match shrunk {
                    Ok(s) => html! { <>
                        <p data-testid="hunt-shrunk">{format!("Shrunk in {} runs{}; it still fails with {}. Removed or simplified:",
                            s.runs, if s.budget_exhausted { " (run budget used up: it may shrink further)" } else { "" }, s.failure)}</p>
                        <ul class="small">{ for s.removed.iter().map(|l| html! { <li>{l.clone()}</li> }) }</ul>
                        <button class="btn primary" onclick={load(&s.scenario)} data-testid="hunt-load">{"Load the shrunk scenario"}</button>
                    </> },
                    Err(e) => html! { <p class="small" data-testid="hunt-shrunk">{format!("Not shrunk: {e}.")}</p> },
                } }
                {" "}<button class="btn" onclick={load(original)} data-testid="hunt-load-original">{format!("Load seed {seed} as drawn")}</button>
            </div>
        },
    }
}
