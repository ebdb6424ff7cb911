"""Terminal recordings (asciicast v2) as static HTML through the terminal model."""

from __future__ import annotations

import json
from pathlib import Path

from bai_media import handle_all
from bai_media.webterm.recording import AsciicastRecorder

from ..html_checks import active_content

CAST = "application/x-asciicast"


def cast(*events: object, **header: object) -> str:
    head = {"version": 2, "width": 80, "height": 24, **header}
    return "\n".join(json.dumps(x) for x in (head, *events)) + "\n"


def test_output_is_coloured_escaped_and_collapsed_like_a_terminal() -> None:
    data = cast([0.1, "o", "$ ls\r\n"], [0.2, "i", "ignored input"], [0.5, "o", "\x1b[31m<b>red</b>\x1b[0m\r\n"],
                [1.0, "o", "10%\r50%\r100%\r\n"], [1.25, "r", "100x30"], title="demo <run>")
    html = handle_all([(CAST, data)], "c")
    assert '<span class="bai-ansi-fg-1">&lt;b&gt;red&lt;/b&gt;</span>' in html
    assert "100%" in html and "50%" not in html and "ignored input" not in html
    assert "demo &lt;run&gt; · terminal recording, 80×24, 1.2 s, 5 events" in html
    assert active_content(str(html)) == []


def test_malformed_events_are_skipped_with_a_notice() -> None:
    data = cast([0.1, "o", "a\n"], ["x", "o", "b"], [0.2, "o"], "{not json", [0.3, "o", "c\n"], [0.4, "o", "\u2028\x1c d\n"])
    html = handle_all([(CAST, data)], "c")
    assert "3 malformed events skipped" in html and "a\nc\n" in html


def test_bad_headers_are_visible_errors_and_other_items_render() -> None:
    for bad in ("", "not json\n", json.dumps({"version": 1, "width": 80, "height": 24}),
                json.dumps({"version": 2, "width": 10**9, "height": 24}), json.dumps([2])):
        html = handle_all([(CAST, bad), ("stdout", "still here")], "c")
        assert "bai-media-error" in html and "still here" in html


def test_huge_output_is_cut_visibly() -> None:
    data = cast(*([i / 10, "o", "x" * 1000 + "\n"] for i in range(2000)))
    html = handle_all([(CAST, data)], "c")
    assert "characters not shown" in html or "bai-media-truncated" in html


def test_a_recording_of_the_bridge_renders(tmp_path: Path) -> None:
    path = tmp_path / "s.cast"
    recorder = AsciicastRecorder(path, title="t")
    recorder.output("héllo ".encode()[:2])  # a character split across two reads
    recorder.output("héllo ".encode()[2:] + b"\x1b[32mworld\x1b[0m\r\n")
    recorder.resize(30, 100)
    recorder.close()
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["version"] == 2
    assert [e[1] for e in map(json.loads, lines[1:])] == ["o", "o", "r"]
    html = handle_all([(CAST, path.read_text())], "c")
    assert 'héllo <span class="bai-ansi-fg-2">world</span>' in html
