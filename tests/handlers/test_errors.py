"""Jupyter error outputs."""

from __future__ import annotations

from bai_media import handle_all


def test_traceback_is_coloured_and_escaped() -> None:
    html = handle_all([("application/vnd.jupyter.error", {
        "ename": "ValueError", "evalue": "bad <value>",
        "traceback": ["\x1b[0;31mValueError\x1b[0m Traceback", "----> 1 f(<x>)"]})], "e")
    assert "<strong>ValueError</strong>: bad &lt;value&gt;" in html
    assert '<span class="bai-ansi-fg-1">ValueError</span> Traceback\n----&gt; 1 f(&lt;x&gt;)' in html


def test_malformed_error_outputs_are_visible_errors() -> None:
    html = handle_all([("application/vnd.jupyter.error", "not a dict"), ("application/vnd.jupyter.error", {"traceback": [1, None]})], "e")
    assert html.count("bai-media-error") == 1
    assert "<strong>Error</strong>" in html and "None" in html
