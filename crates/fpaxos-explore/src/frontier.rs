//! The breadth-first queue, with no state stored in it. Breadth first, the search appends each
//! new state to its tree (parent index and action) in the order it will expand them, so the
//! queue is the tree's tail: indices `next..tree.len()`, levels one after another. A state is
//! rebuilt when its turn comes, from its nearest ancestor on the path rebuilt last, by replaying
//! the tree's actions below that ancestor through the same memoised node steps. Consecutive
//! states are siblings or cousins, so a rebuild replays one action, sometimes two or three.
//!
//! Queued states thus cost nothing beyond their 12-byte tree entry, where a packed copy of each
//! took 150 to 250 bytes: the frontier is most of a search's states, and it was most of its
//! memory.

use crate::seen::prefetch;
use crate::state::{Act, State};
use crate::world::World;

/// The search tree: per state, in the order found, its parent's index and the action from it
/// (the root's parent is itself). The first chunk grows as a vector does, up to `CHUNK`
/// entries; after it, fixed chunks of `CHUNK`, so that a large tree never copies itself (a
/// vector doubling would briefly need three times its size).
#[derive(Debug, Default)]
pub(crate) struct Tree {
    chunks: Vec<Vec<(u32, Act)>>,
    len: usize,
    /// The chunks' capacities summed, kept as they grow: the memory budget asks for it at
    /// every new state, and a search of hundreds of millions of states has hundreds of chunks.
    capacity: usize,
}

/// How many states ahead of the one it takes the queue prefetches the tree's entry.
const PREFETCH_AHEAD: u32 = 16;

/// Entries per full chunk (12 MiB).
const CHUNK: usize = 1 << 20;
const ENTRY: u64 = std::mem::size_of::<(u32, Act)>() as u64;

impl Tree {
    /// A tree holding the root alone.
    pub(crate) fn new() -> Tree {
        let mut t = Tree {
            chunks: vec![Vec::new()],
            len: 0,
            capacity: 0,
        };
        t.push(0, Act::Crash(0));
        t
    }

    /// Adds a state, found from `parent` by `act`; returns its index.
    pub(crate) fn push(&mut self, parent: u32, act: Act) -> u32 {
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            let chunk = Vec::with_capacity(CHUNK);
            self.capacity += chunk.capacity();
            self.chunks.push(chunk);
        }
        let chunk = self.chunks.last_mut().expect("a chunk with room");
        // The first chunk grows as a vector does.
        let before = chunk.capacity();
        chunk.push((parent, act));
        self.capacity += chunk.capacity() - before;
        self.len += 1;
        (self.len - 1) as u32
    }

    /// The parent and action of state `i`.
    pub(crate) fn get(&self, i: u32) -> (u32, Act) {
        let i = i as usize;
        self.chunks[i / CHUNK][i % CHUNK]
    }

    /// Asks the processor to start loading entry `i` (a hint: it changes nothing the tree
    /// holds, and past the last entry it only loads a line for nothing).
    #[inline]
    pub(crate) fn prefetch(&self, i: u32) {
        let i = i as usize;
        if let Some(chunk) = self.chunks.get(i / CHUNK) {
            prefetch(chunk.as_ptr().wrapping_add(i % CHUNK));
        }
    }

    /// States in the tree.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Bytes the tree holds (its chunks' capacities).
    pub(crate) fn bytes(&self) -> u64 {
        self.capacity as u64 * ENTRY
    }

    /// Bytes the next push may allocate while the tree's memory is still held: a new chunk, or
    /// the first chunk's doubling.
    pub(crate) fn growth_bytes(&self) -> u64 {
        match self.chunks.last() {
            Some(c) if c.len() < c.capacity() => 0,
            Some(c) if c.len() < CHUNK => 2 * (c.capacity() as u64).max(4) * ENTRY,
            _ => CHUNK as u64 * ENTRY,
        }
    }
}

/// The queue's read position and the last rebuilt path (`Default`: an empty placeholder).
#[derive(Debug, Default)]
pub(crate) struct Frontier {
    /// The tree index of the next state to expand.
    next: u32,
    /// The depth of the state at `next` (once `next` is in its level).
    depth: u32,
    /// The first tree index of the level after `depth`'s.
    level_end: u32,
    /// The tree index of each state on the last rebuilt path, from the root (index 0).
    on_path: Vec<u32>,
    /// The states of that path, at the same depths; entries past `on_path.len()` are spare
    /// scratch whose vectors are reused.
    states: Vec<State>,
    /// The actions still to replay in a rebuild, deepest first (scratch).
    todo: Vec<(u32, Act)>,
}

impl Frontier {
    /// A queue holding the root (tree index 0) alone.
    pub(crate) fn new(root: State) -> Frontier {
        Frontier {
            next: 0,
            depth: 0,
            level_end: 1,
            on_path: vec![0],
            states: vec![root],
            todo: Vec::new(),
        }
    }

    /// Whether every state of `tree` has been taken.
    pub(crate) fn is_empty(&self, tree: &Tree) -> bool {
        self.next as usize >= tree.len()
    }

    /// Whether the next state to take starts a new level (or the queue is empty): its level
    /// ends where the tree ends when it is taken, so every state of the level before must have
    /// been added by then.
    pub(crate) fn at_level_end(&self) -> bool {
        self.next == self.level_end
    }

    /// The next state to expand, rebuilt: its tree index, its depth and the state; `None` when
    /// every state of `tree` has been taken. `tree` is the search's tree, grown only at its end
    /// (by the expansions of earlier states) between two calls.
    pub(crate) fn pop(&mut self, tree: &Tree, world: &mut World) -> Option<(u32, u32, &State)> {
        if self.is_empty(tree) {
            return None;
        }
        let idx = self.next;
        if idx == self.level_end {
            // Every state of the level before was expanded: its children, this level, end where
            // the tree ends now.
            self.depth += 1;
            self.level_end = tree.len() as u32;
        }
        self.next += 1;
        // The queue reads the tree in order, a state's expansion apart: the entries a few
        // states on are loaded meanwhile.
        tree.prefetch(idx + PREFETCH_AHEAD);
        let depth = self.depth as usize;
        // Up from `idx` to the deepest ancestor still on the path (the root at worst: a
        // parent is one level up, and the path starts at the root).
        self.todo.clear();
        let (mut at, mut k) = (idx, depth);
        while self.on_path.get(k) != Some(&at) {
            let (parent, act) = tree.get(at);
            self.todo.push((at, act));
            at = parent;
            k -= 1;
        }
        self.on_path.truncate(k + 1);
        // Down again, replaying the tree's actions.
        while let Some((at, act)) = self.todo.pop() {
            if self.states.len() == k + 1 {
                let spare = self.states[k].clone();
                self.states.push(spare);
            }
            let (done, rest) = self.states.split_at_mut(k + 1);
            let replayed = done[k].next_into(world, act, &mut rest[0]);
            // The same action on the same state gives the same successor: the node steps are
            // memoised, and the search admitted this one without a bound or a violation.
            debug_assert!(matches!(replayed, Ok(None)), "{replayed:?}");
            self.on_path.push(at);
            k += 1;
        }
        Some((idx, self.depth, &self.states[depth]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ExploreConfig;
    use crate::seen::Seen;

    /// `growth_bytes` is what the next push allocates, to the byte: the first chunk's
    /// doubling, a new chunk, or nothing (the memory budget reserves it before a state is
    /// admitted). Over the first chunk's growth and into the third chunk.
    #[test]
    fn the_growth_the_budget_reserves_is_what_a_push_allocates() {
        let mut t = Tree::new();
        let (mut allocations, mut pushes) = (0, 0);
        while t.len() < 2 * CHUNK + 3 {
            let growth = t.growth_bytes();
            let (chunks, last_cap) = (t.chunks.len(), t.chunks.last().map_or(0, Vec::capacity));
            t.push(0, Act::Deliver(1));
            pushes += 1;
            let last = t.chunks.last().expect("a chunk");
            let allocated = if t.chunks.len() > chunks || last.capacity() != last_cap {
                allocations += 1;
                last.capacity() as u64 * ENTRY
            } else {
                0
            };
            assert_eq!(growth, allocated, "push {pushes}, {} entries", t.len());
        }
        // The first chunk doubled from 4 entries (the root's) to a full one, 2^20 entries: 18
        // times; then two chunks.
        assert_eq!(allocations, 18 + 2);
    }

    /// Across chunks, every entry reads back, and the memory is the chunks' (no vector twice
    /// the tree's size).
    #[test]
    fn the_tree_reads_back_across_chunks() {
        let mut t = Tree::new();
        let n = 2 * CHUNK + 12_345;
        for i in 1..n as u32 {
            assert_eq!(t.push(i / 3, Act::Deliver(i)), i);
        }
        assert_eq!(t.len(), n);
        assert_eq!(t.get(0), (0, Act::Crash(0)));
        for i in (1..n as u32)
            .step_by(997)
            .chain([CHUNK as u32, n as u32 - 1])
        {
            assert_eq!(t.get(i), (i / 3, Act::Deliver(i)));
        }
        assert_eq!(t.chunks.len(), 3);
        assert_eq!(t.bytes(), 3 * CHUNK as u64 * ENTRY);
        assert_eq!(
            t.capacity,
            t.chunks.iter().map(Vec::capacity).sum::<usize>()
        );
        assert_eq!(t.growth_bytes(), 0);
    }

    /// Breadth first by hand, keeping every state; the queue rebuilds each of them, in order,
    /// from the tree alone, while the tree grows as it does in the search.
    #[test]
    fn every_state_is_rebuilt_from_the_tree_alone() {
        let cfg = ExploreConfig {
            nodes: 3,
            commands: 2,
            ..ExploreConfig::default()
        };
        let quorums = cfg.quorums().expect("config");
        let mut world = World::new(cfg, quorums);
        let root = State::initial(&mut world);
        let mut seen = Seen::default();
        seen.insert(root.fingerprint(&world));
        let (mut tree, mut kept) = (Tree::new(), vec![root.clone()]);
        let mut q = Frontier::new(root);
        let (mut acts, mut depths, mut popped) = (Vec::new(), Vec::new(), 0usize);
        while let Some((idx, depth, state)) = q.pop(&tree, &mut world) {
            assert_eq!(idx as usize, popped, "tree order");
            popped += 1;
            let want = &kept[idx as usize];
            assert!(state.same_as(want), "state {idx} rebuilt differently");
            assert_eq!(format!("{state:?}"), format!("{want:?}"));
            depths.push(depth);
            if depth == 9 {
                continue;
            }
            let state = state.clone();
            state.actions(&world, &mut acts);
            for &a in &acts {
                let Ok((next, _)) = state.next(&mut world, a) else {
                    continue;
                };
                if seen.insert(next.fingerprint(&world)) {
                    assert_eq!(tree.push(idx, a) as usize, kept.len());
                    kept.push(next);
                }
            }
        }
        assert_eq!(popped, tree.len());
        assert!(popped > 5_000, "{popped} states");
        assert!(depths.windows(2).all(|w| w[0] <= w[1]), "levels in order");
        assert_eq!(depths.last(), Some(&9));
        // The tree's parents are one level up, as the rebuild assumes.
        for i in 1..tree.len() {
            let (parent, _) = tree.get(i as u32);
            assert_eq!(depths[parent as usize] + 1, depths[i]);
        }
    }
}
