#!/usr/bin/env bash
# Serves the playground on http://127.0.0.1:8080 with the default scenario, installing what is
# missing first. Another port: PORT=9000 scripts/serve.sh. Extra arguments go to `trunk serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_web
exec trunk serve --release --offline --address 127.0.0.1 --port "${PORT:-8080}" "$@"
