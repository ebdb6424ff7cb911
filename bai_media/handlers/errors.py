"""Jupyter ``error`` outputs: exception name, value and the ANSI-coloured traceback."""

from __future__ import annotations

from collections.abc import Mapping

from ..ansi import Terminal
from ..context import BadData, Context, Output
from ..items import MediaItem
from ..mediatypes import ERROR
from ..registry import Registry


def render_error(item: MediaItem, ctx: Context[None]) -> Output:
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
    html = ctx.render("handlers/error_output.html", ename=ename, evalue=evalue, traceback=term.html() if lines else None)
    return Output(html, classes=("bai-media-stderr",))


def register(registry: Registry) -> None:
    registry.register(ERROR, render_error, rank=5)
