"""Saved runs: JSON only, versioned, and a run continued after a save renders byte for byte the same."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bai_media import Limits, MediaResult, Renderer
from bai_media.formats.backendai import BackendAISession
from bai_media.state import StateError

from ..drawing_fixtures import media as drawing

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="

#: Pieces of one Backend.AI run, in order: a `\r` progress line split anywhere, colours left open
#: across pieces, a canvas created and then updated, a fill left open, an image, stderr.
PIECES: list[list[Any]] = [
    [["stdout", "Epoch 1/3 \x1b[32m"]],
    [["stdout", "10%\r"]],
    [["stdout", "Epoch 1/3 55%"], ["stdout", "\rEpoch 1/3 100%\x1b[0m\n"]],
    [["media", drawing([[1, "canvas", 200, 100, "#ffffffff", "#000000ff"], [1, "obj", 7, ["circle", 50, 50, 20, "#000000ff", "#ff0000ff", 0]],
                        [1, "begin-fill", "#00ff00ff"], [1, "obj", 8, ["line", 0, 0, 10, 0, "#000000ff"]]])]],
    [["stdout", "step 2 \x1b[1;3"]],
    [["stdout", "1mbold red\x1b[0m"], ["media", drawing([[1, "obj", 9, ["line", 10, 0, 10, 10, "#000000ff"]], [1, "obj", 10, ["line", 10, 10, 0, 0, "#000000ff"]],
                                                            [1, "end-fill"], [1, "update", 7, "x", 120]])]],
    [["stderr", "warn\x1b[K\rWARNING: late\n"], ["media", ["image/png", PNG]]],
    [["stdout", "\x08\x08\ttab\r\n"], ["media", drawing([[1, "update", 7, "radius", 40], [1, "set-animation", 0]])]],
]


def frames(pieces: list[list[Any]]) -> list[dict[str, Any]]:
    return [{"status": "continued" if i < len(pieces) - 1 else "finished", "exitCode": 0, "console": p}
            for i, p in enumerate(pieces)]


def through_json(state: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(state, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(pieces=st.permutations(range(len(PIECES))).map(lambda order: [PIECES[i] for i in sorted(order[:5])]) | st.just(PIECES),
       split=st.integers(0, len(PIECES)), cut=st.integers(0, 30))
def test_saving_at_any_point_changes_nothing(pieces: list[list[Any]], split: int, cut: int) -> None:
    # Also split one stdout text inside itself, so a save can fall mid-escape and mid-`\r` line.
    pieces = [list(p) for p in pieces]
    if pieces and pieces[0][0][0] == "stdout":
        text = pieces[0][0][1]
        pieces[0:1] = [[["stdout", text[:cut]]], [["stdout", text[cut:]]]]
    results = frames(pieces)
    split = min(split, len(results))
    whole = BackendAISession("run")
    expected = [str(whole.feed(r)) for r in results]
    first = BackendAISession("run")
    for r in results[:split]:
        first.feed(r)
    restored = BackendAISession.from_state(through_json(first.to_state(html=False)))
    assert [str(restored.feed(r)) for r in results[split:]] == expected[split:]
    assert through_json(restored.to_state(html=False)) == through_json(whole.to_state(html=False))
    full = BackendAISession.from_state(through_json(first.to_state()))
    for r in results[split:]:
        full.feed(r)
    assert str(full) == str(whole)  # with the items' HTML saved too, the whole page is the same


def test_state_is_versioned_json_and_refuses_others() -> None:
    session = BackendAISession("run")
    for r in frames(PIECES):
        session.feed(r)
    state = through_json(session.to_state())
    assert state["result"]["version"] == 1
    with pytest.raises(StateError, match="version 99"):
        BackendAISession.from_state({**state, "result": {**state["result"], "version": 99}})
    with pytest.raises(StateError, match="malformed"):
        BackendAISession.from_state({**state, "status": {**state["status"], "items": [["x"]]}})
    with pytest.raises(StateError, match="run_id"):
        BackendAISession.from_state([])


def test_state_size_is_bounded_by_the_limits() -> None:
    renderer = Renderer(limits=Limits(text_chars=3_000))
    result = MediaResult("r")
    for n in range(200):
        result.extend([["stdout", f"line {n} " + "x" * 100 + "\n"]], renderer=renderer)
    size = len(json.dumps(result.to_state(html=False)))
    assert size < 3_000 * 3, size  # head and tail of text_chars, not the 20,000 characters fed
