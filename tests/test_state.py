"""A result is data: it pickles, saves as versioned JSON, and continues exactly where it stopped."""

from __future__ import annotations

import json
import pickle
import re

import pytest

from bai_media import MediaResult, StateError
from bai_media.ansi import Terminal
from bai_media.drawing import CanvasState
from bai_media.handlers.drawing import DrawingState
from bai_media.handlers.text import StreamState

from .drawing_fixtures import media

CANVAS = [[0, "canvas", 100, 120, "#ffffffff", "#000000ff"], [0, "obj", 0, ["line", 20, 20, 50, 50, "#000000ff"]],
          [0, "begin-fill", "#ff000080"], [0, "obj", 1, ["line", 50, 50, 10, 60, "#000000ff"]],
          [0, "obj", 2, ["line", 10, 60, 50, 50, "#000000ff"]], [0, "end-fill"],
          [0, "obj", 3, ["circle", 10, 10, 30, "#000000ff", "#ffffff00", 0]], [0, "begin-group"]]
DELTA = [[0, "update", 3, "y", 45], [0, "end-group"], [0, "update", 3, "rotate", 30]]
FIRST = [("stdout", "\x1b[1;38;5;208mprogress  \x1b]8;;https://example.com/x\x1b\\link\x1b]8;;\x1b\\ 10%\r"),
         media(CANVAS), ("stderr", "warn <b>&amp;</b>\n\x1b[")]
SECOND = [("stderr", "31mred now\n"), ("stdout", "progress 100%\n"), media(DELTA), ("stdout", "done\n")]


def started() -> MediaResult:
    result = MediaResult("run")
    result.extend(FIRST)
    return result


def test_a_result_holds_no_renderer_and_pickles() -> None:
    result = started()
    copy = pickle.loads(pickle.dumps(result))
    assert str(copy) == str(result)
    assert copy.extend(SECOND) == result.extend(SECOND)
    assert str(copy) == str(result)


def test_json_round_trip_continues_streams_and_canvases_identically() -> None:
    result = started()
    saved = json.loads(json.dumps(result.to_state()))
    assert saved["version"] == 1
    restored = MediaResult.from_state(saved)
    assert str(restored) == str(result)
    assert restored.extend(SECOND) == result.extend(SECOND)
    whole = str(restored)
    assert whole == str(result)
    assert "progress 100%" in whole and "bai-ansi-fg-1" in whole
    assert json.loads(json.dumps(restored.to_state())) == json.loads(json.dumps(result.to_state()))


def test_saved_handler_state_holds_no_html() -> None:
    text = json.dumps(started().to_state()["states"])
    assert "<span" not in text and "<img" not in text and "<b>" in text  # the kernel's text, as text


def test_state_types_round_trip() -> None:
    result = started()
    streams = result.state().get(StreamState)
    drawings = result.state().get(DrawingState)
    assert StreamState.from_json(streams.to_json()).to_json() == streams.to_json()
    canvas = drawings.canvases[0]
    assert CanvasState.from_json(json.loads(json.dumps(canvas.to_json()))) == canvas


def test_restored_terminal_state_is_checked_like_kernel_output() -> None:
    term = Terminal(1000)
    term.feed("\x1b[31mred\nline")
    saved = term.to_json()
    head = json.loads(saved["head"])  # kept as JSON text, parsed only when shown again
    head[0][0][1] = "<script>alert(1)</script>"
    saved["head"] = json.dumps(head)
    restored = Terminal.from_json(saved)
    assert "<script>" not in restored.html() and "&lt;script&gt;" in restored.html()
    for broken in ('[[["x"]]]', "[}]", '[[[[null,null,false,false,false,false,false,false,"javascript:x"],"<b>"]]]'):
        html = Terminal.from_json({**saved, "head": broken}).html()  # damaged: a visible note, never markup
        assert "<b>" not in html and "javascript" not in html and ("could not be read" in html or "&lt;b&gt;" in html)
    with pytest.raises(ValueError):
        Terminal.from_json({**saved, "head": "not an array"})
    old = {**saved, "head": head, "sizes": [4] + saved["sizes"]}  # a save from before heads were sealed
    old.pop("head_lines"), old.pop("head_chars")
    assert Terminal.from_json(old).html() == restored.html()
    saved["style"][8] = "javascript:alert(1)"
    assert Terminal.from_json(saved).style.link is None
    for bad in ('red" onmouseover="x', 16, True):
        saved["style"][0] = bad
        with pytest.raises(ValueError):
            Terminal.from_json(saved)


def test_malformed_saved_handler_state_starts_afresh() -> None:
    saved = started().to_state()
    for state in saved["states"].values():
        for key in state["handlers"]:
            state["handlers"][key] = {"canvases": [{"cid": "x"}], "terminals": {"evil": {}}}
    restored = MediaResult.from_state(saved)
    html = restored.extend([("stdout", "fresh\n"), media(DELTA)])
    assert "fresh" in html and "update of unknown object 3" in html


def test_other_versions_are_refused() -> None:
    with pytest.raises(StateError, match="version 99"):
        MediaResult.from_state({**started().to_state(), "version": 99})
    with pytest.raises(StateError):
        MediaResult.from_state({"version": 1, "result_id": "r", "items": [{"type": 1}], "states": {}})


def test_item_ids_survive_the_round_trip() -> None:
    restored = MediaResult.from_state(started().to_state())
    assert re.findall(r'id="(run-\d)"', str(restored)) == ["run-0", "run-1", "run-2"]
    assert "bai-media-stderr" in restored.html()
