"""The original ``BackendAI.Webterm`` wire protocol: JSON messages in text or binary frames.

Client → server: ``stdin`` (base64 UTF-8 ``chars``), ``ping``, ``resize`` (``rows``, ``cols``),
``restart``, each with the session id as ``sid``. Server → client: ``out`` (base64 ``data``) and
``error`` (``reason``). Everything a browser or an upstream manager sends is parsed here, strictly
and with sizes checked before work, so the rest of the package only sees validated values.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Literal

MessageType = Literal["stdin", "ping", "resize", "restart"]
SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
MAX_ROWS = 500
MAX_COLS = 1000


class Close(IntEnum):
    """WebSocket close codes. 1000–1999: the session ended; 4000–4999: a server-side error."""

    ENDED = 1000
    GOING_AWAY = 1001
    BAD_MESSAGE = 4400
    FORBIDDEN = 4403
    NOT_FOUND = 4404
    TOO_BIG = 4413
    RATE_LIMITED = 4429
    BACKEND_ERROR = 4500
    BACKEND_UNAVAILABLE = 4502


class ProtocolError(Exception):
    """A message the bridge refuses; ``code`` is the close code, the message is safe to show."""

    def __init__(self, code: Close, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class ClientMessage:
    type: MessageType
    data: bytes = b""
    rows: int = 0
    cols: int = 0


def valid_session_id(session_id: str) -> bool:
    return bool(SESSION_ID.fullmatch(session_id))


def _load(frame: str | bytes, max_bytes: int) -> dict[str, Any]:
    if len(frame) > max_bytes:
        raise ProtocolError(Close.TOO_BIG, f"message larger than {max_bytes} bytes")
    try:
        message = json.loads(frame)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(Close.BAD_MESSAGE, "message is not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError(Close.BAD_MESSAGE, "message is not a JSON object")
    return message


def _b64(value: Any, max_bytes: int) -> bytes:
    if not isinstance(value, str) or len(value) > (max_bytes + 2) // 3 * 4:
        raise ProtocolError(Close.BAD_MESSAGE, "data is not base64 of an allowed size")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError(Close.BAD_MESSAGE, "data is not base64") from None
    if len(data) > max_bytes:
        raise ProtocolError(Close.BAD_MESSAGE, "data is not base64 of an allowed size")
    return data


def _size(value: Any, limit: int) -> int:
    if type(value) is not int or not 1 <= value <= 65535:
        raise ProtocolError(Close.BAD_MESSAGE, "rows and cols must be positive integers")
    return min(value, limit)


def parse_client(frame: str | bytes, session_id: str, max_bytes: int, max_stdin: int) -> ClientMessage:
    """One browser message. ``sid`` must name the session this socket was authorized for."""
    message = _load(frame, max_bytes)
    if message.get("sid") != session_id:
        raise ProtocolError(Close.BAD_MESSAGE, "message for another session")
    kind = message.get("type")
    if kind == "stdin":
        return ClientMessage("stdin", data=_b64(message.get("chars"), max_stdin))
    if kind == "resize":
        return ClientMessage("resize", rows=_size(message.get("rows"), MAX_ROWS), cols=_size(message.get("cols"), MAX_COLS))
    if kind in ("ping", "restart"):
        return ClientMessage(kind)
    raise ProtocolError(Close.BAD_MESSAGE, "unknown message type")


def parse_server(frame: str | bytes, max_bytes: int) -> bytes | str:
    """One upstream manager message: output bytes, or an error reason (a ``str``)."""
    message = _load(frame, max_bytes)
    kind = message.get("type")
    if kind == "out":
        return _b64(message.get("data"), max_bytes)
    if kind == "error":
        reason = message.get("reason", message.get("data", "error"))
        return str(reason)[:200]
    return b""


def client_message(session_id: str, message: ClientMessage) -> str:
    """Re-encode a validated message for an upstream manager (never the browser's raw bytes)."""
    body: dict[str, Any] = {"sid": session_id, "type": message.type}
    if message.type == "stdin":
        body["chars"] = base64.b64encode(message.data).decode("ascii")
    elif message.type == "resize":
        body.update(rows=message.rows, cols=message.cols)
    return json.dumps(body, separators=(",", ":"))


def out(data: bytes) -> str:
    return json.dumps({"type": "out", "data": base64.b64encode(data).decode("ascii")}, separators=(",", ":"))


def error(reason: str) -> str:
    return json.dumps({"type": "error", "reason": reason}, separators=(",", ":"))
