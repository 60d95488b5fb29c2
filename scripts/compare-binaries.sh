# Sourced by bench-compare.sh and explore-compare.sh: the two release `fpaxos` binaries they
# compare (build output goes to stderr).
#   BASE_BIN=$(base_binary REV TARGET_DIR): the base revision's, built once in a temporary git
#     worktree with its own target directory and kept there as fpaxos-<sha>, so that the next
#     comparison against the same base skips the build;
#   NEW_BIN=$(new_binary TARGET_DIR): the working tree's.
base_binary() {
  local sha bin
  sha=$(git rev-parse --verify "$1^{commit}") || return 1
  mkdir -p "$2"
  bin="$2/fpaxos-$sha"
  if [[ ! -x "$bin" ]]; then
    echo "== building base $1 ($sha) in a temporary worktree" >&2
    (
      set -e
      tmp=$(mktemp -d)
      trap 'git worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
      git worktree add --detach "$tmp/src" "$sha" >/dev/null
      (cd "$tmp/src" && CARGO_TARGET_DIR="$2" cargo build --release -q -p fpaxos-cli >&2)
      cp "$2/release/fpaxos" "$bin"
    ) || return 1
  fi
  echo "$bin"
}

new_binary() {
  echo "== building the working tree" >&2
  CARGO_TARGET_DIR="$1" cargo build --release -q -p fpaxos-cli >&2 || return 1
  echo "$1/release/fpaxos"
}
