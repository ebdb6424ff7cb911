"""The wire protocol: what the bridge accepts from browsers and managers, and what it sends."""

from __future__ import annotations

import base64
import json

import pytest

from bai_media.webterm import protocol
from bai_media.webterm.protocol import ClientMessage, Close, ProtocolError


def frame(**fields: object) -> str:
    return json.dumps({"sid": "s1", **fields})


def test_stdin_resize_ping_restart() -> None:
    chars = base64.b64encode("ls 한글\n".encode()).decode()
    assert protocol.parse_client(frame(type="stdin", chars=chars), "s1", 1000, 100) == ClientMessage("stdin", data="ls 한글\n".encode())
    assert protocol.parse_client(frame(type="resize", rows=40, cols=120).encode(), "s1", 1000, 100) == ClientMessage("resize", rows=40, cols=120)
    assert protocol.parse_client(frame(type="resize", rows=9999, cols=9999), "s1", 1000, 100) == ClientMessage("resize", rows=500, cols=1000)
    assert protocol.parse_client(frame(type="ping"), "s1", 1000, 100).type == "ping"
    assert protocol.parse_client(frame(type="restart"), "s1", 1000, 100).type == "restart"


@pytest.mark.parametrize("raw, code", [
    ("x" * 1001, Close.TOO_BIG),
    ("{", Close.BAD_MESSAGE),
    (b"\xff\xfe", Close.BAD_MESSAGE),
    ("[]", Close.BAD_MESSAGE),
    (frame(type="stdin", chars=base64.b64encode(b"x" * 101).decode()), Close.BAD_MESSAGE),
    (frame(type="stdin", chars="a b="), Close.BAD_MESSAGE),
    (frame(type="stdin", chars=5), Close.BAD_MESSAGE),
    (frame(type="resize", rows=0, cols=80), Close.BAD_MESSAGE),
    (frame(type="resize", rows=24.5, cols=80), Close.BAD_MESSAGE),
    (frame(type="resize", rows="24", cols=80), Close.BAD_MESSAGE),
    (frame(type="run"), Close.BAD_MESSAGE),
    (json.dumps({"type": "ping"}), Close.BAD_MESSAGE),
    (json.dumps({"sid": "s2", "type": "ping"}), Close.BAD_MESSAGE),
])
def test_refused(raw: str | bytes, code: Close) -> None:
    with pytest.raises(ProtocolError) as info:
        protocol.parse_client(raw, "s1", 1000, 100)
    assert info.value.code == code


def test_server_messages_round_trip() -> None:
    assert protocol.parse_server(protocol.out(b"\x1b[31mred\xff"), 1000) == b"\x1b[31mred\xff"
    assert protocol.parse_server(protocol.error("gone").encode(), 1000) == "gone"
    assert protocol.parse_server(json.dumps({"type": "pong"}), 1000) == b""
    encoded = protocol.client_message("s1", ClientMessage("resize", rows=3, cols=4))
    assert json.loads(encoded) == {"sid": "s1", "type": "resize", "rows": 3, "cols": 4}


def test_session_ids() -> None:
    assert protocol.valid_session_id("my-session_1.2")
    for bad in ("", "../x", "a/b", "a" * 65, "-x", "x\n", "é"):
        assert not protocol.valid_session_id(bad)
