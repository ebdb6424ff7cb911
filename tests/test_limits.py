"""Resource bounds for hostile sizes. The limits are generous (a slow CI machine must pass);
the exact figures are in scripts/bench.py. Memory is Python's peak allocation (tracemalloc)."""

from __future__ import annotations

import base64
import json
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from bai_media import handle_all
from bai_media.producers import encode_commands


def measure(func: Callable[[], Any]) -> tuple[Any, float, float]:
    tracemalloc.start()
    try:
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return result, elapsed, peak


def zero_png(width: int, height: int) -> bytes:
    """A real PNG of zero bytes: tiny on disk, width × height pixels when decoded."""
    row = b"\x00" + b"\x00" * width
    raw = zlib.compress(row * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


CASES = {
    "xml-bomb": (lambda: [("image/svg+xml", "<!DOCTYPE s [" + "".join(f"<!ENTITY e{i} '{'&e%d;' % (i - 1) * 10 if i else 'x' * 10}'>" for i in range(12)) + "]><svg xmlns='http://www.w3.org/2000/svg'>&e11;</svg>")], 10, 50),
    "decompression-bomb": (lambda: [("image/png", base64.b64encode(zero_png(12_000, 12_000)).decode())], 10, 100),
    "json-1e6": (lambda: [("application/json", json.dumps(list(range(1_000_000))))], 60, 500),
    "stream-100MB": (lambda: [("stdout", ("\x1b[31mx\x1b[0m" + "y" * 90 + "\n") * 1_000_000)], 30, 100),
    "drawing-1e5": (lambda: [("application/x-sorna-drawing", encode_commands(
        [(0, "canvas", 400, 400, "#ffffffff", "#000000ff")] + [(0, "obj", i, ("line", i % 400, 0, 400, 400, "#000000ff")) for i in range(100_000)]))], 90, 600),
    "deep-json": (lambda: [("application/json", "[" * 200_000 + "]" * 200_000)], 10, 200),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_sizes_finish_within_bounds(case: str) -> None:
    make, seconds, megabytes = CASES[case]
    media = make()
    html, elapsed, peak = measure(lambda: handle_all(media + [("text/plain", "after")], case))
    assert "after" in html  # the next item still renders
    assert elapsed < seconds, f"{case}: {elapsed:.1f} s"
    assert peak < megabytes, f"{case}: {peak:.0f} MB"
    if case in ("xml-bomb", "decompression-bomb", "deep-json"):
        assert "bai-media-error" in html
    if case == "json-1e6":
        assert "more not shown" in html
    if case == "drawing-1e5":
        assert "only the last 10,000 are drawn" in html
