//! The search's own unit tests: admitting successors to the seen set, and the summary's words.

use super::*;

/// A step to a state seen already (its own parent, say) that breaks a property on the way
/// is reported, at that step: the state was checked, the step was not. (The search used to
/// skip such a step as its parent, seen and checked; no search of the tests has one, so
/// the batch is handed one directly.)
#[test]
fn a_step_back_to_a_seen_state_that_breaks_a_property_is_reported() {
    let mut ex = Explorer::new(ExploreConfig::default()).expect("config");
    let root = ex
        .frontier
        .pop(&ex.tree, &mut ex.world)
        .expect("root")
        .2
        .clone();
    let fp = root.fingerprint(&ex.world);
    root.actions(&ex.world, &mut ex.acts);
    let act = ex.acts[0];
    let violation = Violation {
        property: "reply",
        slot: 0,
        message: "planted".to_string(),
    };
    let mut batch = vec![Candidate {
        act,
        fp,
        generated: 1,
        hit: ex.hit,
    }];
    let at = ex.expanded(0, 0);
    assert!(
        ex.admit_batch(at, &mut batch, Some(violation)),
        "the search stops"
    );
    assert_eq!(ex.stats().unique, 1, "no new state");
    match ex.result() {
        Outcome::Violation { violation, trace } => {
            assert_eq!(violation.message, "planted");
            assert_eq!(trace.len(), 1);
        }
        _ => panic!("not reported: {}", ex.summary()),
    }
}

/// A full set stays the same size when offered a fingerprint it holds, and when a new one
/// would break the budget; it grows only for a new one within the budget.
#[test]
fn a_full_seen_set_grows_only_for_a_new_state_within_the_budget() {
    let mut seen = Seen::default();
    let mut k = 0u128;
    while !seen.is_full() || seen.len() < 1000 {
        seen.insert(k);
        k += 1;
    }
    let cap = seen.capacity();
    assert_eq!(admit(&mut seen, 5, |_| true), Admit::Seen);
    assert_eq!(admit(&mut seen, 5, |_| false), Admit::Seen);
    assert_eq!(seen.capacity(), cap, "a duplicate grew the full set");
    assert_eq!(admit(&mut seen, k, |_| true), Admit::OverBudget);
    assert_eq!(seen.capacity(), cap);
    assert_eq!(admit(&mut seen, k, |_| false), Admit::New);
    assert!(seen.capacity() > cap && seen.contains(k));
}

#[test]
fn counts_and_budgets_read_as_written() {
    assert_eq!(counted(1, "state"), "1 state");
    assert_eq!(counted(0, "state"), "0 states");
    assert_eq!(counted(3_101_155, "state"), "3,101,155 states");
    assert_eq!(memory(1), "1 byte");
    assert_eq!(memory((1 << 20) - 1), "1,048,575 bytes");
    assert_eq!(memory(1 << 20), "1 MiB");
    assert_eq!(memory(512 << 20), "512 MiB");
    assert_eq!(memory(1_482_910), "1.4 MiB");
    assert_eq!(memory(2_965_820), "2.8 MiB");
    assert_eq!(memory(8 << 30), "8.0 GiB");
}
