"""interactive-widgets frames: base64 byte chunks, split characters, lifecycle, monitors."""

from __future__ import annotations

import base64
import json

from bai_media.formats import WidgetsSession, detect, render


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_utf8_split_across_frames_decodes_whole() -> None:
    text = "héllo 한국어 ✓\n".encode()
    cut = text.index("한".encode()) + 1  # in the middle of a three-byte character
    frames = [{"executor": "term", "message": {"type": "started"}},
              {"executor": "term", "message": {"type": "output", "stdout": b64(text[:cut])}},
              {"executor": "term", "message": {"type": "output", "stdout": b64(text[cut:])}},
              {"executor": "term", "message": {"type": "finished"}}]
    assert detect(frames) == "widgets"
    html = str(render(frames, "widgets", "w"))
    assert "héllo 한국어 ✓" in html and "\ufffd" not in html and "finished" in html


def test_stderr_errored_and_monitors() -> None:
    monitor = json.dumps({"contents": b64(b"file <body>\n")}) + "\n"
    session = WidgetsSession("w")
    session.feed({"executor": "mon", "message": {"type": "output", "stdout": b64(monitor.encode())}})
    session.feed({"executor": "run", "message": {"type": "output", "stderr": b64(b"warn\n")}})
    session.feed({"executor": "run", "message": {"type": "errored", "message": b64(b"exit 1")}})
    session.feed({"executor": "run", "message": {"type": "output", "stdout": "%%%not base64"}})
    session.feed("junk")
    html = session.__html__()
    assert "file &lt;body&gt;" in html and '{"contents"' not in html
    assert "warn" in html and "exit 1" in html and "bai-media-status-error" in html
    assert html.count('class="bai-media-error"') == 2


def test_saved_and_restored_at_any_frame_renders_the_same() -> None:
    import json

    from bai_media.formats.widgets import WidgetsSession

    text = "héllo wörld 🙂\nprogress 50%\rprogress 100%\n".encode()
    frames = [{"executor": "run", "message": {"type": "started"}}]
    frames += [{"executor": "run", "message": {"type": "output", "stdout": b64(text[i:i + 5])}} for i in range(0, len(text), 5)]
    frames += [{"executor": "run", "message": {"type": "finished"}}]
    whole = WidgetsSession("w")
    expected = [str(whole.feed(f)) for f in frames]
    for split in range(len(frames) + 1):
        first = WidgetsSession("w")
        for f in frames[:split]:
            first.feed(f)
        restored = WidgetsSession.from_state(json.loads(json.dumps(first.to_state(html=False))))
        assert [str(restored.feed(f)) for f in frames[split:]] == expected[split:]
