//! The explorer on the targets of issue 10, at sizes a debug build checks in seconds: a safe
//! cluster explored to completion, unsafe quorums and both planted safety bugs found, and every
//! counterexample replayed on fresh nodes. Each "found" test has a twin that must find nothing
//! (the same bounds with safe quorums or without the bug), so neither kind passes vacuously.

use fpaxos::{PlantedBug, QuorumSpec};
use fpaxos_explore::{replay, to_scenario, Action, ExploreConfig, Explorer, Network, Outcome};
use fpaxos_sim::Sim;

fn explore(cfg: ExploreConfig) -> (Explorer, Outcome) {
    let mut ex = Explorer::new(cfg).expect("valid config");
    while !ex.run(10_000).done {}
    let out = ex.result();
    (ex, out)
}

fn cfg(nodes: usize, quorum: QuorumSpec, ballots: u32, commands: u32) -> ExploreConfig {
    ExploreConfig {
        nodes,
        quorum,
        ballots,
        commands,
        thrifty: true,
        ..ExploreConfig::default()
    }
}

/// A violation is found, and its trace, replayed on fresh nodes, reaches the same violation at
/// its last step (and at no earlier step); as a scenario, the simulator replays it to the same
/// violation. Returns the trace length.
fn found_and_replays(cfg: ExploreConfig) -> usize {
    let (mut ex, out) = explore(cfg.clone());
    let Outcome::Violation { violation, trace } = out else {
        panic!("no violation found: {}", ex.summary());
    };
    let actions: Vec<Action> = trace.iter().map(|s| s.action.clone()).collect();
    let replayed = replay(&cfg, &actions).expect("the trace replays");
    assert_eq!(replayed, Some((trace.len(), violation.clone())));
    simulator_replays(&cfg, &actions, &violation);
    trace.len()
}

/// The trace as a scenario: the simulator replays every step and its checker reports the
/// explorer's violation (same property, same slot), first; without the planted bug the run
/// is safe.
fn simulator_replays(cfg: &ExploreConfig, actions: &[Action], v: &fpaxos_explore::Violation) {
    let scenario = to_scenario(cfg, actions).expect("the trace converts");
    let steps = scenario.schedule.as_ref().map_or(0, |s| s.steps.len());
    assert_eq!(steps, actions.len());
    // Through JSON, as `fpaxos explore --scenario-out` writes it and `fpaxos run` reads it.
    let scenario = fpaxos_sim::Scenario::from_json(&scenario.to_json_pretty()).expect("reads");
    let checked = scenario.check().expect("the scenario is valid");
    let report = Sim::with_planted(checked.clone(), cfg.planted).run_to_end();
    assert_eq!(report.schedule_error, None);
    let first = report.safety.violations.first().expect("a violation");
    assert_eq!(
        (first.kind.name(), first.slot),
        (v.property, v.slot),
        "{first:?}"
    );
    assert_eq!(report.sim.simulated_ms, (steps + 1) as f64);
    if cfg.planted.is_some() {
        // Without the bug the run is safe: it leaves the trace (a message it names is not in
        // flight), or follows it with other values in its messages.
        let clean = Sim::new(checked).run_to_end();
        assert!(clean.safety.ok, "{clean:?}");
    }
}

/// No violation, and the search ran to completion within its bounds.
fn complete_without_violation(cfg: ExploreConfig) -> u64 {
    let (mut ex, out) = explore(cfg);
    match out {
        Outcome::NoViolation { complete: true, .. } => ex.stats().unique,
        _ => panic!(
            "expected a complete search without violation: {}",
            ex.summary()
        ),
    }
}

#[test]
fn safe_majority_completes_without_violation() {
    let states = complete_without_violation(cfg(3, QuorumSpec::Majority, 2, 1));
    // The exact counts (docs/explore.md): a change of the node or of the model moves them, and
    // so does a state fingerprint that stops seeing a field (fewer states: some were merged).
    assert_eq!(states, 3_585, "unique states of the thrifty N = 3 search");
    let kept = complete_without_violation(ExploreConfig {
        forget_settled: false,
        ..cfg(3, QuorumSpec::Majority, 2, 1)
    });
    assert_eq!(kept, 52_153, "the same, keeping settled replies");
    let plain = ExploreConfig {
        commands: 0,
        ..ExploreConfig::default()
    };
    complete_without_violation(plain);
}

/// The target: N = 3, majority, two ballots and two commands, without thrifty sends,
/// to the end with no violation (docs/explore.md; 3.1 M states in about 10 s, release).
#[test]
fn two_ballots_and_two_commands_on_three_nodes_complete() {
    let states = complete_without_violation(ExploreConfig {
        max_states: 10_000_000,
        ..ExploreConfig::default()
    });
    assert_eq!(states, 3_101_155);
}

/// Forgetting settled replies keeps every verdict and the length of every shortest
/// counterexample, and keeps fewer states (the checks that make it sound:
/// `settled_replies_stay_settled` in `src/search/settled_tests.rs`).
#[test]
fn forgetting_settled_replies_keeps_verdicts_and_shortest_traces() {
    let mut planted = cfg(3, QuorumSpec::Majority, 3, 1);
    planted.planted = Some(PlantedBug::AcceptBelowPromise);
    planted.thrifty = false;
    let cases = [
        cfg(3, QuorumSpec::Majority, 2, 1),
        ExploreConfig {
            crashes: 1,
            ..cfg(3, QuorumSpec::Majority, 2, 1)
        },
        ExploreConfig {
            ballots: 2,
            commands: 0,
            ..ExploreConfig::default()
        },
        cfg(4, QuorumSpec::Counting { q1: 2, q2: 2 }, 2, 2),
        ExploreConfig {
            nodes: 4,
            quorum: QuorumSpec::Counting { q1: 2, q2: 2 },
            ..ExploreConfig::default()
        },
        planted,
        // The multiset network forgets them too (2026-12-06): every copy, a delivery that
        // consumed one aside.
        ExploreConfig {
            network: Network::Multiset,
            drops: 1,
            dups: 1,
            ..cfg(3, QuorumSpec::Majority, 2, 1)
        },
        ExploreConfig {
            network: Network::Multiset,
            crashes: 1,
            ..cfg(3, QuorumSpec::Majority, 2, 1)
        },
        ExploreConfig {
            network: Network::Multiset,
            planted: Some(PlantedBug::AcceptBelowPromise),
            ..cfg(3, QuorumSpec::Majority, 2, 1)
        },
    ];
    for c in cases {
        let (mut forget, forget_out) = explore(c.clone());
        let (mut keep, keep_out) = explore(ExploreConfig {
            forget_settled: false,
            ..c.clone()
        });
        let (f, k) = (forget.stats(), keep.stats());
        match (&forget_out, &keep_out) {
            (
                Outcome::NoViolation { complete: a, .. },
                Outcome::NoViolation { complete: b, .. },
            ) => {
                assert!(*a && *b, "{}", forget.summary());
                assert!(f.unique < k.unique, "{f:?} {k:?}");
                assert!(forget.summary().contains("with settled replies forgotten"));
                assert!(!keep.summary().contains("settled"));
            }
            (Outcome::Violation { trace: a, .. }, Outcome::Violation { trace: b, .. }) => {
                assert_eq!(
                    a.len(),
                    b.len(),
                    "shortest either way: {}",
                    forget.summary()
                );
                assert!(f.unique <= k.unique, "{f:?} {k:?}");
                found_and_replays(c.clone());
            }
            _ => panic!("{} against {}", forget.summary(), keep.summary()),
        }
    }
}

/// A search that would outgrow its memory budget stops with a bounded result that says so,
/// within the budget; a budget it never reaches changes nothing.
#[test]
fn a_memory_budget_stops_the_search_with_a_bounded_result() {
    // Keeping settled replies, the search is large enough to meet the budgets below.
    let cfg = |nodes, quorum, ballots, commands| ExploreConfig {
        forget_settled: false,
        ..cfg(nodes, quorum, ballots, commands)
    };
    let full = complete_without_violation(cfg(3, QuorumSpec::Majority, 2, 1));
    let roomy = complete_without_violation(ExploreConfig {
        max_memory: 1 << 30,
        ..cfg(3, QuorumSpec::Majority, 2, 1)
    });
    assert_eq!(roomy, full);
    let budget = 1 << 20;
    let (mut ex, out) = explore(ExploreConfig {
        max_memory: budget,
        ..cfg(3, QuorumSpec::Majority, 2, 1)
    });
    let summary = ex.summary();
    assert!(
        matches!(
            out,
            Outcome::NoViolation {
                complete: false,
                ..
            }
        ),
        "{summary}"
    );
    let seen = ex.stats().unique;
    assert!(
        seen > 1_000 && seen < full,
        "{seen} of {full} states: {summary}"
    );
    assert!(ex.memory_bytes() <= budget, "{} bytes", ex.memory_bytes());
    // Budgets that stop the search at other tables' growth, the seen set's doubling among
    // them (a duplicate offered to a full set must not grow it either).
    for budget in (0..24).map(|k| (200_000.0 * 1.15f64.powi(k)) as u64) {
        let (ex, _) = explore(ExploreConfig {
            max_memory: budget,
            ..cfg(3, QuorumSpec::Majority, 2, 1)
        });
        assert!(
            ex.memory_bytes() <= budget,
            "{} bytes over a budget of {budget}",
            ex.memory_bytes()
        );
    }
    assert!(
        summary.contains("stopped at the memory budget of 1 MiB")
            && summary.contains(&format!(
                "no violation in {} states",
                fpaxos_sim::number::grouped(seen)
            )),
        "{summary}"
    );
}

#[test]
fn non_intersecting_quorums_of_four_are_found_unsafe_and_the_trace_replays() {
    let steps = found_and_replays(cfg(4, QuorumSpec::Counting { q1: 2, q2: 2 }, 2, 2));
    // Two leaders, each with a Q1 of two and a value accepted by a disjoint Q2 of two.
    assert_eq!(steps, 10);
}

#[test]
fn non_intersecting_quorums_of_two_are_found_unsafe_and_majorities_are_not() {
    // Q1 = Q2 = 1 of 2: each node elects itself and chooses its own command.
    let steps = found_and_replays(cfg(2, QuorumSpec::Counting { q1: 1, q2: 1 }, 2, 2));
    assert_eq!(steps, 4);
    complete_without_violation(cfg(2, QuorumSpec::Majority, 2, 1));
}

#[test]
fn a_trace_that_does_not_fit_the_model_is_refused() {
    let c = cfg(3, QuorumSpec::Majority, 1, 1);
    let bogus = [Action::Timer {
        node: 0,
        timer: fpaxos::Timer::Heartbeat,
    }];
    assert!(replay(&c, &bogus).is_err());
    assert_eq!(replay(&c, &[]), Ok(None));
}

#[test]
fn planted_accept_below_promise_is_found() {
    let base = cfg(3, QuorumSpec::Majority, 2, 1);
    let steps = found_and_replays(ExploreConfig {
        planted: Some(PlantedBug::AcceptBelowPromise),
        ..base.clone()
    });
    assert!(steps <= 10, "{steps} steps");
    complete_without_violation(base);
}

#[test]
fn planted_reply_before_chosen_is_found() {
    // The leader is elected, gets the command, and says "done" before anyone accepts it.
    let base = cfg(3, QuorumSpec::Majority, 1, 1);
    let steps = found_and_replays(ExploreConfig {
        planted: Some(PlantedBug::ReplyBeforeChosen),
        ..base.clone()
    });
    assert_eq!(steps, 4);
    complete_without_violation(base);
}

/// Resends explore client sessions: with the planted sessions-before-chosen bug a leader
/// records a command when it proposes it, so it answers the command's resend "done" before any
/// value holding it is chosen; without a resend, it skips its own command as a repeat when it
/// executes it (the session check). The twins find nothing: sessions without the bug, and the
/// bug without sessions (it is inert then).
#[test]
fn resends_explore_client_sessions_and_find_an_early_record() {
    let base = ExploreConfig {
        sessions: true,
        resends: 1,
        ..cfg(3, QuorumSpec::Majority, 1, 1)
    };
    let planted = Some(PlantedBug::SessionsBeforeChosen);
    // Elected (three steps), then the command and its resend, answered at once.
    let steps = found_and_replays(ExploreConfig {
        planted,
        ..base.clone()
    });
    assert_eq!(steps, 5);
    let (_, out) = explore(ExploreConfig {
        planted,
        ..base.clone()
    });
    let Outcome::Violation { violation, trace } = out else {
        unreachable!("found above")
    };
    assert_eq!(violation.property, "reply");
    assert_eq!(trace[4].kind, "resend");
    assert_eq!(trace[4].text, "client 0 resends c0#1 to node 0");
    // As a scenario: its last step is a resend, which only a version-3 link carries.
    let actions: Vec<Action> = trace.iter().map(|s| s.action.clone()).collect();
    let scenario = to_scenario(&base, &actions).expect("converts");
    assert!(scenario.cluster.sessions);
    let last = scenario.schedule.as_ref().and_then(|s| s.steps.last());
    assert_eq!(
        last,
        Some(&fpaxos_sim::scenario::Step::Resend { node: 0, client: 0 })
    );
    let sessions = complete_without_violation(base.clone());
    complete_without_violation(ExploreConfig {
        planted,
        sessions: false,
        ..base.clone()
    });
    // Without a resend: elected, the command, its accept and vote, and the leader skips it.
    let steps = found_and_replays(ExploreConfig {
        planted,
        resends: 0,
        ..base.clone()
    });
    assert_eq!(steps, 6);
    // A resend is a real action: the search with one has more states than without.
    let without = complete_without_violation(ExploreConfig {
        resends: 0,
        ..base.clone()
    });
    assert!(sessions > without, "{sessions} against {without}");
    // Two commands, two ballots and a resend with sessions, to the end (docs/explore.md).
    let states = complete_without_violation(ExploreConfig {
        sessions: true,
        resends: 1,
        ..cfg(3, QuorumSpec::Majority, 2, 2)
    });
    assert_eq!(states, 521_609);
}

/// A node that never skips a command chosen twice (planted `sessions-no-skip`): the resend of
/// a command still in flight takes a second slot, both copies are chosen, and the leader
/// applies the second again. The explorer's session check finds it, and the simulator's
/// replays it (its checker holds each first execution to the sessions record of the agreed
/// log). Inert without sessions, and without a resend no command is chosen twice.
#[test]
fn a_node_that_applies_a_repeat_again_is_found_and_replays() {
    let base = ExploreConfig {
        sessions: true,
        resends: 1,
        thrifty: true,
        ..cfg(3, QuorumSpec::Majority, 1, 1)
    };
    let planted = Some(PlantedBug::SessionsNoSkip);
    let with = |c: &ExploreConfig| ExploreConfig {
        planted,
        ..c.clone()
    };
    // Elected (three steps), the command, its Accept, the resend, the first vote, and the
    // second copy's Accept and vote.
    assert_eq!(found_and_replays(with(&base)), 9);
    let (_, out) = explore(with(&base));
    let Outcome::Violation { violation, .. } = out else {
        unreachable!("found above")
    };
    assert_eq!((violation.property, violation.slot), ("session", 1));
    complete_without_violation(ExploreConfig {
        sessions: false,
        ..with(&base)
    });
    complete_without_violation(ExploreConfig {
        resends: 0,
        ..with(&base)
    });
}

/// The bounds say when a resend was cut off: with none allowed, a submitted command could
/// have been resent, and the summary lists the bound.
#[test]
fn a_search_without_resends_says_the_resend_bound_was_reached() {
    let (mut ex, _) = explore(cfg(3, QuorumSpec::Majority, 1, 1));
    let summary = ex.summary();
    assert!(summary.contains("resends 0"), "{summary}");
    assert!(
        summary.contains("bounds reached:") && summary.contains("resends)"),
        "{summary}"
    );
    // No command, nothing to resend: not a bound reached.
    let (mut ex, _) = explore(cfg(3, QuorumSpec::Majority, 1, 0));
    let summary = ex.summary();
    assert!(
        !summary.contains("resends)") && !summary.contains("resends,"),
        "{summary}"
    );
}

#[test]
fn planted_accept_below_promise_is_found_with_a_multiset_network() {
    found_and_replays(ExploreConfig {
        planted: Some(PlantedBug::AcceptBelowPromise),
        network: Network::Multiset,
        ..cfg(3, QuorumSpec::Majority, 2, 1)
    });
}

#[test]
fn planted_bugs_are_off_by_default() {
    assert_eq!(ExploreConfig::default().planted, None);
    for b in PlantedBug::ALL {
        assert_eq!(PlantedBug::parse(b.name()), Some(b));
    }
    assert_eq!(
        PlantedBug::parse("lowest-ballot-value"),
        Some(PlantedBug::LowestBallotValue)
    );
    assert_eq!(
        PlantedBug::parse("accept-below-promise"),
        Some(PlantedBug::AcceptBelowPromise)
    );
}

#[test]
fn bad_bounds_are_sentences_not_panics() {
    let errs = Explorer::new(ExploreConfig {
        nodes: 9,
        ballots: 99,
        ..ExploreConfig::default()
    })
    .err()
    .expect("refused");
    assert_eq!(errs.len(), 2, "{errs:?}");
}

/// About 1.3 million states (30 s in a release build, far longer in debug):
/// `cargo test -p fpaxos-explore --release -- --ignored`.
#[test]
#[ignore = "slow in debug builds; run with --release -- --ignored"]
fn planted_lowest_ballot_value_is_found() {
    let base = cfg(3, QuorumSpec::Majority, 3, 2);
    let steps = found_and_replays(ExploreConfig {
        planted: Some(PlantedBug::LowestBallotValue),
        ..base
    });
    // A value chosen in ballot 2, a stale one left at ballot 1, and a third leader whose Q1
    // reports both and keeps the stale one.
    assert_eq!(steps, 14);
}

/// The search admits a state's successors after it has computed the next state's (so that
/// their seen-set slots have arrived in the cache); slices of one state admit them at once,
/// as the search did before. Both must find the same states, counters and verdict: where the
/// space ends, where `--max-states` cuts it, and where a violation stops it.
#[test]
fn one_state_at_a_time_gives_the_same_search() {
    let cases = [
        cfg(3, QuorumSpec::Majority, 2, 1),
        ExploreConfig {
            max_states: 4_321,
            ..cfg(3, QuorumSpec::Majority, 2, 1)
        },
        cfg(4, QuorumSpec::Counting { q1: 2, q2: 2 }, 2, 2),
        ExploreConfig {
            planted: Some(PlantedBug::AcceptBelowPromise),
            thrifty: false,
            ..cfg(3, QuorumSpec::Majority, 2, 1)
        },
    ];
    for c in cases {
        let (mut whole, whole_out) = explore(c.clone());
        let mut sliced = Explorer::new(c.clone()).expect("valid config");
        while !sliced.run(1).done {}
        let sliced_out = sliced.result();
        assert_eq!(whole.stats(), sliced.stats(), "{c:?}");
        assert_eq!(format!("{whole_out:?}"), format!("{sliced_out:?}"), "{c:?}");
        assert_eq!(whole.summary(), sliced.summary());
    }
}

/// Symmetry reduction (one state of each pair that differ by swapping the first two commands)
/// keeps every verdict and the length of every shortest counterexample, and counts orbits:
/// by Burnside's lemma, `2 * orbits = states + states the swap fixes`, so with it the count is
/// at least half the plain count and, where the commands were ever told apart, below it.
#[test]
fn the_command_swap_keeps_verdicts_and_halves_the_states() {
    let mut planted = cfg(3, QuorumSpec::Majority, 2, 2);
    planted.planted = Some(PlantedBug::AcceptBelowPromise);
    let cases = [
        cfg(3, QuorumSpec::Majority, 1, 2),
        cfg(3, QuorumSpec::Majority, 1, 3),
        cfg(4, QuorumSpec::Counting { q1: 2, q2: 2 }, 2, 2),
        planted,
    ];
    for c in cases {
        let (mut sym, sym_out) = explore(c.clone());
        let (mut plain, plain_out) = explore(ExploreConfig {
            symmetry: false,
            ..c.clone()
        });
        let (s, p) = (sym.stats(), plain.stats());
        assert_eq!((s.renamings, p.renamings), (2, 1), "{c:?}");
        match (&sym_out, &plain_out) {
            (
                Outcome::NoViolation { complete: a, .. },
                Outcome::NoViolation { complete: b, .. },
            ) => {
                assert!(*a && *b, "{}", sym.summary());
                assert!(
                    s.unique < p.unique && 2 * s.unique >= p.unique,
                    "{s:?} {p:?}"
                );
                assert_eq!(s.max_depth, p.max_depth);
                assert!(sym.summary().contains("states up to renaming the commands"));
                assert!(!plain.summary().contains("renaming"));
            }
            (Outcome::Violation { trace: a, .. }, Outcome::Violation { trace: b, .. }) => {
                assert_eq!(a.len(), b.len(), "shortest either way: {}", sym.summary());
                assert!(s.unique <= p.unique, "{s:?} {p:?}");
                found_and_replays(c.clone());
            }
            _ => panic!("{} against {}", sym.summary(), plain.summary()),
        }
    }
}
