"""The hashed asset build: deterministic, sensitive to every byte, atomic, cleaning up."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bai_media.assets.build import BUNDLES, HASH_DIR, TMP_PREFIX, build
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
    assert sorted(p.name for p in out.iterdir()) == sorted(["README.txt", "not-a-hash", new.hash])


def test_manifest_sizes_integrity_and_gzip_siblings(tmp_path: Path) -> None:
    result = build(tmp_path, static_dir())
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["hash"] == result.hash
    assert manifest["entrypoints"] == {"js": "js/main.min.js", "css": "css/bai-media.min.css"}
    for name, info in manifest["files"].items():
        data = (result.path / name).read_bytes()
        assert info["size"] == len(data)
        assert info["integrity"] == "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
        assert gzip.decompress((result.path / f"{name}.gz").read_bytes()) == data
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
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
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
    finished = build(out, static)  # the next build cleans the leftover up
    assert sorted(p.name for p in out.iterdir()) == [finished.hash]


def test_cli_build_prints_the_hash_last(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "bai_media.cli", "build", "--out", str(tmp_path)], capture_output=True, text=True, check=True)
    assert HASH_DIR.match(proc.stdout.strip().splitlines()[-1])
    assert "js/main.min.js" in proc.stderr


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
