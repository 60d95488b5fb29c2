//! The page's simulation worker starts where the page runs: inside a `sandbox="allow-scripts"`
//! embed (an opaque origin, under the page's Content-Security-Policy) too. The worker is started
//! the way `web/src/run/pool.rs` starts it (a `blob:` script that imports the shim and loads its
//! wasm), and must say it is ready.

use crate::share::host_page;
use fpaxos_e2e::*;

/// An async script that starts the worker in the current frame as `w` (`done` ends the script,
/// with a failure if the worker does not load), then runs `body`.
fn with_worker(body: &str) -> String {
    format!(
        r#"
    const done = arguments[arguments.length - 1];
    try {{
        const shim = new URL('fpaxos-worker.js', location.href).href;
        const src = `importScripts(${{JSON.stringify(shim)}});wasm_bindgen(${{JSON.stringify(shim.replace('.js', '_bg.wasm'))}});`;
        const w = new Worker(URL.createObjectURL(new Blob([src], {{ type: 'text/javascript' }})));
        w.onerror = (e) => done('error: ' + (e.message || 'the worker failed to load'));
        setTimeout(() => done('timeout'), 60000);
        {body}
    }} catch (e) {{ done('threw: ' + e); }}
"#
    )
}

/// Starts the worker; returns its first message (`ready`) or the failure.
fn start_worker() -> String {
    with_worker("w.onmessage = (e) => done(String(e.data));")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_worker_starts_in_the_page_and_in_the_sandboxed_embed() {
    let driver = start_driver();
    let c = browser(&driver, 1000, 700).await;
    c.goto(base_url()).await.expect("open page");
    text_of(&c, "run-status").await;
    let v = c
        .execute_async(&start_worker(), vec![])
        .await
        .expect("script");
    assert_eq!(v, "ready", "in the page");

    c.goto(&host_page(&format!("{}?embed", base_url())))
        .await
        .expect("open host page");
    enter_frame(&c, "#f").await;
    text_of(&c, "embed-root").await;
    let v = c
        .execute_async(&start_worker(), vec![])
        .await
        .expect("script");
    assert_eq!(v, "ready", "inside the sandboxed embed");
    c.enter_parent_frame().await.expect("leave frame");
    c.close().await.ok();
}

/// Gives a worker the default scenario's main run to the end (`{run: {Seek: t}}`, the page's
/// `RunCmd`), and collects its news (`{run: RunNews}`) until it arrives; returns `[trace hash,
/// news, diagram bytes, now, end]` or the failure.
const RUN_TO_END: &str = r#"
        let news = 0, bytes = 0;
        w.onmessage = (e) => {
            if (e.data === 'ready') {
                w.postMessage({ run: { Seek: Number.MAX_SAFE_INTEGER } });
                return;
            }
            const n = e.data && e.data.run;
            if (!n) { done('unexpected: ' + String(e.data)); return; }
            news += 1;
            bytes += n.diagram.msgs.byteLength;
            if (n.done && n.target == null) {
                // A report crosses as a JSON value, which serde-wasm-bindgen writes as a Map.
                const hash = n.report ? n.report.get('trace_hash') : 'no report';
                done([hash, news, bytes, Number(n.now), Number(n.end)]);
            }
        };
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_main_run_in_the_worker_is_the_engines_run() {
    let driver = start_driver();
    let c = browser(&driver, 1000, 700).await;
    c.goto(base_url()).await.expect("open page");
    text_of(&c, "run-status").await;
    let v = c
        .execute_async(&with_worker(RUN_TO_END), vec![])
        .await
        .expect("script");
    let want = fpaxos_sim::run(&fpaxos_sim::Scenario::default()).expect("runs");
    let got = v
        .as_array()
        .unwrap_or_else(|| panic!("the worker failed: {v}"));
    assert_eq!(got[0], want.trace_hash.as_str(), "the worker's trace hash");
    let news = got[1].as_u64().expect("news");
    assert!(news >= 1, "news arrive");
    let bytes = got[2].as_u64().expect("bytes");
    assert!(bytes.is_multiple_of(24), "whole 24-byte records");
    assert!(bytes > 0, "the diagram's messages arrive");
    assert_eq!(got[3], got[4], "the run is at its end");
    c.close().await.ok();
}
