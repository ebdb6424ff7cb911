"""A bounded output buffer between a terminal and one browser: backpressure and coalescing.

The producer (a pty reader, an upstream socket) stops when ``limit`` bytes wait, so a fast
program such as ``yes`` blocks in its own pty instead of growing our memory; the consumer takes
everything waiting at once, after a short linger, so output goes out in few large frames.
"""

from __future__ import annotations

import asyncio
import time


class OutputBuffer:
    def __init__(self, limit: int = 64 * 1024, linger: float = 0.004) -> None:
        self.limit = limit
        self.linger = linger
        self._buf = bytearray()
        self._eof = False
        self._data = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()

    @property
    def full(self) -> bool:
        return len(self._buf) >= self.limit

    def append(self, data: bytes) -> None:
        """Add output; callers stop producing while :attr:`full` (one read may overshoot)."""
        if data:
            self._buf += data
            self._data.set()
            if self.full:
                self._room.clear()

    def close(self) -> None:
        self._eof = True
        self._data.set()

    async def put(self, data: bytes) -> None:
        await self._room.wait()
        self.append(data)

    async def take(self) -> bytes:
        """All waiting output (``b""`` once closed and drained)."""
        await self._data.wait()
        if self._buf and not self.full and not self._eof and self.linger:
            await asyncio.sleep(self.linger)
        data = bytes(self._buf)
        self._buf.clear()
        if not self._eof:
            self._data.clear()
        self._room.set()
        return data


class TokenBucket:
    """``rate`` per second with bursts up to ``burst``; ``take`` says whether it fit."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def take(self, amount: float = 1) -> bool:
        self._refill()
        if self._tokens >= amount:
            self._tokens -= amount
            return True
        return False

    async def wait(self, amount: float) -> None:
        """Take ``amount`` (at most ``burst`` at a time), sleeping until it is available."""
        amount = min(amount, self.burst)
        self._refill()
        self._tokens -= amount
        if self._tokens < 0:
            await asyncio.sleep(-self._tokens / self.rate)
