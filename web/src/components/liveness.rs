//! The liveness status, beside the safety banner and in its style: quiet when the engine's
//! liveness rule held (saying for how long it applied), an honest note when the rule never
//! applied (so nothing was checked), and a loud banner on the first stall, with its explanation
//! (what happened during it, and what that points to as a list) and a button that moves the
//! time cursor to where it began. Every number is the report's (`Report::liveness`); nothing is
//! judged here.
//!
//! A stall is reported once its bound has passed, so the report at its start does not list it
//! yet. After "Go to the stall" (or any seek back) the banner keeps showing the stall the same
//! scenario's run reached later, saying the cursor is before it was detected.

use crate::state::{use_app, Action, ReportRef};
use fpaxos::Time;
use fpaxos_sim::liveness::Liveness;
use fpaxos_sim::Report;
use std::rc::Rc;
use yew::prelude::*;

/// Props: the latest report.
#[derive(Properties, PartialEq)]
pub(crate) struct LivenessProps {
    /// Report (none while the scenario is invalid).
    pub(crate) report: Option<ReportRef>,
}

/// Simulated time in ms as the page's time text (`1.234 s`).
fn at(ms: f64) -> String {
    crate::format::time(ms_to_ns(ms))
}

/// Report milliseconds to simulated nanoseconds (the time cursor's unit).
pub(crate) fn ms_to_ns(ms: f64) -> Time {
    (ms.max(0.0) * 1e6).round() as Time
}

/// How many stalls, in words (the report lists at most `MAX_LISTED`).
fn count_text(l: &Liveness) -> String {
    match l.stalls.len() {
        1 => " The only stall so far.".to_string(),
        n if n >= fpaxos_sim::liveness::MAX_LISTED => {
            format!(" At least {n} stalls (the report lists the first {n}).")
        }
        n => format!(" {n} stalls in total."),
    }
}

/// Why the rule did not apply the rest of the time, as shares of the run so far: "Not judged:
/// no healthy set (crashes, partitions, cut links) 20 %." (the engine's words).
fn not_judged(l: &Liveness) -> String {
    match l.describe_not_judged() {
        why if why.is_empty() => String::new(),
        why => format!("Not judged: {why}."),
    }
}

/// The liveness banner.
#[component]
pub(crate) fn LivenessBanner(props: &LivenessProps) -> Html {
    let app = use_app();
    // The last report of this scenario's run that listed a stall.
    let seen = use_mut_ref(|| None::<Rc<Report>>);
    let Some(rr) = &props.report else {
        return html! {};
    };
    let mut later = false;
    let report = {
        let mut seen = seen.borrow_mut();
        if !rr.report.liveness.stalls.is_empty() {
            *seen = Some(rr.report.clone());
        } else if seen
            .as_ref()
            .is_some_and(|s| s.scenario != rr.report.scenario)
        {
            *seen = None;
        }
        match seen.as_ref() {
            Some(s) if rr.report.liveness.stalls.is_empty() => {
                later = true;
                s.clone()
            }
            _ => rr.report.clone(),
        }
    };
    let l = &report.liveness;
    match l.stalls.first() {
        None if report.sim.simulated_ms <= 0.0 => html! {
            <div class="liveness unjudged" data-testid="liveness-banner" data-ok="true" data-judged="false" role="status">
                {"○ Liveness: nothing has run yet."}
            </div>
        },
        None if l.judged_ms <= 0.0 => html! {
            <div class="liveness unjudged" data-testid="liveness-banner" data-ok="true" data-judged="false" role="status">
                <strong>{"○ Liveness: not checked: the rule never applied so far. "}</strong>
                <span class="why">{"It applies only while requests are pending and some live, mutually connected nodes at \
                    normal speed hold a Q1 and a Q2 on a network that loses nothing. "}</span>
                <span class="why" data-testid="liveness-not-judged">{not_judged(l)}</span>
            </div>
        },
        None => html! {
            <div class="liveness ok" data-testid="liveness-banner" data-ok="true" data-judged="true" role="status"
                title={format!("Bound for a full healthy cluster: {}", at(l.bound_ms))}>
                {format!("✔ Liveness: no stall (the rule applied for {}).", at(l.judged_ms))}
                if l.not_judged.total_ms() > 0.0 {
                    <span class="why" data-testid="liveness-not-judged">{format!(" {}", not_judged(l))}</span>
                }
            </div>
        },
        Some(s) => {
            let t = ms_to_ns(s.from_ms);
            let go = {
                let app = app.clone();
                Callback::from(move |_| {
                    app.dispatch(Action::Pause);
                    app.dispatch(Action::Seek(t));
                })
            };
            let ended = if later {
                "Found later in this run: at the time cursor its bound has not yet run out."
                    .to_string()
            } else if s.ended_by == "end of run" {
                "Still stalled at the time cursor.".to_string()
            } else {
                format!("Ended by {}.", s.ended_by)
            };
            html! {
                <div class="liveness stalled" data-testid="liveness-banner" data-ok="false" data-judged="true"
                    data-later={later.to_string()} role="alert">
                    <strong data-testid="liveness-stall">{format!("✖ LIVENESS: stalled from {} to {}", at(s.from_ms), at(s.to_ms))}</strong>
                    <span>{ended}</span>
                    <span class="why">{"Why it should have progressed: "}<span data-testid="liveness-why">{format!("{}.", s.why)}</span></span>
                    if !s.during.is_empty() {
                        <span class="why">{"During it: "}<span data-testid="liveness-during">{&s.during}</span></span>
                    }
                    if !s.causes.is_empty() {
                        <ul class="causes" data-testid="liveness-causes">
                            { for s.causes.iter().map(|c| html! { <li>{c}</li> }) }
                        </ul>
                    }
                    <span class="more">{count_text(l)}</span>
                    <button type="button" onclick={go} data-testid="goto-stall">{"Go to the stall"}</button>
                </div>
            }
        }
    }
}
