"""The handler contract: what a handler receives, what it may raise, and what it returns.

Handlers import this module, never the renderer that calls them (as rich's renderables depend on
the console protocol, not the console). A handler reads its item and its context and returns
``Markup`` or an :class:`Output`; it changes nothing but its own typed state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar

from markupsafe import Markup

from .items import MediaItem
from .limits import Limits, Truncated, truncate

S = TypeVar("S")


class BadData(ValueError):
    """Data of the wrong shape or content for its type; shown as an error fragment."""


class NothingShown(Exception):
    """Valid data with nothing the policy lets through (script-only HTML). The renderer shows the
    message as a notice, then the item's fallback representation if its adapter gave one."""


class State(Protocol):
    """Per-result handler state: built empty, saved to JSON and restored without loss.

    ``from_json`` gets data that may have been stored outside the process, so it validates.
    """

    def __init__(self) -> None: ...

    def to_json(self) -> dict[str, Any]: ...

    @classmethod
    def from_json(cls, data: Any) -> State: ...


@lru_cache(maxsize=None)
def state_key(cls: type) -> str:
    """The name a state type is saved under: stable across processes, unique per class."""
    return f"{cls.__module__}:{cls.__qualname__}"


@dataclass(frozen=True, slots=True, init=False)
class Output:
    """A handler's result when ``Markup`` alone is not enough.

    ``classes`` are added to the item element; ``updates`` replace the inner HTML of earlier
    elements of the same result by element id (a canvas redrawn by a later delta); ``append``,
    for a continued element, is what a page already showing it appends after dropping its
    unfinished last line (a stream's new part), so an answer need not repeat the whole element.
    """

    html: Markup
    classes: tuple[str, ...] = ()
    updates: Mapping[str, Markup] = field(default_factory=dict)
    append: Markup | None = None

    def __init__(self, html: Markup, classes: tuple[str, ...] = (), updates: Mapping[str, Markup] | None = None,
                 append: Markup | None = None) -> None:
        # Most items make one: the slots are set directly, as the frozen dataclass's own
        # __init__ does through object.__setattr__ at twice the cost.
        _set_html(self, html)
        _set_classes(self, classes)
        _set_updates(self, {} if updates is None else updates)
        _set_append(self, append)


_set_html, _set_classes, _set_updates, _set_append = (
    Output.html.__set__, Output.classes.__set__, Output.updates.__set__, Output.append.__set__)  # type: ignore[attr-defined]


class Budget:
    """Parts one output may still draw (items nested in it, widget views), shared by the output
    and everything nested in it, so that nesting cannot multiply the work."""

    __slots__ = ("left", "used")

    def __init__(self, parts: int) -> None:
        self.left = parts
        self.used = 0

    def take(self) -> bool:
        """Spend one part; False once the budget is spent."""
        if self.left <= 0:
            return False
        self.left -= 1
        self.used += 1
        return True


#: How the renderer draws an item nested in another (see :meth:`Context.render_item`).
Nested = Callable[[MediaItem, "Context[Any]"], Markup]


class Services(Protocol):
    """What the renderer lends a context: limits, the sanitizer, templates."""

    limits: Limits

    def sanitize(self, html: str, *, mathml: bool = False) -> Markup: ...

    def render_template(self, name: str, /, **context: Any) -> Markup: ...


_new = object.__new__


class Context(Generic[S]):
    """What a handler may use: limits, the sanitizer, templates, ids and its own state. No I/O.

    ``state`` is the instance of the type the handler registered with (``None`` without one);
    ``continuing`` says this item extends the element of the previous item of the same stream;
    ``depth`` is 0 for an item of the result and 1 or more for items nested in it.
    """

    __slots__ = ("_services", "_exists", "_nested", "result_id", "index", "element_id", "continuing", "state",
                 "depth", "_budget", "limits")

    def __init__(
        self,
        services: Services,
        *,
        result_id: str,
        index: int,
        element_id: str,
        continuing: bool,
        state: S,
        exists: Callable[[str], bool],
        depth: int = 0,
        budget: Budget | None = None,
        nested: Nested | None = None,
    ) -> None:
        self._services = services
        self.limits: Limits = services.limits
        self._exists = exists
        self._nested = nested
        self.depth = depth
        self._budget = budget
        self.result_id = result_id
        self.index = index
        self.element_id = element_id
        self.continuing = continuing
        self.state = state

    @classmethod
    def for_item(cls, services: Services, result_id: str, index: int, element_id: str, continuing: bool, state: S,
                 exists: Callable[[str], bool], nested: Nested | None) -> Context[S]:
        """``Context(services, result_id=..., ...)`` for a top-level item, made the way the renderer
        needs once per item: calling a class with keywords passes them to ``__init__`` through a
        dict, which costs as much as the rest of making the context."""
        ctx = _new(cls)
        cls.__init__(ctx, services, result_id=result_id, index=index, element_id=element_id, continuing=continuing,
                     state=state, exists=exists, nested=nested)
        return ctx

    @property
    def budget(self) -> Budget:
        """The parts this output may still draw; made on first use (most items draw none)."""
        budget = self._budget
        if budget is None:
            budget = self._budget = Budget(self.limits.item_parts)
        return budget

    def sanitize(self, html: str, *, mathml: bool = False) -> Markup:
        """Kernel HTML under the project policy (``bai_media.sanitize``); ``mathml`` also admits
        the MathML allowlist, for documents whose math is part of their tree."""
        return self._services.sanitize(html, mathml=mathml)

    def render(self, template: str, /, **context: Any) -> Markup:
        """A template of the renderer's Jinja environment (autoescaped)."""
        return self._services.render_template(template, **context)

    def has_element(self, element_id: str) -> bool:
        """Whether the result already holds that element (the target of an update)."""
        return self._exists(element_id)

    def render_item(self, item: MediaItem) -> Markup:
        """Another item drawn inside this one through the normal pipeline (a bundle's stand-in
        image, an Output widget's outputs): same handlers, same error isolation, with the depth
        and the number of parts bounded. Nested items get fresh handler state."""
        if self._nested is None:
            raise BadData("this context cannot draw nested items")
        return self._nested(item, self)

    def text(self, data: Any) -> str:
        """Data as text: str, UTF-8 bytes, or a Jupyter list of strings; anything else is bad."""
        if isinstance(data, str):
            return data
        if isinstance(data, (bytes, bytearray, memoryview)):
            return bytes(data).decode("utf-8", errors="replace")
        if isinstance(data, list) and all(isinstance(part, str) for part in data):
            return "".join(data)
        raise BadData(f"expected text, got {type(data).__name__}")

    def truncate(self, text: str, limit: int | None = None) -> str | Truncated:
        return truncate(text, self.limits.text_chars if limit is None else limit)


class Handler(Protocol):
    """Renders one item: ``Markup`` (the inner HTML of its element) or an :class:`Output`."""

    def __call__(self, item: MediaItem, ctx: Context[Any], /) -> Markup | Output: ...
