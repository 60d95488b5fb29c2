//! Pre-vote: a follower asks before it campaigns, so that a node that cannot win (cut off
//! alone, or facing a live leader) never raises the ballots of the others.

use super::{send, Node, Output, Role};
use crate::msg::{Msg, PreVote, PreVoteReply, Time};
use crate::nodeset::{NodeId, NodeSet};

impl Node {
    /// Election timer of a quiet follower with pre-vote on: asks every node whether it would
    /// vote, and campaigns at once if this node alone is a Q1. The election timer is re-armed,
    /// so a pre-vote that gathers no Q1 is simply asked again later.
    pub(super) fn start_pre_vote(&mut self, now: Time, out: &mut Vec<Output>) {
        let ballot = self.next_ballot();
        self.pre_ballot = Some(ballot);
        self.pre_votes = NodeSet::single(self.cfg.id);
        if self.cfg.quorums.is_q1(self.pre_votes) {
            self.start_election(now, false, out);
            return;
        }
        send(self.others(), Msg::PreVote(PreVote { ballot }), out);
        self.arm_election(out);
    }

    /// Grants unless this node leads or has heard from a live leader (accept, heartbeat or
    /// commit) within an election timeout. Changes no state: no promise, and the election timer
    /// keeps running.
    pub(super) fn on_pre_vote(
        &mut self,
        now: Time,
        from: NodeId,
        m: PreVote,
        out: &mut Vec<Output>,
    ) {
        let granted = match self.role {
            Role::Leader => false,
            Role::Candidate => true,
            Role::Follower => now >= self.lease_until,
        };
        out.push(Output::Send {
            to: from,
            msg: Msg::PreVoteReply(PreVoteReply {
                ballot: m.ballot,
                granted,
            }),
        });
    }

    /// Counts a grant; a Q1 of grants starts the real election, unless a live proposer was
    /// heard from meanwhile.
    pub(super) fn on_pre_vote_reply(
        &mut self,
        now: Time,
        from: NodeId,
        m: PreVoteReply,
        out: &mut Vec<Output>,
    ) {
        if !m.granted || self.role != Role::Follower || self.pre_ballot != Some(m.ballot) {
            return;
        }
        self.pre_votes.insert(from);
        let quiet = now.saturating_sub(self.last_contact) >= self.cfg.election_timeout;
        if quiet && self.cfg.quorums.is_q1(self.pre_votes) {
            self.start_election(now, false, out);
        }
    }
}
