//! Counterexample traces: the search's actions as readable numbered steps, and replay of a
//! trace on fresh nodes (the same violation must come back).

use crate::config::ExploreConfig;
use crate::state::{Act, State, Violation};
use crate::world::{Envelope, World};
use fpaxos::{Msg, NodeId, Timer};
use serde::Serialize;

/// One transition of the model, in terms of nodes and messages (no search-internal ids), so
/// a trace can be replayed on fresh nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Deliver one copy of a message in flight.
    Deliver(Envelope),
    /// Drop one copy of a message in flight.
    Drop(Envelope),
    /// Add one copy of a message in flight.
    Duplicate(Envelope),
    /// An armed timer fires.
    Timer {
        /// The node.
        node: NodeId,
        /// Which timer.
        timer: Timer,
    },
    /// A node crashes (volatile state is lost when it recovers).
    Crash {
        /// The node.
        node: NodeId,
    },
    /// A crashed node recovers.
    Recover {
        /// The node.
        node: NodeId,
    },
    /// A client submits command number `command` to `node`.
    Request {
        /// The node.
        node: NodeId,
        /// The command's number (client `command`, sequence 1).
        command: u32,
    },
    /// A client hands command number `command`, which it submitted before, to `node` again.
    Resend {
        /// The node.
        node: NodeId,
        /// The command's number (client `command`, sequence 1).
        command: u32,
    },
}

/// One numbered step of a trace.
#[derive(Clone, Debug, Serialize)]
pub struct TraceStep {
    /// Step number, from 1.
    pub n: usize,
    /// `deliver`, `drop`, `duplicate`, `timer`, `crash`, `recover`, `request` or `resend`.
    pub kind: &'static str,
    /// The node that acts (a message's destination).
    pub node: NodeId,
    /// A message's sender.
    pub from: Option<NodeId>,
    /// One line, e.g. `deliver Promise 1→0 ballot 1.0`.
    pub text: String,
    /// The action, for replay.
    #[serde(skip)]
    pub action: Action,
}

/// A message in a few words.
pub fn describe_msg(e: &Envelope) -> String {
    let (f, t) = (e.from, e.to);
    match &e.msg {
        Msg::Prepare(m) => format!(
            "Prepare {f}→{t} ballot {} from slot {}",
            m.ballot, m.first_slot
        ),
        Msg::Promise(m) => {
            let entries: Vec<String> = m
                .entries
                .iter()
                .map(|x| {
                    let chosen = if x.chosen { " chosen" } else { "" };
                    format!(
                        "slot {}: {} @{}{chosen}",
                        x.slot,
                        x.value.describe(),
                        x.ballot
                    )
                })
                .collect();
            if entries.is_empty() {
                format!("Promise {f}→{t} ballot {} (nothing accepted)", m.ballot)
            } else {
                format!(
                    "Promise {f}→{t} ballot {} ({})",
                    m.ballot,
                    entries.join(", ")
                )
            }
        }
        Msg::Nack(m) => format!("Nack {f}→{t} promised {}", m.promised),
        Msg::Accept(m) => format!(
            "Accept {f}→{t} ballot {} slot {} {}",
            m.ballot,
            m.slot,
            m.value.describe()
        ),
        Msg::Accepted(m) => format!("Accepted {f}→{t} ballot {} slot {}", m.ballot, m.slot),
        Msg::Commit(m) => format!(
            "Commit {f}→{t} ballot {} commit {} ({} entries)",
            m.ballot,
            m.commit,
            m.entries.len()
        ),
        Msg::Heartbeat(m) => format!("Heartbeat {f}→{t} ballot {} commit {}", m.ballot, m.commit),
        Msg::HeartbeatAck(m) => format!(
            "HeartbeatAck {f}→{t} ballot {} executed {}",
            m.ballot, m.executed
        ),
        Msg::Snapshot(m) => format!("Snapshot {f}→{t} ballot {} upto {}", m.ballot, m.upto),
        Msg::PreVote(m) => format!("PreVote {f}→{t} ballot {}", m.ballot),
        Msg::PreVoteReply(m) => format!(
            "PreVoteReply {f}→{t} ballot {} granted {}",
            m.ballot, m.granted
        ),
    }
}

fn timer_name(t: Timer) -> &'static str {
    match t {
        Timer::Election => "election",
        Timer::Heartbeat => "heartbeat",
        Timer::Retransmit => "retransmit",
    }
}

fn public(world: &World, act: Act) -> Action {
    match act {
        Act::Deliver(e) => Action::Deliver(world.env(e).clone()),
        Act::Drop(e) => Action::Drop(world.env(e).clone()),
        Act::Dup(e) => Action::Duplicate(world.env(e).clone()),
        Act::Fire(node, timer) => Action::Timer { node, timer },
        Act::Crash(node) => Action::Crash { node },
        Act::Recover(node) => Action::Recover { node },
        Act::Request(node, command) => Action::Request { node, command },
        Act::Resend(node, command) => Action::Resend { node, command },
    }
}

fn step_of(n: usize, action: Action) -> TraceStep {
    let (kind, node, from, text) = match &action {
        Action::Deliver(e) => (
            "deliver",
            e.to,
            Some(e.from),
            format!("deliver {}", describe_msg(e)),
        ),
        Action::Drop(e) => (
            "drop",
            e.to,
            Some(e.from),
            format!("drop {}", describe_msg(e)),
        ),
        Action::Duplicate(e) => (
            "duplicate",
            e.to,
            Some(e.from),
            format!("duplicate {}", describe_msg(e)),
        ),
        Action::Timer { node, timer } => (
            "timer",
            *node,
            None,
            format!("node {node}: {} timer fires", timer_name(*timer)),
        ),
        Action::Crash { node } => ("crash", *node, None, format!("node {node} crashes")),
        Action::Recover { node } => ("recover", *node, None, format!("node {node} recovers")),
        Action::Request { node, command } => (
            "request",
            *node,
            None,
            format!("client {command} submits c{command}#1 to node {node}"),
        ),
        Action::Resend { node, command } => (
            "resend",
            *node,
            None,
            format!("client {command} resends c{command}#1 to node {node}"),
        ),
    };
    TraceStep {
        n,
        kind,
        node,
        from,
        text,
        action,
    }
}

/// Renders the search's actions as steps, replaying them from the initial state; returns the
/// violation the replay reached (the last step's).
pub(crate) fn render(world: &mut World, acts: &[Act]) -> (Vec<TraceStep>, Option<Violation>) {
    let mut state = State::initial(world);
    let mut steps = Vec::with_capacity(acts.len());
    let mut found = None;
    for (i, &act) in acts.iter().enumerate() {
        steps.push(step_of(i + 1, public(world, act)));
        match state.next(world, act) {
            Ok((next, v)) => {
                state = next;
                if v.is_some() {
                    found = v;
                }
            }
            Err(_) => break,
        }
    }
    (steps, found)
}

/// Replays `actions` on fresh nodes of `cfg`, checking that each action is enabled where it is
/// taken. Returns the first violation and the step (from 1) that exposed it.
pub fn replay(
    cfg: &ExploreConfig,
    actions: &[Action],
) -> Result<Option<(usize, Violation)>, String> {
    let quorums = cfg.quorums().map_err(|e| e.join("; "))?;
    let mut world = World::new(cfg.clone(), quorums);
    let mut state = State::initial(&mut world);
    let mut enabled = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        let act = match a {
            Action::Deliver(e) => Act::Deliver(world.intern_env(e.clone())),
            Action::Drop(e) => Act::Drop(world.intern_env(e.clone())),
            Action::Duplicate(e) => Act::Dup(world.intern_env(e.clone())),
            Action::Timer { node, timer } => Act::Fire(*node, *timer),
            Action::Crash { node } => Act::Crash(*node),
            Action::Recover { node } => Act::Recover(*node),
            Action::Request { node, command } => Act::Request(*node, *command),
            Action::Resend { node, command } => Act::Resend(*node, *command),
        };
        state.actions(&world, &mut enabled);
        if !enabled.contains(&act) {
            return Err(format!("step {}: {:?} is not enabled there", i + 1, a));
        }
        let (next, v) = state
            .next(&mut world, act)
            .map_err(|b| format!("step {}: beyond the {} bound", i + 1, b.name()))?;
        if let Some(v) = v {
            return Ok(Some((i + 1, v)));
        }
        state = next;
    }
    Ok(None)
}
