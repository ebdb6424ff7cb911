"""``{% load bai_media %}``: asset tags, rendering tag and filter."""

from __future__ import annotations

from typing import Any

from django import template
from markupsafe import Markup

from ...common import render_value
from ..settings import renderer, tags

register = template.Library()


@register.simple_tag
def bai_media_assets() -> Any:
    """``<link>``/``<script>`` for BACKENDAI_ASSET_ROOT (or the app's own asset URLs), with SRI."""
    return tags()


@register.simple_tag
def bai_media(media: Any, result_id: str = "result", format: str = "media") -> Markup:
    """``{% bai_media items "run-1" %}``; ``format="auto"`` for a Backend.AI result or Jupyter outputs."""
    return render_value(media, str(result_id), format, renderer())


@register.filter(name="bai_media")
def bai_media_filter(value: Any, result_id: str = "result") -> Markup:
    """``{{ result|bai_media:"run-1" }}``: any supported format, detected."""
    return render_value(value, str(result_id), "auto", renderer())
