"""Settings, always read at call time so tests and override_settings work."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from ...assets.tags import asset_tags
from ...renderer import Renderer
from ...store import DEFAULT_TTL, from_url
from ..common import local_assets, renderer_for
from ..runs import MAX_BODY, RunService


def renderer() -> Renderer:
    return renderer_for(getattr(settings, "BAI_MEDIA_SANITIZER", "nh3"), getattr(settings, "BAI_MEDIA_REMOTE_MEDIA", "allow"))


def max_body() -> int:
    return int(getattr(settings, "BAI_MEDIA_MAX_BODY", MAX_BODY))


def service() -> RunService:
    """The run service for ``BAI_MEDIA_STATE_STORE`` (``django-cache://alias`` uses a Django cache)."""
    return _service(getattr(settings, "BAI_MEDIA_SANITIZER", "nh3"), getattr(settings, "BAI_MEDIA_REMOTE_MEDIA", "allow"),
                    getattr(settings, "BAI_MEDIA_STATE_STORE", "memory://"), float(getattr(settings, "BAI_MEDIA_STATE_TTL", DEFAULT_TTL)))


_services_lock = threading.Lock()


def _service(sanitizer: str, remote_media: str, store_url: str, ttl: float) -> RunService:
    with _services_lock:  # one service per configuration: two memory stores would split runs
        return _make_service(sanitizer, remote_media, store_url, ttl)


@lru_cache(maxsize=8)
def _make_service(sanitizer: str, remote_media: str, store_url: str, ttl: float) -> RunService:
    return RunService(renderer_for(sanitizer, remote_media, store_url), from_url(store_url), ttl)


def asset_root() -> str | None:
    root = getattr(settings, "BACKENDAI_ASSET_ROOT", None)
    if root:
        return str(root)
    try:
        return reverse("bai_media_asset", kwargs={"asset_hash": local_assets()[0], "path": "x"}).rsplit("/", 1)[0]
    except NoReverseMatch:
        return None


def render_endpoint() -> str | None:
    try:
        return reverse("bai_media_render")
    except NoReverseMatch:
        return None


def tags() -> Any:
    root = asset_root()
    if root is None:
        return ""
    manifest = None if getattr(settings, "BACKENDAI_ASSET_ROOT", None) else local_assets()[2]
    return asset_tags(root, manifest, render_endpoint=render_endpoint())
