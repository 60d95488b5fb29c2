//! The guided tour end to end: every chapter in `tour/` loads from `?tour=N`, narrates exactly
//! its file's text, and steps forward and back; going back lands on the same simulated time
//! (deterministic seek). Also the keys, the chapter menu, crossing into the next chapter and a
//! single-chapter embed. With `TOUR_SHOTS=DIR`, screenshots of a mid chapter go to DIR.

use fantoccini::Client;
use fpaxos_e2e::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A chapter file read independently of the page's parser: title and each step's narration,
/// whitespace-normalised.
struct File {
    steps: Vec<String>,
}

fn tour_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tour")
}

fn normal(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn chapter_files() -> Vec<File> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(tour_dir())
        .expect("tour/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("readable");
            let mut steps = Vec::new();
            for line in text.lines() {
                if line.starts_with("---") {
                    steps.push(String::new());
                } else if let Some(s) = steps.last_mut() {
                    s.push(' ');
                    s.push_str(line);
                }
            }
            File {
                steps: steps.iter().map(|s| normal(s)).collect(),
            }
        })
        .collect()
}

/// Waits until the tour shows `want` as narration and the run stands at the step's event;
/// returns the simulated time (ns).
async fn wait_step(c: &Client, want: &str, what: &str) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let text = normal(&text_of(c, "tour-text").await);
        // The clock's readiness and the event line, read together (one drawing).
        let v = js(
            c,
            "const e = document.querySelector(\"[data-testid='tour-event']\"); \
             return [document.querySelector(\"[data-testid='tour-time']\").dataset.ready, \
             e ? e.textContent : null];",
        )
        .await;
        let ready = v[0] == "true";
        if let Some(event) = v[1].as_str() {
            // At the step's moment the line says the run is paused there; before (the seek
            // under way) it says where the run is going.
            let says = if ready {
                "Paused at "
            } else {
                "Simulating to "
            };
            assert!(event.starts_with(says), "{what}: {event:?} (ready {ready})");
        }
        if text == want && ready {
            return attr(c, "tour-time", "data-ns")
                .await
                .parse()
                .expect("data-ns is a time");
        }
        assert!(
            Instant::now() < deadline,
            "{what}: waited for {want:?} (ready), have {text:?} (ready {ready})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn shot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("TOUR_SHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write shot");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_chapter_loads_narrates_and_steps_back_and_forth() {
    let files = chapter_files();
    assert!((8..=10).contains(&files.len()), "{} chapters", files.len());
    let (_driver, c) = open(1280, 800, &format!("{}?tour", base_url())).await;
    for (i, f) in files.iter().enumerate() {
        let n = i + 1;
        if n > 1 {
            c.goto(&format!("{}?tour={n}", base_url()))
                .await
                .expect("open");
        }
        let k = f.steps.len();
        let mut times = Vec::new();
        for (s, want) in f.steps.iter().enumerate() {
            assert!(!want.is_empty(), "chapter {n} step {} is empty", s + 1);
            if s > 0 {
                click(&c, "tour-next").await;
            }
            times.push(wait_step(&c, want, &format!("chapter {n} step {} forward", s + 1)).await);
            assert_eq!(
                text_of(&c, "tour-progress").await.trim(),
                format!("Chapter {n} of {} · step {} of {k}", files.len(), s + 1)
            );
            if n == 4 && s == 2 {
                shot(&c, "desktop-chapter4-step3").await;
            }
        }
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "chapter {n}: {times:?}"
        );
        for s in (0..k - 1).rev() {
            click(&c, "tour-prev").await;
            let t = wait_step(&c, &f.steps[s], &format!("chapter {n} step {} back", s + 1)).await;
            assert_eq!(
                t,
                times[s],
                "chapter {n} step {}: back is not where forward was",
                s + 1
            );
        }
    }
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_menu_and_chapter_boundaries() {
    let files = chapter_files();
    let (_driver, c) = open(1280, 800, &format!("{}?tour", base_url())).await;
    // The page draws after its wasm loads, which can be after `goto` returns: wait for it.
    text_of(&c, "tour-text").await;
    let live = attr(&c, "tour-text", "data-testid").await;
    assert_eq!(live, "tour-text");
    let aria = js(
        &c,
        "return document.querySelector(\"[data-testid='tour-text']\").closest('[aria-live]').getAttribute('aria-live');",
    )
    .await;
    assert_eq!(aria, "polite", "the narration is in a live region");
    let t0 = wait_step(&c, &files[0].steps[0], "start").await;
    shot(&c, "desktop-tour").await;
    let key = |k: &str| {
        format!("window.dispatchEvent(new KeyboardEvent('keydown', {{ key: '{k}', bubbles: true }})); return 1;")
    };
    js(&c, &key("ArrowRight")).await;
    wait_step(&c, &files[0].steps[1], "→").await;
    js(&c, &key("ArrowLeft")).await;
    assert_eq!(wait_step(&c, &files[0].steps[0], "←").await, t0);
    // Back at the very start stays put; the menu opens chapter 3.
    assert_eq!(attr(&c, "tour-prev", "disabled").await, "true");
    set_value(&c, "tour-chapter", "2").await;
    wait_step(&c, &files[2].steps[0], "menu").await;
    // Back from a chapter's first step is the previous chapter's last; next crosses back.
    click(&c, "tour-prev").await;
    let last = files[1].steps.len() - 1;
    wait_step(&c, &files[1].steps[last], "into chapter 2").await;
    click(&c, "tour-next").await;
    wait_step(&c, &files[2].steps[0], "into chapter 3").await;
    // The exit keeps the scenario: a playground link.
    let exit = attr(&c, "tour-exit", "href").await;
    assert!(exit.contains("#s=1."), "{exit}");
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_embed_shows_one_chapter_and_a_phone_fits() {
    let files = chapter_files();
    let (_driver, c) = open(390, 844, &format!("{}?embed&tour=8", base_url())).await;
    let f = &files[7];
    wait_step(&c, &f.steps[0], "embed").await;
    assert_eq!(
        attr(&c, "tour-prev", "disabled").await,
        "true",
        "no chapter 7 in this embed"
    );
    for s in 1..f.steps.len() {
        click(&c, "tour-next").await;
        wait_step(&c, &f.steps[s], "embed forward").await;
    }
    assert_eq!(
        attr(&c, "tour-next", "disabled").await,
        "true",
        "no chapter 9 in this embed"
    );
    assert!(text_of(&c, "tour-chapter").await.contains("8."));
    shot(&c, "phone-embed-chapter8-end").await;
    c.goto(&format!("{}?tour=4", base_url()))
        .await
        .expect("open");
    wait_step(&c, &files[3].steps[0], "phone").await;
    click(&c, "tour-next").await;
    wait_step(&c, &files[3].steps[1], "phone next").await;
    shot(&c, "phone-chapter4-step2").await;
    let overflow = js(
        &c,
        "return document.documentElement.scrollWidth - window.innerWidth;",
    )
    .await;
    assert!(
        overflow.as_i64().unwrap_or(0) <= 0,
        "the tour scrolls sideways on a phone: {overflow}"
    );
    c.close().await.ok();
}

async fn search(c: &Client) -> String {
    js(c, "return location.search;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_address_bar_follows_chapters_and_back_steps_back() {
    let files = chapter_files();
    let (_driver, c) = open(1280, 800, &format!("{}?tour=2", base_url())).await;
    wait_step(&c, &files[1].steps[0], "chapter 2").await;
    assert_eq!(search(&c).await, "?tour=2", "opening adds no entry");
    set_value(&c, "tour-chapter", "2").await;
    wait_step(&c, &files[2].steps[0], "menu to chapter 3").await;
    assert_eq!(search(&c).await, "?tour=3");
    // Next through chapter 3 into chapter 4.
    for s in 1..files[2].steps.len() {
        click(&c, "tour-next").await;
        wait_step(&c, &files[2].steps[s], "chapter 3 forward").await;
    }
    assert_eq!(
        search(&c).await,
        "?tour=3",
        "steps inside a chapter keep it"
    );
    click(&c, "tour-next").await;
    wait_step(&c, &files[3].steps[0], "into chapter 4").await;
    assert_eq!(search(&c).await, "?tour=4");
    // The browser's back button steps back a chapter, forward steps on again.
    c.back().await.expect("back");
    wait_step(&c, &files[2].steps[0], "back to chapter 3").await;
    assert_eq!(search(&c).await, "?tour=3");
    assert_eq!(attr(&c, "tour", "data-chapter").await, "3");
    c.back().await.expect("back");
    wait_step(&c, &files[1].steps[0], "back to chapter 2").await;
    assert_eq!(search(&c).await, "?tour=2");
    c.forward().await.expect("forward");
    wait_step(&c, &files[2].steps[0], "forward to chapter 3").await;
    assert_eq!(search(&c).await, "?tour=3");
    // An embed keeps its address.
    c.goto(&format!("{}?embed&tour=8", base_url()))
        .await
        .expect("open embed");
    wait_step(&c, &files[7].steps[0], "embed").await;
    click(&c, "tour-next").await;
    wait_step(&c, &files[7].steps[1], "embed next").await;
    assert_eq!(search(&c).await, "?embed&tour=8");
    c.close().await.ok();
}

/// Pixels of the space-time canvas in the tour's lane tint (`#ea580c` at 14 % over white).
const TINTED: &str = r#"
    const c = document.querySelector("[data-testid='spacetime']");
    const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < img.length; i += 4) {
        if (Math.abs(img[i] - 252) < 4 && Math.abs(img[i + 1] - 232) < 5 && Math.abs(img[i + 2] - 221) < 5) n++;
    }
    return [n, c.dataset.highlight];
"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_space_time_diagram_highlights_the_steps_nodes_and_messages() {
    let files = chapter_files();
    let (_driver, c) = open(1280, 800, &format!("{}?tour=2", base_url())).await;
    // Chapter 2 steps 1–2: a prepare broadcast (its sender and messages), then an election.
    for s in 0..2 {
        if s > 0 {
            click(&c, "tour-next").await;
        }
        wait_step(&c, &files[1].steps[s], "chapter 2").await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let r = js(&c, TINTED).await;
        println!("step {}: tinted pixels, marks: {r}", s + 1);
        let marks: usize = r[1].as_str().unwrap_or("0").parse().unwrap_or(0);
        assert!(marks > 0, "step {}: the diagram has marks: {r}", s + 1);
        assert!(
            r[0].as_u64().unwrap_or(0) > 500,
            "step {}: the highlighted nodes' lanes are tinted: {r}",
            s + 1
        );
    }
}
