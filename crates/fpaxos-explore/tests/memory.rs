//! `--max-memory` counts what the search really holds: the bytes its tables say they hold
//! (`Explorer::memory_bytes`, what the budget is held to) against the bytes live on the heap,
//! read from a counting allocator, at several sizes of four kinds of search. A table the count
//! forgot, or counted at the wrong size, moves the ratio. And a search under a budget never
//! holds more than the budget at any moment, doublings included. The allocator counts the
//! whole process, so the tests take turns (the tests of a file run in parallel).

use fpaxos::QuorumSpec;
use fpaxos_explore::{ExploreConfig, Explorer, Network};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The most bytes live at once since it was last reset. A reallocation counts the old and the
/// new block together: an allocator that cannot grow a block in place holds both while it
/// copies.
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Held by each test while it counts.
static TURN: Mutex<()> = Mutex::new(());

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        grew(l.size());
        // SAFETY: the caller's contract is System's.
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        grew(l.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        grew(new);
        LIVE.fetch_sub(l.size(), Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Four kinds of search: settled replies kept; forgotten, two commands; a multiset network
/// with a drop and a duplicate; a crash, a timer, a resend and sessions.
fn kinds() -> [(&'static str, ExploreConfig); 4] {
    let base = ExploreConfig {
        nodes: 3,
        quorum: QuorumSpec::Majority,
        ballots: 2,
        commands: 1,
        ..ExploreConfig::default()
    };
    [
        (
            "keeping settled replies",
            ExploreConfig {
                forget_settled: false,
                ..base.clone()
            },
        ),
        (
            "forgetting them, two commands",
            ExploreConfig {
                commands: 2,
                ..base.clone()
            },
        ),
        (
            "multiset network, drops, duplicates",
            ExploreConfig {
                network: Network::Multiset,
                drops: 1,
                dups: 1,
                ..base.clone()
            },
        ),
        (
            "crashes, timers, resends, sessions",
            ExploreConfig {
                crashes: 1,
                timers: 1,
                resends: 1,
                sessions: true,
                thrifty: true,
                ..base.clone()
            },
        ),
    ]
}

/// At three sizes of four kinds of search, the count is at most the heap the search holds
/// (plus 1 %, for estimates of a hash table's allocation) and at least 94 % of it. Measured: 95.6
/// to 99.8 %; the rest is node states' own vectors (their logs, queues), which the count leaves
/// out, and the frontier's path of states.
#[test]
fn the_counted_memory_is_the_heap_the_search_holds() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    for (what, cfg) in kinds() {
        for expand in [20_000, 80_000, 300_000] {
            let before = LIVE.load(Relaxed);
            let mut ex = Explorer::new(cfg.clone()).expect("valid config");
            let done = ex.run(expand).done;
            let held = (LIVE.load(Relaxed) - before) as f64;
            let counted = ex.memory_bytes() as f64;
            let states = ex.stats().unique;
            assert!(!done, "{what}: the search ended before {expand} expansions");
            assert!(
                counted <= held * 1.01 && counted >= held * 0.94,
                "{what}, {states} states: counted {counted} bytes of {held} on the heap ({:.3})",
                counted / held
            );
        }
    }
}

/// Under nine budgets from 256 KiB to 4 MiB, each kind of search holds at most its budget and
/// 6 % (the node states' own vectors and the frontier's path of states, which the count leaves
/// out) at its peak, with every doubling's old and new tables counted together: the budget's
/// test (`would_outgrow`) reserves each table's next growth before it happens. Measured: 57-84 %
/// of the budget at the peak. Seen to fail with the world's reserved growth left out, and with
/// the seen set's doubling left out; the tree's reserved growth is too small here to matter
/// (`frontier.rs` holds it to the byte).
#[test]
fn a_search_under_a_budget_never_holds_more() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    for (what, cfg) in kinds() {
        let mut stopped = 0;
        for k in 0..9 {
            let budget = (262_144.0 * 2f64.powf(f64::from(k) / 2.0)) as u64;
            let before = LIVE.load(Relaxed);
            PEAK.store(before, Relaxed);
            let mut ex = Explorer::new(ExploreConfig {
                max_memory: budget,
                max_states: 100_000_000,
                ..cfg.clone()
            })
            .expect("valid config");
            while !ex.run(1 << 16).done {}
            let peak = (PEAK.load(Relaxed) - before) as f64;
            let summary = ex.summary();
            stopped += usize::from(summary.contains("stopped at the memory budget"));
            assert!(
                peak <= budget as f64 * 1.06,
                "{what}: a budget of {budget} bytes, {peak} held at the peak: {summary}"
            );
        }
        assert!(
            stopped >= 7,
            "{what}: only {stopped} of 9 budgets stopped the search"
        );
    }
}
