"""scripts/check_browser.py: every example, the notebook corpus and the attack corpus in one go."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CHROMIUM, ROOT, need

pytestmark = pytest.mark.browser


def test_check_browser_passes() -> None:
    need(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_browser.py"), "--chromium", CHROMIUM],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "ok   examples/showcase.json" in proc.stdout and "ok   attack corpus (bleach)" in proc.stdout
    assert "FAIL" not in proc.stdout and proc.stdout.rstrip().endswith("all pages passed")
