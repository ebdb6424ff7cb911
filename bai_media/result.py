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
