//! Known bugs that can be planted in every node, so each checker is seen to catch one
//! (`fpaxos check --plant`, and the tests that prove the liveness monitor). `None` in every
//! real run.

use super::Node;
use crate::msg::Ballot;

/// A known bug that can be planted in every node to prove a checker catches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlantedBug {
    /// A candidate never retries: no re-election when its election timer fires and no resent
    /// Prepare on its retransmit timer. A first attempt that fails leaves it a candidate forever
    /// (a liveness bug: safety is untouched).
    NoElectionRetry,
    /// Phase 1 keeps, per slot, the value reported with the *lowest* ballot instead of the
    /// highest (`on_promise`), so a new leader can re-propose a stale value over one already
    /// chosen (a safety bug, `fpaxos explore --plant lowest-ballot-value`).
    LowestBallotValue,
    /// An acceptor also accepts Accepts from ballots below its promise: `on_accept` still sends
    /// the `Nack` but then stores the value anyway, so a deposed leader can get a value chosen
    /// behind a newer leader's back (a safety bug, `fpaxos explore --plant accept-below-promise`).
    AcceptBelowPromise,
    /// A leader tells a client its command is done as soon as it proposes it, before a Q2 has
    /// accepted it (`propose_queued`), so a crash can lose a write the client was told is done
    /// (a safety bug the simulator's reply check catches, `fpaxos check --plant
    /// reply-before-chosen`).
    ReplyBeforeChosen,
    /// With client sessions on, a leader records a command in its sessions when it proposes it
    /// instead of when it executes it (`propose_queued`), so a resend that arrives before the
    /// command is chosen is answered `Done`, and the leader skips its own command as executed
    /// before when it executes it (safety bugs the reply and session checks catch, `fpaxos check
    /// --sessions --plant sessions-before-chosen`; without sessions it changes nothing).
    SessionsBeforeChosen,
    /// With client sessions on, a node never skips a command chosen a second time
    /// (`execute_chosen` lists no repeats), so a command whose two copies were both chosen is
    /// applied twice (a safety bug the session check catches, `fpaxos check --sessions --plant
    /// sessions-no-skip`; without sessions it changes nothing).
    SessionsNoSkip,
}

impl PlantedBug {
    /// Every planted bug, for command-line parsing and listings.
    pub const ALL: [PlantedBug; 6] = [
        PlantedBug::NoElectionRetry,
        PlantedBug::LowestBallotValue,
        PlantedBug::AcceptBelowPromise,
        PlantedBug::ReplyBeforeChosen,
        PlantedBug::SessionsBeforeChosen,
        PlantedBug::SessionsNoSkip,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PlantedBug::NoElectionRetry => "no-election-retry",
            PlantedBug::LowestBallotValue => "lowest-ballot-value",
            PlantedBug::AcceptBelowPromise => "accept-below-promise",
            PlantedBug::ReplyBeforeChosen => "reply-before-chosen",
            PlantedBug::SessionsBeforeChosen => "sessions-before-chosen",
            PlantedBug::SessionsNoSkip => "sessions-no-skip",
        }
    }

    /// Looks a bug up by [`PlantedBug::name`].
    pub fn parse(name: &str) -> Option<PlantedBug> {
        PlantedBug::ALL.into_iter().find(|b| b.name() == name)
    }
}

impl Node {
    /// Whether a candidate retries its election (re-election on timeout, resent Prepares):
    /// always, unless [`PlantedBug::NoElectionRetry`] is planted.
    pub(super) fn retries_elections(&self) -> bool {
        self.cfg.planted != Some(PlantedBug::NoElectionRetry)
    }

    /// Whether phase 1 keeps the value it already holds for a slot (ranked `kept`) over a newly
    /// reported one (ranked `reported`): the higher rank wins, unless
    /// [`PlantedBug::LowestBallotValue`] is planted, which keeps the lower.
    pub(super) fn keeps_p1_value(&self, kept: Ballot, reported: Ballot) -> bool {
        if self.cfg.planted == Some(PlantedBug::LowestBallotValue) {
            kept <= reported
        } else {
            kept >= reported
        }
    }

    /// Whether an acceptor stores an Accept whose ballot is below its promise: never, unless
    /// [`PlantedBug::AcceptBelowPromise`] is planted.
    pub(super) fn accepts_below_promise(&self) -> bool {
        self.cfg.planted == Some(PlantedBug::AcceptBelowPromise)
    }

    /// Whether a leader replies `Done` when it proposes a command: never, unless
    /// [`PlantedBug::ReplyBeforeChosen`] is planted.
    pub(super) fn replies_before_chosen(&self) -> bool {
        self.cfg.planted == Some(PlantedBug::ReplyBeforeChosen)
    }

    /// Whether a leader with client sessions records a command when it proposes it: never,
    /// unless [`PlantedBug::SessionsBeforeChosen`] is planted.
    pub(super) fn records_before_chosen(&self) -> bool {
        self.cfg.sessions && self.cfg.planted == Some(PlantedBug::SessionsBeforeChosen)
    }

    /// Whether a node with client sessions skips a command its record holds when a slot
    /// chooses it again: always, unless [`PlantedBug::SessionsNoSkip`] is planted.
    pub(super) fn skips_repeats(&self) -> bool {
        self.cfg.planted != Some(PlantedBug::SessionsNoSkip)
    }
}
