//! Tests of the report and its metrics.

use super::*;

fn timeline() -> Timeline {
    Timeline {
        bucket_ms: 100.0,
        throughput: vec![10.0, 0.0, 40.0, 20.0, 30.0],
        p50_ms: vec![0.0; 5],
        p99_ms: vec![0.0; 5],
        busy: vec![vec![0.0; 5]; 2],
        sent: vec![vec![3, 1, 8, 0, 0], vec![2, 0, 4, 0, 0]],
    }
}

#[test]
fn msgs_per_commit_divides_all_sends_by_the_bucket_completions() {
    // Bucket 0: 1 request done (10/s over 0.1 s), 5 messages; bucket 1: nothing done.
    let per = timeline().msgs_per_commit();
    assert_eq!(per.len(), 5);
    assert!((per[0].expect("bucket 0 completed") - 5.0).abs() < 1e-9);
    assert_eq!(per[1], None);
    assert!((per[2].expect("bucket 2 completed") - 3.0).abs() < 1e-9);
    assert_eq!(per[3], Some(0.0));
}

#[test]
fn complete_buckets_leaves_out_the_bucket_the_run_is_inside() {
    let t = timeline();
    assert_eq!(t.complete_buckets(250.0, 1000.0), 2);
    assert_eq!(t.complete_buckets(300.0, 1000.0), 3);
    assert_eq!(
        t.complete_buckets(0.0, 1000.0),
        1,
        "a fresh run shows one bucket"
    );
    assert_eq!(
        t.complete_buckets(480.0, 480.0),
        5,
        "an ended run shows them all"
    );
    assert_eq!(t.complete_buckets(900.0, 1000.0), 5);
    assert_eq!(Timeline::default().complete_buckets(10.0, 100.0), 0);
}

#[test]
fn stretches_without_a_leader_are_listed_up_to_the_limit_and_a_stall_past_it_says_at_least() {
    const MS: Time = 1_000_000;
    let mut m = Metrics::new(3, 0, 100 * MS, 100_000 * MS);
    // Lost and found again every 10 ms, 1 ms without a leader each time; the first stretch
    // (from 0, before the first election) is one of them.
    let mut t = 0;
    for _ in 0..MAX_LISTED + 100 {
        m.leaders_alive(t + MS, true);
        t += 10 * MS;
        m.leaders_alive(t, false);
    }
    assert_eq!(m.leaderless_intervals.len(), MAX_LISTED);
    let last = m.leaderless_intervals[MAX_LISTED - 1];
    assert_eq!(
        last,
        (
            (MAX_LISTED as Time - 1) * 10 * MS,
            (MAX_LISTED as Time - 1) * 10 * MS + MS
        )
    );
    let a = m.activity(t + 5 * MS);
    // Within the list: exact.
    let early = a.describe(0, 100 * MS, &[]).text();
    assert!(early.contains(", 10.0 ms without a leader"), "{early}");
    // Past the list: the stretches left out make it "at least" (here only the open one counts).
    let late = a.describe(t - 50 * MS, t + 5 * MS, &[]).text();
    assert!(
        late.contains(", at least 5.0 ms without a leader"),
        "{late}"
    );
    // A short list is whole: no "at least", also after its last stretch.
    let mut few = Metrics::new(3, 0, 100 * MS, 1_000 * MS);
    few.leaders_alive(MS, true);
    few.leaders_alive(20 * MS, false);
    few.leaders_alive(30 * MS, true);
    let s = few
        .activity(100 * MS)
        .describe(10 * MS, 100 * MS, &[])
        .text();
    assert!(s.contains(" won, 10.0 ms without a leader"), "{s}");
}

#[test]
fn elections_are_kept_up_to_the_limit_and_a_stall_past_it_says_at_least() {
    let max = during::MAX_ELECTIONS as Time;
    let mut m = Metrics::new(3, 0, 100 * 1_000_000, 1_000 * 1_000_000);
    for t in 0..max + 5 {
        m.elected(t, 0);
    }
    assert_eq!(m.elected_at.len(), during::MAX_ELECTIONS);
    let s = m
        .activity(max + 10)
        .describe(max - 10, max + 10, &[])
        .text();
    assert!(s.starts_with("at least 9 leader elections won"), "{s}");
    let s = m
        .activity(max + 10)
        .describe(max - 30, max - 20, &[])
        .text();
    assert!(s.starts_with("10 leader elections won"), "{s}");
}

#[test]
fn a_leader_in_office_throughout_a_stall_from_outside_the_healthy_set_is_named() {
    const MS: Time = 1_000_000;
    let mut m = Metrics::new(4, 0, 100 * MS, 1_000 * MS);
    // Node 3 alone leads from 10 ms; node 1 also thinks it leads from 500 to 600 ms; then node 3
    // alone again.
    m.sole_leader(10 * MS, Some(3));
    m.sole_leader(500 * MS, None);
    m.sole_leader(600 * MS, Some(3));
    // Repeated news of the same sole leader keeps its stretch whole.
    m.sole_leader(700 * MS, Some(3));
    assert_eq!(m.sole_leader_spans, vec![(10 * MS, 500 * MS, 3)]);
    let mut a = m.activity(1_000 * MS);
    a.check_quorum = false;
    let named = "Node 3 led throughout, from outside the healthy set";
    let s = a.describe(100 * MS, 400 * MS, &[0, 1, 2]).text();
    assert!(s.contains(named), "{s}");
    assert!(!s.contains("deny the pre-votes"), "{s}");
    // The open stretch counts until the report's time.
    let s = a.describe(650 * MS, 1_000 * MS, &[0, 1, 2]).text();
    assert!(s.contains(named), "{s}");
    // Not across the stretch with two leaders, not when the leader is in the set, not with
    // check-quorum on.
    for s in [
        a.describe(400 * MS, 650 * MS, &[0, 1, 2]).text(),
        a.describe(100 * MS, 400 * MS, &[1, 2, 3]).text(),
    ] {
        assert!(!s.contains("led throughout"), "{s}");
    }
    a.pre_vote = true;
    let s = a.describe(100 * MS, 400 * MS, &[0, 1, 2]).text();
    assert!(
        s.contains("do not campaign and deny the pre-votes of nodes that do not hear it"),
        "{s}"
    );
    a.check_quorum = true;
    assert!(!a
        .describe(100 * MS, 400 * MS, &[0, 1, 2])
        .text()
        .contains("led throughout"));
    // A leader replaced at the instant it took office leaves no empty stretch, and the list
    // stops at its limit.
    let mut m = Metrics::new(4, 0, 100 * MS, 1_000 * MS);
    m.sole_leader(MS, Some(1));
    m.sole_leader(MS, Some(2));
    m.sole_leader(2 * MS, None);
    assert_eq!(m.sole_leader_spans, vec![(MS, 2 * MS, 2)]);
    for i in 0..MAX_LISTED as Time + 10 {
        m.sole_leader(10 * MS + 2 * i, Some((i % 2) as NodeId));
    }
    assert_eq!(m.sole_leader_spans.len(), MAX_LISTED);
}

#[test]
fn commands_executed_again_during_a_stall_are_called_out_from_ten_on() {
    const MS: Time = 1_000_000;
    let mut m = Metrics::new(3, 0, 100 * MS, 1_000 * MS);
    // 9 in 100..200 ms, 40 in 500..600 ms.
    m.advance(150 * MS);
    m.executed_again(4);
    m.executed_again(5);
    m.advance(550 * MS);
    m.executed_again(40);
    let mut a = m.activity(1_000 * MS);
    a.window = 1;
    let said = "executed a second time during it";
    let s = a.describe(100 * MS, 200 * MS, &[0, 1, 2]).text();
    assert!(!s.contains(said), "9 is below the threshold: {s}");
    let s = a.describe(100 * MS, 600 * MS, &[0, 1, 2]).text();
    assert!(s.contains(&format!("About 49 commands were {said}")), "{s}");
    assert!(s.contains("one slot per round trip (window 1)."), "{s}");
    assert!(s.contains("without client sessions, cluster.sessions, a leader cannot tell"));
    // With sessions on, the copies got past them: proposed before their first executed.
    a.sessions = true;
    let s = a.describe(100 * MS, 600 * MS, &[0, 1, 2]).text();
    assert!(
        s.contains("with client sessions a leader answers a resend of a command it has executed, but these copies were proposed before their first executed"),
        "{s}"
    );
    a.sessions = false;
    // Half of a bucket counts half: 20 of the 40.
    let s = a.describe(550 * MS, 600 * MS, &[0, 1, 2]).text();
    assert!(s.contains("About 20 commands"), "{s}");
    a.window = 4;
    let s = a.describe(500 * MS, 600 * MS, &[0, 1, 2]).text();
    assert!(s.contains("at most 4 slots in flight (window 4)."), "{s}");
}

#[test]
fn candidates_outside_the_healthy_set_are_named_whether_or_not_anyone_was_elected() {
    const MS: Time = 1_000_000;
    let mut m = Metrics::new(4, 0, 100 * MS, 1_000 * MS);
    // Node 3 campaigns every 50 ms from 100 ms, node 2 twice; node 0 (in the set) once.
    for i in 0..10 {
        m.campaigned(100 * MS + 50 * MS * i, 3);
    }
    m.campaigned(120 * MS, 2);
    m.campaigned(130 * MS, 2);
    m.campaigned(140 * MS, 0);
    let mut a = m.activity(1_000 * MS);
    a.check_quorum = false;
    let set = [0, 1];
    let s = a.describe(100 * MS, 600 * MS, &set).text();
    assert!(
        s.contains("Nodes 2 and 3, outside the healthy set, campaigned 12 times during it"),
        "{s}"
    );
    // Bounds are inclusive; two campaigns are not a churn.
    let s = a.describe(200 * MS, 300 * MS, &set).text();
    assert!(
        s.contains("Node 3, outside the healthy set, campaigned 3 times"),
        "{s}"
    );
    assert!(!a
        .describe(210 * MS, 300 * MS, &set)
        .text()
        .contains("outside the healthy set"));
    // Not with check-quorum or pre-vote on, nor when someone was elected.
    a.pre_vote = true;
    assert!(!a
        .describe(100 * MS, 600 * MS, &set)
        .text()
        .contains("campaigned"));
    a.pre_vote = false;
    a.check_quorum = true;
    assert!(!a
        .describe(100 * MS, 600 * MS, &set)
        .text()
        .contains("campaigned"));
    // With elections won meanwhile, the campaigns are named as taking turns with the set's.
    m.elected(300 * MS, 0);
    let mut a = m.activity(1_000 * MS);
    a.check_quorum = false;
    let s = a.describe(100 * MS, 600 * MS, &set).text();
    assert!(
        s.contains(
            "Nodes 2 and 3, outside the healthy set, campaigned 12 times during it, while 1 \
             election was won."
        ) && !s.contains("won nothing"),
        "{s}"
    );
    m.elected(400 * MS, 1);
    let mut a = m.activity(1_000 * MS);
    a.check_quorum = false;
    let s = a.describe(100 * MS, 600 * MS, &set).text();
    assert!(s.contains("while 2 elections were won."), "{s}");
    a.pre_vote = true;
    assert!(!a
        .describe(100 * MS, 600 * MS, &set)
        .text()
        .contains("campaigned"));
    // The list stops at its limit; a stall that reaches past its end says "at least".
    let mut m = Metrics::new(4, 0, 100 * MS, 1_000 * MS);
    for i in 0..during::MAX_ELECTIONS as Time + 5 {
        m.campaigned(i * 1_000, 3);
    }
    assert_eq!(m.campaigns.len(), during::MAX_ELECTIONS);
    let mut a = m.activity(1_000 * MS);
    a.check_quorum = false;
    let end = (during::MAX_ELECTIONS as Time - 1) * 1_000;
    let s = a.describe(end - 9_000, end + 5_000, &set).text();
    assert!(s.contains("campaigned at least 10 times"), "{s}");
    let s = a.describe(end - 9_000, end - 1_000, &set).text();
    assert!(s.contains("campaigned 9 times"), "{s}");
}
