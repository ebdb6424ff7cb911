"""Vega and Vega-Lite drawn as SVG on the server, from altair's real outputs (tests/data/rich)."""

from __future__ import annotations

import base64
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bai_media import Renderer, handle_all
from bai_media.formats import render
from bai_media.handlers import vega

from ..attacks import VEGA_LITE_ATTACK
from ..html_checks import active_content

RICH = Path(__file__).resolve().parents[1] / "data" / "rich"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
BARS = {"data": {"values": [{"a": "A", "b": 3}, {"a": "B", "b": 1}]}, "mark": "bar",
        "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}


def svgs(html: str) -> list[str]:
    found = re.findall(r'<img class="bai-media-image bai-media-svg" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    return [base64.b64decode(b).decode() for b in found]


def texts(svg: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?text[^>]*>([^<]*)</(?:\w+:)?text>", svg)


def test_altair_outputs_are_drawn_as_svg_images() -> None:
    nb = json.loads((RICH / "altair.ipynb").read_text(encoding="utf-8"))
    html = str(render(nb, "auto", "alt"))
    drawn = svgs(html)
    assert len(drawn) == 3  # two Vega-Lite v6 charts (altair 6 writes "vegalite.v6.json") and one Vega v5
    assert "Tiny bars" in texts(drawn[0]) and {"A", "B", "C"} <= set(texts(drawn[0]))
    assert 'alt="Vega-Lite chart: Tiny bars"' in html
    assert all(d.count("<path") >= 1 for d in drawn) and "bai-media-error" not in html


@pytest.mark.parametrize("mtype", vega.VEGA_LITE_TYPES)
def test_every_vega_lite_version_draws(mtype: str) -> None:
    assert len(svgs(str(handle_all([(mtype, BARS)], "v")))) == 1


def test_titles_tooltips_and_links_stay_text_in_an_image() -> None:
    html = str(handle_all([("application/vnd.vegalite.v5+json", VEGA_LITE_ATTACK)], "v"))
    assert active_content(html) == []
    (svg,) = svgs(html)
    root = ET.fromstring(svg)
    tags = {element.tag.rpartition("}")[2] for element in root.iter()}
    attributes = {name.rpartition("}")[2] for element in root.iter() for name in element.attrib}
    assert not tags & {"script", "foreignObject", "a"} and not [a for a in attributes if a.startswith("on") or a == "href"]
    assert "&lt;script&gt;__pwned(461)&lt;/script&gt;</text>" in svg  # the data value: escaped text of the SVG


@pytest.fixture
def data_server() -> Iterator[tuple[str, list[str]]]:
    """A data server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'[{"a": "A", "b": 1}]')

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_spec_never_makes_the_server_fetch(data_server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    base, hits = data_server
    specs = [
        {**BARS, "data": {"url": f"{base}/data.json"}},
        {**BARS, "transform": [{"lookup": "a", "from": {"data": {"url": f"{base}/lookup.json"}, "key": "a", "fields": ["c"]}}]},
        {**BARS, "data": {"url": "file:///etc/passwd", "format": {"type": "csv"}}},
    ]
    html = str(handle_all([("application/vnd.vegalite.v5+json", s) for s in specs], "v"))
    assert html.count("and the server fetches nothing") == 3 and svgs(html) == []
    # And vl-convert itself is told to fetch nothing, should a URL ever slip past the check.
    monkeypatch.setattr(vega, "_prepare", lambda spec, found: spec)
    html = str(handle_all([("application/vnd.vegalite.v5+json", specs[0]), ("application/vnd.vega.v5+json",
                           {"data": [{"name": "t", "url": f"{base}/vega.json"}], "marks": []})], "v"))
    assert "External data url not allowed" in html
    assert hits == []


def test_unbounded_generators_are_refused() -> None:
    spec = {"data": {"sequence": {"start": 0, "stop": 1e12}}, "mark": "point", "encoding": {"x": {"field": "data", "type": "quantitative"}}}
    html = str(handle_all([("application/vnd.vegalite.v5+json", spec)], "v"))
    assert "sequence generator is not a fixed range" in html and svgs(html) == []
    spec["data"] = {"sequence": {"start": 0, "stop": 5}}
    assert len(svgs(str(handle_all([("application/vnd.vegalite.v5+json", spec)], "v")))) == 1


def test_bad_specs_are_error_fragments() -> None:
    html = str(handle_all([("application/vnd.vegalite.v5+json", "{not json"), ("application/vnd.vega.v5+json", [1, 2]),
                           ("application/vnd.vegalite.v5+json", {"mark": "nonsense"})], "v"))
    assert html.count("bai-media-error") == 3 and "not valid JSON" in html and "must be a JSON object" in html


def test_without_the_extra_the_bundle_png_or_text_shows_with_a_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vega, "_converter", lambda: None)
    outputs = [
        {"output_type": "display_data", "data": {"application/vnd.vegalite.v5+json": BARS, "image/png": PNG, "text/plain": "alt.Chart(...)"}},
        {"output_type": "display_data", "data": {"application/vnd.vegalite.v5+json": BARS, "text/plain": "alt.Chart(...)"}},
    ]
    html = str(render(outputs, "jupyter", "o", Renderer(cache=None)))  # the shared render cache may hold the drawn chart
    assert html.count("needs the vega extra") == 2
    assert "Shown instead: its image" in html and 'src="data:image/png;base64,' in html
    assert "Shown instead: its text" in html and "alt.Chart(...)" in html


def test_spec_and_drawing_sizes_are_bounded() -> None:
    from bai_media.limits import Limits

    many = {**BARS, "data": {"values": [{"a": str(i), "b": i} for i in range(300)]}}
    html = str(Renderer(limits=Limits(vega_chars=1_000)).handle_all([("application/vnd.vegalite.v5+json", many)], "v"))
    assert "over the limit of 1,000 characters" in html
    html = str(Renderer(limits=Limits(svg_bytes=5_000)).handle_all([("application/vnd.vegalite.v5+json", many)], "v"))
    assert "characters of SVG, over the limit of 5,000" in html
    deep: object = 1
    for _ in range(5_000):
        deep = {"a": deep}
    assert "nested too deeply" in str(handle_all([("application/vnd.vegalite.v5+json", {"mark": "point", "usermeta": deep})], "v"))
