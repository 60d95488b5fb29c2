//! The safety status: quiet when the checker found nothing, a loud banner naming the slot and
//! both values on the first violation, with a button that moves the time cursor there.

use crate::state::{Action, AppCtx, ReportRef};
use yew::prelude::*;

/// The safety banner for the latest report (none while the scenario is invalid).
pub(crate) fn safety_banner(app: &AppCtx, report: Option<&ReportRef>) -> Html {
    let Some(rr) = report else {
        return html! {};
    };
    match rr.report.safety.violations.first() {
        None => html! {
            <div class="safety ok" data-testid="safety-banner" data-ok="true" role="status">
                {if rr.report.scenario.cluster.sessions {
                    "✔ Safety: no violation so far (agreement, validity, log prefix, replies, sessions)."
                } else {
                    "✔ Safety: no violation so far (agreement, validity, log prefix, replies)."
                }}
            </div>
        },
        Some(v) => {
            let t = v.time_ns;
            let go = {
                let app = app.clone();
                Callback::from(move |_| {
                    app.dispatch(Action::Pause);
                    app.dispatch(Action::Seek(t));
                })
            };
            let who = match v.first_node {
                Some(a) => format!(
                    "Node {a} {} {} but node {} {} {}",
                    v.first_act, v.first, v.node, v.act, v.second
                ),
                None => format!(
                    "Expected {}, but node {} {} {}",
                    v.first, v.node, v.act, v.second
                ),
            };
            // A reply has no slot of its own: it names a command that no slot holds.
            let head = if v.kind == fpaxos_sim::checker::ViolationKind::Reply {
                format!("✖ SAFETY VIOLATED ({}):", v.kind)
            } else {
                format!("✖ SAFETY VIOLATED ({}) in slot {}:", v.kind, v.slot)
            };
            html! {
                <div class="safety violated" data-testid="safety-banner" data-ok="false" role="alert">
                    <strong>{head}</strong>
                    <span>{format!("{who}, at {}.", crate::format::time(t))}</span>
                    <span class="more">{match rr.report.safety.violations.len() {
                        1 => " The only violation so far.".to_string(),
                        n if n >= 100 => " At least 100 violations (the checker keeps the first 100).".to_string(),
                        n => format!(" {n} violations in total."),
                    }}</span>
                    <button type="button" onclick={go} data-testid="goto-violation">{"Go to the violation"}</button>
                </div>
            }
        }
    }
}
