//! A state as plain `u32` words, for the search's frontier ([`crate::frontier`]).

use super::{Chosen, State, Used};
use fpaxos::{Ballot, NodeSet};

impl State {
    /// Appends the state to `w` as plain words, for the search's frontier: a state of six
    /// vectors costs six allocations and about 240 bytes of headers, and the frontier holds
    /// most of a search's states. [`State::unpack_into`] reads it back.
    pub(crate) fn pack(&self, w: &mut Vec<u32>) {
        // Destructured, so that a field added to `State` cannot be forgotten here.
        let State {
            nodes,
            armed,
            crashed,
            net,
            used,
            votes,
            chosen,
            executed,
        } = self;
        fn wide(w: &mut Vec<u32>, x: u64) {
            w.extend([x as u32, (x >> 32) as u32]);
        }
        w.push(nodes.len() as u32);
        w.extend_from_slice(nodes);
        w.extend(armed.iter().map(|&a| u32::from(a)));
        wide(w, crashed.0);
        w.push(net.len() as u32);
        w.extend_from_slice(net);
        let Used {
            elections,
            timers,
            crashes,
            drops,
            dups,
            submitted,
        } = *used;
        w.extend([elections, timers, crashes, drops, dups, submitted]);
        w.push(votes.len() as u32);
        for &(slot, ballot, value, voters) in votes {
            wide(w, slot);
            wide(w, ballot.0);
            w.push(value);
            wide(w, voters.0);
        }
        w.push(chosen.len() as u32);
        for c in chosen {
            wide(w, c.slot);
            w.push(c.value);
            wide(w, c.ballot.0);
            wide(w, c.quorum.0);
        }
        w.push(executed.len() as u32);
        for &(slot, value) in executed {
            wide(w, slot);
            w.push(value);
        }
    }

    /// Makes this state the one [`State::pack`] wrote in `words` (its vectors are reused).
    pub(crate) fn unpack_into(&mut self, words: &[u32]) {
        let State {
            nodes,
            armed,
            crashed,
            net,
            used,
            votes,
            chosen,
            executed,
        } = self;
        fn wide(next: &mut impl FnMut() -> u32) -> u64 {
            next() as u64 | (next() as u64) << 32
        }
        let mut r = words.iter().copied();
        let mut next = || r.next().expect("a packed state is complete");
        let n = next() as usize;
        nodes.clear();
        nodes.extend((0..n).map(|_| next()));
        armed.clear();
        armed.extend((0..n).map(|_| next() as u8));
        *crashed = NodeSet(wide(&mut next));
        let k = next() as usize;
        net.clear();
        net.extend((0..k).map(|_| next()));
        *used = Used {
            elections: next(),
            timers: next(),
            crashes: next(),
            drops: next(),
            dups: next(),
            submitted: next(),
        };
        let k = next();
        votes.clear();
        for _ in 0..k {
            let slot = wide(&mut next);
            let ballot = Ballot(wide(&mut next));
            let value = next();
            votes.push((slot, ballot, value, NodeSet(wide(&mut next))));
        }
        let k = next();
        chosen.clear();
        for _ in 0..k {
            let slot = wide(&mut next);
            let value = next();
            let ballot = Ballot(wide(&mut next));
            let quorum = NodeSet(wide(&mut next));
            chosen.push(Chosen {
                slot,
                value,
                ballot,
                quorum,
            });
        }
        let k = next();
        executed.clear();
        for _ in 0..k {
            let slot = wide(&mut next);
            executed.push((slot, next()));
        }
    }
}
