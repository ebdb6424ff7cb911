"""A real jupyter_server with terminals on 127.0.0.1: the bridge as ``bai-media terminal --backend jupyter``."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bai_media.webterm.protocol import Close

from ..helpers import JupyterServer, TerminalCli, read_until, run_async, stdin


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    server = JupyterServer(tmp_path_factory.mktemp("jupyter"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cli(jupyter: JupyterServer) -> Iterator[TerminalCli]:
    cli = TerminalCli("--backend", "jupyter", "--jupyter-url", jupyter.url, "--session", "bai1",
                      env={"JUPYTER_TOKEN": jupyter.token})
    try:
        yield cli
    finally:
        cli.stop()


def test_stdin_resize_and_output_through_jupyter(cli: TerminalCli, jupyter: JupyterServer) -> None:
    async def go() -> bytes:
        async with connect(cli.ws_url("bai1"), origin=cli.origin) as ws:
            await ws.send(json.dumps({"sid": "bai1", "type": "resize", "rows": 31, "cols": 97}))
            await ws.send(stdin("echo size=$(stty size) 한글\n", sid="bai1"))
            return await read_until(ws, "size=31 97 한글".encode())

    assert "size=31 97 한글".encode() in run_async(go())


def test_the_token_stays_on_the_server(cli: TerminalCli, jupyter: JupyterServer) -> None:
    import urllib.request

    with urllib.request.urlopen(cli.url, timeout=10) as response:
        assert jupyter.token not in response.read().decode()


def test_restart_gives_a_new_shell(cli: TerminalCli) -> None:
    async def pid(ws: object) -> int:
        await ws.send(stdin("echo pid=$$\n", sid="bai1"))  # type: ignore[attr-defined]
        out = b""
        while not (found := re.findall(rb"pid=(\d+)\r", out)):
            out += await read_until(ws, b"\n", 15)
        return int(found[-1])

    async def go() -> tuple[int, int]:
        async with connect(cli.ws_url("bai1"), origin=cli.origin) as ws:
            first = await pid(ws)
            await ws.send(json.dumps({"sid": "bai1", "type": "restart"}))
            return first, await pid(ws)

    first, second = run_async(go())
    assert first != second


def test_wrong_token_is_a_visible_backend_error(jupyter: JupyterServer) -> None:
    cli = TerminalCli("--backend", "jupyter", "--jupyter-url", jupyter.url, "--session", "bai2", env={"JUPYTER_TOKEN": "wrong"})
    try:
        async def go() -> tuple[int | None, list[dict]]:
            received = []
            async with connect(cli.ws_url("bai2"), origin=cli.origin) as ws:
                with contextlib.suppress(ConnectionClosed):
                    async for frame in ws:
                        received.append(json.loads(frame))
            return ws.close_code, received

        code, received = run_async(go())
        assert code == Close.BACKEND_UNAVAILABLE
        assert received == [{"type": "error", "reason": "Jupyter answered 403 to GET /api/…"}]
    finally:
        cli.stop()
