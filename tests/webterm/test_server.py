"""``bai-media terminal`` refuses what it must: no token, a wrong token, a foreign Origin or Host,
oversized frames, floods. A real CLI process on 127.0.0.1, real WebSocket clients."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bai_media.webterm.protocol import Close

from .helpers import TerminalCli, read_until, run_async, stdin, terminal_cli


@pytest.fixture(scope="module")
def cli() -> Iterator[TerminalCli]:
    with terminal_cli() as server:
        yield server


def status(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_last_line_is_the_loopback_url_with_a_token(cli: TerminalCli) -> None:
    assert cli.url.startswith("http://127.0.0.1:") and len(cli.token) >= 32
    assert cli.lines[-1] == cli.url


def test_page_needs_the_token(cli: TerminalCli) -> None:
    base = f"http://{cli.netloc}/"
    assert status(cli.url) == 200
    assert status(base) == 403
    assert status(base + "?token=wrong") == 403
    assert status(base + "?token=" + cli.token[:-1]) == 403


def test_page_refuses_a_foreign_host_header(cli: TerminalCli) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host."""
    assert status(cli.url, {"Host": "evil.example"}) == 400


def test_page_headers_forbid_framing_and_referrers(cli: TerminalCli) -> None:
    with urllib.request.urlopen(cli.url, timeout=10) as response:
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "no-referrer"


def close_code(cli: TerminalCli, url: str, origin: str | None, send: list[str | bytes] | None = None) -> tuple[int | None, list[dict]]:
    """Connect, send, and return the close code and every message received before it."""

    async def go() -> tuple[int | None, list[dict]]:
        received: list[dict] = []
        async with connect(url, origin=origin, max_size=None) as ws:  # type: ignore[arg-type]
            for frame in send or []:
                try:
                    await ws.send(frame)
                except ConnectionClosed:
                    break
            try:
                while True:
                    received.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
            except ConnectionClosed:
                pass
            return ws.close_code, received

    return run_async(go())


def test_socket_without_or_with_a_wrong_token_is_refused_before_any_shell(cli: TerminalCli) -> None:
    for token in ("", "wrong", cli.token.upper() if cli.token.upper() != cli.token else "x"):
        code, received = close_code(cli, cli.ws_url(token=token), cli.origin, [stdin("echo pwned\n")])
        assert code == Close.FORBIDDEN
        assert received == [{"type": "error", "reason": "not allowed to open this session"}]
    assert cli.shells() == []


def test_socket_from_a_foreign_origin_fails_the_handshake(cli: TerminalCli) -> None:
    for origin in ("http://evil.example", "null", f"https://{cli.netloc}", "http://127.0.0.1.evil.example"):
        with pytest.raises(InvalidStatus) as info:
            close_code(cli, cli.ws_url(), origin)
        assert info.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        close_code(cli, cli.ws_url(), None)


def test_other_session_names_are_refused(cli: TerminalCli) -> None:
    code, _ = close_code(cli, cli.ws_url(session="other"), cli.origin)
    assert code == Close.FORBIDDEN


def test_oversized_frames_close_the_socket(cli: TerminalCli) -> None:
    big = json.dumps({"sid": "terminal", "type": "stdin", "chars": "QUFB" * 30000})
    code, _ = close_code(cli, cli.ws_url(), cli.origin, [big])
    assert code == Close.TOO_BIG
    huge = "x" * (2 << 20)  # beyond the server's frame limit: never buffered whole
    code, _ = close_code(cli, cli.ws_url(), cli.origin, [huge])
    assert code == 1009


def test_malformed_messages_close_with_bad_message(cli: TerminalCli) -> None:
    for frame in ("not json", "[1]", json.dumps({"sid": "other", "type": "ping"}),
                  json.dumps({"sid": "terminal", "type": "stdin", "chars": "!!!"}),
                  json.dumps({"sid": "terminal", "type": "resize", "rows": -1, "cols": 80}),
                  json.dumps({"sid": "terminal", "type": "resize", "rows": True, "cols": 80}),
                  json.dumps({"sid": "terminal", "type": "exec"})):
        code, received = close_code(cli, cli.ws_url(), cli.origin, [frame])
        assert code == Close.BAD_MESSAGE, frame
        assert received[-1]["type"] == "error"


def test_binary_frames_are_accepted_like_text(cli: TerminalCli) -> None:
    async def go() -> bytes:
        async with connect(cli.ws_url(), origin=cli.origin) as ws:
            await ws.send(stdin("echo bin-$((2*21))\n").encode())
            return await read_until(ws, b"bin-42")

    assert b"bin-42" in run_async(go())


def test_restart_flood_is_cut_and_leaves_no_shell(cli: TerminalCli) -> None:
    restart = json.dumps({"sid": "terminal", "type": "restart"})
    started = time.monotonic()
    code, received = close_code(cli, cli.ws_url(), cli.origin, [restart] * 50)
    assert code == Close.RATE_LIMITED
    assert received[-1] == {"type": "error", "reason": "too many restarts"}
    assert time.monotonic() - started < 20
    deadline = time.monotonic() + 10
    while cli.shells() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cli.shells() == []


def test_message_flood_is_cut(cli: TerminalCli) -> None:
    ping = json.dumps({"sid": "terminal", "type": "ping"})
    code, received = close_code(cli, cli.ws_url(), cli.origin, [ping] * 2000)
    assert code == Close.RATE_LIMITED
    assert received[-1] == {"type": "error", "reason": "too many messages"}
