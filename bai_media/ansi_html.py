"""HTML for styled terminal text: one span (or link) per run, kernel colours made readable.

Text is escaped before any markup is added; only tags built here carry attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from markupsafe import Markup, escape

from .contrast import text_colors
from .sanitize import LINK_REL, WEB_SCHEMES, check_url
from .sgr import PLAIN, Style
from .templating import escape_text

_URL = re.compile(r"https?://[^\s<>\"'`\x1b]+")
_URL_TRAILING = ".,;:!?'\""
_CLOSERS = {")": "(", "]": "[", "}": "{"}

#: A style as a kept line holds it: the values of a :class:`Style` in an exact tuple. CPython's
#: collector stops tracking exact tuples of plain values, but never a Style (a tuple subclass) nor
#: a tuple holding one: with Styles in them, 100,000 kept lines made its full passes superlinear.
StyleValues = tuple[int | str | None, int | str | None, bool, bool, bool, bool, bool, bool, str | None]

#: A finished line: runs of escaped text, as style values and text alternating in one flat tuple
#: (nested tuples cost memory, and the collector untracks them only one level per pass). Text,
#: not HTML: spans and links are made from it only when the terminal is shown.
Line = tuple[StyleValues | str, ...]

_LINK = Style._fields.index("link")
_values: dict[Style, StyleValues] = {}


def style_values(style: Style) -> StyleValues:
    """The values of a style as one shared exact tuple. The table is cleared when full: kept lines
    hold their own reference, so nothing is lost but sharing."""
    values = _values.get(style)
    if values is None:
        if len(_values) > 4096:
            _values.clear()
        values = _values[style] = tuple(style)  # type: ignore[assignment]
    return values


@lru_cache(maxsize=4096)
def _open_tag(values: StyleValues) -> str:
    """The opening tag for a style; only values generated in :mod:`.sgr` reach the ``style`` attribute.

    Cached by value, so a Style and its values share an entry.
    """
    style = Style._make(values)
    fg, bg = (style.bg, style.fg) if style.inverse else (style.fg, style.bg)
    classes: list[str] = []
    inline: list[str] = []
    for kind, value in (("fg", fg), ("bg", bg)):
        if isinstance(value, int):
            classes.append(f"bai-ansi-{kind}-{value}")
        elif isinstance(value, str) and kind == "bg":
            inline.append(f"background-color: {value}")
    if style.inverse:
        if fg is None:
            classes.append("bai-ansi-fg-inverse")
        if bg is None:
            classes.append("bai-ansi-bg-inverse")
    # Kernel colours are made readable on the background they are shown on, in both schemes.
    text = text_colors(fg, bg, dim=style.dim, inverse=style.inverse)
    if text is not None:
        light, dark = text
        inline.insert(0, f"color: {light}" if light == dark else f"color: light-dark({light}, {dark})")
    for flag in ("bold", "dim", "italic", "underline", "strike"):
        if getattr(style, flag):
            classes.append(f"bai-ansi-{flag}")
    attrs = f' class="{" ".join(classes)}"' if classes else ""
    if inline:
        attrs += f' style="{"; ".join(inline)}"'
    if style.link:
        return f'<a href="{escape(style.link)}" rel="{LINK_REL}"{attrs}>'
    return f"<span{attrs}>" if attrs else ""


def _trim_url(url: str) -> str:
    """Drop trailing punctuation, and closing brackets that have no opener inside the URL."""
    while url:
        last = url[-1]
        if last in _URL_TRAILING or (last in _CLOSERS and url.count(_CLOSERS[last]) < url.count(last)):
            url = url[:-1]
        else:
            break
    return url


def linkify(text: str) -> Markup:
    """Escape plain text and turn http(s) URLs in it into safe links."""
    out: list[str] = []
    pos = 0
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if len(url) <= len("https://") or check_url(url, schemes=WEB_SCHEMES, relative=False) is None:
            continue
        out.append(escape(text[pos : match.start()]))
        out.append(f'<a href="{escape(url)}" rel="{LINK_REL}">{escape(url)}</a>')
        pos = match.start() + len(url)
    out.append(escape(text[pos:]))
    return Markup("".join(out))


def merge_runs(runs: list[tuple[Style, str]]) -> list[tuple[Style, str]]:
    """Adjacent runs of one style as one run; empty runs dropped."""
    merged: list[tuple[Style, str]] = []
    pending: list[str] = []  # texts of one style, joined once (repeated + would be quadratic)
    current = PLAIN
    for style, text in runs:
        if not text:
            continue
        if pending and style != current:
            merged.append((current, "".join(pending)))
            pending = []
        current = style
        pending.append(text)
    if pending:
        merged.append((current, "".join(pending)))
    return merged


def render_runs(runs: list[tuple[Style, str]]) -> str:
    """HTML for a list of styled runs; adjacent runs of one style share a span."""
    return "".join(_render_run(style, text) for style, text in merge_runs(runs))


def escaped_runs(runs: list[tuple[Style, str]]) -> Line:
    """A finished line as the terminal keeps it: adjacent runs of one style merged, text escaped."""
    return tuple(item for style, text in merge_runs(runs) for item in (style_values(style), escape_text(text)))


def line_runs(line: Line) -> Iterator[tuple[StyleValues, str]]:
    """The ``(style values, escaped text)`` runs of a kept line."""
    items = iter(line)
    return zip(items, items)  # type: ignore[arg-type]


def line_html(line: Line) -> str:
    if len(line) == 2:  # one run: most lines
        return _render_escaped_run(line[0], line[1])  # type: ignore[arg-type]
    return "".join([_render_escaped_run(values, text) for values, text in line_runs(line)])


def _render_escaped_run(values: StyleValues, html: str) -> str:
    """:func:`_render_run` for text already escaped (the fast path); same output."""
    if values[_LINK] or "://" in html:
        return _render_run(Style._make(values), html_unescape(html))
    tag = _open_tag(values)
    return f"{tag}{html}</span>" if tag else html


def html_unescape(html: str) -> str:
    """Exact inverse of markupsafe.escape (only the five characters it escapes)."""
    return html.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")


def _render_run(style: Style, text: str) -> str:
    tag = _open_tag(style)
    body = escape(text) if style.link else (linkify(text) if "://" in text else escape(text))
    if tag:
        return f"{tag}{body}{'</a>' if style.link else '</span>'}"
    return str(body)

