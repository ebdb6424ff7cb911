"""Kernel-side producers: code running in a kernel builds media items with these.

``Canvas``, ``Turtle``, ``Color``, ``Colors`` and ``Vec2D`` are the original Backend.AI kernel
runner's drawing API, names and behaviour included, so code written for Backend.AI kernels runs
unchanged; they emit its exact wire format (base64 of msgpack command tuples, ``#rrggbbaa``
colours, per-kernel canvas ids).
``from_figure``, ``from_image`` and ``from_dataframe`` wrap the usual rich outputs.
"""

from __future__ import annotations

import base64
import builtins
import importlib.util
import io
import itertools
import math
from collections.abc import Iterable
from typing import Any, NamedTuple

import msgpack

DRAWING_TYPE = "application/x-sorna-drawing"
MediaTuple = tuple[str, str]

_canvas_ids = itertools.count()


class Color(NamedTuple):
    """An RGBA colour; the wire format is ``#rrggbbaa``."""

    red: int
    green: int
    blue: int
    alpha: int = 255

    @staticmethod
    def from_hex(value: str) -> Color:
        digits = value.lstrip("#")
        return Color(*(int(digits[i : i + 2], 16) for i in range(0, 8, 2)))

    @staticmethod
    def from_rgba(value: Iterable[int]) -> Color:
        return Color(*value)

    @staticmethod
    def from_bytes(value: bytes) -> Color:
        return Color(*value[:4])

    def to_hex(self, include_alpha: bool = True) -> str:
        channels = self if include_alpha else self[:3]
        return "#" + "".join(f"{channel:02x}" for channel in channels)

    def to_bytes(self) -> bytes:
        return bytes(self)

    def to_rgba(self) -> str:
        return f"rgba({self.red},{self.green},{self.blue},{self.alpha / 255:g})"


class Colors:
    """The original runner's named colours."""

    Transparent = Color(255, 255, 255, 0)
    Black = Color(0, 0, 0)
    Gray = Color(128, 128, 128)
    White = Color(255, 255, 255)
    Red = Color(255, 0, 0)
    Green = Color(0, 255, 0)
    Blue = Color(0, 0, 255)
    Yellow = Color(255, 255, 0)
    Magenta = Color(255, 0, 255)
    Cyan = Color(0, 255, 255)
    from_hex = staticmethod(Color.from_hex)
    from_rgba = staticmethod(Color.from_rgba)
    from_bytes = staticmethod(Color.from_bytes)


#: A colour as the API takes it: a :class:`Color` or a ``#rrggbbaa`` string.
ColorLike = Color | str


def _hex(color: ColorLike) -> str:
    return color if isinstance(color, str) else color.to_hex()


def encode_commands(commands: list[tuple[Any, ...]]) -> str:
    return base64.b64encode(msgpack.packb(commands, use_bin_type=True)).decode("ascii")


_SHAPES = ("rect", "circle", "triangle")


class DrawingObject:
    """A handle on a drawn object; setters queue ``update`` commands.

    As in the original runner, a setter that does not apply to the object's kind does nothing.
    """

    def __init__(self, canvas: Canvas, oid: int, kind: str) -> None:
        self._canvas, self._id, self._type = canvas, oid, kind

    def _update(self, prop: str, value: Any, kinds: Iterable[str] | None = None) -> None:
        if kinds is None or self._type in kinds:
            self._canvas._cmds.append((self._canvas._id, "update", self._id, prop, value))

    def set_x(self, x: float) -> None:
        self._update("x", x, _SHAPES)

    def set_y(self, y: float) -> None:
        self._update("y", y, _SHAPES)

    def set_x1(self, x: float) -> None:
        self._update("x1", x, ("line",))

    def set_y1(self, y: float) -> None:
        self._update("y1", y, ("line",))

    def set_x2(self, x: float) -> None:
        self._update("x2", x, ("line",))

    def set_y2(self, y: float) -> None:
        self._update("y2", y, ("line",))

    def set_radius(self, r: float) -> None:
        self._update("radius", r, ("circle",))

    def rotate(self, degrees: float) -> None:
        self._update("rotate", degrees)

    def set_angle(self, degrees: float) -> None:
        self._update("angle", degrees)

    def stroke(self, color: ColorLike) -> None:
        """The line's colour, or a shape's border."""
        self._update("color" if self._type == "line" else "border", _hex(color))

    def fill(self, color: ColorLike) -> None:
        self._update("fill", _hex(color), _SHAPES)


class Canvas:
    """A drawing canvas; commands accumulate until :meth:`update` sends them as one delta."""

    def __init__(self, width: int, height: int, bgcolor: ColorLike = Colors.White, fgcolor: ColorLike = Colors.Black) -> None:
        self._id = next(_canvas_ids)
        self.width, self.height = width, height
        self.bgcolor, self.fgcolor = bgcolor, fgcolor
        self._next_oid = 0
        self._cmds: list[tuple[Any, ...]] = [(self._id, "canvas", width, height, _hex(bgcolor), _hex(fgcolor))]

    def update(self) -> list[MediaTuple]:
        """The commands since the last update, as media items.

        Inside a Backend.AI kernel (which provides ``_sorna_emit``) they are also emitted, as the
        original runner did; elsewhere, display the returned items.
        """
        if not self._cmds:
            return []
        item = (DRAWING_TYPE, encode_commands(self._cmds))
        self._cmds = []
        emit = getattr(builtins, "_sorna_emit", None)
        if emit is not None:
            emit(item)
        return [item]

    show = update

    def create_turtle(self) -> Turtle:
        return Turtle(self)

    def _obj(self, kind: str, *args: Any) -> DrawingObject:
        oid = self._next_oid
        self._next_oid += 1
        self._cmds.append((self._id, "obj", oid, (kind, *args)))
        return DrawingObject(self, oid, kind)

    def line(self, x0: float, y0: float, x1: float, y1: float, color: ColorLike | None = None) -> DrawingObject:
        return self._obj("line", x0, y0, x1, y1, _hex(color or self.fgcolor))

    def circle(self, x: float, y: float, radius: float, border: ColorLike | None = None, fill: ColorLike | None = None,
               angle: float = 0) -> DrawingObject:
        return self._obj("circle", x, y, radius, _hex(border or self.fgcolor), _hex(fill or Colors.Transparent), angle)

    def rectangle(self, left: float, top: float, width: float, height: float, border: ColorLike | None = None,
                  fill: ColorLike | None = None, angle: float = 0) -> DrawingObject:
        return self._obj("rect", left, top, width, height, _hex(border or self.fgcolor), _hex(fill or Colors.Transparent), angle)

    def triangle(self, left: float, top: float, width: float, height: float, border: ColorLike | None = None,
                 fill: ColorLike | None = None, angle: float = 0) -> DrawingObject:
        return self._obj("triangle", left, top, width, height, _hex(border or self.fgcolor), _hex(fill or Colors.Transparent),
                         angle)

    def _simple(self, name: str, *args: Any) -> None:
        self._cmds.append((self._id, name, *args))

    def stop_animation(self) -> None:
        self._simple("stop-anim")

    def resume_animation(self) -> None:
        self._simple("resume-anim")

    def begin_group(self) -> None:
        self._simple("begin-group")

    def end_group(self) -> None:
        self._simple("end-group")

    def begin_fill(self, color: ColorLike) -> None:
        self._simple("begin-fill", _hex(color))

    def end_fill(self) -> None:
        self._simple("end-fill")

    def background_color(self, color: ColorLike) -> None:
        self.bgcolor = color
        self._simple("bgcolor", _hex(color))

    def stroke_color(self, color: ColorLike) -> None:
        """The default colour of lines and borders drawn from now on."""
        self.fgcolor = color
        self._simple("fgcolor", _hex(color))


class Vec2D(tuple[float, float]):
    """A 2-D vector, as the standard library's ``turtle.Vec2D`` (which needs tkinter to import)."""

    def __new__(cls, x: float, y: float) -> Vec2D:
        return tuple.__new__(cls, (x, y))

    def __add__(self, other: tuple[float, float]) -> Vec2D:  # type: ignore[override]
        return Vec2D(self[0] + other[0], self[1] + other[1])

    def __sub__(self, other: tuple[float, float]) -> Vec2D:
        return Vec2D(self[0] - other[0], self[1] - other[1])

    def __mul__(self, other: Any) -> Any:  # type: ignore[override]
        """The dot product with a vector; scaled by a number."""
        if isinstance(other, Vec2D):
            return self[0] * other[0] + self[1] * other[1]
        return Vec2D(self[0] * other, self[1] * other)

    def __rmul__(self, other: Any) -> Any:  # type: ignore[override]
        if isinstance(other, (int, float)):
            return Vec2D(self[0] * other, self[1] * other)
        return NotImplemented

    def __neg__(self) -> Vec2D:
        return Vec2D(-self[0], -self[1])

    def __abs__(self) -> float:
        return math.hypot(self[0], self[1])

    def rotate(self, angle: float) -> Vec2D:
        """Turned counterclockwise by ``angle`` degrees."""
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        return Vec2D(self[0] * c - self[1] * s, self[1] * c + self[0] * s)

    def __getnewargs__(self) -> tuple[float, float]:  # type: ignore[override]
        return (self[0], self[1])

    def __repr__(self) -> str:
        return f"({self[0]:.2f},{self[1]:.2f})"


class Turtle:
    """The classic turtle on a canvas: a 12×18 triangle cursor that draws as it moves.

    Positions given to :meth:`setpos` and returned by :meth:`pos` are relative to where the
    turtle started, the canvas centre.
    """

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.pen = True
        self.angle: float = 90
        w, h = canvas.width, canvas.height
        self.cursor = canvas.triangle(w / 2, h / 2, 12, 18, border=Colors.Red, fill=Color(255, 200, 200), angle=self.angle)
        self.points: list[tuple[float, float]] = [(w / 2, h / 2)]

    def forward(self, distance: float) -> None:
        x, y = self.points[-1]
        self._move_to(x + math.sin(math.radians(self.angle)) * distance, y - math.cos(math.radians(self.angle)) * distance)

    def left(self, degrees: float) -> None:
        self.cursor.rotate(-degrees)
        self.angle -= degrees

    def right(self, degrees: float) -> None:
        self.cursor.rotate(degrees)
        self.angle += degrees

    def penup(self) -> None:
        self.pen = False

    def pendown(self) -> None:
        self.pen = True

    def pos(self) -> Vec2D:
        (x0, y0), (x, y) = self.points[0], self.points[-1]
        return Vec2D(x - x0, y - y0)

    def setpos(self, x: float | tuple[float, float], y: float | None = None) -> None:
        """Move to ``(x, y)`` (or a ``Vec2D``), relative to the start, drawing if the pen is down."""
        if y is None:
            x, y = x  # type: ignore[misc]
        x0, y0 = self.points[0]
        self._move_to(x0 + x, y0 + y)  # type: ignore[operator]

    def _move_to(self, x: float, y: float) -> None:
        self.canvas.begin_group()
        if self.pen:
            self.canvas.line(*self.points[-1], x, y, color=Color(255, 0, 0, 128))
        self.cursor.set_x(x)
        self.cursor.set_y(y)
        self.canvas.end_group()
        self.points.append((x, y))


def from_figure(fig: Any, format: str = "svg", dpi: int | None = None) -> MediaTuple:
    """A matplotlib figure as a media item: raw SVG text or a PNG data URI."""
    if importlib.util.find_spec("matplotlib") is None:
        raise ModuleNotFoundError("from_figure needs matplotlib: pip install 'bai-media[producers]'")
    if format == "svg":
        out = io.StringIO()
        fig.savefig(out, format="svg")
        return ("image/svg+xml", out.getvalue())
    if format == "png":
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        return ("image/png", "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"))
    raise ValueError(f"format must be 'svg' or 'png', not {format!r}")


def from_image(image: Any, format: str = "PNG") -> MediaTuple:
    """A Pillow image as a PNG (or JPEG) data URI item."""
    fmt = format.upper()
    mime = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}[fmt]
    buf = io.BytesIO()
    image.save(buf, fmt)
    return (mime, f"data:{mime};base64," + base64.b64encode(buf.getvalue()).decode("ascii"))


def from_dataframe(df: Any, **to_html: Any) -> MediaTuple:
    """A pandas DataFrame as an HTML table item (sanitized when rendered)."""
    return ("text/html", df.to_html(**to_html))
