//! A node step computed by the real node: `Node::handle` (or `start`, `recover`) on an
//! interned node state and one stimulus, its outputs read into ids.

use super::{Envelope, Step, Stimulus, Vote, World};
use fpaxos::node::{Event, Output};
use fpaxos::{ClientReply, Input, Msg};

impl World {
    /// Bit `k` for [`World::command`]`(k)`; [`Step::REPLIED_OTHER`] for another command.
    fn command_bit(&self, c: fpaxos::Command) -> u16 {
        (0..self.cfg.commands)
            .find(|&k| World::command(k) == c)
            .map_or(Step::REPLIED_OTHER, |k| 1 << k)
    }

    /// The step of node state `node` on `stim` (a miss of the memo in [`World::step`]).
    pub(super) fn compute(&mut self, node: u32, stim: Stimulus) -> Step {
        let mut n = self.nodes[node as usize].clone();
        let me = n.id();
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let mut delivered_accept = None;
        match stim {
            Stimulus::Start => n.start(0, &mut out),
            Stimulus::Recover => n.recover(0, &mut out),
            Stimulus::Fire(t) => n.handle(0, Input::Timer(t), &mut out),
            Stimulus::Request(k) => {
                let cmd = World::command(k);
                n.handle(
                    0,
                    Input::Request {
                        client: cmd.client,
                        cmd,
                    },
                    &mut out,
                )
            }
            Stimulus::Deliver(e) => {
                let env = self.envs[e as usize].clone();
                if let Msg::Accept(a) = &env.msg {
                    delivered_accept = Some(a.value.clone());
                }
                n.handle(
                    0,
                    Input::Message {
                        from: env.from,
                        msg: env.msg,
                    },
                    &mut out,
                )
            }
        }
        let mut step = Step::default();
        for o in out.drain(..) {
            match o {
                Output::Send { to, msg } => {
                    match &msg {
                        // A leader sends an Accept only for the value it holds at that ballot:
                        // its own vote.
                        Msg::Accept(a) => {
                            let value = self.intern_value(a.value.clone());
                            step.votes.push(Vote {
                                slot: a.slot,
                                ballot: a.ballot,
                                value,
                            });
                        }
                        // An acceptor answers Accepted only once it stored the Accept's value.
                        Msg::Accepted(a) => {
                            if let Some(v) = &delivered_accept {
                                let value = self.intern_value(v.clone());
                                step.votes.push(Vote {
                                    slot: a.slot,
                                    ballot: a.ballot,
                                    value,
                                });
                            }
                        }
                        _ => {}
                    }
                    let e = self.intern_env_only(Envelope { from: me, to, msg });
                    step.sends.push(e);
                }
                Output::SetTimer { timer, .. } => step.armed |= 1 << timer.index(),
                Output::Decided {
                    slot,
                    value,
                    repeats,
                    ..
                } => {
                    let v = self.intern_value(value);
                    let bits = repeats.iter().fold(0, |b, &c| b | self.command_bit(c));
                    step.decided.push((slot, v, bits));
                }
                Output::Event(Event::ElectionStarted { .. }) => step.elections += 1,
                Output::Event(Event::Chosen {
                    slot,
                    ballot,
                    fingerprint,
                    quorum,
                }) => {
                    let v = self
                        .values
                        .iter()
                        .position(|v| v.fingerprint() == fingerprint)
                        .map(|i| i as u32);
                    step.claims.push((slot, ballot, quorum, v));
                }
                Output::Reply {
                    reply: ClientReply::Done(c),
                    ..
                } => step.replied |= self.command_bit(c),
                Output::Reply { .. }
                | Output::SnapshotInstalled { .. }
                | Output::Event(
                    Event::Elected { .. }
                    | Event::SteppedDown { .. }
                    | Event::LaggingPromise { .. }
                    | Event::ValueRecovered { .. }
                    | Event::ThriftyFallback { .. },
                ) => {}
            }
        }
        self.out = out;
        step.votes
            .dedup_by(|a, b| a.slot == b.slot && a.ballot == b.ballot && a.value == b.value);
        step.node = self.intern_node(n);
        self.map_new_envs();
        step
    }
}
