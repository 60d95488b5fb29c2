//! The cluster as an SVG ring: node roles and log progress, messages in flight (click to drop),
//! cut links, the latest quorum and, for unsafe systems, the disjoint Q1/Q2 pair. Clicks on
//! nodes crash/recover them, cut links or pick a partition, depending on the mode.

use super::quorum_badge::counterexample;
use crate::state::{use_app, Action, ClickMode};
use fpaxos::{MsgKind, NodeId, Phase, Role};
use fpaxos_sim::Endpoint;
use yew::prelude::*;

/// Most messages drawn at once.
const MAX_DRAWN: usize = 400;
const SIZE: f64 = 440.0;

/// Colour, shape and label of each message kind (shared with the space-time diagram).
pub fn kind_style(k: MsgKind) -> (&'static str, &'static str) {
    match k {
        MsgKind::Request => ("#64748b", "request"),
        MsgKind::Reply => ("#0f766e", "reply"),
        MsgKind::Prepare => ("#7c3aed", "prepare"),
        MsgKind::Promise => ("#c026d3", "promise"),
        MsgKind::Nack => ("#dc2626", "nack"),
        MsgKind::Accept => ("#2563eb", "accept"),
        MsgKind::Accepted => ("#0891b2", "accepted"),
        MsgKind::Commit => ("#16a34a", "commit"),
        MsgKind::Heartbeat => ("#d97706", "heartbeat"),
        MsgKind::HeartbeatAck => ("#ca8a04", "heartbeat ack"),
        MsgKind::Snapshot => ("#db2777", "snapshot"),
        MsgKind::PreVote => ("#a78bfa", "pre-vote"),
        MsgKind::PreVoteReply => ("#e879f9", "pre-vote reply"),
    }
}

/// SVG path of a message marker centred at the origin (shape carries the phase, not only colour).
fn kind_shape(k: MsgKind, r: f64) -> String {
    match k {
        // Phase 1: squares.
        MsgKind::Prepare
        | MsgKind::Promise
        | MsgKind::Nack
        | MsgKind::PreVote
        | MsgKind::PreVoteReply => {
            format!("M{} {}h{}v{}h{}z", -r, -r, 2.0 * r, 2.0 * r, -2.0 * r)
        }
        // Commit: diamond.
        MsgKind::Commit | MsgKind::Snapshot => format!(
            "M0 {}L{} 0L0 {}L{} 0z",
            -r * 1.3,
            r * 1.3,
            r * 1.3,
            -r * 1.3
        ),
        // Client traffic: triangles.
        MsgKind::Request | MsgKind::Reply => {
            format!("M0 {}L{} {}L{} {}z", -r * 1.2, r * 1.1, r, -r * 1.1, r)
        }
        // Heartbeats: small bars.
        MsgKind::Heartbeat | MsgKind::HeartbeatAck => format!(
            "M{} {}h{}v{}h{}z",
            -r,
            -r * 0.45,
            2.0 * r,
            0.9 * r,
            -2.0 * r
        ),
        // Phase 2: circles.
        _ => format!(
            "M{} 0a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 {} 0",
            -r,
            2.0 * r,
            -2.0 * r
        ),
    }
}

/// Whether the user asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

fn node_pos(i: usize, n: usize, radius: f64) -> (f64, f64) {
    let c = SIZE / 2.0;
    if n == 1 {
        return (c, c - radius);
    }
    let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
    (c + radius * a.cos(), c + radius * a.sin())
}

fn role_info(role: Role, crashed: bool) -> (&'static str, &'static str, &'static str) {
    if crashed {
        return ("crashed", "✕", "crashed");
    }
    match role {
        Role::Leader => ("leader", "L", "leader"),
        Role::Candidate => ("candidate", "C", "candidate"),
        Role::Follower => ("follower", "F", "follower"),
    }
}

/// The cluster view with its mode bar and legend.
#[component]
pub fn ClusterPanel() -> Html {
    let app = use_app();
    let guard = app.sim.0.borrow();
    let n = app.scenario.cluster.nodes as usize;
    let radius = if n > 12 { 180.0 } else { 165.0 };
    let node_r = (26.0 - n as f64 * 0.8).clamp(11.0, 22.0);
    let now = app.now;
    // Without a run (invalid scenario) the nodes are still drawn, idle, so the quorum
    // counterexample can be shown on them.
    let views = guard.as_ref().map(|s| s.node_views()).unwrap_or_else(|| {
        (0..n.min(fpaxos::MAX_NODES))
            .map(|i| fpaxos_sim::NodeView {
                id: i as NodeId,
                role: Role::Follower,
                crashed: false,
                ballot: 0,
                executed: 0,
                log_end: 0,
                inbox: 0,
                slow: 1.0,
            })
            .collect()
    });
    let max_end = views.iter().map(|v| v.log_end).max().unwrap_or(0).max(1);
    let ce = counterexample(&app.scenario);
    let weights = match &app.scenario.cluster.quorum {
        fpaxos::QuorumSpec::Weighted { weights, .. } => Some(weights),
        _ => None,
    };
    let lq = guard.as_ref().and_then(|s| s.last_quorum());
    // With reduced motion, messages sit still at the middle of their path while in flight.
    let reduced_motion = *use_memo((), |_| prefers_reduced_motion());

    let pos = |e: Endpoint| -> (f64, f64) {
        match e {
            Endpoint::Node(i) => node_pos(i as usize, n, radius),
            Endpoint::Client(c) => {
                // Clients sit around the centre.
                let a = c as f64 * 2.399;
                (SIZE / 2.0 + 14.0 * a.cos(), SIZE / 2.0 + 14.0 * a.sin())
            }
        }
    };

    // Cut links.
    let mut links = Vec::new();
    if let Some(sim) = guard.as_ref() {
        for a in 0..n {
            for b in a + 1..n {
                let (x, y) = (a as NodeId, b as NodeId);
                let ab = sim.link_blocked(x, y);
                let ba = sim.link_blocked(y, x);
                if ab || ba {
                    let (x1, y1) = node_pos(a, n, radius);
                    let (x2, y2) = node_pos(b, n, radius);
                    let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
                    links.push(html! {
                        <g class="cut-link">
                            <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                            <text x={mx.to_string()} y={(my + 4.0).to_string()} text-anchor="middle">{"✕"}</text>
                            <title>{format!("link {a}–{b} cut{}", if ab != ba { " (one way)" } else { "" })}</title>
                        </g>
                    });
                }
            }
        }
    }

    // Messages in flight.
    let mut msgs = Vec::new();
    let mut hidden = 0usize;
    if let Some(sim) = guard.as_ref() {
        for f in sim.in_flight() {
            if msgs.len() >= MAX_DRAWN {
                hidden += 1;
                continue;
            }
            let span = f.deliver_at.saturating_sub(f.sent_at).max(1) as f64;
            let frac = if reduced_motion {
                0.5
            } else {
                (now.saturating_sub(f.sent_at) as f64 / span).clamp(0.0, 1.0)
            };
            let (x1, y1) = pos(f.from);
            let (x2, y2) = pos(f.to);
            let (x, y) = (x1 + (x2 - x1) * frac, y1 + (y2 - y1) * frac);
            let (color, label) = kind_style(f.kind);
            let id = f.id;
            let onclick = {
                let app = app.clone();
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    app.dispatch(Action::Inject(fpaxos_sim::FaultAction::DropMessage { id }));
                })
            };
            let ep = |e: Endpoint| match e {
                Endpoint::Node(i) => format!("node {i}"),
                Endpoint::Client(c) => format!("client {c}"),
            };
            msgs.push(html! {
                <g class="msg" transform={format!("translate({x:.1},{y:.1})")} {onclick}>
                    <circle r="9" class="hit" />
                    <path d={kind_shape(f.kind, 5.0)} fill={color} />
                    <title>{format!("#{id} {label} {} → {}, arrives {} (click to drop)", ep(f.from), ep(f.to), crate::format::time(f.deliver_at))}</title>
                </g>
            });
        }
    }

    // Nodes.
    let nodes = views.iter().map(|v| {
        let i = v.id as usize;
        let (x, y) = node_pos(i, n, radius);
        let (class, letter, role) = role_info(v.role, v.crashed);
        let in_q = lq.filter(|q| q.quorum.contains(v.id));
        let sel = app.partition.contains(&v.id) || app.link_first == Some(v.id);
        let frac = v.executed as f64 / max_end as f64;
        let onclick = {
            let app = app.clone();
            let id = v.id;
            Callback::from(move |_| app.dispatch(Action::NodeClick(id)))
        };
        let onkeydown = {
            let app = app.clone();
            let id = v.id;
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    e.stop_propagation();
                    app.dispatch(Action::NodeClick(id));
                }
            })
        };
        let action = match app.mode {
            ClickMode::Crash if v.crashed => "recover it",
            ClickMode::Crash => "crash it",
            ClickMode::Link => "pick a link end",
            ClickMode::Partition => "toggle it in the partition",
        };
        let label = format!(
            "Node {i}, {role}, executed {} of {}. Press to {action}.",
            v.executed, v.log_end
        );
        let bw = node_r * 2.0;
        let lx = x + (x - SIZE / 2.0) / radius * (node_r + 24.0);
        let ly = y + (y - SIZE / 2.0) / radius * (node_r + 24.0);
        html! {
            <g class={classes!("node", class, sel.then_some("selected"))} data-testid={format!("node-{i}")}
                data-role={role} tabindex="0" role="button" aria-label={label} {onclick} {onkeydown}>
                if let Some(q) = in_q {
                    <circle cx={x.to_string()} cy={y.to_string()} r={(node_r + 6.0).to_string()}
                        class={if q.phase == Phase::One { "halo q1" } else { "halo q2" }} />
                }
                if let Some(c) = ce {
                    if c.q1.contains(v.id) {
                        <circle cx={x.to_string()} cy={y.to_string()} r={(node_r + 10.0).to_string()} class="ce ce1" />
                    }
                    if c.q2.contains(v.id) {
                        <circle cx={x.to_string()} cy={y.to_string()} r={(node_r + 14.0).to_string()} class="ce ce2" />
                    }
                }
                <circle cx={x.to_string()} cy={y.to_string()} r={node_r.to_string()} class="body" />
                <text x={x.to_string()} y={(y + 5.0).to_string()} text-anchor="middle" class="letter">{letter}</text>
                <rect x={(x - node_r).to_string()} y={(y + node_r + 3.0).to_string()} width={bw.to_string()} height="4" class="bar-bg" />
                <rect x={(x - node_r).to_string()} y={(y + node_r + 3.0).to_string()} width={(bw * frac).to_string()} height="4" class="bar" />
                <text x={lx.to_string()} y={(ly + 4.0).to_string()} text-anchor="middle" class="nid">{
                    match weights.and_then(|w| w.get(i)) {
                        Some(w) => format!("n{i} w{w}"),
                        None => format!("n{i}"),
                    }
                }</text>
                <title>{format!("node {i}: {role}, ballot {}, executed {} / log end {}, inbox {}", v.ballot, v.executed, v.log_end, v.inbox)}</title>
            </g>
        }
    });

    let quorum_caption = lq.map(|q| {
        let ph = if q.phase == Phase::One {
            "Q1 (election)"
        } else {
            "Q2 (replication)"
        };
        format!(
            "Latest quorum: {ph} {} led by node {} at {}",
            q.quorum,
            q.leader,
            crate::format::time(q.at)
        )
    });
    let mode_btn = |m: ClickMode, text: &'static str, tid: &'static str| {
        let app2 = app.clone();
        html! {
            <button type="button" class={classes!("mode", (app.mode == m).then_some("on"))} aria-pressed={(app.mode == m).to_string()}
                data-testid={tid} onclick={Callback::from(move |_| app2.dispatch(Action::SetMode(m)))}>{text}</button>
        }
    };
    let apply = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::ApplyPartition))
    };
    let heal = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::Inject(fpaxos_sim::FaultAction::Heal)))
    };
    let reduced = n > 20;
    html! {
        <section class="panel cluster" aria-label="Cluster view">
            <h2>{"Cluster"}</h2>
            <div class="modes" role="group" aria-label="Click mode">
                {mode_btn(ClickMode::Crash, "Crash / recover", "mode-crash")}
                {mode_btn(ClickMode::Link, "Cut link", "mode-link")}
                {mode_btn(ClickMode::Partition, "Partition", "mode-partition")}
                if app.mode == ClickMode::Partition {
                    <button type="button" onclick={apply} data-testid="apply-partition">{format!("Split {:?} from the rest", app.partition)}</button>
                }
                <button type="button" onclick={heal} data-testid="heal">{"Heal network"}</button>
            </div>
            <svg class="cluster-svg" viewBox={format!("0 0 {SIZE} {SIZE}")} data-testid="cluster-view" role="group"
                aria-label={format!("{n} nodes on a ring; messages move between them")}>
                <circle cx={(SIZE / 2.0).to_string()} cy={(SIZE / 2.0).to_string()} r="24" class="clients" />
                <text x={(SIZE / 2.0).to_string()} y={(SIZE / 2.0 + 40.0).to_string()} text-anchor="middle" class="clients-label">{"clients"}</text>
                { for links }
                if !reduced { { for msgs } }
                { for nodes }
            </svg>
            <p class="caption" data-testid="quorum-caption">{quorum_caption.unwrap_or_else(|| "No quorum has completed a phase yet.".into())}</p>
            if hidden > 0 { <p class="muted">{format!("{hidden} more messages in flight not drawn.")}</p> }
            if let Some(note) = &app.note { <p class="note" role="status">{note.clone()}</p> }
            <Legend />
        </section>
    }
}

/// Message and role legend.
#[component]
fn Legend() -> Html {
    let kinds = [
        MsgKind::Request,
        MsgKind::Reply,
        MsgKind::Prepare,
        MsgKind::Promise,
        MsgKind::Accept,
        MsgKind::Accepted,
        MsgKind::Commit,
        MsgKind::Heartbeat,
        MsgKind::Nack,
    ];
    html! {
        <div class="legend" aria-label="Legend">
            { for kinds.iter().map(|k| {
                let (c, label) = kind_style(*k);
                html! { <span class="item"><svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true"><path d={kind_shape(*k, 5.0)} fill={c} /></svg>{label}</span> }
            }) }
            <span class="item"><span class="role-key leader">{"L"}</span>{"leader"}</span>
            <span class="item"><span class="role-key candidate">{"C"}</span>{"candidate"}</span>
            <span class="item"><span class="role-key follower">{"F"}</span>{"follower"}</span>
            <span class="item"><span class="role-key crashed">{"✕"}</span>{"crashed"}</span>
            <span class="item"><span class="halo-key q2"></span>{"latest quorum"}</span>
            <span class="item"><span class="cut-key"></span>{"cut link"}</span>
        </div>
    }
}
