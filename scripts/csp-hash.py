#!/usr/bin/env python3
"""Trunk post_build hook: pins the Content-Security-Policy to the inline bootstrap script.

Trunk injects one inline <script type="module"> that loads the wasm. The CSP meta tag in
index.html carries the placeholder 'sha256-TRUNK-BOOTSTRAP'; this script replaces it with the
sha256 of every inline script in the built page (in $TRUNK_STAGING_DIR, or the path given), so the
page runs with `script-src 'self' 'wasm-unsafe-eval' 'sha256-...'` and nothing else.
"""
import base64
import hashlib
import os
import re
import sys

PLACEHOLDER = "'sha256-TRUNK-BOOTSTRAP'"


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ["TRUNK_STAGING_DIR"], "index.html")
    html = open(path, encoding="utf-8").read()
    if PLACEHOLDER not in html:
        print(f"csp-hash: no {PLACEHOLDER} in {path}", file=sys.stderr)
        return 1
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in inline
        if body.strip()
    ]
    if not hashes:
        print("csp-hash: no inline script found", file=sys.stderr)
        return 1
    html = html.replace(PLACEHOLDER, " ".join(hashes))
    open(path, "w", encoding="utf-8").write(html)
    print(f"csp-hash: pinned {len(hashes)} inline script(s) in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
