"""The hashed asset build: deterministic, sensitive to every byte, atomic, cleaning up."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bai_media.assets.build import BUNDLES, GZIP_SUFFIXES, HASH_DIR, LOCK_NAME, TMP_PREFIX, build, check_folder
from bai_media.resources import static_dir

SOURCES = sorted({name for _, sources, _ in BUNDLES.values() for name in sources})


@pytest.fixture
def static(tmp_path: Path) -> Path:
    copy = tmp_path / "static"
    shutil.copytree(static_dir(), copy)
    return copy


def test_same_sources_same_hash(tmp_path: Path, static: Path) -> None:
    first = build(tmp_path / "a", static)
    second = build(tmp_path / "b", static_dir())
    assert first.hash == second.hash and HASH_DIR.match(first.hash)
    assert not first.reused and build(tmp_path / "a", static).reused


@pytest.mark.parametrize("name", SOURCES)
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_one_byte_of_any_source_changes_the_hash(tmp_path: Path, static: Path, name: str, where: str) -> None:
    before = build(tmp_path / "before", static).hash
    data = bytearray((static / name).read_bytes())
    index = {"start": 0, "middle": len(data) // 2, "end": len(data) - 1}[where]
    data[index] = data[index] ^ 0x01 if data[index] not in b"\n " else ord("\t")
    (static / name).write_bytes(bytes(data))
    after = build(tmp_path / "after", static).hash
    assert after != before


def test_old_hash_folders_are_deleted_and_nothing_else(tmp_path: Path, static: Path) -> None:
    out = tmp_path / "assets"
    old = build(out, static)
    (static / "css" / "bai-media.css").write_text((static / "css" / "bai-media.css").read_text() + "\n.x{}")
    (out / "README.txt").write_text("keep me")
    (out / "not-a-hash").mkdir()
    (out / f"{TMP_PREFIX}leftover").mkdir()
    new = build(out, static)
    assert new.hash != old.hash and new.removed == [old.hash]
    assert sorted(p.name for p in out.iterdir()) == sorted(["README.txt", "not-a-hash", new.hash, LOCK_NAME])


def test_manifest_sizes_integrity_and_gzip_siblings(tmp_path: Path) -> None:
    result = build(tmp_path, static_dir())
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["hash"] == result.hash
    assert manifest["entrypoints"] == {"js": "js/main.min.js", "css": "css/bai-media.min.css"}
    for name, info in manifest["files"].items():
        data = (result.path / name).read_bytes()
        assert info["size"] == len(data)
        assert info["integrity"] == "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
        if name.endswith(GZIP_SUFFIXES):  # fonts are compressed already
            assert gzip.decompress((result.path / f"{name}.gz").read_bytes()) == data
    assert "fonts/STIXMath-Regular.woff2" in manifest["files"] and "fonts/STIXMath-LICENSE.txt" in manifest["files"]
    css = (result.path / "css" / "bai-media.min.css").read_text()
    assert "../fonts/STIXMath-Regular.woff2" in css  # resolves beside css/ in the hash folder
    main = (result.path / "js" / "main.min.js").read_text()
    assert "__BAI_MEDIA_CHUNKS__" not in main and manifest["files"]["js/chunks/drawing.min.js"]["integrity"] in main
    assert len(main.encode()) <= 8 * 1024


def test_a_build_killed_midway_leaves_the_previous_build_intact(tmp_path: Path, static: Path) -> None:
    out = tmp_path / "assets"
    previous = build(out, static)
    before = {p.relative_to(out): p.read_bytes() for p in previous.path.rglob("*") if p.is_file()}
    (static / "js" / "main.js").write_text((static / "js" / "main.js").read_text() + "\n/* changed */\n")
    # The child pauses right after writing the first file of the new build, and is killed there.
    code = ("import importlib, sys, time; from pathlib import Path\n"
            "b = importlib.import_module('bai_media.assets.build')\n"
            "orig_write = Path.write_bytes\n"
            "def write(self, data):\n    r = orig_write(self, data); print('wrote', flush=True); time.sleep(30); return r\n"
            "Path.write_bytes = write\n"
            f"b.build({str(out)!r}, Path({str(static)!r}))\n")
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(tmpdir)})
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "wrote"  # mid-write of the new build
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    after = {p.relative_to(out): p.read_bytes() for p in previous.path.rglob("*") if p.is_file()}
    assert after == before
    hash_dirs = [p for p in out.iterdir() if HASH_DIR.match(p.name)]
    assert hash_dirs == [previous.path]  # no half-written hash folder
    assert any(p.name.startswith(TMP_PREFIX) for p in out.iterdir())  # the kill did land midway
    assert list(tmpdir.iterdir()) == []  # nothing leaked into the temp directory (bai-media-webassets-*)
    finished = build(out, static)  # the next build cleans the leftover up
    assert sorted(p.name for p in out.iterdir()) == sorted([finished.hash, LOCK_NAME])


def test_cli_build_prints_the_hash_last(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "bai_media.cli", "build", "--out", str(tmp_path)], capture_output=True, text=True, check=True)
    assert HASH_DIR.match(proc.stdout.strip().splitlines()[-1])
    assert "js/main.min.js" in proc.stderr


def test_main_runtime_stays_small_and_terminal_loads_on_demand(tmp_path: Path) -> None:
    """The runtime every page loads stays within 8 KB; xterm.js comes only with the webterm chunk."""
    result = build(tmp_path / "assets")
    main = (result.path / "js" / "main.min.js").read_bytes()
    assert len(main) <= 8192
    assert b"xterm" not in main.lower().replace(b"data-bai-webterm", b"")
    chunk, sri, css, css_sri = json.loads(main.split(b"webterm\":", 1)[1].split(b"]", 1)[0] + b"]")
    assert (chunk, css) == ("js/chunks/webterm.min.js", "css/webterm.min.css")
    assert result.manifest["files"][chunk]["integrity"] == sri and result.manifest["files"][css]["integrity"] == css_sri
    assert b"MIT License | Copyright (c) The xterm.js authors" in (result.path / chunk).read_bytes()
    assert b"The xterm.js authors" in (result.path / css).read_bytes()


BUILD_CHILD = "import sys; from bai_media.assets.build import build; print(build(sys.argv[1], __import__('pathlib').Path(sys.argv[2])).hash)"


def _concurrent_builds(out: Path, statics: list[Path], tmpdir: Path) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    procs = [subprocess.Popen([sys.executable, "-c", BUILD_CHILD, str(out), str(s)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for s in statics]
    done = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    return done


def test_concurrent_builds_of_the_same_sources_each_print_a_complete_folder(tmp_path: Path, static: Path) -> None:
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    for round_ in range(4):
        out = tmp_path / f"out{round_}"  # a fresh folder each round, as in the report
        results = _concurrent_builds(out, [static, static, static], tmpdir)
        assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
        hashes = {r.stdout.strip() for r in results}
        assert len(hashes) == 1
        folder = out / hashes.pop()
        assert check_folder(folder) is None
        assert sorted(p.name for p in out.iterdir()) == sorted([folder.name, LOCK_NAME])
    assert list(tmpdir.iterdir()) == []


def test_concurrent_builds_of_different_sources_never_crash_and_leave_one_complete_folder(tmp_path: Path, static: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(static, other)
    (other / "css" / "bai-media.css").write_text((other / "css" / "bai-media.css").read_text() + "\n.other{}")
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    out = tmp_path / "assets"
    for _ in range(4):
        results = _concurrent_builds(out, [static, other, static, other], tmpdir)
        assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stderr for r in results]
        folders = [p for p in out.iterdir() if p.name != LOCK_NAME]
        assert len(folders) == 1 and HASH_DIR.match(folders[0].name) and check_folder(folders[0]) is None
        assert folders[0].name in {r.stdout.strip() for r in results}
    assert list(tmpdir.iterdir()) == []


@pytest.mark.parametrize("damage", ["only-manifest", "truncated", "altered", "extra", "gz-missing"])
def test_a_folder_is_reused_only_when_every_file_matches(tmp_path: Path, static: Path, damage: str) -> None:
    out = tmp_path / "assets"
    first = build(out, static)
    files = sorted(p for p in first.path.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    js = first.path / "js" / "main.min.js"
    if damage == "only-manifest":
        for path in files:
            if path.name != "manifest.json":
                path.unlink()
    elif damage == "truncated":
        js.write_bytes(js.read_bytes()[:100])
    elif damage == "altered":
        data = bytearray(js.read_bytes())
        data[10] ^= 0x01  # same size, one bit off
        js.write_bytes(bytes(data))
    elif damage == "extra":
        (first.path / "js" / "evil.js").write_text("alert(1)")
    else:
        (first.path / "js" / "main.min.js.gz").unlink()
    assert check_folder(first.path) is not None
    again = build(out, static)
    assert not again.reused and again.hash == first.hash
    assert {p: p.read_bytes() for p in sorted(again.path.rglob("*")) if p.is_file()} == before
    assert check_folder(again.path) is None and build(out, static).reused


def test_plotly_chunk_is_the_vendored_library_with_its_licence_and_our_glue(tmp_path: Path) -> None:
    result = build(tmp_path, static_dir())
    chunk = (result.path / "js" / "chunks" / "plotly.min.js").read_bytes()
    vendored = (static_dir() / "js" / "vendor" / "plotly.min.js").read_bytes()
    assert chunk.startswith(vendored.rstrip()) and b"Licensed under the MIT license" in chunk[:300]
    assert b"Media.chunks.plotly" in chunk[len(vendored):]
    main = (result.path / "js" / "main.min.js").read_text()
    assert result.manifest["chunks"]["plotly"] == "js/chunks/plotly.min.js"
    assert result.manifest["files"]["js/chunks/plotly.min.js"]["integrity"] in main


def test_vendored_plotly_is_the_pinned_version() -> None:
    script = (Path(__file__).resolve().parents[2] / "scripts" / "vendor_plotly.py").read_text()
    version = script.split('VERSION = "', 1)[1].split('"', 1)[0]
    vendor = static_dir() / "js" / "vendor"
    assert (vendor / "plotly.VERSION").read_text().strip() == f"plotly.js-dist-min@{version}"
    assert f"plotly.js v{version}".encode() in (vendor / "plotly.min.js").read_bytes()[:100]
    assert "MIT License" in (vendor / "plotly.LICENSE").read_text()
