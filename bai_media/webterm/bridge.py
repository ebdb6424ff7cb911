"""One browser connection bridged to one terminal: the protocol core every adapter shares.

Adapters (ASGI, Channels, flask-sock) only authorize, check ``Origin`` and wrap their socket as a
:class:`Transport`; this module validates each message, applies the caps in :class:`Limits`,
merges pings, paces and coalesces output, and closes with the codes of :class:`~.protocol.Close`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from . import protocol
from .backends.base import Backend, BackendError, Channel
from .buffer import TokenBucket
from .protocol import Close, ProtocolError

log = logging.getLogger("bai_media.webterm")


@dataclass(frozen=True)
class Limits:
    """Caps for one connection. Defaults allow fast typing and large pastes, not floods."""

    max_message: int = 64 * 1024
    max_stdin: int = 16 * 1024
    messages_per_second: float = 200
    message_burst: float = 400
    restarts_per_minute: float = 6
    restart_burst: float = 3
    output_per_second: int = 2 * 1024 * 1024
    output_burst: int = 256 * 1024
    ping_interval: float = 5.0
    open_timeout: float = 20.0


class Transport(Protocol):
    """A browser's WebSocket as an adapter sees it. ``receive`` returns ``None`` once closed."""

    async def receive(self) -> str | bytes | None: ...
    async def send(self, text: str) -> None: ...
    async def close(self, code: int, reason: str) -> None: ...


class Recorder(Protocol):
    def output(self, data: bytes) -> None: ...
    def resize(self, rows: int, cols: int) -> None: ...
    def close(self) -> None: ...


class PingMerger:
    """Forward at most one ping per session and interval, however many browsers watch it."""

    def __init__(self, interval: float = 5.0, max_sessions: int = 10000) -> None:
        self.interval = interval * 0.9  # a little early, so one browser's 5 s pings all pass
        self.max_sessions = max_sessions
        self._last: OrderedDict[str, float] = OrderedDict()

    def due(self, session_id: str) -> bool:
        now = time.monotonic()
        last = self._last.get(session_id)
        if last is not None and now - last < self.interval:
            return False
        self._last[session_id] = now
        self._last.move_to_end(session_id)
        while len(self._last) > self.max_sessions:
            self._last.popitem(last=False)
        return True


class Bridge:
    def __init__(self, transport: Transport, backend: Backend, session_id: str, limits: Limits | None = None,
                 pings: PingMerger | None = None, recorder: Recorder | None = None) -> None:
        self.transport = transport
        self.backend = backend
        self.session_id = session_id
        self.limits = limits or Limits()
        self.pings = pings or PingMerger(self.limits.ping_interval)
        self.recorder = recorder
        self._closed = False
        self._messages = TokenBucket(self.limits.messages_per_second, self.limits.message_burst)
        self._restarts = TokenBucket(self.limits.restarts_per_minute / 60, self.limits.restart_burst)
        self._output = TokenBucket(self.limits.output_per_second, self.limits.output_burst)

    async def close(self, code: int, reason: str) -> None:
        if not self._closed:
            self._closed = True
            with contextlib.suppress(Exception):
                await self.transport.close(code, reason)

    async def fail(self, code: int, reason: str) -> None:
        """Tell the page why (it shows the reason) and close with a 4xxx code."""
        if not self._closed:
            with contextlib.suppress(Exception):
                await self.transport.send(protocol.error(reason))
        await self.close(code, reason)

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            if self.recorder:
                self.recorder.close()

    async def _run(self) -> None:
        if not protocol.valid_session_id(self.session_id):
            await self.fail(Close.NOT_FOUND, "invalid session id")
            return
        try:
            channel = await asyncio.wait_for(self.backend.open(self.session_id, 24, 80), self.limits.open_timeout)
        except TimeoutError:
            await self.fail(Close.BACKEND_UNAVAILABLE, "the terminal did not open in time")
            return
        except BackendError as exc:
            await self.fail(Close.BACKEND_UNAVAILABLE, str(exc))
            return
        pump = asyncio.create_task(self._pump(channel))
        try:
            await self._receive(channel)
        finally:
            pump.cancel()
            with contextlib.suppress(BaseException):
                await pump
            # Shielded: a cancelled connection must still end its terminal.
            await asyncio.shield(self._close_channel(channel))

    async def _close_channel(self, channel: Channel) -> None:
        try:
            await channel.close()
        except Exception:
            log.exception("closing a terminal failed")

    async def _pump(self, channel: Channel) -> None:
        """Terminal → browser, paced: a flood of output cannot outrun the page or our memory."""
        try:
            while data := await channel.read():
                await self._output.wait(len(data))
                if self.recorder:
                    self.recorder.output(data)
                await self.transport.send(protocol.out(data))
        except BackendError as exc:
            await self.fail(Close.BACKEND_ERROR, str(exc))
            return
        except Exception:  # most often the browser went away while we were sending
            if not self._closed:
                log.debug("terminal output failed", exc_info=True)
                await self.fail(Close.BACKEND_ERROR, "terminal output failed")
            return
        await self.close(Close.ENDED, "the session ended")

    async def _receive(self, channel: Channel) -> None:
        """Browser → terminal, one validated message at a time."""
        limits = self.limits
        while not self._closed:
            frame = await self.transport.receive()
            if frame is None:
                return
            try:
                if not self._messages.take():
                    raise ProtocolError(Close.RATE_LIMITED, "too many messages")
                message = protocol.parse_client(frame, self.session_id, limits.max_message, limits.max_stdin)
                if message.type == "stdin":
                    await channel.write(message.data)
                elif message.type == "resize":
                    await channel.resize(message.rows, message.cols)
                    if self.recorder:
                        self.recorder.resize(message.rows, message.cols)
                elif message.type == "ping":
                    if self.pings.due(self.session_id):
                        await channel.ping()
                elif message.type == "restart":
                    if not self._restarts.take():
                        raise ProtocolError(Close.RATE_LIMITED, "too many restarts")
                    await channel.restart()
            except ProtocolError as exc:
                await self.fail(exc.code, exc.reason)
                return
            except BackendError as exc:
                await self.fail(Close.BACKEND_ERROR, str(exc))
                return
