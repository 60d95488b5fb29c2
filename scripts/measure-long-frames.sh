#!/usr/bin/env bash
# Where a load's long tasks come from. Loads the page RUNS times (6), each in a fresh headless
# Chromium session, and prints its long tasks (main-thread tasks over 50 ms) and its long
# animation frames (Chromium's Long Animation Frames API: a frame whose work took over 50 ms),
# each split into its scripts (by what invoked them: a timer, a worker's message, a frame
# callback) and the browser's style and layout. A frame long for its scripts needs less code
# or smaller slices; one long for its layout needs a lighter page (docs/performance.md, "Where
# a link's long tasks come from").
# Usage: scripts/measure-long-frames.sh [dist-dir] [query]   (default query: ?t=3000, a link
#        with a time cursor at 3 s; '' for the default page)
# Needs: python3, node >= 18 (for fetch), chromium and chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${1:-dist}
QUERY=${2-?t=3000}
PORT=${PORT:-8767}
DPORT=${DPORT:-9517}
RUNS=${RUNS:-6}
[ -f "$DIST/index.html" ] || { echo "no $DIST/index.html: run trunk build --release --offline" >&2; exit 1; }

source scripts/serve-and-drive.sh
serve_and_drive "$DIST" "$PORT" "$DPORT"

URL="http://127.0.0.1:$PORT/$QUERY" WD="http://127.0.0.1:$DPORT" RUNS="$RUNS" CHROME_BIN="$(command -v chromium || true)" node - <<'JS'
const { call, sleep, newSession } = require(process.cwd() + '/scripts/webdriver.js');
// Recorded from before navigation: long tasks, and long animation frames with their scripts.
const watch = "window.__longtasks = []; window.__loaf = [];" +
  "new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });" +
  "try { new PerformanceObserver(l => { for (const e of l.getEntries()) window.__loaf.push({ start: e.startTime, dur: e.duration," +
  " layout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0," +
  " scripts: e.scripts.map(s => [s.invoker, s.duration]) }); }).observe({ type: 'long-animation-frame', buffered: true }); }" +
  " catch (e) { window.__loaf = null; }";
(async () => {
  const runs = Number(process.env.RUNS);
  let frames = 0, scriptLed = 0, layoutLed = 0, tasks = 0, loadsWithTask = 0;
  console.log(`== ${process.env.URL}: ${runs} fresh sessions`);
  for (let r = 1; r <= runs; r++) {
    const id = await newSession();
    try {
      await call('POST', `/session/${id}/goog/cdp/execute`, { cmd: 'Page.addScriptToEvaluateOnNewDocument', params: { source: watch } });
      await call('POST', `/session/${id}/url`, { url: process.env.URL });
      // Mounted, then quiet for a while (a link's seek runs in the worker and is drawn after).
      for (let i = 0; i < 600; i++) {
        if (await call('POST', `/session/${id}/execute/sync`, { script: "const p = document.querySelector(\"[data-testid='page']\"); return !!p && p.dataset.mounted === 'true';", args: [] })) break;
        await sleep(20);
      }
      await sleep(3000);
      const [lt, loaf] = await call('POST', `/session/${id}/execute/sync`, { script: 'return [window.__longtasks, window.__loaf];', args: [] });
      if (loaf === null) { console.log('this browser has no Long Animation Frames API'); process.exit(1); }
      const long = lt.filter((d) => d > 50);
      tasks += long.length;
      if (long.length) loadsWithTask++;
      const shown = loaf.filter((f) => f.dur > 50).map((f) => {
        const script = f.scripts.reduce((a, s) => a + s[1], 0);
        frames++;
        if (f.layout > script) layoutLed++; else scriptLed++;
        const by = f.scripts.filter((s) => s[1] >= 5).map((s) => `${s[0]} ${s[1].toFixed(0)}`).join(', ');
        return `    at ${f.start.toFixed(0)} ms: ${f.dur.toFixed(0)} ms, style and layout ${f.layout.toFixed(0)}, scripts ${script.toFixed(0)}${by ? ` (${by})` : ''}`;
      });
      console.log(`load ${r}: ${long.length} long tasks [${long.map((d) => d.toFixed(0)).join(', ')}] ms; long frames:`);
      for (const s of shown) console.log(s);
    } finally {
      await call('DELETE', `/session/${id}`).catch(() => {});
    }
  }
  console.log(`${loadsWithTask} of ${runs} loads with a task over 50 ms (${tasks} tasks); ${frames} frames over 50 ms: ${scriptLed} mostly scripts, ${layoutLed} mostly style and layout`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
