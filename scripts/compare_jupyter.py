"""Render notebooks with bai-media and with nbconvert's lab template, side by side.

Each notebook is rendered twice (bai-media's standalone page; nbconvert ``--to html`` with the
JupyterLab template, MathJax 2 served locally instead of from its CDN), both pages are
screenshotted in headless Chromium at the same width, and OUT/index.html shows the pairs:

    pip install -e '.[bench,test]'      # nbconvert, playwright
    python scripts/compare_jupyter.py ../shared/corpus/notebooks/*.ipynb -o compare
    python scripts/compare_jupyter.py examples/notebook/showcase.ipynb --scheme dark

Pages are served from 127.0.0.1 only; every other request (nbconvert's require.js and
mermaid CDNs) is refused, so the comparison runs offline. MathJax comes from ``--mathjax``
(a folder holding MathJax.js), Debian's libjs-mathjax, or npm's ``mathjax@2`` installed
into ~/.cache/bai-media/compare on first use.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bai_media import Renderer  # noqa: E402
from bai_media.formats import render  # noqa: E402
from bai_media.formats.localimages import FolderImages  # noqa: E402
from bai_media.testing import CHROMIUM_PATH, free_port, launch_chromium  # noqa: E402

CACHE = Path.home() / ".cache" / "bai-media" / "compare"
DEBIAN_MATHJAX = Path("/usr/share/javascript/mathjax")
MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"
MAX_HEIGHT = 12_000  # px of each screenshot; longer pages are cut (the page says so)


def mathjax_folder(given: str | None) -> Path:
    """A folder with MathJax 2's MathJax.js: the given one, Debian's, or npm's (installed once)."""
    if given:
        folder = Path(given)
        if not (folder / "MathJax.js").is_file():
            raise SystemExit(f"compare_jupyter: error: {folder} has no MathJax.js")
        return folder
    if (DEBIAN_MATHJAX / "MathJax.js").is_file():
        return DEBIAN_MATHJAX
    folder = CACHE / "node_modules" / "mathjax"
    if not (folder / "MathJax.js").is_file():
        if shutil.which("npm") is None:
            raise SystemExit("compare_jupyter: error: no MathJax: install libjs-mathjax or npm, or pass --mathjax DIR")
        print("installing mathjax@2 from npm into", CACHE, file=sys.stderr)
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), "mathjax@2"], check=True,
                       stdout=subprocess.DEVNULL)
    return folder


def lab_html(nb_path: Path, mathjax_url: str, scheme: str) -> str:
    from nbconvert import HTMLExporter

    # The lab template ignores prefers-color-scheme; its theme option picks JupyterLab's own.
    exporter = HTMLExporter(template_name="lab", mathjax_url=mathjax_url, theme=scheme)
    body, _ = exporter.from_filename(str(nb_path))
    return str(body)


def bai_html(nb_path: Path, renderer: Renderer) -> str:
    images = FolderImages(nb_path.parent, max_pixels=renderer.limits.image_pixels)
    fragment = render(json.loads(nb_path.read_text(encoding="utf-8")), "notebook", nb_path.stem, renderer, resolve=images)
    return renderer.render_page(fragment, title=nb_path.stem)


class Pages(SimpleHTTPRequestHandler):
    """/mathjax/... from the MathJax folder; /nb/<k>/<page>.html from memory; other /nb/<k>/...
    from notebook k's own folder (its relative images), never outside it."""

    def __init__(self, *args: Any, mathjax: Path, folders: list[Path], pages: dict[str, bytes], **kwargs: Any) -> None:
        self.mathjax, self.folders, self.pages = mathjax, folders, pages
        super().__init__(*args, directory=str(mathjax), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.split("?", 1)[0]
        if path in self.pages:
            body = self.pages[path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def translate_path(self, path: str) -> str:
        parts = [p for p in path.split("?", 1)[0].split("#", 1)[0].split("/") if p]
        if ".." in parts:
            return "/nonexistent"
        if parts[:1] == ["mathjax"]:
            return str(self.mathjax.joinpath(*parts[1:]))
        if len(parts) >= 3 and parts[0] == "nb" and parts[1].isdigit() and int(parts[1]) < len(self.folders):
            from urllib.parse import unquote

            return str(self.folders[int(parts[1])].joinpath(*map(unquote, parts[2:])))
        return "/nonexistent"


def screenshot(browser: Any, url: str, dest: Path, width: int, scheme: str, mathjax: bool) -> int:
    """Full-page PNG of ``url`` (cut at MAX_HEIGHT); returns the page's height in px."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:") else route.abort())
    page.goto(url, wait_until="load")
    if mathjax:  # typesetting runs after load; wait for MathJax's queue to drain
        page.evaluate("new Promise(r => (window.MathJax && MathJax.Hub) ? MathJax.Hub.Queue(r) : r())")
    page.wait_for_timeout(300)
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    page.screenshot(path=str(dest), full_page=height <= MAX_HEIGHT,
                    clip=None if height <= MAX_HEIGHT else {"x": 0, "y": 0, "width": width, "height": MAX_HEIGHT})
    context.close()
    return height


INDEX = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bai-media vs JupyterLab</title>
<style>body{{font:14px system-ui,sans-serif;margin:1rem;background:#eee}} table{{border-collapse:collapse}}
td,th{{vertical-align:top;padding:.5rem;border:1px solid #bbb;background:#fff}} img{{width:{half}px;display:block}}</style></head>
<body><h1>bai-media (left) and nbconvert's lab template (right), {width} px wide, {scheme}</h1>
<table><tr><th>bai-media</th><th>nbconvert --template lab</th></tr>{rows}</table></body></html>
"""
ROW = """<tr><th colspan="2">{name}{cut}</th></tr><tr><td><a href="{stem}.bai.html"><img src="{stem}.bai.png" alt="bai-media: {name}"></a></td>
<td><a href="{stem}.lab.html"><img src="{stem}.lab.png" alt="nbconvert lab: {name}"></a></td></tr>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help=".ipynb files")
    parser.add_argument("-o", "--out", type=Path, default=Path("compare"), help="output folder (default: compare)")
    parser.add_argument("--width", type=int, default=1000, help="viewport width in px (default: 1000)")
    parser.add_argument("--scheme", choices=["light", "dark"], default="light", help="prefers-color-scheme for both pages")
    parser.add_argument("--mathjax", help="folder holding MathJax 2's MathJax.js (default: Debian's, else npm's)")
    parser.add_argument("--chromium", default=CHROMIUM_PATH, help=f"Chromium binary (default: {CHROMIUM_PATH})")
    args = parser.parse_args()

    missing = [str(nb) for nb in args.notebooks if not nb.is_file()]
    if missing:
        raise SystemExit(f"compare_jupyter: error: no such notebook: {', '.join(missing)}")
    mathjax = mathjax_folder(args.mathjax)
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    renderer = Renderer()
    folders = [nb.resolve().parent for nb in args.notebooks]
    pages: dict[str, bytes] = {}
    stems = []
    for k, nb in enumerate(args.notebooks):
        print(f"[{k + 1}/{len(args.notebooks)}] rendering {nb.name}", file=sys.stderr)
        stem = f"{k:02d}-{nb.stem}"
        stems.append(stem)
        for kind, text in (("bai", bai_html(nb, renderer)), ("lab", lab_html(nb, f"{base}/mathjax/MathJax.js?config={MATHJAX_CONFIG}", args.scheme))):
            pages[f"/nb/{k}/{kind}.html"] = text.encode("utf-8")
            (args.out / f"{stem}.{kind}.html").write_text(text, encoding="utf-8")

    handler = partial(Pages, mathjax=mathjax, folders=folders, pages=pages)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = []
    try:
        with launch_chromium(args.chromium) as browser:
            for k, (nb, stem) in enumerate(zip(args.notebooks, stems)):
                print(f"[{k + 1}/{len(args.notebooks)}] screenshots of {nb.name}", file=sys.stderr)
                heights = [screenshot(browser, f"{base}/nb/{k}/{kind}.html", args.out / f"{stem}.{kind}.png", args.width,
                                      args.scheme, mathjax=(kind == "lab")) for kind in ("bai", "lab")]
                cut = f" (cut at {MAX_HEIGHT:,} px of {max(heights):,})" if max(heights) > MAX_HEIGHT else ""
                rows.append(ROW.format(name=html.escape(nb.name), stem=html.escape(stem), cut=cut))
    finally:
        server.shutdown()
        server.server_close()
    index = args.out / "index.html"
    index.write_text(INDEX.format(half=args.width // 2, width=args.width, scheme=args.scheme, rows="\n".join(rows)), encoding="utf-8")
    print(f"wrote {index}", file=sys.stderr)


if __name__ == "__main__":
    main()
