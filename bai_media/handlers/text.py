"""Output streams and plain text: ANSI colour, terminal overwrite semantics, escaped."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..ansi import Terminal
from ..context import Context, Output
from ..items import MediaItem
from ..registry import Registry

STREAMS = {
    "stdout": "stdout",
    "stderr": "stderr",
    "application/vnd.jupyter.stdout": "stdout",
    "application/vnd.jupyter.stderr": "stderr",
}


class StreamState:
    """The terminal of each stream of a result: the next item continues it or its colours."""

    def __init__(self, terminals: dict[str, Terminal] | None = None) -> None:
        self.terminals = terminals if terminals is not None else {}

    def to_json(self) -> dict[str, Any]:
        return {"terminals": {name: term.to_json() for name, term in self.terminals.items()}}

    @classmethod
    def from_json(cls, data: Any) -> StreamState:
        terminals = data["terminals"]
        if not isinstance(terminals, dict) or not set(terminals) <= set(STREAMS.values()):
            raise ValueError("saved stream state names unknown streams")
        return cls({name: Terminal.from_json(raw) for name, raw in terminals.items()})


def _terminal(ctx: Context[StreamState], name: str) -> Terminal:
    """This element's terminal; a new element inherits colour state from the stream's last one."""
    previous = ctx.state.terminals.get(name)
    if ctx.continuing and previous is not None:
        return previous
    term = Terminal(ctx.limits.text_chars)
    if previous is not None:
        term.style = previous.style
    ctx.state.terminals[name] = term
    return term


def render_stream(item: MediaItem, ctx: Context[StreamState]) -> Output:
    name = STREAMS[item.type]
    term = _terminal(ctx, name)
    term.feed(ctx.text(item.data))
    return Output(ctx.render("handlers/stream.html", name=name, html=term.html()), classes=(f"bai-media-{name}",))


def render_plain(item: MediaItem, ctx: Context[None]) -> Markup:
    term = Terminal(ctx.limits.text_chars)
    term.feed(ctx.text(item.data))
    return ctx.render("handlers/stream.html", name="text", html=term.html())


def register(registry: Registry) -> None:
    registry.register_many(STREAMS, render_stream, rank=10, continues=True, state=StreamState)
    registry.register("text/plain", render_plain, rank=10)
