#!/usr/bin/env bash
# Installs what building and testing FPaxos Playground needs, skipping whatever is already
# present at the right version. Sourced by serve.sh and test.sh; safe to run on its own:
#   scripts/setup.sh [web|test]     (default: test = everything)
# Only package registries are used (crates.io, npm, Debian); nothing downloads a prebuilt binary.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen() {
  if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 min)"
    # Not --locked: its lock file pins a crate version the registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

ensure_trunk() {
  if [[ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]]; then
    log "installing trunk $TRUNK_VERSION (about 8 min)"
    cargo install --locked "trunk@$TRUNK_VERSION" --force
  fi
}

ensure_wasm_opt() {
  local bin="$ROOT/tools/node_modules/.bin/wasm-opt"
  if [[ ! -x "$bin" ]] || ! "$bin" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    log "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
    npm install --no-audit --no-fund --prefix "$ROOT/tools" "binaryen@$BINARYEN_VERSION" >&2
  fi
  export PATH="$ROOT/tools/node_modules/.bin:$PATH"
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing chromium and chromium-driver from Debian"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >&2
  fi
}

setup_web() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_wasm_opt
  ensure_trunk
}

setup_test() {
  setup_web
  ensure_chromium
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-test}" in
    web) setup_web ;;
    test) setup_test ;;
    *) echo "usage: scripts/setup.sh [web|test]" >&2; exit 2 ;;
  esac
  log "ready"
fi
