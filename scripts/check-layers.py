#!/usr/bin/env python3
"""Checks the module layering written in ARCHITECTURE.md: within each crate, no module imports a
module of a higher layer, and the graph of top-level modules has no cycle.

Usage: scripts/check-layers.py [--graph]   (exit 1 and one line per problem on failure)
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Layers, bottom (0) to top, per crate: a module may use modules of its own layer or lower ones.
# Keep in step with ARCHITECTURE.md ("Layers").
LAYERS = {
    "crates/fpaxos/src": [
        ["nodeset", "sessions"],
        ["msg"],
        ["quorum"],
        ["node"],
    ],
    "crates/fpaxos-sim/src": [
        ["dur", "json", "number"],
        ["scenario", "trace"],
        ["rng", "checker", "presets", "liveness", "coverage"],
        ["report"],
        ["sim"],
        ["sweep", "swarm", "shrink", "cue"],
    ],
    "crates/fpaxos-explore/src": [
        ["fp", "config", "seen"],
        ["symmetry"],
        ["world"],
        ["state"],
        ["frontier", "trace"],
        ["search", "scenario"],
    ],
    "web/src": [
        ["browser", "format", "svg", "presets", "export", "run"],
        ["state"],
        ["share"],
        ["hooks"],
        ["components"],
        ["host_api"],
        ["app", "embed"],
    ],
}

USE = re.compile(r"\bcrate::(\w+)")
USE_GROUP = re.compile(r"use\s+crate::\{([^}]*)\}", re.S)


def module_of(src: Path, f: Path) -> str:
    rel = f.relative_to(src)
    return rel.parts[0].removesuffix(".rs")


def imports(text: str) -> set:
    text = re.sub(r"//.*", "", text)
    found = set(USE.findall(text))
    for group in USE_GROUP.findall(text):
        found.update(re.findall(r"(?:^|,)\s*(\w+)", group))
    return found


def check(crate: str, layers, show: bool) -> list:
    src = ROOT / crate
    level = {m: i for i, names in enumerate(layers) for m in names}
    graph = {}
    problems = []
    for f in sorted(src.rglob("*.rs")):
        m = module_of(src, f)
        if m in ("lib", "main", "bin"):  # entry points
            continue
        if m not in level:
            problems.append(f"{crate}: module `{m}` ({f.relative_to(ROOT)}) has no layer in scripts/check-layers.py")
            continue
        for t in imports(f.read_text()):
            if t == m or t not in level:
                continue
            graph.setdefault(m, set()).add(t)
            if level[t] > level[m]:
                problems.append(f"{f.relative_to(ROOT)}: `{m}` (layer {level[m]}) imports `{t}` (layer {level[t]}), a layer above it")
    # Cycles among top-level modules (same-layer imports are allowed, cycles are not).
    state = {}

    def visit(m, path):
        state[m] = 1
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                cyc = path[path.index(t):] + [t] if t in path else [m, t]
                problems.append(f"{crate}: import cycle {' -> '.join(cyc)}")
            elif t not in state:
                visit(t, path + [t])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    if show:
        for m in sorted(graph):
            print(f"{crate}: {m} -> {', '.join(sorted(graph[m]))}")
    return problems


def main() -> int:
    show = "--graph" in sys.argv
    problems = []
    for crate, layers in LAYERS.items():
        problems += check(crate, layers, show)
    for p in problems:
        print(p)
    if problems:
        print(f"layers: {len(problems)} problem(s)")
        return 1
    print(f"layers: ok ({len(LAYERS)} crates, no upward imports, no cycles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
