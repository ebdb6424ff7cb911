"""The assets of this installed copy: shipped built inside a wheel, else built once per process.

A wheel carries ``bai_media/assets/prebuilt/`` (made by the build hook in ``hatch_build.py``), so
``asset_tags`` and the framework asset routes never run a minifier inside a web request. A
source checkout has no such folder and compiles the sources in memory on first use.
"""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger("bai_media")

#: Where a wheel keeps the build of its own sources.
PREBUILT = Path(__file__).resolve().parent / "prebuilt"


@dataclass(frozen=True, slots=True)
class InstalledAssets:
    """One build: its hash, every file (``.gz`` siblings included) and its manifest."""

    hash: str
    files: dict[str, bytes]
    manifest: dict[str, Any]


@cache
def installed_assets() -> InstalledAssets:
    """The shipped build when it matches the installed sources, else a build made now (once)."""
    from .build import GZIP_SUFFIXES, compile_assets, content_hash, make_manifest, source_files

    shipped = _prebuilt(PREBUILT)
    if shipped is not None:
        return shipped
    outputs = compile_assets()
    asset_hash = content_hash(outputs, source_files())
    files = dict(outputs)
    files.update({f"{name}.gz": _gzip(data) for name, data in outputs.items() if name.endswith(GZIP_SUFFIXES)})
    return InstalledAssets(asset_hash, files, make_manifest(asset_hash, outputs))


def _gzip(data: bytes) -> bytes:
    """The ``.gz`` sibling a build writes (mtime 0: the same bytes every time)."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def _prebuilt(folder: Path) -> InstalledAssets | None:
    """The build in ``folder``, checked against the sources by its hash (cheap: no minifying)."""
    from .build import GZIP_SUFFIXES, content_hash, source_files

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        outputs = {name: (folder / name).read_bytes() for name in manifest["files"]}
    except FileNotFoundError:
        return None
    if content_hash(outputs, source_files()) != manifest["hash"]:
        log.warning("bai-media: the shipped assets in %s do not match the installed sources; building them", folder)
        return None
    files = dict(outputs)
    for name, data in outputs.items():
        if name.endswith(GZIP_SUFFIXES):
            gz = folder / f"{name}.gz"
            files[f"{name}.gz"] = gz.read_bytes() if gz.is_file() else _gzip(data)
    return InstalledAssets(manifest["hash"], files, manifest)
