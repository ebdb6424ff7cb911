"""Plotly figures: cleaned on the server, drawn by the on-demand chunk under the strict CSP."""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from bai_media import Renderer, handle_all
from bai_media.assets.server import STRICT_CSP, DevServer
from bai_media.assets.tags import asset_tags
from bai_media.formats import render
from bai_media.handlers.plotly import clean_text
from bai_media.limits import Limits

from ..attacks import PLOTLY_ATTACK
from ..html_checks import active_content

RICH = Path(__file__).resolve().parents[1] / "data" / "rich"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
TYPE = "application/vnd.plotly.v1+json"


def figure_of(html: str) -> Any:
    """The figure JSON the page carries for the runtime (what plotly.js will be given)."""
    match = re.search(r'<pre class="bai-media-plotly-figure" hidden>(.*?)</pre>', html, re.DOTALL)
    assert match, html
    return json.loads(htmllib.unescape(match.group(1)))


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


@pytest.mark.parametrize(("text", "cleaned"), [
    ("Tiny <b>bar</b> chart", "Tiny <b>bar</b> chart"),
    ("x=%{x}<br>y=%{y}<extra></extra>", "x=%{x}<br>y=%{y}<extra></extra>"),
    ("H<sub>2</sub>O <BR/> <i>it</i>", "H<sub>2</sub>O <br> <i>it</i>"),
    ("<a href='javascript:alert(1)'>link</a>", "link"),
    ("<b onmouseover=alert(1)>b</b>", "b</b>"),
    ("<span style='color:red'>s</span>", "s"),
    ("&lt;img src=x onerror=alert(1)&gt;", ""),
    ("a < b and c > d", "a &lt; b and c &gt; d"),
    ("<!-- c --><?php x ?>", ""),
    ("<<b>>", "<<b>>"),
])
def test_text_keeps_only_attribute_free_formatting_tags(text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned


def test_plotly_fixture_carries_its_figure_and_a_static_summary() -> None:
    nb = json.loads((RICH / "plotly.ipynb").read_text(encoding="utf-8"))
    html = str(render(nb, "auto", "p"))
    assert html.count('class="bai-media-plotly"') == 2 and "bai-media-error" not in html
    first = figure_of(html)
    assert first["data"][0]["type"] == "bar" and first["data"][0]["name"] == "bars"
    assert first["layout"]["title"]["text"] == "Tiny <b>bar</b> chart"
    assert "the interactive chart needs JavaScript" in html and "<li>bar trace “bars”</li>" in html
    assert "Plotly chart “Tiny bar chart”" in html


def test_every_string_of_a_hostile_figure_is_cleaned() -> None:
    html = str(handle_all([(TYPE, PLOTLY_ATTACK)], "p"))
    assert active_content(html) == []
    figure = figure_of(html)
    for text in strings(figure):
        for tag in re.findall(r"<[^<>]*>", text):
            assert re.fullmatch(r"</?(b|i|em|sub|sup|s|u|extra)>|<br>", tag), text
        assert "javascript:" not in text and "http" not in text
    assert figure["layout"]["images"][0]["source"] is None
    assert "Left out: an image that plotly.js would fetch from the network" in html


def test_without_javascript_the_bundle_image_shows() -> None:
    fig = {"data": [{"type": "scatter", "y": [1, 2]}], "layout": {"title": "t"}}
    html = str(render([{"output_type": "display_data", "data": {TYPE: fig, "image/png": PNG, "text/plain": "Figure()"}}], "jupyter", "o"))
    assert "Shown: its static image." in html and 'src="data:image/png;base64,' in html and "<li>" not in html


def test_map_traces_are_not_drawn_and_say_why() -> None:
    fig = {"data": [{"type": "scattergeo", "lat": [1], "lon": [2], "name": "where"}]}
    html = str(handle_all([(TYPE, fig)], "p"))
    assert "bai-media-plotly-figure" not in html and "scattergeo traces load map data from the network" in html
    assert "<li>scattergeo trace “where”</li>" in html


def test_limits_and_bad_figures() -> None:
    many = {"data": [{"type": "bar", "x": [f"c{i}" for i in range(200)], "y": list(range(200))}]}
    html = str(Renderer(limits=Limits(plotly_strings=100)).handle_all([(TYPE, many)], "p"))
    assert "bai-media-plotly-figure" not in html and "too many strings" in html
    html = str(Renderer(limits=Limits(plotly_chars=100)).handle_all([(TYPE, json.dumps(many))], "p"))
    assert "over the limit of 100" in html
    html = str(handle_all([(TYPE, "{nope"), (TYPE, [1]), (TYPE, {"data": {"x": 1}})], "p"))
    assert html.count("bai-media-error") == 3
    nan = figure_of(str(handle_all([(TYPE, {"data": [{"y": [1.0, float("nan"), float("inf")]}]})], "p")))
    assert nan["data"][0]["y"] == [1.0, None, None]
    deep: Any = "x"
    for _ in range(100):
        deep = [deep]
    assert "nested more than" in str(handle_all([(TYPE, {"data": [{"y": deep}]})], "p"))


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[DevServer]:
    server = DevServer(tmp_path / "assets", "127.0.0.1", 0, watch=False).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.browser
def test_chart_draws_from_the_built_chunk_under_the_strict_csp(dev: DevServer, load_page) -> None:  # type: ignore[no-untyped-def]
    renderer = Renderer()
    nb = json.loads((RICH / "plotly.ipynb").read_text(encoding="utf-8"))
    body = Markup(render(nb, "auto", "p", renderer)) + renderer.handle_all([(TYPE, PLOTLY_ATTACK)], "attack")
    page_html = renderer.render_page(body, head=asset_tags("/latest", dev.build.manifest))
    url = f"http://127.0.0.1:{dev.port}/plotly.html"
    page = load_page.open(url=url, fulfill={url: (page_html, {"Content-Security-Policy": STRICT_CSP})}, wait_ms=4000)
    assert f"http://127.0.0.1:{dev.port}/latest/js/chunks/plotly.min.js" in page.requests
    assert page.evaluate("document.querySelectorAll('.bai-media-plotly-chart svg.main-svg').length") >= 6
    assert page.evaluate("document.querySelectorAll('.bai-media-plotly-chart .bars path').length") >= 5
    assert page.evaluate("document.querySelectorAll('.bai-media-plotly-chart .scatterlayer .point').length") == 3
    assert page.evaluate("[...document.querySelectorAll('.bai-media-plotly-static')].every(e => e.hidden)")
    assert page.evaluate("document.querySelector('.gtitle').textContent") == "Tiny bar chart"
    # Hover every point so hover labels (hovertemplate, customdata) render too.
    page.page.evaluate("""() => { for (const el of document.querySelectorAll('.bai-media-plotly-chart .nsewdrag')) {
        const r = el.getBoundingClientRect();
        for (let x = r.left + 2; x < r.right; x += 15) el.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: x, clientY: r.top + r.height / 2}));
        } }""")
    page.page.wait_for_timeout(300)
    assert page.evaluate("[...document.querySelectorAll('.bai-media-plotly-chart a')].filter(a => /javascript/i.test(a.getAttribute('href') || '')).length") == 0
    assert page.console_errors == [] and page.page_errors == []
    assert page.hits == [] and page.dialogs == [] and page.blocked_requests == []


@pytest.mark.browser
def test_no_plotly_chunk_without_a_plotly_item(dev: DevServer, load_page) -> None:  # type: ignore[no-untyped-def]
    renderer = Renderer()
    page_html = renderer.render_page(renderer.handle_all([("text/plain", "x")], "r"), head=asset_tags("/latest", dev.build.manifest))
    url = f"http://127.0.0.1:{dev.port}/plain.html"
    page = load_page.open(url=url, fulfill={url: (page_html, {"Content-Security-Policy": STRICT_CSP})}, wait_ms=500)
    assert f"http://127.0.0.1:{dev.port}/latest/js/main.min.js" in page.requests
    assert not any("plotly" in r for r in page.requests)
