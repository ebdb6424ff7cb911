"""The installed assets: a shipped build is used only when it matches the installed sources."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bai_media.assets.build import build
from bai_media.assets.installed import _prebuilt, installed_assets


def test_a_shipped_build_of_these_sources_is_the_installed_build(tmp_path: Path) -> None:
    result = build(tmp_path)
    shipped = _prebuilt(result.path)
    assert shipped == installed_assets()  # same hash, files (gzip siblings included) and manifest
    assert _prebuilt(tmp_path / "missing") is None


def test_a_stale_shipped_build_is_ignored_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    result = build(tmp_path)
    (result.path / "css" / "bai-media.min.css").write_bytes(b"body{color:red}")
    with caplog.at_level(logging.WARNING, logger="bai_media"):
        assert _prebuilt(result.path) is None
    assert "do not match the installed sources" in caplog.text
