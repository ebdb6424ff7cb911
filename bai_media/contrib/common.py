"""What the Flask and Django integrations share, free of either framework.

Both serve the installed assets from memory under ``<prefix>/assets/<hash>/`` when no
``BACKENDAI_ASSET_ROOT`` is set (so a project works before it deploys to S3), and both answer
the render endpoint used by the JavaScript ``BackendAI.Media.handle_all``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from .. import formats
from ..assets.contenttypes import content_type
from ..assets.installed import installed_assets
from ..renderer import Renderer
from ..store import from_url

ASSET_CACHE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=4)
def renderer_for(sanitizer: str, remote_media: str = "allow", store_url: str | None = None) -> Renderer:
    """One renderer per configuration and store, shared by all requests (renderers are
    thread-safe); its render cache lives in the state store (``None``/``memory://``: in-process)."""
    cache = from_url(store_url) if store_url and store_url != "memory://" else True
    return Renderer(sanitizer=sanitizer, remote_media=remote_media, cache=cache)  # type: ignore[arg-type]


def local_assets() -> tuple[str, dict[str, bytes], dict[str, Any]]:
    """(hash, files, manifest) of the installed assets: shipped in a wheel, else built once."""
    assets = installed_assets()
    return assets.hash, assets.files, assets.manifest


def local_asset(asset_hash: str, path: str) -> tuple[bytes, dict[str, str]] | None:
    """Bytes and headers of one locally served asset, or None (unknown hash or file)."""
    current, files, _ = local_assets()
    if asset_hash != current or path not in files:
        return None
    ctype, encoding = content_type(path)
    headers = {"Content-Type": ctype, "Cache-Control": ASSET_CACHE, "X-Content-Type-Options": "nosniff"}
    if encoding:
        headers["Content-Encoding"] = encoding
    return files[path], headers


def render_value(value: Any, result_id: str, fmt: str, renderer: Renderer) -> Markup:
    """The template helpers' work: media items, or any supported result format."""
    if fmt == "media":
        return renderer.handle_all(value, result_id)
    return formats.render(value, fmt, str(result_id), renderer)


def parse_json(body: bytes | str) -> Any:
    """A request body as JSON; every way it can be bad, nesting too deep included, is a ValueError.

    The standard parser recurses once per level and raises RecursionError on deep nesting, which
    would otherwise surface as a 500 or a dropped connection instead of a 400.
    """
    try:
        return json.loads(body)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def same_origin(origin: str | None, host_url: str) -> bool:
    """A request's Origin header, when present, must be this site (CSRF defence for JSON APIs)."""
    if not origin or origin == "null":
        return origin is None
    return origin.rstrip("/") == host_url.rstrip("/")
