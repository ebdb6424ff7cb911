"""The render cache: items that depend on nothing before them are rendered once.

As nbviewer keeps rendered notebooks, a renderer keeps the HTML of each item whose handler has
no per-result state (not a stream, not a canvas) under a hash of its content, the renderer's
options and the bai-media version, in a :mod:`bai_media.store` (an in-process LRU by default,
Redis to share it between processes). The output is a pure function of that key, so sharing it
between visitors is safe. Anything that cannot be hashed quickly is simply not cached.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

from .items import MediaItem
from .sanitize import resolving
from .store import Store

#: How long a cached render lives; the key changes with anything that changes the output.
CACHE_TTL = 24 * 3600.0


def _version() -> str:
    # The package's own version string, not the installed distribution's metadata: reading that
    # imports importlib.metadata and scans sys.path, a noticeable part of a command line's start.
    from . import __version__

    return __version__


def _canonical(value: Any) -> bytes:
    if isinstance(value, str):
        return b"s" + value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return b"b" + bytes(value)
    return b"j" + json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


class RenderCache:
    """Get and keep rendered items in ``store`` under keys salted with ``options``."""

    def __init__(self, store: Store, options: str, ttl: float = CACHE_TTL) -> None:
        self.store, self.ttl = store, ttl
        self.salt = hashlib.sha256(f"{_version()}\0{options}".encode()).digest()

    def key(self, item: MediaItem, handler: Any) -> str | None:
        """The key of ``item`` rendered by ``handler``; None if its data cannot be hashed or the
        output depends on more than it (an image resolver reading files is active)."""
        if resolving():
            return None
        digest = hashlib.sha256(self.salt)
        name = f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', type(handler).__name__)}"
        try:
            for part in (name, item.type, item.data, dict(item.metadata) if isinstance(item.metadata, Mapping) else {}):
                data = _canonical(part)
                digest.update(len(data).to_bytes(8, "big"))
                digest.update(data)
        except (TypeError, ValueError, RecursionError):
            return None
        return "render:" + digest.hexdigest()

    def get(self, key: str) -> tuple[Markup, tuple[str, ...]] | None:
        raw = self.store.get(key)
        if raw is None:
            return None
        try:
            html, classes = json.loads(raw)
            return Markup(html), tuple(str(c) for c in classes)
        except (ValueError, TypeError):
            return None

    def put(self, key: str, html: Markup, classes: tuple[str, ...]) -> None:
        self.store.set(key, json.dumps([str(html), list(classes)], separators=(",", ":")).encode(), self.ttl)

    def memo(self, namespace: str, text: str, compute: Callable[[], Markup]) -> Markup:
        """``compute()``, kept under (namespace, text): for work outside handlers, like highlighting."""
        if resolving():
            return compute()
        key = "memo:" + hashlib.sha256(self.salt + namespace.encode() + b"\0" + text.encode("utf-8", "surrogatepass")).hexdigest()
        raw = self.store.get(key)
        if raw is not None:
            return Markup(raw.decode("utf-8"))
        value = compute()
        self.store.set(key, str(value).encode("utf-8", "surrogatepass"), self.ttl)
        return value
