//! The Export menu's animation: after playing the default scenario a little, 0–500 ms recorded
//! at 5 fps from each view gives a WebM file (EBML magic `1A 45 DF A3`, more than a few KB) that
//! a `<video>` loads, named `<stem>-cluster.webm` / `<stem>-spacetime.webm`; the page's time
//! cursor is where it was. A range with From after To shows a message and no Record button works.
//! With `FPAXOS_SHOTS=DIR`, desktop and phone screenshots of the section go there.

use fantoccini::Client;
use fpaxos_e2e::*;
use std::time::{Duration, Instant};

/// Reads the last recording: name, size, first bytes and the whole file as base64.
const PROBE: &str = r#"
    const done = arguments[arguments.length - 1];
    const a = window.__fpaxos_last_animation;
    if (!a) { done({ error: 'no recording' }); return; }
    a.blob.arrayBuffer().then(buf => {
        const bytes = new Uint8Array(buf);
        let bin = '';
        for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
        done({ name: a.name, size: a.size, magic: Array.from(bytes.slice(0, 4)), b64: btoa(bin) });
    });
"#;

/// Loads base64 WebM bytes into a `<video>` (on a page without the playground's
/// Content-Security-Policy, which allows no media) and reports its metadata.
const PLAY: &str = r#"
    const [b64, done] = arguments;
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const v = document.createElement('video');
    v.muted = true;
    const t = setTimeout(() => done({ error: 'no metadata in 10 s' }), 10000);
    // Shown and played for a second, for a screenshot of a real frame.
    v.onloadedmetadata = () => {
        clearTimeout(t);
        const m = { w: v.videoWidth, h: v.videoHeight };
        v.play().then(() => setTimeout(() => { v.pause(); m.played = v.currentTime; done(m); }, 1200), () => done(m));
    };
    document.body.replaceChildren(v);
    v.onerror = () => { clearTimeout(t); done({ error: 'video error ' + (v.error && v.error.code) }); };
    v.src = URL.createObjectURL(new Blob([bytes], { type: 'video/webm' }));
"#;

async fn open_menu(c: &Client) {
    text_of(c, "export-menu").await;
    js(
        c,
        "document.querySelector(\"[data-testid='export-menu']\").open = true;",
    )
    .await;
    // The menu's items are made when it first opens.
    text_of(c, "anim-section").await;
    js(
        c,
        "document.querySelector(\"[data-testid='anim-section']\").scrollIntoView();",
    )
    .await;
}

async fn shot(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("FPAXOS_SHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(format!("{dir}/{name}.png"), png).expect("write screenshot");
    }
}

/// Records 0–500 ms of `view` and returns the probe of the file.
async fn record(c: &Client, view: &str) -> serde_json::Value {
    js(c, "window.__fpaxos_last_animation = undefined;").await;
    set_value(c, "anim-view", view).await;
    set_value(c, "anim-from", "0").await;
    set_value(c, "anim-to", "500").await;
    set_value(c, "anim-fps", "5").await;
    set_value(c, "anim-speed", "250").await;
    let summary = text_of(c, "anim-summary").await;
    assert!(summary.starts_with("11 frames"), "{summary}");
    click(c, "anim-record").await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut saw_progress = false;
    loop {
        let seen = js(
            c,
            "const t = id => { const e = document.querySelector(`[data-testid='${id}']`); \
             return e ? e.textContent : null; }; return [t('anim-progress'), t('anim-status')];",
        )
        .await;
        saw_progress |= seen[0].as_str().is_some_and(|t| t.contains(" of 11"));
        if seen[1].is_string() {
            break;
        }
        assert!(Instant::now() < deadline, "{view}: no result in 120 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = text_of(c, "anim-status").await;
    assert!(status.starts_with("Saved"), "{view}: {status}");
    assert!(saw_progress, "{view}: progress showed frame i of 11");
    c.execute_async(PROBE, vec![])
        .await
        .unwrap_or_else(|e| panic!("probe: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn both_views_record_a_webm_that_a_video_element_loads() {
    let (_driver, c) = open(1280, 800, base_url()).await;
    text_of(&c, "run-status").await;
    click(&c, "play-pause").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    click(&c, "play-pause").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = text_of(&c, "sim-time").await;
    open_menu(&c).await;
    shot(&c, "animation-desktop").await;
    let mut files = Vec::new();
    for (view, suffix) in [
        ("cluster", "-cluster.webm"),
        ("spacetime", "-spacetime.webm"),
    ] {
        let p = record(&c, view).await;
        println!("{view}: {} bytes", p["size"]);
        assert!(p.get("error").is_none(), "{view}: {}", p["error"]);
        assert!(
            p["name"].as_str().is_some_and(|n| n.ends_with(suffix)),
            "{view}: {}",
            p["name"]
        );
        assert_eq!(
            p["magic"],
            serde_json::json!([0x1a, 0x45, 0xdf, 0xa3]),
            "{view}: WebM (EBML) magic"
        );
        assert!(
            p["size"].as_f64().unwrap_or(0.0) > 4000.0,
            "{view}: more than a header: {} bytes",
            p["size"]
        );
        files.push((view, p["b64"].clone()));
    }
    assert_eq!(
        text_of(&c, "sim-time").await,
        before,
        "the page's time cursor did not move"
    );
    c.goto("about:blank").await.expect("blank page");
    for (view, b64) in files {
        let m = c
            .execute_async(PLAY, vec![b64])
            .await
            .unwrap_or_else(|e| panic!("play: {e}"));
        println!("{view}: video {m}");
        shot(&c, &format!("animation-video-{view}")).await;
        assert!(m.get("error").is_none(), "{view}: {m}");
        assert!(m["w"].as_f64().unwrap_or(0.0) > 400.0, "{view}: {m}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_range_says_so_and_records_nothing() {
    let (_driver, c) = open(390, 844, base_url()).await;
    text_of(&c, "run-status").await;
    open_menu(&c).await;
    shot(&c, "animation-phone").await;
    let r = js(
        &c,
        "const r = document.querySelector('.export-pop').getBoundingClientRect(); \
         return [r.left, r.right, window.innerWidth, document.documentElement.scrollWidth];",
    )
    .await;
    println!("phone: export pop left, right, viewport, page width: {r}");
    assert!(
        r[1].as_f64().unwrap_or(1e9) <= r[2].as_f64().unwrap_or(0.0),
        "the menu fits the phone's width: {r}"
    );
    set_value(&c, "anim-from", "600").await;
    set_value(&c, "anim-to", "200").await;
    let msg = text_of(&c, "anim-error").await;
    assert!(msg.contains("must be before To"), "{msg}");
    assert_eq!(
        attr(&c, "anim-record", "disabled").await,
        "true",
        "Record is disabled"
    );
    set_value(&c, "anim-to", "900").await;
    assert!(!exists(&c, "anim-error").await, "a good range clears it");
    set_value(&c, "anim-fps", "500").await;
    let msg = text_of(&c, "anim-error").await;
    assert!(msg.contains("Frames per second"), "{msg}");
}
