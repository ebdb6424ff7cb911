"""Backend.AI sessions: the manager's ``/stream/session/{name}/pty`` WebSocket, each request signed
as the official client SDK signs it (``ai.backend.client.auth.generate_signature``), with keys that
stay on this server. The manager speaks the Webterm protocol itself, in text or (since 2025)
binary frames; the bridge forwards only messages it has validated and re-encoded."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlsplit

from .. import protocol
from ..buffer import OutputBuffer
from ..protocol import ClientMessage, ProtocolError
from .base import BackendError, hang_up

API_VERSION = "v7.20230615"
#: The SDK signs websocket requests as a binary stream with an empty body.
STREAM_CONTENT_TYPE = "application/octet-stream"
MAX_FRAME = 1 << 20


def sign(*, method: str, endpoint: str, rel_url: str, date: datetime, access_key: str, secret_key: str,
         content_type: str = STREAM_CONTENT_TYPE, api_version: str = API_VERSION, body: bytes = b"",
         hash_type: str = "sha256") -> dict[str, str]:
    """Headers for one signed request: the signing key is HMAC(secret, yyyymmdd) then HMAC(·, host);
    the signed text is method, path with query, ISO date, host, content type, version, body hash."""
    host = urlsplit(endpoint).netloc
    signed = "\n".join([
        method.upper(), rel_url, date.isoformat(), f"host:{host}", f"content-type:{content_type.lower()}",
        f"x-backendai-version:{api_version}", hashlib.new(hash_type, body).hexdigest(),
    ])
    key = hmac.new(secret_key.encode(), date.strftime("%Y%m%d").encode(), hash_type).digest()
    key = hmac.new(key, host.encode(), hash_type).digest()
    signature = hmac.new(key, signed.encode(), hash_type).hexdigest()
    return {
        "Date": date.isoformat(),
        "Content-Type": content_type,
        "X-BackendAI-Version": api_version,
        "Authorization": f"BackendAI signMethod=HMAC-{hash_type.upper()}, credential={access_key}:{signature}",
    }


class BackendAIChannel:
    def __init__(self, backend: BackendAIBackend, session_id: str, buffer_limit: int) -> None:
        self.backend = backend
        self.session_id = session_id
        self.buffer = OutputBuffer(buffer_limit)
        self.ws: Any = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus

        rel_url = f"/stream/session/{quote(self.session_id)}/pty"
        url = self.backend.endpoint.rstrip("/") + rel_url
        ws_url = "wss" + url[5:] if url.startswith("https") else "ws" + url[4:]
        try:
            self.ws = await connect(ws_url, additional_headers=self.backend.headers("GET", rel_url),
                                    max_size=MAX_FRAME, open_timeout=15)
        except InvalidStatus as exc:
            status = exc.response.status_code
            reason = {401: "the manager refused our keys", 403: "the manager refused our keys",
                      404: "no such session"}.get(status, f"the manager answered {status}")
            raise BackendError(reason) from None
        except Exception as exc:  # unreachable, TLS, timeout: one message for the page
            raise BackendError(f"cannot reach the Backend.AI manager: {type(exc).__name__}") from None
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        """Manager → buffer. Only ``out`` data passes; waiting for room pushes back on the manager."""
        try:
            async for frame in self.ws:
                try:
                    message = protocol.parse_server(frame, MAX_FRAME)
                except ProtocolError:
                    continue
                if isinstance(message, bytes):
                    await self.buffer.put(message)
                else:
                    await self.buffer.put(f"\r\n[bai-media: {message}]\r\n".encode())
        except Exception:
            pass
        finally:
            self.buffer.close()

    async def read(self) -> bytes:
        return await self.buffer.take()

    async def _send(self, message: ClientMessage) -> None:
        try:
            await self.ws.send(protocol.client_message(self.session_id, message))
        except Exception:
            raise BackendError("the connection to the manager was lost") from None

    async def write(self, data: bytes) -> None:
        await self._send(ClientMessage("stdin", data=data))

    async def resize(self, rows: int, cols: int) -> None:
        await self._send(ClientMessage("resize", rows=rows, cols=cols))

    async def ping(self) -> None:
        await self._send(ClientMessage("ping"))

    async def restart(self) -> None:
        await self._send(ClientMessage("restart"))

    async def close(self) -> None:
        await hang_up(self._reader, self.ws)


class BackendAIBackend:
    """``session_id`` is the Backend.AI session name; keys from arguments or the SDK's variables."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, *, api_version: str = API_VERSION,
                 buffer_limit: int = 64 * 1024) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) manager endpoint: {endpoint!r}")
        if not access_key or not secret_key:
            raise ValueError("a Backend.AI access key and secret key are required")
        self.endpoint = endpoint
        self.access_key = access_key
        self.secret_key = secret_key
        self.api_version = api_version
        self.buffer_limit = buffer_limit

    @classmethod
    def from_env(cls, endpoint: str | None = None) -> BackendAIBackend:
        """BACKEND_ENDPOINT, BACKEND_ACCESS_KEY, BACKEND_SECRET_KEY, as the official client reads them."""
        endpoint = endpoint or os.environ.get("BACKEND_ENDPOINT", "")
        if not endpoint:
            raise ValueError("--endpoint or BACKEND_ENDPOINT is required for --backend backendai")
        return cls(endpoint, os.environ.get("BACKEND_ACCESS_KEY", ""), os.environ.get("BACKEND_SECRET_KEY", ""))

    def headers(self, method: str, rel_url: str, date: datetime | None = None) -> dict[str, str]:
        return sign(method=method, endpoint=self.endpoint, rel_url=rel_url, date=date or datetime.now(timezone.utc),
                    access_key=self.access_key, secret_key=self.secret_key, api_version=self.api_version)

    async def open(self, session_id: str, rows: int, cols: int) -> BackendAIChannel:
        channel = BackendAIChannel(self, session_id, self.buffer_limit)
        await channel.connect()
        await channel.resize(rows, cols)
        return channel
