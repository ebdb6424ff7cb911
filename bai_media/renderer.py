"""The renderer: registry lookup, limits, error isolation and element ids.

Handlers receive a :class:`~bai_media.context.Context` and return the inner HTML of their item
(``Markup``, or an :class:`~bai_media.context.Output` with classes and updates); everything that
can go wrong in them becomes a visible error fragment for that one item.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import posixpath
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .cache import RenderCache
from .context import BadData, Context, NothingShown, Output
from .handlers import default_registry
from .items import BadItem, MediaItem, invalid
from .limits import Limits
from .registry import Entry, Registry
from .resources import static_dir, templates_dir
from .sanitize import ENGINES, Engine, ImageResolver, check_remote_media, resolving_images, sanitize_html, xml_chars
from .state import RenderedItem, ResultData, ResultState
from .store import MemoryStore, Store
from .templating import compile_simple, markup

if TYPE_CHECKING:
    import jinja2

log = logging.getLogger("bai_media")

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")
_CLASS_UNSAFE = re.compile(r"[^a-z0-9-]")

__all__ = ["BadData", "Renderer", "default_renderer", "handle_all", "page_css", "safe_id"]


@lru_cache(maxsize=1024)
def _safe_id(text: str) -> str:
    return _ID_UNSAFE.sub("_", text)[:128] or "result"


def safe_id(value: Any) -> str:
    """An HTML id from any result id: unsafe characters replaced, bounded, never empty."""
    return _safe_id(str(value))


@lru_cache(maxsize=1024)
def css_token(value: str) -> str:
    return _CLASS_UNSAFE.sub("-", value.lower())[:40] or "unknown"


@lru_cache(maxsize=1024)
def item_classes(mtype: str, extra: tuple[str, ...]) -> str:
    """The class attribute of an item element: its family and the handler's extra classes."""
    return " ".join(["bai-media-" + css_token(mtype.partition("/")[0]), *map(css_token, extra)])


def thousands(number: int) -> str:
    return f"{number:,}"


class Renderer:
    """Renders media items with a registry of handlers under one set of options.

    Thread-safe: all mutable state lives in the results it renders into, one per caller.
    ``remote_media`` is "allow" (the default, as Jupyter), "block" (remote images, audio and video
    shown as links) or a proxy URL template with ``{url}`` (see ``bai_media.sanitize``).
    ``plugins`` applies installed handler plug-ins: ``True`` for all, or their entry point names.
    ``cache`` keeps items that depend on nothing before them (see :mod:`bai_media.cache`): a
    :class:`~bai_media.store.Store`, ``True`` for an in-process LRU, ``None`` for no cache.
    """

    def __init__(
        self,
        *,
        sanitizer: Engine = "nh3",
        limits: Limits | None = None,
        template_dirs: Sequence[str | Path] = (),
        registry: Registry | None = None,
        plugins: bool | Iterable[str] = False,
        remote_media: str = "allow",
        cache: Store | bool | None = True,
    ) -> None:
        if sanitizer not in ENGINES:
            raise ValueError(f"unknown sanitizer engine {sanitizer!r}; choose one of {', '.join(ENGINES)}")
        self.sanitizer: Engine = sanitizer
        self.remote_media = check_remote_media(remote_media)
        self.limits = limits or Limits()
        self.registry = registry if registry is not None else default_registry()
        if plugins:
            self.registry.load_plugins(plugins)
        # User folders come first so a project can override any shipped template.
        self.template_dirs = tuple(str(path) for path in template_dirs)
        self._inline_css: Markup | None = None
        self._compiled: dict[str, Callable[..., Markup]] = {}
        store = MemoryStore(max_entries=20_000, max_bytes=128_000_000) if cache is True else cache or None
        options = json.dumps([sanitizer, self.remote_media, repr(self.limits), list(self.template_dirs),
                              sorted(self.registry.templates)])
        self.cache = RenderCache(store, options) if store is not None else None

    @cached_property
    def env(self) -> jinja2.Environment:
        """Jinja, for the templates that are more than text and placeholders: built, and
        imported (about 25 ms), when the first of them is rendered."""
        import jinja2

        # Plug-in templates sit under their own prefix, so they cannot replace a built-in one.
        loader = jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(list(self.template_dirs)),
            jinja2.FileSystemLoader(str(templates_dir())),
            jinja2.PrefixLoader(self.registry.templates),
        ])
        env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        env.filters["thousands"] = thousands
        return env

    # -- public API ---------------------------------------------------------------------------

    def handle_all(self, media: Any, result_id: Any, container: ResultData | None = None, *,
                   resolve: ImageResolver | None = None) -> Markup:
        """Render ``media`` into ``container`` (a new one if None) and return the container's HTML.

        ``resolve`` turns relative image URLs in HTML and markdown into ``data:`` URIs or
        absolute URLs (see :func:`bai_media.sanitize.resolving_images`); without it they are
        dropped.
        """
        result_id = str(result_id)
        result = container if container is not None else ResultData(result_id)
        if resolve is None:  # nothing to install (and no outer resolver to hide): no context manager
            self.render_into(result, media, result_id, append=False)
        else:
            with resolving_images(resolve):
                self.render_into(result, media, result_id, append=False)
        return self.render_container(result)

    def sanitize(self, html: str, *, mathml: bool = False) -> Markup:
        """Sanitize kernel HTML under the project policy with this renderer's engine."""
        return sanitize_html(html, self.sanitizer, self.remote_media, mathml=mathml)

    def render_template(self, name: str, /, **context: Any) -> Markup:
        """A template's output; for ``.svg`` templates, valid XML whatever text went into it."""
        render = self._compiled.get(name)
        if render is None:
            render = self._template(name)
        return render(**context)

    def _template(self, name: str) -> Callable[..., Markup]:
        """The template's render function, compiled on its first use (callers look it up first)."""
        render = self._compiled[name] = self._compile(name)
        return render

    def _compile(self, name: str) -> Callable[..., Markup]:
        """The template's render function: a format string when it is simple enough, else Jinja;
        for ``.svg`` templates, made valid XML whatever text went into it."""
        render = compile_simple(self._source(name))
        if render is None:
            template = self.env.get_template(name)
            render = lambda **context: markup(template.render(**context))  # noqa: E731
        if name.endswith(".svg"):
            plain = render
            return lambda **context: Markup(xml_chars(plain(**context)))
        return render

    def _source(self, name: str) -> str:
        """A template's source, found where :attr:`env`'s loader looks: a file in the user's folders
        or the shipped one is read without Jinja, anything else (plug-in prefixes, a missing
        name) is Jinja's to find or refuse."""
        pieces = name.split("/")
        if all(piece not in ("", ".", os.pardir) and os.sep not in piece and (not os.altsep or os.altsep not in piece)
               for piece in pieces):
            for folder in (*self.template_dirs, str(templates_dir())):
                path = posixpath.join(folder, *pieces)  # as Jinja joins: no drive or UNC piece escapes the folder
                if os.path.isfile(path):
                    with open(path, encoding="utf-8") as file:
                        return file.read()
        loader = self.env.loader
        assert loader is not None
        return loader.get_source(self.env, name)[0]

    def render_page(self, body: Markup, *, title: str = "bai-media", head: Markup | None = None) -> str:
        """A complete HTML page around ``body``; ``head`` defaults to the shipped CSS, inlined."""
        if head is None:
            if self._inline_css is None:  # read once per renderer; batch renders make many pages
                self._inline_css = Markup("<style>%s</style>") % Markup("\n".join(page_css()).replace("</", "<\\/"))
            head = self._inline_css
            if "<math" in body:  # the math font only where math appears (262 KB)
                head += math_font_css()
        return str(self.render_template("page.html", title=title, body=body, head=head))

    def render_changes(self, result: ResultData, media: Any, result_id: str, *, append: bool) -> Markup:
        """Render ``media`` into ``result``; returns the elements that changed, wrapped."""
        changed = self.render_into(result, media, result_id, append=append)
        return markup("".join([self.wrap(item, changes=True) for item in changed]))

    def render_into(self, result: ResultData, media: Any, result_id: str, *, append: bool) -> list[RenderedItem]:
        """Render ``media`` into ``result``; returns the items whose elements changed."""
        state = result.states.get(result_id) or result.state(result_id)
        if not append and (state.handlers or state.last_type is not None or state.last_index is not None):
            state.reset()
        index = state.next_index if append else 0
        changed: dict[str, RenderedItem] = {}
        items = media if type(media) is list else self._items(media)
        most = self.limits.result_items
        prefix = _safe_id(result_id) if type(result_id) is str else safe_id(result_id)
        for count, raw in enumerate(items):
            full = index >= most
            if full:  # one visible notice for the rest, rather than unbounded work or a silent cut
                left = f"{len(items) - count:,} more items" if isinstance(items, (list, tuple)) else "More items"
                raw = invalid(f"{left} not rendered: a result holds at most {most:,}")
            rendered, touched = self._render_one(result, state, result_id, prefix, raw, index, append)
            for item in touched:
                changed[item.element_id] = item
            if changed.pop(rendered.element_id, None) is not None:
                rendered.append = None  # its earlier part is not on the page yet: send it whole
            changed[rendered.element_id] = rendered
            index = rendered.index + 1
            if full:
                break
        state.next_index = max(state.next_index, index) if not append else index
        return list(changed.values())

    def _render_one(self, result: ResultData, state: ResultState, result_id: str, prefix: str, raw: Any, index: int,
                    append: bool) -> tuple[RenderedItem, list[RenderedItem]]:
        """One item into its element; a stream continuing the previous element reuses its index.
        ``state`` is ``result_id``'s state in ``result``; ``prefix`` its HTML id."""
        item: MediaItem | None = None
        try:
            item = raw if type(raw) is MediaItem else MediaItem.coerce(raw) if not isinstance(raw, _NotAList) else None
            error = self.error_fragment(str(raw)) if item is None else None
        except BadItem as exc:
            error = self.error_fragment(str(exc))
        continuing = False
        touched: list[RenderedItem] = []
        tail: Markup | None = None
        if item is None:
            mtype = "invalid"
            element_id = f"{prefix}-{index}"
            inner, extra = error or Markup(""), ()
        else:
            mtype = item.type
            entry = self.registry.lookup(mtype)
            # Only the element rendered last can continue: after render() replaced item 0 of a
            # longer result, an extend() starts a new element rather than writing into item 1.
            continuing = bool(append and entry is not None and entry.continues and index > 0
                              and state.last_type == mtype and state.last_index == index - 1)
            if continuing:
                index -= 1
            element_id = f"{prefix}-{index}"
            inner, extra, touched, tail = self._run(item, entry, result, state, result_id, index, element_id, continuing)
        rendered = RenderedItem(element_id, mtype, item_classes(mtype, extra), inner, result_id, index,
                                tail if continuing else None)
        result.items[element_id] = rendered
        state.last_type = mtype
        state.last_index = index
        return rendered, touched

    def wrap(self, item: RenderedItem, changes: bool = False) -> Markup:
        """The item's element; as a change (``changes``), only its new part when it has one."""
        if changes and item.append is not None:
            return self.render_template("item_append.html", item=item, append=item.append)
        return self.render_template("item.html", item=item)

    def render_container(self, result: ResultData) -> Markup:
        # The compiled templates are called directly: this runs for every handle_all call.
        item = self._compiled.get("item.html") or self._template("item.html")
        container = self._compiled.get("container.html") or self._template("container.html")
        return container(result_id=result.result_id, items=markup("".join([item(item=i) for i in result.items.values()])))

    def error_fragment(self, message: str, mtype: str | None = None) -> Markup:
        return self.render_template("error.html", message=message, type=mtype)

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

    def _run(self, item: MediaItem, entry: Entry | None, result: ResultData, state: ResultState, result_id: str,
             index: int, element_id: str, continuing: bool) -> tuple[Markup, tuple[str, ...], list[RenderedItem], Markup | None]:
        """Call the handler; returns its HTML, extra classes, the earlier items it updated and
        the part a page showing the element appends (None: the whole element)."""
        entry = entry if entry is not None else self.registry.fallback
        key: str | None = None
        try:
            if entry is None:
                raise BadData(f"no handler for {item.type}")
            cache = self.cache
            if entry.state is not None:  # depends on earlier items: never cached
                handler_state = state.get(entry.state)
            else:
                handler_state = None
                key = cache.key(item, entry.handler) if cache is not None else None
                hit = cache.get(key) if key is not None and cache is not None else None
                if hit is not None:
                    return hit[0], hit[1], [], None
            ctx: Context[Any] = Context.for_item(self, result_id, index, element_id, continuing, handler_state,
                                                 result.items.__contains__, self._render_nested)
            out = entry.handler(item, ctx)
            if type(out) is Markup:
                self._keep(key, out, ())
                return out, (), [], None
            html = out.html if isinstance(out, Output) else out
            if not isinstance(html, Markup) and not hasattr(html, "__html__"):  # Markup, or HTML built when read
                raise TypeError(f"handler for {item.type} returned {type(html).__name__}, not Markup")
            if not isinstance(out, Output):
                self._keep(key, html, ())
                return html, (), [], None
            if out.append is not None and not isinstance(out.append, Markup):
                raise TypeError("Output.append must be Markup")
            classes = out.classes
            if type(classes) is not tuple or len(classes) > 1 or classes and type(classes[0]) is not str:
                classes = self._classes(classes)  # checked without a call in the common shapes
            if key is not None and not out.updates and out.append is None:
                self._keep(key, html, classes)
            return html, classes, self._apply(result, result_id, out.updates) if out.updates else [], out.append
        except BadData as exc:
            fragment = self.error_fragment(str(exc), item.type)
            self._keep(key, fragment, ())
            return fragment, (), [], None
        except NothingShown as exc:  # not kept: what is shown instead depends on the item's fallback
            notice = self.render_template("notice.html", message=str(exc))
            if item.fallback is None:
                return notice, (), [], None
            shown, classes, touched, _ = self._run(item.fallback, self.registry.lookup(item.fallback.type), result,
                                                   state, result_id, index, element_id, continuing)
            return notice + shown, classes, touched, None
        except Exception as exc:
            log.exception("bai-media: handler for %r failed on item %s", item.type, element_id)
            return self.error_fragment(f"could not render this item ({type(exc).__name__})", item.type), (), [], None

    def _keep(self, key: str | None, html: Any, classes: tuple[str, ...]) -> None:
        if key is not None and self.cache is not None and isinstance(html, Markup):
            self.cache.put(key, html, classes)

    def _render_nested(self, item: MediaItem, parent: Context[Any]) -> Markup:
        """An item drawn inside another (see :meth:`Context.render_item`), wrapped without an id."""
        if parent.depth >= self.limits.nesting:
            return self.error_fragment(f"items nested more than {self.limits.nesting} deep are not shown", item.type)
        if not parent.budget.take():
            return self.error_fragment(f"not shown: one output draws at most {self.limits.item_parts:,} parts", item.type)
        entry = self.registry.lookup(item.type) or self.registry.fallback
        element_id = f"{parent.element_id}.{parent.budget.used}"
        classes: tuple[str, ...] = ()
        try:
            if entry is None:
                raise BadData(f"no handler for {item.type}")
            ctx: Context[Any] = Context(self, result_id=parent.result_id, index=parent.index, element_id=element_id,
                                        continuing=False, state=entry.state() if entry.state is not None else None,
                                        exists=lambda _: False, depth=parent.depth + 1, budget=parent.budget,
                                        nested=self._render_nested)
            out = entry.handler(item, ctx)
            html = out.html if isinstance(out, Output) else out
            if not isinstance(html, Markup) and hasattr(html, "__html__"):  # HTML built when read
                html = Markup(html.__html__())
            if not isinstance(html, Markup):
                raise TypeError(f"handler for {item.type} returned {type(html).__name__}, not Markup")
            if isinstance(out, Output):
                if out.updates:
                    raise TypeError("a nested item cannot update other elements")
                classes = self._classes(out.classes)
        except BadData as exc:
            html = self.error_fragment(str(exc), item.type)
        except NothingShown as exc:
            html = self.render_template("notice.html", message=str(exc))
            if item.fallback is not None:
                html += self._render_nested(item.fallback, parent)
        except Exception as exc:
            log.exception("bai-media: handler for %r failed on nested item %s", item.type, element_id)
            html = self.error_fragment(f"could not render this item ({type(exc).__name__})", item.type)
        names = " ".join(["bai-media-" + css_token(item.family), *map(css_token, classes)])
        return self.render_template("nested.html", type=item.type, classes=names, inner=html)

    @staticmethod
    def _classes(classes: Any) -> tuple[str, ...]:
        if not isinstance(classes, (tuple, list)) or not all(isinstance(c, str) for c in classes):
            raise TypeError("Output.classes must be a tuple of strings")
        return tuple(classes)

    @staticmethod
    def _apply(result: ResultData, result_id: str, updates: Mapping[str, Markup]) -> list[RenderedItem]:
        """Replace the inner HTML of earlier elements of this result id; others are left alone."""
        if not all(isinstance(inner, Markup) for inner in updates.values()):
            raise TypeError("Output.updates must map element ids to Markup")
        touched: list[RenderedItem] = []
        for element_id, inner in updates.items():
            target = result.items.get(element_id)
            if target is not None and target.result_id == result_id:
                target.inner, target.append = inner, None
                touched.append(target)
        return touched


#: The stylesheets every page needs, in cascade order.
CSS_FILES = ("bai-media.css", "highlight.css")
MATH_FONT = "STIXMath-Regular.woff2"


@cache
def math_font_css() -> Markup:
    """The math font as an inline ``@font-face`` for standalone pages (no file beside them)."""
    font = base64.b64encode((static_dir() / "fonts" / MATH_FONT).read_bytes()).decode("ascii")
    return Markup('<style>@font-face { font-family: "bai-media STIX Math"; '
                  'src: url(data:font/woff2;base64,%s) format("woff2"); }</style>') % font


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


def handle_all(media: Any, result_id: Any, container: ResultData | None = None, *,
               resolve: ImageResolver | None = None) -> Markup:
    """Render kernel media items into one sanitized HTML fragment. Never raises on bad data."""
    return (_default or default_renderer()).handle_all(media, result_id, container, resolve=resolve)
