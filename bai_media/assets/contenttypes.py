"""Content-Type and Content-Encoding for asset files, the same for the dev server and S3.

``mimetypes`` answers differently per machine (``.js``) or not at all (``.map``, ``.woff2``),
so the types that matter are fixed here.
"""

from __future__ import annotations

import mimetypes

TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def content_type(name: str) -> tuple[str, str | None]:
    """(Content-Type, Content-Encoding) for a file name; ``x.js.gz`` is gzip-encoded JavaScript."""
    encoding = None
    if name.endswith(".gz"):
        name, encoding = name[:-3], "gzip"
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot >= 0 else ""
    if suffix in TYPES:
        return TYPES[suffix], encoding
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream", encoding
