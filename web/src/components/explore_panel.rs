//! The explore panel: `fpaxos explore` on the scenario's cluster (N ≤ 5) in a Web Worker of its
//! own, with progress (states, depth, rate), Cancel, and the explorer's own wording of the
//! result ("no violation in X states (complete to depth D within bounds …)", never "proven"),
//! with what a clean search checked and that liveness was not among it.
//! On a violation it lists the shortest counterexample's steps. The search and its sentence are
//! the engine's ([`crate::run::explore`]); this component only draws them.

use super::scenario::field::{num, NumberField};
use crate::browser::HtmlInputElement;
use crate::run::explore::{Ask, Bounds, News, Verdict, MAX_PAGE_STATES};
use crate::state::{use_app, Action};
use fpaxos_explore::{Stats, MAX_BUDGET};
use fpaxos_sim::number::grouped;
use fpaxos_sim::Scenario;
use yew::prelude::*;

/// Where the panel's search stands.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Idle,
    Running { stats: Stats, ms: f64 },
    Done(News),
    Cancelled { stats: Stats, ms: f64 },
    Refused(Vec<String>),
}

/// One line of counters: states, depth, rate.
fn progress_line(s: &Stats, ms: f64) -> String {
    let rate = if ms > 0.0 {
        grouped((s.unique as f64 * 1000.0 / ms) as u64)
    } else {
        "—".into()
    };
    format!(
        "{} states ({} transitions), depth {} (complete to {}), {:.1} s, {rate} states/s",
        grouped(s.unique),
        grouped(s.generated),
        s.max_depth,
        s.complete_depth,
        ms / 1000.0
    )
}

#[cfg(target_arch = "wasm32")]
type SessionCell = std::rc::Rc<std::cell::RefCell<Option<crate::run::explore::Session>>>;
#[cfg(not(target_arch = "wasm32"))]
type SessionCell = std::rc::Rc<std::cell::RefCell<Option<()>>>;

/// Starts `ask` in a worker; reports go to `status`.
fn start(ask: Ask, status: UseStateHandle<Status>, session: SessionCell) {
    let on_news = {
        let status = status.clone();
        move |n: News| {
            status.set(match n {
                News::Progress { stats, ms } => Status::Running { stats, ms },
                News::Refused(e) => Status::Refused(e),
                done => Status::Done(done),
            })
        }
    };
    #[cfg(target_arch = "wasm32")]
    {
        match crate::run::explore::Session::start(ask, on_news) {
            Ok(s) => {
                *session.borrow_mut() = Some(s);
                status.set(Status::Running {
                    stats: Stats::default(),
                    ms: 0.0,
                });
            }
            Err(e) => status.set(Status::Refused(vec![e])),
        }
    }
    // Natively (tests) the search runs inline to its end.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = session;
        crate::run::explore::search(&ask, &|| 0.0, &mut |n| on_news(n));
    }
}

/// The explore panel.
#[component]
pub(crate) fn ExplorePanel() -> Html {
    let app = use_app();
    let bounds = use_state(Bounds::default);
    let status = use_state(|| Status::Idle);
    let session: SessionCell = use_mut_ref(|| None);
    let ask = Ask::of(&app.scenario, *bounds);
    // Judged when the scenario changes, not in every frame of a run.
    let hint = {
        let c = &app.scenario.cluster;
        let s = app.scenario.clone();
        use_memo((c.nodes, c.quorum.clone(), c.thrifty), move |_| {
            bounded_hint(&s)
        })
    };
    // A finished or refused search lets its worker go.
    if !matches!(*status, Status::Running { .. }) {
        session.borrow_mut().take();
    }
    let on_start = {
        let (ask, status, session) = (ask.clone(), status.clone(), session.clone());
        Callback::from(move |_| match ask.clone() {
            Ok(a) => start(a, status.clone(), session.clone()),
            Err(e) => status.set(Status::Refused(e)),
        })
    };
    let on_cancel = {
        let (status, session) = (status.clone(), session.clone());
        Callback::from(move |_| {
            session.borrow_mut().take();
            if let Status::Running { stats, ms } = &*status {
                status.set(Status::Cancelled {
                    stats: *stats,
                    ms: *ms,
                });
            }
        })
    };
    let field = |label: &'static str, id: &'static str, v: u32, set: fn(&mut Bounds, u32)| {
        let bounds = bounds.clone();
        let on_commit = Callback::from(move |r: Result<u32, String>| {
            if let Ok(x) = r {
                let mut b = *bounds;
                set(&mut b, x);
                bounds.set(b);
            }
        });
        html! { <NumberField num={num::<u32>(0, MAX_BUDGET, v, on_commit)} label={label}
        testid={format!("explore-{id}")} /> }
    };
    let on_states = {
        let bounds = bounds.clone();
        Callback::from(move |r: Result<u64, String>| {
            if let Ok(x) = r {
                bounds.set(Bounds {
                    max_states: x,
                    ..*bounds
                });
            }
        })
    };
    let on_multiset = {
        let bounds = bounds.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            bounds.set(Bounds {
                multiset: on,
                ..*bounds
            });
        })
    };
    let load = |s: &Scenario| {
        let (app, s) = (app.clone(), s.clone());
        Callback::from(move |_| app.dispatch(Action::SetScenario(Box::new(s.clone()))))
    };
    let running = matches!(*status, Status::Running { .. });
    let s = &app.scenario.cluster;
    html! {
        <details class="panel explore" data-testid="explore-panel">
            <summary><h2>{"Break it"}</h2>
                <span class="muted small">{" explore every interleaving (N ≤ 5), or hunt for a violation with random seeds"}</span></summary>
            <h3>{"Explore every interleaving"}</h3>
            <p class="muted small">{format!(
                "Breadth first over every order of deliveries, losses, crashes, timer firings and client resends of this scenario's cluster \
                 ({} nodes, {}{}{}), with the same node code the simulator runs, up to the bounds below. \
                 Two states that differ only by swapping two commands are explored once, and a reply \
                 its receiver will never react to again is forgotten. \
                 A violation comes with the shortest trace; a clean search says how far it was complete, never more.",
                s.nodes, s.quorum.label(s.nodes as usize), if s.thrifty { ", thrifty" } else { "" },
                if s.sessions { ", client sessions" } else { "" })}</p>
            <div class="explore-bounds">
                { field("Ballots", "ballots", bounds.ballots, |b, x| b.ballots = x) }
                { field("Commands", "commands", bounds.commands, |b, x| b.commands = x) }
                { field("Resends", "resends", bounds.resends, |b, x| b.resends = x) }
                { field("Crashes", "crashes", bounds.crashes, |b, x| b.crashes = x) }
                { field("Timer firings", "timers", bounds.timers, |b, x| b.timers = x) }
                <label class="small explore-network" title="Off: the network is the set of every message sent, \
                    and any message can be delivered any number of times, or never (unbounded loss, duplication and \
                    reordering, with the fewest states). On: a delivery consumes its copy, and dropping or duplicating \
                    a message are steps of their own, bounded below.">
                    <input type="checkbox" checked={bounds.multiset} onchange={on_multiset} disabled={running}
                        data-testid="explore-multiset" />{" Multiset network"}</label>
                if bounds.multiset {
                    { field("Drops", "drops", bounds.drops, |b, x| b.drops = x) }
                    { field("Duplicates", "dups", bounds.dups, |b, x| b.dups = x) }
                }
                <NumberField num={num::<u64>(1, MAX_PAGE_STATES, bounds.max_states, on_states)} label="Max states"
                    testid="explore-max-states" />
            </div>
            <div class="explore-actions">
                <button class="btn primary" onclick={on_start} disabled={running || ask.is_err()}
                    data-testid="explore-start">{"Explore"}</button>
                <button class="btn" onclick={on_cancel} disabled={!running} data-testid="explore-cancel">{"Cancel"}</button>
                if let Ok(a) = &ask { <code class="cli small" data-testid="explore-cli">{a.cli_command()}</code> }
            </div>
            if let Err(errs) = &ask {
                <ul class="field-error" role="alert" data-testid="explore-refused">
                    { for errs.iter().map(|e| html! { <li>{e.clone()}</li> }) }</ul>
            }
            { status_view(&status, &load, *hint) }
            <super::hunt_panel::HuntPanel />
        </details>
    }
}

/// What to try after a search cut short without thrifty sends. On quorums that do not
/// intersect a violation exists, but its shortest trace can lie past the cut (without thrifty
/// sends, the N = 5, Q1 = 3, Q2 = 2 counterexample took 87,865,076 states natively). On safe
/// quorums every node receives every Prepare and Accept: on three nodes with two ballots and
/// two commands the search ends after 3,101,155 states (docs/explore.md, "Settled replies").
/// With thrifty sends there is nothing to add: the summary says how far it got.
fn bounded_hint(s: &Scenario) -> Option<&'static str> {
    if s.cluster.thrifty {
        return None;
    }
    Some(if super::quorum_badge::counterexample(s).is_some() {
        "These quorums do not intersect, so agreement can be broken, but the shortest way may \
         lie past this cut. Thrifty sends (the Thrifty switch in the editor) make the search one \
         to two orders of magnitude smaller; or raise Max states."
    } else {
        "Without thrifty sends every node receives every Prepare and Accept, so there are more \
         states: on three nodes with two ballots and two commands the search ends after about \
         3.1 million. To search further, raise Max states, or lower Ballots or Commands. Thrifty \
         sends (the Thrifty switch in the editor) are a smaller behaviour of the same node, \
         about a hundred times fewer states there; what such a search finds holds for thrifty \
         sends only."
    })
}

fn status_view(
    status: &Status,
    load: &dyn Fn(&Scenario) -> Callback<MouseEvent>,
    hint: Option<&'static str>,
) -> Html {
    match status {
        Status::Idle => html! {},
        Status::Running { stats, ms } => html! {
            <p class="small" data-testid="explore-status" data-status="running" aria-live="polite">
                {"Exploring: "}{progress_line(stats, *ms)}</p>
        },
        Status::Cancelled { stats, ms } => html! {
            <p class="small" data-testid="explore-status" data-status="cancelled">
                {"Cancelled after "}{progress_line(stats, *ms)}{": nothing is claimed."}</p>
        },
        Status::Refused(errs) => html! {
            <ul class="field-error" role="alert" data-testid="explore-status" data-status="refused">
                { for errs.iter().map(|e| html! { <li>{e.clone()}</li> }) }</ul>
        },
        Status::Done(News::Done {
            stats,
            ms,
            verdict,
            summary,
            checked,
            steps,
            scenario,
        }) => {
            let (cls, word) = match verdict {
                Verdict::Violation => ("bad", "violation"),
                Verdict::Complete => ("good", "complete"),
                Verdict::Bounded => ("warn", "bounded"),
            };
            html! {
                <div class={classes!("explore-result", cls)} data-testid="explore-status" data-status={word}>
                    <p data-testid="explore-summary"><strong>{summary.clone()}</strong></p>
                    <p class="muted small">{progress_line(stats, *ms)}</p>
                    if *verdict != Verdict::Violation {
                        <p class="muted small" data-testid="explore-checked">{checked.clone()}
                            {" Find a violation, below, judges liveness in simulated runs."}</p>
                    }
                    if let (Verdict::Bounded, Some(h)) = (verdict, hint) {
                        <p class="small" data-testid="explore-hint">{h}</p>
                    }
                    if !steps.is_empty() {
                        <ol class="explore-steps" data-testid="explore-steps">
                            { for steps.iter().map(|t| html! { <li>{t.clone()}</li> }) }</ol>
                    }
                    { match scenario {
                        Some(Ok(s)) => html! {
                            <p><button class="btn primary" onclick={load(s)} data-testid="explore-load">
                                {"Load the counterexample"}</button>
                            <span class="muted small">{" a scenario whose schedule replays these steps, one per millisecond, in the simulator: watch it in the space-time diagram"}</span></p>
                        },
                        Some(Err(e)) => html! { <p class="small">{format!("This trace could not be written as a scenario: {e}")}</p> },
                        None => html! {},
                    } }
                </div>
            }
        }
        Status::Done(_) => html! {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_search_without_thrifty_sends_says_what_to_try() {
        let split = crate::presets::by_id("split-brain")
            .expect("preset")
            .scenario;
        assert!(!split.cluster.thrifty);
        let unsafe_hint = bounded_hint(&split).expect("a hint");
        assert!(
            unsafe_hint.starts_with("These quorums do not intersect")
                && unsafe_hint.contains("Thrifty")
        );
        let mut thrifty = split.clone();
        thrifty.cluster.thrifty = true;
        assert_eq!(bounded_hint(&thrifty), None);
        // Safe quorums: why the search grows, and that a thrifty search says nothing about
        // sends to every node.
        let safe = Scenario::default();
        assert!(!safe.cluster.thrifty);
        let hint = bounded_hint(&safe).expect("a hint");
        assert!(
            hint.starts_with("Without thrifty sends")
                && hint.contains("holds for thrifty sends only"),
            "{hint}"
        );
        let mut safe_thrifty = safe;
        safe_thrifty.cluster.thrifty = true;
        assert_eq!(bounded_hint(&safe_thrifty), None);
    }

    #[test]
    fn counters_read_as_grouped_numbers_and_a_rate() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(858_868), "858,868");
        let s = Stats {
            unique: 20_000,
            generated: 90_000,
            max_depth: 9,
            complete_depth: 8,
            ..Stats::default()
        };
        assert_eq!(
            progress_line(&s, 2_000.0),
            "20,000 states (90,000 transitions), depth 9 (complete to 8), 2.0 s, 10,000 states/s"
        );
    }
}
