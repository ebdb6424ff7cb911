"""``text/html`` (pandas tables, rich reprs, Backend.AI ``html`` items): sanitized, never raw.

A kernel's ``<style>`` rules (pandas Styler, Altair, hand-written CSS) are inlined into the
elements of this one output that they select, before sanitizing: they can never reach the host
page, and what they set is held to the same style allowlist as any ``style`` attribute. Iframes
become links; HTML that shows nothing once its scripts are gone says so, and the renderer falls
back to the next representation the adapter offered.
"""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from typing import Any, NamedTuple

from markupsafe import Markup

from ..context import Context, NothingShown
from ..items import MediaItem
from ..limits import Limits, Truncated
from ..registry import Registry
from ..sanitize import check_url

_STYLE_TAG = re.compile(r"<style[\s>/]", re.IGNORECASE)
_IFRAME_TAG = re.compile(r"<iframe[\s>/]", re.IGNORECASE)
_ACTIVE_TAG = re.compile(r"<(?:script|object|embed|applet|canvas)[\s>/]", re.IGNORECASE)
_SHOWN_TAG = re.compile(r"<(?:img|video|audio|hr|progress|meter)[\s>/]", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
# As an HTML tokenizer reads them: a style element's text runs to the first "</style".
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)(?:</style|$)", re.IGNORECASE | re.DOTALL)
_BRACES = re.compile(r"([{}])")
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_PURE_ID = re.compile(r"^#[\w-]+$")
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
_ID_ATTR = re.compile(r"""\sid\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


@cache
def _inliner() -> Any:
    import css_inline

    # No stylesheet is ever fetched (remote or local file); <link> tags are dropped.
    return css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)


def _rules(css: str) -> Iterator[tuple[str, str]]:
    """``(selectors, declarations)`` of each rule of a stylesheet, at any depth (rules inside
    ``@media`` are counted too: an over-estimate is safe). Linear: one split, no backtracking."""
    parts = _BRACES.split(_CSS_COMMENT.sub(" ", css))
    for i in range(1, len(parts) - 1, 2):
        if parts[i] == "{" and not parts[i - 1].lstrip().startswith("@"):
            yield parts[i - 1], parts[i + 1]


class StyleCost(NamedTuple):
    """Upper bounds for inlining a document's style rules: selector matching, and characters
    of declarations added to elements (the output can grow by the rules times their matches)."""

    matching: int
    added: int


def style_cost(source: str) -> StyleCost:
    """Each selector is tried on every element, more for each combinator (ancestors and siblings
    walked) and far more for each pseudo-class (``:nth-child`` counts siblings), and may copy its
    declarations into each. A bare ``#id`` selector, all of pandas Styler's per-cell rules,
    touches only the elements with that id."""
    elements = source.count("<")
    ids = Counter(_ID_ATTR.findall(source))
    matching = added = 0
    for css in _STYLE_BLOCK.findall(source):
        for prelude, declarations in _rules(css):
            for selector in prelude.split(","):
                selector = selector.strip()
                if _PURE_ID.match(selector):
                    matching += 1 + ids[selector[1:]]
                    added += len(declarations) * ids[selector[1:]]
                    continue
                combinators = len(_COMBINATOR.findall(selector))
                matching += elements * (1 + combinators) * (1 + 10 * selector.count(":"))
                added += len(declarations) * elements
    return StyleCost(matching, added)


def inline_styles(source: str, limits: Limits) -> tuple[str, str | None]:
    """``source`` with its ``<style>`` rules moved into ``style`` attributes, and a notice if not.

    Past ``limits.style_matching`` or ``limits.html_chars`` added characters (see
    :func:`style_cost`) the rules are not applied: the output renders unstyled, and says why.
    """
    if not _STYLE_TAG.search(source):
        return source, None
    cost = style_cost(source)
    if cost.matching > limits.style_matching or cost.added > limits.html_chars:
        return source, f"Its style rules were not applied: too many rules for its {source.count('<'):,} elements."
    try:
        return _inliner().inline(source), None
    except ValueError as exc:  # css_inline.InlineError: CSS it cannot parse; render unstyled
        return source, f"Its style rules were not applied: {str(exc)[:120]}"


class _Frames(HTMLParser):
    """The ``src`` of every iframe (``None`` for an inline ``srcdoc`` document)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe" and len(self.sources) < 100:
            self.sources.append(dict(attrs).get("src") or None)


def frame_links(source: str) -> list[tuple[str, str | None]]:
    """Each iframe as ``(text, href)``: its URL, linked when the URL policy allows it."""
    if not _IFRAME_TAG.search(source):
        return []
    finder = _Frames()
    finder.feed(source)
    finder.close()
    links: list[tuple[str, str | None]] = []
    for src in finder.sources:
        text = (src or "an inline document").strip()[:2000]
        links.append((text, check_url(src) if src else None))
    return links


def shows_nothing(sanitized: str) -> bool:
    """True when sanitized HTML has no text and no element that draws something by itself."""
    if _SHOWN_TAG.search(sanitized):
        return False
    return not htmllib.unescape(_ANY_TAG.sub("", sanitized)).strip()


def render_html(item: MediaItem, ctx: Context[None]) -> Markup:
    fitted = ctx.truncate(ctx.text(item.data), ctx.limits.html_chars)
    # Cutting markup mid-way is harmless: the sanitizer closes what was left open.
    # Only the head is shown, so the tail counts as hidden too.
    source, cut = (fitted.head, fitted.cut + len(fitted.tail)) if isinstance(fitted, Truncated) else (fitted, 0)
    styled, style_notice = inline_styles(source, ctx.limits)
    clean = ctx.sanitize(styled)
    frames = frame_links(source)
    if not frames and source.strip() and shows_nothing(clean):
        if _ACTIVE_TAG.search(source):
            raise NothingShown("Interactive content was removed: this output needs scripts or plug-ins, which never run here.")
        raise NothingShown("This HTML output has nothing left to show once its styles and unsafe parts are removed.")
    return ctx.render("handlers/html.html", html=clean, cut=cut, frames=frames, style_notice=style_notice)


def register(registry: Registry) -> None:
    registry.register("text/html", render_html, rank=70)
