#!/usr/bin/env bash
# The mutation test of issue 10 (not in CI: about two hours on 2 cores). Every mutant of
# crates/fpaxos (cargo-mutants) must be killed by the core's own tests, the explorer
# (crates/fpaxos-explore/tests/explore.rs) or the short swarm (.../tests/swarm.rs).
# Settings: .cargo/mutants.toml. Results: target/mutants/mutants.out/ (caught.txt, missed.txt,
# timeout.txt, unviable.txt) and a score line; docs/mutants.md records the last run.
#
#   scripts/mutants.sh            # every mutant
#   scripts/mutants.sh -f crates/fpaxos/src/node/phase1.rs   # one file (extra args go to cargo mutants)
#   scripts/mutants.sh --iterate  # only the mutants the last run missed, after adding tests
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants@27.1.0
out=${MUTANTS_OUT:-target/mutants}
# Each job builds its mutant in its own copy of the tree, into that copy's own target directory.
# A CARGO_TARGET_DIR in the environment would be shared by the jobs, and one job's tests could
# then run a binary built from another job's mutant: wrong verdicts both ways.
unset CARGO_TARGET_DIR
mkdir -p "$out"
status=0
cargo mutants --package fpaxos --test-package fpaxos,fpaxos-explore --jobs "${MUTANTS_JOBS:-2}" --output "$out" "$@" || status=$?
# cargo mutants exits 2 when some mutants were missed and 3 when some timed out: that is the
# result. Anything else (e.g. 1, an --in-diff diff that no longer matches the tree) tested
# nothing, and the files below would still hold the previous run's results.
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || [ "$status" -eq 3 ] || {
  echo "cargo mutants failed (exit $status): no score" >&2
  exit "$status"
}
dir="$out/mutants.out"
count() { if [ -f "$dir/$1.txt" ]; then grep -c . "$dir/$1.txt" || true; else echo 0; fi; }
caught=$(count caught)
missed=$(count missed)
timeout=$(count timeout)
unviable=$(count unviable)
viable=$((caught + missed + timeout))
# A mutant that hangs the tests is killed (the timeout is the failure).
killed=$((caught + timeout))
if [ "$viable" -gt 0 ]; then
  score=$(awk "BEGIN { printf \"%.1f\", 100 * $killed / $viable }")
else
  score="n/a"
fi
echo "mutation score: $killed killed of $viable viable mutants = $score % (caught $caught, timeout $timeout, missed $missed, unviable $unviable)"
if [ -f "$dir/previously_caught.txt" ]; then
  # --iterate tests only what the last run did not catch; cargo-mutants lists the rest together.
  echo "(an --iterate run: plus $(count previously_caught) mutants caught or unviable in earlier runs)"
fi
[ "$missed" -eq 0 ] || { echo "missed:"; cat "$dir/missed.txt"; }
