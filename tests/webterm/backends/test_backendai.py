"""Backend.AI: our signatures equal the official SDK's, and the bridge works against a loopback
manager stand-in that verifies them and speaks the pty stream in binary or text frames."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bai_media.webterm.asgi import webterm_app
from bai_media.webterm.backends.backendai import BackendAIBackend, sign
from bai_media.webterm.protocol import Close

from ...conftest import ROOT, need
from ..fake_manager import KEYS, FakeManager
from ..helpers import TerminalCli, read_until, run_async, serve_app, stdin

ACCESS, SECRET = next(iter(KEYS.items()))
SDK_WHEEL = "backend.ai_client-23.9.10-py3-none-any.whl"


@pytest.fixture(scope="module")
def official_auth() -> ModuleType:
    """``ai/backend/client/auth.py`` from the official wheel (scripts/test.sh downloads it)."""
    wheel = Path(os.environ.get("BAI_MEDIA_SDK_WHEEL", ROOT / ".cache" / "sdk" / SDK_WHEEL))
    need(wheel.is_file(), f"the official client wheel {wheel} (scripts/test.sh downloads it)")
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("ai/backend/client/auth.py")
    spec = importlib.util.spec_from_loader("official_backendai_auth", loader=None)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    exec(compile(source, f"{wheel}/ai/backend/client/auth.py", "exec"), module.__dict__)  # noqa: S102 - the SDK's own code
    return module


@pytest.mark.parametrize("endpoint, rel_url", [
    ("http://127.0.0.1:8081", "/stream/session/my-session/pty"),
    ("https://api.backend.ai", "/stream/session/s%20x/pty?app=ttyd"),
    ("https://manager.example:8443/", "/stream/session/%ED%95%9C/pty"),
])
def test_signature_equals_the_official_sdk(official_auth: ModuleType, endpoint: str, rel_url: str) -> None:
    from yarl import URL

    date = datetime(2026, 12, 1, 23, 59, 58, 123456, tzinfo=timezone.utc)
    theirs, _ = official_auth.generate_signature(
        method="GET", version="v7.20230615", endpoint=URL(endpoint), date=date, rel_url=rel_url,
        content_type="application/octet-stream", access_key=ACCESS, secret_key=SECRET, hash_type="sha256")
    ours = sign(method="GET", endpoint=endpoint, rel_url=rel_url, date=date, access_key=ACCESS, secret_key=SECRET)
    assert ours["Authorization"] == theirs["Authorization"]
    assert ours["Date"] == date.isoformat() and ours["X-BackendAI-Version"] == "v7.20230615"
    other_day = sign(method="GET", endpoint=endpoint, rel_url=rel_url, date=date + timedelta(seconds=2), access_key=ACCESS, secret_key=SECRET)
    assert other_day["Authorization"] != ours["Authorization"]


@contextlib.contextmanager
def manager(binary: bool = True) -> Iterator[tuple[str, FakeManager]]:
    fake = FakeManager(binary)
    with serve_app(fake.app) as netloc:
        yield f"http://{netloc}", fake


@pytest.mark.parametrize("binary", [True, False], ids=["binary-frames", "text-frames"])
def test_cli_bridges_to_the_manager(binary: bool) -> None:
    with manager(binary) as (endpoint, fake):
        cli = TerminalCli("--backend", "backendai", "--endpoint", endpoint, "--session", "sess-1",
                          env={"BACKEND_ACCESS_KEY": ACCESS, "BACKEND_SECRET_KEY": SECRET})
        try:
            async def go() -> bytes:
                async with connect(cli.ws_url("sess-1"), origin=cli.origin) as ws:
                    await ws.send(json.dumps({"sid": "sess-1", "type": "resize", "rows": 28, "cols": 91}))
                    await ws.send(stdin("echo size=$(stty size)\n", sid="sess-1"))
                    return await read_until(ws, b"size=28 91")

            assert b"size=28 91" in run_async(go())
        finally:
            cli.stop()
        assert fake.refused == 0


def test_wrong_keys_are_refused_by_the_manager_and_shown() -> None:
    with manager() as (endpoint, fake):
        cli = TerminalCli("--backend", "backendai", "--endpoint", endpoint, "--session", "sess-1",
                          env={"BACKEND_ACCESS_KEY": ACCESS, "BACKEND_SECRET_KEY": "wrong"})
        try:
            async def go() -> tuple[int | None, list[Any]]:
                received = []
                async with connect(cli.ws_url("sess-1"), origin=cli.origin) as ws:
                    with contextlib.suppress(ConnectionClosed):
                        async for frame in ws:
                            received.append(json.loads(frame))
                return ws.close_code, received

            code, received = run_async(go())
        finally:
            cli.stop()
        assert fake.refused == 1
        assert code == Close.BACKEND_UNAVAILABLE
        assert received == [{"type": "error", "reason": "the manager refused our keys"}]


def test_pings_from_many_browsers_reach_the_manager_once() -> None:
    with manager() as (endpoint, fake):
        backend = BackendAIBackend(endpoint, ACCESS, SECRET)
        app = webterm_app(backend, lambda request, session_id: True)
        with serve_app(app) as netloc:
            async def browser() -> None:
                async with connect(f"ws://{netloc}/webterm/shared", origin=f"http://{netloc}") as ws:
                    await ws.send(stdin("echo up\n", sid="shared"))
                    await read_until(ws, b"up\r\n")
                    await ws.send(json.dumps({"sid": "shared", "type": "ping"}))
                    await ws.send(stdin("echo pinged\n", sid="shared"))
                    await read_until(ws, b"pinged\r\n")

            async def many() -> None:
                import asyncio

                await asyncio.gather(*(browser() for _ in range(8)))

            run_async(many())
        assert fake.pings["shared"] == 1


def test_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKEND_ENDPOINT", "https://api.example")
    monkeypatch.setenv("BACKEND_ACCESS_KEY", ACCESS)
    monkeypatch.setenv("BACKEND_SECRET_KEY", SECRET)
    backend = BackendAIBackend.from_env()
    assert (backend.endpoint, backend.access_key, backend.secret_key) == ("https://api.example", ACCESS, SECRET)
    monkeypatch.delenv("BACKEND_SECRET_KEY")
    with pytest.raises(ValueError, match="secret key"):
        BackendAIBackend.from_env()
