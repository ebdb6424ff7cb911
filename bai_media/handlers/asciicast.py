"""Terminal recordings (asciicast v2, as ``bai-media terminal --record`` and asciinema write them),
rendered to static HTML through the project's terminal model: the output a viewer would end with."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..ansi import Terminal
from ..context import BadData, Context
from ..items import MediaItem
from ..registry import Registry

ASCIICAST_TYPE = "application/x-asciicast"
MAX_SIZE = 1000


def _header(line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        raise BadData("an asciicast starts with a JSON header line") from None
    if not isinstance(header, dict) or header.get("version") != 2:
        raise BadData("only asciicast version 2 is supported")
    for key in ("width", "height"):
        value = header.get(key)
        if type(value) is not int or not 1 <= value <= MAX_SIZE:
            raise BadData(f"the asciicast header needs a {key} between 1 and {MAX_SIZE}")
    return header


def _event(line: str) -> tuple[float, str, str] | None:
    """One ``[time, code, data]`` event, or ``None`` when malformed."""
    try:
        event = json.loads(line)
    except ValueError:
        return None
    if (not isinstance(event, list) or len(event) != 3 or type(event[0]) not in (int, float)
            or not isinstance(event[1], str) or not isinstance(event[2], str)):
        return None
    return float(event[0]), event[1], event[2]


def render_asciicast(item: MediaItem, ctx: Context[None]) -> Markup:
    lines = iter(ctx.text(item.data).split("\n"))  # not splitlines(): output may hold U+2028 or \x1c
    header = _header(next(lines, ""))
    term = Terminal(ctx.limits.text_chars)
    duration, events, skipped = 0.0, 0, 0
    for line in lines:
        if not line.strip():
            continue
        event = _event(line)
        if event is None:
            skipped += 1
            continue
        events += 1
        duration = max(duration, event[0])
        if event[1] == "o":
            term.feed(event[2])
    title = header.get("title")
    return ctx.render(
        "handlers/asciicast.html", html=term.html(), width=header["width"], height=header["height"],
        title=str(title)[:200] if title else None, duration=duration, events=events, skipped=skipped,
    )


def register(registry: Registry) -> None:
    registry.register(ASCIICAST_TYPE, render_asciicast, rank=10)
