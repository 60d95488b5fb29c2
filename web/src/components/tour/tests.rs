//! Native tests of the tour's data: every shipped chapter parses, every cue happens in its
//! chapter's run at a plausible time, and malformed files are messages, not panics.

use super::chapter::{chapter, parse, CHAPTERS};
use fpaxos_sim::cue::{find, Cue, Hit};
use fpaxos_sim::Scenario;

fn hits_of(i: usize) -> (super::chapter::Chapter, Vec<Hit>) {
    let c = chapter(i)
        .expect("chapter exists")
        .unwrap_or_else(|e| panic!("{e}"));
    let cues: Vec<Cue> = c.steps.iter().map(|s| s.cue.clone()).collect();
    let hits =
        find(&c.scenario, &cues).unwrap_or_else(|m| panic!("chapter {}: {}", i + 1, m.message));
    (c, hits)
}

#[test]
fn the_tour_has_eight_to_ten_chapters_that_parse() {
    assert!((8..=10).contains(&CHAPTERS.len()));
    for (i, src) in CHAPTERS.iter().enumerate() {
        let c = parse(src.file, src.text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            c.steps.len() >= 3,
            "chapter {} has {} steps",
            i + 1,
            c.steps.len()
        );
        assert!(c
            .steps
            .iter()
            .all(|s| s.paragraphs.iter().all(|p| !p.is_empty())));
    }
}

/// Faults the scenario schedules, in ns.
fn fault_times(s: &Scenario) -> Vec<u64> {
    s.faults.iter().map(|f| f.at.0).collect()
}

#[test]
fn every_cue_happens_in_its_chapter_at_a_plausible_time() {
    for i in 0..CHAPTERS.len() {
        let (c, hits) = hits_of(i);
        let end = c.scenario.duration.0;
        let quorums = c.scenario.check().expect("validates");
        let q = quorums.quorums();
        let times: Vec<u64> = hits.iter().map(|h| h.t).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "chapter {}: {times:?}",
            i + 1
        );
        for (step, h) in c.steps.iter().zip(&hits) {
            let at = format!("chapter {} `--- {}` at {} ns", i + 1, step.cue_text, h.t);
            assert!(h.t <= end, "{at}: after the end");
            assert!(!h.what.is_empty(), "{at}");
            match &step.cue {
                Cue::Fault => assert!(
                    fault_times(&c.scenario).contains(&h.t),
                    "{at}: no fault then"
                ),
                Cue::Elected { .. } => {
                    let set = fpaxos::NodeSet::from_ids(h.nodes.iter().copied());
                    assert!(q.is_q1(set), "{at}: {:?} is not a Q1", h.nodes);
                }
                Cue::Chosen { .. } => {
                    let set = fpaxos::NodeSet::from_ids(h.nodes.iter().copied());
                    assert!(q.is_q2(set), "{at}: {:?} is not a Q2", h.nodes);
                }
                Cue::Violation => assert!(
                    c.scenario.cluster.allow_unsafe,
                    "{at}: violation in a safe chapter"
                ),
                Cue::Send { .. } => assert!(!h.messages.is_empty(), "{at}: no messages"),
                _ => {}
            }
        }
    }
}

#[test]
fn thrifty_sends_fewer_messages_than_broadcast() {
    // Chapter 5 (thrifty) against chapter 3 (the same quorums, broadcast): the engine's sends.
    let (_, broadcast) = hits_of(2);
    let (_, thrifty) = hits_of(4);
    let accept_thrifty = &thrifty[2];
    let accept_broadcast = &broadcast[1];
    assert!(accept_thrifty.messages.len() < accept_broadcast.messages.len());
}

#[test]
fn malformed_chapters_are_messages() {
    let cases = [
        ("", "no `title:`"),
        ("title: x\n", "no `scenario:`"),
        (
            "title: x\nscenario: nope.json\n--- elected\nhi\n",
            "no scenario file",
        ),
        ("title: x\nscenario: 01-guarantee.json\n", "no steps"),
        (
            "title: x\nscenario: 01-guarantee.json\n--- elected\n",
            "no narration",
        ),
        (
            "title: x\nscenario: 01-guarantee.json\n--- elect\nhi\n",
            "line 3",
        ),
        (
            "title: x\nscenario: 01-guarantee.json\nwhat\n--- elected\nhi\n",
            "line 3",
        ),
        ("title: x\nauthor: me\n", "unknown header"),
    ];
    for (text, want) in cases {
        let e = parse("t.txt", text).expect_err(text);
        assert!(e.0.contains(want), "{text:?}: {e}");
        assert!(e.0.starts_with("t.txt"), "{e}");
    }
}

#[test]
fn paragraphs_split_on_blank_lines() {
    let c = parse(
        "t.txt",
        "title: T\nscenario: preset:basics\n\n--- elected\none\ntwo\n\nthree\n--- chosen\nfour\n",
    )
    .expect("parses");
    assert_eq!(c.title, "T");
    assert_eq!(c.steps[0].paragraphs, vec!["one two", "three"]);
    assert_eq!(c.steps[1].paragraphs, vec!["four"]);
}
