#!/usr/bin/env bash
# Compares the explorer's speed and memory at a base revision against the working tree, on this
# machine, in one run: the two binaries take turns on each search (base, new, base, new, ...),
# as scripts/bench-compare.sh does for the engine, since shared machines are noisy.
#
#   scripts/explore-compare.sh [BASE_REV]      (default BASE_REV: main)
#
# For each search it prints every run's states/s and max RSS (`/usr/bin/time -f %M`), the
# per-pair ratios (new / base) and their median. A speed-up must not change the search: the
# script fails if a pair's stats (unique states, transitions, depths, node states) or verdict
# differ. The base binary is built and kept as bench-compare.sh keeps it (shared with it).
#
# Environment: PAIRS (default 2); BIG=1 adds a search of 20 M states (about 1 GB, 30-40 s a
# run); SEARCHES (one `fpaxos explore` argument list per line) replaces the default searches;
# BASE_TARGET as in bench-compare.sh; NEW_ARGS (words added to the working tree's runs only):
# against a base from before the symmetry reduction (2026-12-05), NEW_ARGS=--no-symmetry
# compares the same searches; against one from before settled replies were forgotten
# (2026-12-06), NEW_ARGS=--keep-settled (both words for a base older than both).
# Needs: git, cargo, python3, GNU time (/usr/bin/time). Exit status: 0 if every pair agreed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BASE_REV=${1:-main}
PAIRS=${PAIRS:-2}
NEW_TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BASE_TARGET=${BASE_TARGET:-${NEW_TARGET%/}-bench-base}
DEFAULT_SEARCHES="--nodes 4 --quorum 2,2
--ballots 2 --commands 1 --max-states 3000000
--nodes 5 --quorum 3,2 --thrifty
--nodes 5 --quorum 2,2 --thrifty
--plant lowest-ballot-value --ballots 3 --commands 2 --thrifty"
SEARCHES=${SEARCHES:-$DEFAULT_SEARCHES}
if [[ "${BIG:-0}" == 1 ]]; then
  SEARCHES="$SEARCHES
--ballots 2 --commands 2 --max-states 20000000"
fi
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time; Debian package time)" >&2; exit 1; }

BASE_SHA=$(git rev-parse --verify "$BASE_REV^{commit}")
source scripts/compare-binaries.sh
BASE_BIN=$(base_binary "$BASE_SHA" "$BASE_TARGET")
NEW_BIN=$(new_binary "$NEW_TARGET")

RUNS=$(mktemp)
OUT=$(mktemp)
TIMES=$(mktemp)
# run LABEL PAIR SEARCH BIN ARGS...: one search (named SEARCH in the table); appends a JSON line
# to $RUNS. `explore` exits 1 on a violation, which is a result here, not a failure.
run() {
  local label=$1 pair=$2 search=$3 bin=$4; shift 4
  /usr/bin/time -f "%M" -o "$TIMES" "$bin" explore "$@" --json >"$OUT" 2>/dev/null || true
  python3 - "$label" "$pair" "$search" "$OUT" "$TIMES" >>"$RUNS" <<'PY'
import json, sys
label, pair, args, out, times = sys.argv[1:]
d = json.load(open(out))
rss_kb = int(open(times).read().split()[-1])
print(json.dumps({"label": label, "pair": int(pair), "args": args, "rate": d["states_per_second"],
                  "rss": rss_kb * 1024, "stats": d["stats"], "verdict": d["verdict"]}))
PY
}

echo "== fpaxos explore: base $BASE_REV (${BASE_SHA:0:9}) vs working tree, $PAIRS pairs a search"
while IFS= read -r search; do
  [[ -z "$search" ]] && continue
  read -r -a args <<<"$search"
  for i in $(seq "$PAIRS"); do
    run base "$i" "$search" "$BASE_BIN" "${args[@]}"
    # shellcheck disable=SC2086 # NEW_ARGS is a list of words
    run new "$i" "$search" "$NEW_BIN" "${args[@]}" ${NEW_ARGS:-}
  done
done <<<"$SEARCHES"

python3 - "$RUNS" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
bad = 0
searches = list(dict.fromkeys(r["args"] for r in runs))
for args in searches:
    print(f"\n{args}")
    print(f"{'pair':<5} {'base states/s':>14} {'new states/s':>14} {'ratio':>7} {'base MB':>9} {'new MB':>9}")
    ratios = []
    pairs = sorted({r["pair"] for r in runs if r["args"] == args})
    for p in pairs:
        b, n = (next(r for r in runs if r["args"] == args and r["pair"] == p and r["label"] == l)
                for l in ("base", "new"))
        ratio = n["rate"] / b["rate"]
        ratios.append(ratio)
        print(f"{p:<5} {b['rate']:>14,.0f} {n['rate']:>14,.0f} {ratio:>7.3f} "
              f"{b['rss'] / 1e6:>9.1f} {n['rss'] / 1e6:>9.1f}")
        # Counters a base may not have (e.g. `renamings`, 2026-12-05) are not compared.
        same = all(b["stats"][k] == n["stats"].get(k) for k in b["stats"])
        if not same or b["verdict"] != n["verdict"]:
            bad += 1
            print(f"  MISMATCH: base {b['verdict']} {b['stats']}\n            new  {n['verdict']} {n['stats']}")
    print(f"median states/s ratio (new / base): {statistics.median(ratios):.3f}; "
          f"{n['stats']['unique']:,} states, {n['verdict']}")
sys.exit(1 if bad else 0)
PY
