"""The web terminal in a real Flask app (flask-sock on werkzeug's threaded server, 127.0.0.1)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask_sock import Sock
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from werkzeug.serving import make_server

from bai_media.contrib.flask_webterm import add_webterm
from bai_media.webterm.backends.local import LocalBackend
from bai_media.webterm.protocol import Close

from ..webterm.helpers import SHELL, read_until, run_async, stdin


def owner(request: Any, session_id: str) -> bool:
    return request.cookies.get("user") == "alice" and session_id == "alice-1"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    app = Flask(__name__)
    add_webterm(app, Sock(app), LocalBackend(SHELL.split()), owner)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def test_authorized_user_gets_a_terminal(site: str) -> None:
    async def go() -> bytes:
        async with connect(f"ws://{site}/webterm/alice-1", origin=f"http://{site}",
                           additional_headers={"Cookie": "user=alice"}) as ws:
            await ws.send(json.dumps({"sid": "alice-1", "type": "resize", "rows": 11, "cols": 44}))
            await ws.send(stdin("echo flask-$(stty size)\n", sid="alice-1"))
            return await read_until(ws, b"flask-11 44")

    assert b"flask-11 44" in run_async(go())


def test_other_user_is_refused_with_4403(site: str) -> None:
    async def go() -> tuple[int | None, list[Any]]:
        received = []
        async with connect(f"ws://{site}/webterm/alice-1", origin=f"http://{site}",
                           additional_headers={"Cookie": "user=bob"}) as ws:
            with contextlib.suppress(ConnectionClosed):
                async for frame in ws:
                    received.append(json.loads(frame))
        return ws.close_code, received

    code, received = run_async(go())
    assert code == Close.FORBIDDEN and received == [{"type": "error", "reason": "not allowed to open this session"}]


def test_foreign_origin_fails_the_handshake(site: str) -> None:
    async def go() -> None:
        async with connect(f"ws://{site}/webterm/alice-1", origin="http://evil.example",
                           additional_headers={"Cookie": "user=alice"}):
            pass

    with pytest.raises(InvalidStatus) as info:
        run_async(go())
    assert info.value.response.status_code == 403


def test_authorize_is_required() -> None:
    app = Flask(__name__)
    with pytest.raises(TypeError, match="authorize"):
        add_webterm(app, Sock(app), LocalBackend(), None)  # type: ignore[arg-type]
