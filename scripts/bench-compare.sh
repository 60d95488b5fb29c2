#!/usr/bin/env bash
# Compares the engine's speed at a base revision against the working tree, on this machine, in
# one run. Machines (and shared 2-core boxes especially) are noisy, so the two binaries take
# turns: base, new, base, new, ... and the script reports the median of the per-pair ratios.
#
#   scripts/bench-compare.sh [BASE_REV]      (default BASE_REV: main)
#
# What it does:
#   1. Builds `fpaxos` (release) at BASE_REV in a temporary git worktree, with its own target
#      directory ($BASE_TARGET, default: "<your target dir>-bench-base"), and keeps the binary
#      there as fpaxos-<sha> so a second comparison against the same base skips the build.
#   2. Builds the working tree's `fpaxos` (release, $CARGO_TARGET_DIR or target/).
#   3. Runs `fpaxos bench` $PAIRS times for each binary, alternating, and prints every pair's
#      events/s, their ratio (new / base) and the median ratio. The bench's trace hashes must be
#      equal (same workload, same run): the script fails if they are not. It also prints the
#      median ratio of user CPU seconds (base / new), which other processes on a busy machine
#      disturb less than wall time (events/s is measured in wall time).
#   4. Unless CHECK_SEEDS=0, does the same for `fpaxos check --seeds $CHECK_SEEDS --jobs $JOBS`
#      in seeds/s; the total events and commits of both must be equal, or the script fails.
#
# Environment: PAIRS (default 5), COMMITS (bench commits, default: the bench's own 1,000,000),
# CHECK_SEEDS (default 100; 0 skips the check comparison), CHECK_PAIRS (default 3), JOBS
# (check worker threads, default 2), BASE_TARGET (see above).
# Needs: git, cargo, awk. Exit status: 0 if every run agreed, 1 on a mismatch or a failed build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BASE_REV=${1:-main}
PAIRS=${PAIRS:-5}
CHECK_SEEDS=${CHECK_SEEDS:-100}
CHECK_PAIRS=${CHECK_PAIRS:-3}
JOBS=${JOBS:-2}
NEW_TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BASE_TARGET=${BASE_TARGET:-${NEW_TARGET%/}-bench-base}

BASE_SHA=$(git rev-parse --verify "$BASE_REV^{commit}")
source scripts/compare-binaries.sh
BASE_BIN=$(base_binary "$BASE_SHA" "$BASE_TARGET")
NEW_BIN=$(new_binary "$NEW_TARGET")

# field NAME: the number or string of the top-level "NAME": ... in pretty JSON on stdin.
field() { sed -n "s/^  \"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" | head -n 1; }
# cpu_run OUT BIN ARGS...: runs BIN, its stdout into OUT, and prints its user CPU seconds.
cpu_run() {
  local out=$1; shift
  local TIMEFORMAT=%U
  { time "$@" >"$out" 2>/dev/null; } 2>&1 || true
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench_args=(bench --json)
[[ -n "${COMMITS:-}" ]] && bench_args+=(--commits "$COMMITS")

fail=0
echo "== fpaxos ${bench_args[*]}: base $BASE_REV (${BASE_SHA:0:9}) vs working tree, $PAIRS pairs"
printf '%-5s %14s %14s %7s %15s %7s  %s\n' pair "base events/s" "new events/s" ratio \
  "cpu s base/new" ratio "trace hash (base / new)"
OUT=$(mktemp)
ratios=(); cpu_ratios=()
for i in $(seq "$PAIRS"); do
  bc=$(cpu_run "$OUT" "$BASE_BIN" "${bench_args[@]}"); b=$(cat "$OUT")
  nc=$(cpu_run "$OUT" "$NEW_BIN" "${bench_args[@]}"); n=$(cat "$OUT")
  be=$(field events_per_sec <<<"$b"); ne=$(field events_per_sec <<<"$n")
  bh=$(field trace_hash <<<"$b"); nh=$(field trace_hash <<<"$n")
  r=$(awk -v a="$be" -v b="$ne" 'BEGIN { printf "%.3f", b / a }')
  cr=$(awk -v a="$bc" -v b="$nc" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$r"); cpu_ratios+=("$cr")
  printf '%-5s %14.0f %14.0f %7s %7s/%-7s %7s  %s / %s\n' "$i" "$be" "$ne" "$r" "$bc" "$nc" "$cr" "$bh" "$nh"
  if [[ "$bh" != "$nh" || -z "$bh" ]]; then
    echo "TRACE HASH MISMATCH in pair $i" >&2
    fail=1
  fi
done
echo "peak RSS (last pair): base $(field peak_rss_bytes <<<"$b") B, new $(field peak_rss_bytes <<<"$n") B"
echo "median events/s ratio (new / base): $(printf '%s\n' "${ratios[@]}" | median)"
echo "median CPU time ratio (base / new): $(printf '%s\n' "${cpu_ratios[@]}" | median)"

if [[ "$CHECK_SEEDS" != 0 ]]; then
  check_args=(check --seeds "$CHECK_SEEDS" --jobs "$JOBS" --json)
  echo
  echo "== fpaxos ${check_args[*]}: $CHECK_PAIRS pairs"
  printf '%-5s %13s %13s %7s %15s %7s  %s\n' pair "base seeds/s" "new seeds/s" ratio \
    "cpu s base/new" ratio "events (base / new)"
  ratios=(); cpu_ratios=()
  for i in $(seq "$CHECK_PAIRS"); do
    # check exits non-zero when a seed fails; the comparison still holds (cpu_run ignores it).
    bcpu=$(cpu_run "$OUT" "$BASE_BIN" "${check_args[@]}"); b=$(cat "$OUT")
    ncpu=$(cpu_run "$OUT" "$NEW_BIN" "${check_args[@]}"); n=$(cat "$OUT")
    bw=$(field wall_ms <<<"$b"); nw=$(field wall_ms <<<"$n")
    bev=$(field events <<<"$b"); nev=$(field events <<<"$n")
    bc=$(field committed <<<"$b"); nc=$(field committed <<<"$n")
    bs=$(awk -v w="$bw" -v s="$CHECK_SEEDS" 'BEGIN { printf "%.1f", s / w * 1e3 }')
    ns=$(awk -v w="$nw" -v s="$CHECK_SEEDS" 'BEGIN { printf "%.1f", s / w * 1e3 }')
    r=$(awk -v a="$bw" -v b="$nw" 'BEGIN { printf "%.3f", a / b }')
    cr=$(awk -v a="$bcpu" -v b="$ncpu" 'BEGIN { printf "%.3f", a / b }')
    ratios+=("$r"); cpu_ratios+=("$cr")
    printf '%-5s %13s %13s %7s %7s/%-7s %7s  %s / %s\n' "$i" "$bs" "$ns" "$r" "$bcpu" "$ncpu" "$cr" "$bev" "$nev"
    if [[ "$bev" != "$nev" || "$bc" != "$nc" || -z "$bev" ]]; then
      echo "CHECK MISMATCH in pair $i: events $bev / $nev, committed $bc / $nc" >&2
      fail=1
    fi
  done
  echo "median seeds/s ratio (new / base): $(printf '%s\n' "${ratios[@]}" | median)"
  echo "median CPU time ratio (base / new): $(printf '%s\n' "${cpu_ratios[@]}" | median)"
fi
rm -f "$OUT"

if [[ $fail != 0 ]]; then
  echo "FAILED: base and new runs differ" >&2
  exit 1
fi
