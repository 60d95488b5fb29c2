//! The node's sans-IO contract, pinned down without the simulator.
//!
//! A hand-driven harness in the spirit of quinn-proto's test `Pair`: a few [`Node`]s, a message
//! queue the test delivers (or drops) one message at a time, timers fired by hand, and the
//! outputs checked. Nothing here knows about latency, randomness or CPU cost: if a test fails,
//! the protocol core is at fault, not the simulator.

use fpaxos::msg::{Accept, Commit, HeartbeatAck, Nack, Prepare, Promise, Snapshot};
use fpaxos::{
    Ballot, ClientReply, Command, Config, Event, Input, Msg, MsgKind, Node, NodeId, NodeSet,
    Output, QuorumSpec, QuorumSystem, Role, Slot, Time, Timer, Value,
};
use std::sync::Arc;

const MS: Time = 1_000_000;
const HEARTBEAT: Time = 10 * MS;
const ELECTION: Time = 100 * MS;
const RETRANSMIT: Time = 20 * MS;

/// A message in flight.
#[derive(Clone, Debug)]
struct Flight {
    from: NodeId,
    to: NodeId,
    msg: Msg,
}

/// Nodes, the messages between them, and every other output they produced.
struct Cluster {
    nodes: Vec<Node>,
    now: Time,
    net: Vec<Flight>,
    /// Non-message outputs, by node, in the order produced (cleared by `take_outputs`).
    outputs: Vec<(NodeId, Output)>,
}

/// Knobs that differ between tests.
struct Setup {
    n: usize,
    quorum: QuorumSpec,
    thrifty: bool,
    log_retain: u64,
    check_quorum: bool,
    pre_vote: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            n: 3,
            quorum: QuorumSpec::Majority,
            thrifty: false,
            log_retain: 1000,
            check_quorum: true,
            pre_vote: false,
        }
    }
}

impl Cluster {
    /// Started nodes, none campaigning yet, at time 0.
    fn new(s: Setup) -> Cluster {
        let quorums = Arc::new(QuorumSystem::new(&s.quorum, s.n).expect("valid quorum system"));
        let nodes = (0..s.n)
            .map(|i| {
                Node::new(Config {
                    id: i as NodeId,
                    quorums: Arc::clone(&quorums),
                    thrifty: s.thrifty,
                    window: 8,
                    batch: 1,
                    heartbeat: HEARTBEAT,
                    election_timeout: ELECTION,
                    retransmit: RETRANSMIT,
                    commit_batch: 1,
                    log_retain: s.log_retain,
                    bootstrap: false,
                    check_quorum: s.check_quorum,
                    pre_vote: s.pre_vote,
                })
            })
            .collect();
        let mut c = Cluster {
            nodes,
            now: 0,
            net: Vec::new(),
            outputs: Vec::new(),
        };
        for i in 0..s.n {
            let mut out = Vec::new();
            c.nodes[i].start(0, &mut out);
            c.route(i as NodeId, out);
        }
        c.outputs.clear();
        c
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    fn route(&mut self, from: NodeId, out: Vec<Output>) {
        for o in out {
            match o {
                Output::Send { to, msg } => self.net.push(Flight { from, to, msg }),
                other => self.outputs.push((from, other)),
            }
        }
    }

    /// Feeds `input` to node `id` at the current time.
    fn input(&mut self, id: NodeId, input: Input) {
        let mut out = Vec::new();
        let now = self.now;
        self.nodes[id as usize].handle(now, input, &mut out);
        self.route(id, out);
    }

    fn fire(&mut self, id: NodeId, timer: Timer) {
        self.input(id, Input::Timer(timer));
    }

    fn request(&mut self, id: NodeId, client: u32, seq: u32) -> Command {
        let cmd = Command { client, seq };
        self.input(id, Input::Request { client, cmd });
        cmd
    }

    /// Removes and returns the first message in flight matching `pick`.
    fn take(&mut self, pick: impl Fn(&Flight) -> bool) -> Option<Flight> {
        let i = self.net.iter().position(pick)?;
        Some(self.net.remove(i))
    }

    /// Delivers the first message of `kind` from `from` to `to`; panics if there is none.
    fn deliver(&mut self, from: NodeId, to: NodeId, kind: MsgKind) -> Msg {
        let f = self
            .take(|f| f.from == from && f.to == to && f.msg.kind() == kind)
            .unwrap_or_else(|| panic!("no {kind:?} {from}->{to} in flight: {:?}", self.net));
        let msg = f.msg.clone();
        self.input(to, Input::Message { from, msg });
        f.msg
    }

    /// Delivers every message in flight, including the ones they cause, until none is left.
    fn deliver_all(&mut self) {
        while !self.net.is_empty() {
            let f = self.net.remove(0);
            self.input(
                f.to,
                Input::Message {
                    from: f.from,
                    msg: f.msg,
                },
            );
        }
    }

    /// Delivers every message in flight until none is left, dropping those to or from `dead`.
    fn deliver_all_but(&mut self, dead: NodeSet) {
        loop {
            self.drop_where(|f| dead.contains(f.to) || dead.contains(f.from));
            if self.net.is_empty() {
                return;
            }
            let f = self.net.remove(0);
            let msg = f.msg;
            self.input(f.to, Input::Message { from: f.from, msg });
        }
    }

    /// Drops every message in flight matching `pick`; returns how many.
    fn drop_where(&mut self, pick: impl Fn(&Flight) -> bool) -> usize {
        let before = self.net.len();
        self.net.retain(|f| !pick(f));
        before - self.net.len()
    }

    /// The messages of `kind` in flight, oldest first.
    fn in_flight(&self, kind: MsgKind) -> Vec<Flight> {
        self.net
            .iter()
            .filter(|f| f.msg.kind() == kind)
            .cloned()
            .collect()
    }

    /// What node `id` produced that `pick` selects, in order.
    fn outputs_of<T>(&self, id: NodeId, pick: impl Fn(&Output) -> Option<T>) -> Vec<T> {
        self.outputs
            .iter()
            .filter(|(n, _)| *n == id)
            .filter_map(|(_, o)| pick(o))
            .collect()
    }

    fn events(&self, id: NodeId) -> Vec<Event> {
        self.outputs_of(id, |o| match o {
            Output::Event(e) => Some(*e),
            _ => None,
        })
    }

    fn replies(&self, id: NodeId) -> Vec<(u32, ClientReply)> {
        self.outputs_of(id, |o| match o {
            Output::Reply { client, reply } => Some((*client, *reply)),
            _ => None,
        })
    }

    fn decided(&self, id: NodeId) -> Vec<(Slot, Value)> {
        self.outputs_of(id, |o| match o {
            Output::Decided { slot, value } => Some((*slot, value.clone())),
            _ => None,
        })
    }

    /// Lets the election timeout pass and has `id` campaign.
    fn campaign(&mut self, id: NodeId) {
        self.now += 2 * ELECTION;
        self.fire(id, Timer::Election);
    }

    /// Leader 0 gets `count` commands of `client` chosen by Q2 {0, 1} while node 2 misses every
    /// accept; then the heartbeat timer fires and announces the new commit index.
    fn leave_node_2_behind(&mut self, client: u32, count: u32) -> Vec<Command> {
        let cmds: Vec<Command> = (1..=count)
            .map(|seq| self.request(0, client, seq))
            .collect();
        assert_eq!(
            self.drop_where(|f| f.to == 2),
            count as usize,
            "node 2 misses the accepts"
        );
        for _ in 0..count {
            self.deliver(0, 1, MsgKind::Accept);
            self.deliver(1, 0, MsgKind::Accepted);
        }
        assert_eq!(self.node(0).executed(), count as Slot);
        self.now += HEARTBEAT;
        self.fire(0, Timer::Heartbeat);
        cmds
    }

    /// Runs the leader's heartbeat timer every `HEARTBEAT` for `span`, delivering everything
    /// except what `drop` selects; returns the time at which `id` stopped leading, if it did.
    fn heartbeats(
        &mut self,
        id: NodeId,
        span: Time,
        drop: impl Fn(&Flight) -> bool,
    ) -> Option<Time> {
        let end = self.now + span;
        while self.now < end {
            self.now += HEARTBEAT;
            self.fire(id, Timer::Heartbeat);
            loop {
                self.drop_where(&drop);
                if self.net.is_empty() {
                    break;
                }
                let f = self.net.remove(0);
                let msg = f.msg;
                self.input(f.to, Input::Message { from: f.from, msg });
            }
            if self.node(id).role() != Role::Leader {
                return Some(self.now);
            }
        }
        None
    }

    /// Node `id` campaigns and every message is delivered: it leads and the network is quiet.
    fn elect(&mut self, id: NodeId) {
        self.campaign(id);
        self.deliver_all();
        assert_eq!(self.node(id).role(), Role::Leader);
        self.outputs.clear();
    }
}

fn targets(flights: &[Flight]) -> Vec<NodeId> {
    flights.iter().map(|f| f.to).collect()
}

/// Asserts that the messages of `msg`'s kind in flight are exactly `msg`, once to each of `to`.
fn assert_sent(c: &Cluster, msg: &Msg, to: &[NodeId]) {
    let flights = c.in_flight(msg.kind());
    assert_eq!(targets(&flights), to);
    for f in &flights {
        assert_eq!(&f.msg, msg, "to node {}", f.to);
    }
}

fn set(ids: &[NodeId]) -> NodeSet {
    NodeSet::from_ids(ids.iter().copied())
}

#[test]
fn candidate_with_a_q1_of_promises_becomes_leader() {
    let mut c = Cluster::new(Setup::default());
    c.campaign(0);
    let b = c.node(0).ballot();
    assert_eq!(b, Ballot::new(1, 0));
    assert_eq!(c.node(0).role(), Role::Candidate);
    assert_eq!(c.events(0), vec![Event::ElectionStarted { ballot: b }]);
    let prepare = Msg::Prepare(Prepare {
        ballot: b,
        first_slot: 0,
    });
    assert_sent(&c, &prepare, &[1, 2]);

    c.deliver(0, 1, MsgKind::Prepare);
    assert_eq!(c.node(1).promised(), b);
    c.deliver(1, 0, MsgKind::Promise);

    // Node 2 never answered: its own promise and node 1's already make a majority.
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(c.node(0).leader_hint(), Some(0));
    assert!(c.events(0).contains(&Event::Elected {
        ballot: b,
        quorum: set(&[0, 1]),
    }));
    // The new leader announces itself to everyone, not only to its Q1.
    assert_eq!(targets(&c.in_flight(MsgKind::Heartbeat)), vec![1, 2]);
}

#[test]
fn phase_one_adopts_the_highest_ballot_value_and_reproposes_it() {
    let mut c = Cluster::new(Setup::default());
    let (c1, c2) = (Command { client: 1, seq: 1 }, Command { client: 2, seq: 1 });
    // Node 0 leads ballot 1.0 and accepts c1 in slot 0 itself, but nobody else sees it.
    c.elect(0);
    c.request(0, c1.client, c1.seq);
    c.net.clear();
    // Node 1 takes over with ballot 2.1 (Q1 {1, 2}) and gets c2 accepted by node 2 only.
    c.campaign(1);
    let b1 = c.node(1).ballot();
    c.deliver(1, 2, MsgKind::Prepare);
    c.deliver(2, 1, MsgKind::Promise);
    assert_eq!(c.node(1).role(), Role::Leader);
    c.deliver(1, 0, MsgKind::Heartbeat);
    assert_eq!(c.node(0).role(), Role::Follower);
    c.net.clear();
    c.request(1, c2.client, c2.seq);
    c.deliver(1, 2, MsgKind::Accept);
    c.net.clear();
    c.outputs.clear();

    // Node 0 campaigns again: its own c1 (ballot 1.0) loses to node 2's c2 (ballot 2.1).
    c.campaign(0);
    let b0 = c.node(0).ballot();
    assert!(b0 > b1);
    c.deliver(0, 2, MsgKind::Prepare);
    let promise = c.deliver(2, 0, MsgKind::Promise);
    let Msg::Promise(Promise { entries, .. }) = &promise else {
        panic!("not a promise: {promise:?}");
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].ballot, &entries[0].value),
        (b1, &Value::Cmd(c2))
    );
    assert_eq!(c.node(0).role(), Role::Leader);
    let reproposal = Msg::Accept(Accept {
        ballot: b0,
        slot: 0,
        value: Value::Cmd(c2),
        commit: 0,
    });
    assert_sent(&c, &reproposal, &[1, 2]);

    // Once a Q2 accepts, c2 is chosen in slot 0 and its client gets the answer from node 0.
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(2, 0, MsgKind::Accepted);
    assert_eq!(c.decided(0), vec![(0, Value::Cmd(c2))]);
    assert_eq!(c.replies(0), vec![(c2.client, ClientReply::Done(c2))]);
}

#[test]
fn a_q2_of_accepted_chooses_executes_and_answers_the_client_once() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let b = c.node(0).ballot();
    let cmd = c.request(0, 7, 1);
    let accept = Msg::Accept(Accept {
        ballot: b,
        slot: 0,
        value: Value::Cmd(cmd),
        commit: 0,
    });
    assert_sent(&c, &accept, &[1, 2]);
    assert!(c.decided(0).is_empty());

    c.deliver(0, 1, MsgKind::Accept);
    c.deliver(1, 0, MsgKind::Accepted);
    assert!(c.events(0).contains(&Event::Chosen {
        slot: 0,
        ballot: b,
        quorum: set(&[0, 1]),
        fingerprint: Value::Cmd(cmd).fingerprint(),
    }));
    assert_eq!(c.decided(0), vec![(0, Value::Cmd(cmd))]);
    assert_eq!(c.replies(0), vec![(7, ClientReply::Done(cmd))]);
    assert_eq!(c.node(0).executed(), 1);
    // The acceptor learns the outcome only from a later commit index.
    assert_eq!(c.node(1).executed(), 0);

    // A late acceptance changes nothing: the slot is chosen and executed once.
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(2, 0, MsgKind::Accepted);
    assert_eq!(c.decided(0).len(), 1);
    assert_eq!(c.replies(0).len(), 1);
    let chosen = |e: &Event| matches!(e, Event::Chosen { .. });
    assert_eq!(c.events(0).iter().filter(|e| chosen(e)).count(), 1);
}

#[test]
fn a_lower_ballot_is_nacked_and_the_displaced_leader_steps_down() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let b0 = c.node(0).ballot();
    // Node 1 takes over with Q1 {1, 2}; node 0 hears nothing of it.
    c.campaign(1);
    let b1 = c.node(1).ballot();
    c.deliver(1, 2, MsgKind::Prepare);
    c.deliver(2, 1, MsgKind::Promise);
    assert_eq!(c.node(1).role(), Role::Leader);
    c.net.clear();
    c.outputs.clear();

    // Node 0 still believes it leads and proposes with its old ballot.
    c.request(0, 9, 1);
    c.deliver(0, 2, MsgKind::Accept);
    assert!(c.in_flight(MsgKind::Accepted).is_empty());
    let nack = c.deliver(2, 0, MsgKind::Nack);
    assert_eq!(nack, Msg::Nack(Nack { promised: b1 }));
    assert_eq!(c.node(2).promised(), b1);

    assert_eq!(
        c.events(0),
        vec![Event::SteppedDown {
            ballot: b0,
            seen: b1
        }]
    );
    assert_eq!(c.node(0).role(), Role::Follower);
    assert_eq!(c.node(0).promised(), b1);
    assert_eq!(c.node(0).leader_hint(), Some(1));
    // A follower sends clients to the leader it now knows.
    let cmd = c.request(0, 9, 2);
    assert_eq!(
        c.replies(0),
        vec![(
            9,
            ClientReply::Redirect {
                cmd,
                leader: Some(1)
            }
        )]
    );
}

#[test]
fn a_lagging_follower_gets_the_chosen_entries_after_its_heartbeat_ack() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let b = c.node(0).ballot();
    let cmd = c.leave_node_2_behind(3, 1)[0];
    // Node 1 has the value: the heartbeat's commit index is all it needs.
    c.deliver(0, 1, MsgKind::Heartbeat);
    assert_eq!(c.node(1).executed(), 1);
    c.deliver(1, 0, MsgKind::HeartbeatAck);
    assert!(c.in_flight(MsgKind::Commit).is_empty());
    // Node 2 lacks it: its ack says so and the leader sends the chosen entry.
    c.deliver(0, 2, MsgKind::Heartbeat);
    let ack = c.deliver(2, 0, MsgKind::HeartbeatAck);
    assert_eq!(
        ack,
        Msg::HeartbeatAck(HeartbeatAck {
            ballot: b,
            executed: 0
        })
    );
    let commit = c.deliver(0, 2, MsgKind::Commit);
    assert_eq!(
        commit,
        Msg::Commit(Commit {
            ballot: b,
            commit: 1,
            entries: vec![(0, Value::Cmd(cmd))],
        })
    );
    assert_eq!(c.decided(2), vec![(0, Value::Cmd(cmd))]);
    assert_eq!(c.node(2).executed(), 1);
    assert_eq!(c.node(2).digest(), c.node(0).digest());
}

#[test]
fn a_follower_behind_the_leaders_log_base_gets_a_snapshot() {
    let mut c = Cluster::new(Setup {
        log_retain: 1,
        ..Setup::default()
    });
    c.elect(0);
    let b = c.node(0).ballot();
    c.leave_node_2_behind(4, 3);
    c.deliver(0, 2, MsgKind::Heartbeat);
    c.deliver(2, 0, MsgKind::HeartbeatAck);
    // Slot 0 is trimmed from the leader's log: only a state transfer can help.
    let digest = c.node(0).digest();
    let snapshot = c.deliver(0, 2, MsgKind::Snapshot);
    assert_eq!(
        snapshot,
        Msg::Snapshot(Snapshot {
            ballot: b,
            upto: 3,
            digest
        })
    );
    assert!(c.outputs.iter().any(|(n, o)| *n == 2
        && matches!(o, Output::SnapshotInstalled { upto: 3, digest: d } if *d == digest)));
    assert_eq!(c.node(2).executed(), 3);
    assert_eq!(c.node(2).digest(), digest);
}

#[test]
fn a_thrifty_leader_widens_past_a_silent_acceptor_after_the_retransmit_timer() {
    let mut c = Cluster::new(Setup {
        thrifty: true,
        ..Setup::default()
    });
    c.campaign(0);
    // Thrifty phase 1: a Q1 of the next nodes in id order, not everyone.
    assert_eq!(targets(&c.in_flight(MsgKind::Prepare)), vec![1]);
    c.deliver_all();
    c.outputs.clear();
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(c.node(0).thrifty_quorum(), set(&[0, 1]));

    let cmd = c.request(0, 5, 1);
    assert_eq!(targets(&c.in_flight(MsgKind::Accept)), vec![1]);
    c.drop_where(|f| f.to == 1);

    // Before the retransmit time nothing is resent.
    c.now += RETRANSMIT - 1;
    c.fire(0, Timer::Retransmit);
    assert!(c.in_flight(MsgKind::Accept).is_empty());
    c.now += 1;
    c.fire(0, Timer::Retransmit);
    // The accept goes to every node that has not accepted, and node 1 leaves the Q2.
    assert_eq!(targets(&c.in_flight(MsgKind::Accept)), vec![1, 2]);
    assert_eq!(c.node(0).thrifty_quorum(), set(&[0, 2]));
    c.deliver(0, 2, MsgKind::Accept);
    c.deliver(2, 0, MsgKind::Accepted);
    assert!(c.events(0).contains(&Event::Chosen {
        slot: 0,
        ballot: c.node(0).ballot(),
        quorum: set(&[0, 2]),
        fingerprint: Value::Cmd(cmd).fingerprint(),
    }));
    assert_eq!(c.replies(0), vec![(5, ClientReply::Done(cmd))]);

    // New proposals go to the widened Q2 only.
    c.net.clear();
    c.request(0, 5, 2);
    assert_eq!(targets(&c.in_flight(MsgKind::Accept)), vec![2]);
}

#[test]
fn a_thrifty_re_election_asks_everyone_and_suspects_the_silent() {
    // N=5 majority, nodes 0 and 2 dead: node 1's ring-ordered Q1 {1, 2, 3} holds a dead node.
    let mut c = Cluster::new(Setup {
        n: 5,
        thrifty: true,
        ..Setup::default()
    });
    let dead = set(&[0, 2]);
    c.campaign(1);
    assert_eq!(targets(&c.in_flight(MsgKind::Prepare)), vec![2, 3]);
    c.deliver_all_but(dead);
    assert_eq!(c.node(1).role(), Role::Candidate);
    // The election timer fires before the retransmit timer: the retry goes to every node.
    c.now += ELECTION;
    c.fire(1, Timer::Election);
    assert_eq!(targets(&c.in_flight(MsgKind::Prepare)), vec![0, 2, 3, 4]);
    c.deliver_all_but(dead);
    assert_eq!(c.node(1).role(), Role::Leader);

    // Node 2 stayed silent in the first attempt: the new leader's thrifty Q2 avoids it.
    assert_eq!(c.node(1).thrifty_quorum(), set(&[1, 3, 4]));
}

#[test]
fn a_leader_that_hears_no_q2_within_an_election_timeout_steps_down() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let (b, since) = (c.node(0).ballot(), c.now);
    // Node 0 can send but not receive: followers keep hearing heartbeats and never campaign.
    let stepped = c.heartbeats(0, 5 * ELECTION, |f| f.to == 0);
    let at = stepped.expect("the deaf leader steps down");
    assert!(at - since >= ELECTION && at - since <= 2 * ELECTION + HEARTBEAT);
    assert_eq!(c.events(0), vec![Event::SteppedDown { ballot: b, seen: b }]);
    assert_eq!(c.node(0).leader_hint(), None);

    // Switched off, the same leader never notices.
    let mut c = Cluster::new(Setup {
        check_quorum: false,
        ..Setup::default()
    });
    c.elect(0);
    assert_eq!(c.heartbeats(0, 5 * ELECTION, |f| f.to == 0), None);
}

#[test]
fn a_leader_with_only_a_q2_alive_keeps_leading_and_committing() {
    // N=5 with |Q1| = 4 and |Q2| = 2: after the election only node 1 stays reachable.
    let mut c = Cluster::new(Setup {
        n: 5,
        quorum: QuorumSpec::Counting { q1: 4, q2: 2 },
        ..Setup::default()
    });
    c.elect(0);
    let dead = set(&[2, 3, 4]);
    let gone = move |f: &Flight| dead.contains(f.to) || dead.contains(f.from);
    assert_eq!(c.heartbeats(0, 5 * ELECTION, gone), None);
    let cmd = c.request(0, 3, 1);
    c.deliver_all_but(dead);
    assert_eq!(c.replies(0), vec![(3, ClientReply::Done(cmd))]);
}

/// Node 2, cut off alone, times out and campaigns; then the partition heals while leader 0's
/// heartbeat reaches node 1 first. Returns the cluster after everything is delivered.
fn rejoin_after_isolation(pre_vote: bool) -> Cluster {
    let mut c = Cluster::new(Setup {
        pre_vote,
        ..Setup::default()
    });
    c.elect(0);
    c.campaign(2);
    c.fire(0, Timer::Heartbeat);
    c.deliver(0, 1, MsgKind::Heartbeat);
    c.deliver_all();
    c
}

#[test]
fn with_pre_vote_a_rejoining_node_does_not_depose_a_healthy_leader() {
    let b = Ballot::new(1, 0);
    let c = rejoin_after_isolation(true);
    // Node 2 only asked whether it could win; nobody granted and no ballot moved.
    assert!(c.events(2).is_empty());
    assert_eq!(c.node(0).role(), Role::Leader);
    assert_eq!(c.node(0).ballot(), b);
    assert_eq!(
        (c.node(2).promised(), c.node(2).leader_hint()),
        (b, Some(0))
    );

    // Without pre-vote the rejoining node's higher ballot deposes the leader.
    let c = rejoin_after_isolation(false);
    assert_ne!(c.node(0).role(), Role::Leader);
    assert!(c.node(0).promised() > b);
}

#[test]
fn with_pre_vote_a_q1_of_grants_starts_the_real_election() {
    let mut c = Cluster::new(Setup {
        pre_vote: true,
        ..Setup::default()
    });
    c.elect(0);
    // The leader dies: node 2 has not heard from it for an election timeout and grants.
    c.campaign(1);
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(targets(&c.in_flight(MsgKind::PreVote)), vec![0, 2]);
    c.deliver_all_but(set(&[0]));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert!(c.node(1).ballot() > Ballot::new(1, 0));
}

#[test]
fn clients_of_slots_a_snapshot_skips_get_a_retry_not_silence() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let cmd = c.request(0, 4, 1);
    c.net.clear();
    // A stale state transfer skips the leader past its own unchosen proposal in slot 0.
    let snapshot = Msg::Snapshot(Snapshot {
        ballot: Ballot::ZERO,
        upto: 3,
        digest: 0xfeed,
    });
    c.input(
        0,
        Input::Message {
            from: 1,
            msg: snapshot,
        },
    );
    assert_eq!(c.node(0).executed(), 3);
    assert_eq!(
        c.replies(0),
        vec![(
            4,
            ClientReply::Redirect {
                cmd,
                leader: Some(0)
            }
        )]
    );
}

/// Feeds node `to` a message as if from `from`.
fn send_to(c: &mut Cluster, from: NodeId, to: NodeId, msg: Msg) {
    c.input(to, Input::Message { from, msg });
}

fn accept(ballot: Ballot, slot: Slot, value: Value) -> Msg {
    Msg::Accept(Accept {
        ballot,
        slot,
        value,
        commit: 0,
    })
}

fn commit_of(ballot: Ballot, entries: Vec<(Slot, Value)>) -> Msg {
    Msg::Commit(Commit {
        ballot,
        commit: 0,
        entries,
    })
}

/// Node `from` prepares at `ballot` to node `to`, which answers: returns its promise.
fn promise_of(c: &mut Cluster, to: NodeId, ballot: Ballot) -> Promise {
    let from = ballot.node();
    send_to(
        c,
        from,
        to,
        Msg::Prepare(Prepare {
            ballot,
            first_slot: 0,
        }),
    );
    match c.take(|f| f.from == to && f.msg.kind() == MsgKind::Promise) {
        Some(Flight {
            msg: Msg::Promise(p),
            ..
        }) => p,
        other => panic!("no promise: {other:?}"),
    }
}

#[test]
fn an_acceptor_acks_only_what_it_stores() {
    let mut c = Cluster::new(Setup::default());
    let (v, w) = (Value::Cmd(Command { client: 1, seq: 1 }), Value::Noop);
    let b = Ballot::new(3, 0);
    // Below the log base: nothing can be stored, so nothing is acked.
    let snapshot = Msg::Snapshot(Snapshot {
        ballot: Ballot::ZERO,
        upto: 2,
        digest: 1,
    });
    send_to(&mut c, 0, 1, snapshot);
    send_to(&mut c, 0, 1, accept(b, 1, w.clone()));
    assert!(c.in_flight(MsgKind::Accepted).is_empty());
    // Slot 5 is known chosen with v: a different value is refused, the same value is acked.
    send_to(&mut c, 0, 1, commit_of(Ballot::ZERO, vec![(5, v.clone())]));
    send_to(&mut c, 0, 1, accept(b, 5, w));
    assert!(c.in_flight(MsgKind::Accepted).is_empty());
    send_to(&mut c, 0, 1, accept(b, 5, v.clone()));
    assert_eq!(c.in_flight(MsgKind::Accepted).len(), 1);
    let p = promise_of(&mut c, 1, Ballot::new(4, 2));
    assert_eq!(p.entries.len(), 1);
    assert_eq!((p.entries[0].slot, p.entries[0].ballot), (5, b));
    assert_eq!(p.entries[0].value, v);
}

#[test]
fn a_commit_marks_chosen_without_stamping_a_ballot_and_phase_one_prefers_it() {
    let mut c = Cluster::new(Setup::default());
    let (v, w) = (Value::Cmd(Command { client: 1, seq: 1 }), Value::Noop);
    // Node 1 accepted nothing in slot 2, then learns from a commit that v is chosen there.
    send_to(
        &mut c,
        0,
        1,
        commit_of(Ballot::new(3, 0), vec![(2, v.clone())]),
    );
    let p = promise_of(&mut c, 1, Ballot::new(4, 2));
    assert_eq!(p.entries.len(), 1);
    let e = &p.entries[0];
    assert_eq!((e.slot, e.ballot, e.chosen), (2, Ballot::ZERO, true));

    // A candidate prefers a chosen report over any ballot: node 0 hears w at a high ballot
    // from node 2, and v chosen from node 1.
    let mut c = Cluster::new(Setup {
        n: 5,
        ..Setup::default()
    });
    c.campaign(0);
    let b = c.node(0).ballot();
    c.net.clear();
    send_to(&mut c, 0, 1, commit_of(Ballot::ZERO, vec![(2, v.clone())]));
    let mut high = promise_of(&mut c, 2, b);
    high.entries = vec![fpaxos::msg::PromiseEntry {
        slot: 2,
        ballot: Ballot::new(1, 4),
        value: w,
        chosen: false,
    }];
    send_to(&mut c, 2, 0, Msg::Promise(high));
    let chosen = promise_of(&mut c, 1, b);
    send_to(&mut c, 1, 0, Msg::Promise(chosen));
    assert_eq!(c.node(0).role(), Role::Leader);
    let slot2: Vec<Value> = c
        .in_flight(MsgKind::Accept)
        .into_iter()
        .filter_map(|f| match f.msg {
            Msg::Accept(a) if a.slot == 2 => Some(a.value),
            _ => None,
        })
        .collect();
    assert!(
        !slot2.is_empty() && slot2.iter().all(|x| *x == v),
        "{slot2:?}"
    );
}

#[test]
fn a_leader_never_proposes_into_a_slot_it_knows_chosen() {
    let mut c = Cluster::new(Setup::default());
    c.elect(0);
    let v = Value::Cmd(Command { client: 9, seq: 1 });
    // A rival's commit (only possible with unsafe quorums) says slot 1 is chosen with v.
    send_to(&mut c, 1, 0, commit_of(Ballot::ZERO, vec![(1, v.clone())]));
    c.request(0, 2, 1);
    let second = c.request(0, 2, 2);
    let slots: Vec<(Slot, Value)> = c
        .in_flight(MsgKind::Accept)
        .into_iter()
        .filter(|f| f.to == 1)
        .filter_map(|f| match f.msg {
            Msg::Accept(a) => Some((a.slot, a.value)),
            _ => None,
        })
        .collect();
    assert_eq!(slots[1], (2, Value::Cmd(second)));
    c.deliver_all();
    assert_eq!(c.decided(0)[1], (1, v));
}
