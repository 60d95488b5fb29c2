//! Settled replies: which messages in flight the network may forget
//! (`Node::ignores_for_good`, checked quiet here), and the test-only check that a reply once
//! settled stays settled along every node step the search computed.

use super::{Stimulus, World};

/// Where envelope `e`'s two bits are in a node state's `settled` words (bit 0: judged, bit 1:
/// settled): the `timers_fire` table, the word and the shift.
#[inline]
fn settled_bits(e: u32, timers_fire: bool) -> (usize, usize, usize) {
    let bit = e as usize * 2;
    (timers_fire as usize, bit / 64, bit % 64)
}

impl World {
    /// Whether the search forgets settled replies: `forget_settled` is on (either network: a
    /// multiset delivery of one only consumes its copy).
    #[inline]
    pub(crate) fn forgets(&self) -> bool {
        self.forget
    }

    /// Whether the network may forget envelope `e` while its receiver is in node state
    /// `node`: the node ignores it for good (`Node::ignores_for_good`, with `timers_fire`
    /// telling whether heartbeat and retransmit timers may still fire) and its step there is
    /// quiet. Always false with `forget_settled` off. Judged once per node state, envelope and
    /// `timers_fire`.
    #[inline]
    pub(crate) fn settled(&mut self, node: u32, e: u32, timers_fire: bool) -> bool {
        if !self.forget {
            return false;
        }
        let (v, word, shift) = settled_bits(e, timers_fire);
        if let Some(w) = self.settled[node as usize][v].get(word) {
            if w >> shift & 1 != 0 {
                return w >> (shift + 1) & 1 != 0;
            }
        }
        self.judge_settled(node, e, timers_fire)
    }

    /// [`World::settled`] the first time it is asked for a node state, envelope and
    /// `timers_fire`: the rule, the quiet check, and the bits kept.
    #[cold]
    #[inline(never)]
    fn judge_settled(&mut self, node: u32, e: u32, timers_fire: bool) -> bool {
        let (v, word, shift) = settled_bits(e, timers_fire);
        let env = &self.envs[e as usize];
        let mut settled =
            (self.settled_rule)(&self.nodes[node as usize], env.from, &env.msg, timers_fire);
        if settled {
            let st = self.step(node, Stimulus::Deliver(e));
            if !self.steps[st as usize].is_quiet_for(node) {
                self.settled_misses += 1;
                settled = false;
            }
        }
        let bits = &mut self.settled[node as usize][v];
        if bits.len() <= word {
            let before = bits.capacity();
            bits.resize(word + 1, 0);
            self.settled_heap += ((bits.capacity() - before) * 8) as u64;
        }
        bits[word] |= (1 | (settled as u64) << 1) << shift;
        settled
    }

    /// The (node state, envelope, `timers_fire`) triples judged settled so far.
    #[cfg(test)]
    pub(crate) fn settled_count(&self) -> usize {
        self.settled
            .iter()
            .flat_map(|v| v.iter().flatten())
            .map(|&bits| (bits & bits >> 1 & 0x5555_5555_5555_5555).count_ones() as usize)
            .sum()
    }

    /// The check that makes forgetting settled replies sound, over every node step the
    /// search computed: a reply settled in a node state stays settled in the state each step
    /// from it leads to (with the same `timers_fire`; a heartbeat or retransmit firing, which
    /// spends the timer budget, only while timers may fire), and one settled while timers may
    /// fire is settled once they may not. Delivering a settled reply is quiet ([`World::settled`]
    /// checks that as it judges), so, with this, a forgotten reply could only ever have led a
    /// state to itself. Returns up to `limit` problems, each one sentence.
    #[cfg(test)]
    pub(crate) fn settled_closure(&mut self, limit: usize) -> Vec<String> {
        let mut problems = Vec::new();
        // (from, to, whether it spends a timer firing: possible only while timers may fire)
        let moves: Vec<(u32, u32, bool)> = self
            .steps_of
            .iter()
            .enumerate()
            .flat_map(|(node, row)| {
                let steps = &self.steps;
                row.iter()
                    .enumerate()
                    .filter(|&(_, &s)| s != super::memo::UNKNOWN)
                    .map(move |(at, &s)| {
                        let step = &steps[s as usize];
                        let fire = (super::memo::FIRE_AT..super::memo::REQUEST_AT).contains(&at);
                        (node as u32, step.node, fire && step.elections == 0)
                    })
            })
            .filter(|(a, b, _)| a != b)
            .collect();
        let mut check = |w: &mut World, at: u32, then: u32, v: usize, then_v: bool| {
            let words = w.settled[at as usize][v].clone();
            for (k, bits) in words.iter().enumerate() {
                for shift in (0..64).step_by(2) {
                    if bits >> shift & 0b11 != 0b11 {
                        continue;
                    }
                    let e = ((k * 64 + shift) / 2) as u32;
                    if !w.settled(then, e, then_v) && problems.len() < limit {
                        problems.push(format!(
                            "{:?} from node {} is settled at {:?} (timers may fire: {}) but not \
                             at {:?} (timers may fire: {then_v})",
                            w.envs[e as usize].msg,
                            w.envs[e as usize].from,
                            w.nodes[at as usize],
                            v == 1,
                            w.nodes[then as usize],
                        ));
                    }
                }
            }
        };
        for (at, then, spends_timer) in moves {
            // A step that spends a timer firing is taken only while timers may fire (and, if
            // it was the last, the reply must be settled with them spent too: the check
            // below covers that).
            for v in (spends_timer as usize)..2 {
                check(self, at, then, v, v == 1);
            }
        }
        let nodes = self.nodes.len() as u32;
        for n in 0..nodes {
            check(self, n, n, 1, false);
        }
        problems
    }
}
