"""Types nobody renders: a visible notice naming the type and size, never a silent drop."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..items import INVALID_TYPE, MediaItem
from ..registry import FALLBACK, Registry
from ..context import BadData, Context


def data_size(data: Any) -> str:
    """A human size for any data: characters for text, bytes for bytes, elements otherwise."""
    if isinstance(data, str):
        return f"{len(data):,} characters"
    if isinstance(data, (bytes, bytearray)):
        return f"{len(data):,} bytes"
    if isinstance(data, (list, tuple, dict)):
        return f"{len(data):,} elements"
    return f"a {type(data).__name__}"


def render_unknown(item: MediaItem, ctx: Context[None]) -> Markup:
    return ctx.render("handlers/unknown.html", type=item.type[:200], size=data_size(item.data))


def render_invalid(item: MediaItem, ctx: Context[None]) -> Markup:
    raise BadData(str(item.data)[:500])


def render_script(item: MediaItem, ctx: Context[None]) -> Markup:
    """Kernel JavaScript is never run on the server-rendered page; say so quietly."""
    return ctx.render("handlers/script.html", type=item.type, size=data_size(item.data))


def register(registry: Registry) -> None:
    registry.register(FALLBACK, render_unknown)
    registry.register(INVALID_TYPE, render_invalid, rank=0, safe=False)
    for mtype in ("application/javascript", "text/javascript", "application/x-javascript", "application/ecmascript"):
        registry.register(mtype, render_script, rank=0, safe=False)
    # Widget views need a live kernel; show what they are rather than nothing.
    registry.register("application/vnd.jupyter.widget-view+json", render_unknown, rank=1, safe=False)
