//! Headline numbers of the run so far. Formats (the contract with end-to-end tests, compare with
//! `fpaxos run --json`): committed and leader changes as integers; throughput in req/s with one
//! decimal; p50/p99 in ms with three decimals; the trace hash as the exact 16 hex digits. Each
//! number's element also carries `data-value` with the unrounded value. Unavailable time (requests
//! pending, nothing completing) is the report's `liveness.unavailable_ms`, in ms with one decimal.
//! Commands executed twice (resends whose first copy was chosen already) as an integer.

use crate::components::liveness::ms_to_ns;
use crate::format::{summary_f, summary_int};
use crate::state::ReportRef;
use yew::prelude::*;

/// Props: the latest report.
#[derive(Properties, PartialEq)]
pub(crate) struct SummaryProps {
    /// Report (none while the scenario is invalid).
    pub(crate) report: Option<ReportRef>,
}

/// The summary numbers.
#[component]
pub(crate) fn Summary(props: &SummaryProps) -> Html {
    let Some(rr) = &props.report else {
        return html! { <section class="panel summary"><h2>{"Summary"}</h2><p class="muted">{"No run: fix the scenario."}</p></section> };
    };
    let r = &rr.report;
    let tile =
        |label: &str, tid: &'static str, text: String, raw: String, unit: &str, extra: Html| {
            html! {
                <div class="stat">
                    <dt>{label.to_string()}</dt>
                    <dd><span class="num" data-testid={tid} data-value={raw}>{text}</span>
                        if !unit.is_empty() { <span class="unit">{format!(" {unit}")}</span> }
                        {extra}</dd>
                </div>
            }
        };
    let item = |label: &str, tid: &'static str, text: String, raw: String, unit: &str| {
        tile(label, tid, text, raw, unit, Html::default())
    };
    let l = &r.liveness;
    // "Without a leader" alone reads near zero when a leader is in office but deaf: say how long
    // nothing committed (the report's unavailable time) whenever that is visibly longer (by
    // more than a tenth: the two intervals of a plain leader crash differ by a round trip).
    let leaderless_note = if l.unavailable_ms > r.leaderless_ms * 1.1 + 1.0 {
        html! { <span class="stat-note warn" data-testid="summary-leaderless-but-unavailable"
        title="A leader can be in office and still commit nothing: see Unavailable.">
        {format!("but nothing committed for {}", crate::format::time(ms_to_ns(l.unavailable_ms)))}</span> }
    } else {
        Html::default()
    };
    let unavailable_note = match l.unavailable.len() {
        0 => Html::default(),
        n => {
            html! { <span class="stat-note">{format!("{n} interval{}", if n == 1 { "" } else { "s" })}</span> }
        }
    };
    // Resends that ran again: what client sessions are for.
    let twice_note = if r.executed_twice > 0 && !r.scenario.cluster.sessions {
        html! { <span class="stat-note" data-testid="summary-executed-twice-note"
        title="Execution is at-least-once: a resend whose first copy was already chosen runs again. With client sessions (Cluster and quorums) a command chosen twice is applied once, and a resend of an executed command is answered at once.">
        {"resends ran again: see Client sessions"}</span> }
    } else {
        Html::default()
    };
    html! {
        <section class="panel summary" aria-label="Summary">
            <h2>{"Summary"}</h2>
            <dl class="stats">
                {item("Committed", "summary-committed", summary_int(r.committed), r.committed.to_string(), "req")}
                {item("Throughput", "summary-throughput", summary_f(r.throughput, 1), r.throughput.to_string(), "req/s")}
                {item("Latency p50", "summary-p50", summary_f(r.latency_ms.p50, 3), r.latency_ms.p50.to_string(), "ms")}
                {item("Latency p99", "summary-p99", summary_f(r.latency_ms.p99, 3), r.latency_ms.p99.to_string(), "ms")}
                {item("Leader changes", "summary-leader-changes", summary_int(r.leader_changes), r.leader_changes.to_string(), "")}
                {item("Messages / commit", "summary-msgs-per-commit", summary_f(r.messages.per_commit, 2), r.messages.per_commit.to_string(), "")}
                {tile("Leaderless", "summary-leaderless", summary_f(r.leaderless_ms, 1), r.leaderless_ms.to_string(), "ms", leaderless_note)}
                {tile("Unavailable", "summary-unavailable", summary_f(l.unavailable_ms, 1), l.unavailable_ms.to_string(), "ms", unavailable_note)}
                {item("Slots executed", "summary-slots", summary_int(r.slots), r.slots.to_string(), "")}
                {tile("Executed twice", "summary-executed-twice", summary_int(r.executed_twice), r.executed_twice.to_string(), "cmds", twice_note)}
            </dl>
            <p class="hash">{"Trace hash "}<code data-testid="trace-hash">{r.trace_hash.clone()}</code></p>
            <p class="muted small">{format!("{} events simulated; metrics skip the first {}.",
                r.sim.events, crate::format::time(r.scenario.warmup.0))}</p>
        </section>
    }
}
