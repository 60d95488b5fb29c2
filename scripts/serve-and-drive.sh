# Sourced by the measurement scripts: serves DIST on 127.0.0.1:PORT, starts chromedriver on
# DPORT, stops both (and the browsers chromedriver started) on exit, and waits until both answer.
#   serve_and_drive DIST PORT DPORT
serve_and_drive() {
  python3 -m http.server "$2" --bind 127.0.0.1 --directory "$1" >/dev/null 2>&1 &
  SERVER=$!
  # chromedriver in a process group of its own, killed whole on exit: the browsers it started
  # go with it (killing chromedriver alone could leave them running).
  setsid chromedriver --port="$3" >/dev/null 2>&1 &
  DRIVER=$!
  trap 'kill $SERVER 2>/dev/null; kill -KILL -- -$DRIVER 2>/dev/null || kill $DRIVER 2>/dev/null || true' EXIT
  for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$2/" >/dev/null && curl -sf "http://127.0.0.1:$3/status" >/dev/null && break
    sleep 0.2
  done
}
