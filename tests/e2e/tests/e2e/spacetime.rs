//! The space-time diagram zoomed fully out on the default run after run to end: the window is
//! the run, the canvas has drawn content across the run's width (pixels read back), and the
//! first election (before 1 s) is still on it. With `FPAXOS_SHOTS=DIR` it also saves desktop
//! and phone screenshots of the diagram there.

use fpaxos_e2e::*;
use std::time::Duration;

/// The canvas's plot, read back: per CSS-pixel column from x = 40 (the lanes' left edge) to
/// 6 px before the right edge, whether any pixel above the axis is coloured (not white, not a
/// grey lane or grid line), and the columns holding the election star's exact purple.
const READ: &str = r#"
    const c = document.querySelector("[data-testid='spacetime']");
    const d = window.devicePixelRatio || 1;
    const ctx = c.getContext('2d');
    const img = ctx.getImageData(0, 0, c.width, c.height).data;
    const left = Math.round(40 * d), right = c.width - Math.round(6 * d);
    const bottom = c.height - Math.round(22 * d);
    let filled = 0, star = [];
    for (let x = left; x < right; x++) {
        let any = false, purple = false;
        for (let y = 0; y < bottom; y++) {
            const i = (y * c.width + x) * 4;
            const [r, g, b] = [img[i], img[i + 1], img[i + 2]];
            if (Math.max(r, g, b) - Math.min(r, g, b) > 25) any = true;
            if (Math.abs(r - 124) < 8 && Math.abs(g - 58) < 8 && Math.abs(b - 237) < 8) purple = true;
        }
        if (any) filled++;
        if (purple) star.push((x - left) / (right - left));
    }
    return { filled: filled / (right - left), star: star };
"#;

async fn num(c: &fantoccini::Client, name: &str) -> f64 {
    attr(c, "spacetime", name).await.parse().unwrap_or(f64::NAN)
}

async fn zoomed_out_after_run_to_end(width: u32, height: u32) -> (Driver, fantoccini::Client) {
    let (driver, c) = open(width, height, base_url()).await;
    text_of(&c, "run-status").await;
    click(&c, "run-to-end").await;
    wait_text(&c, "run-status", "done", 240).await;
    // "Zoom out" a dozen times never shows time after the run.
    for _ in 0..12 {
        c.find(fantoccini::Locator::Css("button[aria-label='Zoom out']"))
            .await
            .expect("zoom out button")
            .click()
            .await
            .expect("click zoom out");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        num(&c, "data-left").await,
        0.0,
        "zoomed out: the window starts at 0"
    );
    assert_eq!(
        num(&c, "data-right").await,
        10e9,
        "and ends at the run's end"
    );
    click(&c, "spacetime-whole").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    js(
        &c,
        "document.querySelector(\"section[aria-label='Space-time diagram']\").scrollIntoView();",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    (driver, c)
}

async fn shot(c: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("FPAXOS_SHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(format!("{dir}/{name}.png"), png).expect("write screenshot");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn zoomed_out_the_diagram_shows_the_whole_run_with_its_first_election() {
    let (_driver, c) = zoomed_out_after_run_to_end(1280, 800).await;
    let (left, right, span) = (
        num(&c, "data-left").await,
        num(&c, "data-right").await,
        num(&c, "data-span").await,
    );
    assert_eq!(
        (left, right, span),
        (0.0, 10e9, 10e9),
        "the window equals the run"
    );
    let window = text_of(&c, "spacetime-window").await;
    assert!(window.contains("10"), "{window}");
    assert_eq!(attr(&c, "spacetime", "data-mode").await, "density");
    let legend = text_of(&c, "spacetime-legend").await;
    assert!(
        legend.starts_with("Density view"),
        "the legend names the mode: {legend}"
    );
    assert!(
        !exists(&c, "spacetime-discarded").await,
        "nothing was discarded"
    );
    let read = js(&c, READ).await;
    let filled = read["filled"].as_f64().unwrap_or(0.0);
    assert!(
        filled >= 0.9,
        "drawn across {:.0} % of the run's width",
        filled * 100.0
    );
    let star: Vec<f64> = read["star"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
        .unwrap_or_default();
    assert!(
        star.first().is_some_and(|x| *x < 0.1),
        "the first election (t < 1 s) is drawn: star columns at {star:?}"
    );
    // Hovering a density cell names its counts.
    let tip = js(
        &c,
        r#"const st = document.querySelector("[data-testid='spacetime']");
           const r = st.getBoundingClientRect();
           const draw0 = st.dataset.drawMs;
           st.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + 300, clientY: r.top + 40, bubbles: true }));
           return [draw0, st.dataset.drawMs];"#,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let text = js(&c, "return document.querySelector('.st-tip').textContent;").await;
    let text = text.as_str().unwrap_or_default().to_string();
    println!("hover: {tip} {text}");
    assert!(
        text.contains("messages sent") || text.starts_with('#'),
        "hover names a cell's counts or an arrow: {text}"
    );
    shot(&c, "spacetime-desktop").await;
    // "Follow cursor" goes back to the default window at the cursor: every arrow drawn.
    click(&c, "spacetime-follow").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(attr(&c, "spacetime", "data-mode").await, "every");
    assert_eq!(
        num(&c, "data-right").await,
        10e9,
        "following the cursor at the end"
    );
    hovering_an_arrow_names_its_message(&c).await;
    shot(&c, "spacetime-detail").await;
    c.close().await.ok();
}

/// Points (client coordinates) on the canvas halfway between the first two lanes where a
/// coloured pixel is drawn: an arrow crossing there (marks stay within 7 px of their lane).
const ARROW_POINTS: &str = r#"
    const c = document.querySelector("[data-testid='spacetime']");
    const d = window.devicePixelRatio || 1, r = c.getBoundingClientRect();
    const lane = (c.height / d - 22) / 6, y = Math.round(lane);
    const row = c.getContext('2d').getImageData(0, Math.round(y * d), c.width, 1).data;
    const out = [];
    for (let x = Math.round(45 * d); x < c.width - 10 * d && out.length < 12; x += 1) {
        const [R, G, B] = [row[x * 4], row[x * 4 + 1], row[x * 4 + 2]];
        if (Math.max(R, G, B) - Math.min(R, G, B) > 25) { out.push([r.left + x / d, r.top + y]); x += 20 * d; }
    }
    return out;
"#;

/// Zoomed in (every arrow drawn): hovering an arrow shows that one message in the tooltip and
/// highlights it on the overlay, without repainting the diagram.
async fn hovering_an_arrow_names_its_message(c: &fantoccini::Client) {
    let points = js(c, ARROW_POINTS).await;
    let points: Vec<(f64, f64)> = points
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    assert!(!points.is_empty(), "arrows are drawn between n0 and n1");
    let paints = attr(c, "spacetime", "data-paints").await;
    let mut tip = String::new();
    for (x, y) in points {
        js(
            c,
            &format!(
                "document.querySelector(\"[data-testid='spacetime']\").dispatchEvent(\
                 new PointerEvent('pointermove', {{ clientX: {x}, clientY: {y}, bubbles: true }}));"
            ),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        tip = text_of(c, "spacetime-tip").await;
        if tip.starts_with('#') {
            break;
        }
    }
    println!("arrow hover: {tip}");
    assert!(
        tip.starts_with('#') && tip.contains(" → ") && tip.contains("sent"),
        "hovering an arrow names its message: {tip:?}"
    );
    let highlighted = js(
        c,
        r#"const o = document.querySelector("[data-testid='spacetime-hover']");
           const img = o.getContext('2d').getImageData(0, 0, o.width, o.height).data;
           let n = 0; for (let i = 3; i < img.length; i += 4) if (img[i] > 0) n++; return n;"#,
    )
    .await;
    assert!(
        highlighted.as_f64().unwrap_or(0.0) > 10.0,
        "the hovered arrow is highlighted on the overlay: {highlighted}"
    );
    assert_eq!(
        attr(c, "spacetime", "data-paints").await,
        paints,
        "hovering does not repaint the diagram"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn zoomed_out_on_a_phone() {
    let (_driver, c) = zoomed_out_after_run_to_end(390, 844).await;
    assert_eq!(
        num(&c, "data-right").await - num(&c, "data-left").await,
        10e9
    );
    let filled = js(&c, READ).await["filled"].as_f64().unwrap_or(0.0);
    assert!(
        filled >= 0.9,
        "drawn across {:.0} % of the run's width",
        filled * 100.0
    );
    shot(&c, "spacetime-phone").await;
    c.close().await.ok();
}
