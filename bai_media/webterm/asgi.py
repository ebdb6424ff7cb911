"""The ASGI adapter (uvicorn, Starlette, Django's ASGI): a WebSocket endpoint for the bridge.

Mount :class:`WebtermEndpoint` as a Starlette ``WebSocketRoute("/webterm/{session_id}", ...)``,
or wrap any ASGI app (Django's ``get_asgi_application()``) with :func:`with_webterm`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from .backends.base import Backend
from .bridge import Bridge, Limits, PingMerger, Recorder
from .protocol import Close
from .security import Authorize, is_authorized, origin_allowed

log = logging.getLogger("bai_media.webterm")


class StarletteTransport:
    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket

    async def receive(self) -> str | bytes | None:
        if self.websocket.client_state == WebSocketState.DISCONNECTED:
            return None
        try:
            message = await self.websocket.receive()
        except (WebSocketDisconnect, RuntimeError):
            return None
        if message["type"] == "websocket.disconnect":
            return None
        text = message.get("text")
        return text if text is not None else message.get("bytes") or b""

    async def send(self, text: str) -> None:
        await self.websocket.send_text(text)

    async def close(self, code: int, reason: str) -> None:
        if self.websocket.client_state != WebSocketState.DISCONNECTED:
            await self.websocket.close(code, reason)


class WebtermEndpoint:
    """An ASGI app for one WebSocket route with a ``session_id`` path parameter."""

    def __init__(self, backend: Backend, authorize: Authorize, *, allowed_origins: Collection[str] | None = None,
                 limits: Limits | None = None, recorder: Callable[[str], Recorder | None] | None = None) -> None:
        if authorize is None:
            raise TypeError("authorize(request, session_id) is required: it decides who may open which session")
        self.backend = backend
        self.authorize = authorize
        self.allowed_origins = allowed_origins
        self.limits = limits or Limits()
        self.pings = PingMerger(self.limits.ping_interval)
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        session_id = str(scope.get("path_params", {}).get("session_id", ""))
        if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"), self.allowed_origins):
            await websocket.close(Close.FORBIDDEN)  # before accept: the handshake fails with 403
            return
        await websocket.accept()
        transport = StarletteTransport(websocket)
        bridge = Bridge(transport, self.backend, session_id, self.limits, self.pings)
        try:
            allowed = await is_authorized(self.authorize, websocket, session_id)
        except Exception:
            log.exception("authorize() failed")
            await bridge.fail(Close.BACKEND_ERROR, "authorization failed")
            return
        if not allowed:
            await bridge.fail(Close.FORBIDDEN, "not allowed to open this session")
            return
        bridge.recorder = self.recorder(session_id) if self.recorder else None
        await bridge.run()


def webterm_app(backend: Backend, authorize: Authorize, *, path: str = "/webterm/{session_id}", **options: Any) -> Starlette:
    """A Starlette app with only the terminal WebSocket route."""
    return Starlette(routes=[WebSocketRoute(path, WebtermEndpoint(backend, authorize, **options))])


def with_webterm(app: ASGIApp, backend: Backend, authorize: Authorize, *, path: str = "/webterm/{session_id}",
                 **options: Any) -> ASGIApp:
    """``app`` with the terminal socket beside it: WebSocket scopes go to the bridge, the rest to ``app``."""
    terminal = webterm_app(backend, authorize, path=path, **options)

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await terminal(scope, receive, send)
        else:
            await app(scope, receive, send)

    return dispatch
