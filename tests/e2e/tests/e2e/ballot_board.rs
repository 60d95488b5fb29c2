//! The ballot board: on the split-brain preset run to the end it shows two values chosen for one
//! slot and the empty intersection of the chosen Q2 and the next Q1, and its SVG export carries
//! the same board; on a safe preset it highlights a non-empty intersection; on a phone the board
//! scrolls inside its panel instead of widening the page. With `FPAXOS_SHOTS=DIR` it saves
//! desktop and phone screenshots of the board and its exported SVG there.

use fantoccini::Client;
use fpaxos_e2e::*;
use std::time::Duration;

async fn run_preset(width: u32, height: u32, preset: &str) -> (Driver, Client) {
    let (driver, c) = open(width, height, &format!("{}?preset={preset}", base_url())).await;
    text_of(&c, "run-status").await;
    click(&c, "run-to-end").await;
    wait_text(&c, "run-status", "done", 240).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    js(
        &c,
        "document.querySelector(\"[data-testid='ballot-board']\").scrollIntoView();",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    (driver, c)
}

async fn shot(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("FPAXOS_SHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(format!("{dir}/{name}.png"), png).expect("write screenshot");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn split_brain_shows_two_chosen_values_and_an_empty_intersection() {
    let (_driver, c) = run_preset(1280, 800, "split-brain").await;
    assert_eq!(attr(&c, "ballot-board", "data-conflicts").await, "2");
    assert_eq!(attr(&c, "ballot-board", "data-intersection").await, "empty");
    let verdict = text_of(&c, "ballot-board-verdict").await;
    assert!(
        verdict.contains("CONFLICT: 2 different values"),
        "{verdict}"
    );
    assert!(verdict.contains("EMPTY"), "{verdict}");
    let marked = js(
        &c,
        "const b = document.querySelector(\"[data-testid='ballot-board']\");\
         return [b.querySelectorAll('td.bb-q2').length, b.querySelectorAll('td.bb-q1').length,\
                 b.querySelectorAll('td.bb-conflict').length, b.querySelectorAll('td.bb-inter').length];",
    )
    .await;
    let n = |i: usize| marked[i].as_u64().unwrap_or(0);
    assert!(n(0) >= 2 && n(1) >= 2, "Q2 and Q1 cells marked: {marked}");
    assert!(n(2) >= 4, "both values' acceptances marked: {marked}");
    assert_eq!(n(3), 0, "no cell in the (empty) intersection: {marked}");
    shot(&c, "ballot-board-desktop").await;

    // The SVG export draws the board the panel shows.
    let slot = attr(&c, "ballot-board", "data-slot").await;
    js(
        &c,
        "document.querySelector(\"[data-testid='export-menu']\").open = true;",
    )
    .await;
    click(&c, "export-svg-ballots").await;
    let (name, svg) = last_export(&c).await;
    assert!(name.ends_with("ballots.svg"), "{name}");
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.contains("data-figure=\"ballot-board\""));
    assert!(
        svg.contains(&format!("Ballot board, slot {slot}")),
        "{slot}"
    );
    assert!(svg.contains("EMPTY") && svg.contains("CONFLICT"));
    assert!(svg_is_well_formed(&c, &svg).await, "well-formed SVG");
    if let Ok(dir) = std::env::var("FPAXOS_SHOTS") {
        std::fs::write(format!("{dir}/ballot-board.svg"), &svg).expect("write SVG");
    }

    // The picker: bad input is refused with a message; another slot shows that slot.
    set_value(&c, "ballot-board-slot", "x").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(attr(&c, "ballot-board", "data-slot").await, slot);
    set_value(&c, "ballot-board-slot", "0").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(attr(&c, "ballot-board", "data-slot").await, "0");
    assert_eq!(attr(&c, "ballot-board", "data-conflicts").await, "0");
    click(&c, "ballot-board-auto").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(attr(&c, "ballot-board", "data-slot").await, slot);
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_safe_run_highlights_a_non_empty_intersection() {
    let (_driver, c) = run_preset(1280, 800, "leader-failure").await;
    assert_eq!(attr(&c, "ballot-board", "data-conflicts").await, "0");
    let inter = attr(&c, "ballot-board", "data-intersection").await;
    assert!(
        !inter.is_empty() && inter != "empty" && inter != "none",
        "{inter}"
    );
    let cells = js(
        &c,
        "return document.querySelectorAll(\"[data-testid='ballot-board'] td.bb-inter\").length;",
    )
    .await;
    assert!(
        cells.as_u64().unwrap_or(0) >= 2,
        "intersection cells in both rows: {cells}"
    );
    let verdict = text_of(&c, "ballot-board-verdict").await;
    assert!(verdict.contains("Intersection: {"), "{verdict}");
    // Colour is never the only cue: each highlighted cell carries its mark as text, visible.
    let marks = js(
        &c,
        "return [...document.querySelectorAll(\"[data-testid='ballot-board'] td.bb-q2, [data-testid='ballot-board'] td.bb-q1\")]           .map(td => { const m = td.querySelector('.bb-mark'); const r = m && m.getBoundingClientRect(); const t = td.getBoundingClientRect();             return [td.className, m ? m.textContent : '', !!r && r.right <= t.right + 0.5 && r.width > 0]; });",
    )
    .await;
    for m in marks.as_array().into_iter().flatten() {
        let class = m[0].as_str().unwrap_or_default();
        let text = m[1].as_str().unwrap_or_default();
        let want = if class.contains("bb-q2") { "Q2" } else { "Q1" };
        assert!(text.contains(want), "{m}");
        assert_eq!(
            m[2],
            serde_json::json!(true),
            "mark visible inside its cell: {m}"
        );
    }
    shot(&c, "ballot-board-safe").await;
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_phone_the_board_scrolls_inside_its_panel() {
    let (_driver, c) = run_preset(390, 844, "split-brain").await;
    let w = js(
        &c,
        "const b = document.querySelector(\"[data-testid='ballot-board']\");\
         return [b.getBoundingClientRect().right, window.innerWidth, document.documentElement.scrollWidth];",
    )
    .await;
    let f = |i: usize| w[i].as_f64().unwrap_or(f64::NAN);
    assert!(f(0) <= f(1) + 0.5, "the panel fits the phone: {w}");
    assert!(f(2) <= f(1) + 0.5, "the page does not scroll sideways: {w}");
    assert_eq!(attr(&c, "ballot-board", "data-intersection").await, "empty");
    shot(&c, "ballot-board-phone").await;
    c.close().await.ok();
}
