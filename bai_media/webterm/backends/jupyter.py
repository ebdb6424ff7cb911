"""Jupyter terminals (jupyter_server with jupyter-server-terminals): ``/api/terminals`` over REST
to find or create one, terminado's JSON arrays on ``/terminals/websocket/<name>``. The token is
sent as ``Authorization: token ...`` and never reaches the browser."""

from __future__ import annotations

import asyncio
import codecs
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ..buffer import OutputBuffer
from .base import BackendError, hang_up

MAX_FRAME = 1 << 20


class JupyterChannel:
    def __init__(self, backend: JupyterBackend, name: str, buffer_limit: int) -> None:
        self.backend = backend
        self.name = name
        self.buffer_limit = buffer_limit
        self.ws: Any = None
        self.size = (24, 80)
        self._reader: asyncio.Task[None] | None = None
        self._stdin_decoder = codecs.getincrementaldecoder("utf-8")("replace")  # stdin may split a character
        self.buffer = OutputBuffer(buffer_limit)

    async def connect(self, rows: int, cols: int) -> None:
        from websockets.asyncio.client import connect

        try:
            self.ws = await connect(self.backend.ws_url(self.name), additional_headers=self.backend.headers(),
                                    max_size=MAX_FRAME, open_timeout=15)
        except Exception as exc:  # refused, unreachable, bad handshake: one message for the page
            raise BackendError(f"cannot open the Jupyter terminal: {type(exc).__name__}") from None
        await self.resize(rows, cols)
        self._reader = asyncio.create_task(self._read(self.ws, self.buffer))

    async def _read(self, ws: Any, buffer: OutputBuffer) -> None:
        """Upstream → buffer; waiting for room stops reading, so TCP pushes back on the server."""
        try:
            async for frame in ws:
                try:
                    message = json.loads(frame)
                except ValueError:
                    continue
                if not isinstance(message, list) or not message:
                    continue
                if message[0] == "stdout" and len(message) > 1 and isinstance(message[1], str):
                    await buffer.put(message[1].encode("utf-8", "replace"))
                elif message[0] == "disconnect":
                    break
        except Exception:  # a dropped upstream ends this terminal's output
            pass
        finally:
            buffer.close()

    async def read(self) -> bytes:
        while True:
            buffer = self.buffer
            data = await buffer.take()
            if data or buffer is self.buffer:
                return data

    async def _send(self, message: list[Any]) -> None:
        try:
            await self.ws.send(json.dumps(message))
        except Exception:
            raise BackendError("the Jupyter terminal connection was lost") from None

    async def write(self, data: bytes) -> None:
        text = self._stdin_decoder.decode(data)
        if text:
            await self._send(["stdin", text])

    async def resize(self, rows: int, cols: int) -> None:
        self.size = (rows, cols)
        await self._send(["set_size", rows, cols])

    async def ping(self) -> None:
        return None  # terminado keeps its own connection alive

    async def restart(self) -> None:
        old, self.buffer = self.buffer, OutputBuffer(self.buffer_limit)  # the pump moves to the new one
        await self._disconnect()
        path = f"api/terminals/{quote(self.name)}"
        await self.backend.request("DELETE", path, missing_ok=True)
        for _ in range(100):  # terminado forgets the name only once the old pty has closed
            if await self.backend.request("GET", path, missing_ok=True) is None:
                break
            await asyncio.sleep(0.05)
        await self.backend.ensure(self.name)
        await self.connect(*self.size)
        old.close()

    async def _disconnect(self) -> None:
        await hang_up(self._reader, self.ws)

    async def close(self) -> None:
        """Leave the terminal running on the Jupyter server, as Jupyter's own pages do."""
        await self._disconnect()


class JupyterBackend:
    """``session_id`` names the Jupyter terminal; it is created when missing (``create=True``)."""

    def __init__(self, url: str, token: str, *, create: bool = True, buffer_limit: int = 64 * 1024) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) Jupyter URL: {url!r}")
        self.base = url.rstrip("/") + "/"
        self.token = token
        self.create = create
        self.buffer_limit = buffer_limit

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"} if self.token else {}

    def ws_url(self, name: str) -> str:
        parts = urlsplit(self.base + f"terminals/websocket/{quote(name)}")
        return urlunsplit(("wss" if parts.scheme == "https" else "ws", parts.netloc, parts.path, "", ""))

    async def request(self, method: str, path: str, body: Any = None, *, missing_ok: bool = False) -> Any:
        def call() -> Any:
            data = json.dumps(body).encode() if body is not None else None
            req = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={**self.headers(), "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=15) as response:  # noqa: S310 - http(s) checked above
                    payload = response.read(MAX_FRAME)
                    return json.loads(payload) if payload else None
            except urllib.error.HTTPError as exc:
                if exc.code == 404 and missing_ok:
                    return None
                raise BackendError(f"Jupyter answered {exc.code} to {method} /{path.split('/')[0]}/…") from None
            except (OSError, ValueError) as exc:
                raise BackendError(f"cannot reach the Jupyter server: {type(exc).__name__}") from None

        return await asyncio.to_thread(call)

    async def ensure(self, name: str) -> None:
        if await self.request("GET", f"api/terminals/{quote(name)}", missing_ok=True) is not None:
            return
        if not self.create:
            raise BackendError(f"no Jupyter terminal named {name}")
        await self.request("POST", "api/terminals", {"name": name})

    async def open(self, session_id: str, rows: int, cols: int) -> JupyterChannel:
        await self.ensure(session_id)
        channel = JupyterChannel(self, session_id, self.buffer_limit)
        await channel.connect(rows, cols)
        return channel
