//! The script API for host pages (docs/embed-api.md) end to end: the example host page
//! (`examples/host/`, served from its own origin) drives a sandboxed embed of the built page by
//! scrolling, and the embed's `ended` event carries the report `fpaxos run --json` prints for the
//! same scenario; malformed messages get `error` events and the embed keeps working; messages
//! without `"fpaxos": 1` are ignored. Also the favicon and the title that names the scenario.

use fantoccini::Client;
use fpaxos_e2e::*;
use fpaxos_sim::{json::pretty_json, run, Report, Scenario};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// Opens the example host page, served from its own origin, on the built page.
async fn open_host(width: u32, height: u32) -> (Driver, Client) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/host");
    let host = serve_dir(dir);
    let url = format!("{host}?playground={}", base_url());
    let (driver, c) = open(width, height, &url).await;
    wait_js(
        &c,
        "return window.fpaxosHost && fpaxosHost.ready;",
        120,
        "the embed's ready event",
    )
    .await;
    (driver, c)
}

/// Polls `script` until it returns something other than `false`/`null`; returns that.
async fn wait_js(c: &Client, script: &str, secs: u64, what: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = js(c, script).await;
        if !(v.is_null() || v == Value::Bool(false)) {
            return v;
        }
        assert!(Instant::now() < deadline, "waited {secs} s for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Posts `msg` as it is (no version added) from the host page to the embed.
async fn post(c: &Client, msg: Value) {
    c.execute("fpaxosHost.send(arguments[0]);", vec![msg])
        .await
        .expect("post a message to the embed");
}

/// The first `ended` event after event number `from`: (trace hash, json text, report object).
async fn wait_ended(c: &Client, from: usize, secs: u64) -> (String, String, Value) {
    let script = format!(
        "const e = fpaxosHost.events.slice({from}).find(e => e.event === 'ended');\
         return e ? [e.trace_hash, e.json, e.report] : null;"
    );
    let v = wait_js(c, &script, secs, "the ended event").await;
    (
        v[0].as_str().unwrap_or_default().to_string(),
        v[1].as_str().unwrap_or_default().to_string(),
        v[2].clone(),
    )
}

/// Loads `scenario` into the embed, runs it to the end and waits for its `ended` event (as
/// [`wait_ended`]).
async fn load_and_run_to_end(c: &Client, scenario: &Value) -> (String, String, Value) {
    let from = event_count(c).await;
    post(c, json!({"fpaxos": 1, "cmd": "load", "scenario": scenario})).await;
    post(c, json!({"fpaxos": 1, "cmd": "run_to_end"})).await;
    wait_ended(c, from, 120).await
}

async fn event_count(c: &Client) -> usize {
    js(c, "return fpaxosHost.events.length;")
        .await
        .as_u64()
        .unwrap_or(0) as usize
}

fn native(scenario: &Value) -> Report {
    let s = Scenario::from_value(scenario.clone()).expect("the host page's scenario reads");
    run(&s).expect("the host page's scenario runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_host_page_drives_an_embed_to_the_clis_report() {
    let (_driver, c) = open_host(1280, 800).await;
    // The first step ran on load: the embed plays and reports ticks and the first election.
    wait_js(
        &c,
        "return fpaxosHost.events.some(e => e.event === 'elected') &&\
                fpaxosHost.events.some(e => e.event === 'tick' && e.time_ms > 0);",
        120,
        "ticks and an election from the first step",
    )
    .await;
    let ticks = js(
        &c,
        "return fpaxosHost.events.filter(e => e.event === 'tick').map(e => [e.time_ms, e.committed, e.leader, e.status]);",
    )
    .await;
    assert!(ticks.as_array().is_some_and(|t| !t.is_empty()), "{ticks}");
    // Scroll to the last step: it loads a scenario and runs it to the end.
    let scenario = js(&c, "return fpaxosHost.scenarios.CRASH;").await;
    let want = native(&scenario);
    let from = event_count(&c).await;
    js(
        &c,
        "document.querySelector('[data-step=\"3\"]').scrollIntoView({block: 'center'}); return 0;",
    )
    .await;
    let (hash, text, report) = wait_ended(&c, from, 180).await;
    assert_eq!(hash, want.trace_hash, "the embed's trace hash is the CLI's");
    assert_eq!(
        text,
        pretty_json(&want),
        "`json` is `fpaxos run --json`, byte for byte"
    );
    assert_eq!(report["committed"], want.committed);
    assert_eq!(report["scenario"]["name"], scenario["name"]);
    let shown = text_of(&c, "host-result").await;
    assert!(
        shown.contains(&want.trace_hash),
        "the article shows it: {shown}"
    );
    // Every message the embed sent carries the version; ticks are throttled (4 a second).
    let v = js(
        &c,
        "const t = fpaxosHost.events.filter(e => e.event === 'tick').length;\
         return [fpaxosHost.events.every(e => e.fpaxos === 1), t, performance.now()];",
    )
    .await;
    assert_eq!(v[0], true, "{v}");
    let (n, wall_ms) = (v[1].as_f64().unwrap_or(0.0), v[2].as_f64().unwrap_or(0.0));
    assert!(n <= wall_ms / 250.0 + 2.0, "{n} ticks in {wall_ms} ms");
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_messages_get_errors_and_the_embed_keeps_working() {
    let (_driver, c) = open_host(1000, 800).await;
    let from = event_count(&c).await;
    let msgs = [
        // Ignored: not protocol messages. If the first ran, the run would end.
        json!({"cmd": "run_to_end"}),
        json!("run_to_end"),
        json!({"FPAXOS": 1, "cmd": "run_to_end"}),
        // Refused, each with a reason.
        json!({"fpaxos": 1, "cmd": "warp", "id": "e1"}),
        json!({"fpaxos": 2, "cmd": "play", "id": "e2"}),
        json!({"fpaxos": 1, "cmd": "load", "scenario": {"cluster": {"nodes": 0}}, "id": "e3"}),
        json!({"fpaxos": 1, "cmd": "seek", "ms": "soon", "id": "e4"}),
        json!({"fpaxos": 1, "cmd": "seek", "ms": 1e300, "id": "e5"}),
        json!({"fpaxos": 1, "cmd": "fault", "fault": {"action": "crash", "node": 9}, "id": "e6"}),
        json!({"fpaxos": 1, "cmd": "speed", "value": "fast", "id": "e7"}),
        json!({"fpaxos": 1, "id": "e8"}),
    ];
    for m in msgs {
        post(&c, m).await;
    }
    // Messages the embed does not read, which `postMessage` carries: one that refers to itself
    // and one nested 3,000 deep (each used to overflow the embed's stack, which then answered
    // nothing more: no error, no run), and 5 MB of JSON. Each gets an error with its id.
    c.execute(
        "const a = {nodes: 3}; a.self = a;\
         fpaxosHost.send({fpaxos: 1, cmd: 'load', scenario: {cluster: a}, id: 'cycle'});\
         let d = {}; for (let i = 0; i < 3000; i++) d = [d];\
         fpaxosHost.send({fpaxos: 1, cmd: 'load', scenario: {cluster: d}, id: 'deep'});\
         const notes = 'x'.repeat(5 << 20);\
         fpaxosHost.send({fpaxos: 1, cmd: 'load', scenario: {notes}, id: 'huge'});",
        vec![],
    )
    .await
    .expect("post a cyclic, a deep and a huge message");
    post(&c, json!({"fpaxos": 1, "cmd": "nope", "id": "marker"})).await;
    let errors = wait_js(
        &c,
        &format!(
            "const e = fpaxosHost.events.slice({from});\
             return e.some(x => x.id === 'marker') ? e.filter(x => x.event === 'error').map(x => [x.id, x.message]) : null;"
        ),
        60,
        "the marker's error",
    )
    .await;
    let errors = errors.as_array().cloned().unwrap_or_default();
    // An error without an id (an unversioned message answered) shows up as "(none)".
    let ids: Vec<&str> = errors
        .iter()
        .map(|e| e[0].as_str().unwrap_or("(none)"))
        .collect();
    assert_eq!(
        ids,
        ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "cycle", "deep", "huge", "marker"]
    );
    let message = |i: usize| errors[i][1].as_str().unwrap_or_default().to_string();
    for (i, want) in [
        (0, "unknown command \"warp\""),
        (1, "version 1"),
        (2, "nodes"),
        (3, "`ms` must be"),
        (4, "`ms` must be"),
        (5, "names node 9"),
        (6, "`value` must be"),
        (7, "needs `cmd`"),
        (8, "circular"),
        (9, "recursion limit"),
        (10, "characters of JSON, more than the 4194304"),
    ] {
        assert!(message(i).contains(want), "{}: {}", ids[i], message(i));
    }
    let ended = js(
        &c,
        &format!("return fpaxosHost.events.slice({from}).filter(e => e.event === 'ended').length;"),
    )
    .await;
    assert_eq!(ended, 0, "the unversioned run_to_end was ignored");
    // The embed still works: a valid load and run to the end answer with the CLI's hash.
    let scenario = json!({"name": "after errors", "duration": "1s", "seed": 3,
        "cluster": {"nodes": 3}});
    let want = native(&scenario);
    let (hash, text, _) = load_and_run_to_end(&c, &scenario).await;
    assert_eq!(hash, want.trace_hash);
    assert_eq!(text, pretty_json(&want));
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn favicon_loads_and_the_title_names_the_scenario() {
    let (_driver, c) = open(1280, 800, &format!("{}?preset=split-brain", base_url())).await;
    let name = fpaxos_sim::presets::preset("split-brain")
        .expect("preset")
        .scenario()
        .name;
    let title = wait_js(
        &c,
        "return document.title.includes('FPaxos Playground') && document.title !== 'FPaxos Playground' ? document.title : null;",
        60,
        "a title naming the scenario",
    )
    .await;
    assert_eq!(title, format!("{name} — FPaxos Playground").as_str());
    let og = js(
        &c,
        "return document.querySelector(\"meta[property='og:title']\").content;",
    )
    .await;
    assert_eq!(og, title);
    // The icon the page links to is served (so no 404 in the log), and it is an SVG.
    let icon = wait_js(
        &c,
        "const l = document.querySelector(\"link[rel='icon']\");\
         if (!l) return ['no icon link', ''];\
         if (!window.__icon) { window.__icon = 'pending';\
           fetch(l.href).then(r => r.text().then(t => window.__icon = [r.status, t.slice(0, 5)])); }\
         return window.__icon === 'pending' ? null : window.__icon;",
        30,
        "the favicon",
    )
    .await;
    assert_eq!(icon, json!([200, "<svg "]), "{icon}");
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_host_page_fits_desktop_and_phone() {
    for (name, w, h) in [("host-desktop", 1280, 800), ("host-phone", 390, 844)] {
        let (_driver, c) = open_host(w, h).await;
        wait_js(
            &c,
            "return fpaxosHost.events.some(e => e.event === 'tick' && e.time_ms > 0);",
            120,
            "a tick",
        )
        .await;
        let v = js(
            &c,
            "const f = document.getElementById('embed').getBoundingClientRect();\
             const card = document.querySelector('.step.active .card');\
             const k = card ? card.getBoundingClientRect() : null;\
             return { sw: document.documentElement.scrollWidth, w: innerWidth, h: innerHeight,\
               frame: [f.left, f.top, f.right, f.bottom],\
               card: k ? [k.top, k.bottom] : null,\
               status: document.getElementById('status').textContent };",
        )
        .await;
        let n = |x: &Value| x.as_f64().unwrap_or(f64::NAN);
        assert!(
            n(&v["sw"]) <= n(&v["w"]),
            "{name}: no horizontal scroll: {v}"
        );
        let f: Vec<f64> = v["frame"]
            .as_array()
            .map(|a| a.iter().map(n).collect())
            .unwrap_or_default();
        assert!(
            f[0] >= 0.0 && f[1] >= 0.0 && f[2] <= n(&v["w"]) && f[3] <= n(&v["h"]),
            "{name}: the embed is on screen: {v}"
        );
        assert!(
            f[3] - f[1] >= 250.0,
            "{name}: the embed is big enough to see: {v}"
        );
        assert!(v["card"].is_array(), "{name}: a step is active: {v}");
        assert!(
            v["status"]
                .as_str()
                .is_some_and(|s| s.contains("committed")),
            "{v}"
        );
        tokio::time::sleep(Duration::from_millis(1500)).await;
        // `FPAXOS_SHOTS=DIR` keeps a screenshot.
        if let Some(dir) = std::env::var_os("FPAXOS_SHOTS") {
            let png = c.screenshot().await.expect("screenshot");
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write shot");
        }
        c.close().await.ok();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pinned_host_origin_gets_events_and_another_gets_none() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/host");
    let host = serve_dir(dir);
    // Pinned to the host page's own origin: the API works.
    let url = format!("{host}?playground={}&pin=self", base_url());
    let (_driver, c) = open(1000, 800, &url).await;
    wait_js(
        &c,
        "return fpaxosHost.ready;",
        120,
        "ready from a pinned embed",
    )
    .await;
    let src = js(&c, "return document.getElementById('embed').src;").await;
    assert!(
        src.as_str()
            .is_some_and(|s| s.contains("host=http%3A%2F%2F127.0.0.1")),
        "{src}"
    );
    let scenario = json!({"name": "pinned", "duration": "800ms", "cluster": {"nodes": 3}});
    let want = native(&scenario);
    assert_eq!(load_and_run_to_end(&c, &scenario).await.0, want.trace_hash);
    // Pinned to another origin: the embed runs but tells this page nothing, and ignores it.
    let url = format!("{host}?playground={}&pin=http://192.0.2.1:8", base_url());
    c.goto(&url).await.expect("open");
    enter_frame(&c, "#embed").await;
    text_of(&c, "embed-root").await;
    c.enter_parent_frame().await.expect("leave frame");
    post(&c, json!({"fpaxos": 1, "cmd": "warp"})).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let n = js(&c, "return fpaxosHost.events.length;").await;
    assert_eq!(n, 0, "no ready, no error for another origin");
    c.close().await.ok();
}
