#!/usr/bin/env python3
"""Builds the playground as ONE self-contained HTML file that opens from file:// with no server
and no network: dist-single/fpaxos-playground.html from a Trunk build in dist/.

    python3 scripts/build-single.py [DIST] [OUT]

What changes against dist/index.html:
- the stylesheet is inlined as a <style> block, and any other local <link href> (an icon) as a
  data: URL; the preload links are dropped;
- Trunk's bootstrap (`import init from './x.js'; await init('./x_bg.wasm')`) becomes one inline
  module script: the wasm-bindgen glue with its `export`s removed, then `init` called with the
  wasm's bytes, which sit base64-encoded in a non-executable <script type="application/base64">
  (wasm-bindgen's init takes `module_or_path` as bytes, so nothing is fetched);
- the simulation worker (Trunk's fpaxos-worker.js and its wasm), when present, becomes a string in
  `window.__fpaxos_worker_src` that web/src/run/pool.rs starts from a blob: URL instead of
  importing the shim from the server; without it the pool runs jobs inline;
- the Content-Security-Policy pins script-src to the sha256 of that inline script (and of any other
  inline script the page has) and forbids every connection (connect-src 'none').
Fails loudly when the page does not have the shape it expects, rather than writing a file that
would not start.
"""
import base64
import hashlib
import json
import mimetypes
import os
import re
import sys


def die(msg: str) -> "None":
    print(f"build-single: {msg}", file=sys.stderr)
    sys.exit(1)


def attr(tag: str, name: str) -> "str | None":
    m = re.search(r'\b' + name + r'=(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+))', tag)
    return next((g for g in m.groups() if g is not None), None) if m else None


def local(dist: str, href: str) -> "str | None":
    """The file of dist that `href` names, if it is a relative link to one."""
    if re.match(r"^[a-z]+:|^//|^#", href):
        return None
    path = os.path.normpath(os.path.join(dist, href.split("?")[0].split("#")[0]))
    return path if os.path.isfile(path) else None


def strip_exports(js: str, name: str) -> str:
    """The wasm-bindgen glue as a classic body of one module script: no import, no export."""
    if re.search(r"^\s*import\b", js, re.M):
        die(f"{name} imports other modules (snippets?); inline them first")
    js = re.sub(r"^export\s*\{[^}]*\};?\s*$", "", js, flags=re.M)
    js = re.sub(r"^export\s+(default\s+)?(?=(async\s+)?function|class|const|let|var)", "", js, flags=re.M)
    if re.search(r"^export\b", js, re.M):
        die(f"{name} has an export this script does not know how to inline")
    if "__wbg_init" not in js:
        die(f"{name} has no __wbg_init: not a wasm-bindgen --target web glue")
    return js


def safe_in_script(text: str, name: str) -> str:
    low = text.lower()
    if "</script" in low or "<!--" in low or "<script" in low:
        die(f"{name} contains </script, <script or <!--, which would end the inline script")
    return text


def b64(path: str) -> str:
    return base64.b64encode(open(path, "rb").read()).decode("ascii")


def worker_source(dist: str) -> "str | None":
    """The blob worker's whole source: the no-modules shim, then its start from bytes."""
    shim = os.path.join(dist, "fpaxos-worker.js")
    wasm = os.path.join(dist, "fpaxos-worker_bg.wasm")
    if not (os.path.isfile(shim) and os.path.isfile(wasm)):
        return None
    js = open(shim, encoding="utf-8").read()
    if "wasm_bindgen" not in js:
        die("fpaxos-worker.js is not a wasm-bindgen no-modules shim")
    start = (
        "\n;(() => { const s = atob(" + json.dumps(b64(wasm)) + ");"
        " const b = new Uint8Array(s.length);"
        " for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);"
        " wasm_bindgen({ module_or_path: b }); })();\n"
    )
    return js + start


def main() -> int:
    dist = sys.argv[1] if len(sys.argv) > 1 else "dist"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join("dist-single", "fpaxos-playground.html")
    index = os.path.join(dist, "index.html")
    if not os.path.isfile(index):
        die(f"no {index}: build the page first (trunk build --release --offline)")
    html = open(index, encoding="utf-8").read()

    # The bootstrap: which glue and which wasm.
    boot = None
    for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        if "module_or_path" in m.group(2):
            boot = m
    if boot is None:
        die("no Trunk bootstrap script (with module_or_path) in index.html")
    js_name = re.search(r"from\s*['\"]\./([^'\"]+\.js)['\"]", boot.group(2))
    wasm_name = re.search(r"module_or_path:\s*['\"]\./([^'\"]+\.wasm)['\"]", boot.group(2))
    if not js_name or not wasm_name:
        die("the bootstrap script does not name its glue and wasm as expected")
    glue_path, wasm_path = os.path.join(dist, js_name.group(1)), os.path.join(dist, wasm_name.group(1))
    glue = strip_exports(open(glue_path, encoding="utf-8").read(), js_name.group(1))

    worker = worker_source(dist)
    loader = safe_in_script(
        glue
        + "\n// build-single.py: start the page from the wasm inlined below, fetching nothing.\n"
        + (
            "window.__fpaxos_worker_src = JSON.parse(document.getElementById('fpaxos-worker').textContent);\n"
            if worker
            else ""
        )
        + "{\n"
        "  const s = atob(document.getElementById('fpaxos-wasm').textContent.trim());\n"
        "  const bytes = new Uint8Array(s.length);\n"
        "  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);\n"
        "  const wasm = await __wbg_init({ module_or_path: bytes });\n"
        '  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));\n'
        "}\n",
        "the loader",
    )
    data = f'<script type="application/base64" id="fpaxos-wasm">{b64(wasm_path)}</script>'
    if worker:
        # JSON text of a JS string, in a non-executable script: `<` written as \u003c.
        wtext = json.dumps(worker).replace("<", "\\u003c")
        data += f'<script type="application/json" id="fpaxos-worker">{wtext}</script>'
    new_boot = f"{data}<script type=\"module\">{loader}</script>"
    html = html[: boot.start()] + new_boot + html[boot.end():]

    # Links: stylesheet inlined, preloads dropped, other local files as data: URLs.
    def link(m: "re.Match[str]") -> str:
        tag = m.group(0)
        rel, href = (attr(tag, "rel") or "").lower(), attr(tag, "href") or ""
        if rel in ("modulepreload", "preload", "prefetch"):
            return ""
        path = local(dist, href)
        if path is None:
            return tag
        if rel == "stylesheet":
            css = open(path, encoding="utf-8").read()
            if "</style" in css.lower():
                die(f"{href} contains </style")
            return f"<style>{css}</style>"
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return tag.replace(href, f"data:{mime};base64,{b64(path)}")

    html = re.sub(r"<link\b[^>]*>", link, html)

    # CSP: every inline executable script by hash (the loader, and any the page itself carries),
    # no connections at all.
    hashes = []
    for sm in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        kind = (attr(sm.group(1), "type") or "text/javascript").lower()
        if attr(sm.group(1), "src") is None and kind in ("module", "text/javascript") and sm.group(2).strip():
            digest = base64.b64encode(hashlib.sha256(sm.group(2).encode("utf-8")).digest()).decode()
            hashes.append(f"'sha256-{digest}'")
    csp_re = re.compile(r"(<meta\b[^>]*?content=)(\"[^\"]*\"|'[^']*'|[^\s>]+)([^>]*http-equiv=\"?Content-Security-Policy)|"
                        r"(<meta\b[^>]*?http-equiv=\"?Content-Security-Policy\"?[^>]*?content=)(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
    m = csp_re.search(html)
    if not m:
        die("no Content-Security-Policy meta tag in index.html")
    value = m.group(2) or m.group(5)
    if value[:1] in "\"'":
        value = value[1:-1]
    dirs = [d.strip() for d in value.split(";") if d.strip()]
    dirs = [d for d in dirs if not d.startswith(("script-src", "connect-src"))]
    dirs.insert(1, "script-src 'wasm-unsafe-eval' " + " ".join(hashes))
    dirs.append("connect-src 'none'")
    new_value = '"' + "; ".join(dirs) + '"'
    if m.group(2):
        html = html[: m.start(2)] + new_value + html[m.end(2):]
    else:
        html = html[: m.start(5)] + new_value + html[m.end(5):]

    leftovers = [f for f in re.findall(r"(?:src|href)=[\"']?\.?/?([\w.-]+\.(?:js|wasm|css))", html)]
    if leftovers:
        die(f"still refers to files: {leftovers}")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    open(out, "w", encoding="utf-8").write(html)
    print(f"build-single: wrote {out} ({os.path.getsize(out)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
