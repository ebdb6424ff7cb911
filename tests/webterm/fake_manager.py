"""A stand-in for the Backend.AI manager's pty stream on 127.0.0.1: it verifies each request's
signature as the manager does, then speaks the Webterm protocol over a local pty."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bai_media.webterm.backends.local import LocalBackend

from .helpers import SHELL

KEYS = {"AKIATESTTESTTEST": "test-secret-key-0123456789"}
AUTH = re.compile(r"^BackendAI signMethod=HMAC-(?P<hash>SHA256), credential=(?P<access>[^:]+):(?P<sig>[0-9a-f]{64})$")


def verify(ws: WebSocket) -> bool:
    """The manager's check: known key, date within 15 minutes, signature over the same text."""
    match = AUTH.match(ws.headers.get("authorization", ""))
    if not match or match["access"] not in KEYS:
        return False
    try:
        date = datetime.fromisoformat(ws.headers["date"])
    except (KeyError, ValueError):
        return False
    if date.tzinfo is None or abs(datetime.now(timezone.utc) - date) > timedelta(minutes=15):
        return False
    host = ws.headers["host"]
    rel_url = ws.url.path + (f"?{ws.url.query}" if ws.url.query else "")
    content_type = ws.headers.get("content-type", "application/octet-stream").lower()
    text = f"GET\n{rel_url}\n{ws.headers['date']}\nhost:{host}\ncontent-type:{content_type}\n" \
           f"x-backendai-version:{ws.headers.get('x-backendai-version', '')}\n{hashlib.sha256(b'').hexdigest()}"
    key = hmac.new(KEYS[match["access"]].encode(), date.strftime("%Y%m%d").encode(), "sha256").digest()
    key = hmac.new(key, host.encode(), "sha256").digest()
    return hmac.compare_digest(hmac.new(key, text.encode(), "sha256").hexdigest(), match["sig"])


class FakeManager:
    def __init__(self, binary: bool = True) -> None:
        self.binary = binary
        self.pings: Counter[str] = Counter()
        self.refused = 0
        self.backend = LocalBackend(SHELL.split())
        self.app = Starlette(routes=[WebSocketRoute("/stream/session/{name}/pty", self.pty)])

    async def pty(self, ws: WebSocket) -> None:
        name = ws.path_params["name"]
        if not verify(ws):
            self.refused += 1
            await ws.close(4001)  # before accept: HTTP 403, as the manager answers
            return
        await ws.accept()
        channel = await self.backend.open(name, 24, 80)

        async def pump() -> None:
            while data := await channel.read():
                message = json.dumps({"type": "out", "data": base64.b64encode(data).decode()})
                await (ws.send_bytes(message.encode()) if self.binary else ws.send_text(message))

        task = asyncio.create_task(pump())
        try:
            while True:
                frame: Any = await ws.receive()
                if frame["type"] == "websocket.disconnect":
                    break
                message = json.loads(frame.get("text") or frame.get("bytes"))
                if message["type"] == "stdin":
                    await channel.write(base64.b64decode(message["chars"]))
                elif message["type"] == "resize":
                    await channel.resize(message["rows"], message["cols"])
                elif message["type"] == "ping":
                    self.pings[name] += 1
                elif message["type"] == "restart":
                    await channel.restart()
        except WebSocketDisconnect:
            pass
        finally:
            task.cancel()
            await channel.close()
