"""Which handler renders which media type: exact types, glob patterns, then a fallback.

Like markdown-it's ``Ruler`` and JupyterLab's rendermime registry: handlers are registered by
name, never know of each other, and the choice of representation for a MIME bundle lives here.
Plug-ins are applied explicitly (``Renderer(plugins=...)``), like ``md.use(plugin)``.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .context import Handler, State

if TYPE_CHECKING:
    import jinja2

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "bai_media.handlers"

#: The pattern that registers the handler for types nothing else takes.
FALLBACK = "<fallback>"


class RegistryError(ValueError):
    """A registration that would silently replace another one, or a plug-in that is missing."""


@dataclass(frozen=True, slots=True)
class Entry:
    pattern: str
    handler: Handler
    rank: int
    safe: bool
    continues: bool
    state: type[State] | None


class Registry:
    """Maps media types to handlers. Exact types win over patterns; longer patterns over shorter."""

    def __init__(self) -> None:
        self._exact: dict[str, Entry] = {}
        self._patterns: list[Entry] = []
        self._fallback: Entry | None = None
        #: Template folders of plug-ins by prefix (``prefix/name.html``); see :meth:`add_templates`.
        self.templates: dict[str, jinja2.BaseLoader] = {}

    def register(
        self,
        pattern: str,
        handler: Handler,
        *,
        rank: int = 50,
        safe: bool = True,
        continues: bool = False,
        state: type[State] | None = None,
        replace: bool = False,
    ) -> None:
        """Register ``handler`` for a type (``text/html``), a glob (``image/*``) or :data:`FALLBACK`.

        ``rank`` orders representations in a bundle (higher is preferred); ``safe`` says whether
        the handler may be chosen for untrusted data when picking from a bundle; ``continues``
        says that consecutive appended items of this type extend one element (output streams);
        ``state`` is the per-result state type the handler gets as ``ctx.state``. Taking over a
        registered type needs ``replace=True``, so nothing replaces the ``text/html`` sanitizer
        by accident.
        """
        entry = Entry(pattern.lower(), handler, rank, safe, continues, state)
        if pattern == FALLBACK:
            if self._fallback is not None and not replace:
                raise RegistryError("a fallback handler is already registered; pass replace=True")
            self._fallback = entry
        elif any(ch in pattern for ch in "*?["):
            if not replace and any(e.pattern == entry.pattern for e in self._patterns):
                raise RegistryError(f"{pattern!r} is already registered; pass replace=True")
            self._patterns = [e for e in self._patterns if e.pattern != entry.pattern]
            self._patterns.append(entry)
            self._patterns.sort(key=lambda e: -len(e.pattern.replace("*", "")))
        else:
            if not replace and entry.pattern in self._exact:
                raise RegistryError(f"{pattern!r} is already registered; pass replace=True")
            self._exact[entry.pattern] = entry

    def register_many(self, patterns: Iterable[str], handler: Handler, **kwargs: Any) -> None:
        for pattern in patterns:
            self.register(pattern, handler, **kwargs)

    def add_templates(self, prefix: str, loader: jinja2.BaseLoader) -> None:
        """Templates of a plug-in, reached as ``"<prefix>/<name>"``; built-in names stay built-in."""
        if prefix in self.templates:
            raise RegistryError(f"templates with prefix {prefix!r} are already registered")
        self.templates[prefix] = loader

    @property
    def fallback(self) -> Entry | None:
        return self._fallback

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

    def load_plugins(self, names: bool | Iterable[str] = True) -> list[str]:
        """Apply installed plug-ins: each ``bai_media.handlers`` entry point is a ``register(registry)``.

        ``True`` applies all of them, an iterable the named ones (a missing name raises). A
        plug-in that fails is logged and skipped. Returns the names applied.
        """
        from importlib.metadata import entry_points  # a scan of every installed package: only when asked

        available = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
        if names is True:
            wanted = sorted(available)
        elif names is False:
            wanted = []
        else:
            wanted = list(names)  # type: ignore[arg-type]
            missing = [name for name in wanted if name not in available]
            if missing:
                raise RegistryError(f"no bai-media plug-in named {', '.join(map(repr, missing))}")
        applied: list[str] = []
        for name in wanted:
            try:
                available[name].load()(self)
            except Exception:
                log.exception("bai-media: handler plug-in %s failed to load; skipped", name)
                continue
            log.info("bai-media: loaded handler plug-in %s", name)
            applied.append(name)
        return applied
