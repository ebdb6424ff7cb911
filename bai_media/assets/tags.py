"""The ``<link>``/``<script>`` tags for an asset root, with Subresource Integrity from the manifest."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..sanitize import WEB_SCHEMES, check_url
from .installed import installed_assets

log = logging.getLogger("bai_media")


def manifest_for(root: str, assets_dir: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
    """The manifest for the build at ``root`` (whose last segment is its hash), if known here."""
    asset_hash = root.rstrip("/").rsplit("/", 1)[-1]
    folder = Path(assets_dir or os.environ.get("BAI_MEDIA_ASSETS_DIR", "assets"))
    local = folder / asset_hash / "manifest.json"
    if local.is_file():
        return json.loads(local.read_text())  # type: ignore[no-any-return]
    # Builds are deterministic, so this copy's own build matches a deployed build of its version.
    installed = installed_assets().manifest
    return installed if installed["hash"] == asset_hash else None


def asset_tags(root: str, manifest: Mapping[str, Any] | None = None, *, render_endpoint: str | None = None) -> Markup:
    """Tags that load the CSS and the runtime from ``root`` (``BACKENDAI_ASSET_ROOT``).

    With a manifest (found by :func:`manifest_for` when not given) the tags carry ``integrity``;
    without one they still work, unpinned, and a warning is logged once per root.
    """
    from ..renderer import default_renderer

    root = root.rstrip("/")
    if check_url(root or "/", schemes=WEB_SCHEMES) is None:
        raise ValueError(f"asset root {root!r} is not an http(s) URL or a path")
    manifest = manifest if manifest is not None else manifest_for(root)
    if manifest is None:
        _warn_unpinned(root)
        entry = {"js": "js/main.min.js", "css": "css/bai-media.min.css"}
        files: Mapping[str, Any] = {}
    else:
        entry, files = manifest["entrypoints"], manifest["files"]
    sri = {kind: files.get(entry[kind], {}).get("integrity") for kind in ("js", "css")}
    template = default_renderer().env.get_template("assets.html")
    return Markup(template.render(root=root, js=entry["js"], css=entry["css"], sri=sri, endpoint=render_endpoint))


@lru_cache(maxsize=64)
def _warn_unpinned(root: str) -> None:
    log.warning("bai-media: no manifest for asset root %s; tags have no integrity attribute", root)
