"""``bai-media terminal --record FILE`` writes asciicast v2 that the asciicast handler renders."""

from __future__ import annotations

import json
from pathlib import Path

from websockets.asyncio.client import connect

from bai_media import handle_all

from .helpers import SHELL, TerminalCli, read_until, run_async, stdin


def test_record_writes_asciicast_v2(tmp_path: Path) -> None:
    target = tmp_path / "session.cast"
    cli = TerminalCli("--command", SHELL, "--record", str(target))
    try:
        async def go() -> None:
            for n in (1, 2):  # a second connection records to session.2.cast
                async with connect(cli.ws_url(), origin=cli.origin) as ws:
                    await ws.send(json.dumps({"sid": "terminal", "type": "resize", "rows": 20, "cols": 70}))
                    await ws.send(stdin(f"printf '\\033[1;34mrec-%s\\033[0m\\n' {n * 21}\n"))
                    await read_until(ws, f"rec-{n * 21}".encode())

        run_async(go())
    finally:
        cli.stop()
    lines = target.read_text().splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2 and header["width"] == 80 and header["height"] == 24
    events = [json.loads(line) for line in lines[1:]]
    assert ["r", "70x20"] == events[0][1:]
    assert all(a[0] <= b[0] for a, b in zip(events, events[1:]))
    html = str(handle_all([("application/x-asciicast", target.read_text())], "rec"))
    assert "rec-21</span>" in html and "bai-ansi-fg-4" in html
    assert "rec-42" in (tmp_path / "session.2.cast").read_text()
