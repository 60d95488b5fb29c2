//! Client sessions: the commands a node has executed, per client, so that a leader answers a
//! resend of one at once instead of proposing it again (`Config::sessions`).
//!
//! Without sessions execution is at-least-once: a client resends a request when its timeout
//! passes without a reply, and the resend is a new command to the log. A leader that fills its
//! slots with resends of requests already executed (a small window behind a queue of them) can
//! go longer than any bound without completing a pending request (the stalls of seeds 1601905,
//! 2712914 and 4635320 in `docs/liveness.md`). With sessions a leader or candidate answers a
//! request it has executed with `Done` when it arrives, and leaves executed commands out of the
//! values it proposes.
//!
//! The table belongs to the executed prefix, like the digest: it is durable, and a state
//! transfer carries it (the `Snapshot` message, and a promise whose sender trimmed its log past
//! the candidate's prefix), so a node that skips part of the log by snapshot still knows the
//! commands in it.
//!
//! **What it never does:** claim a command that did not execute. It only records commands this
//! node executed or a snapshot of an executed prefix holds, so a `Done` from it is always for a
//! chosen command (the safety checkers' reply check holds it to that). It can forget (a client
//! with more than [`MAX_ABOVE`] executed commands above a gap), and then a resend it no longer
//! recognises is proposed and executed again, as without sessions: it never loses safety, only
//! the dedup. Two copies of a command can also both be proposed before either executes and both
//! be chosen; the node then applies the second as a repeat (`Output::Decided::repeats`), so the
//! command runs once.

/// Commands above a client's contiguous prefix kept at most; beyond, the lowest is forgotten.
/// Forgetting only loses the chance to answer a resend early; it never claims a command.
pub const MAX_ABOVE: usize = 256;

/// Client ids from this one on are not recorded (the simulator numbers its clients from 0 and
/// has at most 10,000; an absurd id must not make the node allocate).
const MAX_CLIENTS: u32 = 1 << 16;

/// One client's executed sequence numbers: every one in `1..below`, and those in `above`
/// (sorted, each above `below`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Client {
    below: u32,
    above: Vec<u32>,
}

/// The executed commands, per client. Sequence numbers start at 1; 0 and `u32::MAX` are not
/// recorded (so never claimed). One set of commands has one form (no forgetting aside), so equal
/// tables compare and hash equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sessions {
    clients: Vec<Client>,
}

impl Sessions {
    /// Records that client `client`'s command `seq` was executed.
    pub fn insert(&mut self, client: u32, seq: u32) {
        if client >= MAX_CLIENTS || seq == 0 || seq == u32::MAX {
            return;
        }
        let i = client as usize;
        if i >= self.clients.len() {
            self.clients.resize(i + 1, Client::default());
        }
        let r = &mut self.clients[i];
        if r.below == 0 {
            r.below = 1;
        }
        if seq < r.below {
            return; // recorded already
        }
        if seq == r.below {
            r.below += 1;
            // Sorted: the prefix grows through the run of numbers that follow.
            let run = r
                .above
                .iter()
                .zip(r.below..)
                .take_while(|(s, want)| **s == *want)
                .count();
            r.above.drain(..run);
            r.below += run as u32;
            return;
        }
        if let Err(at) = r.above.binary_search(&seq) {
            r.above.insert(at, seq);
            if r.above.len() > MAX_ABOVE {
                r.above.remove(0);
            }
        }
    }

    /// Whether client `client`'s command `seq` was recorded as executed.
    pub fn contains(&self, client: u32, seq: u32) -> bool {
        self.clients
            .get(client as usize)
            .is_some_and(|r| (1..r.below).contains(&seq) || r.above.binary_search(&seq).is_ok())
    }

    /// Every recorded `(client, seq)`, client by client, in order of sequence number.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.clients.iter().enumerate().flat_map(|(i, r)| {
            let client = i as u32;
            (1..r.below.max(1))
                .chain(r.above.iter().copied())
                .map(move |seq| (client, seq))
        })
    }

    /// The same table with every `(client, seq)` replaced by `f(client, seq)` (for a model
    /// checker's symmetry reduction; see `Msg::map_commands`).
    pub fn map(&self, f: &dyn Fn(u32, u32) -> (u32, u32)) -> Sessions {
        let mut s = Sessions::default();
        for (client, seq) in self.iter() {
            let (client, seq) = f(client, seq);
            s.insert(client, seq);
        }
        s
    }

    /// Approximate size on the wire in bytes: a client's prefix and each number above it.
    pub fn wire_bytes(&self) -> u32 {
        self.clients
            .iter()
            .filter(|r| r.below > 0)
            .map(|r| 8 + 4 * r.above.len() as u32)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(client: u32, seq: u32) -> (u32, u32) {
        (client, seq)
    }

    #[test]
    fn records_in_any_order_and_compacts_the_prefix() {
        let mut d = Sessions::default();
        assert!(!d.contains(0, 1));
        for seq in [3, 1, 5, 2] {
            d.insert(0, seq);
        }
        for seq in [1, 2, 3, 5] {
            assert!(d.contains(0, seq), "{seq}");
        }
        assert!(!d.contains(0, 4) && !d.contains(0, 6) && !d.contains(1, 1));
        assert!(!d.contains(0, 0));
        assert_eq!(d.clients[0].below, 4);
        assert_eq!(d.clients[0].above, vec![5]);
        assert_eq!(d.wire_bytes(), 12);
        d.insert(0, 4);
        assert_eq!(
            d.clients[0],
            Client {
                below: 6,
                above: vec![]
            }
        );
        assert_eq!(d.wire_bytes(), 8);
        // Inserting again changes nothing, and the same set has one form.
        d.insert(0, 2);
        let mut e = Sessions::default();
        for seq in 1..=5 {
            e.insert(0, seq);
        }
        assert_eq!(d, e);
        let all: Vec<(u32, u32)> = d.iter().collect();
        assert_eq!(all, (1..=5).map(|s| c(0, s)).collect::<Vec<_>>());
    }

    #[test]
    fn forgets_only_what_it_cannot_keep_and_never_claims() {
        let mut d = Sessions::default();
        // Seq 1 never executes: everything above it waits in `above`, capped.
        for seq in 2..(MAX_ABOVE as u32 + 12) {
            d.insert(3, seq);
        }
        assert_eq!(d.clients[3].above.len(), MAX_ABOVE);
        assert!(!d.contains(3, 1), "never executed, never claimed");
        assert!(!d.contains(3, 2), "the lowest were forgotten");
        assert!(d.contains(3, MAX_ABOVE as u32 + 11));
        assert!(!d.contains(0, 1) && !d.contains(2, 1));
        // Clients grown past but never recorded claim nothing and list nothing.
        assert!(d.iter().all(|(client, _)| client == 3));
        assert_eq!(d.iter().count(), MAX_ABOVE);
        // Absurd client ids and the sequence numbers 0 and u32::MAX are not recorded.
        d.insert(u32::MAX, 1);
        assert!(!d.contains(u32::MAX, 1));
        assert_eq!(d.clients.len(), 4);
        for seq in [0, u32::MAX] {
            d.insert(1, seq);
            assert!(!d.contains(1, seq), "{seq}");
        }
        assert!(!d.contains(2, 0) && !d.contains(2, 1));
        // Clients without a record (0 to 2) take no bytes: client 3's 256 numbers above its gap.
        assert_eq!(d.wire_bytes(), 8 + 4 * MAX_ABOVE as u32);
    }

    #[test]
    fn renaming_maps_every_command_and_keeps_one_form() {
        let mut d = Sessions::default();
        for x in [c(0, 1), c(0, 2), c(1, 1)] {
            d.insert(x.0, x.1);
        }
        // Swap c0#2 and c1#1, as the explorer's symmetry does.
        let swap = |client: u32, seq: u32| match (client, seq) {
            (0, 2) => c(1, 1),
            (1, 1) => c(0, 2),
            x => x,
        };
        assert_eq!(d.map(&swap), d, "the same set");
        let mut one = Sessions::default();
        one.insert(0, 2);
        let mapped = one.map(&swap);
        assert!(mapped.contains(1, 1) && !mapped.contains(0, 2));
        let mut want = Sessions::default();
        want.insert(1, 1);
        assert_eq!(mapped, want);
    }
}
