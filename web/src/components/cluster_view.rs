//! The cluster as an SVG ring: node roles and log progress, messages in flight (click to drop),
//! cut links, the latest quorum and, for unsafe systems, the disjoint Q1/Q2 pair. Clicks on
//! nodes crash/recover them, cut links or pick a partition, depending on the mode.

use super::quorum_badge::counterexample;
use crate::browser::prefers_reduced_motion;
use crate::run::SimAt;
use crate::state::{use_app, Action, AppCtx, ClickMode};
use fpaxos::quorum::Counterexample;
use fpaxos::{MsgKind, NodeId, Phase, Role};
use fpaxos_sim::{Endpoint, FaultAction, NodeView, QuorumMark};
use yew::prelude::*;

pub(super) const SIZE: f64 = 440.0;

/// Colour, shape and label of each message kind (shared with the space-time diagram).
pub(crate) fn kind_style(k: MsgKind) -> (&'static str, &'static str) {
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
pub(super) fn kind_shape(k: MsgKind, r: f64) -> String {
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

fn node_pos(i: usize, n: usize, radius: f64) -> (f64, f64) {
    let c = SIZE / 2.0;
    if n == 1 {
        return (c, c - radius);
    }
    let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
    (c + radius * a.cos(), c + radius * a.sin())
}

pub(super) fn role_info(role: Role, crashed: bool) -> (&'static str, &'static str, &'static str) {
    if crashed {
        return ("crashed", "✕", "crashed");
    }
    match role {
        Role::Leader => ("leader", "L", "leader"),
        Role::Candidate => ("candidate", "C", "candidate"),
        Role::Follower => ("follower", "F", "follower"),
    }
}

/// Where the ring's nodes sit.
#[derive(Clone, Copy)]
pub(super) struct Ring {
    n: usize,
    pub(super) radius: f64,
    pub(super) node_r: f64,
}

impl Ring {
    pub(super) fn of(n: usize) -> Ring {
        Ring {
            n,
            radius: if n > 12 { 180.0 } else { 165.0 },
            node_r: (26.0 - n as f64 * 0.8).clamp(11.0, 22.0),
        }
    }

    pub(super) fn node(&self, i: usize) -> (f64, f64) {
        node_pos(i, self.n, self.radius)
    }

    pub(super) fn endpoint(&self, e: Endpoint) -> (f64, f64) {
        match e {
            Endpoint::Node(i) => self.node(i as usize),
            Endpoint::Client(c) => {
                // Clients sit around the centre.
                let a = c as f64 * 2.399;
                (SIZE / 2.0 + 14.0 * a.cos(), SIZE / 2.0 + 14.0 * a.sin())
            }
        }
    }
}

/// Idle nodes, drawn without a run (invalid scenario) so the quorum counterexample can be
/// shown on them.
fn idle_views(n: usize) -> Vec<NodeView> {
    (0..n.min(fpaxos::MAX_NODES))
        .map(|i| NodeView {
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
}

/// The cut links, each a line with a ✕ in the middle.
fn cut_links(at: &SimAt, ring: &Ring) -> Vec<Html> {
    at.cut_links()
        .iter()
        .map(|c| {
            let (a, b) = (c.a as usize, c.b as usize);
            let (x1, y1) = ring.node(a);
            let (x2, y2) = ring.node(b);
            let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
            html! {
                <g class="cut-link">
                    <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                    <text x={mx.to_string()} y={(my + 4.0).to_string()} text-anchor="middle">{"✕"}</text>
                    <title>{format!("link {a}–{b} cut{}", if c.one_way() { " (one way)" } else { "" })}</title>
                </g>
            }
        })
        .collect()
}

/// The messages in flight (click one to drop it), as many as the snapshot keeps
/// ([`crate::run::sim_at::DRAWN_FLIGHTS`]), and how many more there are. With reduced motion,
/// messages sit still at the middle of their path.
fn in_flight(at: &SimAt, ring: &Ring, reduced_motion: bool, app: &AppCtx) -> (Vec<Html>, u64) {
    let now = at.now();
    let mut msgs = Vec::new();
    for f in at.in_flight() {
        let span = f.deliver_at.saturating_sub(f.sent_at).max(1) as f64;
        let frac = if reduced_motion {
            0.5
        } else {
            (now.saturating_sub(f.sent_at) as f64 / span).clamp(0.0, 1.0)
        };
        let (x1, y1) = ring.endpoint(f.from);
        let (x2, y2) = ring.endpoint(f.to);
        let (x, y) = (x1 + (x2 - x1) * frac, y1 + (y2 - y1) * frac);
        let (color, label) = kind_style(f.kind);
        let id = f.id;
        let onclick = {
            let app = app.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                app.dispatch(Action::Inject(FaultAction::DropMessage { id }));
            })
        };
        let ep = |e: Endpoint| match e {
            Endpoint::Node(i) => format!("node {i}"),
            Endpoint::Client(c) => format!("client {c}"),
        };
        msgs.push(html! {
            <g class="msg" data-msg={id.to_string()} transform={format!("translate({x:.1},{y:.1})")} {onclick}>
                <circle r="9" class="hit" />
                <path d={kind_shape(f.kind, 5.0)} fill={color} />
                <title>{format!("#{id} {label} {} → {}, arrives {} (click to drop)", ep(f.from), ep(f.to), crate::format::time(f.deliver_at))}</title>
            </g>
        });
    }
    (msgs, at.flights_not_kept())
}

/// What the ring highlights on each node.
struct Marks<'a> {
    last_quorum: Option<QuorumMark>,
    counterexample: Option<&'a Counterexample>,
    weights: Option<&'a Vec<u32>>,
    max_end: u64,
}

/// One node: body, role letter, log progress bar, label, the latest quorum's halo and the
/// counterexample's rings; clicking applies the click mode.
fn node(v: &NodeView, ring: &Ring, marks: &Marks, app: &AppCtx) -> Html {
    let i = v.id as usize;
    let node_r = ring.node_r;
    let (x, y) = ring.node(i);
    let (class, letter, role) = role_info(v.role, v.crashed);
    let in_q = marks.last_quorum.filter(|q| q.quorum.contains(v.id));
    let sel = app.tools.partition.contains(&v.id) || app.tools.link_first == Some(v.id);
    let frac = v.executed as f64 / marks.max_end as f64;
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
    let action = match app.tools.mode {
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
    let lx = x + (x - SIZE / 2.0) / ring.radius * (node_r + 24.0);
    let ly = y + (y - SIZE / 2.0) / ring.radius * (node_r + 24.0);
    html! {
        <g class={classes!("node", class, sel.then_some("selected"))} data-testid={format!("node-{i}")}
            data-role={role} tabindex="0" role="button" aria-label={label} {onclick} {onkeydown}>
            if let Some(q) = in_q {
                <circle cx={x.to_string()} cy={y.to_string()} r={(node_r + 6.0).to_string()}
                    class={if q.phase == Phase::One { "halo q1" } else { "halo q2" }} />
            }
            if let Some(c) = marks.counterexample {
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
                match marks.weights.and_then(|w| w.get(i)) {
                    Some(w) => format!("n{i} w{w}"),
                    None => format!("n{i}"),
                }
            }</text>
            <title>{format!("node {i}: {role}, ballot {}, executed {} / log end {}, inbox {}", v.ballot, v.executed, v.log_end, v.inbox)}</title>
        </g>
    }
}

/// The click-mode buttons, the partition and heal buttons.
fn mode_bar(app: &AppCtx) -> Html {
    let mode_btn = |m: ClickMode, text: &'static str, tid: &'static str| {
        let app2 = app.clone();
        html! {
            <button type="button" class={classes!("mode", (app.tools.mode == m).then_some("on"))} aria-pressed={(app.tools.mode == m).to_string()}
                data-testid={tid} onclick={Callback::from(move |_| app2.dispatch(Action::SetMode(m)))}>{text}</button>
        }
    };
    let apply = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::ApplyPartition))
    };
    let heal = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::Inject(FaultAction::Heal)))
    };
    html! {
        <div class="modes" role="group" aria-label="Click mode">
            {mode_btn(ClickMode::Crash, "Crash / recover", "mode-crash")}
            {mode_btn(ClickMode::Link, "Cut link", "mode-link")}
            {mode_btn(ClickMode::Partition, "Partition", "mode-partition")}
            if app.tools.mode == ClickMode::Partition {
                <button type="button" onclick={apply} data-testid="apply-partition">{format!("Split {:?} from the rest", app.tools.partition)}</button>
            }
            <button type="button" onclick={heal} data-testid="heal">{"Heal network"}</button>
        </div>
    }
}

/// Node weights, for weighted quorum systems.
pub(super) fn weights_of(q: &fpaxos::QuorumSpec) -> Option<&Vec<u32>> {
    match q {
        fpaxos::QuorumSpec::Weighted { weights, .. } => Some(weights),
        _ => None,
    }
}

/// The cluster view with its mode bar and legend.
#[component]
pub(crate) fn ClusterPanel() -> Html {
    let app = use_app();
    let n = app.scenario.cluster.nodes as usize;
    let ring = Ring::of(n);
    // Rebuilt only when the scenario changes, not every frame.
    let ce = use_memo(app.scenario.clone(), |s| counterexample(s));
    let reduced_motion = *use_memo((), |_| prefers_reduced_motion());
    let drawn = app.run.cluster.as_deref().map(|at| {
        (
            at.node_views(),
            at.last_quorum(),
            cut_links(at, &ring),
            in_flight(at, &ring, reduced_motion, &app),
        )
    });
    let (views, lq, links, (msgs, hidden)) =
        drawn.unwrap_or_else(|| (idle_views(n), None, Vec::new(), (Vec::new(), 0)));
    let marks = Marks {
        last_quorum: lq,
        counterexample: (*ce).as_ref(),
        weights: weights_of(&app.scenario.cluster.quorum),
        max_end: views.iter().map(|v| v.log_end).max().unwrap_or(0).max(1),
    };
    let nodes = views.iter().map(|v| node(v, &ring, &marks, &app));
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
    let reduced = n > 20;
    html! {
        <section class="panel cluster" aria-label="Cluster view">
            <h2>{"Cluster"}</h2>
            { mode_bar(&app) }
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
            {legend()}
        </section>
    }
}

/// Message and role legend.
fn legend() -> Html {
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
