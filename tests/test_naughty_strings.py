"""The Big List of Naughty Strings through every text-taking handler, as types and as result ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bai_media import Renderer

from .html_checks import active_content

STRINGS: list[str] = json.loads((Path(__file__).parent / "data" / "blns.json").read_text())
TEXT_TYPES = ["text/html", "text/markdown", "text/latex", "stdout", "text/plain", "application/json", "image/svg+xml"]


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_every_naughty_string_in_every_role_stays_inert(engine: str) -> None:
    renderer = Renderer(sanitizer=engine)  # type: ignore[arg-type]
    assert len(STRINGS) == 485
    media = [(mtype, s) for s in STRINGS for mtype in TEXT_TYPES] + [(s, "data") for s in STRINGS]
    html = str(renderer.handle_all(media, "blns"))
    assert html.count('<div class="bai-media-item ') == len(media)
    assert active_content(html) == []
    for s in STRINGS[:120]:  # and as result ids
        assert active_content(str(renderer.handle_all([("text/plain", "x")], s))) == []


@pytest.mark.browser
def test_naughty_strings_run_nothing_in_chromium(load_page) -> None:  # type: ignore[no-untyped-def]
    renderer = Renderer()
    body = renderer.handle_all([(mtype, s) for s in STRINGS for mtype in ("text/html", "text/markdown", "stdout")], "blns")
    page = load_page.open(renderer.render_page(body), wait_ms=800)
    assert page.evaluate("window.__hits") == [] and page.dialogs == []
    assert page.page_errors == []
