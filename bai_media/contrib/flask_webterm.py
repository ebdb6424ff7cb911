"""Flask adapter for the web terminal, through flask-sock (one thread per connection)::

    sock = Sock(app)
    add_webterm(app, sock, backend, authorize)   # WebSocket at /webterm/<session_id>

``authorize(request, session_id)`` gets Flask's ``request`` (the user's session and cookies).
The Origin check runs before the handshake; the bridge runs in an event loop of its own thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from functools import wraps
from typing import Any

from flask import Flask, abort, request

from ..webterm.backends.base import Backend
from ..webterm.bridge import Bridge, Limits, PingMerger
from ..webterm.protocol import Close
from ..webterm.security import Authorize, is_authorized, origin_allowed


class _SimpleWebsocketTransport:
    """simple-websocket's blocking calls, run in worker threads so the bridge's loop stays free."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._send_lock = asyncio.Lock()

    async def receive(self) -> str | bytes | None:
        from simple_websocket import ConnectionClosed

        try:
            return await asyncio.to_thread(self.ws.receive)
        except ConnectionClosed:
            return None

    async def send(self, text: str) -> None:
        async with self._send_lock:
            await asyncio.to_thread(self.ws.send, text)

    async def close(self, code: int, reason: str) -> None:
        async with self._send_lock:
            await asyncio.to_thread(self.ws.close, code, reason)


def add_webterm(app: Flask, sock: Any, backend: Backend, authorize: Authorize, *, path: str = "/webterm/<session_id>",
                endpoint: str = "bai_media_webterm", allowed_origins: Collection[str] | None = None,
                limits: Limits | None = None) -> None:
    if authorize is None:
        raise TypeError("authorize(request, session_id) is required: it decides who may open which session")
    limits = limits or Limits()
    pings = PingMerger(limits.ping_interval)

    def webterm(ws: Any, session_id: str) -> None:
        async def run() -> None:
            bridge = Bridge(_SimpleWebsocketTransport(ws), backend, session_id, limits, pings)
            if not await is_authorized(authorize, request, session_id):
                await bridge.fail(Close.FORBIDDEN, "not allowed to open this session")
                return
            await bridge.run()

        asyncio.run(run())

    webterm.__name__ = endpoint
    sock.route(path, endpoint=endpoint)(webterm)
    view = app.view_functions[endpoint]

    @wraps(view)
    def checked(**kwargs: Any) -> Any:
        if not origin_allowed(request.headers.get("Origin"), request.host, allowed_origins):
            abort(403)  # before the handshake
        return view(**kwargs)

    app.view_functions[endpoint] = checked
