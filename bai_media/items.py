"""Media items: the one shape every adapter produces and every handler receives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class BadItem(ValueError):
    """Raised for an item whose shape is not ``(type, data)``; the renderer shows it as an error."""


@dataclass(frozen=True, slots=True)
class MediaItem:
    """One output: a media type, its data and optional Jupyter-style metadata.

    ``fallback`` is the next representation of the same output (the adapter picks it from a MIME
    bundle), shown when this one's handler finds nothing it may show, e.g. script-only HTML.
    """

    type: str
    data: Any
    metadata: Mapping[str, Any] = field(default_factory=dict)
    fallback: MediaItem | None = None

    def meta(self, key: str) -> Any:
        """A metadata value: Jupyter puts it under the MIME type, or flat; accept both."""
        nested = self.metadata.get(self.type)
        if isinstance(nested, Mapping) and key in nested:
            return nested[key]
        return self.metadata.get(key)

    @classmethod
    def coerce(cls, raw: Any) -> MediaItem:
        """Accept ``(type, data)`` tuples, ``[type, data]`` lists and ``{"type", "data"}`` dicts,
        as the JavaScript library did, plus an optional third element / ``metadata`` key."""
        if isinstance(raw, MediaItem):
            return raw
        metadata: Any = {}
        # Sequences first: tuples and lists are the common case, and an ABC check is not free.
        if isinstance(raw, (list, tuple)):
            if len(raw) not in (2, 3):
                raise BadItem(f"item is a sequence of {len(raw)} elements, expected [type, data]")
            mtype, data = raw[0], raw[1]
            metadata = raw[2] if len(raw) == 3 and raw[2] is not None else {}
        elif isinstance(raw, Mapping):
            if "type" not in raw or "data" not in raw:
                raise BadItem("item is a mapping without both 'type' and 'data' keys")
            mtype, data, metadata = raw["type"], raw["data"], raw.get("metadata") or {}
        else:
            raise BadItem(f"item is a {type(raw).__name__}, expected [type, data] or {{type, data}}")
        if not isinstance(mtype, str):
            raise BadItem(f"item type is a {type(mtype).__name__}, expected a string")
        if type(metadata) is not dict and not isinstance(metadata, Mapping):
            metadata = {}
        return cls(mtype.strip().lower(), data, metadata)

    @property
    def family(self) -> str:
        """The top-level type (``image`` for ``image/png``), for CSS classes."""
        return self.type.partition("/")[0]


INVALID_TYPE = "application/vnd.bai-media.invalid"


def invalid(message: str) -> MediaItem:
    """An item standing for input that could not be used: it renders as a visible error."""
    return MediaItem(INVALID_TYPE, message)
