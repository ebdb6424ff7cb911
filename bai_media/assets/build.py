"""`bai-media build`: bundle and minify the static assets into content-hashed ``assets/<hash>/``.

webassets does the bundling (rjsmin, rcssmin) with its own versioning, manifest and cache off;
the hash is ours, over the built outputs of every bundle (so a minifier upgrade changes it) and
over their sources (so does any byte a minifier would drop, like a comment).
The build happens in a temporary folder renamed into place, so a build killed midway leaves the
previous assets untouched; afterwards other hash folders are deleted, as the original did.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..resources import static_dir

HASH_CHARS = 16
HASH_DIR = re.compile(rf"^[0-9a-f]{{{HASH_CHARS}}}$")
TMP_PREFIX = ".tmp-"
CHUNK_PLACEHOLDER = "__BAI_MEDIA_CHUNKS__"
#: Logical name -> (output file, source files relative to static/, filter). No filter: the sources
#: are joined as they are (the vendored plotly.js is minified upstream; rjsmin would only be slow).
BUNDLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "css": ("css/bai-media.min.css", ("css/bai-media.css", "css/highlight.css"), "rcssmin"),
    "chunk:drawing": ("js/chunks/drawing.min.js", ("js/chunks/drawing.js",), "rjsmin"),
    "chunk:plotly": ("js/chunks/plotly.min.js", ("js/vendor/plotly.min.js", "js/chunks/plotly.js"), ""),
    "js": ("js/main.min.js", ("js/main.js",), "rjsmin"),
}
GZIP_SUFFIXES = (".js", ".css", ".json", ".svg")

Progress = Callable[[str], None]


def integrity(data: bytes) -> str:
    """A Subresource Integrity value (sha384, as browsers and most CDNs use)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


@dataclass
class BuildResult:
    hash: str
    path: Path
    manifest: dict[str, Any]
    removed: list[str] = field(default_factory=list)
    reused: bool = False


def _minify(static: Path, sources: tuple[str, ...], filter_name: str, work: Path) -> bytes:
    """One webassets bundle, built to bytes. Absolute load paths avoid cssrewrite's URL errors."""
    if not filter_name:
        return b"\n;\n".join((static / name).read_bytes().rstrip() for name in sources) + b"\n"
    from webassets import Bundle, Environment

    env = Environment(directory=str(work), url="/", auto_build=False, cache=False, manifest=False)
    env.versions = False
    env.load_path = [str(static)]
    output = f"out-{hashlib.sha1(repr(sources).encode()).hexdigest()[:8]}"
    bundle = Bundle(*sources, filters=filter_name, output=output)
    env.register(output, bundle)
    bundle.build(force=True)
    return (work / output).read_bytes()


def source_files(static: Path | None = None) -> dict[str, bytes]:
    """The sources every bundle reads (relative path -> bytes)."""
    static = static or static_dir()
    return {name: (static / name).read_bytes() for _, sources, _ in BUNDLES.values() for name in sources}


def compile_assets(static: Path | None = None) -> dict[str, bytes]:
    """Every built file (relative path -> bytes), in memory. Deterministic for given sources."""
    static = static or static_dir()
    outputs: dict[str, bytes] = {}
    chunks: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="bai-media-webassets-") as tmp:
        for logical, (target, sources, filter_name) in BUNDLES.items():
            missing = [s for s in sources if not (static / s).is_file()]
            if missing:
                raise FileNotFoundError(f"static file missing: {static / missing[0]}")
            data = _minify(static, sources, filter_name, Path(tmp))
            if logical == "js":
                table = json.dumps(chunks, sort_keys=True, separators=(",", ":"))
                if CHUNK_PLACEHOLDER.encode() not in data:
                    raise ValueError(f"js/main.js lost its {CHUNK_PLACEHOLDER} placeholder")
                data = data.replace(CHUNK_PLACEHOLDER.encode(), table.encode())
            elif logical.startswith("chunk:"):
                chunks[logical.split(":", 1)[1]] = [target, integrity(data)]
            outputs[target] = data
    return outputs


def content_hash(outputs: Mapping[str, bytes], sources: Mapping[str, bytes]) -> str:
    """One hash over every built file and every source, names included, in a fixed order."""
    digest = hashlib.sha256()
    for kind, files in ((b"out", outputs), (b"src", sources)):
        for name in sorted(files):
            digest.update(kind + name.encode() + b"\0" + len(files[name]).to_bytes(8, "big") + files[name])
    return digest.hexdigest()[:HASH_CHARS]


def make_manifest(asset_hash: str, outputs: Mapping[str, bytes]) -> dict[str, Any]:
    entry = {logical: target for logical, (target, _, _) in BUNDLES.items()}
    return {
        "hash": asset_hash,
        "entrypoints": {"js": entry["js"], "css": entry["css"]},
        "chunks": {k.split(":", 1)[1]: v for k, v in entry.items() if k.startswith("chunk:")},
        "files": {name: {"size": len(data), "integrity": integrity(data)} for name, data in sorted(outputs.items())},
    }


def build(out: Path | str = "assets", static: Path | None = None, progress: Progress | None = None) -> BuildResult:
    """Build ``out/<hash>/`` atomically and delete other hash folders in ``out``."""
    say = progress or (lambda message: None)
    out = Path(out)
    say(f"bundling {sum(len(s) for _, s, _ in BUNDLES.values())} static files")
    outputs = compile_assets(static)
    asset_hash = content_hash(outputs, source_files(static))
    manifest = make_manifest(asset_hash, outputs)
    target = out / asset_hash
    out.mkdir(parents=True, exist_ok=True)
    reused = (target / "manifest.json").is_file()
    if not reused:
        say(f"writing {len(outputs)} files and gzip siblings")
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out))
        try:
            for name, data in outputs.items():
                path = tmp / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                if name.endswith(GZIP_SUFFIXES):
                    # mtime=0 keeps the .gz bytes reproducible.
                    (tmp / f"{name}.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
            if target.exists():  # a folder without manifest: a broken leftover, replace it
                shutil.rmtree(target)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    removed = _remove_others(out, keep=asset_hash)
    if removed:
        say(f"removed {len(removed)} old asset folder(s): {', '.join(removed)}")
    return BuildResult(asset_hash, target, manifest, removed, reused)


def _remove_others(out: Path, keep: str) -> list[str]:
    """Delete other hash folders and leftovers of killed builds; never anything else."""
    removed = []
    for child in out.iterdir():
        if child.name == keep or not child.is_dir():
            continue
        if HASH_DIR.match(child.name) or child.name.startswith(TMP_PREFIX):
            shutil.rmtree(child, ignore_errors=True)
            if HASH_DIR.match(child.name):
                removed.append(child.name)
    return sorted(removed)


def latest(out: Path | str = "assets") -> Path | None:
    """The complete build in ``out`` (a hash folder with a manifest), newest first."""
    out = Path(out)
    if not out.is_dir():
        return None
    builds = [p for p in out.iterdir() if HASH_DIR.match(p.name) and (p / "manifest.json").is_file()]
    return max(builds, key=lambda p: (p / "manifest.json").stat().st_mtime, default=None)
