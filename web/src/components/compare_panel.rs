//! Compare mode: up to four variants of one scenario (same seed and workload, different quorum
//! choices or any other knob), run side by side in frame-sized slices. Overlaid charts, a table
//! of deltas against the first variant, per-variant summaries and small cluster views on one
//! time cursor.

use super::chart::{swatch, BarGroup, GroupedBars, XyChart, XySeries};
use crate::browser::{scroll_into_view, HtmlInputElement};
use crate::format::{delta_pct, fmt_delta, summary_f, summary_int, variant_style};
use crate::hooks::{use_focus_target, use_runner, RunnerCell};
use crate::run::{CompareRun, VariantRun};
use crate::state::{use_app, Action, CompareAction};
use fpaxos::quorum::QuorumSpec;
use fpaxos::{Role, Time};
use fpaxos_share::MAX_VARIANTS;
use fpaxos_sim::{Endpoint, Report};
use yew::prelude::*;

/// A row of the delta table: label, unit, value, digits, testid key, whether higher is better.
type Metric = (
    &'static str,
    &'static str,
    fn(&Report) -> f64,
    usize,
    &'static str,
    bool,
);

const METRICS: [Metric; 6] = [
    (
        "Throughput",
        "req/s",
        |r| r.throughput,
        1,
        "throughput",
        true,
    ),
    ("Latency p50", "ms", |r| r.latency_ms.p50, 3, "p50", false),
    ("Latency p99", "ms", |r| r.latency_ms.p99, 3, "p99", false),
    (
        "Messages / commit",
        "",
        |r| r.messages.per_commit,
        2,
        "msgs",
        false,
    ),
    ("Leader CPU busy", "%", leader_busy, 1, "busy", false),
    (
        "Committed",
        "req",
        |r| r.committed as f64,
        0,
        "committed",
        true,
    ),
];

/// The busy fraction of the latest election winner (the configured first leader if none won).
fn leader_busy(r: &Report) -> f64 {
    let node = r
        .leader
        .map(usize::from)
        .or(r.scenario.cluster.initial_leader.map(|l| l as usize))
        .unwrap_or(0);
    r.messages.by_node.get(node).map_or(0.0, |n| n.busy * 100.0)
}

/// Compare mode's panel (always present; closed it offers to open).
#[component]
pub(crate) fn ComparePanel() -> Html {
    let app = use_app();
    let run: RunnerCell<CompareRun> = use_mut_ref(|| None);
    let redraw = use_force_update();
    let section = use_focus_target("compare");
    let variants = &app.compare.variants;

    // (Re)build the run when the variant list changes shape; otherwise only variants whose
    // scenario changed run again.
    {
        let mut cell = run.borrow_mut();
        let kept = match cell.as_mut() {
            Some(r) if !variants.is_empty() => r.update(variants),
            _ => false,
        };
        if !kept {
            *cell = (!variants.is_empty()).then(|| CompareRun::new(variants));
        }
    }
    let busy = run.borrow().as_ref().is_some_and(|r| r.busy());
    use_runner(run.clone(), busy);

    let dispatch = {
        let app = app.clone();
        move |a: CompareAction| app.dispatch(Action::Compare(a))
    };
    if !app.compare.is_open() {
        let open = {
            let d = dispatch.clone();
            let section = section.clone();
            Callback::from(move |_| {
                d(CompareAction::Open);
                scroll_into_view(&section);
            })
        };
        return html! {
            <section ref={section} class="panel compare closed" data-testid="compare-panel" aria-label="Compare">
                <h2>{"Compare quorum choices"}</h2>
                <p class="muted">{"Run up to four variants of this scenario on the same seed and workload — majority against Flexible Paxos, thrifty or not, any knob — and read the differences off overlaid charts and a table of deltas."}</p>
                <button class="btn primary" data-testid="compare-toggle" onclick={open}>{"Compare…"}</button>
            </section>
        };
    }

    let guard = run.borrow();
    let Some(r) = guard.as_ref() else {
        return html! {};
    };
    let finished = r.finished();
    let status = if finished { "done" } else { "running" };
    let close = {
        let d = dispatch.clone();
        Callback::from(move |_| d(CompareAction::Close))
    };
    let add = {
        let d = dispatch.clone();
        Callback::from(move |_| d(CompareAction::Add))
    };
    let on_cursor = {
        let run = run.clone();
        let redraw = redraw.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if let Ok(ms) = el.value().parse::<f64>() {
                if let Some(r) = run.borrow_mut().as_mut() {
                    r.seek((ms * 1e6).round() as Time);
                }
                redraw.force_update();
            }
        })
    };
    let cards = r.variants.iter().enumerate().map(|(i, v)| {
        variant_card(
            i,
            v,
            app.compare.editing == Some(i),
            r.variants.len(),
            &dispatch,
        )
    });
    let base = r.variants.first().and_then(|v| v.report.clone());

    html! {
        <section ref={section} class="panel compare" data-testid="compare-panel" aria-label="Compare" data-status={status}>
            <div class="panel-head">
                <h2>{"Compare quorum choices"}</h2>
                <span class="status" data-testid="compare-status">{status}</span>
                if !finished {
                    <progress max="1" value={r.progress().to_string()} aria-label="Compare progress"></progress>
                }
                <span class="spacer"></span>
                if r.variants.len() < MAX_VARIANTS {
                    <button class="btn" data-testid="compare-add" onclick={add} title="Add a copy of the scenario in the editor">{"+ Add variant"}</button>
                }
                <button class="btn" data-testid="compare-close" onclick={close}>{"Close compare"}</button>
            </div>
            <p class="muted small">{"Every variant runs on its own copy of the simulator with the same seed and workload; the numbers are what "}<code>{"fpaxos run"}</code>{" prints for each variant's scenario. The editor on the left edits the highlighted variant."}</p>
            <label class="cursor-row">
                <span>{"Time cursor"}</span>
                <input type="range" min="0" max={format!("{:.3}", r.end as f64 / 1e6)} step="any"
                    value={format!("{:.3}", r.cursor as f64 / 1e6)} oninput={on_cursor}
                    data-testid="compare-cursor" aria-label="Time cursor for the cluster views" disabled={!finished} />
                <span class="num">{crate::format::time_fixed(r.cursor)}</span>
            </label>
            <div class="variants">{ for cards }</div>
            { delta_table(r, base.as_deref()) }
            { charts(r) }
        </section>
    }
}

fn variant_card(
    i: usize,
    v: &VariantRun,
    editing: bool,
    count: usize,
    dispatch: &(impl Fn(CompareAction) + Clone + 'static),
) -> Html {
    let (color, dash, marker) = variant_style(i);
    let s = &v.scenario;
    let n = s.cluster.nodes as usize;
    let on_label = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            d(CompareAction::SetLabel(i, el.value()));
        })
    };
    let on_quorum = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            match QuorumSpec::parse_cli(&el.value()) {
                Ok(q) => {
                    el.set_custom_validity("");
                    d(CompareAction::SetQuorum(i, q));
                }
                Err(e) => {
                    el.set_custom_validity(&format!(
                        "{e} (use majority, Q1,Q2 such as 4,2, or grid:RxC)"
                    ));
                    el.report_validity();
                }
            }
        })
    };
    let on_thrifty = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            d(CompareAction::SetThrifty(i, el.checked()));
        })
    };
    let on_edit = {
        let d = dispatch.clone();
        Callback::from(move |_| d(CompareAction::Edit(i)))
    };
    let on_remove = {
        let d = dispatch.clone();
        Callback::from(move |_| d(CompareAction::Remove(i)))
    };
    let qsys = s.quorum_system().ok();
    let safe = qsys.as_ref().is_some_and(|q| q.is_safe());
    let ft = qsys.as_ref().map(|q| q.fault_tolerance());
    let summary = |key: &str, text: String, raw: String, unit: &str| {
        html! { <div class="stat"><dt>{key_name(key)}</dt><dd>
        <span class="num" data-testid={format!("compare-summary-{i}-{key}")} data-value={raw}>{text}</span>
        if !unit.is_empty() { <span class="unit">{format!(" {unit}")}</span> }</dd></div> }
    };
    html! {
        <article class={classes!("variant", editing.then_some("editing"))} data-testid={format!("compare-variant-{i}")}
            style={format!("border-top-color:{color}")}>
            <header>
                {swatch(color, dash, marker)}
                <input class="label-input" type="text" value={v.label.clone()} onchange={on_label}
                    data-testid={format!("compare-label-{i}")} aria-label={format!("Label of variant {}", i + 1)} />
            </header>
            <div class="quick">
                <label>{"Quorums "}
                    <input type="text" value={s.cluster.quorum.to_cli().unwrap_or_default()} size="9"
                        placeholder={s.cluster.quorum.label(n)} onchange={on_quorum}
                        data-testid={format!("compare-quorum-{i}")} title="majority, Q1,Q2 (e.g. 4,2) or grid:RxC" /></label>
                <label class="check"><input type="checkbox" checked={s.cluster.thrifty} onchange={on_thrifty}
                    data-testid={format!("compare-thrifty-{i}")} />{" thrifty"}</label>
            </div>
            <p class="small">
                <span class={classes!("badge", if safe { "ok" } else { "bad" })}>{ if safe { "✓ safe" } else { "✗ unsafe" } }</span>
                {format!(" N={n}, {}", s.cluster.quorum.label(n))}
                if let Some(ft) = ft { {format!(" · elections survive {} {}, replication {}", ft.elect, if ft.elect == 1 { "failure" } else { "failures" }, ft.replicate)} }
            </p>
            if !v.errors.is_empty() {
                <ul class="errors">{ for v.errors.iter().map(|e| html! { <li>{e.clone()}</li> }) }</ul>
            }
            if let Some(rep) = &v.report {
                <dl class="stats compact">
                    {summary("committed", summary_int(rep.committed), rep.committed.to_string(), "req")}
                    {summary("throughput", summary_f(rep.throughput, 1), rep.throughput.to_string(), "req/s")}
                    {summary("p50", summary_f(rep.latency_ms.p50, 3), rep.latency_ms.p50.to_string(), "ms")}
                    {summary("p99", summary_f(rep.latency_ms.p99, 3), rep.latency_ms.p99.to_string(), "ms")}
                </dl>
                <p class="hash small">{"Trace hash "}<code data-testid={format!("compare-summary-{i}-trace-hash")}>{rep.trace_hash.clone()}</code></p>
            } else if v.errors.is_empty() {
                <p class="muted small">{"running…"}</p>
            }
            { mini_cluster(i, v) }
            <div class="actions">
                if editing { <span class="small editing-note">{"✎ in the editor"}</span> }
                else { <button class="btn small" onclick={on_edit} data-testid={format!("compare-edit-{i}")}>{"Edit in editor"}</button> }
                if count > 1 { <button class="btn small" onclick={on_remove} data-testid={format!("compare-remove-{i}")}
                    aria-label={format!("Remove variant {}", i + 1)}>{"Remove"}</button> }
            </div>
        </article>
    }
}

fn key_name(key: &str) -> &'static str {
    match key {
        "committed" => "Committed",
        "throughput" => "Throughput",
        "p50" => "Latency p50",
        _ => "Latency p99",
    }
}

/// A small cluster ring at the shared cursor: roles, crashes, messages in flight.
fn mini_cluster(i: usize, v: &VariantRun) -> Html {
    let Some(sim) = v.at.as_ref() else {
        return html! {};
    };
    let size = 150.0;
    let c = size / 2.0;
    let views = sim.node_views();
    let n = views.len().max(1);
    let rad = 56.0;
    let nr = (13.0 - n as f64 * 0.35).clamp(5.0, 11.0);
    let pos = |k: usize| {
        let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n as f64;
        (c + rad * a.cos(), c + rad * a.sin())
    };
    let now = sim.now();
    let mut dots = String::new();
    for f in sim.in_flight().take(150) {
        let (Endpoint::Node(a), Endpoint::Node(b)) = (f.from, f.to) else {
            continue;
        };
        let (ax, ay) = pos(a as usize);
        let (bx, by) = pos(b as usize);
        let span = f.deliver_at.saturating_sub(f.sent_at).max(1) as f64;
        let t = (now.saturating_sub(f.sent_at) as f64 / span).clamp(0.0, 1.0);
        let (x, y) = (ax + (bx - ax) * t, ay + (by - ay) * t);
        dots.push_str(&format!("M{:.1} {:.1}h2.4v2.4h-2.4z", x - 1.2, y - 1.2));
    }
    let nodes = views.iter().enumerate().map(|(k, nv)| {
        let (x, y) = pos(k);
        let (class, letter) = if nv.crashed {
            ("crashed", "✕")
        } else {
            match nv.role {
                Role::Leader => ("leader", "L"),
                Role::Candidate => ("candidate", "C"),
                Role::Follower => ("follower", ""),
            }
        };
        html! { <g class={classes!("mini-node", class)}>
            <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={nr.to_string()} />
            <text x={format!("{x:.1}")} y={format!("{:.1}", y + 3.5)} text-anchor="middle">{letter}</text>
            <title>{format!("node {k}: {class}, {} slots executed", nv.executed)}</title>
        </g> }
    });
    let leader = views
        .iter()
        .find(|v| v.role == Role::Leader && !v.crashed)
        .map(|v| format!("leader n{}", v.id))
        .unwrap_or_else(|| "no leader".into());
    let executed = views.iter().map(|v| v.executed).max().unwrap_or(0);
    html! {
        <figure class="mini-cluster" data-testid={format!("compare-cluster-{i}")}>
            <svg viewBox={format!("0 0 {size} {size}")} role="img"
                aria-label={format!("Cluster of variant {} at {}: {leader}", i + 1, crate::format::time(now))}>
                <path d={dots} fill="#64748b" />
                { for nodes }
            </svg>
            <figcaption class="small">{format!("{leader} · {executed} slots")}</figcaption>
        </figure>
    }
}

fn delta_table(r: &CompareRun, base: Option<&Report>) -> Html {
    let head = r.variants.iter().enumerate().map(|(i, v)| {
        let (color, dash, marker) = variant_style(i);
        let _ = color;
        html! { <th scope="col">{swatch(color, dash, marker)}{v.label.clone()}</th> }
    });
    let rows = METRICS.iter().map(|(name, unit, get, digits, key, higher_better)| {
        let cells = r.variants.iter().enumerate().map(|(i, v)| {
            let Some(rep) = &v.report else {
                return html! { <td class="muted">{"…"}</td> };
            };
            let val = get(rep);
            let d = base.and_then(|b| delta_pct(get(b), val));
            let better = d.map(|x| if *higher_better { x > 0.05 } else { x < -0.05 });
            let worse = d.map(|x| if *higher_better { x < -0.05 } else { x > 0.05 });
            let delta = if i == 0 {
                html! { <span class="delta base" data-testid={format!("compare-delta-{i}-{key}")} data-value="0">{"base"}</span> }
            } else {
                html! { <span class={classes!("delta", better.unwrap_or(false).then_some("better"), worse.unwrap_or(false).then_some("worse"))}
                    data-testid={format!("compare-delta-{i}-{key}")} data-value={d.map(|x| x.to_string()).unwrap_or_default()}>
                    {fmt_delta(d)}
                    { match (better, worse) { (Some(true), _) => " ▲ better", (_, Some(true)) => " ▼ worse", _ => "" } }
                </span> }
            };
            html! { <td><span class="num">{summary_f(val, *digits)}</span>{" "}{delta}</td> }
        });
        html! { <tr><th scope="row">{*name}{ if unit.is_empty() { String::new() } else { format!(" ({unit})") } }</th>{ for cells }</tr> }
    });
    let ft_row = |elect: bool| {
        let cells = r.variants.iter().enumerate().map(|(i, v)| {
            let ft = v.scenario.quorum_system().ok().map(|q| q.fault_tolerance());
            let val = ft.map(|f| if elect { f.elect } else { f.replicate });
            let b = r.variants.first().and_then(|v0| v0.scenario.quorum_system().ok()).map(|q| {
                let f = q.fault_tolerance();
                if elect { f.elect } else { f.replicate }
            });
            let key = if elect { "ft-elect" } else { "ft-replicate" };
            let d = match (val, b) {
                (Some(v), Some(b)) if i > 0 => {
                    let diff = v as i64 - b as i64;
                    if diff == 0 { "same".to_string() } else { format!("{diff:+}") }
                }
                _ => String::new(),
            };
            html! { <td><span class="num" data-testid={format!("compare-delta-{i}-{key}")}>{val.map(|v| v.to_string()).unwrap_or_else(|| "—".into())}</span>
                {" "}<span class="delta">{d}</span></td> }
        });
        html! { <tr><th scope="row">{ if elect { "Failures tolerated: elections" } else { "Failures tolerated: replication" } }</th>{ for cells }</tr> }
    };
    html! {
        <div class="table-wrap">
            <table class="delta-table" data-testid="compare-delta-table">
                <caption>{"Each variant against the first (measured window; ▲/▼ mark better/worse)"}</caption>
                <thead><tr><th></th>{ for head }</tr></thead>
                <tbody>{ for rows }{ ft_row(true) }{ ft_row(false) }</tbody>
            </table>
        </div>
    }
}

fn charts(r: &CompareRun) -> Html {
    let mut thr = Vec::new();
    let mut cdf = Vec::new();
    let mut busy = Vec::new();
    let mut msgs = Vec::new();
    for (i, v) in r.variants.iter().enumerate() {
        let Some(rep) = &v.report else { continue };
        let (color, dash, marker) = variant_style(i);
        let tl = &rep.timeline;
        let bs = tl.bucket_ms / 1e3;
        thr.push(XySeries {
            name: v.label.clone(),
            color,
            dash,
            marker,
            points: tl
                .throughput
                .iter()
                .enumerate()
                .map(|(b, y)| ((b as f64 + 0.5) * bs, *y))
                .collect(),
        });
        cdf.push(XySeries {
            name: v.label.clone(),
            color,
            dash,
            marker,
            points: rep
                .latency_cdf
                .iter()
                .map(|(ms, q)| (*ms, q * 100.0))
                .collect(),
        });
        busy.push(BarGroup {
            name: v.label.clone(),
            color,
            dash,
            light: i % 2 == 1,
            values: rep.messages.by_node.iter().map(|n| n.busy).collect(),
        });
        msgs.push(BarGroup {
            name: v.label.clone(),
            color,
            dash,
            light: i % 2 == 1,
            values: rep
                .messages
                .by_node
                .iter()
                .map(|n| (n.sent + n.received) as f64)
                .collect(),
        });
    }
    html! {
        <div class="charts">
            <XyChart title="Throughput over time" testid="compare-chart-throughput" series={thr} x_unit="s" y_unit="req/s" />
            <XyChart title="Latency CDF (measured window)" testid="compare-chart-cdf" series={cdf} x_unit="ms" y_unit="% of requests" y_max={Some(100.0)} />
            <div data-testid="compare-chart-load" class="load-charts">
                {GroupedBars { title: "Per node: CPU busy (measured window)", testid: "compare-chart-busy", groups: busy, y_unit: "busy", y_max: Some(1.0), percent: true }.view()}
                {GroupedBars { title: "Per node: messages sent + received", testid: "compare-chart-msgs", groups: msgs, y_unit: "msgs", y_max: None, percent: false }.view()}
            </div>
        </div>
    }
}
