"""Render every example, the notebook corpus and the attack corpus, and check them in Chromium.

    python scripts/check_browser.py

Each page is loaded in headless Chromium (/usr/bin/chromium) under a hook that every attack
payload would call. A page passes when no hook ran, no dialog opened, no request left the
machine, nothing logged an error, and every output image decoded. Exit status 1 if any failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bai_media import Renderer, formats  # noqa: E402
from bai_media.testing import CHROMIUM_PATH, PageLoader, launch_chromium  # noqa: E402


def pages(renderer: Renderer) -> Iterator[tuple[str, str]]:
    """(name, full HTML page) for everything that should be checked."""
    for path in sorted((ROOT / "examples").glob("*.json")):
        body = formats.render(json.loads(path.read_text()), "auto", path.stem, renderer)
        yield f"examples/{path.name}", renderer.render_page(body)
    from tests.attacks import HOSTILE_RESULT_IDS, attack_items

    for engine in ("nh3", "bleach"):
        attack = Renderer(sanitizer=engine)  # type: ignore[arg-type]
        body = attack.handle_all(attack_items(), "attacks")
        for rid in HOSTILE_RESULT_IDS:
            body += attack.handle_all([("text/html", "<b>x</b>")], rid)
        yield f"attack corpus ({engine})", attack.render_page(body)
    corpus = ROOT.parent / "shared" / "corpus" / "notebooks"
    for path in sorted(corpus.glob("*.ipynb")) if corpus.is_dir() else []:
        yield f"notebook {path.name}", renderer.render_page(formats.render(json.loads(path.read_text()), "notebook", "nb", renderer))


def check(loader: PageLoader, html: str) -> list[str]:
    report = loader.open(html, wait_ms=300)
    problems = [f"hook called: {h}" for h in report.hits] + [f"dialog: {d}" for d in report.dialogs]
    # Markdown may link absolute http(s) images; the check blocks them, and only they may be tried.
    problems += [f"request left the page: {r}" for r in report.blocked_requests if not r.startswith(("http://", "https://"))
                 or "attacker" in r]
    # "Failed to load resource" is a kernel-supplied URL that was blocked or malformed: expected.
    problems += [f"console error: {e}" for e in report.console_errors if not e.startswith("Failed to load resource")]
    problems += [f"page error: {e}" for e in report.page_errors]
    # Output images are lazy; load them all now and wait until each has decoded (or failed).
    broken = report.evaluate("""async () => {
        const imgs = [...document.querySelectorAll('img.bai-media-image, img.bai-media-drawing, img.bai-media-gitgraph')];
        imgs.forEach(i => { i.loading = 'eager'; });
        const ok = await Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth > 0, () => false)));
        return ok.filter(x => !x).length;
    }""")
    if broken:
        problems.append(f"{broken} output image(s) did not decode")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chromium", default=CHROMIUM_PATH, help="Chromium binary (default: %(default)s)")
    args = parser.parse_args(argv)
    renderer = Renderer()
    failed = 0
    with launch_chromium(args.chromium) as browser, tempfile.TemporaryDirectory() as tmp:
        loader = PageLoader(browser, Path(tmp))
        try:
            for name, html in pages(renderer):
                problems = check(loader, html)
                failed += bool(problems)
                print(f"{'FAIL' if problems else 'ok  '} {name}")
                for problem in problems:
                    print(f"     {problem}")
        finally:
            loader.close()
    print(f"{failed} page(s) failed" if failed else "all pages passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
