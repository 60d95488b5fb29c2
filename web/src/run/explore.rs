//! The explorer in the page: `fpaxos explore` over the scenario's cluster (the real
//! `fpaxos::Node`, breadth first), run in a Web Worker of its own so the page never waits on
//! it. The page posts an [`Ask`]; the worker answers with [`News`]: progress about ten times a
//! second, then one `Done`. Cancelling terminates the worker (the search holds its whole state
//! space in the worker's memory, so nothing is worth keeping).
//!
//! **Invariant**: the search is the CLI's ([`Explorer`] with the same configuration), and so
//! is its wording ([`Explorer::summary`]): the page never claims more than the bounds checked.

use fpaxos::quorum::QuorumSpec;
use fpaxos_explore::{ExploreConfig, Explorer, Network, Outcome, Stats, MAX_NODES};
use fpaxos_sim::Scenario;
use serde::{Deserialize, Serialize};

/// Most unique states a search in the page may keep: each costs about 45 to 55 bytes (a
/// fingerprint in the seen set and a search-tree entry, with the tables' doubling), so 10 M
/// is about 0.5 GB (530 MB of max RSS natively for `--ballots 2 --commands 2`).
pub(crate) const MAX_PAGE_STATES: u64 = 10_000_000;
/// Unique states expanded between two looks at the clock.
const CHUNK: u64 = 2_048;
/// Wall ms between two progress reports.
const REPORT_MS: f64 = 100.0;

/// The search's bounds the page lets the user choose (the rest comes from the scenario).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Bounds {
    /// Most elections (ballots) started in the whole run.
    pub(crate) ballots: u32,
    /// Client commands.
    pub(crate) commands: u32,
    /// Most resends of a submitted command (they explore client sessions, when on).
    pub(crate) resends: u32,
    /// Most crashes.
    pub(crate) crashes: u32,
    /// Most heartbeat and retransmit firings.
    pub(crate) timers: u32,
    /// Stop after this many unique states.
    pub(crate) max_states: u64,
    /// The network as a multiset: a delivery consumes its copy, and drops and duplicates are
    /// actions of their own, bounded by `drops` and `dups` (otherwise the set of every message
    /// sent, which any delivery may repeat).
    pub(crate) multiset: bool,
    /// Multiset network: most messages dropped.
    pub(crate) drops: u32,
    /// Multiset network: most messages duplicated.
    pub(crate) dups: u32,
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds {
            ballots: 2,
            commands: 2,
            resends: 0,
            crashes: 0,
            timers: 0,
            max_states: 1_000_000,
            multiset: false,
            drops: 0,
            dups: 0,
        }
    }
}

/// What the page asks a worker to explore.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Ask {
    nodes: usize,
    quorum: QuorumSpec,
    thrifty: bool,
    check_quorum: bool,
    pre_vote: bool,
    sessions: bool,
    bounds: Bounds,
}

impl Ask {
    /// The scenario's cluster (size, quorums, thrifty, check-quorum, pre-vote, client sessions)
    /// within `bounds`,
    /// or why it cannot be explored here.
    pub(crate) fn of(s: &Scenario, bounds: Bounds) -> Result<Ask, Vec<String>> {
        let ask = Ask {
            nodes: s.cluster.nodes as usize,
            quorum: s.cluster.quorum.clone(),
            thrifty: s.cluster.thrifty,
            check_quorum: s.cluster.check_quorum,
            pre_vote: s.cluster.pre_vote,
            sessions: s.cluster.sessions,
            bounds,
        };
        let mut errs = Vec::new();
        if ask.nodes > MAX_NODES {
            errs.push(format!(
                "The explorer visits every interleaving, so it takes clusters of at most \
                 {MAX_NODES} nodes; this scenario has {}. Set Nodes to {MAX_NODES} or fewer.",
                ask.nodes
            ));
        }
        if bounds.max_states == 0 || bounds.max_states > MAX_PAGE_STATES {
            errs.push(format!(
                "Max states must be between 1 and {MAX_PAGE_STATES} in the page (about 45 \
                 bytes each); `fpaxos explore` on the command line takes more."
            ));
        }
        if errs.is_empty() {
            ask.config().map(|_| ask)
        } else {
            Err(errs)
        }
    }

    /// The same search on the command line.
    pub(crate) fn cli_command(&self) -> String {
        let b = self.bounds;
        let mut cmd = format!("fpaxos explore --nodes {}", self.nodes);
        if let Some(q) = self.quorum.to_cli() {
            cmd += &format!(" --quorum {q}");
        }
        cmd += &format!(
            " --ballots {} --commands {} --resends {} --crashes {} --timers {} --max-states {}",
            b.ballots, b.commands, b.resends, b.crashes, b.timers, b.max_states
        );
        if b.multiset {
            cmd += &format!(" --multiset --drops {} --dups {}", b.drops, b.dups);
        }
        for (on, flag) in [
            (self.thrifty, " --thrifty"),
            (!self.check_quorum, " --no-check-quorum"),
            (self.pre_vote, " --pre-vote"),
            (self.sessions, " --sessions"),
        ] {
            if on {
                cmd += flag;
            }
        }
        cmd
    }

    /// The explorer's configuration, validated by the explorer itself.
    fn config(&self) -> Result<ExploreConfig, Vec<String>> {
        let b = self.bounds;
        let cfg = ExploreConfig {
            nodes: self.nodes,
            quorum: self.quorum.clone(),
            ballots: b.ballots,
            commands: b.commands,
            resends: b.resends,
            crashes: b.crashes,
            timers: b.timers,
            max_states: b.max_states,
            // Drops and duplicates are actions of the multiset network only.
            network: if b.multiset {
                Network::Multiset
            } else {
                Network::Set
            },
            drops: if b.multiset { b.drops } else { 0 },
            dups: if b.multiset { b.dups } else { 0 },
            thrifty: self.thrifty,
            check_quorum: self.check_quorum,
            pre_vote: self.pre_vote,
            sessions: self.sessions,
            ..ExploreConfig::default()
        };
        // The explorer's own checks (cluster size, bound limits, the quorum system), without
        // building a search: the page's wasm keeps none of the search code.
        cfg.quorums().map(|_| cfg)
    }
}

/// How a finished search came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Verdict {
    /// A safety violation, with the shortest trace.
    Violation,
    /// Every state within the bounds was explored: no violation there.
    Complete,
    /// Stopped at the state limit: no violation in the states seen.
    Bounded,
}

/// What the worker reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum News {
    /// The search so far, `ms` wall milliseconds after it started.
    Progress {
        /// The counters.
        stats: Stats,
        /// Wall ms since the start.
        ms: f64,
    },
    /// The search ended.
    Done {
        /// The counters.
        stats: Stats,
        /// Wall ms since the start.
        ms: f64,
        /// How it came out.
        verdict: Verdict,
        /// The explorer's own sentence about the result.
        summary: String,
        /// What the search checked, and that liveness was not ([`ExploreConfig::checked`]).
        checked: String,
        /// The shortest counterexample's steps, one line each (empty without a violation).
        steps: Vec<String>,
        /// The counterexample as a scenario whose schedule replays it in the simulator, or why
        /// it could not be written as one.
        #[serde(with = "super::wire::value")]
        scenario: Option<Result<Box<Scenario>, String>>,
    },
    /// The ask could not be explored (or the worker could not read it).
    Refused(Vec<String>),
}

/// The worker's side: runs the search to its end, posting progress every [`REPORT_MS`] of
/// `clock` (wall ms) and the result last. Native tests drive it with a fake clock.
pub(crate) fn search(ask: &Ask, clock: &dyn Fn() -> f64, post: &mut dyn FnMut(News)) {
    let mut ex = match ask.config().and_then(Explorer::new) {
        Ok(ex) => ex,
        Err(errs) => return post(News::Refused(errs)),
    };
    let start = clock();
    let mut last = start;
    loop {
        let p = ex.run(CHUNK);
        let now = clock();
        if p.done {
            return post(done(&mut ex, now - start));
        }
        if now - last >= REPORT_MS {
            last = now;
            post(News::Progress {
                stats: p.stats,
                ms: now - start,
            });
        }
    }
}

fn done(ex: &mut Explorer, ms: f64) -> News {
    let summary = ex.summary();
    let checked = ex.config().checked();
    let (verdict, steps, scenario) = match ex.result() {
        Outcome::Violation { trace, .. } => {
            let actions: Vec<_> = trace.iter().map(|s| s.action.clone()).collect();
            let scenario = fpaxos_explore::to_scenario(ex.config(), &actions).map(Box::new);
            let steps = trace.into_iter().map(|s| s.text).collect();
            (Verdict::Violation, steps, Some(scenario))
        }
        Outcome::NoViolation { complete: true, .. } => (Verdict::Complete, Vec::new(), None),
        Outcome::NoViolation { .. } | Outcome::Running => (Verdict::Bounded, Vec::new(), None),
    };
    News::Done {
        stats: ex.stats(),
        ms,
        verdict,
        summary,
        checked,
        steps,
        scenario,
    }
}

/// The page's side: one search in its own worker, dropped (and the worker terminated) when the
/// user cancels or starts another.
#[cfg(target_arch = "wasm32")]
pub(crate) use web::Session;

#[cfg(target_arch = "wasm32")]
mod web {
    use super::{Ask, News};
    use crate::run::pool::{start_worker, READY};
    use wasm_bindgen::JsValue;
    use web_sys::Worker;

    /// A search running in a worker of its own.
    pub(crate) struct Session {
        worker: Worker,
    }

    impl Session {
        /// Starts a worker, posts `ask` once it is ready, and calls `on_news` with every report
        /// (a worker that fails to start or crashes, e.g. out of memory, is reported as
        /// [`News::Refused`]).
        pub(crate) fn start(ask: Ask, on_news: impl Fn(News) + 'static) -> Result<Session, String> {
            let on_news = std::rc::Rc::new(on_news);
            let worker_cell = std::rc::Rc::new(std::cell::RefCell::new(None::<Worker>));
            let on_msg = {
                let (on_news, cell) = (on_news.clone(), worker_cell.clone());
                move |data: JsValue| {
                    if data.as_string().as_deref() == Some(READY) {
                        if let Some(w) = cell.borrow().as_ref() {
                            if let Err(e) = post(w, &ask) {
                                on_news(News::Refused(vec![e]));
                            }
                        }
                        return;
                    }
                    on_news(
                        serde_wasm_bindgen::from_value::<News>(data).unwrap_or_else(|e| {
                            News::Refused(vec![format!("unreadable report: {e}")])
                        }),
                    );
                }
            };
            let on_err = move || {
                on_news(News::Refused(vec![
                    "The search's worker stopped (most likely out of memory): lower Max states \
                     or the bounds, or run `fpaxos explore` on the command line."
                        .into(),
                ]))
            };
            let worker = start_worker(on_msg, on_err).map_err(|e| {
                format!("The explorer needs a Web Worker, which could not start: {e:?}")
            })?;
            *worker_cell.borrow_mut() = Some(worker.clone());
            Ok(Session { worker })
        }
    }

    fn post(w: &Worker, ask: &Ask) -> Result<(), String> {
        let ser =
            serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
        let msg = serde::Serialize::serialize(
            &super::Message {
                explore: ask.clone(),
            },
            &ser,
        )
        .map_err(|e| format!("could not send the search: {e}"))?;
        w.post_message(&msg)
            .map_err(|e| format!("could not send the search: {e:?}"))
    }

    impl Drop for Session {
        fn drop(&mut self) {
            self.worker.terminate();
        }
    }
}

/// The message the page posts (an object, so the worker tells it from a pool job's array).
#[cfg(target_arch = "wasm32")]
#[derive(Serialize, Deserialize)]
pub(crate) struct Message {
    /// The search.
    pub(crate) explore: Ask,
}

#[cfg(test)]
mod tests {
    use super::*;
    use fpaxos_explore::MAX_BUDGET;
    use std::cell::Cell;

    fn scenario(nodes: u32, quorum: QuorumSpec) -> Scenario {
        let mut s = Scenario::default();
        s.cluster.nodes = nodes;
        s.cluster.quorum = quorum;
        s
    }

    fn run(ask: &Ask) -> Vec<News> {
        // A fake clock 60 ms further on at each reading: a progress report every other chunk.
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 60.0);
            t.get()
        };
        let mut got = Vec::new();
        search(ask, &clock, &mut |n| got.push(n));
        got
    }

    #[test]
    fn finds_the_split_brain_of_non_intersecting_quorums_like_the_cli() {
        let mut s = scenario(4, QuorumSpec::Counting { q1: 2, q2: 2 });
        s.cluster.thrifty = true;
        let ask = Ask::of(&s, Bounds::default()).expect("explorable");
        let news = run(&ask);
        let Some(News::Done {
            verdict,
            summary,
            steps,
            stats,
            ..
        }) = news.last().cloned()
        else {
            panic!("no Done: {news:?}")
        };
        assert_eq!(verdict, Verdict::Violation, "{summary}");
        assert!(
            summary.starts_with("agreement violation after"),
            "{summary}"
        );
        assert_eq!(steps.len(), 10, "the known shortest split brain: {steps:?}");
        // The counterexample, as a scenario, replays in the simulator to the same violation.
        let Some(News::Done {
            scenario: Some(Ok(s)),
            ..
        }) = news.last()
        else {
            panic!("no counterexample scenario")
        };
        let r = fpaxos_sim::run(s).expect("the counterexample scenario validates");
        assert!(!r.safety.ok, "the replay shows the violation");
        assert_eq!(r.schedule_error, None);
        // The CLI's explorer with the same configuration says the same.
        let mut cli = Explorer::new(ask.config().unwrap()).unwrap();
        while !cli.run(1 << 16).done {}
        assert_eq!(cli.summary(), summary);
        assert_eq!(cli.stats(), stats);
        assert_eq!(
            ask.cli_command(),
            "fpaxos explore --nodes 4 --quorum 2,2 --ballots 2 --commands 2 --resends 0 \
             --crashes 0 --timers 0 --max-states 1000000 --thrifty"
        );
        assert!(
            news.iter()
                .any(|n| matches!(n, News::Progress { stats, .. } if stats.unique > 0)),
            "progress was reported before the end"
        );
    }

    /// The multiset network, with its drops and duplicates, reaches the search and the command;
    /// drops and duplicates count only there. Its split brain replays in the simulator.
    #[test]
    fn the_multiset_network_reaches_the_search_and_the_command() {
        let mut s = scenario(4, QuorumSpec::Counting { q1: 2, q2: 2 });
        s.cluster.thrifty = true;
        let set = Bounds {
            drops: 2,
            dups: 1,
            ..Bounds::default()
        };
        let cfg = Ask::of(&s, set).unwrap().config().unwrap();
        assert_eq!((cfg.network, cfg.drops, cfg.dups), (Network::Set, 0, 0));
        assert!(!Ask::of(&s, set)
            .unwrap()
            .cli_command()
            .contains("--multiset"));
        let multiset = Bounds {
            multiset: true,
            ..set
        };
        let ask = Ask::of(&s, multiset).unwrap();
        let cfg = ask.config().unwrap();
        assert_eq!(
            (cfg.network, cfg.drops, cfg.dups),
            (Network::Multiset, 2, 1)
        );
        assert!(
            ask.cli_command()
                .contains(" --max-states 1000000 --multiset --drops 2 --dups 1 --thrifty"),
            "{}",
            ask.cli_command()
        );
        let Some(News::Done {
            verdict,
            summary,
            steps,
            stats,
            scenario: Some(Ok(replay)),
            ..
        }) = run(&ask).pop()
        else {
            panic!("no counterexample")
        };
        assert_eq!(verdict, Verdict::Violation, "{summary}");
        assert_eq!(steps.len(), 10, "{steps:?}");
        let r = fpaxos_sim::run(&replay).expect("the counterexample scenario validates");
        assert!(!r.safety.ok, "the replay shows the violation");
        assert_eq!(r.schedule_error, None);
        let mut cli = Explorer::new(cfg).unwrap();
        while !cli.run(1 << 16).done {}
        assert_eq!((cli.summary(), cli.stats()), (summary, stats));
        // The set network's search of the same cluster is another one.
        let Some(News::Done {
            stats: set_stats, ..
        }) = run(&Ask::of(&s, set).unwrap()).pop()
        else {
            panic!()
        };
        assert_ne!(set_stats, stats);
        let too_many = Bounds {
            drops: MAX_BUDGET + 1,
            ..multiset
        };
        let errs = Ask::of(&s, too_many).unwrap_err();
        assert!(errs.iter().any(|e| e.contains("--drops")), "{errs:?}");
    }

    /// The scenario's client sessions and the Resends bound reach the search and the command.
    #[test]
    fn sessions_and_resends_reach_the_search() {
        let mut s = scenario(3, QuorumSpec::Majority);
        s.cluster.sessions = true;
        let bounds = Bounds {
            resends: 1,
            ..Bounds::default()
        };
        let ask = Ask::of(&s, bounds).unwrap();
        let cfg = ask.config().unwrap();
        assert!(cfg.sessions);
        assert_eq!(cfg.resends, 1);
        let cli = ask.cli_command();
        assert!(
            cli.contains(" --resends 1 ") && cli.ends_with(" --sessions"),
            "{cli}"
        );
        s.cluster.sessions = false;
        let ask = Ask::of(&s, Bounds::default()).unwrap();
        assert!(!ask.config().unwrap().sessions);
        assert!(!ask.cli_command().contains("--sessions"));
        let too_many = Bounds {
            resends: 9,
            ..Bounds::default()
        };
        let errs = Ask::of(&s, too_many).unwrap_err();
        assert!(errs.iter().any(|e| e.contains("--resends")), "{errs:?}");
    }

    #[test]
    fn a_complete_search_says_so_within_its_bounds_and_a_cut_one_says_bounded() {
        let s = scenario(3, QuorumSpec::Majority);
        let small = Bounds {
            ballots: 1,
            commands: 1,
            ..Bounds::default()
        };
        let Some(News::Done {
            verdict,
            summary,
            checked,
            ..
        }) = run(&Ask::of(&s, small).unwrap()).pop()
        else {
            panic!()
        };
        assert_eq!(verdict, Verdict::Complete);
        assert!(summary.starts_with("no violation in"), "{summary}");
        assert!(summary.contains("complete to depth"), "{summary}");
        assert!(!summary.contains("proven"), "{summary}");
        // What "no violation" covers: safety, and not liveness.
        assert!(
            checked.contains("agreement") && checked.contains("Not checked: liveness"),
            "{checked}"
        );
        let cut = Bounds {
            max_states: 500,
            ..Bounds::default()
        };
        let Some(News::Done {
            verdict, summary, ..
        }) = run(&Ask::of(&s, cut).unwrap()).pop()
        else {
            panic!()
        };
        assert_eq!(verdict, Verdict::Bounded);
        assert!(summary.contains("stopped at --max-states 500"), "{summary}");
    }

    #[test]
    fn clusters_and_bounds_it_cannot_explore_are_refused_with_a_reason() {
        let big = Ask::of(&scenario(7, QuorumSpec::Majority), Bounds::default()).unwrap_err();
        assert!(big[0].contains("at most 5 nodes"), "{big:?}");
        let huge = Bounds {
            max_states: MAX_PAGE_STATES + 1,
            ..Bounds::default()
        };
        let e = Ask::of(&scenario(3, QuorumSpec::Majority), huge).unwrap_err();
        assert!(e[0].contains("Max states"), "{e:?}");
        let absurd = Bounds {
            ballots: 1_000_000,
            ..Bounds::default()
        };
        assert!(Ask::of(&scenario(3, QuorumSpec::Majority), absurd).is_err());
    }
}
