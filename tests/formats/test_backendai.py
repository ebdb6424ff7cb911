"""Backend.AI results: console items, v1 shape, statuses, files, streaming runs."""

from __future__ import annotations

import base64
import re

import pytest

from bai_media.formats import BackendAISession, render
from bai_media.producers import Canvas



def ids(html: str) -> list[str]:
    return re.findall(r'<div class="bai-media-item [^"]*" id="([^"]*)"', str(html))


def test_console_items_in_order_with_all_kinds() -> None:
    result = {"result": {"runId": "5facbf2f2697c1b7", "status": "finished", "exitCode": 0, "console": [
        ["stdout", "plotting simple line graph\n"],
        ["media", ["image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'><rect width='2' height='2'/></svg>"]],
        ["html", "<table class='dataframe'><tr><td>1</td></tr></table><script>alert(1)</script>"],
        ["log", ["warning", "2026-11-22T03:00:00Z", "app.worker", "disk <almost> full"]],
        ["completion", ["print", "prompt"]],
        ["stdout", "done\n"],
        ["weird", "kind"],
        "not an item",
    ], "options": None, "files": [{"name": "out.csv", "url": "https://example.org/out.csv"}, {"name": "x", "url": "javascript:alert(1)"}]}}
    html = str(render(result, "backendai", "run"))
    assert ids(html) == [f"run-{i}" for i in range(9)] + ["run-status-0"]
    assert "plotting simple line graph" in html and "bai-media-svg" in html and 'class="dataframe"' in html
    assert "<script>" not in html and "disk &lt;almost&gt; full" in html and "bai-media-log-warning" in html
    assert "<code>print</code>" in html and "application/x-backendai-weird" in html
    assert html.count("bai-media-error") == 1  # the malformed console entry, shown, not dropped
    assert '<a href="https://example.org/out.csv"' in html and "javascript:" not in html
    assert "finished" in html and "exit code <code>0</code>" in html


def test_v1_shape() -> None:
    html = str(render({"stdout": "out\n", "stderr": "err\n", "media": [["text/plain", "m"]], "html": ["<b>h</b>"]}, "backendai", "v1"))
    assert ids(html) == ["v1-0", "v1-1", "v1-2", "v1-3"] and "<b>h</b>" in html


@pytest.mark.parametrize("result,expected", [
    ({"status": "waiting-input", "console": [["stdout", "Password: "]], "options": {"is_password": True}}, ["waiting for input", "<code>Password: </code>", "password input"]),
    ({"status": "exec-timeout", "console": []}, ["execution timed out", "bai-media-status-error"]),
    ({"status": "error", "msg": "kernel <died>"}, ["kernel &lt;died&gt;", "bai-media-status-error"]),
    ({"status": "server-restarting"}, ["server restarting"]),
    ({"status": "finished", "exitCode": 3, "console": []}, ["exit code <code>3</code>", "bai-media-status-error"]),
])
def test_statuses_are_visible(result: dict, expected: list[str]) -> None:
    html = str(render(result, "backendai", "s"))
    for text in expected:
        assert text in html


def test_a_streamed_run_equals_the_concatenated_run() -> None:
    """continued … finished, a \\r progress bar split across chunk boundaries, a drawing updated across calls."""
    canvas = Canvas(120, 80)
    dot = canvas.circle(20, 40, 10)
    first_draw = canvas.update()[0]
    dot.set_x(100)
    second_draw = canvas.update()[0]
    results = [
        {"status": "continued", "console": [["media", list(first_draw)], ["stdout", "training\n\x1b[32m  0%|"]]},
        {"status": "continued", "console": [["stdout", "     |\r 50%|##   "], ["stdout", "|\r100%|#"]]},
        {"status": "continued", "console": [["stdout", "####|\n\x1b[0mdone"], ["media", list(second_draw)]]},
        {"status": "finished", "exitCode": 0, "console": [["stdout", "\n"], ["stderr", "warning: x\n"]]},
    ]
    session = BackendAISession("run")
    changes = [session.feed(result) for result in results]
    whole = BackendAISession("run")
    whole.feed({"status": "finished", "exitCode": 0, "console": [item for r in results for item in r["console"]]})
    assert str(session) == str(whole)
    assert '100%|#####|</span>' in str(session) and "50%" not in str(session)
    # The second call re-rendered the first stdout block in place, and the status.
    assert ids(changes[1]) == ["run-1", "run-status-0"]
    # The drawing update re-rendered the canvas's own element; the delta's element is a hidden marker.
    assert ids(changes[2]) == ["run-1", "run-0", "run-2", "run-status-0"]
    svg = base64.b64decode(re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', str(session))[0]).decode()
    assert "translate(100px, 40px)" in svg


def test_garbage_results_do_not_raise() -> None:
    for junk in (None, 3, "x", [], [None], {"result": "x"}, {"console": "nope"}, {"console": [["media", None]]}):
        render(junk, "backendai", "g")
