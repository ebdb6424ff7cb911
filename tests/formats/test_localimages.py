"""Images next to a document: read from its folder only, checked, bounded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from bai_media import handle_all
from bai_media.formats.localimages import FolderImages
from tests.html_checks import active_content


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    doc = tmp_path / "doc"
    (doc / "figures").mkdir(parents=True)
    Image.new("RGB", (30, 20), "red").save(doc / "figures" / "x.png")
    Image.new("RGB", (8, 8), "blue").save(doc / "figures" / "y.jpg", "JPEG")
    Image.new("RGB", (10, 10), "green").save(tmp_path / "secret.png")
    (doc / "figures" / "fake.png").write_text("<svg onload=alert(1)>")
    os.symlink(tmp_path / "secret.png", doc / "figures" / "link.png")
    os.symlink(tmp_path, doc / "up")
    return doc


def test_images_inside_the_folder_are_embedded(folder: Path) -> None:
    resolve = FolderImages(folder)
    assert (resolve("figures/x.png") or "").startswith("data:image/png;base64,iVBOR")
    assert (resolve("./figures/y.jpg?v=2#top") or "").startswith("data:image/jpeg;base64,")
    assert (resolve("figures/%78.png") or "").startswith("data:image/png;base64,")
    assert resolve.refused == []


@pytest.mark.parametrize("url", [
    "../secret.png", "figures/../../secret.png", "%2e%2e/secret.png", "figures/link.png", "up/secret.png",
    "/etc/passwd", "//host/x.png", "\\\\host\\x.png", "figures\\..\\..\\secret.png", "file:///etc/passwd",
    "figures/fake.png", "figures/missing.png", "figures", "", "figures/x.png%00.txt",
])
def test_everything_else_is_refused_with_a_reason(folder: Path, url: str) -> None:
    resolve = FolderImages(folder)
    assert resolve(url) is None
    assert len(resolve.refused) == 1 and resolve.refused[0][1]


def test_size_pixel_and_total_limits(folder: Path) -> None:
    assert FolderImages(folder, max_bytes=50)("figures/x.png") is None
    assert FolderImages(folder, max_pixels=100)("figures/x.png") is None
    resolve = FolderImages(folder, total_bytes=(folder / "figures" / "x.png").stat().st_size + 10)
    assert resolve("figures/x.png") and resolve("figures/x.png") and resolve("figures/y.jpg") is None  # repeats are free


def test_resolved_sources_still_pass_the_sanitizer(folder: Path) -> None:
    items = [("text/html", '<img src="figures/x.png"><img src="evil.png"><img src="javascript:alert(1)">'),
             ("text/markdown", "![m](figures/x.png) [link](figures/x.png)")]
    html = str(handle_all(items, "r", resolve=lambda url: "data:text/html;base64,PHNjcmlwdD4=" if url == "evil.png" else FolderImages(folder)(url)))
    assert html.count('src="data:image/png;base64,') == 2 and "text/html;base64" not in html
    assert 'href="figures/x.png"' in html and active_content(html) == []


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_both_engines_resolve_through_the_same_policy(folder: Path, engine: str) -> None:
    from bai_media import Renderer

    html = str(Renderer(sanitizer=engine).handle_all(  # type: ignore[arg-type]
        [("text/html", "<img src='figures/x.png' alt=a><img src='../secret.png' alt=b>")], "e", resolve=FolderImages(folder)))
    assert html.count("data:image/png;base64,iVBOR") == 1 and "secret" not in html
    assert '<img src="data:image/png;base64," alt="b">' in html or '<img alt="b" src="data:image/png;base64,">' in html


def test_a_resolver_may_map_to_absolute_urls_but_not_to_other_schemes() -> None:
    mapping = {"a.png": "https://files.example/nb/a.png", "b.png": "javascript:alert(1)", "c.png": "/host/c.png"}
    html = str(handle_all([("text/markdown", "![a](a.png) ![b](b.png) ![c](c.png)")], "m", resolve=mapping.get))
    assert 'src="https://files.example/nb/a.png"' in html and "javascript" not in html and "/host/c.png" not in html


def test_relative_urls_in_disguise_go_to_the_resolver() -> None:
    """``http:a.png`` and a hidden character in the scheme are relative to a browser: the resolver decides."""
    asked: list[str] = []
    html = str(handle_all([("text/html", "<img src='http:a.png' alt=a><img src='h\u200bttp://x/b.png' alt=b>")], "d",
                          resolve=lambda url: asked.append(url) or None))
    assert asked == ["http:a.png", "h\u200bttp://x/b.png"] and html.count('src="data:image/png;base64,"') == 2


@pytest.mark.browser
def test_a_refused_image_shows_as_broken_with_its_alt_text(folder: Path, load_page) -> None:  # type: ignore[no-untyped-def]
    from bai_media.renderer import default_renderer

    body = handle_all([("text/markdown", "![the figure](figures/x.png) ![a missing figure](figures/gone.png)")], "b",
                      resolve=FolderImages(folder))
    page = load_page.open(default_renderer().render_page(body))
    images = page.evaluate("[...document.images].map(i => [i.alt, i.complete, i.naturalWidth, i.getBoundingClientRect().width])")
    assert images[0][0] == "the figure" and images[0][2] == 30
    assert images[1][0] == "a missing figure" and images[1][2] == 0 and images[1][3] > 20  # its alt text takes room
    assert page.blocked_requests == [] and page.console_errors in ([], ["Failed to load resource: net::ERR_INVALID_URL"])
