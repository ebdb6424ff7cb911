"""The test that matters: one Backend.AI run posted call by call, round-robin, to three gunicorn
processes of the Flask example sharing one real Redis, driven by the real runtime in Chromium."""

from __future__ import annotations

import http.client
import itertools
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bai_media import MediaResult
from bai_media.contrib.lanes import Lane
from bai_media.formats.backendai import BackendAISession
from bai_media.testing import free_port

from ..attacks import HTML_ATTACKS
from ..drawing_fixtures import media as drawing
from ..formats.test_session import PNG

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]

#: One run as the kernel produced it, one list per execute call: a `\r` progress line split
#: across calls, a canvas created and then updated by later calls, an image, stderr.
RUN: list[list[Any]] = [
    [["stdout", "Epoch 1/2 \x1b[32m10%"]],
    [["stdout", "\rEpoch 1/2 55%"]],
    [["stdout", "\rEpoch 1/2 100%\x1b[0m\n"],
     list(drawing([[1, "canvas", 200, 100, "#ffffffff", "#000000ff"], [1, "obj", 7, ["circle", 50, 50, 20, "#000000ff", "#ff0000ff", 0]]]))],
    [list(drawing([[1, "update", 7, "x", 150]])), ["stderr", "warning: \x1b[1mslow\x1b[0m\n"]],
    [["image/png", PNG], ["stdout", "Epoch 2/2 \x1b[3"]],
    [["stdout", "4m50%\r"], list(drawing([[1, "update", 7, "radius", 40], [1, "obj", 8, ["line", 0, 0, 200, 100, "#0000ffff"]]]))],
    [["stdout", "Epoch 2/2 100%\ndone\n"]],
]


class _Balancer(ThreadingHTTPServer):
    """A round-robin load balancer: each render call goes to the next backend, as a real one would."""

    daemon_threads = True

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.turn = itertools.cycle(range(len(backends)))
        self.served: list[int] = []
        self.lock = threading.Lock()
        self.lanes: Path | None = None
        self.lose: set[int] = set()  # numbers of render calls whose answers are lost on the way back
        self.calls = 0
        super().__init__(("127.0.0.1", 0), _Forward)


class _Forward(BaseHTTPRequestHandler):
    server: _Balancer

    def log_message(self, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            render = self.path.endswith("/render")
            index = next(self.server.turn) if render else 0
            self.server.served.append(index)
            self.server.calls += render
            lose = render and self.server.calls in self.server.lose
        conn = http.client.HTTPConnection("127.0.0.1", self.server.backends[index], timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        if lose:  # the backend did the work; the browser sees the connection drop
            self.close_connection = True
            return
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length", "keep-alive", "date", "server"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = _forward


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {log.read_text()[-800:]}") from None
            time.sleep(0.2)


@pytest.fixture(scope="module")
def three_apps(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Balancer]:
    """Three Flask example apps under gunicorn on their own ports, one Redis, one balancer in front."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    # TMPDIR: the apps' heavy-request slots live here, where a test can take them (one slot).
    env = {**os.environ, "FLASK_SECRET_KEY": '"shared-test-secret"', "FLASK_BAI_MEDIA_STATE_STORE": f'"{redis_url}"',
           "TMPDIR": str(tmp_path), "FLASK_BAI_MEDIA_HEAVY_SLOTS": "1"}
    procs, ports = [], []
    try:
        for n in range(3):
            port = free_port()
            log = tmp_path / f"gunicorn{n}.log"
            procs.append((subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--chdir",
                 str(ROOT / "examples" / "flask_app"), "app:create_app()"],
                stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=str(ROOT)), log))
            ports.append(port)
        for (proc, log), port in zip(procs, ports):
            _wait(f"http://127.0.0.1:{port}/", proc, log)
        balancer = _Balancer(ports)
        balancer.lanes = tmp_path / f"bai-media-lanes-{os.getuid()}"
        threading.Thread(target=balancer.serve_forever, daemon=True).start()
        yield balancer
        balancer.shutdown()
        balancer.server_close()
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def responses(run: list[list[Any]]) -> list[dict[str, Any]]:
    """The run as Backend.AI execute responses: console entries, `continued` until `finished`."""
    def entry(item: list[Any]) -> list[Any]:
        return [item[0], item[1]] if item[0] in ("stdout", "stderr") else ["media", item]

    return [{"status": "continued" if n < len(run) - 1 else "finished", "exitCode": 0 if n == len(run) - 1 else None,
             "console": [entry(item) for item in call]} for n, call in enumerate(run)]


SETTLE = """() => new Promise(resolve => setTimeout(resolve, 400))"""
ITEMS = """() => Array.from(document.querySelectorAll('#live > .bai-media-item')).map(e => e.outerHTML)"""


def ends_as_one_process_render(load_page: Any, url: str, live: Any, result_id: str) -> tuple[MediaResult, Any, list[str]]:
    """Assert the live page's items equal RUN rendered in one process and inserted at once."""
    whole = MediaResult(result_id)
    for call in RUN:
        whole.extend(call)
    reference = load_page.open(url=url, wait_ms=300)
    reference.page.evaluate("html => BackendAI.Media.insert(html, document.getElementById('live'))", str(whole))
    for page in (live, reference):
        page.page.evaluate(SETTLE)
    got, expected = live.page.evaluate(ITEMS), reference.page.evaluate(ITEMS)
    assert len(expected) == 8 and got == expected
    return whole, reference, got


def test_a_run_across_three_processes_ends_as_the_one_process_render(three_apps: _Balancer, load_page) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{three_apps.server_address[1]}/"
    live = load_page.open(url=url, wait_ms=300)
    for call in RUN:
        live.page.evaluate("media => BackendAI.Media.handle_all(media, 'run1', document.getElementById('live'))", call)
    assert sorted(set(three_apps.served[-len(RUN):])) == [0, 1, 2]  # every process continued the run

    whole, reference, got = ends_as_one_process_render(load_page, url, live, "run1")
    text = live.evaluate("document.getElementById('live').innerText")
    assert "Epoch 1/2 100%" in text and "55%" not in text and "warning: slow" in text and "done" in text
    assert "update of unknown object" not in text and "bai-media-error" not in "".join(got)
    assert live.page_errors == [] and live.console_errors == []

    # A second visitor sends the same result id: they can neither continue nor overwrite the run.
    other = load_page.open(url=url, wait_ms=300)
    status = other.page.evaluate("""() => fetch('/bai-media/render', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({media: [['stdout', 'stolen']], result_id: 'run1', 'continue': true})}).then(r => r.status)""")
    assert status == 409
    other.page.evaluate("BackendAI.Media.handle_all([['stdout', 'intruder\\n']], 'run1', document.getElementById('live'))")
    assert "intruder" in other.evaluate("document.getElementById('live').innerText")

    more = [["stdout", "after\n"], list(drawing([[1, "update", 7, "y", 80]]))]
    live.page.evaluate("media => BackendAI.Media.handle_all(media, 'run1', document.getElementById('live'))", more)
    whole.extend(more)
    reference.page.evaluate("html => BackendAI.Media.insert(html, document.getElementById('live'))", str(whole))
    for page in (live, reference):
        page.page.evaluate(SETTLE)
    got, expected = live.page.evaluate(ITEMS), reference.page.evaluate(ITEMS)
    assert got == expected and "intruder" not in "".join(got)


def test_attacks_split_across_continued_calls_stay_inert(three_apps: _Balancer, load_page) -> None:  # type: ignore[no-untyped-def]
    """Every HTML attack as stream text cut into three calls (so it meets the page only in
    appended parts), OSC 8 links cut mid-escape, and attacks as HTML items of continued calls."""
    url = f"http://127.0.0.1:{three_apps.server_address[1]}/"
    page = load_page.open(url=url, wait_ms=300)
    calls: list[list[Any]] = []
    for attack in HTML_ATTACKS[:40]:
        third = max(1, len(attack) // 3)
        calls += [[["stdout", attack[:third]]], [["stdout", attack[third:2 * third]]], [["stdout", attack[2 * third:] + "\r\n"]]]
    link = "\x1b]8;;javascript:__pwned(901)\x1b\\click\x1b]8;;\x1b\\ \x1b]8;;https://ok.example/\x1b\\fine\x1b]8;;\x1b\\\n"
    calls += [[["stdout", link[:5]]], [["stdout", link[5:20]]], [["stdout", link[20:]]]]
    calls += [[["text/html", attack]] for attack in HTML_ATTACKS[:40]]
    page.page.evaluate("""async calls => {
        for (const media of calls) await BackendAI.Media.handle_all(media, 'evil', document.getElementById('live'));
    }""", calls)
    page.page.evaluate(SETTLE)
    text = page.evaluate("document.getElementById('live').innerText")
    assert "<img src=x onerror=__pwned(2)>" in text and "fine" in text
    assert page.evaluate("document.querySelectorAll('#live a[href^=\"javascript\"]').length") == 0
    assert page.evaluate("window.__hits") == [] and page.dialogs == [] and page.blocked_requests == []
    assert page.page_errors == []


def test_backendai_responses_across_three_processes_end_as_the_one_process_session(three_apps: _Balancer, load_page) -> None:  # type: ignore[no-untyped-def]
    """The page passes each execute response itself; the status element is replaced each time."""
    url = f"http://127.0.0.1:{three_apps.server_address[1]}/"
    live = load_page.open(url=url, wait_ms=300)
    for response in responses(RUN):
        live.page.evaluate("r => BackendAI.Media.handle_all(r, 'bai1', document.getElementById('live'))", response)
    whole = BackendAISession("bai1")
    for response in responses(RUN):
        whole.feed(response)
    reference = load_page.open(url=url, wait_ms=300)
    reference.page.evaluate("html => BackendAI.Media.insert(html, document.getElementById('live'))", str(whole))
    for page in (live, reference):
        page.page.evaluate(SETTLE)
    everything = """() => Array.from(document.querySelectorAll('#live .bai-media-item')).map(e => e.outerHTML)"""
    got, expected = live.page.evaluate(everything), reference.page.evaluate(everything)
    assert len(expected) == 9 and got == expected  # eight items and one status, replaced in place
    assert live.evaluate("document.querySelectorAll('#live [id=\"bai1-status-0\"]').length") == 1
    assert live.page_errors == [] and live.console_errors == []


def test_a_heavy_call_waits_for_the_lane_and_renders_when_it_frees(three_apps: _Balancer, load_page) -> None:  # type: ignore[no-untyped-def]
    """While every heavy slot of the machine is taken, a large call is told to retry (503) and the
    runtime retries it; small calls render meanwhile; once a slot frees, the large one renders."""
    assert three_apps.lanes is not None
    lane = Lane(slots=1, directory=three_apps.lanes)
    inside, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=lane.run, args=(lambda: (inside.set(), release.wait(60)),))
    holder.start()
    assert inside.wait(10)
    page = load_page.open(url=f"http://127.0.0.1:{three_apps.server_address[1]}/", wait_ms=300)
    try:
        page.page.evaluate("""big => { window.__big = BackendAI.Media.handle_all([['text/markdown', big]], 'big',
                                                                              document.getElementById('live')); }""",
                           ("A *large* document. " * 5 + "\n\n") * 700)
        page.page.evaluate("() => BackendAI.Media.handle_all([['stdout', 'small call\\n']], 'small', document.getElementById('live'))")
        page.page.evaluate("() => new Promise(resolve => setTimeout(resolve, 1500))")
        text = page.evaluate("document.getElementById('live').innerText")
        assert "small call" in text and "large" not in text  # the large call is waiting, not lost
    finally:
        release.set()
        holder.join()
    page.page.evaluate("() => window.__big")
    assert page.evaluate("document.getElementById('live').innerText").count("A large document.") == 3_500
    assert page.page_errors == []


def test_lost_answers_are_asked_again_and_never_applied_twice(three_apps: _Balancer, load_page) -> None:  # type: ignore[no-untyped-def]
    """The balancer drops answers after the backend applied the call (a continued stream, a
    canvas update, an image): the runtime retries the same call and gets the same answer."""
    url = f"http://127.0.0.1:{three_apps.server_address[1]}/"
    live = load_page.open(url=url, wait_ms=300)
    with three_apps.lock:
        three_apps.lose = {three_apps.calls + n for n in (2, 4, 5)}
    for call in RUN:
        live.page.evaluate("media => BackendAI.Media.handle_all(media, 'lossy', document.getElementById('live'))", call)
    with three_apps.lock:
        three_apps.lose = set()
    ends_as_one_process_render(load_page, url, live, "lossy")
    assert live.page_errors == []
