//! A leader's queue of client commands not yet proposed, without duplicates.
//!
//! A client resends a request when its timeout passes without a reply. When the leader's queue
//! waits longer than that timeout (a small window, long round trips), every resend used to join
//! the queue as a new command: the queue then grew faster than the leader proposed, the replies
//! went to copies of requests answered long before, and the clients' latest requests waited
//! ever longer (a retry storm; `docs/liveness.md`). A command already queued is not queued
//! again, so the queue holds each client request once.

use crate::msg::Command;
use std::collections::{HashSet, VecDeque};
use std::hash::{Hash, Hasher};

/// Up to this many commands a short queue finds a resend by scanning `order`; a longer one
/// fills `set`.
const SCAN_MAX: usize = 16;

/// Client commands in arrival order, each at most once.
#[derive(Clone, Debug, Default)]
pub(super) struct CmdQueue {
    order: VecDeque<Command>,
    /// Either empty or the same commands as `order`, to find a resend in a long queue. Filled
    /// when the queue grows past `SCAN_MAX`, and empty again only once the queue is (so it
    /// never needs rebuilding on the way down). A short queue, the common case (a leader that
    /// keeps up proposes each command as it arrives), leaves it empty and pays no hashing. A
    /// fixed-seed hasher: no randomness in the core, and the set keeps its capacity, so a queue
    /// that empties and refills allocates nothing.
    set: HashSet<Command, foldhash::fast::FixedState>,
}

impl CmdQueue {
    /// Appends `cmd` unless it is queued already or the queue holds `max`; returns whether it
    /// was appended.
    pub(super) fn push(&mut self, cmd: Command, max: usize) -> bool {
        if self.order.len() >= max {
            return false;
        }
        if self.set.is_empty() {
            if self.order.contains(&cmd) {
                return false;
            }
            if self.order.len() >= SCAN_MAX {
                self.set.extend(self.order.iter().copied());
                self.set.insert(cmd);
            }
        } else if !self.set.insert(cmd) {
            return false;
        }
        self.order.push_back(cmd);
        true
    }

    /// Removes and returns the first command.
    pub(super) fn pop_front(&mut self) -> Option<Command> {
        let c = self.order.pop_front()?;
        if !self.set.is_empty() {
            self.set.remove(&c);
        }
        Some(c)
    }

    /// Empties the queue.
    pub(super) fn clear(&mut self) {
        self.order.clear();
        self.set.clear();
    }

    /// Removes and returns the first `k` commands (fewer if the queue is shorter).
    pub(super) fn take_front(&mut self, k: usize) -> Vec<Command> {
        let k = k.min(self.order.len());
        let taken: Vec<Command> = self.order.drain(..k).collect();
        if !self.set.is_empty() {
            for c in &taken {
                self.set.remove(c);
            }
        }
        taken
    }

    /// Removes and returns every command, in order.
    pub(super) fn take_all(&mut self) -> VecDeque<Command> {
        self.set.clear();
        std::mem::take(&mut self.order)
    }

    /// The commands, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Command> {
        self.order.iter()
    }

    /// Commands queued.
    pub(super) fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no command is queued.
    pub(super) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// A state hash sees the commands in order, as it saw the plain queue before (the set only
/// mirrors them).
impl Hash for CmdQueue {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.order.hash(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(client: u32, seq: u32) -> Command {
        Command { client, seq }
    }

    #[test]
    fn a_queued_command_is_not_queued_again() {
        let mut q = CmdQueue::default();
        assert!(q.push(cmd(1, 1), 8));
        assert!(q.push(cmd(2, 1), 8));
        assert!(!q.push(cmd(1, 1), 8), "a resend of a queued command");
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop_front(), Some(cmd(1, 1)));
        // Once proposed, it may be queued again (a resend after a leader change).
        assert!(q.push(cmd(1, 1), 8));
        assert_eq!(q.take_all(), VecDeque::from(vec![cmd(2, 1), cmd(1, 1)]));
        assert!(q.is_empty() && q.push(cmd(2, 1), 8));
        q.clear();
        assert!(q.is_empty() && q.push(cmd(2, 1), 8));
    }

    /// The explorer tells node states apart by their hash: two queues hash alike exactly when
    /// they hold the same commands in the same order, however they came to.
    #[test]
    fn the_hash_sees_the_commands_in_order() {
        fn hash(q: &CmdQueue) -> u64 {
            let mut h = std::hash::DefaultHasher::new();
            q.hash(&mut h);
            h.finish()
        }
        let queue = |cmds: &[Command]| {
            let mut q = CmdQueue::default();
            for &c in cmds {
                q.push(c, 8);
            }
            q
        };
        let (a, b) = (cmd(1, 1), cmd(2, 1));
        assert_ne!(hash(&queue(&[a])), hash(&queue(&[])));
        assert_ne!(hash(&queue(&[a])), hash(&queue(&[b])));
        assert_ne!(hash(&queue(&[a, b])), hash(&queue(&[b, a])));
        let mut drained = queue(&[b, a, b]);
        drained.pop_front();
        drained.push(b, 8);
        assert_eq!(hash(&drained), hash(&queue(&[a, b])));
    }

    /// A long queue (past `SCAN_MAX`, so with its set filled) finds resends as a short one
    /// does, on the way up and on the way down, and scans again once empty.
    #[test]
    fn a_long_queue_finds_resends_too() {
        let mut q = CmdQueue::default();
        let n = 3 * SCAN_MAX as u32;
        for seq in 1..=n {
            assert!(q.push(cmd(7, seq), usize::MAX));
            assert!(!q.push(cmd(7, seq), usize::MAX));
            assert!(!q.push(cmd(7, 1), usize::MAX));
        }
        assert_eq!(q.len(), n as usize);
        assert_eq!(q.take_front(2), vec![cmd(7, 1), cmd(7, 2)]);
        assert!(
            q.push(cmd(7, 1), usize::MAX),
            "taken, so it may be queued again"
        );
        for seq in 3..=n {
            assert!(!q.push(cmd(7, seq), usize::MAX));
            assert_eq!(q.pop_front(), Some(cmd(7, seq)));
        }
        assert_eq!(q.pop_front(), Some(cmd(7, 1)));
        assert!(q.is_empty() && q.set.is_empty());
        assert!(q.push(cmd(7, 1), usize::MAX) && !q.push(cmd(7, 1), usize::MAX));
    }

    /// The set costs nothing until the queue grows past `SCAN_MAX`: a queue of at most that many
    /// commands keeps it empty; from the next command on it holds exactly the queued ones.
    #[test]
    fn only_a_long_queue_fills_its_set() {
        let mut q = CmdQueue::default();
        for seq in 1..=SCAN_MAX as u32 {
            assert!(q.push(cmd(3, seq), usize::MAX));
            assert!(q.set.is_empty(), "{seq} queued: no set yet");
        }
        assert!(q.push(cmd(3, 0), usize::MAX));
        assert_eq!(q.set.len(), SCAN_MAX + 1);
        assert!(q.iter().all(|c| q.set.contains(c)));
        q.pop_front();
        assert_eq!(q.set.len(), SCAN_MAX, "the set follows the queue down");
        assert!(!q.set.contains(&cmd(3, 1)));
    }

    #[test]
    fn a_full_queue_takes_nothing() {
        let mut q = CmdQueue::default();
        assert!(q.push(cmd(1, 1), 1));
        assert!(!q.push(cmd(1, 2), 1));
        assert_eq!(q.take_front(5), vec![cmd(1, 1)]);
    }
}
