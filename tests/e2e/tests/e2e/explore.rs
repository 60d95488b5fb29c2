//! The explore panel: the explorer runs in a worker on the scenario's cluster, finds the
//! split brain of non-intersecting quorums with its shortest trace (the CLI's answer, word for
//! word), says how far a clean search was complete, can be cancelled, and refuses clusters it
//! cannot explore with a reason.

use fpaxos::quorum::QuorumSpec;
use fpaxos_e2e::*;
use fpaxos_explore::{ExploreConfig, Explorer, Network};
use std::time::{Duration, Instant};

/// The CLI explorer's sentence for `cfg` (thrifty, cut at the page's default 1 M states).
fn cli_summary(cfg: ExploreConfig) -> String {
    let mut cli = Explorer::new(ExploreConfig {
        thrifty: true,
        max_states: 1_000_000,
        ..cfg
    })
    .expect("config");
    while !cli.run(1 << 16).done {}
    cli.summary()
}

/// Waits until `data-status` of the element `id` is one of `want`; returns it.
async fn wait_status_of(c: &fantoccini::Client, id: &str, want: &[&str], secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if exists(c, id).await {
            let s = attr(c, id, "data-status").await;
            if want.contains(&s.as_str()) {
                return s;
            }
        }
        assert!(Instant::now() < deadline, "{id} never became {want:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_status(c: &fantoccini::Client, want: &[&str], secs: u64) -> String {
    wait_status_of(c, "explore-status", want, secs).await
}

async fn wait_hunt(c: &fantoccini::Client, want: &[&str], secs: u64) -> String {
    wait_status_of(c, "hunt-status", want, secs).await
}

/// Opens the Break it panel once it has mounted (it is among the page's last parts).
async fn open_panel(c: &fantoccini::Client) {
    wait_element(c, &tid("explore-panel"), "the explore panel").await;
    js(
        c,
        "document.querySelector(\"[data-testid='explore-panel']\").open = true; return 1;",
    )
    .await;
}

/// The `split-brain` preset (N = 5, Q1 = Q2 = 2) made thrifty, in a `w` x `h` window, with the
/// Break it panel open.
async fn thrifty_split_brain(w: u32, h: u32) -> (Driver, fantoccini::Client) {
    let (driver, c) = open(w, h, &format!("{}?preset=split-brain", base_url())).await;
    text_of(&c, "run-status").await;
    click(&c, "thrifty-input").await;
    open_panel(&c).await;
    (driver, c)
}

/// Starts the search, waits for its violation, and returns the summary.
async fn explore_to_violation(c: &fantoccini::Client) -> String {
    click(c, "explore-start").await;
    assert_eq!(
        wait_status(c, &["violation", "complete", "bounded", "refused"], 120).await,
        "violation"
    );
    text_of(c, "explore-summary").await
}

#[tokio::test(flavor = "multi_thread")]
async fn explore_finds_the_split_brain_and_says_how_far_a_clean_search_went() {
    let (_driver, c) = thrifty_split_brain(1280, 800).await;
    let cli = text_of(&c, "explore-cli").await;
    assert!(
        cli.contains("--nodes 5 --quorum 2,2") && cli.contains("--thrifty"),
        "{cli}"
    );
    let summary = explore_to_violation(&c).await;
    // The CLI's explorer, same configuration, same sentence.
    let cli = cli_summary(ExploreConfig {
        nodes: 5,
        quorum: QuorumSpec::Counting { q1: 2, q2: 2 },
        ..ExploreConfig::default()
    });
    assert_eq!(summary, cli);
    assert!(
        summary.starts_with("agreement violation after 10 steps"),
        "{summary}"
    );
    let steps = js(
        &c,
        "return document.querySelectorAll(\"[data-testid='explore-steps'] li\").length;",
    )
    .await;
    assert_eq!(steps, 10, "the shortest trace's steps are listed");
    // The counterexample loads as a scenario that replays it, violation included.
    click(&c, "explore-load").await;
    click(&c, "run-to-end").await;
    wait_violation(&c, 60, "the counterexample").await;
    c.goto(&format!("{}?preset=split-brain", base_url()))
        .await
        .expect("reopen");
    text_of(&c, "run-status").await;
    open_panel(&c).await;

    // A small safe cluster: complete within its bounds, and worded as such.
    set_value(&c, "nodes-input", "3").await;
    set_value(&c, "q1-input", "2").await;
    set_value(&c, "explore-ballots", "1").await;
    set_value(&c, "explore-commands", "1").await;
    click(&c, "explore-start").await;
    assert_eq!(
        wait_status(&c, &["violation", "complete", "bounded", "refused"], 60).await,
        "complete"
    );
    let summary = text_of(&c, "explore-summary").await;
    assert!(
        summary.starts_with("no violation in") && summary.contains("complete to depth"),
        "{summary}"
    );
    assert!(!summary.to_lowercase().contains("proven"), "{summary}");
    // And what it covers: safety, not liveness, which Find a violation judges.
    let checked = text_of(&c, "explore-checked").await;
    assert!(
        checked.starts_with("Checked at every step: agreement")
            && checked.contains("Not checked: liveness")
            && checked.ends_with("Find a violation, below, judges liveness in simulated runs."),
        "{checked}"
    );
    c.close().await.ok();
}

/// The Resends bound and the scenario's client sessions reach the worker's search: the same
/// sentence, word for word, as the CLI's explorer with both.
#[tokio::test(flavor = "multi_thread")]
async fn explore_resends_with_the_scenarios_client_sessions() {
    let (_driver, c) = open(1280, 800, base_url()).await;
    text_of(&c, "run-status").await;
    open_panel(&c).await;
    set_value(&c, "nodes-input", "3").await;
    click(&c, "thrifty-input").await;
    click(&c, "sessions-input").await;
    set_value(&c, "explore-ballots", "1").await;
    set_value(&c, "explore-commands", "1").await;
    set_value(&c, "explore-resends", "1").await;
    let cli = text_of(&c, "explore-cli").await;
    assert!(
        cli.contains(" --resends 1 ") && cli.contains(" --sessions"),
        "{cli}"
    );
    click(&c, "explore-start").await;
    assert_eq!(
        wait_status(&c, &["violation", "complete", "bounded", "refused"], 60).await,
        "complete"
    );
    let summary = text_of(&c, "explore-summary").await;
    let cli = cli_summary(ExploreConfig {
        nodes: 3,
        ballots: 1,
        commands: 1,
        resends: 1,
        sessions: true,
        ..ExploreConfig::default()
    });
    assert_eq!(summary, cli);
    assert!(summary.contains("resends 1"), "{summary}");
    c.close().await.ok();
}

/// The Multiset network switch and its Drops bound reach the worker's search (the CLI's
/// sentence, word for word); switched off, the bounds go and the command loses them.
#[tokio::test(flavor = "multi_thread")]
async fn explore_the_multiset_network() {
    let (_driver, c) = thrifty_split_brain(1280, 800).await;
    assert!(
        !exists(&c, "explore-drops").await,
        "Drops shows only with the multiset"
    );
    click(&c, "explore-multiset").await;
    set_value(&c, "explore-drops", "1").await;
    let cli = text_of(&c, "explore-cli").await;
    assert!(cli.contains(" --multiset --drops 1 --dups 0"), "{cli}");
    let summary = explore_to_violation(&c).await;
    let cli = cli_summary(ExploreConfig {
        nodes: 5,
        quorum: QuorumSpec::Counting { q1: 2, q2: 2 },
        network: Network::Multiset,
        drops: 1,
        ..ExploreConfig::default()
    });
    assert_eq!(summary, cli);
    click(&c, "explore-multiset").await;
    assert!(!exists(&c, "explore-drops").await);
    let cli = text_of(&c, "explore-cli").await;
    assert!(
        !cli.contains("--multiset") && !cli.contains("--drops"),
        "{cli}"
    );
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn explore_can_be_cancelled_and_refuses_big_clusters() {
    let (_driver, c) = open(1000, 800, base_url()).await;
    text_of(&c, "run-status").await;
    open_panel(&c).await;
    // The default cluster (5 nodes, majority) is far larger than a few seconds of search.
    click(&c, "explore-start").await;
    wait_status(&c, &["running"], 30).await;
    let first = text_of(&c, "explore-status").await;
    assert!(first.starts_with("Exploring:"), "{first}");
    // Progress keeps coming while the page stays responsive.
    let deadline = Instant::now() + Duration::from_secs(60);
    while text_of(&c, "explore-status").await == first {
        assert!(Instant::now() < deadline, "no progress after {first}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    click(&c, "explore-cancel").await;
    assert_eq!(wait_status(&c, &["cancelled"], 10).await, "cancelled");
    let t = text_of(&c, "explore-status").await;
    assert!(t.contains("nothing is claimed"), "{t}");

    set_value(&c, "nodes-input", "7").await;
    let why = text_of(&c, "explore-refused").await;
    assert!(why.contains("at most 5 nodes"), "{why}");
    let disabled = attr(&c, "explore-start", "disabled").await;
    assert!(!disabled.is_empty(), "Explore is disabled for 7 nodes");
    c.close().await.ok();
}

/// Screenshots of the panel with a counterexample (in the multiset network, with a drop
/// allowed, so that its bounds show), at desktop and phone sizes:
/// `FPAXOS_SHOTS=/tmp/shots cargo test -p fpaxos-e2e -- --ignored explore::screenshots`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "writes screenshots; run on demand"]
async fn screenshots() {
    let out = std::path::PathBuf::from(std::env::var("FPAXOS_SHOTS").expect("FPAXOS_SHOTS"));
    std::fs::create_dir_all(&out).expect("screenshot folder");
    for (suffix, w, h) in [("", 1280, 800), ("-phone", 390, 844)] {
        let (_driver, c) = thrifty_split_brain(w, h).await;
        click(&c, "explore-multiset").await;
        set_value(&c, "explore-drops", "1").await;
        explore_to_violation(&c).await;
        crate::compare::shoot(
            &c,
            "explore-panel",
            &out.join(format!("explore{suffix}.png")),
        )
        .await;
        set_value(&c, "hunt-seeds", "12").await;
        click(&c, "hunt-start").await;
        wait_hunt(&c, &["found", "clean", "failed"], 400).await;
        crate::compare::shoot(&c, "hunt-panel", &out.join(format!("hunt{suffix}.png"))).await;
        c.close().await.ok();
    }
}

/// On the split-brain preset the hunt finds a seed that breaks safety (the seed it shrinks,
/// before any stall), shrinks it, and the shrunk scenario loads and fails the same way.
#[tokio::test(flavor = "multi_thread")]
async fn find_a_violation_shrinks_a_safety_violation_and_loads_it() {
    let (_driver, c) = open(1280, 800, &format!("{}?preset=split-brain", base_url())).await;
    text_of(&c, "run-status").await;
    open_panel(&c).await;
    set_value(&c, "hunt-seeds", "12").await;
    click(&c, "hunt-start").await;
    let cli = text_of(&c, "hunt-cli").await;
    assert!(
        cli.starts_with("fpaxos check --seeds 12 --nodes 5 --quorum 2,2"),
        "{cli}"
    );
    assert_eq!(
        wait_hunt(&c, &["found", "clean", "failed"], 400).await,
        "found"
    );
    assert_workers_answered(&c).await;
    let t = text_of(&c, "hunt-status").await;
    assert!(t.contains("fails with a safety violation"), "{t}");
    let shrunk = text_of(&c, "hunt-shrunk").await;
    assert!(shrunk.starts_with("Shrunk in"), "{shrunk}");
    click(&c, "hunt-load").await;
    click(&c, "run-to-end").await;
    wait_violation(&c, 120, "the loaded scenario").await;
    c.close().await.ok();
}

/// On a safe cluster the hunt finds nothing and says how much of liveness that covers.
#[tokio::test(flavor = "multi_thread")]
async fn find_a_violation_that_finds_nothing_says_how_much_liveness_it_judged() {
    let (_driver, c) = open(1280, 800, base_url()).await;
    text_of(&c, "run-status").await;
    open_panel(&c).await;
    set_value(&c, "hunt-seeds", "12").await;
    // Starts the hunt and returns its status once it has found nothing.
    let clean = || async {
        click(&c, "hunt-start").await;
        assert_eq!(
            wait_hunt(&c, &["found", "clean", "failed"], 400).await,
            "clean"
        );
        text_of(&c, "hunt-status").await
    };
    let t = clean().await;
    assert!(
        t.starts_with("No failure in 12 seeds on this cluster. Safety was checked throughout; liveness judged in "),
        "{t}"
    );
    assert!(
        t.contains(" of 12 seeds, for ") && t.contains("s simulated ("),
        "{t}"
    );
    // Why the rest was not judged, by reason (the swarm's chaos phases lose messages).
    assert!(
        t.contains("; not judged: ") && t.contains("messages lost at random "),
        "{t}"
    );
    // Without random loss the same seeds lose nothing at random, and the command line says so.
    click(&c, "hunt-loss").await;
    let t = clean().await;
    assert!(
        t.contains("liveness judged in ") && !t.contains("messages lost at random"),
        "{t}"
    );
    let cli = text_of(&c, "hunt-cli").await;
    assert!(cli.contains(" --loss 0 "), "{cli}");
    c.close().await.ok();
}
