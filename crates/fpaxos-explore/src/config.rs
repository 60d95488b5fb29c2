//! What to explore: the cluster, the node options and the bounds that keep the search finite.

use fpaxos::{Config, NodeId, PlantedBug, QuorumSpec, QuorumSystem};
use serde::Serialize;
use std::sync::Arc;

/// Most nodes: the state space grows about tenfold per node.
pub const MAX_NODES: usize = 5;
/// Most of each bounded budget (ballots, commands, resends, crashes, drops, duplicates, timer
/// firings).
pub const MAX_BUDGET: u32 = 8;
/// Most unique states in one search: the search tree numbers them in 32 bits.
pub const MAX_STATES: u64 = u32::MAX as u64;

/// How messages in flight behave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// Every message ever sent stays deliverable, any number of times, in any order, or never
    /// (as in Lamport's TLA+ Paxos): loss, duplication and reordering without bounds, and a much
    /// smaller state space, since delivering a message does not split states into "delivered"
    /// and "still in flight".
    #[default]
    Set,
    /// A multiset: delivering consumes one copy; drops and duplicates are explicit, bounded
    /// actions.
    Multiset,
}

/// A bounded exploration. Every bound caps one source of nondeterminism; a search that never
/// needed to cut at a bound is complete for the whole model, not only for the bounds.
#[derive(Clone, Debug, Serialize)]
pub struct ExploreConfig {
    /// Cluster size (1 to [`MAX_NODES`]).
    pub nodes: usize,
    /// The quorum system; non-intersecting ones are allowed (and should be found unsafe).
    pub quorum: QuorumSpec,
    /// Most elections started in the whole run (each one a new ballot).
    pub ballots: u32,
    /// Client commands, each submitted once to a node of the search's choice.
    pub commands: u32,
    /// Most resends in the whole run: a client hands a command it submitted to a node (any
    /// node of the search's choice) again, unchanged, as a client whose timeout passed does.
    pub resends: u32,
    /// Most crashes (a crashed node may recover at any later step).
    pub crashes: u32,
    /// The network model: a set of every message sent (the default), or a multiset.
    pub network: Network,
    /// Multiset network: most messages dropped. Safety needs none: a message never delivered
    /// is explored anyway.
    pub drops: u32,
    /// Multiset network: most messages duplicated.
    pub dups: u32,
    /// Most heartbeat and retransmit firings (and election-timer firings that start no
    /// election, e.g. pre-votes) in the whole run.
    pub timers: u32,
    /// Stop after this many unique states (the result then says the search was cut); at most
    /// [`MAX_STATES`].
    pub max_states: u64,
    /// Stop, with a bounded result, before the search's memory (seen set, search tree, which is
    /// also its queue, and the memoised node steps) would grow past this many bytes; 0: no
    /// limit. A search that outgrows the machine's memory would otherwise end in an allocation
    /// failure, without a verdict.
    pub max_memory: u64,
    /// A planted bug in every node (`None` in real runs).
    #[serde(serialize_with = "plant_name")]
    pub planted: Option<PlantedBug>,
    /// Thrifty sends (the scenario default is off).
    pub thrifty: bool,
    /// Check-quorum (the scenario default is on).
    pub check_quorum: bool,
    /// Pre-vote (the scenario default is off).
    pub pre_vote: bool,
    /// Client sessions (the scenario default is off): a node records the commands it executed
    /// and answers a resend of one at once. They matter only with `resends`.
    pub sessions: bool,
    /// Symmetry reduction: explore one state of each pair that differ by swapping the first
    /// two commands (see `symmetry.rs`). On by default; off counts every state.
    pub symmetry: bool,
    /// Forget settled replies: a reply its receiver ignores for good (`Node::ignores_for_good`,
    /// and its step is quiet) leaves the network, every copy of it, since delivering it could
    /// only ever lead a state to itself (less that copy, in the multiset network). On by
    /// default; off keeps every message sent.
    pub forget_settled: bool,
}

impl Default for ExploreConfig {
    fn default() -> ExploreConfig {
        ExploreConfig {
            nodes: 3,
            quorum: QuorumSpec::Majority,
            ballots: 2,
            commands: 2,
            resends: 0,
            crashes: 0,
            network: Network::Set,
            drops: 0,
            dups: 0,
            timers: 0,
            max_states: 5_000_000,
            max_memory: 0,
            planted: None,
            thrifty: false,
            check_quorum: true,
            pre_vote: false,
            sessions: false,
            symmetry: true,
            forget_settled: true,
        }
    }
}

impl ExploreConfig {
    /// What a search on this configuration checks, and what it does not, in two sentences for
    /// its reports (the CLI's and the page's), so that "no violation" is never read as more.
    /// The properties are the ones `state/ghost.rs` and `State::absorb` report.
    pub fn checked(&self) -> String {
        let sessions = if self.sessions {
            ", sessions (a command a node skips as executed before is in an earlier slot)"
        } else {
            ""
        };
        format!(
            "Checked at every step: agreement (at most one value is chosen in a slot, and no \
             node executes a different one there), validity (only submitted commands are \
             chosen or executed), replies (a client is told a command is done only once a \
             chosen value holds it){sessions}. Not checked: liveness (that a command is \
             eventually chosen): a message may never be delivered, so every bounded run may \
             end with nothing chosen, and a check under fairness needs the unbounded runs that \
             the bounds cut off."
        )
    }

    /// Checks the bounds and builds the quorum system; every problem is one sentence.
    pub fn quorums(&self) -> Result<Arc<QuorumSystem>, Vec<String>> {
        let mut errs = Vec::new();
        if self.nodes == 0 || self.nodes > MAX_NODES {
            errs.push(format!(
                "--nodes must be 1 to {MAX_NODES} (the state space grows about tenfold per node), not {}",
                self.nodes
            ));
        }
        for (name, v) in [
            ("--ballots", self.ballots),
            ("--commands", self.commands),
            ("--resends", self.resends),
            ("--crashes", self.crashes),
            ("--drops", self.drops),
            ("--dups", self.dups),
            ("--timers", self.timers),
        ] {
            if v > MAX_BUDGET {
                errs.push(format!("{name} must be at most {MAX_BUDGET}, not {v}"));
            }
        }
        if self.network == Network::Set && (self.drops > 0 || self.dups > 0) {
            errs.push(
                "--drops and --dups bound actions of the multiset network (--multiset); the set \
                 network has neither, since any message in it may be delivered any number of \
                 times, or never"
                    .to_string(),
            );
        }
        if self.max_states == 0 || self.max_states > MAX_STATES {
            errs.push(format!(
                "--max-states must be between 1 and {MAX_STATES} (the search tree numbers its \
                 states in 32 bits), not {}",
                self.max_states
            ));
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        QuorumSystem::new(&self.quorum, self.nodes)
            .map(Arc::new)
            .map_err(|e| e.problems().iter().map(|p| p.to_string()).collect())
    }

    /// The node configuration. Every timeout is zero and the explorer passes `now = 0`
    /// throughout, so each timer firing finds its timeout elapsed (a firing *is* "enough time
    /// passed"), leases never hold, and no clock value enters the state. This keeps every real
    /// behaviour a timer or lease could allow (a lease only makes a node ignore a message, and an
    /// ignored message is the same as one never delivered, which the search explores anyway).
    pub(crate) fn node_config(&self, id: NodeId, quorums: &Arc<QuorumSystem>) -> Config {
        Config {
            id,
            quorums: Arc::clone(quorums),
            thrifty: self.thrifty,
            window: 64,
            batch: 1,
            heartbeat: 0,
            election_timeout: 0,
            retransmit: 0,
            commit_batch: 16,
            log_retain: 1024,
            bootstrap: false,
            check_quorum: self.check_quorum,
            pre_vote: self.pre_vote,
            sessions: self.sessions,
            planted: self.planted,
        }
    }
}

fn plant_name<S: serde::Serializer>(p: &Option<PlantedBug>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(b) => s.serialize_some(b.name()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report's list of what was checked names every property a search reports
    /// (`Violation::property`: agreement, validity, reply, and session with client sessions),
    /// and says that liveness was not checked.
    #[test]
    fn what_a_search_checks_names_its_properties_and_not_liveness() {
        let plain = ExploreConfig::default().checked();
        for p in ["agreement (", "validity (", "replies ("] {
            assert!(plain.contains(p), "{p} missing: {plain}");
        }
        assert!(!plain.contains("sessions ("), "{plain}");
        assert!(plain.contains("Not checked: liveness"), "{plain}");
        let sessions = ExploreConfig {
            sessions: true,
            ..ExploreConfig::default()
        }
        .checked();
        assert!(sessions.contains("sessions ("), "{sessions}");
    }
}
