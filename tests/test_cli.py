"""The bai-media command line: render, help texts, one-line errors."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
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


def cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, cwd: Path | None = None,
        preexec: Any = None, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """The real command in a child process; ``prelude`` runs first (e.g. to hide an extra)."""
    code = f"{prelude}\nfrom bai_media.cli import main\nmain()"
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin.decode("latin-1") if stdin is not None else None,
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd, preexec_fn=preexec,
                          timeout=120)


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bai-media: error: ") and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


@pytest.mark.parametrize("document", ["{}", "42", '"text"', "null", "[1, 2]", '[{"foo": 1}]', '{"foo": [1]}'])
def test_input_of_no_supported_format_fails_in_one_line(tmp_path: Path, document: str) -> None:
    line = one_error_line(cli("render", "-", stdin=document.encode()))
    assert line.startswith("bai-media: error: stdin is no supported format")
    src = tmp_path / "odd.json"
    src.write_text(document)
    line = one_error_line(cli("render", str(src)))
    assert line.startswith(f"bai-media: error: {src} is no supported format")
    assert not (tmp_path / "odd.html").exists()


def test_a_failing_item_renders_visibly_and_strict_turns_it_into_exit_1(tmp_path: Path) -> None:
    src = tmp_path / "items.json"
    src.write_text(json.dumps([["text/plain", "fine"], ["image/png", "not base64!"], 7]))
    proc = cli("render", str(src))
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "items.html").read_text()
    assert "fine" in page and page.count('class="bai-media-error"') == 2
    assert f"bai-media: warning: {src}: 2 items could not be rendered" in proc.stderr
    (tmp_path / "items.html").unlink()
    line = one_error_line(cli("render", "--strict", str(src)))
    assert line.startswith(f"bai-media: error: {src}: 2 items could not be rendered (first: ")
    assert not (tmp_path / "items.html").exists()
    good = tmp_path / "good.json"
    good.write_text('[["text/plain", "ok"]]')
    assert cli("render", "--strict", str(good)).returncode == 0


def test_oversized_input_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: 1 GB on paper, nothing on disk
        handle.truncate(1_000_000_000)

    def small_memory() -> None:  # reading 1 GB into this process would fail with MemoryError
        resource.setrlimit(resource.RLIMIT_AS, (700_000_000, 700_000_000))

    line = one_error_line(cli("render", str(huge), preexec=small_memory))
    assert line == f"bai-media: error: {huge} is larger than the input limit of 100,000,000 bytes (--max-input-size)"
    line = one_error_line(cli("render", "-", "--max-input-size", "10", stdin=b'[["text/plain", "0123456789"]]'))
    assert line == "bai-media: error: stdin is larger than the input limit of 10 bytes (--max-input-size)"


def test_every_error_names_its_file(tmp_path: Path) -> None:
    files = {"binary.json": b"\x80\x81\x82garbage", "broken.json": b"{not json", "odd.json": b"42",
             "deep.json": b"[" * 100_000, "good.json": b'[["text/plain", "ok"]]'}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    line = one_error_line(cli("render", str(tmp_path / "binary.json")))
    assert line == f"bai-media: error: {tmp_path / 'binary.json'} is not UTF-8 text (undecodable byte at offset 0)"
    proc = cli("render", "-j", "2", *(str(tmp_path / n) for n in files), str(tmp_path / "missing.json"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("bai-media: error: ")]
    assert len(errors) == 5
    for name in ("binary.json", "broken.json", "odd.json", "deep.json", "missing.json"):
        assert sum(str(tmp_path / name) in line for line in errors) == 1, name
    assert (tmp_path / "good.html").exists() and not (tmp_path / "odd.html").exists()


def _limit_file_size() -> None:
    """A file size limit: writes past it fail (EFBIG) as they would on a full disk (ENOSPC)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_a_full_disk_leaves_the_old_page_or_none_never_a_truncated_one(tmp_path: Path) -> None:
    src = tmp_path / "big.json"
    src.write_text(json.dumps([["text/plain", "x" * 50_000]]))
    target = tmp_path / "big.html"
    target.write_text("the previous page")
    line = one_error_line(cli("render", str(src), preexec=_limit_file_size))
    assert line == f"bai-media: error: cannot write {target}: File too large"
    assert target.read_text() == "the previous page"
    target.unlink()
    one_error_line(cli("render", str(src), preexec=_limit_file_size))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.json"]  # no temporary file left either
    ok = cli("render", str(src))
    assert ok.returncode == 0 and target.read_text().startswith("<!doctype html>") and oct(target.stat().st_mode)[-3:] != "600"


def test_a_full_disk_stops_a_batch(tmp_path: Path) -> None:
    for i in range(8):
        (tmp_path / f"in{i}.json").write_text(json.dumps([["text/plain", "x" * 50_000]]))
    proc = cli("render", "-j", "1", "-o", str(tmp_path / "out"), str(tmp_path), preexec=_limit_file_size)
    assert proc.returncode == 1
    assert "disk full: stopped" in proc.stderr and proc.stderr.count("File too large") < 8
    assert list((tmp_path / "out").iterdir()) == []


def test_output_is_checked_against_the_inputs_before_rendering(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for src in (a, b):
        src.write_text('[["text/plain", "x"]]')
    line = one_error_line(cli("render", str(a), str(b), "-o", str(tmp_path / "single.html")))
    assert line == f"bai-media: error: -o {tmp_path / 'single.html'} looks like a file, but there are 2 inputs: give a folder"
    (tmp_path / "file").write_text("x")
    line = one_error_line(cli("render", str(a), str(b), "-o", str(tmp_path / "file")))
    assert "is a file, but there are 2 inputs" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json", "file"]  # nothing rendered
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "only.json").write_text('[["text/plain", "x"]]')
    assert cli("render", str(folder), "-o", str(tmp_path / "out" / "one")).returncode == 0
    assert (tmp_path / "out" / "one" / "only.html").is_file()  # a folder input means a folder output


def test_symlink_loops_are_reported(tmp_path: Path) -> None:
    loops = tmp_path / "loops"
    loops.mkdir()
    (loops / "a.json").symlink_to(loops / "b.json")
    (loops / "b.json").symlink_to(loops / "a.json")
    (loops / "self").symlink_to(loops)
    proc = cli("render", str(loops), "-o", str(tmp_path / "out" / "loops"))
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("bai-media: error: ")]
    assert sorted(errors) == sorted([f"bai-media: error: {loops / 'a.json'}: symlink loop",
                                     f"bai-media: error: {loops / 'b.json'}: symlink loop",
                                     f"bai-media: error: {loops / 'self'}: symlink loop (not followed)"])
    assert (tmp_path / "out" / "loops").is_dir()
    line = one_error_line(cli("render", str(loops / "a.json")))
    assert line == f"bai-media: error: cannot read {loops / 'a.json'}: symlink loop"


HIDE = "import sys; sys.modules[{0!r}] = None  # as if the extra were not installed"


@pytest.mark.parametrize(("module", "extra", "args"), [
    ("bleach", "bleach", ["render", "--sanitizer", "bleach", "-"]),
    ("boto3", "deploy", ["deploy", "--bucket", "b", "--no-build"]),
    ("watchfiles", "serve", ["serve", "--port", "0"]),
])
def test_a_missing_extra_is_one_line_naming_it(module: str, extra: str, args: list[str], tmp_path: Path) -> None:
    proc = cli(*args, stdin=b'[["text/plain", "x"]]', prelude=HIDE.format(module), cwd=tmp_path)
    line = one_error_line(proc)
    assert line.endswith(f"needs the '{extra}' extra: pip install 'bai-media[{extra}]'")
    assert proc.stdout == "" and list(tmp_path.iterdir()) == []


def test_library_warnings_have_one_prefix(tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    src.write_text('[["text/plain", "x"]]')
    proc = cli("render", str(src), "--asset-root", "https://cdn.example.org/bai/0123456789abcdef")
    assert proc.returncode == 0
    assert "bai-media: warning: no manifest for asset root" in proc.stderr and "warning: bai-media:" not in proc.stderr


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


def test_render_remote_media_flag(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps([["text/html", "<img src='https://attacker.example/p.png'>"]]))
    out = tmp_path / "out.html"
    result = CliRunner().invoke(main, ["render", str(source), "-o", str(out), "--remote-media", "https://camo.example/{url}"])
    assert result.exit_code == 0, result.output
    assert 'src="https://camo.example/https%3A%2F%2Fattacker.example%2Fp.png"' in out.read_text()
    bad = CliRunner().invoke(main, ["render", str(source), "--remote-media", "javascript:{url}"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output and len(bad.output.strip().splitlines()) == 1


def test_render_draws_the_rich_fixtures(tmp_path: Path) -> None:
    """`bai-media render` on real plotly, altair, ipywidgets/tqdm and bokeh notebooks."""
    rich = Path(__file__).resolve().parent / "data" / "rich"
    result = CliRunner().invoke(main, ["render", str(rich), "-o", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    pages = {path.stem: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.html")}
    assert set(pages) == {"altair", "bokeh", "plotly", "widgets"}
    assert all('class="bai-media-error"' not in page for page in pages.values())
    assert pages["plotly"].count('class="bai-media-plotly-figure"') == 2
    assert pages["altair"].count("data:image/svg+xml;base64,") == 3
    assert '<progress max="20" value="20">100%</progress>' in pages["widgets"]
    assert "Bokeh plot" in pages["bokeh"]


def _batch_inputs(tmp_path: Path) -> list[Any]:
    from bai_media.cli import RenderTask

    tasks = []
    for i in range(3):
        (tmp_path / f"in{i}.json").write_text(json.dumps([["text/plain", f"file {i}"]]))
        tasks.append(RenderTask(str(tmp_path / f"in{i}.json"), str(tmp_path / f"in{i}.html")))
    return tasks


def test_a_small_batch_renders_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    from bai_media import cli as module

    def no_pool(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a worker pool was started for a small batch")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    assert module._batch(_batch_inputs(tmp_path), 2) == (3, [])
    assert "file 2" in (tmp_path / "in2.html").read_text()


def test_a_large_batch_renders_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bai_media import cli as module

    monkeypatch.setattr(module, "POOL_MIN_BYTES", 0)
    pages = {}
    tasks = _batch_inputs(tmp_path)
    assert module._batch(tasks, 2) == (3, [])
    for task in tasks:
        pages[task.target] = Path(task.target).read_text()
        Path(task.target).unlink()
    monkeypatch.setattr(module, "POOL_MIN_BYTES", 10**12)
    assert module._batch(tasks, 2) == (3, [])
    assert all(Path(target).read_text() == page for target, page in pages.items())  # the same pages either way
