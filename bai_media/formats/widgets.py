"""interactive-widgets frames: ``{"executor", "message": {"type": "output", "stdout"|"stderr": b64}}``.

Chunks are arbitrary byte ranges, so each executor's stream has its own incremental UTF-8
decoder (a character split across frames decodes whole). File monitors print JSON lines
``{"contents": b64}`` / ``{"error": b64}`` inside stdout; those become file views.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..items import MediaItem, invalid
from ..renderer import Renderer, default_renderer
from ..state import StateError
from .registry import Format, FormatRegistry, sample
from .session import RunSession, status_item

LIFECYCLE = {"started": "started", "finished": "finished", "errored": "errored"}


def _b64(value: Any) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


class _Executor:
    def __init__(self, run: RunSession) -> None:
        self.run = run
        self.decoders = {name: codecs.getincrementaldecoder("utf-8")(errors="replace") for name in ("stdout", "stderr")}
        self.partial_line = ""  # stdout kept until its newline, to recognise monitor JSON lines


def _monitor_line(line: str) -> MediaItem | None:
    """A file monitor's JSON line as a file view, or None for ordinary output."""
    if not line.startswith("{"):
        return None
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, Mapping) or len(obj) != 1 or not ({"contents", "error"} & obj.keys()):
        return None
    key = next(iter(obj))
    raw = _b64(obj[key])
    if raw is None:
        return None
    text = raw.decode("utf-8", errors="replace")
    return MediaItem("text/plain", text) if key == "contents" else MediaItem("stderr", text)


class WidgetsSession:
    """Every executor of one page; each executor's output continues in its own result."""

    def __init__(self, name: str = "widgets", renderer: Renderer | None = None) -> None:
        self.name = name
        self.renderer = renderer or default_renderer()
        self.executors: dict[str, _Executor] = {}

    def executor(self, name: Any) -> _Executor:
        key = str(name)[:100]
        if key not in self.executors:
            self.executors[key] = _Executor(RunSession(f"{self.name}-{key}", self.renderer))
        return self.executors[key]

    def feed(self, frame: Any) -> Markup:
        if not isinstance(frame, Mapping) or not isinstance(frame.get("message"), Mapping):
            return self.executor("invalid").run.push([invalid("a frame must be an object with a message object")])
        executor = self.executor(frame.get("executor", "?"))
        message = frame["message"]
        kind = message.get("type")
        if kind == "output":
            return executor.run.push(self._output(executor, message))
        if kind in LIFECYCLE:
            items: list[Any] = []
            if kind == "errored" and "message" in message:
                raw = _b64(message["message"])
                items.append(("stderr", raw.decode("utf-8", "replace")) if raw is not None else invalid("the error message is not base64"))
            if kind != "started":
                items += self._flush(executor)
            return executor.run.push(items, status_item(LIFECYCLE[kind]))
        return executor.run.push([MediaItem(f"application/x-widgets-{str(kind)[:40]}", dict(message))])

    def _output(self, executor: _Executor, message: Mapping[str, Any]) -> list[Any]:
        items: list[Any] = []
        for stream in ("stdout", "stderr"):
            if stream not in message:
                continue
            raw = _b64(message[stream])
            if raw is None:
                items.append(invalid(f"{stream} data is not base64"))
                continue
            text = executor.decoders[stream].decode(raw)
            items += self._lines(executor, text) if stream == "stdout" else [("stderr", text)]
        return [i for i in items if not (isinstance(i, tuple) and i[1] == "")]

    def _lines(self, executor: _Executor, text: str) -> list[Any]:
        """stdout by complete lines, pulling out monitor JSON lines; the rest passes through."""
        buffered = executor.partial_line + text
        lines = buffered.split("\n")
        executor.partial_line = lines.pop()
        items: list[Any] = []
        plain: list[str] = []
        for line in lines:
            monitor = _monitor_line(line)
            if monitor is None:
                plain.append(line + "\n")
                continue
            if plain:
                items.append(("stdout", "".join(plain)))
                plain = []
            items.append(monitor)
        if plain:
            items.append(("stdout", "".join(plain)))
        if executor.partial_line and not executor.partial_line.startswith("{"):
            # A prompt or progress line without newline: show it now rather than at the end.
            items.append(("stdout", executor.partial_line))
            executor.partial_line = ""
        return items

    def _flush(self, executor: _Executor) -> list[Any]:
        tail = executor.partial_line + executor.decoders["stdout"].decode(b"", final=True)
        executor.partial_line = ""
        err = executor.decoders["stderr"].decode(b"", final=True)
        return [item for item in (("stdout", tail), ("stderr", err)) if item[1]]

    def to_state(self, html: bool = True) -> dict[str, Any]:
        """Every executor as JSON: its run, its half-received line and UTF-8 sequences."""
        executors = {}
        for key, e in self.executors.items():
            decoders = {}
            for stream, decoder in e.decoders.items():
                pending, flag = decoder.getstate()
                decoders[stream] = [base64.b64encode(pending).decode("ascii"), flag]
            executors[key] = {"run": e.run.to_state(html), "decoders": decoders, "partial_line": e.partial_line}
        return {"name": self.name, "executors": executors}

    @classmethod
    def from_state(cls, state: Any, renderer: Renderer | None = None) -> WidgetsSession:
        if not isinstance(state, dict) or not isinstance(state.get("name"), str) or not isinstance(state.get("executors"), dict):
            raise StateError("a saved widgets session needs a name and executors")
        session = cls(state["name"], renderer)
        try:
            for key, raw in state["executors"].items():
                executor = _Executor(RunSession.from_state(raw["run"], session.renderer))
                executor.partial_line = str(raw["partial_line"])
                for stream, (pending, flag) in raw["decoders"].items():
                    data = base64.b64decode(pending, validate=True)
                    if stream not in executor.decoders or len(data) > 3:  # at most an unfinished UTF-8 sequence
                        raise ValueError("unknown stream or too much pending data")
                    executor.decoders[stream].setstate((data, int(flag)))
                session.executors[str(key)] = executor
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise StateError(f"a saved widgets session is malformed ({type(exc).__name__})") from exc
        return session

    def __html__(self) -> str:
        return "".join(e.run.__html__() for e in self.executors.values())


def render(frames: Any, name: str, renderer: Renderer | None = None) -> WidgetsSession:
    session = WidgetsSession(name, renderer)
    for frame in frames if isinstance(frames, list) else [frames]:
        session.feed(frame)
    return session


def detect(obj: Any) -> bool:
    first = sample(obj)
    return isinstance(first, Mapping) and "executor" in first and "message" in first


def register(formats: FormatRegistry) -> None:
    formats.register(Format("widgets", detect, render, WidgetsSession))
