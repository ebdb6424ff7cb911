"""`bai-media build`: bundle and minify the static assets into content-hashed ``assets/<hash>/``.

webassets does the bundling (rjsmin, rcssmin) with its own versioning, manifest and cache off;
the hash is ours, over the built outputs of every bundle (so a minifier upgrade changes it) and
over their sources (so does any byte a minifier would drop, like a comment).
Minifying happens in memory (no temporary folder to leak). Writing happens under an exclusive
lock on ``OUT/.lock`` into a temporary folder renamed into place, so a build killed midway leaves
the previous assets untouched and concurrent builds never see each other's halves; an existing
hash folder is reused only when every file in it matches what this build produced. Afterwards
other hash folders are deleted, as the original did.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..resources import static_dir

HASH_CHARS = 16
HASH_DIR = re.compile(rf"^[0-9a-f]{{{HASH_CHARS}}}$")
TMP_PREFIX = ".tmp-"
LOCK_NAME = ".lock"
CHUNK_PLACEHOLDER = "__BAI_MEDIA_CHUNKS__"
#: Logical name -> (output file, source files relative to static/, filter). The one place bundles
#: and chunks (``chunk:<name>``) are declared.
BUNDLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "css": ("css/bai-media.min.css", ("css/bai-media.css", "css/highlight.css", "css/math-font.css"), "rcssmin"),
    "chunk:drawing": ("js/chunks/drawing.min.js", ("js/chunks/drawing.js",), "rjsmin"),
    "chunk:plotly": ("js/chunks/plotly.min.js", ("js/vendor/plotly.min.js", "js/chunks/plotly.js"), ""),
    # xterm.js (vendored by scripts/vendor_xterm.py) and its CSS: loaded only when a terminal opens.
    "chunk:webterm": ("js/chunks/webterm.min.js",
                      ("vendor/xterm/xterm.js", "vendor/xterm/addon-fit.js", "js/chunks/webterm.js"), "rjsmin"),
    "chunkcss:webterm": ("css/webterm.min.css", ("vendor/xterm/xterm.css", "css/webterm.css"), "rcssmin"),
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


def _minify(static: Path, sources: tuple[str, ...], filter_name: str) -> bytes:
    """One webassets bundle, built in memory. Absolute load paths avoid cssrewrite's URL errors.
    No filter: the sources are joined as they are (the vendored plotly.js is minified upstream)."""
    if not filter_name:
        return b"\n;\n".join((static / name).read_bytes().rstrip() for name in sources) + b"\n"
    from webassets import Bundle, Environment

    env = Environment(directory=str(static), url="/", auto_build=False, cache=False, manifest=False)
    env.versions = False
    env.load_path = [str(static)]
    # "/*! ... */" comments carry the licenses of vendored code (xterm.js); they stay in the output.
    env.config["RJSMIN_KEEP_BANG_COMMENTS"] = env.config["RCSSMIN_KEEP_BANG_COMMENTS"] = True
    output = f"out-{hashlib.sha1(repr(sources).encode()).hexdigest()[:8]}"
    bundle = Bundle(*sources, filters=filter_name, output=output)
    env.register(output, bundle)
    stream = io.StringIO()
    bundle.build(force=True, output=stream)  # written to the stream, never to disk
    return stream.getvalue().encode("utf-8")


def source_files(static: Path | None = None) -> dict[str, bytes]:
    """The sources every bundle reads (relative path -> bytes)."""
    static = static or static_dir()
    files = {name: (static / name).read_bytes() for _, sources, _ in BUNDLES.values() for name in sources}
    files.update({f"fonts/{font.name}": font.read_bytes() for font in sorted((static / "fonts").glob("*"))})
    return files


def compile_assets(static: Path | None = None) -> dict[str, bytes]:
    """Every built file (relative path -> bytes), in memory. Deterministic for given sources."""
    static = static or static_dir()
    outputs: dict[str, bytes] = {}
    chunks: dict[str, list[str]] = {}
    for logical, (target, sources, filter_name) in BUNDLES.items():
        missing = [s for s in sources if not (static / s).is_file()]
        if missing:
            raise FileNotFoundError(f"static file missing: {static / missing[0]}")
        data = _minify(static, sources, filter_name)
        if logical == "js":
            table = json.dumps(chunks, sort_keys=True, separators=(",", ":"))
            if CHUNK_PLACEHOLDER.encode() not in data:
                raise ValueError(f"js/main.js lost its {CHUNK_PLACEHOLDER} placeholder")
            data = data.replace(CHUNK_PLACEHOLDER.encode(), table.encode())
        elif logical.startswith("chunk:"):
            chunks[logical.split(":", 1)[1]] = [target, integrity(data)]
        elif logical.startswith("chunkcss:"):  # a chunk's stylesheet: main.js links it first
            chunks[logical.split(":", 1)[1]] += [target, integrity(data)]
        outputs[target] = data
    # Fonts are copied as they are, beside css/ so the stylesheet's ../fonts/ URLs resolve.
    for font in sorted((static / "fonts").glob("*")):
        outputs[f"fonts/{font.name}"] = font.read_bytes()
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
        "chunk_styles": {k.split(":", 1)[1]: v for k, v in entry.items() if k.startswith("chunkcss:")},
        "files": {name: {"size": len(data), "integrity": integrity(data)} for name, data in sorted(outputs.items())},
    }


def folder_files(outputs: Mapping[str, bytes], manifest: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of a hash folder (relative path -> bytes): outputs, their .gz siblings, manifest."""
    files = dict(outputs)
    for name, data in outputs.items():
        if name.endswith(GZIP_SUFFIXES):
            files[f"{name}.gz"] = gzip.compress(data, compresslevel=9, mtime=0)  # mtime=0: reproducible
    files["manifest.json"] = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    return files


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes); raises OSError."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if not p.is_dir()}


def check_files(folder: Path, files: Mapping[str, bytes]) -> str | None:
    """Why ``files`` (read from ``folder``) are not a complete build by their manifest.json, or None.

    Every file the manifest lists must have its size and SRI hash, every ``.gz`` sibling must
    decompress to its file, and nothing else may be there.
    """
    try:
        manifest = json.loads(files["manifest.json"])
        listed = manifest["files"]
        if manifest.get("hash") != folder.name or not isinstance(listed, dict):
            return f"{folder}/manifest.json does not describe this folder"
        expected = {"manifest.json", *listed, *(f"{n}.gz" for n in listed if n.endswith(GZIP_SUFFIXES))}
        if set(files) != expected:
            odd = sorted(set(files) ^ expected)[0]
            return f"{folder}/{odd} is {'missing' if odd in expected else 'not in manifest.json'}"
        for name, info in listed.items():
            data = files[name]
            if len(data) != info["size"] or integrity(data) != info["integrity"]:
                return f"{folder}/{name} does not match manifest.json"
            if name.endswith(GZIP_SUFFIXES) and gzip.decompress(files[f"{name}.gz"]) != data:
                return f"{folder}/{name}.gz does not match {name}"
    except (ValueError, KeyError, TypeError, AttributeError, EOFError, gzip.BadGzipFile) as exc:
        return f"{folder} is not a complete build: {type(exc).__name__}: {exc}".splitlines()[0]
    return None


def check_folder(folder: Path) -> str | None:
    """:func:`check_files` for a folder on disk."""
    try:
        return check_files(folder, read_folder(folder))
    except OSError as exc:
        return f"cannot read {exc.filename or folder}: {exc.strerror or exc}"


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """An exclusive lock on ``out/.lock``: one build writes or deletes in ``out`` at a time.

    The kernel drops the lock when the holder dies, so a killed build never blocks the next.
    """
    import fcntl  # POSIX; imported here so that importing bai_media never needs it

    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK_NAME, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(out: Path | str = "assets", static: Path | None = None, progress: Progress | None = None) -> BuildResult:
    """Build ``out/<hash>/`` atomically and delete other hash folders in ``out``."""
    say = progress or (lambda message: None)
    out = Path(out)
    say(f"bundling {sum(len(s) for _, s, _ in BUNDLES.values())} static files")
    outputs = compile_assets(static)
    asset_hash = content_hash(outputs, source_files(static))
    manifest = make_manifest(asset_hash, outputs)
    files = folder_files(outputs, manifest)
    target = out / asset_hash
    with locked(out):
        # Under the lock, a temporary folder can only be the leftover of a killed build.
        _remove_leftovers(out)
        reused = target.is_dir() and _same_files(target, files)
        if not reused:
            say(f"writing {len(files)} files (with gzip siblings and manifest.json)")
            _write_folder(out, target, files)
        removed = _remove_others(out, keep=asset_hash)
    if removed:
        say(f"removed {len(removed)} old asset folder(s): {', '.join(removed)}")
    return BuildResult(asset_hash, target, manifest, removed, reused)


def _same_files(folder: Path, files: Mapping[str, bytes]) -> bool:
    """Whether ``folder`` holds exactly ``files``, byte for byte (what a reuse needs)."""
    try:
        return read_folder(folder) == files
    except OSError:
        return False


def _write_folder(out: Path, target: Path, files: Mapping[str, bytes]) -> None:
    """Write into a temporary folder, then rename it over ``target`` (moving a broken one aside)."""
    tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out))
    try:
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if target.exists():  # incomplete or altered: replace it whole
            _discard(out, target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _discard(out: Path, folder: Path) -> None:
    """Rename first, then delete: a folder never shows half-deleted under its hash name."""
    aside = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out))
    os.replace(folder, aside / "old")
    shutil.rmtree(aside, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    for child in out.iterdir():
        if child.name.startswith(TMP_PREFIX) and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)


def _remove_others(out: Path, keep: str) -> list[str]:
    """Delete other hash folders; never anything else."""
    removed = []
    for child in out.iterdir():
        if child.name != keep and HASH_DIR.match(child.name) and child.is_dir():
            _discard(out, child)
            removed.append(child.name)
    return sorted(removed)


def latest(out: Path | str = "assets") -> Path | None:
    """The complete build in ``out`` (a hash folder with a manifest), newest first."""
    out = Path(out)
    if not out.is_dir():
        return None
    builds = [p for p in out.iterdir() if HASH_DIR.match(p.name) and (p / "manifest.json").is_file()]
    return max(builds, key=lambda p: (p / "manifest.json").stat().st_mtime, default=None)
