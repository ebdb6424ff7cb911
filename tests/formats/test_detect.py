"""Format detection and the batch CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bai_media.formats import detect


@pytest.mark.parametrize("doc,fmt", [
    ([["text/plain", "x"]], "media"), ([{"type": "text/plain", "data": "x"}], "media"), ([], "media"),
    ({"cells": []}, "notebook"), ([{"output_type": "stream"}], "jupyter"),
    ({"result": {"console": []}}, "backendai"), ({"stdout": "x"}, "backendai"), ([{"status": "continued", "console": []}], "backendai"),
    ([{"executor": "e", "message": {}}], "widgets"), ([{"id": "c", "output": "x"}], "unklearn"), (42, "media"),
])
def test_detect(doc: object, fmt: str) -> None:
    assert detect(doc) == fmt


def test_batch_render_folder_in_parallel(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.json").write_text(json.dumps([["text/plain", "A"]]))
    (src / "b.ipynb").write_text(json.dumps({"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "# B"}]}))
    (src / "c.json").write_text("{broken")
    proc = subprocess.run([sys.executable, "-m", "bai_media.cli", "render", str(src), "-o", str(tmp_path / "out"), "-j", "2"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "rendered 2 of 3 files" in proc.stderr and "c.json" in proc.stderr and "Traceback" not in proc.stderr
    assert '<h1 id="user-content-B">B<a class="anchor-link"' in (tmp_path / "out" / "b.html").read_text()
    assert ">A<" in (tmp_path / "out" / "a.html").read_text()
