//! The page's simulation worker starts where the page runs: inside a `sandbox="allow-scripts"`
//! embed (an opaque origin, under the page's Content-Security-Policy) too. The worker is started
//! the way `web/src/run/pool.rs` starts it (a `blob:` script that imports the shim and loads its
//! wasm), and must say it is ready.

use crate::share::host_page;
use fpaxos_e2e::*;

/// Starts the worker in the current frame; returns its first message (`ready`) or the failure.
const START_WORKER: &str = r#"
    const done = arguments[arguments.length - 1];
    try {
        const shim = new URL('fpaxos-worker.js', location.href).href;
        const src = `importScripts(${JSON.stringify(shim)});wasm_bindgen(${JSON.stringify(shim.replace('.js', '_bg.wasm'))});`;
        const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
        w.onmessage = (e) => done(String(e.data));
        w.onerror = (e) => done('error: ' + (e.message || 'the worker failed to load'));
        setTimeout(() => done('timeout'), 30000);
    } catch (e) { done('threw: ' + e); }
"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_worker_starts_in_the_page_and_in_the_sandboxed_embed() {
    let driver = start_driver();
    let c = browser(&driver, 1000, 700).await;
    c.goto(base_url()).await.expect("open page");
    text_of(&c, "run-status").await;
    let v = c.execute_async(START_WORKER, vec![]).await.expect("script");
    assert_eq!(v, "ready", "in the page");

    c.goto(&host_page(&format!("{}?embed", base_url())))
        .await
        .expect("open host page");
    enter_frame(&c, "#f").await;
    text_of(&c, "embed-root").await;
    let v = c.execute_async(START_WORKER, vec![]).await.expect("script");
    assert_eq!(v, "ready", "inside the sandboxed embed");
    c.enter_parent_frame().await.expect("leave frame");
    c.close().await.ok();
}
