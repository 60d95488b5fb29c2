//! Harness for the end-to-end tests (`tests/e2e/main.rs`): a static file server for the built
//! page, a chromedriver process, a headless Chromium session, and the waits and lookups by
//! `data-testid` that every test uses. Everything runs on 127.0.0.1.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The built page: `$FPAXOS_DIST` when set (to test a build made elsewhere with `trunk build
/// --dist DIR`), else the repository's `dist/` (built by `trunk build --release --offline`).
pub fn dist_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("FPAXOS_DIST").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist")
}

/// The URL of the built page, served once for the whole test binary (every test shares the
/// server). Panics with the build command when there is no build.
pub fn base_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "build the page first: trunk build --release --offline (or set FPAXOS_DIST)"
        );
        serve_dir(dist)
    })
}

/// Serves `root` over HTTP on a free port in a background thread; returns the base URL.
pub fn serve_dir(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let port = listener.local_addr().expect("local addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, &root);
            });
        }
    });
    format!("http://127.0.0.1:{port}/")
}

// Sends `Access-Control-Allow-Origin: *` (as GitHub Pages does): a `sandbox="allow-scripts"` frame
// has an opaque origin and loads the page's module script and wasm in CORS mode.
fn handle(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let mut file = root.join(if rel.is_empty() { "index.html" } else { rel });
    if file.is_dir() {
        file = file.join("index.html");
    }
    let ok = !rel.contains("..") && file.is_file();
    let (status, body) = if ok {
        ("200 OK", std::fs::read(&file).unwrap_or_default())
    } else {
        ("404 Not Found", b"not found".to_vec())
    };
    let ctype = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    let _ = stream.read(&mut [0u8; 0]);
    Ok(())
}

/// A running chromedriver, killed on drop.
pub struct Driver {
    child: Child,
    /// Its WebDriver URL.
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver and the browsers it started form a process group of their own: killing
        // the group also ends a browser whose session a test did not close (killing
        // chromedriver alone left such browsers running, orphaned).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver (`$CHROMEDRIVER` or `chromedriver` on PATH) on a free port.
pub fn start_driver() -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let child = Command::new(bin)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver must be installed (scripts/setup.sh installs it)");
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// Opens a headless Chromium session of the given window size.
pub async fn browser(driver: &Driver, width: u32, height: u32) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--no-first-run", "--disable-sync", "--disable-quic",
                     format!("--window-size={width},{height}")],
            "binary": std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        }),
    );
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("connect to chromedriver")
}

/// Starts chromedriver and opens a browser of the given size on `url`. Keep the driver alive
/// (`let (_driver, c) = ...`) as long as the session is used: dropping it stops chromedriver.
pub async fn open(width: u32, height: u32, url: &str) -> (Driver, Client) {
    let driver = start_driver();
    let c = browser(&driver, width, height).await;
    c.goto(url)
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"));
    (driver, c)
}

/// The element `css` selects, once it exists (up to 30 s); panics naming `what` otherwise.
pub async fn wait_element(c: &Client, css: &str, what: &str) -> Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Waits for the frame `css` selects (up to 30 s) and enters it: later calls act inside it
/// until `enter_parent_frame`.
pub async fn enter_frame(c: &Client, css: &str) {
    let frame = wait_element(c, css, "the frame").await;
    frame.enter_frame().await.expect("enter frame");
}

/// Waits until the element with `data-testid=id` exists and returns its text.
pub async fn text_of(c: &Client, id: &str) -> String {
    let el = wait_element(c, &tid(id), &format!("no element {id}")).await;
    el.text().await.unwrap_or_default()
}

/// Waits until `data-testid=id` has exactly `want` as text.
pub async fn wait_text(c: &Client, id: &str, want: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let t = text_of(c, id).await;
        if t.trim() == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{id}: waited for {want:?}, have {t:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// CSS selector for a test id.
pub fn tid(id: &str) -> String {
    format!("[data-testid='{id}']")
}

/// Sets an input's value and fires `input` and `change`, as a user edit would.
pub async fn set_value(c: &Client, id: &str, value: &str) {
    wait_element(c, &tid(id), &format!("no element {id}")).await;
    let js = r#"
        const [sel, v] = arguments;
        const el = document.querySelector(sel);
        const proto = el.tagName === 'SELECT' ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
    "#;
    c.execute(
        js,
        vec![serde_json::json!(tid(id)), serde_json::json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("set {id}={value}: {e}"));
}

/// Clicks the element with `data-testid=id`.
pub async fn click(c: &Client, id: &str) {
    let el = wait_element(c, &tid(id), &format!("no element {id}")).await;
    el.click()
        .await
        .unwrap_or_else(|e| panic!("click {id}: {e}"));
}

/// The attribute `name` of the element with `data-testid=id` (empty when it has none), once
/// the element exists (up to 30 s). Panics when there is no such element.
pub async fn attr(c: &Client, id: &str, name: &str) -> String {
    let el = wait_element(c, &tid(id), id).await;
    el.attr(name).await.ok().flatten().unwrap_or_default()
}

/// Waits until the page has mounted all its parts (the panels below the fold come a frame or
/// two after the first paint), so that `exists` can tell a closed panel from a late one.
pub async fn wait_mounted(c: &Client) {
    let all = "[data-testid='page'][data-mounted='true']";
    wait_element(c, all, "the page did not mount all its parts").await;
}

/// Whether the element with `data-testid=id` is on the page now (no waiting).
pub async fn exists(c: &Client, id: &str) -> bool {
    c.find(Locator::Css(&tid(id))).await.is_ok()
}

/// Runs `script` in the page and returns its result.
pub async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Asserts that the page's simulation workers answered (the jobs did not fall back to running
/// on the main thread): `window.__fpaxos_workers` (web/src/run/pool.rs).
pub async fn assert_workers_answered(c: &Client) {
    let w = js(c, "return window.__fpaxos_workers || null;").await;
    assert_eq!(w["inline"], false, "workers failed, jobs ran inline: {w}");
    assert!(
        w["answered"].as_u64().unwrap_or(0) > 0,
        "no worker answered: {w}"
    );
}

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Records every long task (a main-thread task over 50 ms) of every page this session opens
/// from now on, into `window.__longtasks` as `{start, dur}` in ms: a `PerformanceObserver` for
/// `longtask` registered before the page's own scripts run (CDP
/// `Page.addScriptToEvaluateOnNewDocument`). Call before navigating.
pub async fn watch_long_tasks(c: &Client) {
    let source = "window.__longtasks = [];\
        try { new PerformanceObserver(l => { for (const e of l.getEntries()) \
          window.__longtasks.push({ start: e.startTime, dur: e.duration }); })\
          .observe({ type: 'longtask', buffered: true }); } catch (e) { window.__longtasks = null; }";
    c.issue_cmd(Cdp {
        cmd: "Page.addScriptToEvaluateOnNewDocument",
        params: serde_json::json!({ "source": source }),
    })
    .await
    .expect("CDP Page.addScriptToEvaluateOnNewDocument");
}

/// The page's clock (`performance.now()`, ms since navigation).
pub async fn page_now(c: &Client) -> f64 {
    js(c, "return performance.now();")
        .await
        .as_f64()
        .unwrap_or(0.0)
}

/// Durations (ms) of the long tasks that started at or after `since` (a [`page_now`] reading).
/// Panics when the page has no long-task recording ([`watch_long_tasks`] first).
pub async fn long_tasks_since(c: &Client, since: f64) -> Vec<f64> {
    // Let the observer deliver the entries of the last task.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let v = js(
        c,
        "return window.__longtasks === undefined ? 'none' : window.__longtasks;",
    )
    .await;
    let list = v
        .as_array()
        .unwrap_or_else(|| panic!("no long-task recording in the page: {v}"));
    list.iter()
        .filter(|e| e["start"].as_f64().unwrap_or(0.0) >= since)
        .filter_map(|e| e["dur"].as_f64())
        .collect()
}

/// Parses a summary number as shown on the page ("1,234", "12.5 ms", ...).
pub fn number(text: &str) -> f64 {
    let t: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',' || *c == '-')
        .filter(|c| *c != ',')
        .collect();
    t.parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// The page's last export (`data-testid="last-export"`, web/src/browser.rs): its file name and
/// text (empty strings before the first export).
pub async fn last_export(c: &Client) -> (String, String) {
    let v = js(
        c,
        "const t = document.querySelector(\"[data-testid='last-export']\");\
         return t ? [t.getAttribute('data-name'), t.value] : ['', ''];",
    )
    .await;
    (
        v[0].as_str().unwrap_or_default().to_string(),
        v[1].as_str().unwrap_or_default().to_string(),
    )
}

/// Whether `svg` parses as an SVG document in the browser (no `parsererror`, root `<svg>`).
pub async fn svg_is_well_formed(c: &Client, svg: &str) -> bool {
    let ok = c
        .execute(
            "const d = new DOMParser().parseFromString(arguments[0], 'image/svg+xml');\
             return !d.querySelector('parsererror') && d.documentElement.nodeName === 'svg';",
            vec![serde_json::json!(svg)],
        )
        .await
        .expect("parse");
    ok == serde_json::json!(true)
}

/// Waits up to `secs` until the safety banner reports a violation; `what` names the run in the
/// failure message.
pub async fn wait_violation(c: &Client, secs: u64, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while attr(c, "safety-banner", "data-ok").await != "false" {
        assert!(Instant::now() < deadline, "{what} shows no violation");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
