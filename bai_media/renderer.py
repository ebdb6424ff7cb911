"""The renderer: registry lookup, limits, error isolation and element ids.

Handlers receive a :class:`RenderContext` and return the inner HTML of their item as ``Markup``;
everything that can go wrong in them becomes a visible error fragment for that one item.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup

from .items import BadItem, MediaItem, invalid
from .limits import Limits, Truncated, truncate
from .registry import Registry
from .resources import static_dir, templates_dir
from .result import MediaResult, RenderedItem
from .sanitize import ENGINES, Engine, sanitize_html

log = logging.getLogger("bai_media")

T = TypeVar("T")

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")
_CLASS_UNSAFE = re.compile(r"[^a-z0-9-]")


class BadData(ValueError):
    """Data of the wrong shape or content for its type; shown as an error fragment."""


def safe_id(value: Any) -> str:
    """An HTML id from any result id: unsafe characters replaced, bounded, never empty."""
    text = _ID_UNSAFE.sub("_", str(value))[:128]
    return text or "result"


def css_token(value: str) -> str:
    return _CLASS_UNSAFE.sub("-", value.lower())[:40] or "unknown"


class RenderContext:
    """What a handler may use: limits, the sanitizer, templates and per-result state. No I/O."""

    __slots__ = ("renderer", "result", "result_id", "index", "element_id", "continuing", "classes", "_state", "touched",
                 "depth", "item_state", "_nested")

    def __init__(
        self,
        renderer: Renderer,
        result: MediaResult,
        result_id: str,
        index: int,
        continuing: bool,
        *,
        parent: RenderContext | None = None,
    ) -> None:
        self.renderer = renderer
        self.result = result
        self.result_id = result_id
        self.index = index
        self.element_id = f"{safe_id(result_id)}-{index}"
        self.continuing = continuing
        self.classes: list[str] = []
        self.touched: list[RenderedItem] = []
        self.depth = 0 if parent is None else parent.depth + 1
        #: Shared by an item and every item nested in it: budgets that nesting must not reset.
        self.item_state: dict[str, Any] = {} if parent is None else parent.item_state
        # Nested items keep their state apart from the result's, so they never continue its streams.
        self._state = result.state(result_id).handlers if parent is None else self.item_state.setdefault("nested", {})
        self._nested = 0

    @property
    def limits(self) -> Limits:
        return self.renderer.limits

    def sanitize(self, html: str) -> Markup:
        return self.renderer.sanitize(html)

    def render(self, template: str, /, **context: Any) -> Markup:
        return Markup(self.renderer.env.get_template(template).render(**context))

    def state(self, key: str, factory: Callable[[], T]) -> T:
        """Per-result state for handlers whose items build on earlier ones (streams, canvases)."""
        if key not in self._state:
            self._state[key] = factory()
        return self._state[key]  # type: ignore[no-any-return]

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

    def render_item(self, item: MediaItem) -> Markup:
        """Another item drawn inside this one through the normal pipeline (a bundle's fallback
        image, an Output widget's outputs): same handlers, same error isolation, bounded depth.

        """
        if self.depth >= self.limits.nesting:
            return self.renderer.error_fragment(f"items nested more than {self.limits.nesting} deep are not shown", item.type)
        child = RenderContext(self.renderer, self.result, self.result_id, self.index, False, parent=self)
        child.element_id = f"{self.element_id}.{self._nested}"
        self._nested += 1
        inner = self.renderer._run(item, self.renderer.registry.lookup(item.type), child)
        classes = " ".join(["bai-media-" + css_token(item.family), *child.classes])
        return self.render("nested.html", type=item.type, classes=classes, inner=inner)

    def update(self, element_id: str, inner: Markup) -> None:
        """Replace the content of an earlier item of this result (a canvas updated by a delta)."""
        item = self.result.items.get(element_id)
        if item is not None:
            item.inner = inner
            self.touched.append(item)


class Renderer:
    """Renders media items with a registry of handlers under one set of options.

    Thread-safe: all mutable state lives in :class:`MediaResult` objects, one per caller.
    """

    def __init__(
        self,
        *,
        sanitizer: Engine = "nh3",
        limits: Limits | None = None,
        template_dirs: Sequence[str | Path] = (),
        registry: Registry | None = None,
        load_plugins: bool = True,
    ) -> None:
        if sanitizer not in ENGINES:
            raise ValueError(f"unknown sanitizer engine {sanitizer!r}; choose one of {', '.join(ENGINES)}")
        self.sanitizer: Engine = sanitizer
        self.limits = limits or Limits()
        if registry is None:
            from .handlers import default_registry

            registry = default_registry()
            if load_plugins:
                registry.load_entry_points()
        self.registry = registry
        # User folders come first so a project can override any shipped template.
        loader = jinja2.FileSystemLoader([*map(str, template_dirs), str(templates_dir())])
        self.env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.filters["thousands"] = lambda n: f"{n:,}"
        self._inline_css: Markup | None = None

    # -- public API ---------------------------------------------------------------------------

    def handle_all(self, media: Any, result_id: Any, container: MediaResult | None = None) -> Markup:
        """Render ``media`` into ``container`` (a new one if None) and return the container's HTML."""
        result = container if container is not None else MediaResult(str(result_id), self)
        self.render_into(result, media, str(result_id), append=False)
        return Markup(result.__html__())

    def sanitize(self, html: str) -> Markup:
        """Sanitize kernel HTML under the project policy with this renderer's engine."""
        return sanitize_html(html, self.sanitizer)

    def render_page(self, body: Markup, *, title: str = "bai-media", head: Markup | None = None) -> str:
        """A complete HTML page around ``body``; ``head`` defaults to the shipped CSS, inlined."""
        if head is None:
            if self._inline_css is None:  # read once per renderer; batch renders make many pages
                self._inline_css = Markup("<style>%s</style>") % Markup("\n".join(page_css()).replace("</", "<\\/"))
            head = self._inline_css
        return self.env.get_template("page.html").render(title=title, body=body, head=head)

    # -- machinery used by MediaResult --------------------------------------------------------

    def render_into(self, result: MediaResult, media: Any, result_id: str, *, append: bool) -> list[RenderedItem]:
        """Render ``media`` into ``result``; returns the items whose elements changed."""
        state = result.state(result_id)
        if not append:
            state.handlers.clear()
            state.last_type = None
        index = state.next_index if append else 0
        changed: dict[str, RenderedItem] = {}
        items = self._items(media)
        for count, raw in enumerate(items):
            full = index >= self.limits.result_items
            if full:  # one visible notice for the rest, rather than unbounded work or a silent cut
                left = f"{len(items) - count:,} more items" if isinstance(items, (list, tuple)) else "More items"
                raw = invalid(f"{left} not rendered: a result holds at most {self.limits.result_items:,}")
            rendered, touched = self._render_one(result, result_id, raw, index, append)
            for item in touched:
                changed[item.element_id] = item
            changed.pop(rendered.element_id, None)
            changed[rendered.element_id] = rendered
            index = rendered.index + 1
            if full:
                break
        state.next_index = max(state.next_index, index) if not append else index
        return list(changed.values())

    def _render_one(self, result: MediaResult, result_id: str, raw: Any, index: int, append: bool) -> tuple[RenderedItem, list[RenderedItem]]:
        """One item into its element; a stream continuing the previous element reuses its index."""
        state = result.state(result_id)
        item, error = self._coerce(raw)
        entry = self.registry.lookup(item.type) if item is not None else None
        continuing = bool(append and item is not None and entry is not None and entry.continues
                          and index > 0 and state.last_type == item.type)
        ctx = RenderContext(self, result, result_id, index - 1 if continuing else index, continuing)
        inner = error if error is not None else self._run(item, entry, ctx)  # type: ignore[arg-type]
        mtype = item.type if item is not None else "invalid"
        classes = " ".join(["bai-media-" + css_token(mtype.partition("/")[0]), *ctx.classes])
        rendered = RenderedItem(ctx.element_id, mtype, classes, inner, result_id, ctx.index)
        result.store(rendered)
        state.last_type = mtype
        return rendered, ctx.touched

    def wrap(self, item: RenderedItem) -> Markup:
        return Markup(self.env.get_template("item.html").render(item=item))

    def render_container(self, result: MediaResult) -> Markup:
        return Markup(self.env.get_template("container.html").render(
            result_id=result.result_id, items=Markup("").join(self.wrap(i) for i in result.items.values())
        ))

    def error_fragment(self, message: str, mtype: str | None = None) -> Markup:
        return Markup(self.env.get_template("error.html").render(message=message, type=mtype))

    def _items(self, media: Any) -> Iterable[Any]:
        if isinstance(media, (list, tuple)):
            return media
        if media is None or isinstance(media, (str, bytes, bytearray, Mapping)):
            what = "nothing" if media is None else f"a {type(media).__name__}"
            return [_NotAList(f"media must be a list of [type, data] items, got {what}")]
        try:
            return list(media)
        except TypeError:
            return [_NotAList(f"media must be a list of [type, data] items, got a {type(media).__name__}")]

    def _coerce(self, raw: Any) -> tuple[MediaItem | None, Markup | None]:
        if isinstance(raw, _NotAList):
            return None, self.error_fragment(str(raw))
        try:
            return MediaItem.coerce(raw), None
        except BadItem as exc:
            return None, self.error_fragment(str(exc))

    def _run(self, item: MediaItem, entry: Any, ctx: RenderContext) -> Markup:
        handler = entry.handler if entry is not None else self.registry.fallback
        try:
            if handler is None:
                raise BadData(f"no handler for {item.type}")
            html = handler(item, ctx)
            if not isinstance(html, Markup):
                raise TypeError(f"handler for {item.type} returned {type(html).__name__}, not Markup")
            return html
        except BadData as exc:
            return self.error_fragment(str(exc), item.type)
        except Exception as exc:
            log.exception("bai-media: handler for %r failed on item %s", item.type, ctx.element_id)
            return self.error_fragment(f"could not render this item ({type(exc).__name__})", item.type)


#: The stylesheets every page needs, in cascade order.
CSS_FILES = ("bai-media.css", "highlight.css")


def page_css() -> list[str]:
    return [(static_dir() / "css" / name).read_text(encoding="utf-8") for name in CSS_FILES]


class _NotAList(str):
    """Marks the whole media argument as malformed, so it renders as one error item."""


_default: Renderer | None = None
_default_lock = threading.Lock()


def default_renderer() -> Renderer:
    """The process-wide renderer used by :func:`bai_media.handle_all`."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Renderer()
    return _default


def handle_all(media: Any, result_id: Any, container: MediaResult | None = None) -> Markup:
    """Render kernel media items into one sanitized HTML fragment. Never raises on bad data."""
    return default_renderer().handle_all(media, result_id, container)
