//! The set of every state seen, by 128-bit fingerprint: one flat array of fingerprints, probed
//! linearly.
//!
//! In searches of tens of millions of states the seen set is gigabytes, and nearly every probe
//! misses the cache. A standard hash set (hashbrown) keeps a control byte per bucket apart from
//! the entries, so a probe misses twice: the control group, then the entry. Here a probe reads
//! the entry's own slot, an empty slot is a zero, and the few fingerprints that are zero are
//! remembered by a flag, so the set is exact. At most 7 of 8 slots are full, as in hashbrown: the
//! same growth points, 16 bytes a slot instead of 17.

/// Slots in a new set.
const MIN_SLOTS: usize = 16;

/// Whether the set doubles in place. Natively, only the new half is then fresh memory: a new
/// array beside the old one made the kernel clear twice as many pages (a tenth of a large
/// search's time in `perf`) and held both at once (max RSS 502 -> 380 MB on the thrifty N = 3
/// search to the end). In wasm, memory is never given back and the allocator reuses freed
/// blocks, while extending a block in place usually means a copy: the page's search was 10-20 %
/// slower in place, so there the set grows into a new array.
const GROW_IN_PLACE: bool = cfg!(not(target_arch = "wasm32"));

/// A set of 128-bit fingerprints.
pub(crate) struct Seen {
    /// A power-of-two number of slots; 0 is an empty slot.
    slots: Vec<u128>,
    /// Fingerprints held, the zero one included.
    len: usize,
    /// Whether the zero fingerprint is held (it cannot be stored in a slot).
    zero: bool,
}

/// Asks the processor to start loading the cache line at `p` (a hint: it reads or writes
/// nothing the program can see, so `p` may point anywhere; a no-op off x86-64). The explorer's
/// tables call it for a slot or an entry they will read soon.
#[inline]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch never faults, whatever the address, and changes nothing the
        // program can observe. SSE is part of x86-64.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Where a probe for a fingerprint ended.
enum Probe {
    Found,
    /// Not held; this empty slot is where it goes.
    Empty(usize),
}

impl Default for Seen {
    fn default() -> Seen {
        Seen {
            slots: vec![0; MIN_SLOTS],
            len: 0,
            zero: false,
        }
    }
}

impl Seen {
    /// Fingerprints held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Fingerprints the set holds before it must grow (7/8 of its slots).
    pub(crate) fn capacity(&self) -> usize {
        self.slots.len() / 8 * 7
    }

    /// Whether adding a new fingerprint (other than zero) doubles the set first.
    pub(crate) fn is_full(&self) -> bool {
        self.len - self.zero as usize >= self.capacity()
    }

    /// Bytes the slots take.
    pub(crate) fn bytes(&self) -> u64 {
        (self.slots.len() * std::mem::size_of::<u128>()) as u64
    }

    /// The slot a fingerprint's probe starts at (the low bits: a fingerprint is already a hash).
    fn home(&self, fp: u128) -> usize {
        fp as usize & (self.slots.len() - 1)
    }

    fn probe(&self, fp: u128) -> Probe {
        let mask = self.slots.len() - 1;
        let mut i = self.home(fp);
        loop {
            match self.slots[i] {
                0 => return Probe::Empty(i),
                s if s == fp => return Probe::Found,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Whether `fp` is held.
    pub(crate) fn contains(&self, fp: u128) -> bool {
        if fp == 0 {
            return self.zero;
        }
        matches!(self.probe(fp), Probe::Found)
    }

    /// Adds `fp`; `false` if it was held already. Grows (doubles) only to add a new one to a
    /// full set.
    pub(crate) fn insert(&mut self, fp: u128) -> bool {
        if fp == 0 {
            let new = !self.zero;
            self.zero = true;
            self.len += new as usize;
            return new;
        }
        let Probe::Empty(mut at) = self.probe(fp) else {
            return false;
        };
        if self.is_full() {
            self.grow();
            let Probe::Empty(i) = self.probe(fp) else {
                unreachable!("a fingerprint not held before growing is not held after");
            };
            at = i;
        }
        self.slots[at] = fp;
        self.len += 1;
        true
    }

    /// Asks the processor to start loading `fp`'s first slot, so that a probe soon after finds
    /// it in the cache (a hint: it changes nothing the set holds).
    #[inline]
    pub(crate) fn prefetch(&self, fp: u128) {
        prefetch(self.slots.as_ptr().wrapping_add(self.home(fp)));
    }

    /// Doubles the slots: in place natively, into a new array in wasm (see [`GROW_IN_PLACE`]).
    fn grow(&mut self) {
        if GROW_IN_PLACE {
            self.grow_in_place();
        } else {
            self.grow_into_new();
        }
    }

    /// Doubles the slots into a new array, and frees the old one after the copy.
    fn grow_into_new(&mut self) {
        let bigger = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        for fp in old.into_iter().filter(|&fp| fp != 0) {
            self.put(fp);
        }
    }

    /// Doubles the slots in place and moves each fingerprint to where a probe in the doubled
    /// array finds it.
    fn grow_in_place(&mut self) {
        let m = self.slots.len();
        self.slots.resize(2 * m, 0);
        // Every old slot, in order: taken out and put back from its new home. A fingerprint
        // put back past a slot not yet taken out would be cut off from its home when that slot
        // empties, unless it is itself taken out again later: it is, if it landed in the old
        // half (past the current slot); if it landed in the new half, it is in the run of
        // full slots that starts there, which the second step puts back whole.
        for i in 0..m {
            let fp = std::mem::take(&mut self.slots[i]);
            if fp != 0 {
                self.put(fp);
            }
        }
        // The run starting at the new half, taken out whole and put back: every old slot is
        // settled now, so a probe through it stays unbroken. (No other fingerprint's probe
        // passes through this run: a probe crosses full slots only, and the run ends at an
        // empty one.)
        let mut run = Vec::new();
        let mut j = m;
        while self.slots[j] != 0 {
            run.push(std::mem::take(&mut self.slots[j]));
            j = (j + 1) & (2 * m - 1);
        }
        for fp in run {
            self.put(fp);
        }
    }

    /// Puts a fingerprint known not to be held in the first empty slot from its home.
    fn put(&mut self, fp: u128) {
        let Probe::Empty(i) = self.probe(fp) else {
            unreachable!("each fingerprint is held once");
        };
        self.slots[i] = fp;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// A small deterministic generator of fingerprints, with many sharing their low bits (so
    /// probes collide and wrap around the end of the array).
    fn fps(n: usize) -> Vec<u128> {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let low = if i % 3 == 0 { (x % 64) | 15 } else { x };
                (x as u128) << 64 | low as u128
            })
            .collect()
    }

    #[test]
    fn agrees_with_a_hash_set_through_growth_collisions_and_zero() {
        let mut seen = Seen::default();
        let mut std_set = HashSet::new();
        let mut all = fps(50_000);
        all.extend([0, 0, 1, u128::MAX, 1 << 64, 15, 15 + (1 << 64)]);
        all.extend(fps(50_000).into_iter().step_by(7)); // duplicates
        for &fp in &all {
            assert_eq!(seen.contains(fp), std_set.contains(&fp));
            assert_eq!(seen.insert(fp), std_set.insert(fp), "insert {fp:#x}");
            assert!(seen.contains(fp));
            assert_eq!(seen.len(), std_set.len());
            assert!(seen.len() - seen.zero as usize <= seen.capacity());
        }
        for fp in fps(60_000).into_iter().skip(50_000).chain([2, 3]) {
            assert_eq!(seen.contains(fp), std_set.contains(&fp), "{fp:#x}");
        }
        assert!(seen.slots.len().is_power_of_two());
        assert_eq!(seen.bytes(), 16 * seen.slots.len() as u64);
    }

    /// Both ways of growing keep every fingerprint findable when clusters wrap around the end
    /// of the array and run into the new half: homes crowded at the top of every size (low
    /// bits all ones but a few), and others spread, through many doublings. (`insert` uses
    /// one way per target; this drives each.)
    #[test]
    fn growth_either_way_keeps_wrapping_clusters_findable() {
        type Grow = fn(&mut Seen);
        let ways: [(&str, Grow); 2] = [
            ("in place", Seen::grow_in_place),
            ("into a new array", Seen::grow_into_new),
        ];
        for (way, grow) in ways {
            let mut seen = Seen::default();
            let mut held = Vec::new();
            for (i, fp) in fps(40_000).into_iter().enumerate() {
                let fp = if i % 2 == 0 {
                    fp | (u64::MAX as u128 - (fp >> 64) % 24)
                } else {
                    fp
                };
                if seen.contains(fp) {
                    continue;
                }
                if seen.is_full() {
                    let before = seen.slots.len();
                    grow(&mut seen);
                    assert_eq!(seen.slots.len(), 2 * before);
                    let lost = held.iter().filter(|&&f| !seen.contains(f)).count();
                    assert_eq!(lost, 0, "{way}: {lost} lost growing from {before} slots");
                }
                seen.put(fp);
                seen.len += 1;
                held.push(fp);
            }
            assert!(held.len() > 30_000);
            assert!(held.iter().all(|&f| seen.contains(f)), "{way}");
            assert_eq!(
                seen.slots.iter().filter(|&&s| s != 0).count(),
                held.len(),
                "{way}: a fingerprint held twice or dropped"
            );
        }
    }

    #[test]
    fn grows_only_to_add_a_new_fingerprint_to_a_full_set() {
        let mut seen = Seen::default();
        let mut k = 1;
        while !seen.is_full() {
            seen.insert(k);
            k += 1;
        }
        let cap = seen.capacity();
        assert!(!seen.insert(1));
        assert!(seen.insert(0) && !seen.insert(0));
        assert_eq!(
            seen.capacity(),
            cap,
            "a duplicate or zero grew the full set"
        );
        assert!(seen.is_full());
        assert!(seen.insert(k));
        assert_eq!(seen.capacity(), 2 * cap);
        assert!((1..=k).all(|fp| seen.contains(fp)));
        assert!(seen.contains(0) && !seen.contains(k + 1));
    }
}
