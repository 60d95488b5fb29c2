//! # fpaxos-explore — a bounded, exhaustive model check of the real FPaxos node
//!
//! The explorer drives the very [`fpaxos::Node`] the simulator drives, through the same
//! `Node::handle(now, Input, &mut Vec<Output>)`, and searches breadth first over every order of
//! the model's nondeterministic actions:
//! - deliver any message in flight, in any order. By default the network is the set of every
//!   message sent (as in Lamport's TLA+ Paxos): a message can be delivered any number of times
//!   or never, which is unbounded loss, duplication and reordering. With [`Network::Multiset`]
//!   a delivery consumes one copy, and dropping or duplicating one are bounded actions
//!   (`drops`, `dups`);
//! - fire any armed timer that acts in the node's role (elections bounded by `ballots`,
//!   heartbeat and retransmit firings by `timers`);
//! - crash a node and recover it later (bounded: `crashes`), as the simulator does: volatile
//!   state is lost through `Node::recover`, messages to a crashed node wait (or are never
//!   delivered, which covers the simulator's loss at a crashed node);
//! - submit one of `commands` client commands to a candidate or leader (a follower only
//!   redirects, which changes nothing).
//!
//! **Time.** Every timeout is zero and `now` is 0 throughout: a timer firing is "its timeout has
//! elapsed", leases never hold, and no clock value enters the state (see
//! [`ExploreConfig`]'s node configuration).
//!
//! **Properties**, checked on every transition: *agreement* (no two values chosen in one slot,
//! where chosen means accepted by a Q2 in one ballot, or announced chosen by a leader; no node
//! executes a value other than one executed or chosen there) and *validity* (only submitted
//! commands are chosen or executed). Votes are ghost state read off the node's outputs: an
//! `Accepted` reply is the acceptor's vote for the value of the `Accept` it answered, and an
//! `Accept` sent by a leader is its own vote.
//!
//! **Liveness** is not checked: with message loss and crashes in the model, every bounded path
//! may end in a state where nothing is chosen (drop everything), so "eventually chosen" fails
//! trivially; a fairness-restricted check would need infinite paths (cycles), which the bounds
//! cut off. The simulator's liveness monitor (`docs/liveness.md`) covers liveness.
//!
//! **Search.** Breadth first, so the first violation found is at the smallest depth: the
//! counterexample is a shortest one. States are deduplicated by a 128-bit fingerprint (node
//! states, envelopes and values interned as ids; each node step is memoised, since the node is a
//! pure function of its state and input). **Symmetry reduction** by the swap of the first two
//! commands (`symmetry.rs`): commands are interchangeable, so a state and its image under the
//! swap have the same futures, and the search keeps one of the two (`--no-symmetry` counts
//! both). Nodes are not permuted: node ids matter to quorums (any `QuorumSpec`, including grids
//! and explicit lists) and to ballots, so permuting nodes is unsound in general.
//!
//! **A counterexample is a scenario.** [`to_scenario`] turns a trace into a
//! [`fpaxos_sim::Scenario`] with an explicit schedule, which the simulator replays step by step
//! on the same nodes (`fpaxos explore --scenario-out`, then `fpaxos run`).
//!
//! **Why not Stateright.** Stateright's breadth-first checker spawns worker threads
//! (`std::thread`, unavailable on `wasm32-unknown-unknown`), runs to completion rather than in
//! caller-sized steps, and with several threads does not expand strictly level by level. The
//! page needs a search it can step inside a Web Worker, with no threads and no clock, and the
//! CLI needs the shortest trace: [`Explorer::run`] does both in a few hundred lines.
#![deny(missing_docs)]

mod config;
mod fp;
mod frontier;
mod scenario;
mod search;
mod seen;
mod state;
mod symmetry;
mod trace;
mod world;

pub use config::{ExploreConfig, Network, MAX_BUDGET, MAX_NODES, MAX_STATES};
pub use scenario::to_scenario;
pub use search::{Explorer, Outcome, Progress, Stats};
pub use state::Violation;
pub use trace::{describe_msg, replay, Action, TraceStep};
pub use world::Envelope;
