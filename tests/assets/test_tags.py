"""Asset tags with Subresource Integrity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bai_media.assets import asset_tags, build
from bai_media.assets.tags import manifest_for
from bai_media.resources import static_dir


def test_tags_for_the_installed_build_carry_integrity(tmp_path: Path) -> None:
    result = build(tmp_path, static_dir())
    root = f"https://cdn.example.org/bai/{result.hash}"
    tags = str(asset_tags(root))
    assert f'<link rel="stylesheet" href="{root}/css/bai-media.min.css" integrity="sha384-' in tags
    assert f'<script src="{root}/js/main.min.js" defer data-asset-root="{root}"' in tags
    assert tags.count('crossorigin="anonymous"') == 2
    assert manifest_for(root) == json.loads((result.path / "manifest.json").read_text())


def test_unknown_root_still_gets_tags_without_integrity() -> None:
    tags = str(asset_tags("/static/bai/0000000000000000/", render_endpoint="/api/render?x=1&y=2"))
    assert 'href="/static/bai/0000000000000000/css/bai-media.min.css"' in tags
    assert "integrity" not in tags and 'data-render-endpoint="/api/render?x=1&amp;y=2"' in tags


@pytest.mark.parametrize("root", ["javascript:alert(1)", "data:text/html,x", " JaVaScRiPt:x", "mailto:a@b.c"])
def test_script_roots_are_refused(root: str) -> None:
    with pytest.raises(ValueError):
        asset_tags(root)
