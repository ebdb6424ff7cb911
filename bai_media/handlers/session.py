"""What a run reports besides media: status, exit code, prompts, log lines, files, completions.

Adapters (``bai_media.formats``) turn Backend.AI's ``log``/``completion`` console items, its
``status``/``exitCode``/``files`` fields and similar run metadata into these types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..context import BadData, Context, Output
from ..items import MediaItem
from ..mediatypes import COMPLETION, FILES, LOG, STATUS
from ..registry import Registry
from ..sanitize import WEB_SCHEMES, check_url

LEVELS = {"debug", "info", "warning", "error", "fatal"}
#: Status -> (CSS modifier, words shown).
STATUS_TEXT = {
    "continued": ("running", "running…"),
    "waiting-input": ("input", "waiting for input"),
    "finished": ("ok", "finished"),
    "clean-finished": ("ok", "finished"),
    "build-finished": ("ok", "build finished"),
    "exec-timeout": ("error", "execution timed out"),
    "error": ("error", "error"),
    "server-restarting": ("warning", "server restarting"),
    "busy": ("running", "running…"),
    "done": ("ok", "done"),
    "started": ("running", "started"),
    "errored": ("error", "errored"),
}


def render_status(item: MediaItem, ctx: Context[None]) -> Output:
    data = item.data
    if not isinstance(data, Mapping):
        raise BadData("a status must be a mapping")
    status = str(data.get("status") or "unknown")[:40]
    kind, words = STATUS_TEXT.get(status, ("unknown", status))
    exit_code = data.get("exitCode")
    if not isinstance(exit_code, int) or isinstance(exit_code, bool):
        exit_code = None
    elif exit_code != 0 and kind == "ok":
        kind = "error"
    raw_options = data.get("options")
    options: Mapping[str, Any] = raw_options if isinstance(raw_options, Mapping) else {}
    html = ctx.render(
        "handlers/status.html", status=status, words=words, kind=kind, exit_code=exit_code,
        message=str(data.get("msg") or "")[:2000], prompt=str(data.get("prompt") or "")[:2000],
        password=bool(options.get("is_password")) if status == "waiting-input" else False,
    )
    return Output(html, classes=(f"bai-media-status-{kind}",))


def render_log(item: MediaItem, ctx: Context[None]) -> Output:
    data = item.data
    if not isinstance(data, (list, tuple)) or len(data) != 4:
        raise BadData("a log record must be [level, time, logger, message]")
    level, when, logger, message = (str(part) if part is not None else "" for part in data)
    level = level.lower() if level.lower() in LEVELS else "info"
    html = ctx.render("handlers/log.html", level=level, when=when[:40], logger=logger[:200],
                      message=message[: ctx.limits.text_chars])
    return Output(html, classes=(f"bai-media-log-{level}",))


def render_files(item: MediaItem, ctx: Context[None]) -> Markup:
    data = item.data
    if not isinstance(data, list):
        raise BadData("files must be a list of {name, url}")
    files: list[tuple[str, str | None]] = []
    for entry in data[:1000]:
        if not isinstance(entry, Mapping):
            continue
        name = str(entry.get("name") or "file")[:300]
        url = entry.get("url")
        # Only absolute http(s) links: a relative URL would resolve against the host application.
        files.append((name, check_url(url, schemes=WEB_SCHEMES, relative=False) if isinstance(url, str) else None))
    return ctx.render("handlers/files.html", files=files)


def render_completion(item: MediaItem, ctx: Context[None]) -> Markup:
    data = item.data
    options = [str(x)[:200] for x in data[:200]] if isinstance(data, list) else []
    return ctx.render("handlers/completion.html", options=options)


def register(registry: Registry) -> None:
    registry.register(STATUS, render_status, rank=5)
    registry.register(LOG, render_log, rank=5)
    registry.register(FILES, render_files, rank=5)
    registry.register(COMPLETION, render_completion, rank=5)
