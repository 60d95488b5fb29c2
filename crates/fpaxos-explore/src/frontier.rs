//! The breadth-first queue: states waiting to be expanded, packed back to back in chunks of
//! `u32` words. A state is one entry (`[tree index, depth, length, words...]`), so queueing it
//! costs no allocation of its own and no header beyond three words, and the memory of expanded
//! states goes back a chunk at a time.

use std::collections::VecDeque;

/// Words per chunk (1 MiB): large enough that chunk changes are rare, small enough that little
/// memory waits for the last state of a chunk to be expanded.
const CHUNK: usize = 1 << 18;

/// A first-in, first-out queue of packed states.
#[derive(Debug, Default)]
pub(crate) struct Frontier {
    chunks: VecDeque<Vec<u32>>,
    /// Where the next entry starts in the first chunk.
    at: usize,
    len: usize,
}

impl Frontier {
    /// Queues a state: `pack` appends its words to the vector it is given.
    pub(crate) fn push(&mut self, idx: u32, depth: u32, pack: impl FnOnce(&mut Vec<u32>)) {
        let full = self
            .chunks
            .back()
            .is_none_or(|c| c.len() >= CHUNK - CHUNK / 16);
        if full {
            self.chunks.push_back(Vec::with_capacity(CHUNK));
        }
        let c = self.chunks.back_mut().expect("a chunk to write to");
        let head = c.len();
        c.extend([idx, depth, 0]);
        pack(c);
        c[head + 2] = (c.len() - head - 3) as u32;
        self.len += 1;
    }

    /// The oldest state: its tree index, its depth and its words, which `read` takes while they
    /// are still queued; `None` when the queue is empty.
    pub(crate) fn pop<R>(&mut self, read: impl FnOnce(u32, u32, &[u32]) -> R) -> Option<R> {
        if self.chunks.front().is_some_and(|c| self.at == c.len()) {
            self.chunks.pop_front();
            self.at = 0;
        }
        let c = self.chunks.front()?;
        let (idx, depth, n) = (c[self.at], c[self.at + 1], c[self.at + 2] as usize);
        let words = &c[self.at + 3..self.at + 3 + n];
        self.at += 3 + n;
        self.len -= 1;
        Some(read(idx, depth, words))
    }

    /// Bytes the queue holds (whole chunks).
    pub(crate) fn bytes(&self) -> u64 {
        (self.chunks.len() * CHUNK * std::mem::size_of::<u32>()) as u64
    }

    /// Bytes one more chunk takes.
    pub(crate) const CHUNK_BYTES: u64 = (CHUNK * std::mem::size_of::<u32>()) as u64;

    /// Whether no state is queued.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_come_out_in_order_and_whole_across_chunks() {
        let mut q = Frontier::default();
        let entry = |k: u32| (0..k % 97).map(move |w| w * 7 + k).collect::<Vec<u32>>();
        let (mut pushed, mut popped) = (0u32, 0u32);
        // Interleaved pushes and pops, through many chunks and an empty queue.
        for round in 0..40u32 {
            for _ in 0..(round * 997) % 20_000 {
                q.push(pushed, pushed % 13, |w| w.extend(entry(pushed)));
                pushed += 1;
            }
            for _ in 0..(round * 1_301) % 25_000 {
                let Some(()) = q.pop(|idx, depth, words| {
                    assert_eq!((idx, depth), (popped, popped % 13));
                    assert_eq!(words, entry(popped).as_slice());
                }) else {
                    assert!(q.is_empty());
                    assert_eq!(popped, pushed);
                    break;
                };
                popped += 1;
            }
        }
        assert!(pushed > 200_000 && popped > 100_000, "{pushed} {popped}");
        assert!(
            q.chunks.len() < 30,
            "expanded chunks are freed: {}",
            q.chunks.len()
        );
    }
}
