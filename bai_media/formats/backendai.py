"""Backend.AI execute API results: ``console`` items (v2+), the v1 shape, the stream frames.

Everything the result carries is shown: console items in order, the status (with the prompt
for ``waiting-input``), the exit code, the stream variant's error message, and output files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..items import MediaItem, invalid
from ..mediatypes import COMPLETION, FILES, LOG
from ..renderer import Renderer
from .registry import Format, FormatRegistry, sample
from .session import RunSession, status_item

CONSOLE_TYPES = {"stdout": "stdout", "stderr": "stderr", "html": "text/html", "log": LOG, "completion": COMPLETION}
V1_KEYS = ("stdout", "stderr", "media", "html")


def unwrap(obj: Any) -> Any:
    """The bare result from ``{"result": {...}}`` or the result itself."""
    if isinstance(obj, Mapping) and isinstance(obj.get("result"), Mapping):
        return obj["result"]
    return obj


def console_items(result: Mapping[str, Any]) -> list[Any]:
    """Media items for the renderer, in console order; nothing is dropped."""
    console = result.get("console")
    if console is not None:
        if not isinstance(console, list):
            return [invalid(f"console is a {type(console).__name__}, expected a list of [kind, data]")]
        return [_console_item(entry) for entry in console]
    items: list[Any] = []
    for key in V1_KEYS:  # the v1 shape keeps no order between kinds
        value = result.get(key)
        if value in (None, "", []):
            continue
        if key in ("stdout", "stderr"):
            items.append((key, value))
        elif key == "media":
            items.extend(value if isinstance(value, list) else [value])
        else:
            items.extend(("text/html", html) for html in (value if isinstance(value, list) else [value]))
    return items


def _console_item(entry: Any) -> Any:
    if not isinstance(entry, (list, tuple)) or len(entry) != 2 or not isinstance(entry[0], str):
        return entry  # the renderer turns it into a visible error fragment
    kind, data = entry
    if kind == "media":
        return data  # [mime, data] or {"type", "data"}; coerced (or reported) by the renderer
    return (CONSOLE_TYPES.get(kind, f"application/x-backendai-{kind}"), data)


def status_of(result: Mapping[str, Any], items: list[Any]) -> MediaItem | None:
    status = result.get("status")
    if not isinstance(status, str):
        return None
    extra: dict[str, Any] = {"options": result.get("options") if isinstance(result.get("options"), Mapping) else {}}
    if result.get("msg"):
        extra["msg"] = str(result["msg"])
    if status == "waiting-input":
        last_stdout = next((i[1] for i in reversed(items) if isinstance(i, tuple) and i[0] == "stdout" and isinstance(i[1], str)), "")
        extra["prompt"] = last_stdout.rsplit("\n", 1)[-1]
    return status_item(status, result.get("exitCode"), **extra)


def files_item(result: Mapping[str, Any]) -> MediaItem | None:
    files = result.get("files")
    return MediaItem(FILES, files) if files else None


def parts(obj: Any) -> tuple[list[Any], MediaItem | None]:
    """One result's media items (console, then files) and its status item."""
    result = unwrap(obj)
    if not isinstance(result, Mapping):
        return [invalid(f"a Backend.AI result must be an object, got {type(result).__name__}")], None
    items = console_items(result)
    extra = files_item(result)
    return items + ([extra] if extra else []), status_of(result, items)


class BackendAISession(RunSession):
    """One Backend.AI run: feed each result (``continued`` … ``finished``) as it arrives."""

    def feed(self, obj: Any) -> Markup:
        return self.push(*parts(obj))


def render(obj: Any, run_id: str, renderer: Renderer | None = None) -> BackendAISession:
    """A result, or a list of successive results of one run, rendered as one session."""
    session = BackendAISession(run_id, renderer)
    for result in obj if isinstance(obj, list) else [obj]:
        session.feed(result)
    return session


def detect(obj: Any) -> bool:
    first = sample(obj)
    if not isinstance(first, Mapping):
        return False
    result = first.get("result")
    inner: Mapping[str, Any] = result if isinstance(result, Mapping) else first
    return "console" in inner or "runId" in inner or any(key in inner for key in V1_KEYS) or "status" in inner


def register(formats: FormatRegistry) -> None:
    formats.register(Format("backendai", detect, render, BackendAISession))
