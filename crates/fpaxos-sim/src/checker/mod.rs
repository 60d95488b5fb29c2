//! The always-on safety checker: agreement (one value per slot, whether chosen by a leader's Q2
//! or executed by a node), validity (only proposed commands are chosen), log-prefix
//! consistency (every node executes the same sequence, in order), replies (a client is told
//! its command is done only once some node has executed it) and, with client sessions on,
//! sessions (a command chosen twice is applied once, and a skip is of a command applied
//! before).
//!
//! Agreement is checked on *chosen* values, not only executed ones: with unsafe quorums a value
//! can be chosen by a Q2 and replaced before any node executes it. Anything the checker cannot
//! place (an execution, snapshot or choice outside the log it knows) is a `gap` violation, never
//! skipped: a correct engine never produces one.
//!
//! Memory stays bounded: the checker keeps chosen values only for slots some node has yet to
//! execute.

mod violation;

pub use violation::{describe, list, no_names, Act, Names, Violation, ViolationKind};

use fpaxos::node::digest_step_fp;
use fpaxos::sessions::Sessions;
use fpaxos::{Command, NodeId, Slot, Time, Value};
use std::collections::{BTreeMap, VecDeque};

/// Most violations recorded (the first one matters most).
const MAX_VIOLATIONS: usize = 100;

/// How a first execution can skip a command wrongly with client sessions on.
#[derive(Clone, Copy, Debug)]
enum SessionSlip {
    /// Skipped as executed before, but no earlier slot of the agreed log holds it.
    SkippedUnheld,
    /// Applied again, though the sessions record of the agreed log holds it.
    AppliedAgain,
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
    /// Client sessions: the commands the first node to execute a slot skipped as executed
    /// before, for slots `base..` where it skipped any (the other nodes must skip the same).
    repeats: BTreeMap<Slot, Vec<Command>>,
    /// Client sessions on ([`Checker::with_sessions`]): the record a node holds once it has
    /// executed the agreed log so far, built by the same rules (`fpaxos::sessions`) from each
    /// slot's first execution. A node's record is a function of its executed prefix, so at a
    /// slot's first execution a command this record holds must be skipped.
    record: Option<Sessions>,
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
            repeats: BTreeMap::new(),
            record: None,
            violations: Vec::new(),
            decisions: 0,
            names: Vec::new(),
        }
    }

    /// The same checker for a cluster with client sessions on (`Config::sessions`): a node that
    /// applies again a command its record holds is a `session` violation, where without
    /// sessions it only counts as executed twice.
    pub fn with_sessions(mut self) -> Checker {
        self.record = Some(Sessions::default());
        self
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

    /// Reports a wrong execution: node `node` executed something (`second`) in `slot` that
    /// breaks `kind` against `first` (what was expected, and the node that did it first).
    #[allow(clippy::too_many_arguments)]
    fn wrong_execution(
        &mut self,
        now: Time,
        node: NodeId,
        kind: ViolationKind,
        slot: Slot,
        (first, first_node): (String, Option<NodeId>),
        second: String,
        message: String,
    ) {
        self.report(Violation {
            kind,
            slot,
            first,
            second,
            first_node,
            first_act: Act::Executed,
            act: Act::Executed,
            node,
            time_ns: now,
            message,
        });
    }

    /// Reports a first execution of `slot` by `node` that skips `cmd` wrongly (client sessions).
    fn session_slip(
        &mut self,
        now: Time,
        node: NodeId,
        slot: Slot,
        cmd: Command,
        slip: SessionSlip,
    ) {
        let c = list(&[cmd]);
        let (expected, message) = match slip {
            SessionSlip::SkippedUnheld => ("an earlier slot holding it", format!(
                "node {node} skipped {c} in slot {slot} as executed before, but no earlier slot of the agreed log holds it: no state machine applies it"
            )),
            SessionSlip::AppliedAgain => ("skipped as executed before", format!(
                "node {node} applied {c} again in slot {slot}: an earlier slot of the agreed log holds it, and the client-sessions record of that log still holds it, so the node must skip it"
            )),
        };
        let first = (expected.into(), None);
        self.wrong_execution(now, node, ViolationKind::Session, slot, first, c, message);
    }

    /// A node executed `value` in `slot`.
    pub fn decide(&mut self, now: Time, node: NodeId, slot: Slot, value: &Value) {
        self.decide_fp(now, node, slot, value, value.fingerprint(), &[], &no_names);
    }

    /// [`Checker::decide`] for a value whose [`Value::fingerprint`] is `fingerprint`, of which
    /// the node skipped `repeats` as executed before (client sessions; `Output::Decided`);
    /// `names` names a value chosen elsewhere that differs from it.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_fp(
        &mut self,
        now: Time,
        node: NodeId,
        slot: Slot,
        value: &Value,
        fingerprint: u64,
        repeats: &[Command],
        names: Names,
    ) {
        self.decisions += 1;
        let expected = self.next[node as usize];
        if slot != expected {
            self.wrong_execution(
                now,
                node,
                ViolationKind::Prefix,
                slot,
                (format!("slot {expected}"), None),
                format!("slot {slot}"),
                format!("node {node} executed slot {slot} but its log prefix ended at {expected}"),
            );
        }
        self.next[node as usize] = slot + 1;
        if slot < self.base {
            return;
        }
        let idx = (slot - self.base) as usize;
        if idx < self.log.len() {
            let (first, _, first_node) = &self.log[idx];
            if first != value {
                let first = (describe(first), *first_node, Act::Executed);
                self.disagree(now, slot, first, (describe(value), node, Act::Executed));
            } else if !self.repeats.is_empty() || !repeats.is_empty() {
                let skipped = self.repeats.get(&slot).map_or(&[][..], Vec::as_slice);
                if skipped != repeats {
                    let (first_node, listed) = (*first_node, list(skipped));
                    let message = format!(
                        "node {node} skipped {} of slot {slot} as executed before, but node {first_node} skipped {listed}: their state machines differ",
                        list(repeats)
                    );
                    let first = (listed, Some(first_node));
                    let kind = ViolationKind::Session;
                    self.wrong_execution(now, node, kind, slot, first, list(repeats), message);
                }
            }
        } else if idx == self.log.len() {
            // The first execution of a slot is checked against what was chosen and for validity;
            // later executions must equal it (checked above), and later choices are checked
            // against it in `chosen`.
            let chosen = self.chosen.get(idx).copied().flatten();
            if let Some((fp, leader)) = chosen.filter(|(fp, _)| *fp != fingerprint) {
                let first = (self.value_text(fp, leader, slot, names), leader, Act::Chose);
                self.disagree(now, slot, first, (describe(value), node, Act::Executed));
            }
            for c in value.commands() {
                let slip = if repeats.contains(c) {
                    // Skipped as executed before: the agreed log must hold it below this slot
                    // (its execution bit is set exactly by slots below this one, the first
                    // execution of a slot following the first execution of the one before).
                    (!self.was_executed(c.client, c.seq)).then_some(SessionSlip::SkippedUnheld)
                } else {
                    let held = self.record.as_ref();
                    let held = held.is_some_and(|r| r.contains(c.client, c.seq));
                    self.count_execution(c.client, c.seq);
                    held.then_some(SessionSlip::AppliedAgain)
                };
                if let Some(slip) = slip {
                    self.session_slip(now, node, slot, *c, slip);
                }
                let ok = self
                    .issued
                    .get(c.client as usize)
                    .is_some_and(|s| c.seq >= 1 && c.seq <= *s);
                if !ok {
                    let what = describe(value);
                    let message = format!(
                        "node {node} executed {what} in slot {slot}, which no client issued"
                    );
                    let first = ("a command some client issued".into(), None);
                    let kind = ViolationKind::Validity;
                    self.wrong_execution(now, node, kind, slot, first, what, message);
                }
            }
            if !repeats.is_empty() {
                self.repeats.insert(slot, repeats.to_vec());
            }
            if let Some(record) = self.record.as_mut() {
                for c in value.commands() {
                    record.insert(c.client, c.seq);
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
        if let Some(first) = first {
            let second = self.value_text(fingerprint, node, slot, names);
            self.disagree(now, slot, first, (second, node, Act::Chose));
        }
    }

    /// Reports an agreement violation at `slot`: each side is a value's description, the node
    /// and what it did with the value.
    fn disagree(
        &mut self,
        now: Time,
        slot: Slot,
        (first, first_node, first_act): (String, NodeId, Act),
        (second, node, act): (String, NodeId, Act),
    ) {
        self.report(Violation {
            kind: ViolationKind::Agreement,
            slot,
            message: format!(
                "slot {slot}: node {first_node} {first_act} {first} but node {node} {act} {second}"
            ),
            first,
            second,
            first_node: Some(first_node),
            first_act,
            node,
            act,
            time_ns: now,
        });
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
                    self.repeats.remove(&self.base);
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
    /// a request whose first copy was already chosen. Without client sessions execution is
    /// at-least-once; with them (`Config::sessions`) a node skips a command it executed before
    /// (`Output::Decided::repeats`, checked here), so only a command the sessions record no
    /// longer holds (more than 256 above its client's contiguous prefix) counts without a
    /// `session` violation.
    pub fn executed_twice(&self) -> u64 {
        self.executed_twice
    }

    /// Whether a slot of the agreed log holds command `client`, `seq` (so far).
    fn was_executed(&self, client: u32, seq: u32) -> bool {
        let (word, bit) = bit_of(seq);
        self.executed
            .get(client as usize)
            .and_then(|bits| bits.get(word))
            .is_some_and(|w| w >> bit & 1 == 1)
    }

    #[inline]
    fn count_execution(&mut self, client: u32, seq: u32) {
        let Some(bits) = self.executed.get_mut(client as usize) else {
            return; // not a client's command: validity reports it
        };
        let (word, bit) = bit_of(seq);
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

    /// `node` told `client` that its command `cmd` is done: the agreed log (each slot's first
    /// execution) must hold it. A reply before any node executed it promises a write that a
    /// crash can still lose; with unsafe quorums, a reply for a command executed only in a
    /// slot where the agreed log holds another value is a write already lost.
    pub fn replied(&mut self, now: Time, node: NodeId, client: u32, cmd: fpaxos::Command) {
        let (word, bit) = bit_of(cmd.seq);
        let executed = cmd.client == client
            && self
                .executed
                .get(client as usize)
                .and_then(|bits| bits.get(word))
                .is_some_and(|w| w >> bit & 1 == 1);
        if executed {
            return;
        }
        let c = describe(&Value::Cmd(cmd));
        let slot = self.chosen_len();
        self.report(Violation {
            kind: ViolationKind::Reply,
            slot,
            first: format!("{c} in the agreed log first"),
            second: c.clone(),
            first_node: None,
            first_act: Act::Executed,
            node,
            act: Act::Replied,
            time_ns: now,
            message: format!(
                "node {node} told client {client} its command was done, but no slot of the agreed log (below {slot}, as first executed) holds {c}"
            ),
        });
    }

    /// Highest slot any node executed, plus one.
    pub fn chosen_len(&self) -> Slot {
        self.base + self.log.len() as Slot
    }
}

/// Where sequence number `seq` sits in a client's bits of `Checker::executed`: (word, bit).
#[inline]
fn bit_of(seq: u32) -> (usize, u32) {
    (seq as usize / 64, seq % 64)
}

#[cfg(test)]
mod tests;
