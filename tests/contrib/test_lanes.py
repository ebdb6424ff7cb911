"""Heavy requests take a slot per machine (threads and processes alike), run at lower priority,
and are refused at once, never queued, when every slot is taken."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from bai_media import Renderer
from bai_media.contrib.lanes import Lane, cheap_bytes
from bai_media.contrib.runs import RunService
from bai_media.store import MemoryStore

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="


def test_raster_images_are_cheap_and_everything_else_counts() -> None:
    assert cheap_bytes([["image/png", PNG], ["text/markdown", "x" * 50], {"type": "image/jpeg", "data": "abcd"},
                        ["application/x", {"image/gif": "12345", "text/plain": "zz"}], ["image/svg+xml", "<svg/>"]]) == len(PNG) + 4 + 5
    assert cheap_bytes({"result": {"console": [["media", ["image/png", PNG]], ["stdout", "x"]]}}) == 0  # media entries are nested
    assert cheap_bytes({"console": [["image/png", PNG]]}) == len(PNG)
    assert cheap_bytes("not a list") == 0 and cheap_bytes([1, None, ["only-one"]]) == 0
    lane = Lane(threshold=100)
    assert lane.heavy(101, [["text/markdown", "x" * 101]])
    assert not lane.heavy(100, [["text/markdown", "x" * 100]])
    assert not lane.heavy(90 + len(PNG), [["image/png", PNG], ["stdout", "x" * 60]])  # the image is not work
    assert lane.heavy(90 + len(PNG), [["text/plain", PNG], ["stdout", "x" * 60]])
    assert not Lane(threshold=None).heavy(10**9, [])


def test_one_slot_is_shared_by_threads_and_refuses_without_waiting(tmp_path: Path) -> None:
    lane = Lane(slots=1, directory=tmp_path)
    inside, release = threading.Event(), threading.Event()
    held = threading.Thread(target=lane.run, args=(lambda: (inside.set(), release.wait(10)),))
    held.start()
    assert inside.wait(10)
    assert lane.run(lambda: "second") is None  # refused at once
    release.set()
    held.join()
    assert lane.run(lambda: "third") == "third"


def _take_in_child(directory: str, answers: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    answers.put(Lane(slots=1, directory=directory).run(lambda: "child"))


def _hold_in_child(lane: Lane, answers: multiprocessing.Queue, release: Any) -> None:  # type: ignore[type-arg]
    lane.run(lambda: (answers.put("holding"), release.wait(30)))


@pytest.mark.skipif(sys.platform == "win32", reason="flock: slots are per process on Windows")
def test_a_slot_held_in_one_process_is_taken_for_every_process(tmp_path: Path) -> None:
    lane = Lane(slots=1, directory=tmp_path)
    assert lane.run(lambda: "opened") == "opened"  # the lane's files are open before the fork below
    inside, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=lane.run, args=(lambda: (inside.set(), release.wait(30)),))
    holder.start()
    assert inside.wait(10)
    try:
        assert _in_child("spawn", _take_in_child, str(tmp_path)) is None
    finally:
        release.set()
        holder.join()
    assert _in_child("spawn", _take_in_child, str(tmp_path)) == "child"

    # A forked worker (gunicorn's model) inherits the open files: it must lock its own, or the
    # parent and the child would share one lock and both get the slot.
    context = multiprocessing.get_context("fork")
    answers, release_child = context.Queue(), context.Event()
    child = context.Process(target=_hold_in_child, args=(lane, answers, release_child))
    child.start()
    try:
        assert answers.get(timeout=60) == "holding"
        assert lane.run(lambda: "parent") is None
    finally:
        release_child.set()
        child.join(30)
    assert lane.run(lambda: "parent") == "parent"


def _in_child(context_name: str, target: object, arg: object) -> object:
    context = multiprocessing.get_context(context_name)
    answers = context.Queue()
    child = context.Process(target=target, args=(arg, answers))
    child.start()
    try:
        return answers.get(timeout=60)
    finally:
        child.join(10)


@pytest.mark.skipif(sys.platform != "linux", reason="a per-thread nice value is Linux's")
def test_heavy_work_runs_at_lower_priority_and_the_caller_keeps_its_own(tmp_path: Path) -> None:
    lane = Lane(slots=1, directory=tmp_path)
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    theirs = lane.run(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert theirs is not None and theirs > mine
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine


def test_an_unsafe_slot_directory_falls_back_to_per_process_slots(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)  # someone else's planted link must not be followed
    lane = Lane(slots=1, directory=link)
    assert lane.run(lambda: 42) == 42
    assert list(real.iterdir()) == [] and "per process" in caplog.text


def test_the_service_answers_503_with_retry_after_when_the_lane_is_full(tmp_path: Path) -> None:
    lane = Lane(threshold=1_000, slots=1, directory=tmp_path)
    runs = RunService(Renderer(), MemoryStore(), lane=lane)
    big = json.dumps({"media": [["text/markdown", "*big* " * 400]], "result_id": "r"}).encode()
    small = json.dumps({"media": [["stdout", "small\n"]], "result_id": "s"}).encode()
    inside, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=lane.run, args=(lambda: (inside.set(), release.wait(10)),))
    holder.start()
    assert inside.wait(10)
    refused = runs.respond(big, "alice")
    assert refused.status == 503 and refused.headers == {"Retry-After": "1"} and "try again" in refused.body
    assert runs.respond(small, "alice").status == 200  # small requests never wait for a slot
    release.set()
    holder.join()
    answer = runs.respond(big, "alice")
    assert answer.status == 200 and "<em>big</em>" in answer.body and answer.headers == {}
    assert runs.respond(b"[", "alice").status == 400
