//! The playground page end to end: load it, change quorums, run to the end, and check that
//! the page's summary is the engine's report for the same scenario (same trace hash).

use fpaxos_e2e::*;
use fpaxos_sim::{run, Report, Scenario};
use std::sync::OnceLock;

fn base_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "build the page first: trunk build --release --offline"
        );
        serve_dir(dist)
    })
}

async fn attr(c: &fantoccini::Client, id: &str, name: &str) -> String {
    let el = c
        .find(fantoccini::Locator::Css(&tid(id)))
        .await
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    el.attr(name).await.ok().flatten().unwrap_or_default()
}

/// Runs the page to the end and checks its summary against `want`.
async fn run_to_end_and_compare(c: &fantoccini::Client, want: &Report) {
    click(c, "run-to-end").await;
    wait_text(c, "run-status", "done", 120).await;
    assert_eq!(text_of(c, "trace-hash").await.trim(), want.trace_hash);
    let committed: u64 = attr(c, "summary-committed", "data-value")
        .await
        .parse()
        .unwrap();
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

#[tokio::test(flavor = "multi_thread")]
async fn default_scenario_matches_the_engine() {
    let driver = start_driver();
    let c = browser(&driver, 1280, 800).await;
    c.goto(base_url()).await.expect("open page");
    let want = run(&Scenario::default()).expect("default runs");
    run_to_end_and_compare(&c, &want).await;
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn changed_quorums_match_the_engine() {
    let driver = start_driver();
    let c = browser(&driver, 1280, 800).await;
    c.goto(base_url()).await.expect("open page");
    set_value(&c, "quorum-kind", "counting").await;
    set_value(&c, "q1-input", "4").await;
    set_value(&c, "q2-input", "2").await;
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
    let driver = start_driver();
    let c = browser(&driver, 1280, 800).await;
    c.goto(base_url()).await.expect("open page");
    set_value(&c, "quorum-kind", "counting").await;
    set_value(&c, "q2-input", "2").await;
    set_value(&c, "q1-input", "2").await;
    let badge = text_of(&c, "intersection-badge").await;
    assert!(badge.to_lowercase().contains("unsafe"), "{badge}");
    c.close().await.ok();
}
