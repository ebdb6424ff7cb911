"""Settings, always read at call time so tests and override_settings work."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from ...assets.tags import asset_tags
from ...renderer import Renderer
from ...store import DEFAULT_TTL, from_url
from ..common import local_assets, renderer_for
from ..lanes import HEAVY_BODY, Lane
from ..runs import MAX_BODY, RunService


def renderer() -> Renderer:
    """``BAI_MEDIA_RENDERER`` if set, else the shared default renderer for ``BAI_MEDIA_SANITIZER``
    and ``BAI_MEDIA_REMOTE_MEDIA``."""
    path = getattr(settings, "BAI_MEDIA_RENDERER", None)
    if path:
        return _configured(str(path))
    return renderer_for(getattr(settings, "BAI_MEDIA_SANITIZER", "nh3"), getattr(settings, "BAI_MEDIA_REMOTE_MEDIA", "allow"),
                        getattr(settings, "BAI_MEDIA_STATE_STORE", "memory://"))


def max_body() -> int:
    return int(getattr(settings, "BAI_MEDIA_MAX_BODY", MAX_BODY))


def service() -> RunService:
    """The run service for ``BAI_MEDIA_STATE_STORE`` (``django-cache://alias`` uses a Django cache)."""
    return _service(renderer(), getattr(settings, "BAI_MEDIA_STATE_STORE", "memory://"),
                    float(getattr(settings, "BAI_MEDIA_STATE_TTL", DEFAULT_TTL)),
                    getattr(settings, "BAI_MEDIA_HEAVY_BODY", HEAVY_BODY), getattr(settings, "BAI_MEDIA_HEAVY_SLOTS", None))


_services_lock = threading.Lock()


def _service(used: Renderer, store_url: str, ttl: float, heavy: int | None, slots: int | None) -> RunService:
    with _services_lock:  # one service per configuration: two memory stores would split runs
        return _make_service(used, store_url, ttl, heavy, slots)


@lru_cache(maxsize=8)
def _make_service(used: Renderer, store_url: str, ttl: float, heavy: int | None, slots: int | None) -> RunService:
    return RunService(used, from_url(store_url), ttl, lane=Lane(heavy, slots))


@lru_cache(maxsize=8)
def _configured(path: str) -> Renderer:
    """The renderer at a dotted path, or the one its factory returns (called once per process)."""
    try:
        found = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"BAI_MEDIA_RENDERER: cannot import {path!r}: {exc}") from exc
    made = found() if callable(found) else found
    if not isinstance(made, Renderer):
        raise ImproperlyConfigured(f"BAI_MEDIA_RENDERER: {path!r} is not a Renderer or a factory returning one")
    return made


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
