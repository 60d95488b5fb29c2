//! Hashing a node's whole changing state, for a model checker's state deduplication
//! (`fpaxos-explore`): two nodes with equal hashes react identically to every input.

use super::Node;
use std::hash::{Hash, Hasher};

impl Node {
    /// Feeds every field that can change into `h` (the static configuration is left out: a
    /// checker compares nodes of one cluster). The destructuring names every field, so a field
    /// added to [`Node`] fails to compile here until it is hashed or explicitly skipped, instead
    /// of silently merging states that differ.
    pub fn hash_state<H: Hasher>(&self, h: &mut H) {
        let Node {
            cfg: _,
            n: _,
            all: _,
            promised,
            log,
            base,
            executed,
            digest,
            role,
            ballot,
            leader_hint,
            known_commit,
            last_contact,
            lease_until,
            promises,
            p1_asked,
            p1_values,
            p1_snapshot,
            pre_ballot,
            pre_votes,
            next_slot,
            queue,
            learn_buf,
            learn_to,
            suspected,
            thrifty_q2,
            hb_commit,
            heard,
            heard_since,
        } = self;
        promised.hash(h);
        log.hash(h);
        base.hash(h);
        executed.hash(h);
        digest.hash(h);
        role.hash(h);
        ballot.hash(h);
        leader_hint.hash(h);
        known_commit.hash(h);
        last_contact.hash(h);
        lease_until.hash(h);
        promises.hash(h);
        p1_asked.hash(h);
        p1_values.hash(h);
        p1_snapshot.hash(h);
        pre_ballot.hash(h);
        pre_votes.hash(h);
        next_slot.hash(h);
        queue.hash(h);
        learn_buf.hash(h);
        learn_to.hash(h);
        suspected.hash(h);
        thrifty_q2.hash(h);
        hb_commit.hash(h);
        heard.hash(h);
        heard_since.hash(h);
    }
}
