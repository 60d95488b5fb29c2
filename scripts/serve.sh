#!/usr/bin/env bash
# Serves the playground on http://127.0.0.1:8080 with the default scenario, installing what is
# missing first. Extra arguments go to `trunk serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_web
exec trunk serve --release --offline --address 127.0.0.1 --port 8080 "$@"
