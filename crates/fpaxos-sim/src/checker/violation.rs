//! What the checker reports: a [`Violation`], its kind, what each node did with its value,
//! and how values are named.

use fpaxos::{Command, NodeId, Slot, Time, Value};
use serde::{Deserialize, Serialize};

/// A safety violation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Which property broke.
    pub kind: ViolationKind,
    /// The slot.
    pub slot: Slot,
    /// The value chosen first (or expected).
    pub first: String,
    /// The conflicting value.
    pub second: String,
    /// Node that executed (or chose) the first value.
    pub first_node: Option<NodeId>,
    /// What `first_node` did with the first value (reports before this field: executed).
    #[serde(default)]
    pub first_act: Act,
    /// Node that executed (or chose, or installed) the conflicting value.
    pub node: NodeId,
    /// What `node` did with the conflicting value (reports before this field: executed).
    #[serde(default)]
    pub act: Act,
    /// Simulated time in nanoseconds.
    pub time_ns: Time,
    /// Readable one-line summary.
    pub message: String,
}

/// What a node did with a value named in a [`Violation`]; written as `executed`, `chose`,
/// `installed` or `replied` in reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Act {
    /// Executed it in its slot.
    #[default]
    Executed,
    /// Saw it chosen by a Q2, as the leader.
    Chose,
    /// Installed it by state transfer (a snapshot).
    Installed,
    /// Told its client it was done.
    Replied,
}

impl std::fmt::Display for Act {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Act::Executed => "executed",
            Act::Chose => "chose",
            Act::Installed => "installed",
            Act::Replied => "replied done for",
        })
    }
}

/// Names the value `node` holds in `slot` if its fingerprint is the one given (the simulator
/// reads the node's log), for a violation's report: the checker knows a chosen value only by its
/// fingerprint. Called only when a violation is reported.
pub type Names<'a> = &'a dyn Fn(NodeId, Slot, u64) -> Option<String>;

/// Commands as a violation lists them: `c1#4, c2#9`, or `none`.
pub fn list(cs: &[Command]) -> String {
    if cs.is_empty() {
        return "none".into();
    }
    let names: Vec<String> = cs.iter().map(|c| Value::Cmd(*c).describe()).collect();
    names.join(", ")
}

/// A value as a violation names it: a command (`c1#4`), `no-op`, or a batch with its first
/// commands (`batch of 5 (c1#4, c2#9, c3#1, ...)`), so that two batches can be told apart.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Batch(cs) => {
            let shown: Vec<String> = cs
                .iter()
                .take(3)
                .map(|c| Value::Cmd(*c).describe())
                .collect();
            let more = if cs.len() > 3 { ", ..." } else { "" };
            format!("batch of {} ({}{more})", cs.len(), shown.join(", "))
        }
        v => v.describe(),
    }
}

/// [`Names`] that knows no value.
pub fn no_names(_: NodeId, _: Slot, _: u64) -> Option<String> {
    None
}

/// The safety property a [`Violation`] breaks; written as `agreement`, `validity`, `prefix`,
/// `reply`, `gap` or `session` in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ViolationKind {
    /// Two different values chosen or executed in one slot.
    Agreement,
    /// A value chosen that no client proposed.
    Validity,
    /// A node executed slots out of order (its log is not a prefix of the agreed one).
    Prefix,
    /// A client was told its command was done before any node had executed it: a reply that a
    /// crash could turn into a lost write.
    Reply,
    /// Something the checker cannot place: an execution, snapshot or choice outside the log it
    /// knows. A correct engine never produces one.
    Gap,
    /// Client sessions: a node skipped a command as executed before when no earlier slot of
    /// the agreed log holds it (a write no state machine applies), or two nodes skipped
    /// different commands of one slot (their state machines differ).
    Session,
}

impl ViolationKind {
    /// Its name in reports and on screen.
    pub fn name(self) -> &'static str {
        match self {
            ViolationKind::Agreement => "agreement",
            ViolationKind::Validity => "validity",
            ViolationKind::Prefix => "prefix",
            ViolationKind::Reply => "reply",
            ViolationKind::Gap => "gap",
            ViolationKind::Session => "session",
        }
    }
}

impl std::fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
