"""unklearn events in both shapes."""

from __future__ import annotations

from bai_media.formats import UnklearnSession, detect, render


def test_spec_events_with_framing() -> None:
    events = [
        {"event": "cell_run_start", "data": {"cellId": "c1", "notebookId": "n", "status": "busy"}},
        {"event": "cell_result", "data": {"cellId": "c1", "notebookId": "n", "output": ["hello", "world"], "error": ["oops"]}},
        {"event": "cell_run_end", "data": {"cellId": "c1", "notebookId": "n", "status": "error"}},
    ]
    assert detect(events) == "unklearn"
    html = str(render(events, "unklearn", "u"))
    assert "hello\nworld\n" in html and "oops" in html and "bai-media-stream-stderr" in html
    assert "bai-media-status-error" in html and "running" not in html


def test_reference_runtime_variant_and_garbage() -> None:
    session = UnklearnSession("u")
    session.feed({"id": "a", "output": "1\n"})
    session.feed({"id": "a", "output": "2\n"})
    session.feed({"id": "b", "error": "Traceback\n"})
    session.feed(None)
    session.feed({"id": "a", "output": {"not": "text"}})
    html = session.__html__()
    assert "1\n2\n" in html and "Traceback" in html
    assert html.count('class="bai-media-error"') == 2 and "output must be text or a list of lines" in html


def test_saved_and_restored_at_any_event_renders_the_same() -> None:
    import json

    events = [{"id": "a", "output": "1\r"}, {"id": "b", "error": "Traceback\n"}, {"id": "a", "output": "2\n"},
              {"event": "cell_run_end", "data": {"cellId": "a", "status": "done"}}]
    whole = UnklearnSession("u")
    expected = [str(whole.feed(e)) for e in events]
    for split in range(len(events) + 1):
        first = UnklearnSession("u")
        for e in events[:split]:
            first.feed(e)
        restored = UnklearnSession.from_state(json.loads(json.dumps(first.to_state(html=False))))
        assert [str(restored.feed(e)) for e in events[split:]] == expected[split:]
