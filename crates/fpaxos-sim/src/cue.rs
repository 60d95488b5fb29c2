//! Cues: "when, in this run, does X first happen?" — a leader elected, a slot chosen, a fault
//! taking effect, a safety violation, a message of some kind sent.
//!
//! The guided tour pauses each narration step at the event that shows its point. Which event
//! that is, and when it happens, is protocol behaviour, so the engine answers it: [`find`] runs
//! the scenario from time 0 and returns, for each cue in order, the first matching event after
//! the previous cue's, with its time and the nodes and messages involved (for highlighting).
//! Seeking a fresh run of the same scenario to [`Hit::t`] shows the cluster just after the event.
//!
//! Cues are written as short text (`elected`, `send accept from=0`, `fault`, `at 1.5s`; see
//! [`Cue::parse`]) so that narration files can name them.

use crate::checker::Violation;
use crate::scenario::{FaultAction, Scenario};
use crate::sim::Sim;
use crate::trace::{Endpoint, TraceEvent};
use crate::Dur;
use fpaxos::{MsgKind, NodeId, Slot, Time};

/// An engine event a narration step waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cue {
    /// A node becomes leader (optionally: this node).
    Elected {
        /// Only this node.
        node: Option<NodeId>,
    },
    /// A node starts an election (optionally: this node).
    Campaign {
        /// Only this node.
        node: Option<NodeId>,
    },
    /// A leader or candidate steps down.
    StepDown {
        /// Only this node.
        node: Option<NodeId>,
    },
    /// A leader learns that a slot is chosen by a Q2 (optionally: this slot).
    Chosen {
        /// Only this slot.
        slot: Option<Slot>,
    },
    /// A scheduled fault takes effect.
    Fault,
    /// The safety checker records a violation.
    Violation,
    /// A node sends a message of this kind (optionally: from this node).
    Send {
        /// The kind.
        kind: MsgKind,
        /// Only from this node.
        from: Option<NodeId>,
    },
    /// A plain instant, for steps about a moment rather than an event.
    At(Time),
    /// The inner cue's event, but not before this time (written `CUE after=DURATION`): for
    /// skipping an event that is still in flight from before a fault.
    After(Time, Box<Cue>),
}

/// Where a cue was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Simulated time of the event (ns). A run seeked to this time has handled it.
    pub t: Time,
    /// Nodes involved: the quorum that elected or chose, the node that campaigned, the nodes a
    /// fault hit, the nodes that disagree, the sender and receivers of a message.
    pub nodes: Vec<NodeId>,
    /// Ids of the messages involved (a broadcast's sends), to highlight them in flight.
    pub messages: Vec<u64>,
    /// One line saying what happened, for the page to show next to the narration.
    pub what: String,
}

/// Why the cues could not all be found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CueMiss {
    /// Index of the first cue not found.
    pub index: usize,
    /// A sentence saying which cue and after when.
    pub message: String,
}

impl Cue {
    /// Reads a cue: `elected [node=N]`, `campaign [node=N]`, `step_down [node=N]`,
    /// `chosen [slot=S]`, `fault`, `violation`, `send KIND [from=N]` (KIND as
    /// [`MsgKind::name`] writes it), or `at DURATION` (`1.5s`, `800ms`); any of them may end
    /// in `after=DURATION`.
    pub fn parse(text: &str) -> Result<Cue, String> {
        let mut all: Vec<&str> = text.split_whitespace().collect();
        if let Some(d) = all.last().and_then(|w| w.strip_prefix("after=")) {
            let t = Dur::parse(d).map_err(|e| format!("cue `{text}`: {e}"))?.0;
            all.pop();
            return Ok(Cue::After(t, Box::new(Cue::parse(&all.join(" "))?)));
        }
        let mut words = all.into_iter();
        let Some(head) = words.next() else {
            return Err("empty cue: write an event such as `elected` or `send accept`".into());
        };
        let rest: Vec<&str> = words.collect();
        let opt = |key: &str| -> Result<Option<u64>, String> {
            let mut found = None;
            for w in &rest {
                let Some((k, v)) = w.split_once('=') else {
                    continue;
                };
                if k != key {
                    return Err(format!("cue `{text}`: unknown option `{k}` (use `{key}=`)"));
                }
                let n = v
                    .parse::<u64>()
                    .map_err(|_| format!("cue `{text}`: `{v}` is not a whole number"))?;
                found = Some(n);
            }
            Ok(found)
        };
        let node = |key: &str| -> Result<Option<NodeId>, String> {
            match opt(key)? {
                None => Ok(None),
                Some(n) => NodeId::try_from(n)
                    .map(Some)
                    .map_err(|_| format!("cue `{text}`: node {n} is out of range")),
            }
        };
        let no_args = |c: Cue| {
            if rest.is_empty() {
                Ok(c)
            } else {
                Err(format!("cue `{text}`: `{head}` takes no options"))
            }
        };
        match head {
            "elected" => Ok(Cue::Elected {
                node: node("node")?,
            }),
            "campaign" => Ok(Cue::Campaign {
                node: node("node")?,
            }),
            "step_down" => Ok(Cue::StepDown {
                node: node("node")?,
            }),
            "chosen" => Ok(Cue::Chosen { slot: opt("slot")? }),
            "fault" => no_args(Cue::Fault),
            "violation" => no_args(Cue::Violation),
            "send" => {
                let Some(k) = rest.first() else {
                    return Err(format!(
                        "cue `{text}`: name the message kind, e.g. `send accept`"
                    ));
                };
                let kind = MsgKind::ALL
                    .iter()
                    .copied()
                    .find(|m| m.name() == *k)
                    .ok_or_else(|| format!("cue `{text}`: `{k}` is not a message kind"))?;
                let from =
                    match rest.get(1) {
                        None => None,
                        Some(_) => {
                            let mut c = rest.clone();
                            c.remove(0);
                            let from = c
                                .iter()
                                .find_map(|w| w.strip_prefix("from="))
                                .ok_or_else(|| format!("cue `{text}`: only `from=N` may follow"))?;
                            if c.len() > 1 {
                                return Err(format!("cue `{text}`: only `from=N` may follow"));
                            }
                            Some(from.parse::<NodeId>().map_err(|_| {
                                format!("cue `{text}`: `{from}` is not a node number")
                            })?)
                        }
                    };
                Ok(Cue::Send { kind, from })
            }
            "at" => match rest.as_slice() {
                [d] => Ok(Cue::At(Dur::parse(d)?.0)),
                _ => Err(format!(
                    "cue `{text}`: write `at` and one duration, e.g. `at 1.5s`"
                )),
            },
            other => Err(format!(
                "cue `{text}`: unknown event `{other}` (use elected, campaign, step_down, \
                 chosen, fault, violation, send KIND or at DURATION)"
            )),
        }
    }

    /// Whether `e` is this cue's event; the hit (without messages gathered yet) if so.
    fn matches(&self, e: &TraceEvent, scenario: &Scenario) -> Option<Hit> {
        if let Cue::After(t, cue) = self {
            return if e.time() >= *t {
                cue.matches(e, scenario)
            } else {
                None
            };
        }
        let hit = |t: Time, nodes: Vec<NodeId>, what: String| Hit {
            t,
            nodes,
            messages: Vec::new(),
            what,
        };
        let want = |want: Option<u64>, got: u64| want.is_none_or(|w| w == got);
        match (self, e) {
            (
                Cue::Elected { node },
                TraceEvent::Elected {
                    t, node: n, quorum, ..
                },
            ) if want(node.map(u64::from), u64::from(*n)) => {
                let mut nodes = quorum.to_vec();
                if !nodes.contains(n) {
                    nodes.push(*n);
                }
                Some(hit(
                    *t,
                    nodes,
                    format!("node {n} elected by Q1 {:?}", quorum.to_vec()),
                ))
            }
            (Cue::Campaign { node }, TraceEvent::Campaign { t, node: n, ballot })
                if want(node.map(u64::from), u64::from(*n)) =>
            {
                Some(hit(
                    *t,
                    vec![*n],
                    format!("node {n} campaigns (ballot {ballot})"),
                ))
            }
            (Cue::StepDown { node }, TraceEvent::StepDown { t, node: n })
                if want(node.map(u64::from), u64::from(*n)) =>
            {
                Some(hit(*t, vec![*n], format!("node {n} steps down")))
            }
            (
                Cue::Chosen { slot },
                TraceEvent::Chosen {
                    t,
                    node,
                    slot: s,
                    quorum,
                },
            ) if want(*slot, *s) => {
                let what = format!(
                    "slot {s} chosen by Q2 {:?} (leader {node})",
                    quorum.to_vec()
                );
                Some(hit(*t, quorum.to_vec(), what))
            }
            (Cue::Fault, TraceEvent::Fault { t, what }) => {
                // Every fault scheduled for this instant: they take effect together.
                let mut nodes: Vec<NodeId> = Vec::new();
                let mut said: Vec<String> = Vec::new();
                for f in scenario.faults.iter().filter(|f| f.at.0 == *t) {
                    said.push(f.action.describe());
                    for n in fault_nodes(&f.action) {
                        if !nodes.contains(&n) {
                            nodes.push(n);
                        }
                    }
                }
                let what = if said.is_empty() {
                    what.clone()
                } else {
                    said.join(", ")
                };
                Some(hit(*t, nodes, what))
            }
            (
                Cue::Send { kind, from },
                TraceEvent::Send {
                    t,
                    from: f,
                    kind: k,
                    ..
                },
            ) if k == kind && from.is_none_or(|w| *f == Endpoint::Node(w)) => {
                Some(hit(*t, Vec::new(), format!("{} sent", kind.name())))
            }
            _ => None,
        }
    }
}

impl Cue {
    /// The cue without its `after=` bound.
    fn base(&self) -> &Cue {
        match self {
            Cue::After(_, c) => c.base(),
            c => c,
        }
    }
}

/// The nodes a fault acts on (the first group of a partition).
fn fault_nodes(a: &FaultAction) -> Vec<NodeId> {
    match a {
        FaultAction::Crash { node }
        | FaultAction::Recover { node }
        | FaultAction::Slow { node, .. } => NodeId::try_from(*node).into_iter().collect(),
        FaultAction::CutLink { from, to, .. } | FaultAction::RestoreLink { from, to, .. } => {
            [*from, *to]
                .iter()
                .filter_map(|n| NodeId::try_from(*n).ok())
                .collect()
        }
        FaultAction::Partition { groups } => groups
            .first()
            .map(|g| g.iter().filter_map(|n| NodeId::try_from(*n).ok()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Adds a broadcast's messages to a send hit: every send of the same kind, from the same node,
/// at the same instant, among `batch` (the events of one simulator step).
fn gather_sends(hit: &mut Hit, batch: &[TraceEvent]) {
    let Some(TraceEvent::Send {
        from: first_from,
        kind: first_kind,
        ..
    }) = batch.first()
    else {
        return;
    };
    let mut nodes = Vec::new();
    for e in batch {
        if let TraceEvent::Send {
            t,
            id,
            from,
            to,
            kind,
            ..
        } = e
        {
            if *t == hit.t && from == first_from && kind == first_kind {
                hit.messages.push(*id);
                for end in [from, to] {
                    if let Endpoint::Node(n) = end {
                        if !nodes.contains(n) {
                            nodes.push(*n);
                        }
                    }
                }
            }
        }
    }
    if let Some(TraceEvent::Send { from, .. }) = batch.first() {
        let who = match from {
            Endpoint::Node(n) => format!("node {n}"),
            Endpoint::Client(c) => format!("client {c}"),
        };
        hit.what = format!("{who} sends {} × {}", hit.messages.len(), first_kind.name());
    }
    hit.nodes = nodes;
}

/// The hit of a violation the checker just recorded.
fn violation_hit(v: &Violation) -> Hit {
    let mut nodes = vec![v.node];
    if let Some(f) = v.first_node.filter(|f| *f != v.node) {
        nodes.insert(0, f);
    }
    Hit {
        t: v.time_ns,
        nodes,
        messages: Vec::new(),
        what: v.message.clone(),
    }
}

/// Finds each cue in a run of `scenario`, in order: cue `i + 1` is searched among the events
/// after cue `i`'s. Runs the scenario once, only as far as the last cue. The scenario's trace
/// settings do not matter (a copy keeps enough events to look at).
pub fn find(scenario: &Scenario, cues: &[Cue]) -> Result<Vec<Hit>, CueMiss> {
    let mut s = scenario.clone();
    s.metrics.trace_capacity = s.metrics.trace_capacity.max(4096);
    let checked = s.check().map_err(|e| CueMiss {
        index: 0,
        message: format!("the scenario does not run: {}", e.0.join("; ")),
    })?;
    let mut sim = Sim::new(checked);
    let mut hits = Vec::with_capacity(cues.len());
    let mut seen = 0u64;
    let mut violations = 0usize;
    // Events recorded by `Sim::new` (time 0) come first, then one batch per step.
    let mut first = true;
    while hits.len() < cues.len() {
        if !first && !sim.step() {
            let i = hits.len();
            let after = hits.last().map_or(0, |h: &Hit| h.t);
            return Err(CueMiss {
                index: i,
                message: format!(
                    "step {}: cue `{:?}` never happens after {} ms (the run ends first)",
                    i + 1,
                    cues[i],
                    after as f64 / 1e6
                ),
            });
        }
        first = false;
        let trace = sim.trace();
        let fresh = (trace.total() - seen) as usize;
        seen = trace.total();
        let kept = trace.events();
        let batch: Vec<TraceEvent> = kept
            .iter()
            .skip(kept.len().saturating_sub(fresh))
            .cloned()
            .collect();
        let new_violation = (sim.violations().len() > violations)
            .then(|| sim.violations().get(violations).cloned())
            .flatten();
        violations = sim.violations().len();
        // Several cues may be met by one step's events, in order.
        let mut from = 0;
        while let Some(cue) = cues.get(hits.len()) {
            let (bound, base) = match cue {
                Cue::After(t, c) => (*t, c.base()),
                c => (0, c),
            };
            let found = match base {
                Cue::At(t) => {
                    let at = (*t).max(bound);
                    (sim.now() >= at || sim.is_done()).then(|| Hit {
                        t: at,
                        nodes: Vec::new(),
                        messages: Vec::new(),
                        what: format!("{} ms", at as f64 / 1e6),
                    })
                }
                Cue::Violation => new_violation
                    .as_ref()
                    .filter(|v| v.time_ns >= bound)
                    .map(violation_hit),
                _ => batch[from..].iter().enumerate().find_map(|(i, e)| {
                    let mut h = cue.matches(e, scenario)?;
                    if matches!(base, Cue::Send { .. }) {
                        gather_sends(&mut h, &batch[from + i..]);
                    }
                    from += i + 1;
                    Some(h)
                }),
            };
            match found {
                Some(h) => hits.push(h),
                None => break,
            }
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_and_rejects_nonsense() {
        assert_eq!(Cue::parse("elected"), Ok(Cue::Elected { node: None }));
        assert_eq!(
            Cue::parse("campaign node=3"),
            Ok(Cue::Campaign { node: Some(3) })
        );
        assert_eq!(
            Cue::parse("chosen slot=4"),
            Ok(Cue::Chosen { slot: Some(4) })
        );
        assert_eq!(
            Cue::parse("send accept from=0"),
            Ok(Cue::Send {
                kind: MsgKind::Accept,
                from: Some(0)
            })
        );
        assert_eq!(Cue::parse("at 1.5s"), Ok(Cue::At(1_500_000_000)));
        assert_eq!(
            Cue::parse("chosen after=2s"),
            Ok(Cue::After(
                2_000_000_000,
                Box::new(Cue::Chosen { slot: None })
            ))
        );
        for bad in [
            "",
            "elect",
            "send",
            "send banana",
            "send accept to=3",
            "fault now",
            "at",
            "at soon",
            "elected node=x",
            "elected slot=2",
            "campaign node=99999999999",
            "chosen after=soon",
            "after=1s",
        ] {
            assert!(Cue::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn cues_are_found_in_order_with_their_nodes() {
        let s = crate::presets::preset("split-brain")
            .expect("preset")
            .scenario();
        let cues = [
            Cue::Elected { node: None },
            Cue::Send {
                kind: MsgKind::Accept,
                from: None,
            },
            Cue::Chosen { slot: None },
            Cue::Fault,
            Cue::Violation,
        ];
        let hits = find(&s, &cues).expect("all found");
        let times: Vec<Time> = hits.iter().map(|h| h.t).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        assert!(hits[0].nodes.len() >= 2, "a Q1 of 2 and the leader");
        assert!(!hits[1].messages.is_empty());
        assert_eq!(hits[3].t, 1_000_000_000, "the partition is at 1 s");
        assert_eq!(hits[3].nodes, vec![0, 1]);
        assert!(hits[4].t > hits[3].t, "split brain needs the partition");
        assert_eq!(Some(hits[4].t), first_violation_time(&s));
    }

    /// The report's first violation, for checking the cue independently.
    fn first_violation_time(s: &Scenario) -> Option<Time> {
        let r = crate::run(s).expect("runs");
        r.safety.violations.first().map(|v| v.time_ns)
    }

    #[test]
    fn a_missing_cue_is_a_message_not_a_panic() {
        let s = Scenario {
            duration: Dur(1_000_000_000),
            ..Scenario::default()
        };
        let miss = find(&s, &[Cue::Elected { node: None }, Cue::Violation]).expect_err("safe");
        assert_eq!(miss.index, 1);
        assert!(miss.message.contains("never happens"), "{}", miss.message);
    }
}
