"""Property-based tests: arbitrary media through handle_all and every format adapter.

Invariants: nothing raises; every input item yields exactly one item element; the output has no
script, no event attribute, no script URL; each example finishes within a generous bound.
"""

from __future__ import annotations

import base64
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bai_media import Limits, Renderer, formats
from bai_media.producers import encode_commands

from .attacks import HTML_ATTACKS
from .html_checks import active_content

RENDERER = Renderer(limits=Limits(text_chars=5_000, html_chars=20_000, json_nodes=500, drawing_commands=2_000))
ITEM = re.compile(r'<div class="bai-media-item ')
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TYPES = ["text/plain", "text/html", "text/markdown", "text/latex", "image/png", "image/jpeg", "image/gif", "image/svg+xml",
         "application/json", "application/vnd.foo+json", "stdout", "stderr", "audio/ogg", "video/mp4",
         "application/x-sorna-drawing", "application/vnd.sorna.gitgraph", "application/javascript",
         "application/vnd.jupyter.error", "application/vnd.bai-media.status+json", "application/vnd.bai-media.log+json",
         "application/vnd.bai-media.files+json", "application/vnd.bai-media.invalid"]
HOSTILE = HTML_ATTACKS + ["\x1b]8;;javascript:alert(1)\x1b\\x", "$\\href{javascript:alert(1)}{x}$", "<svg onload=alert(1)>"]
hostile = st.integers(0, len(HOSTILE) - 1).map(HOSTILE.__getitem__)  # short repr in failure reports
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=True) | st.text(max_size=40) | hostile,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=25,
)
drawing_data = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(["canvas", "obj", "update", "begin-group", "end-group", "stop-anim", "bgcolor", "x"]))
    .flatmap(lambda head: st.lists(json_values, max_size=6).map(lambda rest: (*head, *rest))),
    max_size=15,
).map(encode_commands)
data = (json_values | st.binary(max_size=200) | st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode())
        | st.binary(max_size=100).map(lambda b: "data:image/png;base64," + base64.b64encode(b).decode()) | drawing_data)
media_type = st.sampled_from(TYPES) | st.text(max_size=30) | hostile
item = (st.tuples(media_type, data) | st.tuples(media_type, data).map(list)
        | st.builds(lambda t, d: {"type": t, "data": d}, media_type, data) | json_values)


def check(html: str, started: float) -> None:
    assert active_content(html) == [], active_content(html)
    assert time.perf_counter() - started < 20


@FUZZ
@given(st.lists(item, max_size=8), st.text(max_size=20) | hostile)
def test_handle_all_invariants(media: list, result_id: str) -> None:
    started = time.perf_counter()
    html = str(RENDERER.handle_all(media, result_id))
    assert len(ITEM.findall(html)) == len(media)
    check(html, started)


@FUZZ
@given(json_values | st.lists(json_values, max_size=6))
def test_handle_all_with_any_media_argument(media: object) -> None:
    started = time.perf_counter()
    html = str(RENDERER.handle_all(media, "x"))
    expected = len(media) if isinstance(media, list) else 1
    assert len(ITEM.findall(html)) == expected
    check(html, started)


console_item = st.tuples(st.sampled_from(["stdout", "stderr", "media", "html", "log", "completion", "weird"]),
                         data | st.tuples(media_type, data).map(list)).map(list) | json_values
backendai = st.fixed_dictionaries({"status": st.sampled_from(["continued", "finished", "waiting-input", "error", "exec-timeout"]) | json_values},
                                  optional={"console": st.lists(console_item, max_size=6) | json_values, "exitCode": json_values,
                                            "files": json_values, "options": json_values, "msg": json_values,
                                            "stdout": json_values, "media": json_values})
jupyter_output = st.fixed_dictionaries({"output_type": st.sampled_from(["stream", "display_data", "execute_result", "error", "?"])},
                                       optional={"name": json_values, "text": json_values, "ename": json_values, "traceback": json_values,
                                                 "data": st.dictionaries(st.sampled_from(TYPES), data, max_size=3) | json_values,
                                                 "metadata": json_values})
notebook = st.fixed_dictionaries({"nbformat": st.just(4), "cells": st.lists(
    st.fixed_dictionaries({"cell_type": st.sampled_from(["markdown", "code", "raw", "?"]) | json_values},
                          optional={"source": json_values, "outputs": st.lists(jupyter_output, max_size=3) | json_values,
                                    "execution_count": json_values, "attachments": json_values}) | json_values, max_size=5)},
                                 optional={"metadata": json_values})
unklearn = st.fixed_dictionaries({}, optional={"event": st.sampled_from(["cell_result", "cell_run_start", "cell_run_end"]) | json_values,
                                               "cellId": json_values, "id": json_values, "output": json_values, "error": json_values,
                                               "data": json_values, "status": json_values}) | json_values
widgets = st.fixed_dictionaries({"executor": json_values, "message": st.fixed_dictionaries(
    {"type": st.sampled_from(["output", "started", "finished", "errored", "?"])},
    optional={"stdout": st.binary(max_size=60).map(lambda b: base64.b64encode(b).decode()) | json_values,
              "stderr": json_values, "message": json_values}) | json_values}) | json_values

ADAPTERS = {"backendai": st.lists(backendai, max_size=4) | backendai, "jupyter": st.lists(jupyter_output, max_size=6),
            "notebook": notebook, "unklearn": st.lists(unklearn, max_size=6), "widgets": st.lists(widgets, max_size=6)}


@FUZZ
@given(st.sampled_from(sorted(ADAPTERS)).flatmap(lambda name: st.tuples(st.just(name), ADAPTERS[name])))
def test_every_adapter_never_raises_and_stays_inert(case: tuple[str, object]) -> None:
    fmt, doc = case
    started = time.perf_counter()
    check(str(formats.render(doc, fmt, "fuzz", RENDERER)), started)
    check(str(formats.render(doc, "auto", "fuzz", RENDERER)), started)
