#!/usr/bin/env bash
# Headless Chromium screenshots of the built page (dist/): the default scenario at desktop and
# phone sizes, and every preset at desktop size. Output: docs/screenshots/*.png.
# Usage: scripts/screenshot.sh [dist-dir] [out-dir]   (build first: trunk build --release --offline)
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${1:-dist}
OUT=${2:-docs/screenshots}
PORT=${PORT:-8765}
BUDGET=${BUDGET:-5000}
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
[ -f "$DIST/index.html" ] || { echo "no $DIST/index.html: run trunk build --release --offline" >&2; exit 1; }
mkdir -p "$OUT"
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$DIST" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done

shot() { # name width height query
  local profile; profile=$(mktemp -d)
  "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --virtual-time-budget="$BUDGET" \
    --window-size="$2,$3" --screenshot="$OUT/$1.png" "http://127.0.0.1:$PORT/$4" >/dev/null 2>&1 || true
  rm -rf "$profile"
  if [ -f "$OUT/$1.png" ]; then echo "$OUT/$1.png $(stat -c %s "$OUT/$1.png") bytes"; else echo "FAILED $1" >&2; fi
}

shot desktop-default 1280 800 "?t=1500"
shot phone-default 390 844 "?t=1500"
PRESETS=${PRESETS:-$(cd scenarios && ls *.json | sed 's/\.json$//')}   # every preset: the files in scenarios/
for p in $PRESETS; do
  case $p in
    leader-failure) t=5000 ;;   # after the leader crashed: nobody can be elected
    quorum-loss | replicate-only) t=2000 ;;   # node 2 leads through its links; replicating with Q2 = 2
    constrained-election | pre-vote) t=3500 ;;   # after the election each one's note describes
    *) t=${T_MS:-3000} ;;
  esac
  shot "preset-$p" 1280 800 "?preset=$p&t=$t"
done
