"""The render endpoint protocol without a framework: continuing, scoping, budgets, bodies."""

from __future__ import annotations

import io
import json
from typing import Any

from bai_media import Renderer
from bai_media.contrib.runs import Answer, Budget, RunService, parse_payload, read_body
from bai_media.store import MemoryStore


def service(**budget: float) -> RunService:
    return RunService(Renderer(), MemoryStore(), budget=Budget(**budget))  # type: ignore[arg-type]


def test_continue_answers_only_what_changed() -> None:
    runs = service()
    first = runs.answer({"media": [["stdout", "line one\n"]], "result_id": "run1"}, "alice")
    assert first.status == 200 and 'data-result-id="run1"' in first.body and 'id="run1-0"' in first.body
    second = runs.answer({"media": [["stdout", "line two\n"], ["text/plain", "x"]], "result_id": "run1", "continue": True}, "alice")
    assert second.status == 200 and 'class="bai-media"' not in second.body
    # The stream sends only its new part, for the runtime to append; new items come whole.
    assert 'id="run1-0" data-type="stdout" data-bai-append>' in second.body and ">line two\n</pre>" in second.body
    assert "line one" not in second.body and 'id="run1-1"' in second.body
    third = runs.answer({"media": [["stdout", "three\n"]], "result_id": "run1", "continue": True}, "alice")
    assert 'id="run1-0"' not in third.body and 'id="run1-2"' in third.body


def test_without_continue_a_result_starts_afresh() -> None:
    runs = service()
    runs.answer({"media": [["stdout", "old\n"]], "result_id": "r"}, "alice")
    runs.answer({"media": [["stdout", "new\n"]], "result_id": "r"}, "alice")
    again = runs.answer({"media": [["stdout", "more\n"]], "result_id": "r", "continue": True}, "alice")
    assert ">more\n</pre>" in again.body and "old" not in again.body
    assert 'id="r-0"' in again.body and 'id="r-1"' not in again.body  # it continued the new run's stream


def test_another_scope_cannot_continue_or_overwrite_a_run() -> None:
    runs = service()
    runs.answer({"media": [["stdout", "secret\n"]], "result_id": "r"}, "alice")
    stolen = runs.answer({"media": [["stdout", "x"]], "result_id": "r", "continue": True}, "mallory")
    assert stolen.status == 409 and "secret" not in stolen.body
    runs.answer({"media": [["stdout", "overwrite\n"]], "result_id": "r"}, "mallory")
    mine = runs.answer({"media": [["stdout", "mine\n"]], "result_id": "r", "continue": True}, "alice")
    assert ">mine\n</pre>" in mine.body and 'id="r-0"' in mine.body and "overwrite" not in mine.body


def test_without_a_session_nothing_is_saved_or_continued() -> None:
    runs = service()
    assert runs.answer({"media": [], "result_id": "r"}, None).status == 200
    assert runs.answer({"media": [], "result_id": "r", "continue": True}, None).status == 400
    assert len(runs.store._data) == 0  # type: ignore[attr-defined]


def test_over_budget_becomes_one_visible_notice() -> None:
    media = [["text/plain", "x" * 1000] for _ in range(50)]
    answer = service(output_bytes=5_000).answer({"media": media, "result_id": "r"}, "alice")
    assert answer.body.count("bai-media-error") == 1 and "more items not rendered" in answer.body
    assert answer.body.count("bai-media-stream-text") < 10
    slow = service(seconds=0).answer({"media": media, "result_id": "r"}, "alice")
    assert "50 more items not rendered" in slow.body and "0 s of rendering" in slow.body


def test_a_damaged_saved_state_asks_to_start_again() -> None:
    runs = service()
    runs.answer({"media": [], "result_id": "r"}, "alice")
    key = next(iter(runs.store._data))  # type: ignore[attr-defined]
    runs.store.set(key, json.dumps({"version": 0}).encode())
    assert runs.answer({"media": [], "result_id": "r", "continue": True}, "alice").status == 409


def test_bodies_and_payloads() -> None:
    def read(data: bytes) -> Any:
        return io.BytesIO(data).read

    assert isinstance(read_body("text/plain", 2, read(b"{}"), 10), Answer)
    assert read_body("application/json", 20, read(b"{}"), 10) == Answer(413, "body larger than 10 bytes\n")
    assert read_body("application/json", None, read(b"{}"), 10) == b"{}"  # chunked: no length, no 413
    assert read_body("application/json", None, read(b"[" * 11), 10) == Answer(413, "body larger than 10 bytes\n")
    assert parse_payload(b"[" * 100_000 + b"]" * 100_000) == Answer(400, "body is not valid JSON (or is nested too deeply)\n")
    assert isinstance(parse_payload(b'{"media": []}'), dict)


def test_concurrent_calls_on_one_run_lose_no_update(redis_url: str) -> None:
    import threading

    from bai_media import MediaResult
    from bai_media.store import RedisStore

    store = RedisStore(redis_url, prefix="runs-test:")
    runs = [RunService(Renderer(), store) for _ in range(3)]  # as three processes would
    runs[0].answer({"media": [["stdout", "start\n"]], "result_id": "r"}, "alice")

    def worker(n: int) -> None:
        for k in range(8):
            answer = runs[n % 3].answer({"media": [["stdout", f"line {n}-{k}\n"]], "result_id": "r", "continue": True}, "alice")
            assert answer.status == 200

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    key = next(k for k in store.client.scan_iter("runs-test:run:*"))
    saved = MediaResult.from_state(json.loads(store.client.get(key)))
    text = json.dumps(saved.to_state(html=False))
    assert all(f"line {n}-{k}" in text for n in range(6) for k in range(8))
    store.client.close()


def test_backendai_results_continue_a_run_and_replace_its_status() -> None:
    runs = service()
    first = runs.answer({"media": {"status": "continued", "console": [["stdout", "50%\r"]]}, "result_id": "b", "format": "backendai"}, "alice")
    assert 'class="bai-media-run"' in first.body and "bai-media-run-status" in first.body and 'id="b-0"' in first.body
    done = {"status": "finished", "exitCode": 0, "console": [["stdout", "100%\n"], ["stderr", "warn\n"]]}
    second = runs.answer({"media": done, "result_id": "b", "format": "backendai", "continue": True}, "alice")
    assert 'id="b-0" data-type="stdout" data-bai-append>' in second.body and ">100%\n</pre>" in second.body
    assert 'id="b-1"' in second.body and 'id="b-status-0"' in second.body and "50%" not in second.body
    # a media result of the same id is another result: it cannot continue the run
    assert runs.answer({"media": [], "result_id": "b", "continue": True}, "alice").status == 409
    assert runs.answer({"media": [], "result_id": "b", "format": "nope"}, "alice").status == 400


def test_main_runtime_stays_small() -> None:
    from bai_media.contrib.common import local_assets

    assert len(local_assets()[1]["js/main.min.js"]) <= 8 * 1024  # the runtime's budget, continuing included


def test_a_retried_call_gets_its_answer_again_instead_of_continuing_twice() -> None:
    runs = service()
    runs.answer({"media": [["stdout", "one "]], "result_id": "r", "seq": "p-1"}, "alice")
    call = {"media": [["stdout", "two\n"], ["text/plain", "new item"]], "result_id": "r", "continue": True, "seq": "p-2"}
    first = runs.answer(call, "alice")
    again = runs.answer(call, "alice")
    assert first.status == again.status == 200 and again.body == first.body and "new item" in first.body
    assert runs.answer(call, "mallory").status == 409  # another visitor's retry finds nothing of alice's
    after = runs.answer({"media": [["stdout", "three\n"]], "result_id": "r", "continue": True, "seq": "p-3"}, "alice").body
    assert 'id="r-2"' in after and "three" in after  # not r-3: the retried call added no second item
    whole = runs.answer({"media": [["stdout", "x"]], "result_id": "r", "continue": True, "seq": "p-3"}, "alice")
    assert whole.body == after  # replayed: "x" was not applied
    for bad in (3, "", "s" * 65, None):  # not a call name: applied as usual
        assert "x" in runs.answer({"media": [["stdout", "x"]], "result_id": "r", "continue": True, "seq": bad}, "alice").body
