//! Symmetry reduction by renaming commands. The model's commands are interchangeable: each is
//! submitted once, to a node of the search's choice (and resent, while the resend budget, which
//! counts resends of any command, allows), and the node treats commands as opaque (it stores,
//! queues, compares, forwards and, with client sessions, records them; `Node::map_commands`).
//! Renaming commands
//! therefore maps every run to a run and every violation to a violation, and the search
//! explores one state per orbit: a state is skipped when some renaming of it was seen.
//!
//! A state's key is the least fingerprint among its images under the renamings (each image's
//! fingerprint is a sum of parts, kept per renaming like the state's own). Any key that is the
//! fingerprint of some image is sound: two states share one only if one is a renaming of the
//! other, so a renaming the search can no longer follow (a digest it cannot map) is dropped
//! from the keys from then on, and the search stays sound, only less reduced.

use crate::fp::{FpMap, MAX_IMAGES};
use fpaxos::{Command, Msg, Node};

/// The renamings: the identity (renaming 0) and the swap of commands 0 and 1 (renaming 1; see
/// `fp::MAX_IMAGES`). Without symmetry, or with fewer than two commands, renaming 1 is the
/// identity too: every state then keeps two equal images, so the search's arithmetic has one
/// fixed shape.
pub(crate) struct Symmetry {
    /// Renaming 1 swaps commands 0 and 1 (otherwise it renames nothing).
    swaps: bool,
    /// The swap is still in use (see the module's docs).
    live: bool,
    /// The digest of an executed prefix -> the digest of that prefix with the commands swapped,
    /// learnt from the nodes mapped so far.
    digests: FpMap<u64, u64>,
}

// `Symmetry::key` compares the two images.
const _: () = assert!(MAX_IMAGES == 2);

impl Symmetry {
    /// The renamings of `commands` commands; only the identity when `on` is false.
    pub(crate) fn new(commands: u32, on: bool) -> Symmetry {
        Symmetry {
            swaps: on && commands >= 2,
            live: true,
            digests: FpMap::default(),
        }
    }

    /// Whether renaming `g` renames nothing.
    pub(crate) fn is_identity(&self, g: usize) -> bool {
        g == 0 || !self.swaps
    }

    /// The group's order: distinct renamings (1: no reduction).
    #[cfg(test)]
    pub(crate) fn order(&self) -> usize {
        1 + usize::from(self.swaps)
    }

    /// The distinct renamings in use: the group's order unless the swap was dropped.
    pub(crate) fn live(&self) -> usize {
        1 + usize::from(self.swaps && self.live)
    }

    /// The least fingerprint among the images of renamings in use.
    #[inline]
    pub(crate) fn key(&self, fps: &[u128; MAX_IMAGES]) -> u128 {
        if self.live && fps[1] < fps[0] {
            fps[1]
        } else {
            fps[0]
        }
    }

    /// Command `k` under renaming `g`.
    pub(crate) fn command(&self, g: usize, k: u32) -> u32 {
        match k {
            0 | 1 if !self.is_identity(g) => 1 - k,
            _ => k,
        }
    }

    /// The command `c` under renaming `g` (commands are client `k`, sequence 1: see
    /// `World::command`).
    fn rename(&self, g: usize, c: Command) -> Command {
        Command {
            client: self.command(g, c.client),
            seq: c.seq,
        }
    }

    /// Bit set `bits` (a bit per command) under renaming `g`.
    #[inline]
    pub(crate) fn bits(&self, g: usize, bits: u32) -> u32 {
        if self.is_identity(g) || (bits & 1) == (bits >> 1 & 1) {
            return bits;
        }
        bits ^ 0b11
    }

    /// Value `v` under renaming `g`.
    pub(crate) fn value(&self, g: usize, v: &fpaxos::Value) -> fpaxos::Value {
        v.map_commands(&|c| self.rename(g, c))
    }

    /// Node `n` under renaming `g` (never the identity), learning the renamed digest of its
    /// executed prefix; `None` (and the swap dropped) when a digest it holds cannot be mapped.
    pub(crate) fn node(&mut self, g: usize, n: &Node) -> Option<Node> {
        let digests = &self.digests;
        let image = n.map_commands(&|c| self.rename(g, c), &|d| digests.get(&d).copied());
        match image {
            Some(m) => {
                self.digests.insert(n.digest(), m.digest());
                Some(m)
            }
            None => {
                self.live = false;
                None
            }
        }
    }

    /// Message `m` under renaming `g` (never the identity); `None` (and the swap dropped) when
    /// a digest it carries cannot be mapped.
    pub(crate) fn msg(&mut self, g: usize, m: &Msg) -> Option<Msg> {
        let digests = &self.digests;
        let image = m.map_commands(&|c| self.rename(g, c), &|d| digests.get(&d).copied());
        if image.is_none() {
            self.live = false;
        }
        image
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_renamings_are_the_identity_and_the_swap_of_the_first_two_commands() {
        assert_eq!(Symmetry::new(0, true).order(), 1);
        assert_eq!(Symmetry::new(1, true).order(), 1);
        assert_eq!(Symmetry::new(2, false).order(), 1);
        assert!(Symmetry::new(2, false).is_identity(1));
        assert_eq!(Symmetry::new(2, true).live(), 2);
        let s = Symmetry::new(4, true);
        assert_eq!(
            (0..4).map(|k| s.command(0, k)).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        assert_eq!(
            (0..4).map(|k| s.command(1, k)).collect::<Vec<_>>(),
            [1, 0, 2, 3]
        );
        assert_eq!(s.bits(1, 0b0101), 0b0110);
        assert_eq!(s.bits(1, 0b0111), 0b0111);
        assert_eq!(s.bits(0, 0b0101), 0b0101);
        assert_eq!(s.command(1, 7), 7, "a command past the group's is kept");
    }
}
