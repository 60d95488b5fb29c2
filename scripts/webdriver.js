// The WebDriver calls the measurement scripts (measure-web.sh, measure-spacetime.sh) share.
// They run their Node part from the repository's root, with WD set to chromedriver's address
// and CHROME_BIN (optional) to the browser.
'use strict';

// One WebDriver command: its `value`, or an error carrying the driver's answer.
async function call(method, path, body) {
  const r = await fetch(process.env.WD + path, { method, headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(JSON.stringify(j));
  return j.value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Headless Chromium at the desktop size the measurements use.
function chromeOptions() {
  const opts = { args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,800'] };
  if (process.env.CHROME_BIN) opts.binary = process.env.CHROME_BIN;
  return opts;
}

// A new browser session; its id.
async function newSession() {
  const s = await call('POST', '/session', { capabilities: { alwaysMatch: { 'goog:chromeOptions': chromeOptions() } } });
  return s.sessionId;
}

module.exports = { call, sleep, newSession };
