"""The example apps, each started on 127.0.0.1 by the test as a real server, in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bai_media.testing import free_port

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "flask": lambda port: [sys.executable, str(ROOT / "examples" / "flask_app" / "app.py"), "--port", str(port)],
    "django": lambda port: [sys.executable, str(ROOT / "examples" / "django_site" / "manage.py"), "runserver", "--noreload",
                            f"127.0.0.1:{port}"],
}


@pytest.fixture(params=sorted(COMMANDS))
def example(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(COMMANDS[request.param](port), stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, cwd=str(ROOT))
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{request.param} example did not start: {(tmp_path / 'server.log').read_text()[-800:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_example_app_shows_results_and_the_js_shim_renders_through_the_endpoint(example: str, load_page) -> None:  # type: ignore[no-untyped-def]
    page = load_page.open(url=example, wait_ms=800)
    assert any(r.endswith("/js/main.min.js") for r in page.requests)
    assert page.evaluate("document.querySelectorAll('[data-result-id=\"demo-run\"] .bai-media-item').length") >= 6
    assert "100%|##########|" in page.evaluate("document.body.innerText")
    assert page.evaluate("document.querySelectorAll('[data-result-id=\"showcase\"] .bai-media-item').length") == 8
    page.page.click("#render-live")
    page.page.wait_for_selector("#live-0")
    page.page.click("#render-live")
    page.page.wait_for_function("document.getElementById('live-0').innerText.includes('request 2')")
    assert page.evaluate("document.querySelectorAll('#live .bai-media-item').length") == 2
    assert page.evaluate("document.querySelector('#live-0 math') !== null")
    assert page.evaluate("window.__hits") == [] and page.dialogs == []
    assert page.console_errors == [] and page.page_errors == [] and page.blocked_requests == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_example_app_has_no_axe_violations_and_its_controls_work_from_the_keyboard(example: str, load_page, scheme: str) -> None:  # type: ignore[no-untyped-def]
    from bai_media.testing import axe_violations

    page = load_page.open(url=example, wait_ms=800, color_scheme=scheme)
    assert axe_violations(page.page) == []
    # The copy buttons show only on hover, and on keyboard focus: tab to the first one.
    for _ in range(40):
        page.page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('bai-media-button')"):
            break
    else:
        pytest.fail("no bai-media button is reachable with Tab")
    page.page.wait_for_timeout(400)  # the controls fade in over .15 s
    assert page.evaluate("getComputedStyle(document.activeElement.parentElement).opacity") == "1"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    box = page.page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect(); return [r.width, r.height]; })()")
    assert min(box) >= 24
def test_example_pages_follow_the_dark_scheme(example: str, load_page) -> None:  # type: ignore[no-untyped-def]
    """Review: the example pages' own headings were black on the dark background, in Times."""
    page = load_page.open(url=example, wait_ms=500, color_scheme="dark")
    got = page.evaluate("""(() => { const s = getComputedStyle(document.querySelector('h1'));
        return [s.color, s.fontFamily, getComputedStyle(document.body).backgroundColor]; })()""")
    color, font, background = got
    assert min(int(v) for v in color[color.index("(") + 1:-1].split(",")[:3]) > 150, color
    assert "Times" not in font and "system-ui" in font and background == "rgb(13, 17, 23)"
