"""The shipped showcase, rendered by the CLI, in real Chromium; and drawing animation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import Markup
from PIL import Image, ImageChops

from bai_media import handle_all
from bai_media.cli import main
from bai_media.producers import Canvas, Turtle
from bai_media.renderer import default_renderer

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]


def test_showcase_page_loads_cleanly(load_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "showcase.html"
    result = CliRunner().invoke(main, ["render", str(ROOT / "examples" / "showcase.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = load_page.open(out.read_text(), wait_ms=800, viewport={"width": 1000, "height": 800})
    page.page.screenshot(path=str(tmp_path / "showcase.png"), full_page=True)
    images = page.evaluate("[...document.images].map(i => [i.className, i.complete, i.naturalWidth, i.naturalHeight])")
    assert len(images) >= 5
    for cls, complete, width, height in images:
        assert complete and width > 0 and height > 0, cls
    assert page.evaluate("document.querySelectorAll('math').length") >= 3
    assert page.evaluate("document.querySelectorAll('.bai-media-error').length") == 0
    assert page.evaluate("document.querySelectorAll('.bai-media-item').length") == 22
    styled = page.evaluate("[...document.querySelectorAll('.bai-media-html td[style]')].map(td => getComputedStyle(td).backgroundColor)")
    assert len(set(styled)) >= 3  # pandas Styler's gradient reached its cells
    assert page.evaluate("document.querySelectorAll('.bai-media-frame a[href^=\"https://www.openstreetmap.org/\"]').length") == 1
    # Markdown as JupyterLab: the in-page link reaches its heading; environments are tables.
    assert page.evaluate("[...document.querySelectorAll('.bai-media-markdown p a[href^=\"#\"]')]"
                         ".every(a => document.getElementById(a.getAttribute('href').slice(1)))")
    assert page.evaluate("document.querySelectorAll('.bai-media-markdown mtable').length") >= 3
    assert page.evaluate("document.querySelector('audio').duration") == pytest.approx(0.5, abs=0.05)
    assert page.console_errors == [] and page.page_errors == []
    assert page.hits == [] and page.blocked_requests == []


def turtle_square(static: bool) -> str:
    canvas = Canvas(160, 160)
    if static:
        canvas.stop_animation()
    turtle = Turtle(canvas)
    for _ in range(4):
        turtle.forward(60)
        turtle.left(90)
    return default_renderer().render_page(handle_all(canvas.update(), "turtle"))


def same_picture(a: Image.Image, b: Image.Image) -> bool:
    """Equal up to ±2 per channel: an interpolated rotation rounds differently from a set one."""
    return max(ImageChops.difference(a, b).getextrema(), key=lambda band: band[1])[1] <= 2


def shot(page) -> Image.Image:  # type: ignore[no-untyped-def]
    return Image.open(io.BytesIO(page.page.locator("img.bai-media-drawing").screenshot())).convert("RGB")


def test_turtle_animation_plays_and_ends_on_the_static_picture(load_page) -> None:  # type: ignore[no-untyped-def]
    animated = load_page.open(turtle_square(static=False), wait_ms=150)
    early = shot(animated)
    animated.page.wait_for_timeout(2600)  # 8 steps × 300 ms − 120 ms, plus margin
    final = shot(animated)
    static = shot(load_page.open(turtle_square(static=True), wait_ms=300))
    assert ImageChops.difference(early, final).getbbox() is not None, "nothing moved"
    assert same_picture(final, static), "animation did not end on the static picture"


def test_reduced_motion_shows_the_final_picture_at_once(load_page) -> None:  # type: ignore[no-untyped-def]
    reduced = shot(load_page.open(turtle_square(static=False), wait_ms=150, reduced_motion="reduce"))
    static = shot(load_page.open(turtle_square(static=True), wait_ms=150))
    assert same_picture(reduced, static)


def test_notebook_showcase_as_jupyterlab_shows_it(load_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """examples/notebook/showcase.ipynb was executed by nbclient: a tqdm loop saved frame by frame,
    a Styler table, figures referred to by relative paths, an IFrame, alert boxes."""
    out = tmp_path / "nb.html"
    result = CliRunner().invoke(main, ["render", str(ROOT / "examples" / "notebook" / "showcase.ipynb"), "-o", str(out)])
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    for scheme in ("light", "dark"):
        page = load_page.open(out.read_text(), viewport={"width": 1000, "height": 800}, color_scheme=scheme)
        bars = page.evaluate("[...document.querySelectorAll('pre.bai-media-stream-stderr')].map(p => p.innerText)")
        assert sum("20/20" in bar for bar in bars) == 1 and not any("0/20" in bar and "20/20" not in bar for bar in bars)
        images = page.evaluate("[...document.images].map(i => [i.naturalWidth, i.alt])")
        assert len(images) == 2 and all(width > 0 for width, _ in images)
        cells = page.evaluate("[...document.querySelectorAll('.bai-media-html td:not(.blank)')].map(td => getComputedStyle(td).backgroundColor)")
        assert len(cells) == 8 and len(set(cells)) >= 4
        assert page.evaluate("getComputedStyle(document.querySelector('.alert-success')).borderTopStyle") == "solid"
        assert page.evaluate("document.querySelector('.bai-media-frame a').href") == "https://example.org/"
        assert page.hits == [] and page.blocked_requests == [] and page.console_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_text_code_boxes_and_tables_follow_the_colour_scheme(load_page, tmp_path: Path, scheme: str) -> None:  # type: ignore[no-untyped-def]
    """Review: in dark mode fenced code lost its box, and pages fell back to Times."""
    page = default_renderer().render_page(Markup("<h1>Page heading</h1>") + handle_all([
        ("text/markdown", "```python\nx = 1\n```"), ("text/html", "<table><tr><td>1.5</td></tr></table>")], "d"))
    report = load_page.open(page, color_scheme=scheme)
    got = report.evaluate("""(() => {
      const s = q => getComputedStyle(document.querySelector(q));
      return {body: s('body').backgroundColor, h1: s('h1').color, font: s('h1').fontFamily,
              code: s('.bai-media-markdown .highlight').backgroundColor, td: s('td').color, align: s('td').textAlign};
    })()""")
    light_text = lambda c: min(int(v) for v in c[c.index("(") + 1:-1].split(",")[:3]) > 150  # noqa: E731
    assert light_text(got["h1"]) == (scheme == "dark") and light_text(got["td"]) == (scheme == "dark")
    assert "serif" not in got["font"].replace("sans-serif", "") and "Times" not in got["font"]
    assert got["code"] != got["body"] and got["code"] != "rgba(0, 0, 0, 0)"
    assert got["align"] == "right"
