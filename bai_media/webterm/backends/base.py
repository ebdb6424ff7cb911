"""What a terminal backend provides: open a session's terminal as a :class:`Channel`."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Protocol


class BackendError(Exception):
    """The backend cannot serve the terminal; the message is safe to show to the user."""


class Channel(Protocol):
    """One open terminal. ``read`` returns ``b""`` when the terminal has ended."""

    async def read(self) -> bytes: ...
    async def write(self, data: bytes) -> None: ...
    async def resize(self, rows: int, cols: int) -> None: ...
    async def ping(self) -> None: ...
    async def restart(self) -> None: ...
    async def close(self) -> None: ...


class Backend(Protocol):
    async def open(self, session_id: str, rows: int, cols: int) -> Channel: ...


async def hang_up(reader: asyncio.Task[Any] | None, ws: Any) -> None:
    """Stop a channel's reader task and close its websocket, whatever state either is in."""
    if reader:
        reader.cancel()
        with contextlib.suppress(BaseException):
            await reader
    if ws is not None:
        with contextlib.suppress(Exception):
            await ws.close()
