"""Output streams and plain text: ANSI colour, terminal overwrite semantics, escaped."""

from __future__ import annotations

from itertools import repeat
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


def _terminal(ctx: Context[StreamState], name: str) -> tuple[Terminal, bool]:
    """This element's terminal and whether it continues; a new element inherits the colours."""
    previous = ctx.state.terminals.get(name)
    if ctx.continuing and previous is not None:
        return previous, True
    term = Terminal(ctx.limits.text_chars)
    if previous is not None:
        term.style = previous.style
    ctx.state.terminals[name] = term
    return term, False


class StreamHTML:
    """A continued stream element's HTML, joined from its terminal only when read.

    An answer to a continued stream carries only the new part (``Output.append``), so the whole
    element is built only for a page that asks for it: feeding a long stream in small chunks
    costs the same per chunk at the end as at the start. The terminal is not fed after this
    element is replaced, so reading later gives what was rendered.
    """

    __slots__ = ("before", "term", "after")

    def __init__(self, frame: Markup, term: Terminal) -> None:
        self.before, _, self.after = str(frame).partition(_HOLE)
        self.term = term

    def __html__(self) -> str:
        return f"{self.before}{self.term.html()}{self.after}"

    __str__ = __html__


_HOLE = "\x00"  # where the stream's HTML goes in its rendered template; never in escaped text
_HOLE_HTML = Markup(_HOLE)
_CLASSES = {name: (f"bai-media-{name}",) for name in STREAMS.values()}


def _text(data: Any, ctx: Context[Any]) -> str | list[str]:
    """The item's text; a Jupyter list of lines as it is, for the terminal reads only the lines it
    shows (joined, a long stream would be copied whole)."""
    if isinstance(data, list) and all(map(isinstance, data, repeat(str))):  # checked in C: one per line
        return data
    return ctx.text(data)


def render_stream(item: MediaItem, ctx: Context[StreamState]) -> Output:
    name = STREAMS[item.type]
    term, continued = _terminal(ctx, name)
    data = item.data
    term.feed(data if type(data) is str else _text(data, ctx))
    if not continued:  # a new element: whoever asked needs all of it, now
        term.mark_shown()
        return Output(ctx.render("handlers/stream.html", name=name, html=term.html()), classes=_CLASSES[name])
    new = term.html_since_shown()
    term.mark_shown()
    return Output(StreamHTML(ctx.render("handlers/stream.html", name=name, html=_HOLE_HTML), term),  # type: ignore[arg-type]
                  classes=_CLASSES[name],
                  append=ctx.render("handlers/stream.html", name=name, html=new) if new is not None else None)


def render_plain(item: MediaItem, ctx: Context[None]) -> Markup:
    term = Terminal(ctx.limits.text_chars)
    term.feed(_text(item.data, ctx))
    return ctx.render("handlers/stream.html", name="text", html=term.html())


def register(registry: Registry) -> None:
    registry.register_many(STREAMS, render_stream, rank=10, continues=True, state=StreamState)
    registry.register("text/plain", render_plain, rank=10)
