"""The bridge against a scripted transport and backend: pings merged, output paced and bounded."""

from __future__ import annotations

import asyncio
import json
import time

from bai_media.webterm.bridge import Bridge, Limits, PingMerger
from bai_media.webterm.buffer import OutputBuffer
from bai_media.webterm.protocol import Close

from .helpers import run_async


class FakeTransport:
    def __init__(self, frames: list[str]) -> None:
        self.frames = list(frames)
        self.sent: list[dict] = []
        self.closed: tuple[int, str] | None = None
        self.done = asyncio.Event()

    async def receive(self) -> str | None:
        if self.frames:
            return self.frames.pop(0)
        await self.done.wait()
        return None

    async def send(self, text: str) -> None:
        self.sent.append(json.loads(text))

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)
        self.done.set()


class FakeChannel:
    def __init__(self, output: list[bytes]) -> None:
        self.output = list(output)
        self.pings = 0
        self.closed = False

    async def read(self) -> bytes:
        await asyncio.sleep(0)
        return self.output.pop(0) if self.output else b""

    async def write(self, data: bytes) -> None: ...
    async def resize(self, rows: int, cols: int) -> None: ...

    async def ping(self) -> None:
        self.pings += 1

    async def restart(self) -> None: ...

    async def close(self) -> None:
        self.closed = True


class FakeBackend:
    def __init__(self, output: list[bytes]) -> None:
        self.channels: list[FakeChannel] = []
        self.output = output

    async def open(self, session_id: str, rows: int, cols: int) -> FakeChannel:
        self.channels.append(FakeChannel(self.output))
        return self.channels[-1]


def test_pings_of_many_browsers_on_one_session_are_merged() -> None:
    async def go() -> int:
        backend = FakeBackend([])
        backend.output = [b"x"] * 0
        merger = PingMerger(5.0)
        ping = json.dumps({"sid": "s1", "type": "ping"})
        for _ in range(20):  # twenty browsers, each sending its ping
            channel_backend = FakeBackend([])
            bridge = Bridge(FakeTransport([ping]), channel_backend, "s1", pings=merger)
            channel_backend.output = []
            await bridge.run()
            backend.channels += channel_backend.channels
        return sum(c.pings for c in backend.channels)

    assert run_async(go()) == 1
    merger = PingMerger(0.05)
    assert merger.due("a") and not merger.due("a") and merger.due("b")
    time.sleep(0.06)
    assert merger.due("a")


def test_output_ends_with_1000_and_channel_closed() -> None:
    async def go() -> tuple[FakeTransport, FakeBackend]:
        transport, backend = FakeTransport([]), FakeBackend([b"hello"])
        await Bridge(transport, backend, "s1").run()
        return transport, backend

    transport, backend = run_async(go())
    assert transport.sent == [{"type": "out", "data": "aGVsbG8="}]
    assert transport.closed == (Close.ENDED, "the session ended")
    assert backend.channels[0].closed


def test_output_is_paced() -> None:
    limits = Limits(output_per_second=200_000, output_burst=50_000)

    async def go() -> float:
        transport, backend = FakeTransport([]), FakeBackend([b"y" * 50_000] * 5)
        start = time.monotonic()
        await Bridge(transport, backend, "s1", limits).run()
        return time.monotonic() - start

    assert run_async(go()) >= 0.9  # 250 kB at 200 kB/s, 50 kB burst: about one second


def test_invalid_session_id_never_opens_a_terminal() -> None:
    async def go() -> tuple[FakeTransport, FakeBackend]:
        transport, backend = FakeTransport([]), FakeBackend([])
        await Bridge(transport, backend, "../etc").run()
        return transport, backend

    transport, backend = run_async(go())
    assert transport.closed and transport.closed[0] == Close.NOT_FOUND and not backend.channels


def test_output_buffer_is_bounded_and_coalesces() -> None:
    async def go() -> list[bytes]:
        buffer = OutputBuffer(limit=10, linger=0.01)
        buffer.append(b"abc")
        buffer.append(b"def")
        first = await buffer.take()
        producer = asyncio.create_task(buffer.put(b"x" * 12))
        await asyncio.sleep(0)
        assert buffer.full
        blocked = asyncio.create_task(buffer.put(b"more"))
        await asyncio.sleep(0.02)
        assert not blocked.done()  # waits for room: memory stays bounded
        second = await buffer.take()
        await blocked
        await producer
        buffer.close()
        return [first, second, await buffer.take(), await buffer.take()]

    assert run_async(go()) == [b"abcdef", b"x" * 12, b"more", b""]
