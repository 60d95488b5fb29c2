//! The playground page end to end: load it, change quorums, run to the end, and check that
//! the page's summary is the engine's report for the same scenario (same trace hash).

use fpaxos_e2e::*;
use fpaxos_sim::{run, Report, Scenario};

/// Runs the page to the end and checks its summary against `want`.
async fn run_to_end_and_compare(c: &fantoccini::Client, want: &Report) {
    click(c, "run-to-end").await;
    wait_text(c, "run-status", "done", 120).await;
    assert_eq!(text_of(c, "trace-hash").await.trim(), want.trace_hash);
    let committed: u64 = attr(c, "summary-committed", "data-value")
        .await
        .parse()
        .expect("data-value is a count");
    assert_eq!(committed, want.committed);
    assert_eq!(
        text_of(c, "summary-committed").await.trim(),
        want.committed.to_string()
    );
    assert_eq!(
        text_of(c, "summary-p50").await.trim(),
        format!("{:.3}", want.latency_ms.p50)
    );
    assert_eq!(
        text_of(c, "summary-leader-changes").await.trim(),
        want.leader_changes.to_string()
    );
}

/// Switches to counting quorums, then sets the quorum inputs one by one in the given order, as
/// a user would (each edit is validated on its own).
async fn set_counting(c: &fantoccini::Client, inputs: &[(&str, &str)]) {
    set_value(c, "quorum-kind", "counting").await;
    for (id, value) in inputs {
        set_value(c, id, value).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn default_scenario_matches_the_engine() {
    let (_driver, c) = open(1280, 800, base_url()).await;
    let want = run(&Scenario::default()).expect("default runs");
    run_to_end_and_compare(&c, &want).await;
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn changed_quorums_match_the_engine() {
    let (_driver, c) = open(1280, 800, base_url()).await;
    set_counting(&c, &[("q1-input", "4"), ("q2-input", "2")]).await;
    click(&c, "thrifty-input").await;
    let badge = text_of(&c, "intersection-badge").await;
    assert!(badge.contains("Safe"), "{badge}");
    let mut s = Scenario::default();
    s.cluster.quorum = fpaxos::QuorumSpec::Counting { q1: 4, q2: 2 };
    s.cluster.thrifty = true;
    let want = run(&s).expect("runs");
    run_to_end_and_compare(&c, &want).await;
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn disjoint_quorums_are_flagged_unsafe() {
    let (_driver, c) = open(1280, 800, base_url()).await;
    set_counting(&c, &[("q2-input", "2"), ("q1-input", "2")]).await;
    let badge = text_of(&c, "intersection-badge").await;
    assert!(badge.to_lowercase().contains("unsafe"), "{badge}");
    c.close().await.ok();
}

/// The client-sessions preset runs as the engine runs it, with its resends run twice shown in
/// the summary; ticking Client sessions gives the engine's run with sessions, none run twice.
#[tokio::test(flavor = "multi_thread")]
async fn client_sessions_switch_matches_the_engine() {
    let url = format!("{}?preset=client-sessions", base_url());
    let (_driver, c) = open(1280, 800, &url).await;
    let mut s = fpaxos_sim::presets::preset("client-sessions")
        .expect("the preset")
        .scenario();
    let without = run(&s).expect("runs");
    assert!(without.executed_twice > 0);
    run_to_end_and_compare(&c, &without).await;
    assert_eq!(
        text_of(&c, "summary-executed-twice").await.trim(),
        without.executed_twice.to_string()
    );
    assert!(text_of(&c, "summary-executed-twice-note")
        .await
        .contains("Client sessions"));
    click(&c, "sessions-input").await;
    s.cluster.sessions = true;
    let with = run(&s).expect("runs");
    assert_eq!(with.executed_twice, 0);
    run_to_end_and_compare(&c, &with).await;
    assert_eq!(text_of(&c, "summary-executed-twice").await.trim(), "0");
    c.close().await.ok();
}
