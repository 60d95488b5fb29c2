//! The live intersection badge: safe, or unsafe with the disjoint pair of quorums, plus the
//! fault tolerance of each phase.

use fpaxos::quorum::{Counterexample, QuorumSystem};
use fpaxos_sim::Scenario;
use yew::prelude::*;

/// The quorum system of a scenario, or why it is invalid.
pub(crate) fn quorum_system(s: &Scenario) -> Result<QuorumSystem, Vec<String>> {
    QuorumSystem::new(&s.cluster.quorum, s.cluster.nodes as usize)
        .map_err(|e| e.problems().iter().map(|p| p.to_string()).collect())
}

/// The disjoint Q1/Q2 pair, when the quorum system is unsafe.
pub(crate) fn counterexample(s: &Scenario) -> Option<Counterexample> {
    quorum_system(s)
        .ok()
        .and_then(|q| q.check_intersection().err())
}

/// The replicate-but-cannot-elect window, in words.
fn window_text(elect: usize, replicate: usize) -> String {
    let range = if elect + 1 == replicate {
        format!("With {replicate} failures")
    } else {
        format!("With {} to {replicate} failures", elect + 1)
    };
    format!(" {range} the leader can still replicate, but no new leader can be elected.")
}

/// Safe / unsafe badge for scenario `s`, with the counterexample and fault tolerance.
pub(crate) fn intersection_badge(s: &Scenario) -> Html {
    let n = s.cluster.nodes as usize;
    match quorum_system(s) {
        Err(errs) => html! {
            <div class="badge invalid" data-testid="intersection-badge" data-state="invalid" role="status">
                <strong>{"⚠ Invalid quorum system"}</strong>
                <span>{errs.join("; ")}</span>
            </div>
        },
        Ok(q) => {
            let ft = q.fault_tolerance();
            let tol = html! {
                <span class="ft" data-testid="fault-tolerance">
                    {format!("Elections survive any {} failure{}; replication survives any {}.",
                        ft.elect, if ft.elect == 1 { "" } else { "s" }, ft.replicate)}
                    if ft.replicate > ft.elect {
                        {window_text(ft.elect, ft.replicate)}
                    }
                </span>
            };
            match q.check_intersection() {
                Ok(()) => html! {
                    <div class="badge safe" data-testid="intersection-badge" data-state="safe" role="status">
                        <strong>{"✔ Safe"}</strong>
                        <span>{format!("Every Q1 meets every Q2 ({}).", s.cluster.quorum.label(n))}</span>
                        {tol}
                    </div>
                },
                Err(ce) => html! {
                    <div class="badge unsafe" data-testid="intersection-badge" data-state="unsafe" role="status">
                        <strong>{"✖ Unsafe"}</strong>
                        <span>{format!("Q1 {} and Q2 {} share no node: two leaders can choose different values for one slot.", ce.q1, ce.q2)}</span>
                        <span class="hint">{"The pair is outlined on the cluster (dashed = Q1, dotted = Q2)."}</span>
                        {tol}
                    </div>
                },
            }
        }
    }
}
