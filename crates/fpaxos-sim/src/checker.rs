//! The always-on safety checker: agreement (one value per slot, whether chosen by a leader's Q2
//! or executed by a node), validity (only proposed commands are chosen) and log-prefix
//! consistency (every node executes the same sequence, in order).
//!
//! Agreement is checked on *chosen* values, not only executed ones: with unsafe quorums a value
//! can be chosen by a Q2 and replaced before any node executes it. Anything the checker cannot
//! place (an execution, snapshot or choice outside the log it knows) is a `gap` violation, never
//! skipped: a correct engine never produces one.
//!
//! Memory stays bounded: the checker keeps chosen values only for slots some node has yet to
//! execute.

use fpaxos::node::digest_step_fp;
use fpaxos::{NodeId, Slot, Time, Value};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Most violations recorded (the first one matters most).
const MAX_VIOLATIONS: usize = 100;

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

/// What a node did with a value named in a [`Violation`]; written as `executed`, `chose` or
/// `installed` in reports.
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
}

impl std::fmt::Display for Act {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Act::Executed => "executed",
            Act::Chose => "chose",
            Act::Installed => "installed",
        })
    }
}

/// Names the value `node` holds in `slot` if its fingerprint is the one given (the simulator
/// reads the node's log), for a violation's report: the checker knows a chosen value only by its
/// fingerprint. Called only when a violation is reported.
pub type Names<'a> = &'a dyn Fn(NodeId, Slot, u64) -> Option<String>;

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

/// The safety property a [`Violation`] breaks; written as `agreement`, `validity`, `prefix` or
/// `gap` in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ViolationKind {
    /// Two different values chosen or executed in one slot.
    Agreement,
    /// A value chosen that no client proposed.
    Validity,
    /// A node executed slots out of order (its log is not a prefix of the agreed one).
    Prefix,
    /// Something the checker cannot place: an execution, snapshot or choice outside the log it
    /// knows. A correct engine never produces one.
    Gap,
}

impl ViolationKind {
    /// Its name in reports and on screen.
    pub fn name(self) -> &'static str {
        match self {
            ViolationKind::Agreement => "agreement",
            ViolationKind::Validity => "validity",
            ViolationKind::Prefix => "prefix",
            ViolationKind::Gap => "gap",
        }
    }
}

impl std::fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Safety checker state.
#[derive(Clone, Debug)]
pub struct Checker {
    base: Slot,
    base_digest: u64,
    /// (value, digest after it, node that executed it first) for slots `base..`.
    log: VecDeque<(Value, u64, NodeId)>,
    /// (fingerprint, leader that announced it first) of values reported chosen, indexed by
    /// `slot - base` like `log` (a deque, not a map: one entry per slot, O(1) on the hot path).
    chosen: VecDeque<Option<(u64, NodeId)>>,
    next: Vec<Slot>,
    issued: Vec<u32>,
    /// Per client, a bit per sequence number: executed (in its first slot) at least once.
    executed: Vec<Vec<u64>>,
    /// Commands executed in more than one slot.
    executed_twice: u64,
    violations: Vec<Violation>,
    decisions: u64,
    /// Readable names of values known by fingerprint only (schedule mode names the values it
    /// sees voted for); without one a value is written as its fingerprint.
    names: Vec<(u64, String)>,
}

impl Checker {
    /// A checker for `nodes` nodes and `clients` clients.
    pub fn new(nodes: usize, clients: usize) -> Checker {
        Checker {
            base: 0,
            base_digest: 0,
            log: VecDeque::new(),
            chosen: VecDeque::new(),
            next: vec![0; nodes],
            issued: vec![0; clients],
            executed: vec![Vec::new(); clients],
            executed_twice: 0,
            violations: Vec::new(),
            decisions: 0,
            names: Vec::new(),
        }
    }

    /// Tells the checker a client issued sequence number `seq`.
    #[inline]
    pub fn issued(&mut self, client: u32, seq: u32) {
        if let Some(s) = self.issued.get_mut(client as usize) {
            *s = (*s).max(seq);
        }
    }

    /// Gives the value of fingerprint `fp` a readable name in violation messages.
    pub fn name_value(&mut self, fp: u64, name: String) {
        if !self.names.iter().any(|(f, _)| *f == fp) {
            self.names.push((fp, name));
        }
    }

    /// A readable name for the value of fingerprint `fp` that `node` holds in `slot`: a name
    /// given by `name_value`, else the value as `names` finds it, else the fingerprint.
    fn value_text(&self, fp: u64, node: NodeId, slot: Slot, names: Names) -> String {
        match self.names.iter().find(|(f, _)| *f == fp) {
            Some((_, n)) => n.clone(),
            None => names(node, slot, fp).unwrap_or_else(|| format!("value {fp:016x}")),
        }
    }

    fn report(&mut self, v: Violation) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(v);
        }
    }

    /// A node executed `value` in `slot`.
    pub fn decide(&mut self, now: Time, node: NodeId, slot: Slot, value: &Value) {
        self.decide_fp(now, node, slot, value, value.fingerprint(), &no_names);
    }

    /// [`Checker::decide`] for a value whose [`Value::fingerprint`] is `fingerprint`; `names`
    /// names a value chosen elsewhere that differs from it.
    pub fn decide_fp(
        &mut self,
        now: Time,
        node: NodeId,
        slot: Slot,
        value: &Value,
        fingerprint: u64,
        names: Names,
    ) {
        self.decisions += 1;
        let expected = self.next[node as usize];
        if slot != expected {
            self.report(Violation {
                kind: ViolationKind::Prefix,
                slot,
                first: format!("slot {expected}"),
                second: format!("slot {slot}"),
                first_node: None,
                first_act: Act::Executed,
                act: Act::Executed,
                node,
                time_ns: now,
                message: format!(
                    "node {node} executed slot {slot} but its log prefix ended at {expected}"
                ),
            });
        }
        self.next[node as usize] = slot + 1;
        if slot < self.base {
            return;
        }
        let idx = (slot - self.base) as usize;
        if idx < self.log.len() {
            let (first, _, first_node) = &self.log[idx];
            if first != value {
                let (first, first_node) = (describe(first), *first_node);
                self.report(Violation {
                    kind: ViolationKind::Agreement,
                    slot,
                    message: format!(
                        "slot {slot}: node {first_node} executed {first} but node {node} executed {}",
                        describe(value)
                    ),
                    first,
                    second: describe(value),
                    first_node: Some(first_node),
                    first_act: Act::Executed,
                    act: Act::Executed,
                    node,
                    time_ns: now,
                });
            }
        } else if idx == self.log.len() {
            // The first execution of a slot is checked against what was chosen and for validity;
            // later executions must equal it (checked above), and later choices are checked
            // against it in `chosen`.
            self.check_executed_is_chosen(now, node, slot, value, fingerprint, names);
            for c in value.commands() {
                self.count_execution(c.client, c.seq);
                let ok = self
                    .issued
                    .get(c.client as usize)
                    .is_some_and(|s| c.seq >= 1 && c.seq <= *s);
                if !ok {
                    self.report(Violation {
                        kind: ViolationKind::Validity,
                        slot,
                        first: "a command some client issued".into(),
                        second: describe(value),
                        first_node: None,
                        first_act: Act::Executed,
                        act: Act::Executed,
                        node,
                        time_ns: now,
                        message: format!(
                            "node {node} executed {} in slot {slot}, which no client issued",
                            describe(value)
                        ),
                    });
                }
            }
            let prev = self.log.back().map_or(self.base_digest, |e| e.1);
            self.log
                .push_back((value.clone(), digest_step_fp(prev, slot, fingerprint), node));
        } else {
            let end = self.chosen_len();
            self.gap(
                now,
                node,
                slot,
                Act::Executed,
                format!("slot {slot}"),
                format!(
                    "node {node} executed slot {slot}, past the end of the checked log ({end})"
                ),
            );
        }
        if self.decisions.is_multiple_of(1024) {
            self.trim();
        }
    }

    /// `slot` is at or above the base.
    fn check_executed_is_chosen(
        &mut self,
        now: Time,
        node: NodeId,
        slot: Slot,
        value: &Value,
        fingerprint: u64,
        names: Names,
    ) {
        let Some(&Some((fp, leader))) = self.chosen.get((slot - self.base) as usize) else {
            return;
        };
        if fp != fingerprint {
            let first = self.value_text(fp, leader, slot, names);
            self.report(Violation {
                kind: ViolationKind::Agreement,
                slot,
                message: format!(
                    "slot {slot}: node {leader} chose {first} but node {node} executed {}",
                    describe(value)
                ),
                first,
                second: describe(value),
                first_node: Some(leader),
                first_act: Act::Chose,
                node,
                act: Act::Executed,
                time_ns: now,
            });
        }
    }

    /// A leader saw `slot` chosen with the value of fingerprint `fingerprint`: it must equal
    /// every other choice and every execution of that slot. `names` names the values of a
    /// violation (the leader's, and another leader's choice).
    pub fn chosen(&mut self, now: Time, node: NodeId, slot: Slot, fingerprint: u64, names: Names) {
        if slot < self.base {
            let base = self.base;
            self.gap(
                now,
                node,
                slot,
                Act::Chose,
                format!("slot {slot}"),
                format!("node {node} chose slot {slot}, below the checked log (from {base})"),
            );
            return;
        }
        let idx = (slot - self.base) as usize;
        // Descriptions are built only for a violation: this runs once per chosen slot.
        let first = match self.log.get(idx) {
            Some((v, _, n)) if v.fingerprint() != fingerprint => {
                Some((describe(v), *n, Act::Executed))
            }
            Some(_) => None,
            None => match self.chosen.get(idx).copied().flatten() {
                Some((fp, n)) if fp != fingerprint => {
                    Some((self.value_text(fp, n, slot, names), n, Act::Chose))
                }
                Some(_) => None,
                None => {
                    if self.chosen.len() <= idx {
                        self.chosen.resize(idx + 1, None);
                    }
                    self.chosen[idx] = Some((fingerprint, node));
                    None
                }
            },
        };
        if let Some((text, first_node, first_act)) = first {
            let second = self.value_text(fingerprint, node, slot, names);
            self.report(Violation {
                kind: ViolationKind::Agreement,
                slot,
                message: format!(
                    "slot {slot}: node {first_node} {first_act} {text} but node {node} chose {second}"
                ),
                first: text,
                second,
                first_node: Some(first_node),
                first_act,
                node,
                act: Act::Chose,
                time_ns: now,
            });
        }
    }

    /// Reports something the checker cannot place in the log it knows.
    /// `node` did `act` with `second` (a slot, or a snapshot).
    fn gap(
        &mut self,
        now: Time,
        node: NodeId,
        slot: Slot,
        act: Act,
        second: String,
        message: String,
    ) {
        self.report(Violation {
            kind: ViolationKind::Gap,
            slot,
            first: format!("slots {}..{}", self.base, self.chosen_len()),
            second,
            first_node: None,
            first_act: Act::Executed,
            node,
            act,
            time_ns: now,
            message,
        });
    }

    /// A node skipped to `upto` by state transfer with `digest`.
    pub fn snapshot(&mut self, now: Time, node: NodeId, upto: Slot, digest: u64) {
        let known = upto >= self.base && ((upto - self.base) as usize) <= self.log.len();
        if !known {
            let end = self.chosen_len();
            self.gap(now, node, upto.saturating_sub(1), Act::Installed, format!("a snapshot up to slot {upto}"), format!("node {node} installed a snapshot up to slot {upto}, outside the checked log ({}..{end})", self.base));
        } else if upto > 0 {
            let want = match upto - self.base {
                0 => self.base_digest,
                k => self.log[(k - 1) as usize].1,
            };
            if want != digest {
                self.report(Violation {
                    kind: ViolationKind::Prefix,
                    slot: upto - 1,
                    first: format!("digest {want:016x}"),
                    second: format!("a snapshot with digest {digest:016x}"),
                    first_node: None,
                    first_act: Act::Executed,
                    act: Act::Installed,
                    node,
                    time_ns: now,
                    message: format!(
                        "node {node} installed a snapshot up to slot {upto} that differs from the chosen log"
                    ),
                });
            }
        }
        self.next[node as usize] = self.next[node as usize].max(upto);
    }

    fn trim(&mut self) {
        let min = self.next.iter().copied().min().unwrap_or(0);
        while self.base < min {
            match self.log.pop_front() {
                Some((_, d, _)) => {
                    self.base_digest = d;
                    self.base += 1;
                    self.chosen.pop_front();
                }
                None => break,
            }
        }
    }

    /// Violations found so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Commands the cluster executed more than once (each in a different slot): a client resent
    /// a request whose first copy was already chosen. Execution is at-least-once; exactly-once
    /// needs client sessions (a per-client table of replies), which this engine does not model.
    pub fn executed_twice(&self) -> u64 {
        self.executed_twice
    }

    #[inline]
    fn count_execution(&mut self, client: u32, seq: u32) {
        let Some(bits) = self.executed.get_mut(client as usize) else {
            return; // not a client's command: validity reports it
        };
        let (word, bit) = (seq as usize / 64, seq % 64);
        if word >= bits.len() {
            // Sequence numbers are dense per client: this grows by at most one word at a time
            // in practice, and never past what the client issued.
            if seq > self.issued.get(client as usize).copied().unwrap_or(0) {
                return;
            }
            bits.resize(word + 1, 0);
        }
        if bits[word] >> bit & 1 == 1 {
            self.executed_twice += 1;
        } else {
            bits[word] |= 1 << bit;
        }
    }

    /// Highest slot any node executed, plus one.
    pub fn chosen_len(&self) -> Slot {
        self.base + self.log.len() as Slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fpaxos::node::digest_step;
    use fpaxos::Command;

    #[test]
    fn detects_disagreement_and_invalid_commands() {
        let mut c = Checker::new(2, 1);
        c.issued(0, 1);
        let v = Value::Cmd(Command { client: 0, seq: 1 });
        c.decide(1, 0, 0, &v);
        c.decide(2, 1, 0, &v);
        assert!(c.violations().is_empty());
        c.decide(3, 0, 1, &Value::Noop);
        c.decide(4, 1, 1, &Value::Cmd(Command { client: 0, seq: 1 }));
        assert_eq!(c.violations()[0].kind, ViolationKind::Agreement);
        assert_eq!(c.violations()[0].slot, 1);
        c.decide(5, 0, 2, &Value::Cmd(Command { client: 0, seq: 9 }));
        assert!(c
            .violations()
            .iter()
            .any(|v| v.kind == ViolationKind::Validity));
        c.decide(6, 0, 7, &Value::Noop);
        assert!(c
            .violations()
            .iter()
            .any(|v| v.kind == ViolationKind::Prefix));
        assert!(c
            .violations()
            .iter()
            .any(|v| v.kind == ViolationKind::Gap && v.slot == 7));
    }

    fn kinds(c: &Checker) -> Vec<(ViolationKind, Slot)> {
        c.violations().iter().map(|v| (v.kind, v.slot)).collect()
    }

    #[test]
    fn a_command_in_two_slots_counts_as_executed_twice() {
        let mut c = Checker::new(2, 2);
        c.issued(0, 70);
        c.issued(1, 1);
        let cmd = |client, seq| Command { client, seq };
        c.decide(1, 0, 0, &Value::Cmd(cmd(0, 70)));
        c.decide(1, 1, 0, &Value::Cmd(cmd(0, 70)));
        assert_eq!(
            c.executed_twice(),
            0,
            "the same slot on two nodes is one execution"
        );
        c.decide(2, 0, 1, &Value::Batch(vec![cmd(1, 1), cmd(0, 3)].into()));
        c.decide(3, 0, 2, &Value::Cmd(cmd(0, 70)));
        assert_eq!(c.executed_twice(), 1);
        c.decide(4, 0, 3, &Value::Batch(vec![cmd(1, 1), cmd(0, 3)].into()));
        assert_eq!(c.executed_twice(), 3);
        assert!(
            c.violations().is_empty(),
            "a duplicate is not a safety violation"
        );
    }

    #[test]
    fn a_conflicting_choice_is_caught_before_anyone_executes_it() {
        let mut c = Checker::new(2, 1);
        c.issued(0, 2);
        let (a, b) = (
            Value::Cmd(Command { client: 0, seq: 1 }),
            Value::Cmd(Command { client: 0, seq: 2 }),
        );
        // The simulator names a value from a node's log; here every node holds both.
        let names = |_: NodeId, _: Slot, fp: u64| {
            [&a, &b]
                .into_iter()
                .find(|v| v.fingerprint() == fp)
                .map(|v| v.describe())
        };
        c.chosen(1, 0, 3, a.fingerprint(), &names);
        c.chosen(2, 0, 3, a.fingerprint(), &names);
        assert!(c.violations().is_empty());
        // A second leader chooses another value for the same slot: nobody executed either yet.
        c.chosen(3, 1, 3, b.fingerprint(), &names);
        assert_eq!(kinds(&c), vec![(ViolationKind::Agreement, 3)]);
        // Executing a value other than the chosen one is caught too, and so is choosing a value
        // other than the executed one.
        c.chosen(4, 0, 0, a.fingerprint(), &names);
        c.decide_fp(5, 1, 0, &b, b.fingerprint(), &names);
        c.chosen(6, 1, 0, b.fingerprint(), &names);
        c.chosen(7, 1, 0, a.fingerprint(), &names);
        assert_eq!(
            kinds(&c),
            vec![
                (ViolationKind::Agreement, 3),
                (ViolationKind::Agreement, 0),
                (ViolationKind::Agreement, 0)
            ]
        );
        // Each names both values and says what each node did with its own.
        let said: Vec<_> = c
            .violations()
            .iter()
            .map(|v| {
                let first = (v.first_node, v.first_act, v.first.as_str());
                (first, (v.node, v.act, v.second.as_str()))
            })
            .collect();
        assert_eq!(
            said,
            vec![
                ((Some(0), Act::Chose, "c0#1"), (1, Act::Chose, "c0#2")),
                ((Some(0), Act::Chose, "c0#1"), (1, Act::Executed, "c0#2")),
                ((Some(1), Act::Executed, "c0#2"), (1, Act::Chose, "c0#1")),
            ]
        );
        assert_eq!(
            c.violations()[1].message,
            "slot 0: node 0 chose c0#1 but node 1 executed c0#2"
        );
        // A value no node can name any more is written as its fingerprint.
        c.chosen(8, 0, 1, b.fingerprint(), &no_names);
        c.chosen(9, 1, 1, a.fingerprint(), &no_names);
        let last = c.violations().last().unwrap();
        assert_eq!(
            (last.first.clone(), last.second.clone()),
            (
                format!("value {:016x}", b.fingerprint()),
                format!("value {:016x}", a.fingerprint())
            )
        );
    }

    /// Past the first trim (every 1,024 executions, up to the slowest node) the checker still
    /// finds a slot's choice: an execution that differs from it, and a choice that differs
    /// from an execution.
    #[test]
    fn choices_are_checked_after_the_log_is_trimmed() {
        let mut c = Checker::new(2, 1);
        c.issued(0, 3000);
        let cmd = |seq| Value::Cmd(Command { client: 0, seq });
        for slot in 0..1100 {
            for node in 0..2 {
                c.decide(slot, node, slot, &cmd(slot as u32 + 1));
            }
        }
        assert!(c.base > 0, "trimmed");
        assert!(c.violations().is_empty());
        let (a, b) = (cmd(2001), cmd(2002));
        c.chosen(1, 0, 1100, a.fingerprint(), &no_names);
        c.decide(2, 1, 1100, &b);
        c.decide(3, 0, 1100, &b);
        c.chosen(4, 1, 1100, a.fingerprint(), &no_names);
        assert_eq!(
            kinds(&c),
            vec![
                (ViolationKind::Agreement, 1100),
                (ViolationKind::Agreement, 1100)
            ]
        );
        assert_eq!(
            (c.violations()[0].first_act, c.violations()[0].act),
            (Act::Chose, Act::Executed)
        );
        assert_eq!(
            (c.violations()[1].first_act, c.violations()[1].act),
            (Act::Executed, Act::Chose)
        );
    }

    #[test]
    fn batches_are_named_by_their_first_commands() {
        let c = |seq| Command { client: 1, seq };
        let batch = |seqs: &[u32]| Value::Batch(seqs.iter().map(|s| c(*s)).collect());
        assert_eq!(describe(&batch(&[1, 2])), "batch of 2 (c1#1, c1#2)");
        assert_eq!(
            describe(&batch(&[1, 2, 3])),
            "batch of 3 (c1#1, c1#2, c1#3)"
        );
        assert_eq!(
            describe(&batch(&[4, 5, 6, 7])),
            "batch of 4 (c1#4, c1#5, c1#6, ...)"
        );
        assert_eq!(describe(&Value::Cmd(c(2))), "c1#2");
        assert_eq!(describe(&Value::Noop), "no-op");
    }

    #[test]
    fn snapshots_outside_the_known_log_are_reported() {
        let mut c = Checker::new(2, 1);
        let d = digest_step(0, 0, &Value::Noop);
        c.decide(1, 0, 0, &Value::Noop);
        c.snapshot(2, 1, 1, d);
        assert!(c.violations().is_empty());
        c.snapshot(3, 1, 5, d);
        assert_eq!(kinds(&c), vec![(ViolationKind::Gap, 4)]);
        c.snapshot(4, 1, 1, d ^ 1);
        assert_eq!(kinds(&c)[1], (ViolationKind::Prefix, 0));
        let said: Vec<_> = c
            .violations()
            .iter()
            .map(|v| (v.act, v.second.clone()))
            .collect();
        assert_eq!(
            said,
            vec![
                (Act::Installed, "a snapshot up to slot 5".to_string()),
                (
                    Act::Installed,
                    format!("a snapshot with digest {:016x}", d ^ 1)
                ),
            ]
        );
    }

    #[test]
    fn violation_kinds_are_written_and_read_by_their_names() {
        for k in [
            ViolationKind::Agreement,
            ViolationKind::Validity,
            ViolationKind::Prefix,
            ViolationKind::Gap,
        ] {
            let text = serde_json::to_string(&k).expect("writes");
            assert_eq!(text, format!("\"{}\"", k.name()));
            assert_eq!(
                serde_json::from_str::<ViolationKind>(&text).expect("reads"),
                k
            );
        }
        assert!(serde_json::from_str::<ViolationKind>("\"liveness\"").is_err());
    }
}
