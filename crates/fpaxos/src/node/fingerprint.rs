//! Hashing a node's whole changing state, for a model checker's state deduplication
//! (`fpaxos-explore`): two nodes with equal hashes react identically to every input.

use super::{digest_step, queue, Entry, Node};
use crate::msg::{map_sessions, Command};
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

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
            sessions,
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
        sessions.hash(h);
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

impl Node {
    /// This node with every client command `c` it holds replaced by `cmd(c)`: the image of its
    /// state under a renaming of commands, for a model checker's symmetry reduction
    /// (`fpaxos-explore`). The node treats commands as opaque (it stores, queues, compares and
    /// forwards them), so a renamed node meets renamed inputs exactly as this one meets these.
    ///
    /// The digest of the executed prefix is the one thing computed from commands: it is
    /// recomputed from the log when the log still holds the whole prefix (and checked against
    /// this node's own), and asked of `digest` otherwise, as are digests this node heard in
    /// promises; `None` when `digest` does not know one.
    pub fn map_commands(
        &self,
        cmd: &dyn Fn(Command) -> Command,
        digest: &dyn Fn(u64) -> Option<u64>,
    ) -> Option<Node> {
        // Destructured, so that a field added to `Node` fails to compile here until it is
        // mapped or marked as holding no command (`_`).
        let Node {
            cfg: _,
            n: _,
            all: _,
            promised: _,
            log,
            base,
            executed,
            digest: own_digest,
            sessions,
            role: _,
            ballot: _,
            leader_hint: _,
            known_commit: _,
            last_contact: _,
            lease_until: _,
            promises: _,
            p1_asked: _,
            p1_values,
            p1_snapshot,
            pre_ballot: _,
            pre_votes: _,
            next_slot: _,
            queue,
            learn_buf,
            learn_to: _,
            suspected: _,
            thrifty_q2: _,
            hb_commit: _,
            heard: _,
            heard_since: _,
        } = self;
        let log: VecDeque<Entry> = log
            .iter()
            .map(|e| Entry {
                value: e.value.map_commands(cmd),
                ..e.clone()
            })
            .collect();
        // The digest of the first `executed` entries of `log`. With `base` 0 the log holds the
        // whole executed prefix, and the digest recomputed from it must be the node's own (a
        // shorter log would give another digest too).
        let prefix = |log: &VecDeque<Entry>| {
            log.iter()
                .zip(0..*executed)
                .fold(0, |d, (e, slot)| digest_step(d, slot, &e.value))
        };
        let mapped_digest = if *base == 0 {
            if prefix(&self.log) != *own_digest {
                return None;
            }
            prefix(&log)
        } else {
            digest(*own_digest)?
        };
        let p1_snapshot = match p1_snapshot {
            Some((slot, d, s)) => Some((
                *slot,
                digest(*d)?,
                s.as_ref().map(|s| Arc::new(map_sessions(s, cmd))),
            )),
            None => None,
        };
        let mut mapped_queue = queue::CmdQueue::default();
        for &c in queue.iter() {
            mapped_queue.push(cmd(c), usize::MAX);
        }
        Some(Node {
            log,
            digest: mapped_digest,
            sessions: Arc::new(map_sessions(sessions, cmd)),
            p1_values: p1_values
                .iter()
                .map(|(&slot, (b, v))| (slot, (*b, v.map_commands(cmd))))
                .collect(),
            p1_snapshot,
            queue: mapped_queue,
            learn_buf: learn_buf
                .iter()
                .map(|(slot, v)| (*slot, v.map_commands(cmd)))
                .collect(),
            ..self.clone()
        })
    }
}
