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
    /// Node that executed the first value.
    pub first_node: Option<NodeId>,
    /// Node that executed the conflicting value.
    pub node: NodeId,
    /// Simulated time in nanoseconds.
    pub time_ns: Time,
    /// Readable one-line summary.
    pub message: String,
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

    fn value_text(&self, fp: u64) -> String {
        match self.names.iter().find(|(f, _)| *f == fp) {
            Some((_, n)) => n.clone(),
            None => format!("value {fp:016x}"),
        }
    }

    fn report(&mut self, v: Violation) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(v);
        }
    }

    /// A node executed `value` in `slot`.
    pub fn decide(&mut self, now: Time, node: NodeId, slot: Slot, value: &Value) {
        self.decide_fp(now, node, slot, value, value.fingerprint());
    }

    /// [`Checker::decide`] for a value whose [`Value::fingerprint`] is `fingerprint`.
    pub fn decide_fp(
        &mut self,
        now: Time,
        node: NodeId,
        slot: Slot,
        value: &Value,
        fingerprint: u64,
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
                let (first, first_node) = (first.describe(), *first_node);
                self.report(Violation {
                    kind: ViolationKind::Agreement,
                    slot,
                    message: format!(
                        "slot {slot}: node {first_node} executed {first} but node {node} executed {}",
                        value.describe()
                    ),
                    first,
                    second: value.describe(),
                    first_node: Some(first_node),
                    node,
                    time_ns: now,
                });
            }
        } else if idx == self.log.len() {
            // The first execution of a slot is checked against what was chosen and for validity;
            // later executions must equal it (checked above), and later choices are checked
            // against it in `chosen`.
            self.check_executed_is_chosen(now, node, slot, idx, value, fingerprint);
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
                        second: value.describe(),
                        first_node: None,
                        node,
                        time_ns: now,
                        message: format!(
                            "node {node} executed {} in slot {slot}, which no client issued",
                            value.describe()
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
                format!(
                    "node {node} executed slot {slot}, past the end of the checked log ({end})"
                ),
            );
        }
        if self.decisions.is_multiple_of(1024) {
            self.trim();
        }
    }

    fn check_executed_is_chosen(
        &mut self,
        now: Time,
        node: NodeId,
        slot: Slot,
        idx: usize,
        value: &Value,
        fingerprint: u64,
    ) {
        let Some(&Some((fp, leader))) = self.chosen.get(idx) else {
            return;
        };
        if fp != fingerprint {
            self.report(Violation {
                kind: ViolationKind::Agreement,
                slot,
                message: format!(
                    "slot {slot}: node {leader} chose value {fp:016x} but node {node} executed {}",
                    value.describe()
                ),
                first: format!("value {fp:016x}"),
                second: value.describe(),
                first_node: Some(leader),
                node,
                time_ns: now,
            });
        }
    }

    /// A leader saw `slot` chosen with the value of fingerprint `fingerprint`: it must equal
    /// every other choice and every execution of that slot.
    pub fn chosen(&mut self, now: Time, node: NodeId, slot: Slot, fingerprint: u64) {
        if slot < self.base {
            let base = self.base;
            self.gap(
                now,
                node,
                slot,
                format!("node {node} chose slot {slot}, below the checked log (from {base})"),
            );
            return;
        }
        let idx = (slot - self.base) as usize;
        // Descriptions are built only for a violation: this runs once per chosen slot.
        let first = match self.log.get(idx) {
            Some((v, _, n)) if v.fingerprint() != fingerprint => {
                Some((v.describe(), *n, "executed"))
            }
            Some(_) => None,
            None => match self.chosen.get(idx).copied().flatten() {
                Some((fp, n)) if fp != fingerprint => Some((self.value_text(fp), n, "chose")),
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
        if let Some((text, first_node, verb)) = first {
            self.report(Violation {
                kind: ViolationKind::Agreement,
                slot,
                message: format!(
                    "slot {slot}: node {first_node} {verb} {text} but node {node} chose {}",
                    self.value_text(fingerprint)
                ),
                first: text,
                second: self.value_text(fingerprint),
                first_node: Some(first_node),
                node,
                time_ns: now,
            });
        }
    }

    /// Reports something the checker cannot place in the log it knows.
    fn gap(&mut self, now: Time, node: NodeId, slot: Slot, message: String) {
        self.report(Violation {
            kind: ViolationKind::Gap,
            slot,
            first: format!("slots {}..{}", self.base, self.chosen_len()),
            second: format!("slot {slot}"),
            first_node: None,
            node,
            time_ns: now,
            message,
        });
    }

    /// A node skipped to `upto` by state transfer with `digest`.
    pub fn snapshot(&mut self, now: Time, node: NodeId, upto: Slot, digest: u64) {
        let known = upto >= self.base && ((upto - self.base) as usize) <= self.log.len();
        if !known {
            let end = self.chosen_len();
            self.gap(now, node, upto.saturating_sub(1), format!("node {node} installed a snapshot up to slot {upto}, outside the checked log ({}..{end})", self.base));
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
                    second: format!("digest {digest:016x}"),
                    first_node: None,
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
        c.chosen(1, 0, 3, a.fingerprint());
        c.chosen(2, 0, 3, a.fingerprint());
        assert!(c.violations().is_empty());
        // A second leader chooses another value for the same slot: nobody executed either yet.
        c.chosen(3, 1, 3, b.fingerprint());
        assert_eq!(kinds(&c), vec![(ViolationKind::Agreement, 3)]);
        // Executing a value other than the chosen one is caught too, and so is choosing a value
        // other than the executed one.
        c.chosen(4, 0, 0, a.fingerprint());
        c.decide(5, 1, 0, &b);
        c.chosen(6, 1, 0, b.fingerprint());
        c.chosen(7, 1, 0, a.fingerprint());
        assert_eq!(
            kinds(&c),
            vec![
                (ViolationKind::Agreement, 3),
                (ViolationKind::Agreement, 0),
                (ViolationKind::Agreement, 0)
            ]
        );
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
