"""WCAG 2.2 AA: axe-core finds nothing on the pages we render, in light and dark schemes, and
every control works from the keyboard. (The example apps and the dev server's preview are
checked beside their other browser tests.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bai_media import handle_all
from bai_media.cli import main
from bai_media.renderer import default_renderer
from bai_media.testing import axe_violations

from .conftest import need

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module", autouse=True)
def _axe() -> None:
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        need(False, "the axe-playwright-python package")


def render(paths: list[Path], out: Path) -> list[Path]:
    result = CliRunner().invoke(main, ["render", *map(str, paths), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return sorted(out.glob("*.html")) if out.is_dir() else [out]


def audit(load_page, html: Path, scheme: str) -> list[str]:  # type: ignore[no-untyped-def]
    page = load_page.open(url=html.as_uri(), wait_ms=100, color_scheme=scheme, viewport={"width": 1000, "height": 800})
    return axe_violations(page.page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_showcase_has_no_axe_violations(load_page, tmp_path: Path, scheme: str) -> None:  # type: ignore[no-untyped-def]
    page = render([ROOT / "examples" / "showcase.json"], tmp_path / "showcase.html")[0]
    assert audit(load_page, page, scheme) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_shared_notebooks_have_no_axe_violations(load_page, shared: Path, tmp_path: Path, scheme: str) -> None:  # type: ignore[no-untyped-def]
    notebooks = sorted((shared / "corpus" / "notebooks").glob("*.ipynb"))
    found = {page.name: audit(load_page, page, scheme) for page in render(notebooks, tmp_path / "out")}
    assert len(found) == len(notebooks)
    assert {name: v for name, v in found.items() if v} == {}


def test_ansi_colours_on_every_background_pass_in_both_schemes(load_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """All 256 colours and some truecolour, as foreground and on kernel backgrounds, in stdout
    and stderr boxes, dim and inverse: nothing below 4.5:1 where it is shown."""
    fg = "".join(f"\x1b[38;5;{n}m{n:03d}\x1b[0m " for n in range(256))
    bg = "".join(f"\x1b[48;5;{n}m{n:03d}\x1b[0m " for n in range(0, 256, 7))
    pairs = "".join(f"\x1b[3{a};4{b}m{a}{b}\x1b[0m " for a in range(8) for b in range(8))
    extra = "\x1b[2mdim\x1b[0m \x1b[7minverse\x1b[0m \x1b[38;2;20;20;20mnear-black\x1b[0m \x1b[38;2;250;250;240mnear-white\x1b[0m"
    media = [("stdout", fg + "\n" + bg + "\n" + pairs + "\n" + extra), ("stderr", fg + "\n" + pairs + "\n" + extra)]
    page = tmp_path / "ansi.html"
    page.write_text(default_renderer().render_page(handle_all(media, "ansi")))
    for scheme in SCHEMES:
        assert audit(load_page, page, scheme) == [], scheme


def test_json_tree_toggles_work_from_the_keyboard(load_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page_file = tmp_path / "json.html"
    page_file.write_text(default_renderer().render_page(handle_all([("application/json", {"a": [1, 2, {"b": 3}]})], "j")))
    page = load_page.open(url=page_file.as_uri(), wait_ms=100)
    summary = page.page.locator(".bai-media-json summary").first
    opened = summary.evaluate("s => s.parentElement.open")
    page.page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # visible focus
    page.page.keyboard.press("Enter")
    assert summary.evaluate("s => s.parentElement.open") is (not opened)
    box = summary.bounding_box()
    assert box is not None and box["height"] >= 24
