"""Kernel-side producers: code running in a kernel builds media items with these.

``Canvas`` and ``Turtle`` mirror the original Backend.AI drawing API and emit its exact wire
format (base64 of msgpack command tuples, ``#rrggbbaa`` colours, per-kernel canvas ids).
``from_figure``, ``from_image`` and ``from_dataframe`` wrap the usual rich outputs.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import itertools
import math
from typing import Any

import msgpack

DRAWING_TYPE = "application/x-sorna-drawing"
MediaTuple = tuple[str, str]

_canvas_ids = itertools.count()


class Colors:
    """Named colours in the protocol's ``#rrggbbaa`` form."""

    Transparent = "#00000000"
    Black = "#000000ff"
    Gray = "#808080ff"
    White = "#ffffffff"
    Red = "#ff0000ff"
    Green = "#00ff00ff"
    Blue = "#0000ffff"
    Yellow = "#ffff00ff"
    Cyan = "#00ffffff"
    Magenta = "#ff00ffff"


def encode_commands(commands: list[tuple[Any, ...]]) -> str:
    return base64.b64encode(msgpack.packb(commands, use_bin_type=True)).decode("ascii")


class DrawingObject:
    """A handle on a drawn object; setters queue ``update`` commands."""

    def __init__(self, canvas: Canvas, oid: int, kind: str) -> None:
        self._canvas, self._id, self._type = canvas, oid, kind

    def _update(self, prop: str, value: Any) -> None:
        self._canvas._cmds.append((self._canvas._id, "update", self._id, prop, value))

    def set_x(self, x: float) -> None:
        self._update("x", x)

    def set_y(self, y: float) -> None:
        self._update("y", y)

    def set_x1(self, x: float) -> None:
        self._update("x1", x)

    def set_y1(self, y: float) -> None:
        self._update("y1", y)

    def set_x2(self, x: float) -> None:
        self._update("x2", x)

    def set_y2(self, y: float) -> None:
        self._update("y2", y)

    def set_radius(self, r: float) -> None:
        self._update("radius", r)

    def rotate(self, degrees: float) -> None:
        self._update("rotate", degrees)

    def set_angle(self, degrees: float) -> None:
        self._update("angle", degrees)

    def set_color(self, color: str) -> None:
        self._update("color", color)

    def set_border(self, color: str) -> None:
        self._update("border", color)

    def set_fill(self, color: str) -> None:
        self._update("fill", color)


class Canvas:
    """A drawing canvas; commands accumulate until :meth:`update` returns them as one delta."""

    def __init__(self, width: int, height: int, bgcolor: str = Colors.White, fgcolor: str = Colors.Black) -> None:
        self._id = next(_canvas_ids)
        self.width, self.height = width, height
        self.bgcolor, self.fgcolor = bgcolor, fgcolor
        self._next_oid = 0
        self._cmds: list[tuple[Any, ...]] = [(self._id, "canvas", width, height, bgcolor, fgcolor)]

    def update(self) -> list[MediaTuple]:
        """The commands since the last update, as media items (the kernel displays these)."""
        if not self._cmds:
            return []
        data = encode_commands(self._cmds)
        self._cmds = []
        return [(DRAWING_TYPE, data)]

    show = update

    def _obj(self, kind: str, *args: Any) -> DrawingObject:
        oid = self._next_oid
        self._next_oid += 1
        self._cmds.append((self._id, "obj", oid, (kind, *args)))
        return DrawingObject(self, oid, kind)

    def line(self, x0: float, y0: float, x1: float, y1: float, color: str | None = None) -> DrawingObject:
        return self._obj("line", x0, y0, x1, y1, color or self.fgcolor)

    def circle(self, x: float, y: float, radius: float, border: str | None = None, fill: str | None = None, angle: float = 0) -> DrawingObject:
        return self._obj("circle", x, y, radius, border or self.fgcolor, fill or "#ffffff00", angle)

    def rectangle(self, left: float, top: float, width: float, height: float, border: str | None = None,
                  fill: str | None = None, angle: float = 0) -> DrawingObject:
        return self._obj("rect", left, top, width, height, border or self.fgcolor, fill or "#ffffff00", angle)

    def triangle(self, left: float, top: float, width: float, height: float, border: str | None = None,
                 fill: str | None = None, angle: float = 0) -> DrawingObject:
        return self._obj("triangle", left, top, width, height, border or self.fgcolor, fill or "#ffffff00", angle)

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

    def begin_fill(self, color: str) -> None:
        self._simple("begin-fill", color)

    def end_fill(self) -> None:
        self._simple("end-fill")

    def background_color(self, color: str) -> None:
        self._simple("bgcolor", color)

    def foreground_color(self, color: str) -> None:
        self._simple("fgcolor", color)


class Turtle:
    """The classic turtle on a canvas: a 12×18 triangle cursor that draws as it moves."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.pen = True
        self.angle: float = 90
        self.points: list[tuple[float, float]] = []
        w, h = canvas.width, canvas.height
        self.cursor = canvas.triangle(w / 2, h / 2, 12, 18, border=Colors.Red, fill="#ffc8c8ff", angle=self.angle)
        self.x: float = w / 2
        self.y: float = h / 2

    def forward(self, distance: float) -> None:
        x = self.x + distance * math.sin(math.radians(self.angle))
        y = self.y - distance * math.cos(math.radians(self.angle))
        self.setpos(round(x, 10), round(y, 10))

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

    def setpos(self, x: float, y: float) -> None:
        self.canvas.begin_group()
        if self.pen:
            self.canvas.line(self.x, self.y, x, y, color="#ff000080")
        self.cursor.set_x(x)
        self.cursor.set_y(y)
        self.canvas.end_group()
        self.x, self.y = x, y


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
