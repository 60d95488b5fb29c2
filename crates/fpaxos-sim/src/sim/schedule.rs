//! Schedule mode: the run replays the scenario's explicit schedule
//! ([`crate::scenario::Schedule`]) step by step, and nothing else happens. The simulator draws
//! no latency, loss or jitter and runs no timer or client of its own: a message a node sends
//! waits in flight until a step delivers or drops it, a timer fires only when a step fires it
//! (every timeout is zero, so a firing means "enough time has passed", as in `fpaxos explore`),
//! and a client submits only on a request step, handing the command to the node directly. Each
//! step is handled at once (no CPU cost) at its own instant, so the space-time diagram draws it.
//!
//! The same [`fpaxos::Node`]s run, and their other outputs go through the normal path
//! (`apply_outputs`): the checker, the trace and the diagram log see the run as usual. The
//! checker also counts votes here (a leader's Accept is its vote, an Accepted the acceptor's),
//! so a value chosen by a Q2 of votes counts as chosen before any leader announces it: the
//! explorer's definition, without which a replayed counterexample would end just before the
//! conflict became visible.
//!
//! A step that does not fit the run (a message not in flight, a timer not armed, a node that
//! is down) stops the replay with one sentence in [`crate::Report::schedule_error`]; it never
//! panics.
//!
//! A message's arrival is only known when its deliver step comes, but the trace records it at
//! send time; so a scheduled run is simulated twice, the first time only to learn when each
//! message arrives.

use super::{Ev, Sim};
use crate::scenario::{Checked, MsgRef, Step, TimerName};
use crate::trace::{DropReason, Endpoint};
use fpaxos::{
    Ballot, ClientReply, Command, Input, Msg, MsgKind, NodeId, NodeSet, Output, PlantedBug, Slot,
    Time, Timer,
};

/// A copy of a node-to-node message in flight.
#[derive(Clone, Debug)]
struct Held {
    from: NodeId,
    to: NodeId,
    nth: u32,
    msg: Msg,
    /// Trace id.
    id: u64,
}

/// The state of a replay.
#[derive(Debug, Default)]
pub(super) struct Replay {
    /// Messages sent so far per directed link `from * n + to` (their numbers).
    sent: Vec<u32>,
    held: Vec<Held>,
    /// Armed timers per node, a bit per `Timer::index`.
    armed: Vec<u8>,
    /// Commands submitted so far per client.
    submitted: Vec<u32>,
    /// Every vote: `(slot, ballot, value fingerprint) -> voters`.
    votes: Vec<(Slot, Ballot, u64, NodeSet)>,
    /// The value of the Accept being delivered, whose Accepted is the acceptor's vote.
    delivering: Option<(Slot, Ballot, u64)>,
    /// Arrival (or drop) time per trace id, from the first pass (empty during it).
    arrivals: Vec<Time>,
    /// Arrival times seen in this pass.
    seen: Vec<Time>,
    /// Why the replay stopped.
    pub(super) error: Option<String>,
}

impl Sim {
    /// A run of a scenario with a schedule: simulated once to learn each message's arrival,
    /// then again with those times in the trace.
    pub(super) fn scheduled(checked: Checked, planted: Option<PlantedBug>) -> Sim {
        let mut dry = Sim::build(checked.clone(), planted, Some(Box::default()));
        dry.run_to_end();
        let arrivals = dry.replay.map(|r| r.seen).unwrap_or_default();
        let replay = Replay {
            arrivals,
            ..Replay::default()
        };
        Sim::build(checked, planted, Some(Box::new(replay)))
    }

    /// Starts every node (their timers armed, nothing else) and queues the steps.
    pub(super) fn start_replay(&mut self) {
        let n = self.n;
        let clients = self.scenario.workload.clients as usize;
        if let Some(r) = self.replay.as_deref_mut() {
            r.sent = vec![0; n * n];
            r.armed = vec![0; n];
            r.submitted = vec![0; clients];
        }
        for i in 0..n {
            let mut out = self.lend_out();
            self.nodes[i].node.start(0, &mut out);
            self.replay_outputs(i, &mut out);
            self.return_out(out);
        }
        let times: Vec<Time> = match &self.scenario.schedule {
            Some(s) => (1..=s.steps.len()).map(|k| s.time_of(k)).collect(),
            None => Vec::new(),
        };
        for (idx, at) in times.into_iter().enumerate() {
            self.schedule(at, Ev::Step { idx: idx as u32 });
        }
    }

    /// Carries out step `idx` (from 0), unless the replay already stopped.
    pub(super) fn replay_step(&mut self, idx: usize) {
        let stopped = self.replay.as_ref().is_none_or(|r| r.error.is_some());
        let step = self
            .scenario
            .schedule
            .as_ref()
            .and_then(|s| s.steps.get(idx));
        let (false, Some(step)) = (stopped, step.cloned()) else {
            return;
        };
        if let Err(why) = self.try_step(&step) {
            let text = format!(
                "schedule step {} (`{}`) {why}; the replay stopped there",
                idx + 1,
                step.describe()
            );
            self.trace.fault(self.now, text.clone());
            if let Some(r) = self.replay.as_deref_mut() {
                r.error = Some(text);
            }
        }
    }

    fn try_step(&mut self, step: &Step) -> Result<(), String> {
        let now = self.now;
        match *step {
            Step::Deliver { keep, .. } => {
                let at = self.find_held(step)?;
                let r = self.replay_mut();
                let h = if keep {
                    r.held[at].clone()
                } else {
                    r.held.remove(at)
                };
                let id = h.id;
                if keep {
                    // The message stays deliverable: a copy of it sets out again now (a new
                    // message in the trace, so the diagram's messages stay in send order).
                    let copy = self.next_id();
                    let deliver_at = self.arrival_of(copy);
                    let ends = (Endpoint::Node(h.from), Endpoint::Node(h.to));
                    let (kind, slot) = (h.msg.kind(), h.msg.slot());
                    self.trace
                        .send(now, copy, ends.0, ends.1, kind, slot, deliver_at, None);
                    self.replay_mut().held[at].id = copy;
                }
                self.arrived(id);
                self.metrics.message_events += 1;
                self.metrics.received[h.to as usize] += 1;
                let r = self.replay_mut();
                r.delivering = match &h.msg {
                    Msg::Accept(a) => Some((a.slot, a.ballot, a.value.fingerprint())),
                    _ => None,
                };
                let input = Input::Message {
                    from: h.from,
                    msg: h.msg,
                };
                self.replay_handle(h.to as usize, input);
                self.replay_mut().delivering = None;
            }
            Step::Drop { .. } => {
                let at = self.find_held(step)?;
                let h = self.replay_mut().held.remove(at);
                self.arrived(h.id);
                self.trace.drop_msg(now, h.id, DropReason::Manual);
            }
            Step::Duplicate { .. } => {
                let at = self.find_held(step)?;
                let mut h = self.replay_mut().held[at].clone();
                h.id = self.next_id();
                let deliver_at = self.arrival_of(h.id);
                let (from, to) = (Endpoint::Node(h.from), Endpoint::Node(h.to));
                let (kind, slot) = (h.msg.kind(), h.msg.slot());
                self.trace
                    .send(now, h.id, from, to, kind, slot, deliver_at, None);
                self.replay_mut().held.push(h);
            }
            Step::Timer { node, timer } => {
                self.live_node(node)?;
                let t = timer.timer();
                let bit = 1u8 << t.index();
                let r = self.replay_mut();
                if r.armed[node as usize] & bit == 0 {
                    return Err(format!(
                        "fires node {node}'s {} timer, which is not armed (nothing set it since it last fired or the node crashed)",
                        TimerName::of(t).name()
                    ));
                }
                r.armed[node as usize] &= !bit;
                self.trace.timer(now, node as NodeId, t);
                self.replay_handle(node as usize, Input::Timer(t));
            }
            Step::Crash { node } => {
                self.live_node(node)?;
                let sn = &mut self.nodes[node as usize];
                sn.crashed = true;
                sn.epoch += 1;
                self.replay_mut().armed[node as usize] = 0;
                self.trace.fault(now, format!("crash node {node}"));
                self.recount_leaders();
            }
            Step::Recover { node } => {
                if !self.nodes[node as usize].crashed {
                    return Err(format!("recovers node {node}, which is not down"));
                }
                let sn = &mut self.nodes[node as usize];
                sn.crashed = false;
                sn.epoch += 1;
                self.trace.fault(now, format!("recover node {node}"));
                let mut out = self.lend_out();
                self.nodes[node as usize].node.recover(now, &mut out);
                self.replay_outputs(node as usize, &mut out);
                self.return_out(out);
                self.recount_leaders();
            }
            Step::Request { node, client } => {
                self.live_node(node)?;
                let r = self.replay_mut();
                let seq = r.submitted[client as usize] + 1;
                r.submitted[client as usize] = seq;
                self.checker.issued(client, seq);
                self.hand_over(node, Command { client, seq });
            }
            Step::Resend { node, client } => {
                self.live_node(node)?;
                let seq = self.replay_mut().submitted[client as usize];
                if seq == 0 {
                    return Err(format!(
                        "resends a command of client {client}, which has submitted none"
                    ));
                }
                self.hand_over(node, Command { client, seq });
            }
        }
        Ok(())
    }

    /// Client `cmd.client` hands `cmd` to `node` (a request message in the trace).
    fn hand_over(&mut self, node: u32, cmd: Command) {
        let now = self.now;
        let id = self.next_id();
        let ends = (Endpoint::Client(cmd.client), Endpoint::Node(node as NodeId));
        self.trace
            .send(now, id, ends.0, ends.1, MsgKind::Request, None, now, None);
        let client = cmd.client;
        self.replay_handle(node as usize, Input::Request { client, cmd });
    }

    fn replay_mut(&mut self) -> &mut Replay {
        self.replay
            .as_deref_mut()
            .expect("replay steps run only in schedule mode")
    }

    fn next_id(&mut self) -> u64 {
        self.next_msg_id += 1;
        self.next_msg_id - 1
    }

    /// When message `id` arrives (or is dropped), as the first pass saw it; the run's end for a
    /// message never delivered (and during the first pass).
    fn arrival_of(&self, id: u64) -> Time {
        self.replay
            .as_ref()
            .and_then(|r| r.arrivals.get(id as usize).copied())
            .filter(|&t| t != Time::MAX)
            .unwrap_or(self.end)
    }

    fn arrived(&mut self, id: u64) {
        let now = self.now;
        let seen = &mut self.replay_mut().seen;
        if seen.len() <= id as usize {
            seen.resize(id as usize + 1, Time::MAX);
        }
        seen[id as usize] = now;
    }

    fn live_node(&self, node: u32) -> Result<(), String> {
        if self.nodes[node as usize].crashed {
            return Err(format!("needs node {node}, which is down"));
        }
        Ok(())
    }

    /// The copy in flight a message step names.
    fn find_held(&self, step: &Step) -> Result<usize, String> {
        let Some(m) = step.msg() else {
            return Err("is not a message step".into());
        };
        let MsgRef {
            from,
            to,
            nth,
            kind,
        } = m;
        let r = self.replay.as_deref().ok_or("runs outside schedule mode")?;
        if matches!(step, Step::Deliver { .. }) && self.nodes[to as usize].crashed {
            return Err(format!("delivers to node {to}, which is down"));
        }
        let at = r
            .held
            .iter()
            .position(|h| h.from == from as NodeId && h.to == to as NodeId && h.nth == nth);
        match at {
            Some(i) if r.held[i].msg.kind() == kind => Ok(i),
            Some(i) => Err(format!(
                "names a {}, but message {from}→{to} #{nth} is a {}",
                kind.name(),
                r.held[i].msg.kind().name()
            )),
            None => {
                let sent = r.sent[from as usize * self.n + to as usize];
                Err(if nth > sent {
                    format!(
                        "names message {from}→{to} #{nth}, but node {from} has sent node {to} only {sent} so far"
                    )
                } else {
                    format!(
                        "names message {from}→{to} #{nth}, which is no longer in flight (delivered or dropped)"
                    )
                })
            }
        }
    }

    /// Node `i` handles `input` now.
    fn replay_handle(&mut self, i: usize, input: Input) {
        let mut out = self.lend_out();
        self.nodes[i].node.handle(self.now, input, &mut out);
        self.replay_outputs(i, &mut out);
        self.return_out(out);
    }

    /// A node's outputs in schedule mode: sends are held in flight, timers only armed, replies
    /// arrive at once; everything else goes through the normal path.
    fn replay_outputs(&mut self, i: usize, out: &mut Vec<Output>) {
        let now = self.now;
        let mut rest = Vec::new();
        let mut done = Vec::new();
        for o in out.drain(..) {
            match o {
                Output::Send { to, msg } => self.hold(i as NodeId, to, msg),
                Output::SetTimer { timer, .. } => self.arm(i, timer),
                Output::Reply { client, reply } => {
                    self.metrics.sent(i);
                    let id = self.next_id();
                    let ends = (Endpoint::Node(i as NodeId), Endpoint::Client(client));
                    self.trace
                        .send(now, id, ends.0, ends.1, MsgKind::Reply, None, now, None);
                    if let ClientReply::Done(cmd) = reply {
                        self.completed_total += 1;
                        done.push((client, cmd));
                    }
                }
                other => rest.push(other),
            }
        }
        self.apply_outputs(i, now, 0, &mut rest);
        // A reply arrives at once here, so it is checked after the step's executions.
        for (client, cmd) in done {
            self.checker.replied(now, i as NodeId, client, cmd);
        }
    }

    fn arm(&mut self, i: usize, timer: Timer) {
        self.replay_mut().armed[i] |= 1 << timer.index();
    }

    /// A node-to-node send: numbered on its link and held until a step delivers or drops it.
    fn hold(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let now = self.now;
        let kind = msg.kind();
        self.metrics.sent(from as usize);
        self.metrics.by_kind[kind as usize] += 1;
        self.metrics.message_events += 1;
        match &msg {
            Msg::Accept(a) => {
                self.coverage.proposed(a.slot);
                let fp = a.value.fingerprint();
                self.checker
                    .name_value(fp, crate::checker::describe(&a.value));
                self.vote(from, a.slot, a.ballot, fp);
            }
            Msg::Accepted(a) => {
                if let Some((slot, ballot, fp)) = self.replay_mut().delivering {
                    if (slot, ballot) == (a.slot, a.ballot) {
                        self.vote(from, slot, ballot, fp);
                    }
                }
            }
            _ => {}
        }
        let id = self.next_id();
        let deliver_at = self.arrival_of(id);
        let link = from as usize * self.n + to as usize;
        let r = self.replay_mut();
        r.sent[link] += 1;
        let nth = r.sent[link];
        self.trace.send(
            now,
            id,
            Endpoint::Node(from),
            Endpoint::Node(to),
            kind,
            msg.slot(),
            deliver_at,
            None,
        );
        self.replay_mut().held.push(Held {
            from,
            to,
            nth,
            msg,
            id,
        });
    }

    /// Records `voter`'s vote; once a Q2 voted for one value in one ballot, the value is
    /// chosen, and the checker hears of it like a leader's announcement.
    fn vote(&mut self, voter: NodeId, slot: Slot, ballot: Ballot, fp: u64) {
        let r = self.replay_mut();
        let key = (slot, ballot, fp);
        let voters = match r.votes.iter_mut().find(|v| (v.0, v.1, v.2) == key) {
            Some(v) => {
                v.3.insert(voter);
                v.3
            }
            None => {
                r.votes.push((slot, ballot, fp, NodeSet::single(voter)));
                NodeSet::single(voter)
            }
        };
        if self.quorums.is_q2(voters) {
            self.checker.chosen(
                self.now,
                voter,
                slot,
                fp,
                &super::cpu::value_names(&self.nodes),
            );
        }
    }
}
