//! Symmetry reduction by renaming commands. The model's commands are interchangeable: each is
//! submitted once, to a node of the search's choice, and the node treats commands as opaque
//! (it stores, queues, compares and forwards them; `Node::map_commands`). Renaming commands
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

/// The renamings: the identity, first, and the swap of commands 0 and 1 (a group; see
/// `fp::MAX_IMAGES`). Without symmetry, or with fewer than two commands, the second renaming
/// is the identity too: every state then keeps two equal images, so the search's arithmetic
/// has one fixed shape.
pub(crate) struct Symmetry {
    /// `perms[g][k]`: the command that command `k` becomes under renaming `g`.
    perms: Vec<Vec<u32>>,
    /// Renamings still in use (see the module's docs).
    live: [bool; MAX_IMAGES],
    /// Whether each renaming renames some command (the identity's twin does not).
    renames: [bool; MAX_IMAGES],
    /// Per renaming, the digest of an executed prefix -> the digest of its renamed prefix,
    /// learnt from the nodes mapped so far.
    digests: Vec<FpMap<u64, u64>>,
}

// `Symmetry::key` compares the two images.
const _: () = assert!(MAX_IMAGES == 2);

fn permutations(k: u32) -> Vec<Vec<u32>> {
    if k == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(k - 1) {
        for at in (0..=p.len()).rev() {
            let mut q = p.clone();
            q.insert(at, k - 1);
            out.push(q);
        }
    }
    out
}

impl Symmetry {
    /// The renamings of `commands` commands; only the identity when `on` is false.
    pub(crate) fn new(commands: u32, on: bool) -> Symmetry {
        let renamed = if on {
            commands.min(MAX_IMAGES as u32)
        } else {
            0
        };
        let mut perms: Vec<Vec<u32>> = permutations(renamed)
            .into_iter()
            .map(|p| p.into_iter().chain(renamed..commands).collect())
            .collect();
        debug_assert!(perms[0].iter().enumerate().all(|(k, &c)| k as u32 == c));
        while perms.len() < MAX_IMAGES {
            perms.push(perms[0].clone());
        }
        debug_assert_eq!(perms.len(), MAX_IMAGES);
        Symmetry {
            renames: std::array::from_fn(|g| perms[g] != perms[0]),
            live: [true; MAX_IMAGES],
            digests: perms.iter().map(|_| FpMap::default()).collect(),
            perms,
        }
    }

    /// Whether renaming `g` renames nothing.
    pub(crate) fn is_identity(&self, g: usize) -> bool {
        !self.renames[g]
    }

    /// The group's order: distinct renamings (1: no reduction).
    #[cfg(test)]
    pub(crate) fn order(&self) -> usize {
        1 + (1..MAX_IMAGES).filter(|&g| !self.is_identity(g)).count()
    }

    /// The distinct renamings in use: the group's order unless one was dropped.
    pub(crate) fn live(&self) -> usize {
        1 + (1..MAX_IMAGES)
            .filter(|&g| self.live[g] && !self.is_identity(g))
            .count()
    }

    /// The least fingerprint among the images of renamings in use.
    #[inline]
    pub(crate) fn key(&self, fps: &[u128; MAX_IMAGES]) -> u128 {
        if self.live[1] && fps[1] < fps[0] {
            fps[1]
        } else {
            fps[0]
        }
    }

    /// Command `k` under renaming `g`.
    pub(crate) fn command(&self, g: usize, k: u32) -> u32 {
        self.perms[g].get(k as usize).copied().unwrap_or(k)
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
        if !self.renames[g] {
            return bits;
        }
        let (mut rest, mut out) = (bits, 0);
        while rest != 0 {
            let k = rest.trailing_zeros();
            rest &= rest - 1;
            out |= 1 << self.command(g, k);
        }
        out
    }

    /// Value `v` under renaming `g`.
    pub(crate) fn value(&self, g: usize, v: &fpaxos::Value) -> fpaxos::Value {
        v.map_commands(&|c| self.rename(g, c))
    }

    /// Node `n` under renaming `g`, learning the renamed digest of its executed prefix; `None`
    /// (and renaming `g` dropped) when a digest it holds cannot be mapped.
    pub(crate) fn node(&mut self, g: usize, n: &Node) -> Option<Node> {
        let image = {
            let digests = &self.digests[g];
            n.map_commands(&|c| self.rename(g, c), &|d| digests.get(&d).copied())
        };
        match image {
            Some(m) => {
                self.digests[g].insert(n.digest(), m.digest());
                Some(m)
            }
            None => {
                self.live[g] = false;
                None
            }
        }
    }

    /// Message `m` under renaming `g`; `None` (and renaming `g` dropped) when a digest it
    /// carries cannot be mapped.
    pub(crate) fn msg(&mut self, g: usize, m: &Msg) -> Option<Msg> {
        let digests = &self.digests[g];
        let image = m.map_commands(&|c| self.rename(g, c), &|d| digests.get(&d).copied());
        if image.is_none() {
            self.live[g] = false;
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
        assert_eq!(s.perms, vec![vec![0, 1, 2, 3], vec![1, 0, 2, 3]]);
        assert_eq!(s.bits(1, 0b0101), 0b0110);
        assert_eq!(s.bits(0, 0b0101), 0b0101);
        assert_eq!(s.command(1, 7), 7, "a command past the group's is kept");
        let three: Vec<Vec<u32>> = permutations(3);
        let mut distinct = three.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!((three.len(), distinct.len()), (6, 6));
        assert_eq!(three[0], vec![0, 1, 2], "the identity first");
    }
}
