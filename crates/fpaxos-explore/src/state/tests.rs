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
    let mut fp = FpBuf::default();
    let mut level = vec![State::initial(&mut world)];
    let mut scratch = level[0].clone();
    let (mut compared, mut loops, mut quiet, mut acts) = (0, 0, 0, Vec::new());
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
                assert_eq!(fresh.fingerprint(&mut fp), scratch.fingerprint(&mut fp));
                assert_eq!(format!("{fresh:?}"), format!("{scratch:?}"));
                assert_eq!(v, w);
                assert!(fresh.same_as(&scratch));
                if s.unchanged_by(&mut world, a) {
                    assert!(s.same_as(&fresh), "{a:?} changed the state");
                    quiet += 1;
                }
                let same = s.fingerprint(&mut fp) == fresh.fingerprint(&mut fp);
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
}

/// `same_as` tells two states apart exactly when their fingerprints differ: every field
/// counts, and a chosen value's ballot and quorum do not (the fingerprint leaves them out).
#[test]
fn same_as_agrees_with_the_fingerprint_on_every_field() {
    let cfg = ExploreConfig::default();
    let quorums = cfg.quorums().expect("config");
    let mut world = World::new(cfg, quorums);
    let mut fp = FpBuf::default();
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
    // (field, still the same state, the edit)
    type Edit = (&'static str, bool, fn(&mut State));
    let edits: Vec<Edit> = vec![
        ("nodes", false, |s| s.nodes[0] ^= 1),
        ("armed", false, |s| s.armed[0] ^= 1),
        ("crashed", false, |s| s.crashed.insert(1)),
        ("net", false, |s| s.net.push(u32::MAX)),
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
        assert_eq!(base.same_as(&o), same, "{field}");
        assert_eq!(o.same_as(&base), same, "{field}");
        let fps = base.fingerprint(&mut fp) == o.fingerprint(&mut fp);
        assert_eq!(fps, same, "{field}");
    }
}
