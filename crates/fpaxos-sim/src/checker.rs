//! The always-on safety checker: agreement (one value per slot), validity (only proposed commands
//! are chosen) and log-prefix consistency (every node executes the same sequence, in order).
//!
//! Memory stays bounded: the checker keeps chosen values only for slots some node has yet to
//! execute.

use fpaxos::node::digest_step;
use fpaxos::{NodeId, Slot, Time, Value};
use serde::Serialize;
use std::collections::VecDeque;

/// Most violations recorded (the first one matters most).
const MAX_VIOLATIONS: usize = 100;

/// A safety violation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// `agreement`, `validity` or `prefix`.
    pub kind: &'static str,
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

/// Safety checker state.
#[derive(Clone, Debug)]
pub struct Checker {
    base: Slot,
    base_digest: u64,
    /// (value, digest after it, node that executed it first) for slots `base..`.
    log: VecDeque<(Value, u64, NodeId)>,
    next: Vec<Slot>,
    issued: Vec<u32>,
    violations: Vec<Violation>,
    decisions: u64,
}

impl Checker {
    /// A checker for `nodes` nodes and `clients` clients.
    pub fn new(nodes: usize, clients: usize) -> Checker {
        Checker {
            base: 0,
            base_digest: 0,
            log: VecDeque::new(),
            next: vec![0; nodes],
            issued: vec![0; clients],
            violations: Vec::new(),
            decisions: 0,
        }
    }

    /// Tells the checker a client issued sequence number `seq`.
    #[inline]
    pub fn issued(&mut self, client: u32, seq: u32) {
        if let Some(s) = self.issued.get_mut(client as usize) {
            *s = (*s).max(seq);
        }
    }

    fn report(&mut self, v: Violation) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(v);
        }
    }

    /// A node executed `value` in `slot`.
    pub fn decide(&mut self, now: Time, node: NodeId, slot: Slot, value: &Value) {
        self.decisions += 1;
        let expected = self.next[node as usize];
        if slot != expected {
            self.report(Violation {
                kind: "prefix",
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
                    kind: "agreement",
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
            // Validity is checked once per slot: later executions must equal this value.
            for c in value.commands() {
                let ok = self
                    .issued
                    .get(c.client as usize)
                    .is_some_and(|s| c.seq >= 1 && c.seq <= *s);
                if !ok {
                    self.report(Violation {
                        kind: "validity",
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
                .push_back((value.clone(), digest_step(prev, slot, value), node));
        }
        if self.decisions.is_multiple_of(1024) {
            self.trim();
        }
    }

    /// A node skipped to `upto` by state transfer with `digest`.
    pub fn snapshot(&mut self, now: Time, node: NodeId, upto: Slot, digest: u64) {
        if upto > self.base && ((upto - self.base) as usize) <= self.log.len() {
            let want = self.log[(upto - self.base - 1) as usize].1;
            if want != digest {
                self.report(Violation {
                    kind: "prefix",
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
                }
                None => break,
            }
        }
    }

    /// Violations found so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Highest slot any node executed, plus one.
    pub fn chosen_len(&self) -> Slot {
        self.base + self.log.len() as Slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(c.violations()[0].kind, "agreement");
        assert_eq!(c.violations()[0].slot, 1);
        c.decide(5, 0, 2, &Value::Cmd(Command { client: 0, seq: 9 }));
        assert!(c.violations().iter().any(|v| v.kind == "validity"));
        c.decide(6, 0, 7, &Value::Noop);
        assert!(c.violations().iter().any(|v| v.kind == "prefix"));
    }
}
