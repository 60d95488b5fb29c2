#!/usr/bin/env bash
# Measures the space-time diagram at full zoom-out on a run of over a million messages: the
# default scenario run for 60 s (about 1.17 M message events), run to end in headless Chromium,
# then "Whole run". Prints the diagram log's memory and the wall time of each redraw (the
# canvas's own paint, `data-draw-ms`, and event-to-next-frame) for zoom (zoom in / whole run),
# pan (drag at half the run) and pointer moves (hover over density cells). Target: every redraw
# <= 16 ms, retained trace <= ~64 MB. A measurement, not a test: it never fails on a number.
# Usage: scripts/measure-spacetime.sh [dist-dir]   (build first: trunk build --release --offline)
# Needs: python3, node >= 18 (for fetch), chromium and chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${1:-dist}
PORT=${PORT:-8767}
DPORT=${DPORT:-9517}
# `fpaxos url --duration 60s`: the default scenario, 60 s long.
LINK=${LINK:-'#s=1.q1YqVrKqVkopLUosyczPU7JSMjMoVqqtBQA'}
[ -f "$DIST/index.html" ] || { echo "no $DIST/index.html: run trunk build --release --offline" >&2; exit 1; }

source scripts/serve-and-drive.sh
serve_and_drive "$DIST" "$PORT" "$DPORT"

URL="http://127.0.0.1:$PORT/$LINK" WD="http://127.0.0.1:$DPORT" CHROME_BIN="$(command -v chromium || true)" node - <<'JS'
const wd = process.env.WD, url = process.env.URL;
async function call(method, path, body) {
  const r = await fetch(wd + path, { method, headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(JSON.stringify(j));
  return j.value;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MEASURE = `
const done = arguments[arguments.length - 1];
(async () => {
  const q = (s) => document.querySelector(s);
  const st = q("[data-testid='spacetime']"), ov = q("[data-testid='spacetime-overview']");
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const res = { zoom: [], pan: [], hover: [], zoomE2E: [], panE2E: [], hoverE2E: [], overview: [] };
  const measure = async (act, key) => {
    const t0 = performance.now(); act(); await frame(); await frame();
    res[key + 'E2E'].push(performance.now() - t0);
    res[key].push(parseFloat(st.dataset.drawMs));
    res.overview.push(parseFloat(ov.dataset.drawMs));
  };
  const zin = q("button[aria-label='Zoom in']"), whole = q("[data-testid='spacetime-whole']");
  for (let i = 0; i < 10; i++) { await measure(() => zin.click(), 'zoom'); await measure(() => whole.click(), 'zoom'); }
  await frame();
  const r = st.getBoundingClientRect();
  const ev = (type, x, buttons) => new PointerEvent(type, { clientX: x, clientY: r.top + 30, bubbles: true, buttons });
  for (let i = 0; i < 20; i++) await measure(() => st.dispatchEvent(ev('pointermove', r.left + 60 + i * (r.width - 80) / 20, 0)), 'hover');
  st.dispatchEvent(ev('pointerleave', 0, 0));
  zin.click(); await frame(); await frame();
  st.dispatchEvent(ev('pointerdown', r.left + 600, 1));
  for (let i = 1; i <= 20; i++) await measure(() => st.dispatchEvent(ev('pointermove', r.left + 600 + i * 15, 1)), 'pan');
  st.dispatchEvent(ev('pointerup', 0, 0));
  done(res);
})();`;
const stats = (a) => { const s = [...a].filter((x) => !isNaN(x)).sort((x, y) => x - y);
  return `median ${s[s.length >> 1].toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length})`; };
(async () => {
  const opts = { args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,800'] };
  if (process.env.CHROME_BIN) opts.binary = process.env.CHROME_BIN;
  const s = await call('POST', '/session', { capabilities: { alwaysMatch: { 'goog:chromeOptions': opts } } });
  const id = s.sessionId;
  const run = (script) => call('POST', `/session/${id}/execute/sync`, { script, args: [] });
  const text = (tid) => run(`const e = document.querySelector("[data-testid='${tid}']"); return e ? e.textContent : '';`);
  try {
    await call('POST', `/session/${id}/timeouts`, { script: 120000 });
    await call('POST', `/session/${id}/url`, { url });
    for (let i = 0; i < 300 && !(await text('run-to-end')); i++) await sleep(100);
    const t0 = Date.now();
    await run(`document.querySelector("[data-testid='run-to-end']").click();`);
    while ((await text('run-status')).trim() !== 'done') {
      if (Date.now() - t0 > 900000) throw new Error('run to end did not finish in 15 min');
      await sleep(500);
    }
    console.log(`run to end, default scenario for 60 s: ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
    await run(`document.querySelector("[data-testid='spacetime-whole']").click();
      document.querySelector("section[aria-label='Space-time diagram']").scrollIntoView();`);
    await sleep(1000);
    const a = await run(`const c = document.querySelector("[data-testid='spacetime']");
      return { mode: c.dataset.mode, bytes: +c.dataset.logBytes, left: c.dataset.left, right: c.dataset.right,
               legend: document.querySelector("[data-testid='spacetime-legend']").textContent };`);
    console.log('== space-time diagram, whole run (headless Chromium, this machine) ==');
    console.log(`window: ${a.left}..${a.right} ns, mode ${a.mode}`);
    console.log(`legend: ${a.legend}`);
    console.log(`retained diagram memory (log + density index): ${(a.bytes / 1048576).toFixed(1)} MiB`);
    const res = await call('POST', `/session/${id}/execute/async`, { script: MEASURE, args: [] });
    console.log(`zoom  (zoom in / whole run) paint: ${stats(res.zoom)}; event to next frame: ${stats(res.zoomE2E)}`);
    console.log(`pan   (drag, half the run)  paint: ${stats(res.pan)}; event to next frame: ${stats(res.panE2E)}`);
    console.log(`hover (pointer over cells)  paint: ${stats(res.hover)}; event to next frame: ${stats(res.hoverE2E)}`);
    console.log(`overview strip paint (same events): ${stats(res.overview)}`);
  } finally {
    await call('DELETE', `/session/${id}`);
  }
})().catch((e) => { console.error('measurement failed:', e.message); process.exit(1); });
JS
