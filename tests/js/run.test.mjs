// The engine as a JS module (pkg/node, built by scripts/build-js.sh) against the `fpaxos` CLI:
// for the default scenario and presets, runJson/analyzeJson are byte-identical to
// `fpaxos run --json` / `fpaxos analyze --json`, run/analyze are deeply equal to JSON.parse of the
// CLI's output, url equals `fpaxos url`, and an invalid scenario throws the engine's sentences.
//
// Run: scripts/build-js.sh --test, or `node --test tests/js/`. The CLI binary is $FPAXOS_BIN,
// else target/release/fpaxos, else target/checked/fpaxos (the profile scripts/test.sh builds the
// native tests with), else target/debug/fpaxos (under $CARGO_TARGET_DIR when set).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const fp = require(join(root, "pkg", "node", "fpaxos_js.js"));

function cliPath() {
  if (process.env.FPAXOS_BIN) return process.env.FPAXOS_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(root, "target");
  const found = ["release", "checked", "debug"].map((p) => join(target, p, "fpaxos")).find(existsSync);
  assert.ok(found, `no fpaxos binary under ${target}: cargo build -p fpaxos-cli, or set FPAXOS_BIN`);
  return found;
}
const BIN = cliPath();
const cli = (...args) => execFileSync(BIN, args, { encoding: "utf8", maxBuffer: 1 << 28 });

// Short enough for CI (a few seconds each in a debug CLI), varied enough to matter: the default
// scenario at its full length, a counting-quorum preset, a leader failure and a grid.
const PRESETS = ["basics.json", "leader-failure.json", "grid-5x4.json"];
const cases = [
  { name: "default", args: [], input: undefined },
  ...PRESETS.map((p) => {
    const file = join(root, "scenarios", p);
    return { name: p, args: [file], input: JSON.parse(readFileSync(file, "utf8")) };
  }),
];

for (const c of cases) {
  test(`run: ${c.name} is the CLI's report`, () => {
    const want = cli("run", "--json", ...c.args);
    // Byte-identical text, both from an object and from JSON text.
    assert.equal(fp.runJson(c.input), want);
    if (c.input) assert.equal(fp.runJson(JSON.stringify(c.input)), want);
    // The object is JSON.parse of those bytes.
    const report = fp.run(c.input);
    assert.deepEqual(report, JSON.parse(want));
    assert.match(report.trace_hash, /^[0-9a-f]{16}$/);
  });

  test(`analyze and url: ${c.name} are the CLI's`, () => {
    assert.equal(fp.analyzeJson(c.input), cli("analyze", "--json", ...c.args));
    const opts = ["--phase1-fraction", "0.25", "--failure-prob", "0.05"];
    const want = cli("analyze", "--json", ...opts, ...c.args);
    const options = { phase1Fraction: 0.25, failureProb: 0.05 };
    assert.equal(fp.analyzeJson(c.input, options), want);
    assert.deepEqual(fp.analyze(c.input, options), JSON.parse(want));
    assert.equal(fp.url(c.input) + "\n", cli("url", ...c.args));
    const base = "https://example.org/fpaxos/";
    assert.equal(fp.url(c.input, base) + "\n", cli("url", "--base", base, ...c.args));
  });
}

test("an invalid scenario throws the engine's validation sentences", () => {
  const bad = { cluster: { nodes: 0 }, duration: "0s" };
  let cliErr = "";
  try {
    execFileSync(BIN, ["run", "--json", "-"], { input: JSON.stringify(bad), stdio: "pipe" });
  } catch (e) {
    cliErr = String(e.stderr);
  }
  for (const f of [fp.run, fp.runJson, fp.analyze, fp.url]) {
    assert.throws(
      () => f(bad),
      (e) => {
        assert.ok(e instanceof Error, "an Error");
        assert.ok(Array.isArray(e.problems) && e.problems.length > 0, "problems listed");
        assert.equal(e.message, e.problems.join("\n"));
        assert.match(e.message, /cluster.nodes must be between 1 and 64, got 0/);
        return true;
      },
    );
  }
  // The same sentences the CLI prints.
  const e = (() => { try { fp.run(bad); } catch (e) { return e; } })();
  for (const line of e.problems) assert.ok(cliErr.includes(line), `CLI says "${line}"`);
  assert.throws(() => fp.run("{not json"), /not valid JSON/);
  assert.throws(() => fp.run([1, 2]), /must be a JSON object/);
  assert.throws(() => fp.analyze({}, { failureProb: 2 }), /failureProb must be between 0 and 1/);
  assert.throws(() => fp.analyze({}, { failureProb: "x" }), /failureProb must be a number/);
  // A failed call leaves the module usable.
  assert.equal(fp.run({ duration: "200ms", warmup: "0ms" }).scenario.duration, "200ms");
});

test("the web build (ES module, pkg/web) answers what the Node build answers", async () => {
  const dir = join(root, "pkg", "web");
  const web = await import(pathToFileURL(join(dir, "fpaxos_js.js")).href);
  await web.default({ module_or_path: readFileSync(join(dir, "fpaxos_js_bg.wasm")) });
  const s = { duration: "300ms", warmup: "100ms", cluster: { nodes: 3 } };
  assert.equal(web.runJson(s), fp.runJson(s));
  assert.deepEqual(web.analyze(s), fp.analyze(s));
  assert.equal(web.url(s), fp.url(s));
  assert.throws(() => web.run({ cluster: { nodes: 0 } }), /cluster.nodes must be between 1 and 64/);
});
