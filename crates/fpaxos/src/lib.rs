//! # fpaxos — a sans-IO Flexible Paxos core
//!
//! Flexible Paxos (Howard, Malkhi, Spiegelman, 2016) observes that Paxos is safe as long as every
//! phase-1 quorum (leader election) intersects every phase-2 quorum (replication). Phase 2 runs for
//! every command and phase 1 only on leader change, so a smaller Q2 buys latency and throughput at
//! the price of a larger Q1.
//!
//! This crate holds the protocol and nothing else:
//! - [`quorum`]: quorum systems (majority, counting, grid, weighted, explicit), the intersection
//!   check with a counterexample, and fault tolerance per phase.
//! - [`node`]: a Multi-Paxos node (proposer, acceptor, learner) with a stable leader, heartbeats,
//!   pipelining, batching, thrifty sends, catch-up and state transfer.
//!
//! **The core does no I/O**: no clock, no randomness, no threads. Time comes in as an argument,
//! messages and timer requests go out as [`node::Output`] values. A simulator (or a real network
//! runtime) owns time, randomness and delivery.
#![deny(missing_docs)]

pub mod msg;
pub mod node;
pub mod nodeset;
pub mod quorum;
pub mod sessions;

pub use msg::{Ballot, ClientReply, Command, Msg, MsgKind, Slot, Time, Value};
pub use node::{Config, Event, Input, Node, Output, PlantedBug, Role, Timer};
pub use nodeset::{NodeId, NodeSet, MAX_NODES};
pub use quorum::{Counterexample, FaultTolerance, Phase, QuorumSpec, QuorumSystem};
pub use sessions::Sessions;
