"""The result object: rendered items by element id, plus per-result state for later items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from .renderer import Renderer


@dataclass(slots=True)
class RenderedItem:
    """One item element: its id, media type, CSS classes and inner HTML."""

    element_id: str
    type: str
    classes: str
    inner: Markup
    result_id: str
    index: int


@dataclass(slots=True)
class ResultState:
    """What one result id remembers between calls: next index and handler state."""

    next_index: int = 0
    last_type: str | None = None
    handlers: dict[str, Any] = field(default_factory=dict)


#: Version of the saved-state format; state of another version is refused, never guessed at.
STATE_VERSION = 1


def _handler_codecs() -> dict[str, tuple[Any, Any]]:
    """Per-result handler state by key: how each kind is saved and restored (JSON, no pickle)."""
    from .ansi import Terminal
    from .drawing import CanvasState

    return {
        "streams": (lambda d: {k: v.to_json() for k, v in d.items()},
                    lambda d: {str(k): Terminal.from_json(v) for k, v in d.items()}),
        "canvases": (lambda d: [v.to_json() for v in d.values()],
                     lambda d: {int(v["cid"]): CanvasState.from_json(v) for v in d}),
    }


class MediaResult:
    """A container of rendered items, updated in place like the JavaScript library's container.

    :meth:`render` gives item *i* the id ``<result_id>-<i>`` and replaces an earlier item with the
    same id; :meth:`extend` appends after what the result already holds and lets a stream
    continue its previous block (a Backend.AI ``continued`` run). ``str()`` is the whole HTML.
    """

    def __init__(self, result_id: str, renderer: Renderer | None = None) -> None:
        from .renderer import default_renderer

        self.result_id = str(result_id)
        self.renderer = renderer or default_renderer()
        self.items: dict[str, RenderedItem] = {}
        self._states: dict[str, ResultState] = {}

    def state(self, result_id: str | None = None) -> ResultState:
        key = self.result_id if result_id is None else str(result_id)
        return self._states.setdefault(key, ResultState())

    def render(self, media: Any, result_id: str | None = None) -> Markup:
        """Render ``media`` as items 0..n-1 of ``result_id``; returns the changed item elements."""
        changed = self.renderer.render_into(self, media, self.result_id if result_id is None else result_id, append=False)
        return Markup("").join(self.renderer.wrap(item) for item in changed)

    def extend(self, media: Any, result_id: str | None = None) -> Markup:
        """Append ``media`` after the items already rendered; returns the changed item elements."""
        changed = self.renderer.render_into(self, media, self.result_id if result_id is None else result_id, append=True)
        return Markup("").join(self.renderer.wrap(item) for item in changed)

    def to_state(self) -> dict[str, Any]:
        """What rendering later items needs, as versioned JSON-serialisable data.

        Element ids and types of the items are kept, not their HTML (the page has it): the size
        is bounded by ``Limits`` (``result_items`` ids, streams by ``text_chars``, canvases by
        the drawing limits).
        """
        codecs = _handler_codecs()
        states = {}
        for key, state in self._states.items():
            handlers = {name: codecs[name][0](value) for name, value in state.handlers.items() if name in codecs}
            states[key] = {"next_index": state.next_index, "last_type": state.last_type, "handlers": handlers}
        items = [[i.element_id, i.type, i.classes, i.result_id, i.index] for i in self.items.values()]
        return {"version": STATE_VERSION, "result_id": self.result_id, "items": items, "states": states}

    @classmethod
    def from_state(cls, state: dict[str, Any], renderer: Renderer | None = None) -> MediaResult:
        """A result restored from :meth:`to_state`; raises ValueError for another version or shape."""
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise ValueError("saved result state of an unknown version")
        codecs = _handler_codecs()
        try:
            result = cls(str(state["result_id"]), renderer)
            for element_id, mtype, classes, result_id, index in state["items"]:
                result.items[element_id] = RenderedItem(element_id, mtype, classes, Markup(""), result_id, int(index))
            for key, saved in state["states"].items():
                result._states[key] = ResultState(int(saved["next_index"]), saved["last_type"], {
                    name: codecs[name][1](value) for name, value in saved["handlers"].items() if name in codecs})
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"saved result state is malformed ({type(exc).__name__})") from exc
        return result

    def store(self, item: RenderedItem) -> None:
        self.items[item.element_id] = item

    def __html__(self) -> str:
        return self.renderer.render_container(self)

    def __str__(self) -> str:
        return self.__html__()

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterable[RenderedItem]:  # type: ignore[override]
        return iter(self.items.values())
