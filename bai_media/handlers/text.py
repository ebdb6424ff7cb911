"""Output streams and plain text: ANSI colour, terminal overwrite semantics, escaped."""

from __future__ import annotations

from markupsafe import Markup

from ..ansi import Terminal
from ..items import MediaItem
from ..registry import Registry
from ..renderer import RenderContext

STREAMS = {
    "stdout": "stdout",
    "stderr": "stderr",
    "application/vnd.jupyter.stdout": "stdout",
    "application/vnd.jupyter.stderr": "stderr",
}


def _terminal(ctx: RenderContext, name: str) -> Terminal:
    """This element's terminal; a new element inherits colour state from the stream's last one."""
    streams: dict[str, Terminal] = ctx.state("streams", dict)
    previous = streams.get(name)
    if ctx.continuing and previous is not None:
        return previous
    term = Terminal(ctx.limits.text_chars)
    if previous is not None:
        term.style = previous.style
    streams[name] = term
    return term


def render_stream(item: MediaItem, ctx: RenderContext) -> Markup:
    name = STREAMS[item.type]
    term = _terminal(ctx, name)
    term.feed(ctx.text(item.data))
    ctx.classes.append(f"bai-media-{name}")
    return ctx.render("handlers/stream.html", name=name, html=term.html())


def render_plain(item: MediaItem, ctx: RenderContext) -> Markup:
    term = Terminal(ctx.limits.text_chars)
    term.feed(ctx.text(item.data))
    return ctx.render("handlers/stream.html", name="text", html=term.html())


def register(registry: Registry) -> None:
    registry.register_many(STREAMS, render_stream, rank=10, continues=True)
    registry.register("text/plain", render_plain, rank=10)
