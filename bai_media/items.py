"""Media items: the one shape every adapter produces and every handler receives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class BadItem(ValueError):
    """Raised for an item whose shape is not ``(type, data)``; the renderer shows it as an error."""


#: The default of ``MediaItem.metadata``: a new empty dict for each item.
_NO_METADATA: Any = object()


@dataclass(frozen=True, slots=True, init=False)
class MediaItem:
    """One output: a media type, its data and optional Jupyter-style metadata.

    ``fallback`` is the next representation of the same output (the adapter picks it from a MIME
    bundle), shown when this one's handler finds nothing it may show, e.g. script-only HTML.
    """

    type: str
    data: Any
    metadata: Mapping[str, Any] = field(default_factory=dict)
    fallback: MediaItem | None = None

    def __init__(self, type: str, data: Any, metadata: Mapping[str, Any] = _NO_METADATA,  # noqa: A002 - the field
                 fallback: MediaItem | None = None) -> None:
        # Every item is made here, most by coerce(): the frozen slots are set directly, at less
        # than the cost of the dataclass's own __init__ (object.__setattr__ per field).
        _set_type(self, type)
        _set_data(self, data)
        _set_metadata(self, {} if metadata is _NO_METADATA else metadata)
        _set_fallback(self, fallback)

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
        if type(raw) is tuple and len(raw) == 2 and type(raw[0]) is str:  # the usual item, in fewer checks
            return cls(raw[0].strip().lower(), raw[1])
        if isinstance(raw, MediaItem):
            return raw
        metadata: Any
        # Sequences first: tuples and lists are the common case, and an ABC check is not free.
        if isinstance(raw, (list, tuple)):
            size = len(raw)
            if size == 2:
                mtype, data = raw
                metadata = _NO_METADATA
            elif size == 3:
                mtype, data, metadata = raw
                if metadata is None:
                    metadata = _NO_METADATA
            else:
                raise BadItem(f"item is a sequence of {size} elements, expected [type, data]")
        elif isinstance(raw, Mapping):
            if "type" not in raw or "data" not in raw:
                raise BadItem("item is a mapping without both 'type' and 'data' keys")
            mtype, data, metadata = raw["type"], raw["data"], raw.get("metadata") or {}
        else:
            raise BadItem(f"item is a {type(raw).__name__}, expected [type, data] or {{type, data}}")
        if not isinstance(mtype, str):
            raise BadItem(f"item type is a {type(mtype).__name__}, expected a string")
        if type(metadata) is not dict and metadata is not _NO_METADATA and not isinstance(metadata, Mapping):
            metadata = _NO_METADATA
        return cls(mtype.strip().lower(), data, metadata)

    @property
    def family(self) -> str:
        """The top-level type (``image`` for ``image/png``), for CSS classes."""
        return self.type.partition("/")[0]


_set_type, _set_data, _set_metadata, _set_fallback = (
    MediaItem.type.__set__, MediaItem.data.__set__, MediaItem.metadata.__set__, MediaItem.fallback.__set__)  # type: ignore[attr-defined]

INVALID_TYPE = "application/vnd.bai-media.invalid"


def invalid(message: str) -> MediaItem:
    """An item standing for input that could not be used: it renders as a visible error."""
    return MediaItem(INVALID_TYPE, message)
