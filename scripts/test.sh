#!/usr/bin/env bash
# Runs every test: formatting and lints, engine and CLI tests, the wasm32 determinism test
# (Node), the JS module against the CLI (Node), the browser component tests (headless Chromium),
# a release build of the page and its single-file version, end-to-end tests against both, and a
# bounded swarm check (with and without random message loss). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

# A full run writes about 5 GB (target/, the page, the tools); a full disk fails a build
# minutes in with "No space left on device". Say so at once instead.
free_kb=$(df -Pk . | awk 'NR == 2 {print $4}')
if [[ "$free_kb" =~ ^[0-9]+$ ]]; then
  if (( free_kb < 5 * 1024 * 1024 )); then
    echo "scripts/test.sh: only $((free_kb / 1024)) MB free on $(df -P . | awk 'NR == 2 {print $6}'); a full test run needs about 5 GB (6 GB or more to be safe). Free some space (old target directories or clones) and run again." >&2
    exit 1
  elif (( free_kb < 8 * 1024 * 1024 )); then
    echo "scripts/test.sh: warning: $((free_kb / 1024)) MB free; a full test run writes about 5 GB." >&2
  fi
fi

source scripts/setup.sh
setup_test

export CHROMEDRIVER="$(command -v chromedriver)"
export WASM_BINDGEN_TEST_TIMEOUT=300
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT=60
step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*" >&2; }

step "format, lints and layers"
cargo fmt --all -- --check
python3 scripts/check-layers.py
cargo clippy --workspace --exclude fpaxos-web --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p fpaxos-web --all-targets -- -D warnings

# The native tests, the end-to-end tests and the swarm checks build with the `checked` profile
# (Cargo.toml): optimised like release, with debug assertions and integer overflow checks on, so
# an overflow or a broken internal invariant fails a test instead of wrapping silently. Its debug
# assertions would also pick the swarm test's debug-build default (40 seeds); it gets 200.
step "engine, analysis, share and CLI tests (native, optimised, with overflow checks)"
FPAXOS_SWARM_SEEDS="${FPAXOS_SWARM_SEEDS:-200}" cargo test --profile checked

step "web crate logic without a browser: reducer and runners with an injected clock (native)"
cargo test -p fpaxos-web --lib

step "determinism: the wasm32 build reproduces native trace hashes (Node)"
cargo test --release --target wasm32-unknown-unknown -p fpaxos-sim --test determinism

step "the engine as a JS module: release build, then the same reports as the CLI in Node"
# Against the CLI just built by the native tests, not an older target/release/fpaxos.
FPAXOS_BIN="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/checked/fpaxos" scripts/build-js.sh --test

step "browser component tests (headless Chromium)"
cargo test --target wasm32-unknown-unknown -p fpaxos-web

step "release build of the page"
trunk build --release --offline

step "the page as one HTML file (dist-single/), opened from file:// by an end-to-end test"
python3 scripts/build-single.py dist

if [[ -d tests/e2e ]]; then
  step "end-to-end tests (chromedriver + built dist/)"
  cargo test --profile checked -p fpaxos-e2e
fi

step "bounded swarm check"
cargo run --profile checked -q -p fpaxos-cli -- check --seeds "${FPAXOS_CHECK_SEEDS:-300}"
# Half of the swarm's seeds lose messages at random through their chaos phase, where the
# liveness rule does not apply; the same seeds without random loss have those phases judged.
step "bounded swarm check without random loss"
cargo run --profile checked -q -p fpaxos-cli -- check --seeds "${FPAXOS_CHECK_SEEDS:-300}" --loss 0

echo "all tests passed"
