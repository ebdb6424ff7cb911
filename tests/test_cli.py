"""The bai-media command line: render, help texts, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bai_media.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_render_writes_a_complete_page(tmp_path: Path) -> None:
    src = tmp_path / "out.json"
    src.write_text(json.dumps([
        ["text/plain", "hello <world>"],
        ["text/html", "<table class='dataframe'><tr><td>1</td></tr></table><img src=x onerror=alert(1)>"],
        ["application/x-unknown", "zzz"],
    ]))
    result = CliRunner().invoke(main, ["render", str(src)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out.html").read_text()
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert "hello &lt;world&gt;" in page and 'class="dataframe"' in page
    assert "onerror" not in page and "No renderer for media type" in page


def test_render_fragment_from_stdin() -> None:
    result = CliRunner().invoke(main, ["render", "-", "--fragment"], input='[["text/plain", "x"]]')
    assert result.exit_code == 0
    assert result.output.startswith('<div class="bai-media" data-result-id="stdin">')


def test_errors_are_one_line_and_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    proc = subprocess.run([sys.executable, "-m", "bai_media.cli", "render", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0
    assert proc.stderr.startswith("bai-media: error: ") and "not valid JSON" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "bai_media.cli", "render", str(tmp_path / "missing.json")], capture_output=True, text=True)
    assert proc.returncode == 1 and "cannot read" in proc.stderr and "Traceback" not in proc.stderr


def test_help_texts_name_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "render" in result.output
    result = CliRunner().invoke(main, ["render", "--help"])
    assert "--fragment" in result.output and "--sanitizer" in result.output


def test_render_can_link_the_assets_instead_of_inlining(tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    src.write_text('[["text/plain", "x"]]')
    result = CliRunner().invoke(main, ["render", str(src), "--asset-root", "https://cdn.example.org/bai/0123456789abcdef"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "a.html").read_text()
    assert '<link rel="stylesheet" href="https://cdn.example.org/bai/0123456789abcdef/css/bai-media.min.css"' in page
    assert "<style>" not in page
    bad = CliRunner().invoke(main, ["render", str(src), "--asset-root", "javascript:alert(1)"])
    assert bad.exit_code == 1 and "is not an http(s) URL or a path" in bad.stderr


def test_render_embeds_a_notebooks_relative_images_and_warns_about_refused_ones(tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "nb" / "figures").mkdir(parents=True)
    Image.new("RGB", (4, 4), "red").save(tmp_path / "nb" / "figures" / "x.png")
    Image.new("RGB", (4, 4), "red").save(tmp_path / "outside.png")
    nb = {"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "![a](figures/x.png) ![b](../outside.png)"}]}
    (tmp_path / "nb" / "n.ipynb").write_text(json.dumps(nb))
    result = CliRunner().invoke(main, ["render", str(tmp_path / "nb" / "n.ipynb"), "--fragment", "-o", str(tmp_path / "n.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "n.html").read_text()
    assert html.count("data:image/png;base64,iVBOR") == 1 and "outside" not in html
    assert "image '../outside.png' not embedded: paths outside the document's folder are not read" in result.output
