//! The explorer's state: successors in a reused scratch, self-loops.

use super::*;
use crate::config::ExploreConfig;

/// A successor computed in a scratch state that held another (deeper) state is the same
/// state as one computed from a fresh copy: nothing of the scratch's past leaks through.
#[test]
fn a_successor_in_a_used_scratch_equals_a_fresh_one() {
    let cfg = ExploreConfig {
        commands: 2,
        ..ExploreConfig::default()
    };
    let quorums = cfg.quorums().expect("config");
    let mut world = World::new(cfg, quorums);
    let mut level = vec![State::initial(&mut world)];
    let mut scratch = level[0].clone();
    let (mut compared, mut loops, mut quiet, mut acts) = (0, 0, 0, Vec::new());
    let mut quiet_bits = 0;
    for _ in 0..6 {
        let mut next_level = Vec::new();
        for s in &level {
            s.actions(&world, &mut acts);
            for &a in &acts {
                let Ok((fresh, v)) = s.next(&mut world, a) else {
                    continue;
                };
                let w = s
                    .next_into(&mut world, a, &mut scratch)
                    .expect("same bound");
                assert_eq!(fresh.fingerprint(&world), scratch.fingerprint(&world));
                assert_eq!(fresh.rest, fresh.rest_walked(&world), "{a:?}: the sum kept");
                assert_eq!(format!("{fresh:?}"), format!("{scratch:?}"));
                assert_eq!(v, w);
                assert!(fresh.same_as(&scratch));
                if s.quiet(&world, a) {
                    assert!(s.same_as(&fresh), "{a:?} is quiet but changed the state");
                    quiet_bits += 1;
                }
                if s.unchanged_by(&mut world, a) {
                    assert!(s.same_as(&fresh), "{a:?} changed the state");
                    quiet += 1;
                } else if let Act::Deliver(e) = a {
                    // The shortcut may only say "compute it" for a self-loop whose step claims
                    // or replies (repeating what is known): any other it must tell.
                    let to = world.env_to(e) as usize;
                    let st = world.step(s.nodes[to], Stimulus::Deliver(e));
                    let step = world.step_result(st);
                    let repeats = !step.claims.is_empty() || step.replied != 0;
                    assert!(
                        !s.same_as(&fresh) || repeats,
                        "{a:?} leads the state to itself, and the shortcut did not tell"
                    );
                }
                let same = s.fingerprint(&world) == fresh.fingerprint(&world);
                assert_eq!(s.same_as(&fresh), same, "{a:?}");
                loops += usize::from(same);
                compared += 1;
                next_level.push(fresh);
            }
        }
        level = next_level;
    }
    assert!(compared > 1000, "{compared} successors compared");
    assert!(loops > 100, "{loops} successors equal to their parent");
    assert!(quiet > 100, "{quiet} told unchanged without computing them");
    assert!(quiet_bits > 100, "{quiet_bits} told quiet by one bit");
}

/// `same_as` tells two states apart exactly when their fingerprints differ: every field
/// counts, and a chosen value's ballot and quorum do not (the fingerprint leaves them out).
#[test]
fn same_as_agrees_with_the_fingerprint_on_every_field() {
    let cfg = ExploreConfig::default();
    let quorums = cfg.quorums().expect("config");
    let mut world = World::new(cfg, quorums);
    let mut base = State::initial(&mut world);
    let mut acts = Vec::new();
    for _ in 0..3 {
        base.actions(&world, &mut acts);
        base = base.next(&mut world, acts[0]).expect("step").0;
    }
    let chosen = Chosen {
        slot: 0,
        value: 1,
        ballot: Ballot(1),
        quorum: NodeSet::single(0),
    };
    base.chosen.push(chosen);
    base.rest = base.rest_walked(&world);
    // (field, still the same state, the edit)
    type Edit = (&'static str, bool, fn(&mut State));
    let edits: Vec<Edit> = vec![
        ("nodes", false, |s| s.nodes[0] ^= 1),
        ("armed", false, |s| s.armed[0] ^= 1),
        ("crashed", false, |s| s.crashed.insert(1)),
        ("net", false, |s| s.net.push(0)),
        ("used", false, |s| s.used.timers += 1),
        ("votes", false, |s| {
            s.votes.push((0, Ballot(9), 1, NodeSet::single(2)))
        }),
        ("chosen value", false, |s| s.chosen[0].value = 2),
        ("chosen slot", false, |s| s.chosen[0].slot = 1),
        ("another chosen", false, |s| s.chosen.push(s.chosen[0])),
        ("executed", false, |s| s.executed.push((0, 1))),
        ("chosen ballot", true, |s| s.chosen[0].ballot = Ballot(7)),
        ("chosen quorum", true, |s| {
            s.chosen[0].quorum = NodeSet::single(2)
        }),
    ];
    assert!(base.same_as(&base.clone()));
    for (field, same, edit) in edits {
        let mut o = base.clone();
        edit(&mut o);
        // The edit bypasses `apply`, which keeps the sum of the network's and ghost's parts.
        o.rest = o.rest_walked(&world);
        assert_eq!(base.same_as(&o), same, "{field}");
        assert_eq!(o.same_as(&base), same, "{field}");
        // The states' own fingerprints (their keys may agree: with nothing submitted yet,
        // renaming the commands turns the chosen value 1 into 2 and nothing else).
        let fps = base.images(&world)[0] == o.images(&world)[0];
        assert_eq!(fps, same, "{field}");
    }
}

/// A successor's fingerprint computed from its parent's and the parts the action changes is
/// the fingerprint of the successor built in full, and the same bound forbids it; in both
/// networks, with crashes, drops and duplicates, at every state of the first levels.
#[test]
fn a_successor_fingerprint_from_the_parts_changed_is_the_built_ones() {
    for network in [Network::Set, Network::Multiset] {
        let multiset = u32::from(network == Network::Multiset);
        let cfg = ExploreConfig {
            commands: 2,
            crashes: 1,
            drops: multiset,
            dups: multiset,
            timers: 1,
            network,
            ..ExploreConfig::default()
        };
        let quorums = cfg.quorums().expect("config");
        let mut world = World::new(cfg, quorums);
        let mut level = vec![State::initial(&mut world)];
        let (mut fast, mut bounded, mut built, mut acts) = (0, 0, 0, Vec::new());
        let mut cuts = 0;
        let mut kinds = std::collections::BTreeSet::new();
        for _ in 0..5 {
            let mut next_level = Vec::new();
            for s in &level {
                let parts = s.parts(&world);
                let marked = s.parts_marked(&mut world);
                s.actions(&world, &mut acts);
                for &a in &acts {
                    let full = s.next(&mut world, a);
                    // The step is computed now, so a firing's elections are known.
                    if let Act::Fire(..) = a {
                        let cut = s.fire_cut(&world, a);
                        assert_eq!(cut.as_ref(), full.as_ref().err(), "{a:?}");
                        cuts += usize::from(cut.is_some());
                    }
                    // The network's membership from the world's marks, or searched.
                    let fast_fp = s.successor_fp(&mut world, a, &marked);
                    assert_eq!(fast_fp, s.successor_fp(&mut world, a, &parts), "{a:?}");
                    match fast_fp {
                        Some(Ok(fp)) => {
                            let (next, v) = full.as_ref().expect("no bound");
                            assert_eq!(fp, next.fingerprint(&world), "{a:?}");
                            assert_eq!(next.rest, next.rest_walked(&world), "{a:?}");
                            assert_eq!(*v, None);
                            kinds.insert(
                                format!("{a:?}").split('(').next().unwrap_or("").to_owned(),
                            );
                            fast += 1;
                        }
                        Some(Err(b)) => {
                            assert_eq!(full.as_ref().err(), Some(&b), "{a:?}");
                            bounded += 1;
                        }
                        None => built += 1,
                    }
                    if let Ok((next, _)) = full {
                        next_level.push(next);
                    }
                }
            }
            level = next_level;
        }
        assert!(
            fast > 1000 && bounded > 10 && built > 10 && cuts > 10,
            "{network:?}: {fast} {bounded} {built} {cuts}"
        );
        let want = if network == Network::Set { 5 } else { 7 };
        assert_eq!(kinds.len(), want, "{network:?}: {kinds:?}");
    }
}

/// Every timer firing of a search deep enough for leaders (heartbeats and retransmits, which
/// arm and disarm timers, with two firings to spend), breadth first with duplicates dropped:
/// the successor's fingerprint from the parts is the built one's. The test above stops at five
/// levels, before most leaders' timers fire.
#[test]
fn a_firings_fingerprint_from_the_parts_is_the_built_ones() {
    let cfg = ExploreConfig {
        commands: 1,
        ballots: 1,
        timers: 2,
        thrifty: true,
        ..ExploreConfig::default()
    };
    firings_compared(cfg.clone(), [1, 50, 50]);
    // A candidate that never retries its election lets its retransmit timer lapse when it
    // fires: the one firing whose step does not arm again the timer it fired.
    firings_compared(
        ExploreConfig {
            planted: Some(fpaxos::PlantedBug::NoElectionRetry),
            ..cfg
        },
        [0, 0, 10],
    );
}

/// Compares every firing of `cfg`'s search (to 60,000 states); at least `least` firings of
/// each timer (election, heartbeat, retransmit) are compared.
fn firings_compared(cfg: ExploreConfig, least: [usize; 3]) {
    let quorums = cfg.quorums().expect("config");
    let mut world = World::new(cfg, quorums);
    let init = State::initial(&mut world);
    let mut seen = std::collections::HashSet::from([init.fingerprint(&world)]);
    let mut queue = std::collections::VecDeque::from([init]);
    let (mut compared, mut acts) = (std::collections::BTreeMap::new(), Vec::new());
    while let Some(s) = queue.pop_front() {
        if seen.len() > 60_000 {
            break;
        }
        let parts = s.parts(&world);
        s.actions(&world, &mut acts);
        for &a in &acts {
            let Ok((next, _)) = s.next(&mut world, a) else {
                continue;
            };
            if let (Act::Fire(_, t), Some(Ok(fp))) = (a, s.successor_fp(&mut world, a, &parts)) {
                assert_eq!(fp, next.fingerprint(&world), "{a:?} from {s:?}");
                *compared.entry(format!("{t:?}")).or_insert(0) += 1;
            }
            if seen.insert(next.fingerprint(&world)) {
                queue.push_back(next);
            }
        }
    }
    // (Most election firings start an election, whose successor is built.)
    for (t, least) in ["Election", "Heartbeat", "Retransmit"]
        .into_iter()
        .zip(least)
    {
        let n = compared.get(t).copied().unwrap_or(0);
        assert!(n >= least, "{n} {t} firings compared: {compared:?}");
    }
}

/// State `s` with its commands renamed by renaming `g`, built field by field (the nodes and
/// envelopes through `Node::map_commands` and `Msg::map_commands`, interned).
fn renamed(world: &mut World, s: &State, g: usize) -> State {
    let nodes = s.nodes.iter().map(|&n| world.image_node(n, g)).collect();
    let mut net: Vec<u32> = s.net.iter().map(|&e| world.image_env(e, g)).collect();
    net.sort_unstable();
    let v = |x: u32| world.value_image(x, g);
    let mut votes: Vec<_> = s
        .votes
        .iter()
        .map(|&(sl, b, x, q)| (sl, b, v(x), q))
        .collect();
    votes.sort_by_key(|&(sl, b, x, _)| (sl, b, x));
    let chosen = s
        .chosen
        .iter()
        .map(|c| Chosen {
            value: v(c.value),
            ..*c
        })
        .collect();
    let executed = s.executed.iter().map(|&(sl, x)| (sl, v(x))).collect();
    let mut r = State {
        nodes,
        armed: s.armed.clone(),
        crashed: s.crashed,
        net,
        used: Used {
            submitted: world.symmetry().bits(g, s.used.submitted),
            ..s.used
        },
        votes,
        chosen,
        executed,
        rest: [0; MAX_IMAGES],
    };
    r.rest = r.rest_walked(world);
    r
}

/// Action `a` with its commands renamed by renaming `g`.
fn renamed_act(world: &mut World, a: Act, g: usize) -> Act {
    match a {
        Act::Deliver(e) => Act::Deliver(world.image_env(e, g)),
        Act::Drop(e) => Act::Drop(world.image_env(e, g)),
        Act::Dup(e) => Act::Dup(world.image_env(e, g)),
        Act::Request(id, k) => Act::Request(id, world.symmetry().command(g, k)),
        Act::Resend(id, k) => Act::Resend(id, world.symmetry().command(g, k)),
        Act::Fire(..) | Act::Crash(_) | Act::Recover(_) => a,
    }
}

/// The symmetry reduction's two premises, on every state to depth 7 of searches with two and
/// three commands (crashes and the multiset network included): each image fingerprint a state
/// keeps is the fingerprint of the state renamed field by field, and the real node code is
/// equivariant: renaming a state and an action gives the renamed successor, with the same
/// verdict. Together they make a state's key the fingerprint of a state in its orbit, and
/// every orbit's states alike (same futures, same violations).
#[test]
fn images_are_the_renamed_states_and_steps_commute_with_renaming() {
    let configs = [
        ExploreConfig::default(),
        ExploreConfig {
            commands: 3,
            ballots: 1,
            crashes: 1,
            ..ExploreConfig::default()
        },
        ExploreConfig {
            commands: 3,
            thrifty: true,
            network: crate::config::Network::Multiset,
            dups: 1,
            ..ExploreConfig::default()
        },
        // Resends with client sessions: the sessions record renames with the commands.
        ExploreConfig {
            thrifty: true,
            sessions: true,
            resends: 2,
            ..ExploreConfig::default()
        },
    ];
    for cfg in configs {
        let quorums = cfg.quorums().expect("config");
        let mut world = World::new(cfg, quorums);
        let order = world.order();
        assert!(order > 1);
        let mut level = vec![State::initial(&mut world)];
        let (mut checked, mut acts) = (0, Vec::new());
        for _ in 0..7 {
            let mut next_level = Vec::new();
            for s in level.iter().take(400) {
                let images = s.images(&world);
                s.actions(&world, &mut acts);
                let acts = acts.clone();
                for (g, &image) in images.iter().enumerate().take(order) {
                    let r = renamed(&mut world, s, g);
                    assert_eq!(r.images(&world)[0], image, "renaming {g}");
                    assert!(
                        s.fingerprint(&world) <= r.images(&world)[0],
                        "the key is least"
                    );
                    for &a in &acts {
                        let ra = renamed_act(&mut world, a, g);
                        let (Ok((next, v)), Ok((rnext, rv))) =
                            (s.next(&mut world, a), r.next(&mut world, ra))
                        else {
                            continue;
                        };
                        assert_eq!(v.is_some(), rv.is_some(), "{a:?} under renaming {g}");
                        assert_eq!(
                            next.images(&world)[g],
                            rnext.images(&world)[0],
                            "{a:?} under renaming {g}"
                        );
                        checked += 1;
                        if g == 0 {
                            next_level.push(next);
                        }
                    }
                }
            }
            level = next_level;
        }
        assert_eq!(world.symmetry().live(), order, "no renaming dropped");
        assert!(checked > 5000, "{checked} transitions compared");
    }
}

/// With `reply-before-chosen` planted, a leader's reply about either command is caught, with
/// the command named; the same steps without the bug are fine.
#[test]
fn a_reply_before_its_command_is_chosen_is_a_violation_for_every_command() {
    for (planted, k) in [(true, 0), (true, 1), (false, 1)] {
        let cfg = ExploreConfig {
            commands: 2,
            ballots: 1,
            planted: planted.then_some(fpaxos::PlantedBug::ReplyBeforeChosen),
            ..ExploreConfig::default()
        };
        let quorums = cfg.quorums().expect("config");
        let mut world = World::new(cfg, quorums);
        let mut s = State::initial(&mut world);
        let mut acts = Vec::new();
        let (next, v) = s
            .next(&mut world, Act::Fire(0, Timer::Election))
            .expect("in bounds");
        assert_eq!(v, None);
        s = next;
        // Deliver what is in flight until node 0 leads (its Prepares, then a Promise).
        for _ in 0..4 {
            if world.role(s.nodes[0]) == Role::Leader {
                break;
            }
            s.actions(&world, &mut acts);
            let to_0 = |a: &&Act| matches!(a, Act::Deliver(e) if world.env_to(*e) == 0);
            let a = *acts
                .iter()
                .find(to_0)
                .or_else(|| acts.iter().find(|a| matches!(a, Act::Deliver(_))))
                .expect("a delivery");
            let (next, v) = s.next(&mut world, a).expect("in bounds");
            assert_eq!(v, None);
            s = next;
        }
        assert_eq!(world.role(s.nodes[0]), Role::Leader);
        let (_, v) = s.next(&mut world, Act::Request(0, k)).expect("in bounds");
        if planted {
            let v = v.expect("a violation");
            assert_eq!(v.property, "reply");
            assert!(v.message.contains(&format!("c{k}#1")), "{}", v.message);
        } else {
            assert_eq!(v, None);
        }
    }
}

#[test]
fn a_reply_names_its_command() {
    assert_eq!(replied_about(0), "c0#1");
    assert_eq!(replied_about(7), "c7#1");
    assert_eq!(replied_about(15), "a command no client submitted");
}
