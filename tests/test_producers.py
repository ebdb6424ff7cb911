"""Kernel-side producers: exact wire format, and round trips through the handlers."""

from __future__ import annotations

import base64
import builtins
import itertools
import subprocess
import sys

import msgpack
import pytest
from PIL import Image

from bai_media import handle_all, producers
from bai_media.producers import Canvas, Color, Colors, Turtle, Vec2D

from .drawing_fixtures import load_fixtures


@pytest.fixture
def canvas_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(producers, "_canvas_ids", itertools.count())


def test_canvas_and_turtle_match_the_original_wire_format(shared, canvas_ids, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fixtures = load_fixtures()
    assert fixtures
    canvas = Canvas(100, 120)
    canvas.line(20, 20, 50, 50)
    circle = canvas.circle(10, 10, 30)
    assert canvas.update() == [tuple(fixtures["canvas-line-circle"]["media"])]
    circle.set_y(45)
    assert canvas.update() == [tuple(fixtures["update-circle-y"]["media"])]
    monkeypatch.setattr(producers, "_canvas_ids", itertools.count())  # each fixture came from a fresh kernel
    turtle_canvas = Canvas(200, 200)
    Turtle(turtle_canvas).forward(50)
    assert turtle_canvas.update() == [tuple(fixtures["turtle-forward"]["media"])]


def test_update_emits_only_the_delta(canvas_ids) -> None:  # type: ignore[no-untyped-def]
    canvas = Canvas(10, 10)
    assert len(canvas.update()) == 1
    assert canvas.update() == []


def test_turtle_square_round_trip(canvas_ids) -> None:  # type: ignore[no-untyped-def]
    canvas = Canvas(160, 160)
    turtle = Turtle(canvas)
    for _ in range(4):
        turtle.forward(60)
        turtle.left(90)
    html = handle_all(canvas.update(), "t")
    assert "bai-media-drawing" in html and "bai-media-error" not in html and "<li>" not in html


def test_figure_image_and_dataframe_items() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2])
    items = [producers.from_figure(fig, "svg"), producers.from_figure(fig, "png"), producers.from_image(Image.new("RGB", (3, 2)))]
    plt.close(fig)

    class Frame:
        def to_html(self) -> str:
            return "<table class='dataframe'><tr><td>1</td></tr></table>"

    items.append(producers.from_dataframe(Frame()))
    html = handle_all(items, "p")
    assert html.count("<img") == 3 and 'class="dataframe"' in html and "bai-media-error" not in html
    with pytest.raises(ValueError):
        producers.from_figure(fig, "gif")


def test_from_figure_without_matplotlib_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    with pytest.raises(ModuleNotFoundError, match=r"^from_figure needs matplotlib: pip install 'bai-media\[producers\]'$"):
        producers.from_figure(object())


def test_rendering_needs_no_matplotlib() -> None:
    """The base install is what a web app needs: every shipped example renders with matplotlib unimportable."""
    code = (
        "import sys; sys.modules['matplotlib'] = None;"
        "import json, bai_media.formats as f; from bai_media.resources import resource_dir;"
        "html = f.render(json.loads((resource_dir('examples') / 'showcase.json').read_text()), 'auto', 's');"
        "assert 'matplotlib' not in sys.modules or sys.modules['matplotlib'] is None;"
        "print(html.count('bai-media-item'), html.count('bai-media-error'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 10 and out[1] == "0"


#: Kernel code as it was written for Backend.AI's runner (its API and its ``_sorna_emit``), one
#: program per fixture, each as in a fresh kernel.
ORIGINAL_PROGRAMS = {
    "canvas-line-circle": """
c = Canvas(100, 120)
line_obj = c.line(20, 20, 50, 50)
circle_obj = c.circle(10, 10, 30)
c.update()
circle_obj.set_y(45)
c.update()
""",
    "turtle-forward": """
t = Canvas(200, 200).create_turtle()
t.forward(50)
t.canvas.update()
assert t.pos() == Vec2D(50, 0) and abs(t.pos()) == 50
""",
    "rect-triangle-static": """
first = Canvas(10, 10)
c = Canvas(300, 200, bgcolor=Color(32, 32, 32), fgcolor=Colors.White)
c.stop_animation()
r = c.rectangle(150, 100, 80, 40, border=Colors.Red, fill=Color.from_hex("#00ff0080"), angle=15)
tri = c.triangle(60, 60, 30, 40, border=Colors.Blue, fill=Colors.from_rgba([255, 255, 0, 255]))
r.rotate(30)
tri.fill(Colors.Cyan)
c.resume_animation()
c.show()
""",
}


@pytest.mark.parametrize("name", ORIGINAL_PROGRAMS)
def test_code_written_for_backendai_kernels_runs_unchanged(name: str, shared, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fixtures = load_fixtures()
    assert fixtures
    emitted: list[tuple[str, str]] = []
    monkeypatch.setattr(builtins, "_sorna_emit", emitted.append, raising=False)
    monkeypatch.setattr(producers, "_canvas_ids", itertools.count())
    exec(ORIGINAL_PROGRAMS[name], {n: getattr(producers, n) for n in ("Canvas", "Color", "Colors", "Turtle", "Vec2D")})
    expected = [tuple(fixtures[name]["media"])]
    if name == "canvas-line-circle":
        expected.append(tuple(fixtures["update-circle-y"]["media"]))
    assert emitted == expected


def test_turtle_positions_are_relative_to_its_start(canvas_ids) -> None:  # type: ignore[no-untyped-def]
    canvas = Canvas(100, 100)
    turtle = canvas.create_turtle()
    turtle.setpos(10, 10)
    assert turtle.pos() == (10, 10)
    turtle.penup()
    turtle.setpos(Vec2D(50, -20))
    assert turtle.pos() == (50, -20) and repr(turtle.pos()) == "(50.00,-20.00)"
    commands = msgpack.unpackb(base64.b64decode(canvas.update()[0][1]))
    lines = [c[3][1:5] for c in commands if c[1] == "obj" and c[3][0] == "line"]
    assert lines == [[50.0, 50.0, 60.0, 60.0]]  # the second move had the pen up
    assert [c[3:] for c in commands if c[1] == "update"][-2:] == [["x", 100.0], ["y", 30.0]]


def test_object_setters_apply_to_their_kinds_only(canvas_ids) -> None:  # type: ignore[no-untyped-def]
    canvas = Canvas(50, 50)
    canvas.update()
    line, circle = canvas.line(0, 0, 5, 5), canvas.circle(5, 5, 2)
    canvas.update()
    line.stroke(Colors.Red)
    line.fill(Colors.Blue)  # a line has no fill
    line.set_x(3)  # nor a position
    circle.stroke("#00ff00ff")
    circle.fill(Colors.Transparent)
    circle.set_x1(1)  # nor line ends
    canvas.stroke_color(Colors.Gray)
    canvas.line(1, 1, 2, 2)
    commands = msgpack.unpackb(base64.b64decode(canvas.update()[0][1]))
    assert commands == [
        [0, "update", 0, "color", "#ff0000ff"],
        [0, "update", 1, "border", "#00ff00ff"],
        [0, "update", 1, "fill", "#ffffff00"],
        [0, "fgcolor", "#808080ff"],
        [0, "obj", 2, ["line", 1, 1, 2, 2, "#808080ff"]],
    ]
    assert canvas.fgcolor == Colors.Gray


def test_colors_and_vectors_behave_as_the_originals() -> None:
    assert Colors.Red.to_hex() == "#ff0000ff" and Colors.Red.to_hex(include_alpha=False) == "#ff0000"
    assert Colors.Red.to_bytes() == b"\xff\x00\x00\xff" and Color.from_bytes(b"\x01\x02\x03\x04") == (1, 2, 3, 4)
    assert Color.from_hex("#10203040") == Color(16, 32, 48, 64) and Color(1, 2, 3).alpha == 255
    v = Vec2D(1, 0)
    assert abs(Vec2D(1, 1)) == pytest.approx(2**0.5) and v + (1, 1) == (2, 1) and v - (1, 1) == (0, -1)
    assert v * Vec2D(3, 4) == 3 and v * 2 == 2 * v == (2, 0) and -v == (-1, 0)
    assert v.rotate(90) == pytest.approx((0, 1))
