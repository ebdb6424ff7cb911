"""The Backend.AI drawing model: canvases built from command deltas, rendered to SVG.

Commands are applied in order to a per-canvas object table; while animation is on, each command
(or group) becomes one *step* of the timeline the original renderer played: 180 ms of change,
120 ms pause, ease-out-quad. The SVG carries that timeline as CSS keyframes (so a reduced-motion
preference shows the final picture) and ends on exactly the static picture.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

STEP_MS = 180
PAUSE_MS = 120
EASE_OUT_QUAD = "cubic-bezier(0.5, 1, 0.89, 1)"
LINE_WIDTH = 2
BORDER_WIDTH = 1
MAX_CANVAS = 10_000
MAX_COORD = 1e6

_COLOR = re.compile(r"^#[0-9a-fA-F]{8}$|^#[0-9a-fA-F]{6}$")
SHAPES = ("line", "circle", "rect", "triangle")
_SHAPE_ARGS = {"line": 5, "circle": 6, "rect": 7, "triangle": 7}
_NUMERIC_PROPS = {"x", "y", "x1", "y1", "x2", "y2", "radius", "rotate", "angle"}
_COLOR_PROPS = {"color", "border", "fill"}


class DrawingWarning(ValueError):
    """A command that could not be applied; collected and shown beside the picture."""


def color(value: Any) -> str:
    if isinstance(value, str) and _COLOR.match(value):
        return value.lower() if len(value) == 9 else value.lower() + "ff"
    raise DrawingWarning(f"colour {str(value)[:20]!r} is not #rrggbbaa")


def number(value: Any, low: float = -MAX_COORD, high: float = MAX_COORD) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DrawingWarning(f"{str(value)[:20]!r} is not a number")
    return float(min(max(value, low), high))


def rgba(value: str) -> str:
    """``#rrggbbaa`` as CSS ``rgba()``, the form SVG fill/stroke and keyframes both accept."""
    r, g, b, a = (int(value[i : i + 2], 16) for i in (1, 3, 5, 7))
    return f"rgba({r}, {g}, {b}, {round(a / 255, 3)})"


@dataclass(slots=True)
class Shape:
    """One object: its kind and current properties (position is the centre for shapes)."""

    oid: int
    kind: str
    props: dict[str, Any]
    fill_polygon: bool = False

    def transform(self, scale: float = 1.0) -> str:
        p = self.props
        text = f"translate({_n(p['x'])}px, {_n(p['y'])}px) rotate({_n(p['angle'])}deg)"
        return text + (f" scale({_n(scale)})" if scale != 1.0 else "")

    def path(self) -> str:
        p = self.props
        if self.kind == "line":
            return f"M {_n(p['x1'])} {_n(p['y1'])} L {_n(p['x2'])} {_n(p['y2'])}"
        return "M " + " L ".join(f"{_n(x)} {_n(y)}" for x, y in p["points"]) + " Z"


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


@dataclass(slots=True)
class Change:
    """What one step did to one object: created it, or moved a property from old to new."""

    oid: int
    prop: str  # "create" or a property name
    old: Any = None
    new: Any = None


@dataclass(slots=True)
class CanvasState:
    """A canvas as the accumulated commands left it, plus the steps of the latest delta."""

    cid: int
    width: float = 300
    height: float = 300
    bg: str = "#ffffffff"
    fg: str = "#000000ff"
    objects: dict[int, Shape] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    animate: bool = True
    element_id: str | None = None
    steps: list[list[Change]] = field(default_factory=list)
    _group: list[Change] | None = None
    _fill: tuple[str, list[tuple[float, float]]] | None = None
    _fill_outline: tuple[int, int] | None = None  # (index in order, oid) of the fill's first line
    _next_internal: int = -1

    def begin_delta(self) -> None:
        """Start a new delta: the previous delta's steps are history now."""
        self.steps = []
        self._group = None

    def _record(self, change: Change) -> None:
        if not self.animate:
            return
        if self._group is not None:
            self._group.append(change)
        else:
            self.steps.append([change])

    def apply(self, cmd: list[Any]) -> None:
        """Apply one command tuple (without its canvas id); raise DrawingWarning if unusable."""
        if not cmd or not isinstance(cmd[0], str):
            raise DrawingWarning("command without a name")
        name, args = cmd[0], cmd[1:]
        if name == "canvas":
            if len(args) < 4:
                raise DrawingWarning("canvas needs width, height, bg, fg")
            self.width = number(args[0], 1, MAX_CANVAS)
            self.height = number(args[1], 1, MAX_CANVAS)
            self.bg, self.fg = color(args[2]), color(args[3])
            self.objects.clear()
            self.order.clear()
            self.steps = []
        elif name == "obj":
            self._obj(args)
        elif name == "update":
            self._update(args)
        elif name == "stop-anim":
            self.animate = False
        elif name == "resume-anim":
            self.animate = True
        elif name == "begin-group":
            if self.animate and self._group is None:
                self._group = []
        elif name == "end-group":
            if self._group:
                self.steps.append(self._group)
            self._group = None
        elif name == "bgcolor":
            self.bg = color(args[0] if args else None)
        elif name == "fgcolor":
            self.fg = color(args[0] if args else None)
        elif name == "begin-fill":
            self._fill = (color(args[0] if args else self.fg), [])
        elif name == "end-fill":
            self._end_fill()
        else:
            raise DrawingWarning(f"unknown command {name[:30]!r}")

    def _obj(self, args: list[Any]) -> None:
        if len(args) != 2 or not isinstance(args[0], int) or not isinstance(args[1], (list, tuple)) or not args[1]:
            raise DrawingWarning("obj needs an id and a shape tuple")
        oid, spec = args[0], list(args[1])
        kind = spec[0]
        if kind not in SHAPES:
            raise DrawingWarning(f"unknown shape {str(kind)[:20]!r}")
        if len(spec) - 1 < _SHAPE_ARGS[kind]:
            raise DrawingWarning(f"{kind} needs {_SHAPE_ARGS[kind]} arguments")
        a = spec[1:]
        props: dict[str, Any]
        if kind == "line":
            props = {"x1": number(a[0]), "y1": number(a[1]), "x2": number(a[2]), "y2": number(a[3]), "color": color(a[4])}
            if self._fill is not None:
                points = self._fill[1]
                if not points:
                    points.append((props["x1"], props["y1"]))
                    self._fill_outline = (len(self.order), oid) if oid not in self.objects else None
                points.append((props["x2"], props["y2"]))
        elif kind == "circle":
            props = {"x": number(a[0]), "y": number(a[1]), "radius": number(a[2], 0), "border": color(a[3]),
                     "fill": color(a[4]), "angle": number(a[5])}
        else:
            props = {"x": number(a[0]), "y": number(a[1]), "w": number(a[2], 0), "h": number(a[3], 0),
                     "border": color(a[4]), "fill": color(a[5]), "angle": number(a[6])}
        if oid not in self.objects:
            self.order.append(oid)
        self.objects[oid] = Shape(oid, kind, props)
        self._record(Change(oid, "create"))

    def _update(self, args: list[Any]) -> None:
        if len(args) != 3:
            raise DrawingWarning("update needs an object id, a property and a value")
        oid, prop, value = args
        shape = self.objects.get(oid) if isinstance(oid, int) else None
        if shape is None:
            raise DrawingWarning(f"update of unknown object {str(oid)[:20]}")
        if prop in _COLOR_PROPS:
            new: Any = color(value)
            key = "color" if shape.kind == "line" and prop in ("color", "border") else prop
            if key not in shape.props:
                raise DrawingWarning(f"{shape.kind} has no {prop}")
        elif prop in _NUMERIC_PROPS:
            key = prop
            if prop == "rotate":
                key, new = "angle", shape.props.get("angle", 0.0) + number(value)
            else:
                new = number(value, 0 if prop == "radius" else -MAX_COORD)
            if key not in shape.props:
                raise DrawingWarning(f"{shape.kind} has no {prop}")
        else:
            raise DrawingWarning(f"unknown property {str(prop)[:20]!r}")
        old = shape.props[key]
        shape.props[key] = new
        self._record(Change(oid, key, old, new))

    def _end_fill(self) -> None:
        if self._fill is None:
            raise DrawingWarning("end-fill without begin-fill")
        fill, points = self._fill
        self._fill = None
        outline, self._fill_outline = self._fill_outline, None
        if len(points) >= 3:
            oid = self._next_internal
            self._next_internal -= 1
            shape = Shape(oid, "polygon", {"points": points, "fill": fill}, fill_polygon=True)
            self.objects[oid] = shape
            # Under the outline that drew it, as a turtle fill looks. Its place was noted when the
            # outline began (searching the paint order here made many fills quadratic).
            valid = outline is not None and outline[0] < len(self.order) and self.order[outline[0]] == outline[1]
            self.order.insert(outline[0] if valid and outline else len(self.order), oid)
            self._record(Change(oid, "create"))

    def to_json(self) -> dict[str, Any]:
        """The canvas model as JSON (no SVG): restored by :meth:`from_json` without loss."""
        return {
            "cid": self.cid, "width": self.width, "height": self.height, "bg": self.bg, "fg": self.fg,
            "objects": [[shape.oid, shape.kind, _props_json(shape.props), shape.fill_polygon]
                        for shape in self.objects.values()],
            "order": list(self.order), "animate": self.animate, "element_id": self.element_id,
            "steps": [[_change_json(c) for c in step] for step in self.steps],
            "group": None if self._group is None else [_change_json(c) for c in self._group],
            "fill": None if self._fill is None else [self._fill[0], [list(p) for p in self._fill[1]]],
            "next_internal": self._next_internal,
        }

    @classmethod
    def from_json(cls, data: Any) -> CanvasState:
        """A canvas from :meth:`to_json`; every value is checked as a command's would be."""
        state = cls(_int(data["cid"]), number(data["width"], 1, MAX_CANVAS), number(data["height"], 1, MAX_CANVAS),
                    color(data["bg"]), color(data["fg"]))
        for oid, kind, props, fill_polygon in data["objects"]:
            state.objects[_int(oid)] = Shape(_int(oid), _kind(kind), _props(kind, props), bool(fill_polygon))
        state.order = [_int(oid) for oid in data["order"]]
        if set(state.order) != set(state.objects) or len(state.order) != len(state.objects):
            raise DrawingWarning("saved canvas order does not match its objects")
        state.animate = bool(data["animate"])
        element_id = data["element_id"]
        state.element_id = element_id[:200] if isinstance(element_id, str) else None
        state.steps = [[_change(c) for c in step] for step in data["steps"]]
        state._group = None if data["group"] is None else [_change(c) for c in data["group"]]
        fill = data["fill"]
        state._fill = None if fill is None else (color(fill[0]), _points(fill[1]))
        state._next_internal = min(_int(data["next_internal"]), -1)
        return state


_KIND_PROPS = {
    "line": {"x1", "y1", "x2", "y2", "color"},
    "circle": {"x", "y", "radius", "border", "fill", "angle"},
    "rect": {"x", "y", "w", "h", "border", "fill", "angle"},
    "triangle": {"x", "y", "w", "h", "border", "fill", "angle"},
    "polygon": {"points", "fill"},
}
_NON_NEGATIVE = {"radius", "w", "h"}


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DrawingWarning(f"{str(value)[:20]!r} is not an integer")
    return value


def _kind(value: Any) -> str:
    if value not in _KIND_PROPS:
        raise DrawingWarning(f"unknown shape {str(value)[:20]!r}")
    return str(value)


def _value(prop: str, value: Any) -> Any:
    if prop in _COLOR_PROPS:
        return color(value)
    if prop == "points":
        return _points(value)
    return number(value, 0 if prop in _NON_NEGATIVE else -MAX_COORD)


def _points(value: Any) -> list[tuple[float, float]]:
    if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
        raise DrawingWarning("points must be [x, y] pairs")
    return [(number(x), number(y)) for x, y in value]


def _props_json(props: dict[str, Any]) -> dict[str, Any]:
    return {key: [list(p) for p in value] if key == "points" else value for key, value in props.items()}


def _props(kind: str, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or set(raw) != _KIND_PROPS[kind]:
        raise DrawingWarning(f"saved {str(kind)[:20]} has the wrong properties")
    return {key: _value(key, value) for key, value in raw.items()}


def _change_json(change: Change) -> list[Any]:
    return [change.oid, change.prop, change.old, change.new]


def _change(raw: Any) -> Change:
    oid, prop, old, new = raw
    if prop == "create":
        return Change(_int(oid), "create")
    if not isinstance(prop, str) or prop == "points" or not any(prop in props for props in _KIND_PROPS.values()):
        raise DrawingWarning(f"unknown property {str(prop)[:20]!r}")
    return Change(_int(oid), prop, _value(prop, old), _value(prop, new))


@dataclass(frozen=True, slots=True)
class Frame:
    """The keyframes of one CSS property of one object across the delta's timeline."""

    prop: str
    stops: list[tuple[float, str]]


def timeline(state: CanvasState) -> tuple[float, dict[int, list[Frame]], dict[int, int]]:
    """Total duration (ms), keyframes per object, and the step each new object appears in."""
    steps = state.steps
    if not steps:
        return 0.0, {}, {}
    total = len(steps) * (STEP_MS + PAUSE_MS) - PAUSE_MS
    created: dict[int, int] = {}
    history: dict[int, dict[str, list[tuple[int, Any, Any]]]] = {}
    for index, step in enumerate(steps):
        for change in step:
            if change.prop == "create":
                created.setdefault(change.oid, index)
                history.pop(change.oid, None)  # re-created: earlier changes are moot
            else:
                history.setdefault(change.oid, {}).setdefault(change.prop, []).append((index, change.old, change.new))
    frames: dict[int, list[Frame]] = {}
    for oid, props in history.items():
        if oid not in state.objects:
            continue
        for prop, changes in props.items():
            stops: list[tuple[float, Any]] = [(0.0, changes[0][1])]
            for index, old, new in changes:
                start = index * (STEP_MS + PAUSE_MS)
                stops += [(start, old), (start + STEP_MS, new)]
            frames.setdefault(oid, []).append(Frame(prop, stops))
    return float(total), frames, created
