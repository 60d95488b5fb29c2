//! Sharing, embedding and export end to end: links made outside the page open the same run,
//! clicked faults land in the address bar and replay natively, embeds show only their panels and
//! fit a 600 x 400 sandboxed frame, bad links never break the page, exports carry the run's
//! numbers, and the Content-Security-Policy holds.

use fantoccini::{Client, Locator};
use fpaxos_e2e::*;
use fpaxos_share::{decode_fragment, share_url, EmbedOptions, Shared, ViewState};
use fpaxos_sim::{run, Fault, FaultAction, Scenario};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A non-default scenario with a scheduled crash.
fn faulty_scenario() -> Scenario {
    let mut s = Scenario {
        name: "crash the leader <b>bold?</b>".into(),
        seed: 42,
        ..Scenario::default()
    };
    s.cluster.nodes = 7;
    s.duration = fpaxos_sim::Dur(3_000_000_000);
    s.faults.push(Fault {
        at: fpaxos_sim::Dur(1_000_000_000),
        action: FaultAction::Crash { node: 0 },
    });
    s.validate().expect("test scenario is valid");
    s
}

async fn run_to_end(c: &Client) {
    click(c, "run-to-end").await;
    wait_text(c, "run-status", "done", 180).await;
}

/// Opens a 1280 x 900 page on the link to `s` and runs it to the end.
async fn open_link_and_run(s: &Scenario) -> (Driver, Client) {
    let (driver, c) = open(1280, 900, &share_url(base_url(), s, &ViewState::default())).await;
    run_to_end(&c).await;
    (driver, c)
}

/// Waits until the address bar holds a link that satisfies `ok`; `what` names it in the panic.
async fn wait_link(c: &Client, what: &str, ok: impl Fn(&Shared) -> bool) -> Shared {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let url = c.current_url().await.expect("current url").to_string();
        if let Ok(shared) = decode_fragment(&url) {
            if ok(&shared) {
                return shared;
            }
        }
        assert!(Instant::now() < deadline, "{what}: {url}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the address bar holds a link with exactly one fault; returns its scenario.
async fn wait_one_fault(c: &Client) -> Scenario {
    let expected = "address bar never held the expected link";
    wait_link(c, expected, |l| l.scenario.faults.len() == 1)
        .await
        .scenario
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_link_opens_the_same_run() {
    let s = faulty_scenario();
    let want = run(&s).expect("runs");
    let (_driver, c) = open_link_and_run(&s).await;
    assert!(
        !exists(&c, "link-error").await,
        "a good link shows no error"
    );
    assert_eq!(text_of(&c, "trace-hash").await.trim(), want.trace_hash);
    assert_eq!(
        text_of(&c, "summary-committed").await.trim(),
        want.committed.to_string()
    );
    assert_eq!(
        text_of(&c, "summary-p99").await.trim(),
        format!("{:.3}", want.latency_ms.p99)
    );
    // The name is text, never markup.
    assert_eq!(
        js(&c, "return document.querySelectorAll('#app b').length;").await,
        serde_json::json!(0)
    );
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn golden_link_opens_forever() {
    // From crates/fpaxos-share/tests/golden.rs ("default with a few changes"): never edit it.
    const GOLDEN: &str = "s=1.JY1NCoNADIWvUt7aRRULMuAVCj2CONN2UBMaE4rI3N2Iq_fH49uxIuwYZ1s1yWmJY_Kuq_AzFlvObsoUETCykWb6wLca4eHSILSlgn4lv3VDULHkmYYl-eHZd7dX07d--LNMMw_xouVE6pD6Xko5AA";
    let s = decode_fragment(GOLDEN).expect("golden decodes").scenario;
    assert_eq!(s.cluster.nodes, 8);
    let want = run(&s).expect("runs");
    let (_driver, c) = open(1280, 900, &format!("{}#{GOLDEN}", base_url())).await;
    run_to_end(&c).await;
    assert!(!exists(&c, "link-error").await);
    assert_eq!(text_of(&c, "trace-hash").await.trim(), want.trace_hash);
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn clicked_faults_reach_the_url_and_replay() {
    let (_driver, c) = open(1280, 900, base_url()).await;
    set_value(&c, "scrubber", "800").await;
    wait_text(&c, "run-status", "paused", 30).await;
    click(&c, "node-2").await;
    let clicked = wait_one_fault(&c).await;
    assert!(matches!(
        clicked.faults[0].action,
        FaultAction::Crash { node: 2 }
    ));
    run_to_end(&c).await;
    let page_hash = text_of(&c, "trace-hash").await.trim().to_string();
    // The address bar follows (debounced) and holds the whole scenario, the click included.
    let scenario = wait_one_fault(&c).await;
    let native = run(&scenario).expect("decoded scenario runs");
    assert_eq!(native.trace_hash, page_hash, "the link replays the clicks");
    // replaceState: no history entry per edit.
    let len = js(&c, "return history.length;").await;
    assert!(len.as_u64().unwrap_or(99) <= 2, "history grew: {len}");
    // A reload restores the same scenario (URL and local storage).
    c.refresh().await.expect("reload");
    run_to_end(&c).await;
    assert_eq!(text_of(&c, "trace-hash").await.trim(), page_hash);
    // Without the fragment, local storage brings the last scenario back.
    c.goto(base_url()).await.expect("open bare page");
    run_to_end(&c).await;
    assert_eq!(text_of(&c, "trace-hash").await.trim(), page_hash);
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_links_show_an_error_and_keep_a_working_page() {
    let driver = start_driver();
    let c = browser(&driver, 1280, 900).await;
    let good = fpaxos_share::encode_fragment(&faulty_scenario(), &ViewState::default());
    let huge = format!("s=1.{}", "A".repeat(400_000));
    let bad = [
        "s=1.@@not-base64@@".to_string(),
        good[..good.len() / 2].to_string(),
        "s=7.q1YqVrKqrq0FAA".to_string(),
        huge,
        "s=1.q1YqVrKqrq0FAA".replace("q1Yq", "q1Zq"),
    ];
    for (i, b) in bad.iter().enumerate() {
        // A distinct query string makes each one a full load (not a same-document hash change).
        c.goto(&format!("{}?try={i}#{b}", base_url()))
            .await
            .expect("open bad link");
        let msg = text_of(&c, "link-error-text").await;
        assert!(msg.len() > 20, "bad link {i}: message {msg:?}");
    }
    // The page still works, and the default is loaded (first load, no stored scenario).
    let want = run(&Scenario::default()).expect("runs");
    run_to_end(&c).await;
    assert_eq!(text_of(&c, "trace-hash").await.trim(), want.trace_hash);
    // Dismiss hides the banner.
    click(&c, "link-error-dismiss").await;
    assert!(!exists(&c, "link-error").await);
    // A bad link pasted into the open page keeps the current scenario.
    let faulty_link = share_url(base_url(), &faulty_scenario(), &ViewState::default());
    open_paused(&c, &faulty_link).await;
    js(&c, "location.hash = 's=1.broken!'; return 0;").await;
    text_of(&c, "link-error").await;
    run_to_end(&c).await;
    let faulty = run(&faulty_scenario()).expect("runs");
    assert_eq!(text_of(&c, "trace-hash").await.trim(), faulty.trace_hash);
    click(&c, "link-error-reset").await;
    wait_text(&c, "run-status", "paused", 60).await;
    run_to_end(&c).await;
    assert_eq!(text_of(&c, "trace-hash").await.trim(), want.trace_hash);
    // A preset that does not exist: a message naming it, and the stored scenario is kept (not
    // overwritten by the default).
    // A query string of its own: a full load, not a same-document hash change.
    open_paused(&c, &faulty_link.replacen('#', "?again#", 1)).await;
    tokio::time::sleep(Duration::from_millis(1_000)).await; // the stored scenario follows
    c.goto(&format!("{}?preset=no-such-preset", base_url()))
        .await
        .expect("open unknown preset");
    let msg = text_of(&c, "link-error-text").await;
    assert!(msg.contains("no-such-preset"), "message {msg:?}");
    run_to_end(&c).await;
    assert_eq!(text_of(&c, "trace-hash").await.trim(), faulty.trace_hash);
    c.close().await.ok();
}

/// Opens `url` and waits until the page is paused at its start.
async fn open_paused(c: &Client, url: &str) {
    c.goto(url).await.expect("open link");
    wait_text(c, "run-status", "paused", 60).await;
}

/// Serves a host page with the embed in a sandboxed 600 x 400 frame, from another origin.
pub(crate) fn host_page(src: &str) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "fpaxos-embed-host-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"{src}\" width=\"600\" height=\"400\" \
             title=\"FPaxos embed\" loading=\"lazy\" sandbox=\"allow-scripts\" style=\"border:0\"></iframe></body></html>"
        ),
    )
    .expect("write host page");
    serve_dir(dir)
}

async fn embed_check(c: &Client, panels: &[&str]) -> serde_json::Value {
    let opts = EmbedOptions {
        panels: panels.iter().map(|p| p.to_string()).collect(),
        autoplay: true,
        looped: true,
        speed: Some(0.05),
        ..EmbedOptions::default()
    };
    let view = ViewState {
        embed: Some(opts),
        ..ViewState::default()
    };
    let frag = fpaxos_share::encode_fragment(&faulty_scenario(), &view);
    let src = format!("{}?embed#{frag}", base_url());
    c.goto(&host_page(&src)).await.expect("open host page");
    enter_frame(c, "#f").await;
    let root = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&tid("embed-root")))
        .await
        .expect("embed root inside the sandboxed frame");
    assert_eq!(
        root.attr("data-panels")
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
        panels.join(",")
    );
    let v = js(
        c,
        "const q = s => document.querySelector(s);\
         const r = q(\"[data-testid='cluster-view']\");\
         const b = r ? r.getBoundingClientRect() : null;\
         return { w: innerWidth, h: innerHeight,\
           sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,\
           cluster: !!r, summary: !!q(\"[data-testid='summary-committed']\"),\
           spacetime: !!q(\"[data-testid='spacetime']\"), charts: !!q(\"[data-testid='chart-throughput']\"),\
           editor: !!q('.side'), header: !!q('.top'),\
           box: b ? [b.left, b.top, b.right, b.bottom, b.width, b.height] : null,\
           time: q(\"[data-testid='sim-time']\").textContent };",
    )
    .await;
    c.enter_parent_frame().await.expect("leave frame");
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_shows_chosen_panels_and_fits_600_by_400() {
    let driver = start_driver();
    let c = browser(&driver, 1000, 700).await;
    let v = embed_check(&c, &["cluster"]).await;
    assert_eq!(
        (v["w"].as_f64(), v["h"].as_f64()),
        (Some(600.0), Some(400.0))
    );
    assert!(
        v["sw"].as_f64() <= v["w"].as_f64(),
        "no horizontal scroll: {v}"
    );
    assert!(
        v["sh"].as_f64() <= v["h"].as_f64(),
        "no vertical scroll: {v}"
    );
    assert_eq!(v["cluster"], true);
    for hidden in ["summary", "spacetime", "charts", "editor", "header"] {
        assert_eq!(v[hidden], false, "{hidden} must not show: {v}");
    }
    let b: Vec<f64> = v["box"]
        .as_array()
        .expect("cluster box")
        .iter()
        .filter_map(|x| x.as_f64())
        .collect();
    assert!(
        b[0] >= 0.0 && b[1] >= 0.0 && b[2] <= 600.5 && b[3] <= 400.5,
        "{v}"
    );
    assert!(b[5] > 250.0, "the cluster scales up to the frame: {v}");

    let v = embed_check(&c, &["spacetime", "summary"]).await;
    assert_eq!(v["spacetime"], true);
    assert_eq!(v["summary"], true);
    assert_eq!(v["cluster"], false);
    assert_eq!(v["charts"], false);
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_carry_the_runs_numbers() {
    let s = faulty_scenario();
    let want = run(&s).expect("runs");
    let (_driver, c) = open_link_and_run(&s).await;
    // Watch for CSP violations from here on (exports, PNG rendering, the embed preview).
    js(
        &c,
        "window.__csp = []; document.addEventListener('securitypolicyviolation', \
         e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI)); return 0;",
    )
    .await;
    click(&c, "export-menu").await;

    click(&c, "export-csv").await;
    let (name, csv) = last_export(&c).await;
    assert!(name.ends_with(".csv"), "{name}");
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("summary row").split(',').collect();
    let col = |k: &str| row[head.iter().position(|h| *h == k).expect(k)].to_string();
    assert_eq!(col("row"), "summary");
    assert_eq!(
        col("committed"),
        text_of(&c, "summary-committed").await.trim()
    );
    assert_eq!(col("committed"), want.committed.to_string());
    assert_eq!(col("trace_hash"), text_of(&c, "trace-hash").await.trim());
    let p50: f64 = col("latency_p50_ms").parse().expect("p50");
    assert_eq!(
        format!("{p50:.3}"),
        text_of(&c, "summary-p50").await.trim(),
        "CSV p50 rounds to the summary"
    );
    let thr = attr(&c, "summary-throughput", "data-value").await;
    assert_eq!(col("throughput_req_s"), thr);
    assert_eq!(csv.lines().filter(|l| l.starts_with("node,")).count(), 7);

    click(&c, "export-json").await;
    let (_, json) = last_export(&c).await;
    let got: serde_json::Value = serde_json::from_str(&json).expect("report JSON");
    let native = serde_json::to_value(&want).expect("report to JSON");
    assert_eq!(got["trace_hash"], native["trace_hash"]);
    assert_eq!(got["committed"], native["committed"]);
    assert_eq!(got["latency_ms"], native["latency_ms"]);
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object().expect("object").keys().cloned().collect()
    };
    assert_eq!(
        keys(&got),
        keys(&native),
        "same schema as fpaxos run --json"
    );

    click(&c, "export-scenario").await;
    let (_, sc) = last_export(&c).await;
    assert_eq!(Scenario::from_json(&sc).expect("scenario JSON"), s);

    click(&c, "export-command").await;
    let cmd = text_of(&c, "command-line").await;
    let cmd = if cmd.is_empty() {
        last_export(&c).await.1
    } else {
        cmd
    };
    assert!(cmd.starts_with("fpaxos url --decode '") && cmd.ends_with("' | fpaxos run - --json"));
    let link = cmd.split('\'').nth(1).expect("quoted link");
    assert_eq!(decode_fragment(link).expect("command link").scenario, s);

    for chart in ["throughput", "nodes", "spacetime"] {
        click(&c, &format!("export-svg-{chart}")).await;
        let (name, svg) = last_export(&c).await;
        assert!(name.ends_with(&format!("{chart}.svg")), "{name}");
        assert!(
            svg.starts_with("<svg"),
            "{chart}: {}",
            &svg[..svg.len().min(80)]
        );
        assert!(
            svg_is_well_formed(&c, &svg).await,
            "{chart}: well-formed SVG"
        );
        assert!(svg.contains(&want.trace_hash), "caption names the run");
        assert!(
            svg.contains("&lt;b&gt;bold?&lt;/b&gt;"),
            "names are escaped"
        );
        if chart == "spacetime" {
            assert!(
                svg.contains("<line") && !svg.contains("<image"),
                "the space-time export is vector, not pixels"
            );
        }
    }
    click(&c, "export-png-throughput").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !last_export(&c).await.0.ends_with("throughput.png") {
        assert!(Instant::now() < deadline, "PNG export never finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Import: an invalid file is refused with a message; the run stays.
    let mut bad = s.clone();
    bad.cluster.nodes = 0;
    import_text(&c, &bad.to_json_pretty()).await;
    let msg = text_of(&c, "import-error").await;
    assert!(msg.contains("not imported"), "{msg}");
    assert_eq!(text_of(&c, "trace-hash").await.trim(), want.trace_hash);
    // A valid file replaces the scenario.
    import_text(&c, &Scenario::default().to_json_pretty()).await;
    run_to_end(&c).await;
    let def = run(&Scenario::default()).expect("runs");
    assert_eq!(text_of(&c, "trace-hash").await.trim(), def.trace_hash);

    // The embed dialog writes a snippet and previews it, all within the CSP.
    click(&c, "open-embed").await;
    let snippet = c
        .find(Locator::Css(&tid("embed-snippet")))
        .await
        .expect("snippet")
        .prop("value")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    for part in [
        "<iframe src=\"",
        "?embed#s=1.",
        "width=\"600\"",
        "height=\"400\"",
        "title=\"",
        "loading=\"lazy\"",
        "sandbox=\"allow-scripts\"",
    ] {
        assert!(snippet.contains(part), "{part} in {snippet}");
    }
    assert!(exists(&c, "embed-dialog").await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // `FPAXOS_SHOTS=DIR` keeps a screenshot of the dialog with its live preview.
    if let Some(dir) = std::env::var_os("FPAXOS_SHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(PathBuf::from(dir).join("embed-dialog.png"), png).expect("write shot");
    }
    let csp = js(&c, "return window.__csp;").await;
    assert_eq!(csp, serde_json::json!([]), "CSP violations");
    // Only the page's own files were ever requested.
    let remote = js(
        &c,
        "return performance.getEntriesByType('resource').map(e => e.name)\
           .filter(u => !u.startsWith(location.origin) && !u.startsWith('blob:') && !u.startsWith('data:'));",
    )
    .await;
    assert_eq!(remote, serde_json::json!([]));
    c.close().await.ok();
}

/// Feeds `text` to the import file picker as a file.
async fn import_text(c: &Client, text: &str) {
    c.execute(
        "const input = document.querySelector(\"[data-testid='import-scenario']\");\
         const dt = new DataTransfer();\
         dt.items.add(new File([arguments[0]], 'scenario.json', { type: 'application/json' }));\
         input.files = dt.files;\
         input.dispatchEvent(new Event('change', { bubbles: true }));\
         return 0;",
        vec![serde_json::json!(text)],
    )
    .await
    .expect("import");
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn page_runs_under_its_csp_and_links_load_nothing_remote() {
    let s = Scenario {
        name: "<img src=\"http://192.0.2.1/x.png\"><script>alert(1)</script>".into(),
        notes: "<iframe src=\"http://192.0.2.1/\"></iframe><link rel=stylesheet href=http://192.0.2.1/a.css>"
            .into(),
        ..Scenario::default()
    };
    let (_driver, c) = open_link_and_run(&s).await;
    let csp = js(
        &c,
        "return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content;",
    )
    .await;
    let csp = csp.as_str().unwrap_or_default().to_string();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("'sha256-"),
        "{csp}"
    );
    assert!(
        !csp.contains("TRUNK-BOOTSTRAP"),
        "the hook pinned the hash: {csp}"
    );
    let v = js(
        &c,
        "return { img: document.querySelectorAll('#app img').length,\
           frames: document.querySelectorAll('#app iframe').length,\
           scripts: document.querySelectorAll('#app script').length,\
           remote: performance.getEntriesByType('resource').map(e => e.name)\
             .filter(u => !u.startsWith(location.origin)) };",
    )
    .await;
    assert_eq!(
        v,
        serde_json::json!({"img": 0, "frames": 0, "scripts": 0, "remote": []})
    );
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_panels_travel_in_the_link() {
    let (_driver, c) = open(1280, 900, base_url()).await;
    // The page draws after its wasm loads, which can be after `goto` returns: wait for it.
    text_of(&c, "spacetime").await;
    click(&c, "panel-toggle-spacetime").await;
    let view = wait_link(&c, "panels never reached the link", |l| {
        !l.view.panels.is_empty()
    })
    .await
    .view;
    assert!(
        !view.panels.iter().any(|p| p == "spacetime"),
        "{:?}",
        view.panels
    );
    assert!(
        view.panels.iter().any(|p| p == "charts"),
        "{:?}",
        view.panels
    );
    assert!(!exists(&c, "spacetime").await, "the closed panel is gone");
    // The link reopens with the same panels.
    let link = share_url(base_url(), &Scenario::default(), &view);
    c.goto("about:blank").await.expect("blank");
    c.goto(&link).await.expect("open link");
    wait_mounted(&c).await;
    assert!(
        !exists(&c, "spacetime").await,
        "panel stays closed from the link"
    );
    assert!(exists(&c, "chart-throughput").await);
    c.close().await.ok();
}
