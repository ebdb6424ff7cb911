"""The ASGI endpoint in a site's own Starlette app: ``authorize`` decides per user and session."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route, WebSocketRoute
from websockets.asyncio.client import connect

from bai_media.assets.build import compile_assets
from bai_media.assets.contenttypes import content_type
from bai_media.webterm.asgi import WebtermEndpoint, webterm_app
from bai_media.webterm.backends.local import LocalBackend
from bai_media.webterm.protocol import Close

from .helpers import SHELL, read_until, run_async, serve_app, stdin

OWNERS = {"alice-1": "alice"}
PAGE = """<!DOCTYPE html><html><head><link rel="stylesheet" href="/assets/css/bai-media.min.css">
<script src="/assets/js/main.min.js" defer data-asset-root="/assets"></script></head>
<body><div data-bai-webterm="alice-1" data-url="/webterm/alice-1" data-theme="dark" style="height:300px"></div></body></html>"""


def owner_only(websocket: Any, session_id: str) -> bool:
    return OWNERS.get(session_id) is not None and websocket.cookies.get("user") == OWNERS[session_id]


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, LocalBackend]]:
    assets = compile_assets()
    backend = LocalBackend(SHELL.split())

    async def page(request: Request) -> Response:
        return HTMLResponse(PAGE)

    async def asset(request: Request) -> Response:
        name = request.path_params["path"]
        return Response(assets[name], media_type=content_type(name)[0]) if name in assets else Response(status_code=404)

    app = Starlette(routes=[Route("/", page), Route("/assets/{path:path}", asset),
                            WebSocketRoute("/webterm/{session_id}", WebtermEndpoint(backend, owner_only))])
    with serve_app(app) as netloc:
        yield netloc, backend
    run_async(backend.close_all())


@pytest.mark.browser
def test_a_second_browser_is_refused_a_session_authorize_denies(chromium: Any, site: tuple[str, LocalBackend]) -> None:
    netloc, backend = site
    alice = chromium.new_context()
    alice.add_cookies([{"name": "user", "value": "alice", "url": f"http://{netloc}/"}])
    bob = chromium.new_context()
    bob.add_cookies([{"name": "user", "value": "bob", "url": f"http://{netloc}/"}])
    try:
        page = alice.new_page()
        page.goto(f"http://{netloc}/")
        page.wait_for_selector('.bai-webterm-dark[data-state="connected"]', timeout=20000)
        deadline = time.monotonic() + 10  # the terminal opens just after the socket does
        while not backend.channels and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(backend.channels) == 1
        other = bob.new_page()
        other.goto(f"http://{netloc}/")
        other.wait_for_selector('.bai-webterm[data-state="error"]', timeout=20000)
        assert other.inner_text(".bai-webterm-state") == "Error: not allowed to open this session"
        assert len(backend.channels) == 1  # bob's attempt never started a terminal
    finally:
        alice.close()
        bob.close()


def test_authorize_is_required() -> None:
    with pytest.raises(TypeError, match="authorize"):
        webterm_app(LocalBackend(), None)  # type: ignore[arg-type]


def test_async_authorize_and_allowed_origins() -> None:
    async def allow(websocket: Any, session_id: str) -> bool:
        await asyncio.sleep(0)
        return session_id == "s1"

    app = webterm_app(LocalBackend(SHELL.split()), allow, allowed_origins=["https://site.example"])
    with serve_app(app) as netloc:
        async def go(origin: str, session: str) -> int | None:
            async with connect(f"ws://{netloc}/webterm/{session}", origin=origin) as ws:  # type: ignore[arg-type]
                if session == "s1":
                    await ws.send(stdin("echo ok-$((1+1))\n", sid="s1"))
                    await read_until(ws, b"ok-2")
                    await ws.close()
                    return ws.close_code
                while True:
                    json.loads(await ws.recv())

        assert run_async(go("https://site.example", "s1")) == 1000
        with pytest.raises(Exception) as info:
            run_async(go("https://site.example", "s2"))
        assert getattr(info.value, "rcvd", None) and info.value.rcvd.code == Close.FORBIDDEN  # type: ignore[attr-defined]
        with pytest.raises(Exception, match="403"):
            run_async(go(f"http://{netloc}", "s1"))  # same host, but not in the allowed list


def test_with_webterm_beside_djangos_asgi_app() -> None:
    """Django without Channels: its ASGI app keeps serving HTTP, the bridge takes the sockets."""
    from ..contrib import test_django  # noqa: F401 - configures Django's settings for this test run
    from django.core.asgi import get_asgi_application

    from bai_media.webterm.asgi import with_webterm

    app = with_webterm(get_asgi_application(), LocalBackend(SHELL.split()), lambda request, session_id: session_id == "dj")
    with serve_app(app) as netloc:
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"http://{netloc}/nowhere", timeout=10)
        assert "The requested resource was not found on this server." in info.value.read().decode()  # Django's 404

        async def go() -> bytes:
            async with connect(f"ws://{netloc}/webterm/dj", origin=f"http://{netloc}") as ws:
                await ws.send(stdin("echo dj-$((3*3))\n", sid="dj"))
                return await read_until(ws, b"dj-9")

        assert b"dj-9" in run_async(go())
