"""What a terminal backend provides: open a session's terminal as a :class:`Channel`."""

from __future__ import annotations

from typing import Protocol


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
