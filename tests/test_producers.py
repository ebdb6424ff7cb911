"""Kernel-side producers: exact wire format, and round trips through the handlers."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from PIL import Image

from bai_media import handle_all, producers
from bai_media.producers import Canvas, Turtle

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
