//! The single-file playground (`scripts/build-single.py`, dist-single/fpaxos-playground.html)
//! opened from `file://`: no server at all. It starts, runs the default scenario to the engine's
//! trace hash, and loads nothing beyond itself (no resource entries, no stylesheet or script
//! link but data: URLs, connect-src 'none'); its jobs run in Web Workers it carries inline.

use fpaxos_e2e::*;
use fpaxos_sim::{run, Scenario};
use std::path::{Path, PathBuf};

/// `$FPAXOS_SINGLE` when set, else the repository's dist-single/fpaxos-playground.html.
fn single_file() -> PathBuf {
    let path = std::env::var_os("FPAXOS_SINGLE")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist-single/fpaxos-playground.html")
        });
    assert!(
        path.is_file(),
        "build the single file first: python3 scripts/build-single.py dist (or set FPAXOS_SINGLE)"
    );
    path.canonicalize().expect("an absolute path")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_single_file_runs_from_file_url_to_the_engines_trace_hash() {
    let url = format!("file://{}", single_file().display());
    let (_driver, c) = open(1280, 800, &url).await;
    let want = run(&Scenario::default()).expect("default runs");
    click(&c, "run-to-end").await;
    wait_text(&c, "run-status", "done", 120).await;
    assert_eq!(text_of(&c, "trace-hash").await.trim(), want.trace_hash);
    let committed: u64 = attr(&c, "summary-committed", "data-value")
        .await
        .parse()
        .expect("data-value is a count");
    assert_eq!(committed, want.committed);
    let page = js(
        &c,
        "return { protocol: location.protocol, \
                  resources: performance.getEntriesByType('resource').map(e => e.name), \
                  links: [...document.querySelectorAll('link[href], script[src]')] \
                      .map(e => e.getAttribute('href') || e.getAttribute('src')) \
                      .filter(u => !u.startsWith('data:')) };",
    )
    .await;
    assert_eq!(page["protocol"], "file:", "{page}");
    assert_eq!(
        page["resources"],
        serde_json::json!([]),
        "the single file loaded other files: {page}"
    );
    assert_eq!(
        page["links"],
        serde_json::json!([]),
        "the single file refers to other files: {page}"
    );
    c.close().await.ok();
}

/// Compare mode's jobs run in the page's Web Workers there too: the single file carries the
/// worker's script and wasm (`window.__fpaxos_worker_src`, started from a `blob:` URL), so the
/// pool does not fall back to running them on the main thread.
#[tokio::test(flavor = "multi_thread")]
async fn the_single_file_starts_its_workers_without_a_server() {
    let url = format!("file://{}", single_file().display());
    let (_driver, c) = open(1280, 800, &url).await;
    click(&c, "compare-toggle").await;
    wait_text(&c, "compare-status", "done", 180).await;
    let want = run(&Scenario::default()).expect("default runs");
    assert_eq!(
        text_of(&c, "compare-summary-0-trace-hash").await.trim(),
        want.trace_hash
    );
    assert_workers_answered(&c).await;
    c.close().await.ok();
}
