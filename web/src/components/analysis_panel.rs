//! The analytic panel: what the quorum system promises before anything runs
//! ([`fpaxos_analysis::analyze_scenario`]) — fault tolerance of each phase, the
//! replicate-but-cannot-elect window, load and capacity, network load, expected quorum latency,
//! availability, and the minimal crash sets that block each phase (shown on a small ring) — set
//! against what the simulator measured for the leader.

use crate::browser::HtmlInputElement;
use crate::state::ReportRef;
use fpaxos::quorum::QuorumSpec;
use fpaxos_analysis::{analyze_scenario, Analysis, AnalysisOptions};
use fpaxos_sim::Scenario;
use std::rc::Rc;
use yew::prelude::*;

/// Explicit quorum lists above this many nodes are not analysed in the page (it can take seconds).
pub(crate) const MAX_EXPLICIT_NODES: u32 = 16;

/// Props: the scenario and the latest report.
#[derive(Properties, PartialEq)]
pub(crate) struct AnalysisProps {
    /// The scenario in the editor.
    pub(crate) scenario: Rc<Scenario>,
    /// The latest report, for the leader's measured busy fraction.
    pub(crate) report: Option<ReportRef>,
}

/// Why a scenario is not analysed in the page, if it is not.
pub(crate) fn skip_reason(s: &Scenario) -> Option<String> {
    let n = s.cluster.nodes;
    match &s.cluster.quorum {
        QuorumSpec::Explicit { .. } | QuorumSpec::Weighted { .. } if n > MAX_EXPLICIT_NODES => Some(format!(
            "Explicit and weighted quorum systems with more than {MAX_EXPLICIT_NODES} nodes ({n} here) are not analysed in the page: exact enumeration can take seconds. Run `fpaxos analyze scenario.json` instead."
        )),
        _ => None,
    }
}

fn pct(x: f64) -> String {
    if (0.999_999..1.0).contains(&x) {
        format!("{:.6}%", x * 100.0)
    } else {
        format!("{:.4}%", x * 100.0)
    }
}

fn nines(x: f64) -> String {
    if x >= 1.0 {
        "∞ nines".into()
    } else if x <= 0.0 {
        "0 nines".into()
    } else {
        format!("{:.1} nines", -(1.0 - x).log10())
    }
}

/// The leader's measured CPU load set against the analytic capacity, once the run has measured
/// something (past the warmup, commands done).
fn bottleneck_note(report: Option<&ReportRef>, a: &Analysis, leader: usize) -> Option<Html> {
    let measured = report.and_then(|r| {
        // Only once the run has measured something (past the warmup, commands done).
        if r.report.committed == 0 {
            return None;
        }
        let nodes = &r.report.messages.by_node;
        let lb = nodes.get(leader)?.busy;
        let others = nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != leader)
            .map(|(_, n)| n.busy)
            .fold(0.0, f64::max);
        Some((lb, others, r.report.throughput))
    });
    measured.map(|(lb, others, thr)| {
        let ratio = if others > 0.0 { lb / others } else { f64::INFINITY };
        let text = if lb > 0.8 {
            format!(
                "Simulated: the leader (node {leader}) is {:.0}% busy and the busiest follower {:.0}%. The leader is the bottleneck at {thr:.1} req/s: the analytic capacity of {:.2}× one node assumes quorums spread over all nodes, but every command goes through the leader, so Flexible Paxos gains here only by cutting the leader's messages (thrifty sends, smaller Q2).",
                lb * 100.0, others * 100.0, a.capacity_phase2
            )
        } else {
            format!(
                "Simulated: the leader (node {leader}) is {:.0}% busy and the busiest follower {:.0}% ({}): the cluster is not CPU-bound at this load, so throughput follows the workload and the quorum latency rather than the capacity of {:.2}× one node.",
                lb * 100.0,
                others * 100.0,
                if ratio.is_finite() { format!("{ratio:.1}× the load") } else { "followers idle".into() },
                a.capacity_phase2
            )
        };
        html! { <p class="note" data-testid="analysis-bottleneck">{text}</p> }
    })
}

/// The minimal crash sets of one phase as toggle chips (hover or click shows one on the ring).
fn crash_set_chips(
    sets: &Option<Vec<Vec<u8>>>,
    elect: bool,
    selected: &UseStateHandle<Option<(bool, usize)>>,
) -> Html {
    match sets {
        None => {
            html! { <span class="muted">{format!("listed for N ≤ {} only", fpaxos_analysis::MAX_BLOCKING_NODES)}</span> }
        }
        Some(v) => {
            let shown = v.len().min(40);
            html! { <>
                { for v.iter().take(shown).enumerate().map(|(i, set)| {
                    let sel = **selected == Some((elect, i));
                    let toggle = {
                        let selected = selected.clone();
                        Callback::from(move |_| selected.set(if sel { None } else { Some((elect, i)) }))
                    };
                    let hover = {
                        let selected = selected.clone();
                        Callback::from(move |_| selected.set(Some((elect, i))))
                    };
                    let ids: Vec<String> = set.iter().map(|x| x.to_string()).collect();
                    html! { <button type="button" class={classes!("chip", sel.then_some("on"), if elect { "elect" } else { "repl" })}
                        aria-pressed={sel.to_string()} onclick={toggle} onmouseenter={hover}
                        data-testid={format!("crash-set-{}-{i}", if elect { "elect" } else { "replicate" })}>
                        {format!("{{{}}}", ids.join(","))}</button> }
                }) }
                if v.len() > shown { <span class="muted">{format!(" and {} more", v.len() - shown)}</span> }
            </> }
        }
    }
}

/// A small ring with the selected crash set marked.
fn crash_ring(n: usize, leader: usize, sel_nodes: &[u8], elect_sel: bool) -> Html {
    let size = 150.0;
    let c = size / 2.0;
    let rad = 58.0;
    let nr = (13.0 - n as f64 * 0.4).clamp(5.0, 11.0);
    html! {
        <svg class="analysis-ring" viewBox={format!("0 0 {size} {size}")} role="img" data-testid="analysis-ring"
            aria-label={if sel_nodes.is_empty() { "Cluster: pick a crash set to see it".to_string() } else {
                format!("Crashing nodes {:?} blocks {}", sel_nodes, if elect_sel { "elections" } else { "replication" }) }}>
            { for (0..n).map(|k| {
                let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n.max(1) as f64;
                let (x, y) = (c + rad * a.cos(), c + rad * a.sin());
                let down = sel_nodes.contains(&(k as u8));
                html! { <g class={classes!("mini-node", down.then_some("crashed"), (k == leader).then_some("leader"))}>
                    <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={nr.to_string()} />
                    <text x={format!("{x:.1}")} y={format!("{:.1}", y + 3.5)} text-anchor="middle">{ if down { "✕".to_string() } else { k.to_string() } }</text>
                </g> }
            }) }
        </svg>
    }
}

/// The analytic panel.
#[component]
pub(crate) fn AnalysisPanel(p: &AnalysisProps) -> Html {
    let section = crate::hooks::use_focus_target("analysis");
    let f1 = use_state(|| 0.0f64);
    let prob = use_state(|| 0.01f64);
    let selected = use_state(|| None::<(bool, usize)>);
    let key = (
        p.scenario.cluster.clone(),
        p.scenario.network.clone(),
        (*f1).to_bits(),
        (*prob).to_bits(),
    );
    let analysis: Rc<Result<Analysis, String>> = use_memo(key, |(c, net, f, pr)| {
        let s = Scenario {
            cluster: c.clone(),
            network: net.clone(),
            ..Scenario::default()
        };
        if let Some(why) = skip_reason(&s) {
            return Err(why);
        }
        let opts = AnalysisOptions {
            phase1_fraction: f64::from_bits(*f),
            failure_prob: f64::from_bits(*pr),
            ..AnalysisOptions::default()
        };
        analyze_scenario(&s, &opts).map_err(|e| e.0.join(" "))
    });
    let on_f1 = {
        let f1 = f1.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = el.value().parse::<f64>() {
                f1.set(v.clamp(0.0, 1.0));
            }
        })
    };
    let on_p = {
        let prob = prob.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            // The slider is log10(p) from -4 to log10(0.5).
            if let Ok(v) = el.value().parse::<f64>() {
                prob.set(10f64.powf(v).clamp(1e-4, 0.5));
            }
        })
    };
    let a = match &*analysis {
        Ok(a) => a,
        Err(e) => {
            return html! {
                <section ref={section.clone()} class="panel analysis" data-testid="analysis-panel" aria-label="Analysis">
                    <h2>{"Analysis of the quorum system"}</h2>
                    <p class="muted" data-testid="analysis-skipped">{e.clone()}</p>
                </section>
            };
        }
    };
    // The latest election winner of the run; before any (or for a report of another cluster
    // size) the configured first leader.
    let leader = p
        .report
        .as_ref()
        .and_then(|r| r.report.leader)
        .map(usize::from)
        .filter(|&l| l < a.n)
        .or(p.scenario.cluster.initial_leader.map(|l| l as usize))
        .unwrap_or(0);
    let bottleneck = bottleneck_note(p.report.as_ref(), a, leader);
    let n = a.n;
    let sel_nodes: Vec<u8> = match *selected {
        Some((true, i)) => a
            .blocking_elect
            .as_ref()
            .and_then(|v| v.get(i).cloned())
            .unwrap_or_default(),
        Some((false, i)) => a
            .blocking_replicate
            .as_ref()
            .and_then(|v| v.get(i).cloned())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let ring = crash_ring(n, leader, &sel_nodes, matches!(*selected, Some((true, _))));
    let p_log = (*prob).log10();
    html! {
        <section ref={section.clone()} class="panel analysis" data-testid="analysis-panel" aria-label="Analysis">
            <h2>{"Analysis of the quorum system"}</h2>
            <p class="muted small">{"Closed forms and exact enumeration over the quorum system alone (no leader, no network queueing), in the terms of the quoracle paper."}</p>
            if !a.safe {
                <p class="field-error">{"Unsafe: some Q1 and Q2 do not intersect. The numbers below still describe the quorums."}</p>
            }
            <div class="analysis-grid">
                <div>
                    <h3>{"Fault tolerance"}</h3>
                    <p data-testid="analysis-ft">{format!("Elections survive any {} failures; replication survives any {}.", a.fault_tolerance_elect, a.fault_tolerance_replicate)}</p>
                    if let Some(w) = &a.window { <p class="note" data-testid="analysis-window">{format!("Window: {w}.")}</p> }
                    <h3>{"Latency"}</h3>
                    <p>{format!("Leader's round trip to its fastest quorum: phase 1 {:.3} ms, phase 2 {:.3} ms (mean link latencies).", a.quorum_latency_ms_phase1, a.quorum_latency_ms_phase2)}</p>
                    <h3>{"Network load"}</h3>
                    <p>{format!("Expected quorum size: {:.2} nodes for phase 1, {:.2} for phase 2.", a.network_load_phase1, a.network_load_phase2)}</p>
                </div>
                <div data-testid="analysis-capacity">
                    <h3>{"Load and capacity"}</h3>
                    <p>{format!("Phase 2 alone: load {:.3}, capacity {:.2}× one node.", a.load_phase2, a.capacity_phase2)}</p>
                    <label class="field"><span>{"Fraction of operations that run phase 1"}<output>{format!("{:.0}%", *f1 * 100.0)}</output></span>
                        <input type="range" min="0" max="1" step="0.01" value={f1.to_string()} oninput={on_f1} data-testid="analysis-f1" /></label>
                    <p data-testid="analysis-capacity-mixed">{format!("With {:.0}% phase-1 operations: load {:.3}, capacity {:.2}× one node.", a.phase1_fraction * 100.0, a.load_mixed, a.capacity_mixed)}</p>
                    { bottleneck.unwrap_or_else(|| html! {
                        <p class="muted small" data-testid="analysis-bottleneck">{"Play or run the scenario to set the analytic capacity against the leader's measured CPU load."}</p>
                    }) }
                </div>
                <div data-testid="analysis-availability">
                    <h3>{"Availability"}</h3>
                    <label class="field"><span>{"Each node down with probability p"}<output>{format!("p = {}", if *prob < 0.01 { format!("{:.4}", *prob) } else { format!("{:.3}", *prob) })}</output></span>
                        <input type="range" min="-4" max={format!("{:.4}", 0.5f64.log10())} step="0.05" value={p_log.to_string()} oninput={on_p} data-testid="analysis-p" /></label>
                    <p>{format!("Some Q1 alive (can elect): {} ({}).", pct(a.availability_elect), nines(a.availability_elect))}</p>
                    <p>{format!("Some Q2 alive (can replicate): {} ({}).", pct(a.availability_replicate), nines(a.availability_replicate))}</p>
                </div>
                <div class="crash-sets">
                    <h3>{"Minimal crash sets"}</h3>
                    <p class="small muted">{"Hover or select a set to see it on the ring: crashing exactly those nodes blocks the phase."}</p>
                    { ring }
                    <p class="small"><strong>{"Block elections: "}</strong>{ crash_set_chips(&a.blocking_elect, true, &selected) }</p>
                    <p class="small"><strong>{"Block replication: "}</strong>{ crash_set_chips(&a.blocking_replicate, false, &selected) }</p>
                </div>
            </div>
            <super::availability_panel::AvailabilityPanel scenario={p.scenario.clone()} />
            <details class="small">
                <summary>{"Notes"}</summary>
                <ul>{ for a.notes.iter().map(|n| html! { <li>{n.clone()}</li> }) }</ul>
            </details>
        </section>
    }
}
