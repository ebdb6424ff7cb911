"""Checks every adapter applies before a socket reaches the bridge: Origin and ``authorize``."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urlsplit

#: ``authorize(request, session_id)``: may this request's user open this session? The request is
#: the framework's own object (Starlette ``WebSocket``, Django ``scope``, Flask ``request``).
Authorize = Callable[[Any, str], "bool | Awaitable[bool]"]


def normalize_origin(origin: str) -> str:
    parts = urlsplit(origin.strip().lower())
    return f"{parts.scheme}://{parts.netloc}"


def origin_allowed(origin: str | None, host: str | None, allowed: Collection[str] | None = None) -> bool:
    """A browser always sends ``Origin`` on a WebSocket: it must be in ``allowed``, or, without a
    list, name the same host and port as the ``Host`` header (same-origin). No Origin: refused."""
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin.strip().lower())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    if allowed is not None:
        return normalize_origin(origin) in {normalize_origin(o) for o in allowed}
    return bool(host) and parts.netloc == host.strip().lower()  # type: ignore[union-attr]


async def is_authorized(authorize: Authorize, request: Any, session_id: str) -> bool:
    """Call a sync or async hook; anything but ``True`` refuses."""
    result = authorize(request, session_id)
    if inspect.isawaitable(result):
        result = await result
    return result is True
