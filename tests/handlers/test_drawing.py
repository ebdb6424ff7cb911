"""Drawings: fixtures, accumulated state across deltas and calls, animation, bad data."""

from __future__ import annotations

import base64
import re

import msgpack
import pytest

from bai_media import MediaResult, Renderer, handle_all
from bai_media.drawing import CanvasState
from bai_media.handlers.drawing import DrawingState, compose

from ..drawing_fixtures import load_fixtures, media


def svg_of(html: str, index: int = 0) -> str:
    found = re.findall(r'<img class="bai-media-drawing" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', str(html))
    assert found, html
    return base64.b64decode(found[index]).decode()


def static_picture(result: MediaResult, cid: int = 0) -> list[tuple[str, str, str]]:
    """The final picture of a canvas, independent of how its commands were split."""
    state: CanvasState = result.state().get(DrawingState).canvases[cid]
    drawn, _ = compose(state, animated=False)
    return [(d.shape.kind, d.outer_style, d.inner_style) for d in drawn]


def test_every_shared_fixture_renders(shared) -> None:  # type: ignore[no-untyped-def]
    fixtures = load_fixtures()
    assert fixtures
    for name, fixture in fixtures.items():
        html = handle_all([fixture["media"]], name)
        assert "bai-media-error" not in html, name
        if any(cmd[1] == "canvas" for cmd in fixture["commands"]):
            svg = svg_of(html)
            assert svg.startswith("<svg") and "<g id=" in svg


def test_combined_update_equals_incremental_updates_across_calls() -> None:
    first = [[0, "canvas", 100, 120, "#ffffffff", "#000000ff"], [0, "obj", 0, ["line", 20, 20, 50, 50, "#000000ff"]],
             [0, "obj", 1, ["circle", 10, 10, 30, "#000000ff", "#ffffff00", 0]]]
    second = [[0, "update", 1, "y", 45], [0, "update", 1, "fill", "#ff000080"], [0, "update", 1, "rotate", 30]]
    combined = MediaResult("c")
    combined.render([media(first + second)])
    incremental = MediaResult("i")
    incremental.extend([media(first)])
    changed = incremental.extend([media(second)])
    assert static_picture(combined) == static_picture(incremental)
    # The delta re-rendered the canvas's own element in place; its own element is a hidden marker.
    assert re.findall(r'id="(i-\d)"', str(changed)) == ["i-0", "i-1"]
    assert "bai-media-drawing-delta" in str(changed) and str(incremental).count("<img") == 1
    assert "translate(10px, 45px)" in svg_of(str(incremental))


def test_fixtures_combined_equal_incremental(shared) -> None:  # type: ignore[no-untyped-def]
    fixtures = load_fixtures()
    assert fixtures
    base, delta = fixtures["canvas-line-circle"], fixtures["update-circle-y"]
    combined = MediaResult("c")
    combined.render([media(base["commands"] + delta["commands"])])
    incremental = MediaResult("i")
    incremental.render([base["media"], delta["media"]])
    assert static_picture(combined) == static_picture(incremental)


def test_animation_steps_and_groups() -> None:
    cmds = [[0, "canvas", 200, 200, "#ffffffff", "#000000ff"], [0, "obj", 0, ["circle", 50, 50, 10, "#000000ff", "#ff0000ff", 0]],
            [0, "begin-group"], [0, "obj", 1, ["line", 0, 0, 10, 10, "#000000ff"]], [0, "update", 0, "x", 80], [0, "end-group"],
            [0, "stop-anim"], [0, "obj", 2, ["rect", 5, 5, 4, 4, "#000000ff", "#000000ff", 0]], [0, "resume-anim"]]
    svg = svg_of(handle_all([media(cmds)], "a"))
    # Two steps: 2 × 180 ms + one 120 ms pause. The stop-anim rect has no animation.
    assert "480ms linear both" in svg and "#o2 {" not in svg and "#o0 {" in svg
    assert "translate(50px, 50px) rotate(0deg) scale(0.3)" in svg and "translate(80px, 50px) rotate(0deg)" in svg
    assert "prefers-reduced-motion: reduce" in svg


def test_colours_rotation_and_background() -> None:
    cmds = [[3, "canvas", 50, 40, "#102030ff", "#ffffffff"], [3, "stop-anim"], [3, "bgcolor", "#00000080"],
            [3, "obj", 0, ["triangle", 25, 20, 10, 10, "#ff0000ff", "#00ff0080", 45]], [3, "update", 0, "angle", 90],
            [3, "update", 0, "rotate", -30]]
    svg = svg_of(handle_all([media(cmds)], "a"))
    assert "fill: rgba(0, 0, 0, 0.502)" in svg and "rotate(60deg)" in svg and "fill: rgba(0, 255, 0, 0.502)" in svg


def test_fills_become_polygons_under_their_outline() -> None:
    cmds = [[0, "canvas", 100, 100, "#ffffffff", "#000000ff"], [0, "stop-anim"], [0, "begin-fill", "#0000ff80"]]
    cmds += [[0, "obj", i, ["line", *a, *b, "#000000ff"]] for i, (a, b) in enumerate([((0, 0), (50, 0)), ((50, 0), (50, 50)), ((50, 50), (0, 0))])]
    cmds += [[0, "end-fill"]]
    svg = svg_of(handle_all([media(cmds)], "f"))
    assert svg.index('d="M 0 0 L 50 0 L 50 50 L 0 0 Z"') < svg.index('class="line"')


def test_bad_commands_are_warnings_inside_the_item() -> None:
    cmds = [[0, "canvas", 100, 100, "#ffffffff", "#000000ff"], [0, "explode"], [0, "obj", 0, ["hexagon", 1]],
            [0, "obj", 1, ["circle", "x", 1, 1, "#000000ff", "#000000ff", 0]], [0, "update", 99, "x", 1],
            [0, "obj", 2, ["line", 1, 2, 3, 4, "red"]], "nonsense", [0, "obj", 3, ["rect", 1, 2, 3, 4, "#000000ff", "#000000ff", 0]]]
    html = handle_all([media(cmds)], "w")
    assert html.count("<li>command") == 6
    assert "unknown command &#39;explode&#39;" in html and "not #rrggbbaa" in html
    assert "<rect id=\"i0\"" in svg_of(html)


@pytest.mark.parametrize("data,message", [
    ("!!!", "not valid base64"),
    (base64.b64encode(b"\xc1\xc1").decode(), "not a msgpack command list"),
    (base64.b64encode(msgpack.packb({"a": 1})).decode(), "must be a list"),
    (12, "must be base64 text"),
])
def test_undecodable_data_is_an_error_fragment(data: object, message: str) -> None:
    html = handle_all([("application/x-sorna-drawing", data), ("text/plain", "after")], "b")
    assert message in html and "after" in html


def test_command_count_limit() -> None:
    from bai_media import Limits

    cmds = [[0, "canvas", 10, 10, "#ffffffff", "#000000ff"]] + [[0, "stop-anim"]] * 500
    html = Renderer(limits=Limits(drawing_commands=100)).handle_all([media(cmds)], "l")
    assert "not a msgpack command list" in html


def test_each_fill_goes_under_its_own_outline() -> None:
    state = CanvasState(0)
    state.animate = False
    for square in range(3):  # three fills starting at the same point, as turtle squares do
        state.apply(["begin-fill", "#0000ff80"])
        for i, (a, b) in enumerate([((0, 0), (9, 0)), ((9, 0), (9, 9)), ((9, 9), (0, 0))]):
            state.apply(["obj", square * 10 + i, ["line", *a, *b, "#000000ff"]])
        state.apply(["end-fill"])
    kinds = [state.objects[oid].kind for oid in state.order]
    assert kinds == ["polygon", "line", "line", "line"] * 3


def test_keyframes_for_many_updates_of_one_object_match_a_direct_reading() -> None:
    state = CanvasState(0)
    state.apply(["obj", 1, ["circle", 0, 0, 5, "#000000ff", "#ff0000ff", 0]])
    for group in range(5):
        state.apply(["begin-group"])
        for x in range(4):
            state.apply(["update", 1, "x", float(group * 10 + x)])
        state.apply(["end-group"])
    drawn, total = compose(state)
    xs = [re.search(r"translate\((-?[\d.]+)px", outer).group(1) for _, outer in drawn[0].outer_frames]
    # Each group moves the circle to its last x; frames hold the value at their time.
    assert xs[-1] == "43" and "3" in xs and xs == sorted(xs, key=float)
