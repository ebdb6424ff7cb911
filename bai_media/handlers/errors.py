"""Jupyter ``error`` outputs: exception name, value and the ANSI-coloured traceback."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from ..ansi import Terminal
from ..items import MediaItem
from ..registry import Registry
from ..renderer import BadData, RenderContext

ERROR_TYPE = "application/vnd.jupyter.error"


def render_error(item: MediaItem, ctx: RenderContext) -> Markup:
    data = item.data
    if not isinstance(data, Mapping):
        raise BadData(f"an error output must be a mapping with ename/evalue/traceback, got {type(data).__name__}")
    ename = str(data.get("ename") or "Error")[:500]
    evalue = str(data.get("evalue") or "")[: ctx.limits.text_chars]
    traceback = data.get("traceback") or []
    if isinstance(traceback, str):
        traceback = [traceback]
    lines = [line if isinstance(line, str) else repr(line) for line in traceback]
    term = Terminal(ctx.limits.text_chars)
    term.feed("\n".join(lines))
    ctx.classes.append("bai-media-stderr")
    return ctx.render("handlers/error_output.html", ename=ename, evalue=evalue, traceback=term.html() if lines else None)


def register(registry: Registry) -> None:
    registry.register(ERROR_TYPE, render_error, rank=5)
