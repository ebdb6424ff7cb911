"""``application/x-sorna-drawing``: base64 msgpack command deltas drawn as SVG through ``<img>``.

A canvas lives in the element of the first item that drew it; later deltas for the same canvas
(in this call or a later one for the same result) re-render that element in place, and their own
element stays as an empty, hidden marker so every input item still has one element.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..datauri import to_data_uri
from ..drawing import EASE_OUT_QUAD, STEP_MS, CanvasState, DrawingWarning, Shape, _n, rgba, timeline
from ..items import MediaItem
from ..registry import Registry
from ..context import BadData, Context, Output

MAX_WARNINGS = 20
MAX_CANVASES = 64


class DrawingState:
    """The canvases of one result by canvas id: later deltas draw on them."""

    def __init__(self, canvases: dict[int, CanvasState] | None = None) -> None:
        self.canvases = canvases if canvases is not None else {}

    def to_json(self) -> dict[str, Any]:
        return {"canvases": [state.to_json() for state in self.canvases.values()]}

    @classmethod
    def from_json(cls, data: Any) -> DrawingState:
        canvases = [CanvasState.from_json(raw) for raw in data["canvases"][:MAX_CANVASES]]
        return cls({state.cid: state for state in canvases})


def decode_commands(data: Any, max_bytes: int, max_commands: int) -> list[Any]:
    if isinstance(data, str) and data.startswith("data:"):
        data = data.partition(",")[2]
    if isinstance(data, (bytes, bytearray)):
        raw = bytes(data)
    elif isinstance(data, str):
        if len(data) > max_bytes * 4 // 3 + 4:
            raise BadData(f"drawing data over the limit of {max_bytes:,} bytes")
        try:
            raw = base64.b64decode("".join(data.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadData("drawing data is not valid base64") from exc
    else:
        raise BadData(f"drawing data must be base64 text, got {type(data).__name__}")
    import msgpack  # imported with the first drawing, not by every command line

    try:
        commands = msgpack.unpackb(
            raw, raw=False, strict_map_key=False, use_list=True,
            max_array_len=max_commands, max_map_len=64,
            max_str_len=4096, max_bin_len=0, max_ext_len=0,
        )
    except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as exc:
        raise BadData(f"drawing data is not a msgpack command list ({type(exc).__name__})") from exc
    if not isinstance(commands, list):
        raise BadData("drawing data must be a list of commands")
    return commands


@dataclass(slots=True)
class Drawn:
    """One object as the SVG template needs it: static attributes plus optional animation."""

    index: int
    shape: Shape
    outer_style: str
    inner_style: str
    outer_frames: list[tuple[str, str]]
    inner_frames: list[tuple[str, str]]


def _css(shape: Shape, values: dict[str, Any], scale: float = 1.0, visible: bool = True) -> tuple[str, str]:
    """CSS for the outer group (placement, appearance) and the inner shape (paint, size)."""
    p = values
    if shape.kind == "line":
        outer = f"stroke-dashoffset: {0 if visible else 1}"
        return outer, f"d: path('M {_n(p['x1'])} {_n(p['y1'])} L {_n(p['x2'])} {_n(p['y2'])}'); stroke: {rgba(p['color'])}"
    opacity = 1 if visible else 0
    if shape.kind == "polygon":
        return f"opacity: {opacity}", f"fill: {rgba(p['fill'])}"
    moved = Shape(shape.oid, shape.kind, p)
    outer = f"transform: {moved.transform(scale)}; opacity: {opacity}"
    inner = f"fill: {rgba(p['fill'])}; stroke: {rgba(p['border'])}"
    if shape.kind == "circle":
        inner += f"; r: {_n(p['radius'])}px"
    return outer, inner


def compose(state: CanvasState, animated: bool = True, max_objects: int | None = None) -> tuple[list[Drawn], float]:
    """Objects in paint order with their final CSS and, when animated, their keyframes.

    With ``max_objects``, only the most recent objects are drawn (the ones on top).
    """
    total, frames, created = timeline(state) if animated else (0.0, {}, {})
    drawn: list[Drawn] = []
    order = state.order[-max_objects:] if max_objects else state.order
    for index, oid in enumerate(order):
        shape = state.objects[oid]
        outer, inner = _css(shape, shape.props)
        outer_frames: list[tuple[str, str]] = []
        inner_frames: list[tuple[str, str]] = []
        prop_frames = {f.prop: f.stops for f in frames.get(oid, [])}
        if total and (prop_frames or oid in created):
            times = {0.0, total}
            for stops in prop_frames.values():
                times.update(t for t, _ in stops)
            if oid in created:
                start = created[oid] * (STEP_MS + 120)
                times.update((start, start + STEP_MS))
            # One sweep: times ascend and each property's stops are in time order, so a cursor
            # per property finds the last stop at or before t without rescanning.
            cursors = dict.fromkeys(prop_frames, 0)
            for t in sorted(times):
                values = dict(shape.props)
                for prop, stops in prop_frames.items():
                    i = cursors[prop]
                    while i + 1 < len(stops) and stops[i + 1][0] <= t:
                        i += 1
                    cursors[prop] = i
                    values[prop] = stops[i][1]
                appearing = oid in created and t <= created[oid] * (STEP_MS + 120)
                o, i = _css(shape, values, scale=0.3 if appearing and shape.kind != "line" else 1.0, visible=not appearing)
                pct = f"{t / total * 100:.3f}%"
                outer_frames.append((pct, o))
                inner_frames.append((pct, i))
        drawn.append(Drawn(index, shape, outer, inner, outer_frames, inner_frames))
    return drawn, total


def svg_for(state: CanvasState, ctx: Context[DrawingState], animated: bool = True) -> str:
    drawn, total = compose(state, animated, ctx.limits.drawing_objects)
    return str(ctx.render("handlers/drawing.svg", state=state, drawn=drawn, total=round(total),
                          ease=EASE_OUT_QUAD, bg=rgba(state.bg)))


def render_drawing(item: MediaItem, ctx: Context[DrawingState]) -> Output:
    commands = decode_commands(item.data, ctx.limits.drawing_bytes, ctx.limits.drawing_commands)
    canvases = ctx.state.canvases
    touched: dict[int, CanvasState] = {}
    warnings: list[str] = []
    for number, cmd in enumerate(commands):
        if not isinstance(cmd, list) or len(cmd) < 2 or not isinstance(cmd[0], int) or isinstance(cmd[0], bool):
            warnings.append(f"command {number}: not a [canvas id, name, ...] list")
            continue
        cid = cmd[0]
        state = canvases.get(cid)
        if state is None:
            if len(canvases) >= MAX_CANVASES:
                warnings.append(f"command {number}: too many canvases")
                continue
            state = canvases[cid] = CanvasState(cid)
        if cid not in touched:
            state.begin_delta()
            touched[cid] = state
        try:
            state.apply(cmd[1:])
        except DrawingWarning as exc:
            warnings.append(f"command {number}: {exc}")
    own: list[Markup] = []
    updates: dict[str, Markup] = {}
    for state in touched.values():
        if len(state.order) > ctx.limits.drawing_objects:
            warnings.append(f"canvas {state.cid}: {len(state.order):,} objects; only the last {ctx.limits.drawing_objects:,} are drawn")
        animated = 0 < len(state.steps) <= ctx.limits.drawing_steps
        if len(state.steps) > ctx.limits.drawing_steps:
            warnings.append(f"canvas {state.cid}: {len(state.steps):,} animation steps; shown without animation")
        # A separate static picture for reduced motion: the page evaluates the media query, which
        # also reaches users whose browser does not pass the preference into SVG images.
        static = to_data_uri("image/svg+xml", svg_for(state, ctx, animated=False).encode()) if animated else None
        src = to_data_uri("image/svg+xml", svg_for(state, ctx, animated).encode())
        inner = ctx.render("handlers/drawing.html", src=src, static_src=static, state=state)
        if state.element_id is None or state.element_id == ctx.element_id or not ctx.has_element(state.element_id):
            state.element_id = ctx.element_id
            own.append(inner)
        else:
            updates[state.element_id] = inner
    html = ctx.render("handlers/drawing_item.html", canvases=own, warnings=warnings[:MAX_WARNINGS],
                      more=max(0, len(warnings) - MAX_WARNINGS), delta=not own)
    return Output(html, classes=() if own else ("bai-media-drawing-delta",), updates=updates)


def register(registry: Registry) -> None:
    registry.register("application/x-sorna-drawing", render_drawing, rank=60, state=DrawingState)
