//! The explicit schedule: a run given as the ordered list of everything that happens (each
//! delivery, drop, duplication, timer firing, crash, recovery and client request), which the
//! simulator replays exactly instead of drawing latencies, losses and timer deadlines. A
//! counterexample of `fpaxos explore` becomes a scenario this way, so `fpaxos run`, share links
//! and the page's space-time diagram show it like any other run.
//!
//! Step `k` (from 1) happens at `k × every` of simulated time. A message is named by its link
//! and its number on that link: `{"from": 0, "to": 1, "nth": 2}` is the second message node 0
//! sent to node 1 in this run (a duplicate keeps its original's number), and `kind` must match,
//! so a schedule that no longer fits the run it was made from stops with a clear error instead
//! of replaying something else.

use super::limits;
use crate::dur::Dur;
use fpaxos::{MsgKind, Timer};
use serde::{Deserialize, Serialize};

/// A run given step by step (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Schedule {
    /// Simulated time between steps: step `k` (from 1) happens at `k × every`.
    pub every: Dur,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            every: Dur::ms(1),
            steps: Vec::new(),
        }
    }
}

/// A node timer, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerName {
    /// The election timer (a follower campaigns, a candidate retries).
    Election,
    /// The leader's heartbeat tick (with the check-quorum test).
    Heartbeat,
    /// Resending unanswered accepts or prepares.
    Retransmit,
}

impl TimerName {
    /// The core's timer.
    pub fn timer(self) -> Timer {
        match self {
            TimerName::Election => Timer::Election,
            TimerName::Heartbeat => Timer::Heartbeat,
            TimerName::Retransmit => Timer::Retransmit,
        }
    }

    /// The name of the core's timer.
    pub fn of(t: Timer) -> TimerName {
        match t {
            Timer::Election => TimerName::Election,
            Timer::Heartbeat => TimerName::Heartbeat,
            Timer::Retransmit => TimerName::Retransmit,
        }
    }

    /// Its name in JSON and messages.
    pub fn name(self) -> &'static str {
        match self {
            TimerName::Election => "election",
            TimerName::Heartbeat => "heartbeat",
            TimerName::Retransmit => "retransmit",
        }
    }
}

/// A message in flight, named so that a replay is unambiguous: the `nth` message `from` sent
/// `to` in this run (from 1), which must be a `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MsgRef {
    /// Sender.
    pub from: u32,
    /// Receiver.
    pub to: u32,
    /// Its number among the messages `from` sent `to` (from 1).
    pub nth: u32,
    /// Its kind (checked at replay).
    pub kind: MsgKind,
}

impl std::fmt::Display for MsgRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}→{} #{}",
            self.kind.name(),
            self.from,
            self.to,
            self.nth
        )
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One step of a schedule. In JSON the action names the step and its fields sit beside it:
/// `{"action": "deliver", "from": 0, "to": 1, "nth": 1, "kind": "prepare"}`. A message step's
/// `from`, `to`, `nth` and `kind` name the message (see [`MsgRef`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// A message in flight arrives and its node handles it.
    Deliver {
        /// Sender.
        from: u32,
        /// Receiver.
        to: u32,
        /// Its number among the messages `from` sent `to` (from 1).
        nth: u32,
        /// Its kind.
        kind: MsgKind,
        /// Deliver a copy and leave the message in flight (the explorer's default network, in
        /// which a message once sent stays deliverable). Written only when set.
        #[serde(default, skip_serializing_if = "is_false")]
        keep: bool,
    },
    /// A message in flight is lost.
    Drop {
        /// Sender.
        from: u32,
        /// Receiver.
        to: u32,
        /// Its number among the messages `from` sent `to` (from 1).
        nth: u32,
        /// Its kind.
        kind: MsgKind,
    },
    /// A message in flight gets a second copy (with the same number).
    Duplicate {
        /// Sender.
        from: u32,
        /// Receiver.
        to: u32,
        /// Its number among the messages `from` sent `to` (from 1).
        nth: u32,
        /// Its kind.
        kind: MsgKind,
    },
    /// An armed timer of a live node fires: as much time as it waits for has passed.
    Timer {
        /// The node.
        node: u32,
        /// Which timer.
        timer: TimerName,
    },
    /// The node stops; it keeps its durable state, loses its timers.
    Crash {
        /// The node.
        node: u32,
    },
    /// A crashed node restarts from its durable state.
    Recover {
        /// The node.
        node: u32,
    },
    /// Client `client` hands its next command (sequence numbers from 1) to `node` directly.
    Request {
        /// The node.
        node: u32,
        /// The client (below `workload.clients`).
        client: u32,
    },
    /// Client `client` hands its last command again, unchanged, to `node`: a resend, as a
    /// client whose timeout passed makes (an earlier `request` step of the client named it).
    /// Links with one are version 3.
    Resend {
        /// The node.
        node: u32,
        /// The client (below `workload.clients`).
        client: u32,
    },
}

impl Step {
    /// A deliver step.
    pub fn deliver(m: MsgRef, keep: bool) -> Step {
        Step::Deliver {
            from: m.from,
            to: m.to,
            nth: m.nth,
            kind: m.kind,
            keep,
        }
    }

    /// A drop step.
    pub fn drop(m: MsgRef) -> Step {
        Step::Drop {
            from: m.from,
            to: m.to,
            nth: m.nth,
            kind: m.kind,
        }
    }

    /// A duplicate step.
    pub fn duplicate(m: MsgRef) -> Step {
        Step::Duplicate {
            from: m.from,
            to: m.to,
            nth: m.nth,
            kind: m.kind,
        }
    }

    /// The message a deliver, drop or duplicate step names.
    pub fn msg(&self) -> Option<MsgRef> {
        match *self {
            Step::Deliver {
                from,
                to,
                nth,
                kind,
                ..
            }
            | Step::Drop {
                from,
                to,
                nth,
                kind,
            }
            | Step::Duplicate {
                from,
                to,
                nth,
                kind,
            } => Some(MsgRef {
                from,
                to,
                nth,
                kind,
            }),
            _ => None,
        }
    }

    /// One line, e.g. `deliver prepare 0→1 #1`.
    pub fn describe(&self) -> String {
        let m = self.msg();
        match (self, m) {
            (Step::Deliver { keep: false, .. }, Some(m)) => format!("deliver {m}"),
            (Step::Deliver { keep: true, .. }, Some(m)) => format!("deliver {m} (and keep it)"),
            (Step::Drop { .. }, Some(m)) => format!("drop {m}"),
            (Step::Duplicate { .. }, Some(m)) => format!("duplicate {m}"),
            (Step::Timer { node, timer }, _) => {
                format!("node {node}: {} timer fires", timer.name())
            }
            (Step::Crash { node }, _) => format!("node {node} crashes"),
            (Step::Recover { node }, _) => format!("node {node} recovers"),
            (Step::Request { node, client }, _) => {
                format!("client {client} submits its next command to node {node}")
            }
            (Step::Resend { node, client }, _) => {
                format!("client {client} resends its last command to node {node}")
            }
            _ => String::new(),
        }
    }

    fn check(&self, k: usize, nodes: u32, clients: u32, errs: &mut Vec<String>) {
        let what = self.describe();
        let mut problem = |p: String| errs.push(format!("schedule step {k} (`{what}`) {p}"));
        let mut ids = Vec::new();
        if let Some(m) = self.msg() {
            ids.extend([("sender ", m.from), ("receiver ", m.to)]);
            if m.from == m.to {
                problem("names a message from a node to itself; nodes send only to others".into());
            }
            if m.nth == 0 {
                problem("has `nth` 0; messages on a link are numbered from 1".into());
            }
            if matches!(m.kind, MsgKind::Request | MsgKind::Reply) {
                problem(
                    "names a client message; a schedule delivers node-to-node messages (use a `request` step for a client)"
                        .into(),
                );
            }
        }
        match *self {
            Step::Timer { node, .. } | Step::Crash { node } | Step::Recover { node } => {
                ids.push(("", node))
            }
            Step::Request { node, client } | Step::Resend { node, client } => {
                ids.push(("", node));
                if client >= clients {
                    problem(format!(
                        "names client {client}, but `workload.clients` is {clients}; raise it"
                    ));
                }
            }
            _ => {}
        }
        for (role, id) in ids {
            if id >= nodes {
                problem(format!("names {role}node {id}, but nodes are 0..{nodes}"));
            }
        }
    }
}

impl Schedule {
    /// When step `k` (from 1) happens, in nanoseconds.
    pub fn time_of(&self, k: usize) -> u64 {
        self.every.0.saturating_mul(k as u64)
    }

    /// Every problem, one sentence each. `duration` must reach the last step; `faults` must be
    /// empty (a schedule carries its own crashes and recoveries).
    pub(super) fn check(
        &self,
        nodes: u32,
        clients: u32,
        duration: Dur,
        faults: usize,
        errs: &mut Vec<String>,
    ) {
        if !limits::SCHEDULE_EVERY.contains(&self.every) {
            errs.push(format!(
                "schedule `every` must be between {} and {}, not {}",
                limits::SCHEDULE_EVERY.min,
                limits::SCHEDULE_EVERY.max,
                self.every
            ));
        }
        if self.steps.len() > limits::MAX_SCHEDULE_STEPS {
            errs.push(format!(
                "a schedule has at most {} steps, this one {}",
                limits::MAX_SCHEDULE_STEPS,
                self.steps.len()
            ));
            return;
        }
        let last = Dur(self.time_of(self.steps.len()));
        if last > duration {
            errs.push(format!(
                "the schedule's last step happens at {last}, after the run ends at {duration}; make `duration` at least {last}"
            ));
        }
        if faults > 0 {
            errs.push(
                "a scenario with a schedule takes its crashes and recoveries from the schedule; remove `faults` (or make them `crash`/`recover` steps)"
                    .into(),
            );
        }
        // Clients that submitted a command by the step at hand: a resend repeats one.
        let mut submitted = std::collections::BTreeSet::new();
        for (i, s) in self.steps.iter().enumerate() {
            s.check(i + 1, nodes, clients, errs);
            match *s {
                Step::Request { client, .. } => {
                    submitted.insert(client);
                }
                Step::Resend { client, .. } if !submitted.contains(&client) => errs.push(format!(
                    "schedule step {} (`{}`) resends a command client {client} has not submitted; put a `request` step of that client before it",
                    i + 1,
                    s.describe()
                )),
                _ => {}
            }
        }
    }

    /// Whether a step resends a command (links with one are version 3).
    pub fn has_resends(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Resend { .. }))
    }
}
