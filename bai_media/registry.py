"""Which handler renders which media type: exact types, glob patterns, then a fallback.

Like markdown-it's ``Ruler`` and JupyterLab's rendermime registry: handlers are registered by
name, never know of each other, and the choice of representation for a MIME bundle lives here.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from .items import MediaItem
    from .renderer import RenderContext

log = logging.getLogger(__name__)

Handler = Callable[["MediaItem", "RenderContext"], Markup]

ENTRY_POINT_GROUP = "bai_media.handlers"


@dataclass(frozen=True, slots=True)
class Entry:
    pattern: str
    handler: Handler
    rank: int
    safe: bool
    continues: bool


class Registry:
    """Maps media types to handlers. Exact types win over patterns; longer patterns over shorter."""

    def __init__(self) -> None:
        self._exact: dict[str, Entry] = {}
        self._patterns: list[Entry] = []
        self.fallback: Handler | None = None

    def register(
        self, pattern: str, handler: Handler, *, rank: int = 50, safe: bool = True, continues: bool = False
    ) -> None:
        """Register ``handler`` for a type (``text/html``) or a glob (``image/*``).

        ``rank`` orders representations in a bundle (higher is preferred); ``safe`` says whether
        the handler may be chosen for untrusted data when picking from a bundle; ``continues``
        says that consecutive appended items of this type extend one element (output streams).
        """
        entry = Entry(pattern.lower(), handler, rank, safe, continues)
        if any(ch in pattern for ch in "*?["):
            self._patterns = [e for e in self._patterns if e.pattern != entry.pattern]
            self._patterns.append(entry)
            self._patterns.sort(key=lambda e: -len(e.pattern.replace("*", "")))
        else:
            self._exact[entry.pattern] = entry

    def register_many(self, patterns: Iterable[str], handler: Handler, **kwargs: Any) -> None:
        for pattern in patterns:
            self.register(pattern, handler, **kwargs)

    def lookup(self, mtype: str) -> Entry | None:
        entry = self._exact.get(mtype)
        if entry is not None:
            return entry
        for entry in self._patterns:
            if fnmatch.fnmatchcase(mtype, entry.pattern):
                return entry
        return None

    def pick(self, bundle: Mapping[str, Any]) -> str | None:
        """From a MIME bundle, the type to render: the safe, registered type of highest rank.

        Ties keep the bundle's order. ``None`` only for an empty bundle.
        """
        best: tuple[int, int, str] | None = None
        for order, mtype in enumerate(bundle):
            if not isinstance(mtype, str):
                continue
            entry = self.lookup(mtype.lower())
            rank = entry.rank if entry is not None and entry.safe else -1
            key = (rank, -order, mtype)
            if best is None or key > best:
                best = key
        return best[2] if best else None

    def load_entry_points(self) -> None:
        """Let installed packages add handlers: each entry point is a ``register(registry)``."""
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                ep.load()(self)
            except Exception:
                log.exception("bai-media: handler plug-in %s failed to load; skipped", ep.name)
