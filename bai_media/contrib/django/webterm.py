"""Django Channels adapter for the web terminal: a consumer class configured with a backend and
the site's ``authorize(scope, session_id)``. Route it with a ``session_id`` URL kwarg::

    WebtermConsumer.configure(backend, authorize).as_asgi()

For Django's plain ASGI without Channels, route websocket scopes to
:func:`bai_media.webterm.asgi.webterm_app` instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from channels.generic.websocket import AsyncWebsocketConsumer

from ...webterm.backends.base import Backend
from ...webterm.bridge import Bridge, Limits, PingMerger
from ...webterm.protocol import Close
from ...webterm.security import Authorize, is_authorized, origin_allowed

QUEUE = 64


class _ConsumerTransport:
    """Channels pushes frames to the consumer; the bridge pulls them from a bounded queue."""

    def __init__(self, consumer: WebtermConsumer) -> None:
        self.consumer = consumer
        self.queue: asyncio.Queue[str | bytes | None] = asyncio.Queue(QUEUE)

    async def receive(self) -> str | bytes | None:
        return await self.queue.get()

    async def send(self, text: str) -> None:
        await self.consumer.send(text_data=text)

    async def close(self, code: int, reason: str) -> None:
        await self.consumer.close(code=code, reason=reason)


class WebtermConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    backend: Backend
    authorize: Authorize
    allowed_origins: Collection[str] | None = None
    limits: Limits = Limits()
    pings: PingMerger

    @classmethod
    def configure(cls, backend: Backend, authorize: Authorize, *, allowed_origins: Collection[str] | None = None,
                  limits: Limits | None = None) -> type[WebtermConsumer]:
        if authorize is None:
            raise TypeError("authorize(scope, session_id) is required: it decides who may open which session")
        limits = limits or Limits()
        return type("ConfiguredWebtermConsumer", (cls,), {
            "backend": backend, "authorize": staticmethod(authorize), "allowed_origins": allowed_origins,
            "limits": limits, "pings": PingMerger(limits.ping_interval),
        })

    async def connect(self) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in self.scope.get("headers", [])}
        if not origin_allowed(headers.get("origin"), headers.get("host"), self.allowed_origins):
            await self.close(code=Close.FORBIDDEN)  # before accept: the handshake fails with 403
            return
        await self.accept()
        session_id = str(self.scope.get("url_route", {}).get("kwargs", {}).get("session_id", ""))
        self.transport = _ConsumerTransport(self)
        self.bridge = Bridge(self.transport, self.backend, session_id, self.limits, self.pings)
        if not await is_authorized(self.authorize, self.scope, session_id):
            await self.bridge.fail(Close.FORBIDDEN, "not allowed to open this session")
            return
        self.task = asyncio.create_task(self.bridge.run())

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        transport = getattr(self, "transport", None)
        if transport is None:
            return
        try:
            transport.queue.put_nowait(text_data if text_data is not None else bytes_data or b"")
        except asyncio.QueueFull:
            await self.bridge.fail(Close.RATE_LIMITED, "too many messages")

    async def disconnect(self, code: int) -> None:
        transport = getattr(self, "transport", None)
        task = getattr(self, "task", None)
        if transport is not None and task is not None:
            while transport.queue.full():
                transport.queue.get_nowait()
            transport.queue.put_nowait(None)
            await task  # the bridge ends its terminal before the consumer goes
