//! Breadth-first search over the model, in steps the caller sizes (`run(max)`), so that a
//! browser worker can report progress and be cancelled between steps; no threads, no clock.

use crate::config::ExploreConfig;
use crate::frontier::{Frontier, Tree};
use crate::seen::Seen;
use crate::state::{Act, Bound, State, Violation};
use crate::trace::{self, TraceStep};
use crate::world::World;
use fpaxos_sim::number::grouped;
use serde::{Deserialize, Serialize};

/// Counters of a search so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// States taken off the queue and expanded.
    pub explored: u64,
    /// Transitions computed (successor states generated, duplicates included).
    pub generated: u64,
    /// Distinct states seen (by fingerprint): with symmetry reduction, one per orbit (a state
    /// and its renamings of the commands).
    pub unique: u64,
    /// Deepest state seen (steps from the initial state).
    pub max_depth: u32,
    /// Every state reachable in this many steps or fewer has been generated and checked.
    pub complete_depth: u32,
    /// Distinct node states the real node code produced.
    pub node_states: u64,
    /// Renamings of the commands the search reduced by (1: none; see `symmetry.rs`).
    #[serde(default)]
    pub renamings: u32,
}

/// Where a search stands after a call to [`Explorer::run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The counters.
    pub stats: Stats,
    /// The search has ended (no state left, a violation found, or `max_states` or
    /// `max_memory` reached).
    pub done: bool,
}

/// How a search ended.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Outcome {
    /// Still running.
    Running,
    /// No violation in the states explored.
    NoViolation {
        /// Every reachable state within the bounds was explored (neither `max_states` nor
        /// `max_memory` reached).
        complete: bool,
        /// The bounds that cut a transition off somewhere (empty: the whole state space,
        /// unbounded, was explored).
        bounds_hit: Vec<&'static str>,
    },
    /// A violation, with the shortest trace that reaches it.
    Violation {
        /// What broke.
        violation: Violation,
        /// The steps from the initial state, numbered from 1.
        trace: Vec<TraceStep>,
    },
}

/// Notes that bound `b` cut a transition off.
fn mark(hit: &mut [bool; Bound::ALL.len()], b: Bound) {
    if let Some(k) = Bound::ALL.iter().position(|&x| x == b) {
        hit[k] = true;
    }
}

/// The memory of a search: the seen set (a 16-byte fingerprint per slot, at most 7 of 8 slots
/// full), the search tree, which is also the queue ([`Frontier`]: the
/// few states it rebuilds are not counted), and the world's interned states and memoised node
/// steps, which grow with the transitions taken (a few GB in searches of hundreds of millions of
/// states).
struct Tables<'a> {
    seen: &'a Seen,
    tree: &'a Tree,
    world: &'a World,
}

impl<'a> Tables<'a> {
    fn of(ex: &'a Explorer) -> Tables<'a> {
        Tables {
            seen: &ex.seen,
            tree: &ex.tree,
            world: &ex.world,
        }
    }

    fn bytes(&self) -> u64 {
        self.seen.bytes() + self.tree.bytes() + self.world.memory_bytes()
    }

    /// Whether admitting one more state could take the memory past `budget` (0: no limit): a
    /// full seen set doubles (in place, but an allocator that cannot extend it copies it, and
    /// holds the old one beside the new until the copy ends), the tree may take a new chunk,
    /// and the world's memo and step list may grow in the next transitions.
    fn would_outgrow(&self, budget: u64) -> bool {
        if budget == 0 {
            return false;
        }
        let (world, world_growth) = self.world.memory_and_growth();
        let held = self.seen.bytes() + self.tree.bytes() + world;
        let mut peak = held + self.tree.growth_bytes() + world_growth;
        if self.seen.is_full() {
            peak += 2 * self.seen.bytes();
        }
        peak > budget
    }
}

/// What [`admit`] did with a fingerprint.
#[derive(Debug, PartialEq, Eq)]
enum Admit {
    /// Seen before: the set is unchanged.
    Seen,
    /// New, but the set's growth would break the budget: the set is unchanged.
    OverBudget,
    /// New, and inserted.
    New,
}

/// Inserts `fp` into `seen` if it is new and `outgrows` allows it. Looked up first, so that
/// the budget is asked only about a new fingerprint. (With the standard set, `insert` made room
/// before it looked, so a duplicate offered to a full set doubled it behind the budget's back.)
fn admit(seen: &mut Seen, fp: u128, outgrows: impl FnOnce(&Seen) -> bool) -> Admit {
    if seen.contains(fp) {
        Admit::Seen
    } else if outgrows(seen) {
        Admit::OverBudget
    } else {
        seen.insert(fp);
        Admit::New
    }
}

/// A successor waiting to be admitted, with the counters as they were when it was generated.
struct Candidate {
    act: Act,
    fp: u128,
    generated: u64,
    hit: [bool; Bound::ALL.len()],
}

/// The counters that only expansions change, as they were when a batch of successors was
/// complete: a search that stops while admitting the batch reports these.
#[derive(Clone, Copy, Default)]
struct Expanded {
    /// The parent's tree index and depth.
    idx: u32,
    depth: u32,
    explored: u64,
    node_states: u64,
}

/// A steppable breadth-first explorer.
pub struct Explorer {
    world: World,
    /// The fingerprint of every state seen.
    seen: Seen,
    /// Per state, in the order found (breadth first): its parent's index and the action from
    /// it (the root's parent is itself). Its tail is the queue.
    tree: Tree,
    /// The queue's position in the tree, and the states it rebuilds.
    frontier: Frontier,
    stats: Stats,
    hit: [bool; Bound::ALL.len()],
    cut_by_max_states: bool,
    cut_by_memory: bool,
    found: Option<(u32, Violation)>,
    done: bool,
    acts: Vec<Act>,
    /// Successors waiting to be admitted (see [`Explorer::expand`]).
    batch: Vec<Candidate>,
    /// The last expanded state's successors, admitted after the next state's are computed
    /// (see [`Explorer::expand`]), with the counters as they were then.
    pending: Vec<Candidate>,
    pending_at: Expanded,
    /// Where a successor is computed when it must be built.
    scratch: State,
}

impl Explorer {
    /// Sets a search up (the initial state only); `Err` lists every problem in the config.
    pub fn new(cfg: ExploreConfig) -> Result<Explorer, Vec<String>> {
        let quorums = cfg.quorums()?;
        let mut world = World::new(cfg, quorums);
        let init = State::initial(&mut world);
        let mut seen = Seen::default();
        seen.insert(init.fingerprint(&world));
        let renamings = world.symmetry().live() as u32;
        Ok(Explorer {
            world,
            seen,
            tree: Tree::new(),
            frontier: Frontier::new(init.clone()),
            stats: Stats {
                unique: 1,
                renamings,
                ..Stats::default()
            },
            hit: [false; Bound::ALL.len()],
            cut_by_max_states: false,
            cut_by_memory: false,
            found: None,
            done: false,
            acts: Vec::new(),
            batch: Vec::new(),
            pending: Vec::new(),
            pending_at: Expanded::default(),
            scratch: init,
        })
    }

    /// The configuration explored.
    pub fn config(&self) -> &ExploreConfig {
        &self.world.cfg
    }

    /// The search's tables (tests read and plant in them).
    #[cfg(test)]
    pub(crate) fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Expands at most `max_states` more states; call again until `done`.
    pub fn run(&mut self, max_states: u64) -> Progress {
        let mut budget = max_states;
        while !self.done && budget > 0 {
            // A new level ends where the tree ends when its first state is taken: every
            // successor of the level before must be in by then.
            if self.frontier.at_level_end() && self.admit_pending() {
                break;
            }
            // Out of `self` while it expands (the state is borrowed from it).
            let mut frontier = std::mem::take(&mut self.frontier);
            let Some((idx, depth, state)) = frontier.pop(&self.tree, &mut self.world) else {
                self.frontier = frontier;
                self.done = true;
                break;
            };
            budget -= 1;
            self.expand(idx, depth, state);
            self.frontier = frontier;
        }
        // Between two calls every counter is whole.
        if !self.done {
            self.admit_pending();
        }
        if !self.stopped() {
            self.stats.node_states = self.world.node_count() as u64;
        }
        self.stats.renamings = self.world.symmetry().live() as u32;
        if self.frontier.is_empty(&self.tree) && self.found.is_none() {
            self.done = true;
            self.stats.complete_depth = self.stats.max_depth;
        }
        Progress {
            stats: self.stats,
            done: self.done,
        }
    }

    fn expand(&mut self, idx: u32, depth: u32, state: &State) {
        // Breadth first: every state of depth `depth` or less was generated (and checked)
        // before the first one of them is expanded.
        self.stats.complete_depth = self.stats.complete_depth.max(depth);
        self.stats.explored += 1;
        let cuts = state.budget_cuts(&self.world);
        for (k, b) in [Bound::Crashes, Bound::Drops, Bound::Dups, Bound::Resends]
            .into_iter()
            .enumerate()
        {
            if cuts[k] {
                mark(&mut self.hit, b);
            }
        }
        let mut acts = std::mem::take(&mut self.acts);
        let mut batch = std::mem::take(&mut self.batch);
        state.actions(&self.world, &mut acts);
        // New-looking successors wait in `batch` while their seen-set slots are prefetched, and
        // are admitted in order (so the tree, and every trace, is what one-by-one admission
        // gives) once the next state's successors are computed too, which gives the prefetches
        // time to arrive; a violating successor is admitted at once, after those before it.
        let parent = state.parts_marked(&mut self.world);
        for &act in &acts {
            self.stats.generated += 1;
            // A delivery known to change nothing: its own parent, told by one bit.
            if state.quiet(&self.world, act) {
                continue;
            }
            // A timer firing a budget forbids, told without the memo.
            if let Some(b) = state.fire_cut(&self.world, act) {
                mark(&mut self.hit, b);
                continue;
            }
            // Most successors' fingerprints follow from the parent's and what the action
            // changes; those that vote, claim or execute are built and checked.
            let (fp, violation) = match state.successor_fp(&mut self.world, act, &parent) {
                Some(Ok(fp)) => (fp, None),
                Some(Err(b)) => {
                    mark(&mut self.hit, b);
                    continue;
                }
                None => {
                    // Its own parent, told cheaply (a message delivered again that changes
                    // nothing): seen, and checked, already.
                    if state.unchanged_by(&mut self.world, act) {
                        continue;
                    }
                    match state.next_into(&mut self.world, act, &mut self.scratch) {
                        Ok(v) => (self.scratch.fingerprint(&self.world), v),
                        Err(b) => {
                            mark(&mut self.hit, b);
                            continue;
                        }
                    }
                }
            };
            // Its own parent: seen (and checked) already, unless the step broke a property on
            // the way (admitted below, to be reported).
            if fp == parent.fp && violation.is_none() {
                continue;
            }
            batch.push(Candidate {
                act,
                fp,
                generated: self.stats.generated,
                hit: self.hit,
            });
            if violation.is_none() {
                self.seen.prefetch(fp);
                continue;
            }
            let now = self.expanded(idx, depth);
            if self.admit_pending() || self.admit_batch(now, &mut batch, violation) {
                break;
            }
        }
        if !self.done && !self.admit_pending() {
            // This state's successors wait for the next state's.
            std::mem::swap(&mut batch, &mut self.pending);
            self.pending_at = self.expanded(idx, depth);
        }
        batch.clear();
        self.batch = batch;
        self.acts = acts;
    }

    /// The expansion counters now, for the successors of state `idx` at `depth`.
    fn expanded(&self, idx: u32, depth: u32) -> Expanded {
        Expanded {
            idx,
            depth,
            explored: self.stats.explored,
            node_states: self.world.node_count() as u64,
        }
    }

    /// Whether the search stopped before the end of the space (a violation, a limit).
    fn stopped(&self) -> bool {
        self.found.is_some() || self.cut_by_max_states || self.cut_by_memory
    }

    /// Admits the last expanded state's successors, if they wait; `true` when the search
    /// stopped (see [`Explorer::admit_batch`]).
    fn admit_pending(&mut self) -> bool {
        if self.pending.is_empty() {
            return false;
        }
        let mut pending = std::mem::take(&mut self.pending);
        let stop = self.admit_batch(self.pending_at, &mut pending, None);
        pending.clear();
        self.pending = pending;
        stop
    }

    /// Admits the successors of the state `at` tells, waiting in `batch`, in order; the last
    /// one exposes `violation`, if any. `true` when the search stopped (a violation, the state
    /// or memory limit): the counters and bound marks are then put back to what they were when
    /// the successor that stopped it was generated, as if no later successor (and no later
    /// expansion) had been.
    fn admit_batch(
        &mut self,
        at: Expanded,
        batch: &mut Vec<Candidate>,
        violation: Option<Violation>,
    ) -> bool {
        let (idx, depth) = (at.idx, at.depth);
        let last = batch.len().wrapping_sub(1);
        let mut violation = violation;
        for (i, c) in batch.drain(..).enumerate() {
            let (tree, world) = (&self.tree, &self.world);
            let outgrows =
                |seen: &Seen| Tables { seen, tree, world }.would_outgrow(world.cfg.max_memory);
            let stop = match admit(&mut self.seen, c.fp, outgrows) {
                Admit::Seen if i == last && violation.is_some() => {
                    // A step to a state seen already (its own parent, say) that broke a
                    // property on the way, with a claim or reply no step before it made: the
                    // state was checked, this step was not. Reported at this step, whose trace
                    // is as short as any: every step of the levels before was checked first.
                    let child = self.tree.push(idx, c.act);
                    self.found = violation.take().map(|v| (child, v));
                    true
                }
                Admit::Seen => false,
                Admit::OverBudget => {
                    // A new state would grow the memory past the budget: stop with what was
                    // seen.
                    self.cut_by_memory = true;
                    true
                }
                Admit::New => {
                    let child = self.tree.push(idx, c.act);
                    self.stats.unique += 1;
                    self.stats.max_depth = self.stats.max_depth.max(depth + 1);
                    let exposed = if i == last { violation.take() } else { None };
                    if let Some(v) = exposed {
                        self.found = Some((child, v));
                        true
                    } else if self.stats.unique >= self.world.cfg.max_states {
                        self.cut_by_max_states = true;
                        true
                    } else {
                        false
                    }
                }
            };
            if stop {
                self.done = true;
                self.stats.generated = c.generated;
                self.stats.explored = at.explored;
                self.stats.node_states = at.node_states;
                self.hit = c.hit;
                return true;
            }
        }
        false
    }

    /// Bytes the search's own tables hold now (see [`Tables`]).
    pub fn memory_bytes(&self) -> u64 {
        Tables::of(self).bytes()
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The outcome so far: `Running` until [`Explorer::run`] reports `done`.
    pub fn result(&mut self) -> Outcome {
        if let Some((idx, v)) = self.found.clone() {
            let mut acts = Vec::new();
            let mut at = idx;
            while at != 0 {
                let (parent, act) = self.tree.get(at);
                acts.push(act);
                at = parent;
            }
            acts.reverse();
            let (trace, replayed) = trace::render(&mut self.world, &acts);
            return Outcome::Violation {
                violation: replayed.unwrap_or(v),
                trace,
            };
        }
        if !self.done {
            return Outcome::Running;
        }
        Outcome::NoViolation {
            complete: !self.cut_by_max_states && !self.cut_by_memory,
            bounds_hit: Bound::ALL
                .iter()
                .zip(self.hit)
                .filter(|(_, h)| *h)
                .map(|(b, _)| b.name())
                .collect(),
        }
    }

    /// One honest sentence about the result (never "proven": the search is bounded).
    pub fn summary(&mut self) -> String {
        let s = self.stats;
        let mut states = counted(s.unique, "state");
        if s.renamings > 1 {
            states.push_str(" up to renaming the commands");
        }
        if self.world.forgets() {
            states.push_str(", with settled replies forgotten");
        }
        let cfg = self.world.cfg.clone();
        match self.result() {
            Outcome::Running => {
                format!("running: {states}, complete to depth {}", s.complete_depth)
            }
            Outcome::Violation { violation, trace } => format!(
                "{} violation after {} (shortest): {}",
                violation.property,
                counted(trace.len() as u64, "step"),
                violation.message
            ),
            Outcome::NoViolation {
                complete,
                bounds_hit,
            } => {
                let within = format!(
                    "within bounds ballots {}, commands {}, resends {}, crashes {}, drops {}, dups {}, timers {}",
                    cfg.ballots, cfg.commands, cfg.resends, cfg.crashes, cfg.drops, cfg.dups, cfg.timers
                );
                let cut = if bounds_hit.is_empty() {
                    "no bound was reached: the whole state space".to_string()
                } else {
                    format!("bounds reached: {}", bounds_hit.join(", "))
                };
                if complete {
                    format!(
                        "no violation in {states} (complete to depth {} {within}; {cut})",
                        s.max_depth
                    )
                } else if self.cut_by_memory {
                    let budget = memory(cfg.max_memory);
                    format!(
                        "no violation in {states} (stopped at the memory budget of {budget}, \
                         --max-memory; complete to depth {} {within})",
                        s.complete_depth
                    )
                } else {
                    format!(
                        "no violation in {states} (stopped at --max-states {}; complete to \
                         depth {} {within})",
                        cfg.max_states, s.complete_depth
                    )
                }
            }
        }
    }
}

/// `n` things, grouped by thousands: "1 state", "3,101,155 states".
fn counted(n: u64, thing: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {thing}{s}", grouped(n))
}

/// A memory budget in the binary units `--max-memory` reads (`8G` is 8 GiB): GiB to one
/// decimal, whole MiB or MiB to one decimal (a budget of 1.4 MiB is not shown as "1 MiB"), or
/// bytes below a MiB (so that a small budget is not shown as "0 MB").
fn memory(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    if bytes >= GIB {
        format!("{:.1} GiB", bytes as f64 / GIB as f64)
    } else if bytes >= MIB {
        let mib = bytes as f64 / MIB as f64;
        if bytes.is_multiple_of(MIB) {
            format!("{mib:.0} MiB")
        } else {
            format!("{mib:.1} MiB")
        }
    } else {
        counted(bytes, "byte")
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod settled_tests;

#[cfg(test)]
mod memory_tests;
