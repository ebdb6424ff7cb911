"""Settings, always read at call time so tests and override_settings work."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from ...assets.tags import asset_tags
from ...renderer import Renderer
from ..common import local_assets, renderer_for


def renderer() -> Renderer:
    return renderer_for(getattr(settings, "BAI_MEDIA_SANITIZER", "nh3"), getattr(settings, "BAI_MEDIA_REMOTE_MEDIA", "allow"))


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
