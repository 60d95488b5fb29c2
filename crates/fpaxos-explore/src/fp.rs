//! 128-bit fingerprints: the explorer keeps a fingerprint per state instead of the state, as
//! TLC and Stateright do. Two different states share a fingerprint with probability about
//! `k^2 / 2^129` for `k` states (below `10^-20` for a billion), a risk the docs state. A state's
//! fingerprint is a sum of XXH3-128s of its parts (`State::fingerprint`); interned ids are
//! fingerprinted by the two-lane [`Fp`].

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A streaming hasher with two independent 64-bit lanes, deterministic on every platform (no
/// random keys: wasm32 has none to draw, and runs must repeat).
#[derive(Clone, Copy)]
pub(crate) struct Fp {
    a: u64,
    b: u64,
}

impl Fp {
    pub(crate) fn new() -> Fp {
        Fp {
            a: 0x243f_6a88_85a3_08d3,
            b: 0x1319_8a2e_0370_7344,
        }
    }

    #[inline]
    fn word(&mut self, x: u64) {
        self.a = (self.a ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.a ^= self.a >> 29;
        self.b = (self.b.rotate_left(23) ^ x).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        self.b ^= self.b >> 31;
    }

    pub(crate) fn finish128(&self) -> u128 {
        let a = fpaxos::msg::mix(self.a ^ self.b.rotate_left(17));
        let b = fpaxos::msg::mix(self.b.wrapping_add(self.a));
        (a as u128) << 64 | b as u128
    }

    /// The fingerprint of one value.
    pub(crate) fn of<T: Hash + ?Sized>(v: &T) -> u128 {
        let mut h = Fp::new();
        v.hash(&mut h);
        h.finish128()
    }
}

impl Default for Fp {
    fn default() -> Fp {
        Fp::new()
    }
}

impl Hasher for Fp {
    fn finish(&self) -> u64 {
        self.finish128() as u64
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        self.word(u64::from_le_bytes(w) ^ (rest.len() as u64) << 56);
    }
    fn write_u8(&mut self, i: u8) {
        self.word(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.word(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.word(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.word(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.word(i as u64);
    }
}

/// The kinds of part of a state, each a first word of [`part`] (one list, so no two share one).
pub(crate) const NODE: u64 = 1;
pub(crate) const META: u64 = 2;
pub(crate) const ENV: u64 = 3;
pub(crate) const VOTE: u64 = 4;
pub(crate) const CHOSEN: u64 = 5;
pub(crate) const EXECUTED: u64 = 6;
pub(crate) const ARMED: u64 = 7;

/// The fingerprint of one part of a state (a node, an envelope in flight, a vote...), its
/// first word telling the kinds of part apart. A state's fingerprint is the wrapping sum of
/// its parts' (`State::fingerprint`).
pub(crate) fn part(words: [u64; 5]) -> u128 {
    let mut b = [0u8; 40];
    for (chunk, w) in b.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_128(&b)
}

/// The part of an envelope in flight (one per copy), from its content's fingerprint `fp`.
pub(crate) fn env_part(fp: u128) -> u128 {
    part([ENV, fp as u64, (fp >> 64) as u64, 0, 0])
}

/// The part of a node's state, from the fingerprint `fp` of its content (its id included: a
/// node's place in the state is its id).
pub(crate) fn node_part(fp: u128) -> u128 {
    part([NODE, fp as u64, (fp >> 64) as u64, 0, 0])
}

/// Most renamings of commands a search reduces by: the identity and the swap of the first two
/// commands. (Every permutation of three commands, six images, cut a three-command search
/// further but made every search carry six sums: 17 % fewer states per second without
/// symmetry, against 4-9 % with two.)
pub(crate) const MAX_IMAGES: usize = 2;

/// A state's fingerprint (or a sum of some of its parts) under each renaming of commands the
/// search reduces by, the identity first. Without the swap the second renaming is the identity
/// too, and both entries are equal (`Symmetry`).
pub(crate) type Images = [u128; MAX_IMAGES];

/// The part of the timers armed at node `id` (a bit per timer).
pub(crate) fn armed_part(id: u32, armed: u8) -> u128 {
    part([ARMED, id as u64, armed as u64, 0, 0])
}

/// Hashes keys that are already fingerprints (or small ids) by taking their low bits: no
/// second hashing on the hot path.
#[derive(Default, Clone, Copy)]
pub(crate) struct Passthrough(u64);

impl Hasher for Passthrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = fpaxos::msg::mix(self.0 ^ i);
    }
    fn write_u128(&mut self, i: u128) {
        self.0 ^= i as u64;
    }
}

/// A map keyed by fingerprints or packed ids.
pub(crate) type FpMap<K, V> = HashMap<K, V, BuildHasherDefault<Passthrough>>;

/// Bytes a map of `capacity` entries of `entry` bytes holds: a power-of-two count of
/// buckets, at most 7 of 8 full, each with its entry and a control byte.
pub(crate) fn table_bytes(capacity: usize, entry: usize) -> u64 {
    (capacity as u64 * 8 / 7).next_power_of_two() * (entry as u64 + 1)
}
