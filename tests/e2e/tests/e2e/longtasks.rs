//! Long tasks: the page's main thread only draws. A `PerformanceObserver` registered before
//! navigation records every task over 50 ms during load, play, scrub, run to end, compare and
//! sweep, and the test prints the longest of each (`-- --nocapture`).
//!
//! Sweep points run in the page's Web Workers and the sweep panel draws cheaply: no long task
//! is allowed while a sweep runs. Compare variants run in the workers too, but opening compare
//! re-renders the whole page and drawing the variants' charts takes longer than 50 ms on these
//! machines; the main run still simulates on the main thread in slices. Those are printed, not
//! asserted, until they are achieved.

use fpaxos_e2e::*;
use std::time::Duration;

/// The longest task allowed while a sweep runs (ms).
const LIMIT_MS: f64 = 50.0;

fn summary(what: &str, tasks: &[f64]) -> f64 {
    let max = tasks.iter().copied().fold(0.0, f64::max);
    println!(
        "long tasks during {what:<12} {:>2} over 50 ms, longest {max:.0} ms",
        tasks.len()
    );
    max
}

#[tokio::test(flavor = "multi_thread")]
async fn compare_and_sweep_leave_the_main_thread_free() {
    let driver = start_driver();
    let c = browser(&driver, 1280, 800).await;
    watch_long_tasks(&c).await;
    c.goto(base_url()).await.expect("open page");
    text_of(&c, "run-status").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let load = long_tasks_since(&c, 0.0).await;
    summary("load", &load);

    let t = page_now(&c).await;
    click(&c, "play-pause").await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    click(&c, "play-pause").await;
    summary("play", &long_tasks_since(&c, t).await);

    let t = page_now(&c).await;
    for ms in ["2000", "500", "6000", "1000"] {
        set_value(&c, "scrubber", ms).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    summary("scrub", &long_tasks_since(&c, t).await);

    let t = page_now(&c).await;
    click(&c, "run-to-end").await;
    wait_text(&c, "run-status", "done", 180).await;
    summary("run to end", &long_tasks_since(&c, t).await);

    let t = page_now(&c).await;
    click(&c, "compare-toggle").await;
    wait_text(&c, "compare-status", "done", 180).await;
    summary("compare", &long_tasks_since(&c, t).await);
    let t = page_now(&c).await;
    set_value(&c, "compare-quorum-1", "4,2").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    wait_text(&c, "compare-status", "done", 180).await;
    summary("compare edit", &long_tasks_since(&c, t).await);

    let t = page_now(&c).await;
    set_value(&c, "sweep-spec", "q2=1..5").await;
    click(&c, "sweep-run").await;
    wait_text(&c, "sweep-status", "done", 240).await;
    let sweep = long_tasks_since(&c, t).await;
    let sweep_max = summary("sweep", &sweep);
    assert_workers_answered(&c).await;

    assert!(
        sweep_max <= LIMIT_MS,
        "sweep: long tasks {sweep:?} ms on the main thread"
    );
    c.close().await.ok();
}
