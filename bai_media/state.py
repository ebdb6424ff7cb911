"""What a result holds, as plain data: rendered item elements and per-result handler state.

No renderer, no templates, no callables: a result pickles, and :meth:`ResultData.to_state`
gives a versioned JSON dict that :meth:`ResultData.from_state` restores.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from markupsafe import Markup

from .context import State, state_key

log = logging.getLogger(__name__)

#: Version of the dict :meth:`ResultData.to_state` writes; bumped when its shape changes.
STATE_VERSION = 1

T = TypeVar("T", bound="ResultData")
S = TypeVar("S", bound=State)


class StateError(ValueError):
    """A saved result that this version cannot restore."""


@dataclass(slots=True)
class RenderedItem:
    """One item element: its id, media type, CSS classes and inner HTML."""

    element_id: str
    type: str
    classes: str
    inner: Markup
    result_id: str
    index: int

    def to_json(self) -> dict[str, Any]:
        return {"element_id": self.element_id, "type": self.type, "classes": self.classes,
                "inner": str(self.inner), "result_id": self.result_id, "index": self.index}

    @classmethod
    def from_json(cls, data: Any) -> RenderedItem:
        try:
            return cls(str(data["element_id"]), str(data["type"]), str(data["classes"]), Markup(str(data["inner"])),
                       str(data["result_id"]), int(data["index"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(f"a saved item is malformed ({type(exc).__name__})") from exc


@dataclass(slots=True)
class ResultState:
    """What one result id remembers between calls: indexes and each handler's typed state.

    ``handlers`` maps :func:`~bai_media.context.state_key` to a state object, or to its saved
    JSON until the handler that owns it first asks (only the registry knows the types).
    """

    next_index: int = 0
    last_type: str | None = None
    last_index: int | None = None
    handlers: dict[str, Any] = field(default_factory=dict)

    def get(self, cls: type[S]) -> S:
        """This result's state of type ``cls``: restored from JSON, or new."""
        key = state_key(cls)
        value = self.handlers.get(key)
        if isinstance(value, cls):
            return value
        restored: S | None = None
        if value is not None:
            try:
                restored = cast(S, cls.from_json(value))
            except (KeyError, TypeError, ValueError):
                log.warning("bai-media: saved %s state is malformed; starting afresh", key)
        if restored is None:
            restored = cls()
        self.handlers[key] = restored
        return restored

    def reset(self) -> None:
        self.handlers.clear()
        self.last_type = None
        self.last_index = None

    def to_json(self) -> dict[str, Any]:
        return {
            "next_index": self.next_index, "last_type": self.last_type, "last_index": self.last_index,
            "handlers": {key: value if isinstance(value, dict) else value.to_json() for key, value in self.handlers.items()},
        }

    @classmethod
    def from_json(cls, data: Any) -> ResultState:
        try:
            handlers = data.get("handlers") or {}
            if not isinstance(handlers, dict) or not all(isinstance(v, dict) for v in handlers.values()):
                raise TypeError("handlers")
            last = data.get("last_index")
            return cls(int(data["next_index"]), None if data.get("last_type") is None else str(data["last_type"]),
                       None if last is None else int(last), {str(k): v for k, v in handlers.items()})
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise StateError(f"a saved result state is malformed ({type(exc).__name__})") from exc


class ResultData:
    """Rendered items by element id plus per-result-id state: what a renderer renders into."""

    def __init__(self, result_id: str) -> None:
        self.result_id = str(result_id)
        self.items: dict[str, RenderedItem] = {}
        self.states: dict[str, ResultState] = {}

    def state(self, result_id: str | None = None) -> ResultState:
        key = self.result_id if result_id is None else str(result_id)
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = ResultState()
        return state

    def store(self, item: RenderedItem) -> None:
        self.items[item.element_id] = item

    def to_state(self) -> dict[str, Any]:
        """A JSON-serialisable, versioned copy. Items are rendered HTML: restore only what you saved."""
        return {
            "version": STATE_VERSION,
            "result_id": self.result_id,
            "items": [item.to_json() for item in self.items.values()],
            "states": {rid: state.to_json() for rid, state in self.states.items()},
        }

    @classmethod
    def from_state(cls: type[T], data: Any) -> T:
        """The result :meth:`to_state` saved; raises :class:`StateError` for another version."""
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            version = data.get("version") if isinstance(data, dict) else None
            raise StateError(f"saved result has version {version!r}; this bai-media reads {STATE_VERSION}")
        result = cls(str(data.get("result_id", "")))
        items, states = data.get("items"), data.get("states")
        if not isinstance(items, list) or not isinstance(states, dict):
            raise StateError("a saved result needs an items list and a states mapping")
        for raw in items:
            result.store(RenderedItem.from_json(raw))
        result.states = {str(rid): ResultState.from_json(raw) for rid, raw in states.items()}
        return result

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[RenderedItem]:
        return iter(self.items.values())
