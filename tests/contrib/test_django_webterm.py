"""The web terminal as a Django Channels consumer, under a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from . import test_django  # noqa: F401 - configures Django's settings for this test run

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed, InvalidStatus  # noqa: E402

from bai_media.contrib.django.webterm import WebtermConsumer  # noqa: E402
from bai_media.webterm.backends.local import LocalBackend  # noqa: E402
from bai_media.webterm.protocol import Close  # noqa: E402

from ..webterm.helpers import SHELL, read_until, run_async, serve_app, stdin  # noqa: E402


def owner(scope: dict[str, Any], session_id: str) -> bool:
    cookies = dict(h for h in scope["headers"] if h[0] == b"cookie")
    return cookies.get(b"cookie") == b"user=alice" and session_id == "alice-1"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    consumer = WebtermConsumer.configure(LocalBackend(SHELL.split()), owner)
    app = ProtocolTypeRouter({"websocket": URLRouter([re_path(r"^webterm/(?P<session_id>[^/]+)$", consumer.as_asgi())])})
    with serve_app(app) as netloc:
        yield netloc


def test_authorized_user_gets_a_terminal(site: str) -> None:
    async def go() -> bytes:
        async with connect(f"ws://{site}/webterm/alice-1", origin=f"http://{site}",
                           additional_headers={"Cookie": "user=alice"}) as ws:
            await ws.send(json.dumps({"sid": "alice-1", "type": "resize", "rows": 12, "cols": 45}))
            await ws.send(stdin("echo django-$(stty size)\n", sid="alice-1"))
            return await read_until(ws, b"django-12 45")

    assert b"django-12 45" in run_async(go())


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
        async with connect(f"ws://{site}/webterm/alice-1", origin="http://evil.example"):
            pass

    with pytest.raises(InvalidStatus) as info:
        run_async(go())
    assert info.value.response.status_code == 403


def test_authorize_is_required() -> None:
    with pytest.raises(TypeError, match="authorize"):
        WebtermConsumer.configure(LocalBackend(), None)  # type: ignore[arg-type]
