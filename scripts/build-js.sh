#!/usr/bin/env bash
# Builds the engine as a JavaScript module (crates/fpaxos-js, docs/js-module.md):
#   pkg/node/fpaxos_js.js  CommonJS for Node (`require`), with fpaxos_js.d.ts
#   pkg/web/fpaxos_js.js   an ES module for pages and bundlers (`await init()` first)
# Release wasm32 build, wasm-bindgen (same version as Cargo.lock), wasm-opt when on PATH; prints
# the sizes. `--test` then runs tests/js/run.test.mjs (Node against the CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --target wasm32-unknown-unknown -p fpaxos-js
wasm="$target/wasm32-unknown-unknown/release/fpaxos_js.wasm"
for t in nodejs web; do
  out="pkg/${t%js}"
  rm -rf "$out"
  wasm-bindgen --target "$t" --out-dir "$out" "$wasm"
  if command -v wasm-opt >/dev/null; then
    # -O3, not -Oz: notebooks run long scenarios, and the module is not on a page's critical path.
    wasm-opt -O3 "$out/fpaxos_js_bg.wasm" -o "$out/fpaxos_js_bg.wasm"
  else
    echo "build-js: wasm-opt not on PATH; the wasm is not optimised further" >&2
  fi
done
# An ES module in a .js file: tell Node (bundlers and pages do not care).
printf '{ "type": "module" }\n' >pkg/web/package.json
for f in pkg/node/fpaxos_js_bg.wasm pkg/node/fpaxos_js.js pkg/web/fpaxos_js.js; do
  printf '%-28s %8d bytes, %7d gzipped\n' "$f" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
done
if [[ "${1:-}" == "--test" ]]; then
  node --test tests/js/
fi
