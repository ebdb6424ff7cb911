"""Chromium types into the page of ``bai-media terminal --backend local`` and reads xterm's rows."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .helpers import TerminalCli, marked_pids, rss_kib, terminal_cli

pytestmark = pytest.mark.browser

ROWS = ".xterm-rows"


@pytest.fixture
def cli() -> Iterator[TerminalCli]:
    with terminal_cli() as server:
        yield server


@pytest.fixture
def page(chromium: Any, cli: TerminalCli) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 900, "height": 500})
    page = context.new_page()
    page.goto(cli.url)
    page.wait_for_selector('.bai-webterm[data-state="connected"]', timeout=20000)
    page.click(".xterm")
    try:
        yield page
    finally:
        context.close()


def screen(page: Any) -> str:
    return str(page.inner_text(ROWS))


def wait_text(page: Any, pattern: str, timeout: float = 15) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    while True:
        match = re.search(pattern, screen(page))
        if match:
            return match
        if time.monotonic() > deadline:
            raise AssertionError(f"{pattern!r} not on screen:\n{screen(page)}")
        time.sleep(0.05)


def poll(page: Any, expression: str, timeout: float = 10) -> None:
    """Wait until ``expression`` is truthy in the page (polled from here: the page's CSP forbids
    the eval Playwright's wait_for_function would use)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false: {expression}")
        time.sleep(0.05)


def run(page: Any, command: str) -> None:
    page.keyboard.type(command)
    page.keyboard.press("Enter")


def test_typed_command_output_appears_in_xterm_rows(page: Any) -> None:
    run(page, "echo hello-$((6*7))")
    wait_text(page, r"hello-42")
    assert page.inner_text(".bai-webterm-state") == ""


def test_cjk_input_reaches_the_shell_and_comes_back(page: Any) -> None:
    page.keyboard.type("echo ")
    page.keyboard.insert_text("한글-漢字")
    page.keyboard.type(" | od -An -tx1 | tr -d ' \\n'; echo")
    page.keyboard.press("Enter")
    wait_text(page, "ed959ceab880" + "2d" + "e6bca2e5ad97")


def test_resize_reaches_the_pty(page: Any) -> None:
    run(page, "echo size=$(stty size)")
    first = wait_text(page, r"size=(\d+) (\d+)")
    rows = page.locator(f"{ROWS} > div").count()
    assert int(first.group(1)) == rows
    page.set_viewport_size({"width": 600, "height": 300})
    poll(page, f"document.querySelectorAll('{ROWS} > div').length < {rows}")
    run(page, "echo SIZE=$(stty size)")
    second = wait_text(page, r"SIZE=(\d+) (\d+)")
    assert int(second.group(1)) == page.locator(f"{ROWS} > div").count() < rows
    assert int(second.group(2)) < int(first.group(2))


def test_restart_starts_a_new_shell_and_ends_the_old(page: Any, cli: TerminalCli) -> None:
    run(page, "echo pid=$$")
    old = int(wait_text(page, r"pid=(\d+)").group(1))
    page.evaluate("BackendAI.Media.chunks.webterm.instances[0].restart()")
    deadline = time.monotonic() + 10
    while old in cli.shells() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert old not in cli.shells()
    page.click(".xterm")
    run(page, "echo pid=$$")
    new = int(wait_text(page, r"pid=(\d+)").group(1))
    assert new != old
    assert page.get_attribute(".bai-webterm", "data-state") == "connected"


def test_exit_ends_the_session_with_a_visible_state(page: Any) -> None:
    run(page, "exit")
    page.wait_for_selector('.bai-webterm[data-state="ended"]', timeout=10000)
    assert page.inner_text(".bai-webterm-state") == "Session ended"


def test_closing_the_page_ends_its_shell(chromium: Any, cli: TerminalCli) -> None:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(cli.url)
    page.wait_for_selector('.bai-webterm[data-state="connected"]', timeout=20000)
    deadline = time.monotonic() + 10
    while not cli.shells() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cli.shells()
    context.close()
    deadline = time.monotonic() + 10
    while cli.shells() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cli.shells() == []


def test_yes_neither_grows_server_memory_nor_freezes_the_page(page: Any, cli: TerminalCli) -> None:
    before = rss_kib(cli.proc.pid)
    run(page, "yes")
    wait_text(page, r"y\ny\ny")
    samples = []
    for _ in range(6):
        time.sleep(0.5)
        start = time.monotonic()
        page.evaluate("1 + 1")  # the page's main thread still answers
        samples.append(time.monotonic() - start)
        assert rss_kib(cli.proc.pid) - before < 40_000
    assert max(samples) < 2.0
    page.keyboard.press("Control+C")
    run(page, "clear; echo done-$((40+2))")
    wait_text(page, r"done-42", timeout=30)
    assert rss_kib(cli.proc.pid) - before < 40_000


def test_stopping_the_server_leaves_no_shell(chromium: Any) -> None:
    cli = TerminalCli("--command", "bash --norc --noprofile")
    try:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(cli.url)
        page.wait_for_selector('.bai-webterm[data-state="connected"]', timeout=20000)
        page.click(".xterm")
        # a job in a process group of its own, and one that ignores the hangup
        run(page, "sleep 1000 & nohup sleep 1001 >/dev/null 2>&1 & echo started")
        wait_text(page, "started\n")
        assert len(cli.shells()) >= 3
    finally:
        cli.stop()
    deadline = time.monotonic() + 10
    while marked_pids(cli.mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    leftovers = marked_pids(cli.mark)
    for pid in leftovers:  # a failure must not leak them
        os.kill(pid, signal.SIGKILL)
    context.close()
    assert leftovers == []


def test_copy_and_paste_through_the_clipboard(chromium: Any, cli: TerminalCli) -> None:
    context = chromium.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(cli.url)
        page.wait_for_selector('.bai-webterm[data-state="connected"]', timeout=20000)
        page.click(".xterm")
        page.evaluate("navigator.clipboard.writeText('echo pasted-$((5*5))')")
        page.keyboard.press("Control+Shift+V")
        page.keyboard.press("Enter")
        wait_text(page, r"pasted-25")
        page.evaluate("BackendAI.Media.chunks.webterm.instances[0].term.selectAll()")
        page.keyboard.press("Control+Shift+C")
        poll(page, "navigator.clipboard.readText().then(t => t.includes('pasted-25'))")
    finally:
        context.close()


def test_a_foreign_page_cannot_open_the_socket_even_with_the_token(load_page: Any, cli: TerminalCli) -> None:
    """Chromium sends the attacking page's Origin; the handshake fails and no shell starts."""
    attack = f"""<script>
    window.result = 'pending';
    var ws = new WebSocket({cli.ws_url()!r});
    ws.onopen = function () {{ window.result = 'open'; }};
    ws.onclose = function (e) {{ window.result = 'closed ' + e.code; }};
    </script>"""
    report = load_page.open(url="http://evil.test/", fulfill={"http://evil.test/": (attack, {})}, wait_ms=0)
    report.page.wait_for_function("window.result !== 'pending'", timeout=10000)
    assert report.page.evaluate("window.result") == "closed 1006"
    assert cli.shells() == []


def test_lost_server_shows_reconnecting(chromium: Any) -> None:
    cli = TerminalCli("--command", "bash --norc --noprofile")
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(cli.url)
        page.wait_for_selector('.bai-webterm[data-state="connected"]', timeout=20000)
        cli.stop()
        page.wait_for_selector('.bai-webterm[data-state="reconnecting"]', timeout=20000)
        assert page.inner_text(".bai-webterm-state").startswith("Reconnecting…")
    finally:
        context.close()
        cli.stop()


def test_a_recording_replays_in_the_chunk(page: Any) -> None:
    cast = "\n".join(json.dumps(x) for x in (
        {"version": 2, "width": 40, "height": 5}, [0.5, "o", "\x1b[32mfirst\x1b[0m\r\n"], [30.0, "i", "x"],
        [60.0, "o", "second\r\n"], "not json", [61.0, "o", "third"]))
    elapsed = page.evaluate("""cast => {
        const box = document.createElement('div');
        box.id = 'replay';
        document.body.appendChild(box);
        const started = Date.now();
        return BackendAI.Webterm.replay(box, cast, {speed: 4, maxIdle: 1}).done.then(() => Date.now() - started);
    }""", cast)
    assert 300 <= elapsed < 5000  # 2.5 s of capped gaps at 4x speed, not 61 s
    poll(page, "document.querySelector('#replay .xterm-rows').innerText.includes('third')")
    assert [line.strip() for line in page.inner_text("#replay .xterm-rows").split("\n")[:3]] == ["first", "second", "third"]
