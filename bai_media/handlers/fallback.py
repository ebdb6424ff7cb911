"""Types nobody renders: a visible notice naming the type and size, never a silent drop.

Visual types that only a client library draws (Bokeh, GeoJSON maps, Mermaid, ...) show the
bundle's image or text instead, with a notice naming the type: never an error box for valid data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..context import BadData, Context
from ..items import INVALID_TYPE, MediaItem
from ..registry import FALLBACK, Registry


def data_size(data: Any) -> str:
    """A human size for any data: characters for text, bytes for bytes, elements otherwise."""
    if isinstance(data, str):
        return f"{len(data):,} characters"
    if isinstance(data, (bytes, bytearray)):
        return f"{len(data):,} bytes"
    if isinstance(data, (list, tuple, dict)):
        return f"{len(data):,} elements"
    return f"a {type(data).__name__}"


#: Visual types drawn only by client-side libraries -> the name users know them by.
CLIENT_DRAWN = {
    "application/vnd.bokehjs_exec.v0+json": "Bokeh plot",
    "application/vnd.bokehjs_load.v0+json": "BokehJS loader",
    "application/vnd.holoviews_exec.v0+json": "HoloViews plot",
    "application/vnd.holoviews_load.v0+json": "HoloViews loader",
    "application/geo+json": "GeoJSON map",
    "application/vnd.geo+json": "GeoJSON map",
    "text/vnd.mermaid": "Mermaid diagram",
    "text/vnd.graphviz": "Graphviz graph",
    "application/vdom.v1+json": "VDOM tree",
    "application/vnd.dex.v1+json": "dx table",
    "application/vnd.deckgl.v1+json": "deck.gl map",
}
#: Which representations of a bundle stand in for one we cannot draw: any image, else plain text.
STAND_INS = (("image/png", "image/jpeg", "image/webp", "image/gif", "image/svg+xml"), ("text/plain",))


def stand_in(item: MediaItem) -> MediaItem | None:
    """The bundle's image, else its text, among the representations its adapter kept behind
    ``item`` (its ``fallback`` chain), if there is one."""
    chain: list[MediaItem] = []
    behind = item.fallback
    while behind is not None and len(chain) < 16:
        chain.append(behind)
        behind = behind.fallback
    for kinds in STAND_INS:
        for candidate in chain:
            if candidate.type in kinds:
                return candidate
    return None


def substitute(item: MediaItem, ctx: Context[Any], name: str, reason: str, *, own_data: bool = False) -> Markup:
    """A notice naming the type and why it is not drawn, above the bundle's image or text.

    With ``own_data`` and no stand-in, the item's own data is shown as text or a JSON tree.
    """
    shown = stand_in(item)
    if shown is None and own_data and item.data:
        if isinstance(item.data, str) or (isinstance(item.data, list) and all(isinstance(p, str) for p in item.data)):
            shown = MediaItem("text/plain", item.data)
        elif isinstance(item.data, (Mapping, list)):
            shown = MediaItem("application/json", item.data)
    return ctx.render(
        "handlers/substitute.html", type=item.type[:200], name=name, reason=reason,
        shown=None if shown is None else ("image" if shown.family == "image" else "text"),
        inner=ctx.render_item(shown) if shown is not None else None,
    )


def render_client_drawn(item: MediaItem, ctx: Context[None]) -> Markup:
    name = CLIENT_DRAWN[item.type]
    loader = name.endswith("loader")
    reason = "its script is not run on this page" if loader else "it needs its JavaScript library, which is not run here"
    return substitute(item, ctx, name, reason, own_data=not loader)


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
    # Above text/html (70): their HTML is a script-driven placeholder that sanitizes to nothing.
    registry.register_many(CLIENT_DRAWN, render_client_drawn, rank=75)
