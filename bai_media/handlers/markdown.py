"""``text/markdown``: Python-Markdown (fenced code, tables, Pygments classes), then the sanitizer.

Math is cut out before markdown sees it (so ``_`` and ``*`` inside TeX stay TeX) and put back
as MathML after sanitizing; code spans and fences keep their dollars.
"""

from __future__ import annotations

import re
import secrets
import threading

import markdown
from markupsafe import Markup

from ..items import MediaItem
from ..mathml import MATH_SPANS, span_tex
from ..registry import Registry
from ..context import Context
from .latex import render_tex

# What Jupyter's GFM-style markdown supports; footnotes, abbr and def_list are not part of it.
EXTENSIONS = ["fenced_code", "tables", "codehilite", "sane_lists"]
EXTENSION_CONFIGS = {"codehilite": {"css_class": "highlight", "guess_lang": False, "noclasses": False}}
_TAG = r'<[^>"]*(?:"[^"]*"[^>"]*)*>'
_CODE = re.compile(r"(^|\n)(```|~~~).*?(\n\2[^\n]*(?=\n|$)|$)|(`+)[^`]*?\4", re.DOTALL)


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One Markdown instance per thread: building one (extensions, Pygments) costs more than
    converting a typical cell, and instances are not thread-safe."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return converter


def _protect_math(text: str, token: str) -> tuple[str, list[tuple[str, bool]]]:
    """Replace math spans outside code with placeholders; return the text and the spans."""
    spans: list[tuple[str, bool]] = []
    out: list[str] = []
    pos = 0

    def math_in(segment: str) -> str:
        def repl(match: re.Match[str]) -> str:
            spans.append(span_tex(match))
            return f"{token}{len(spans) - 1}Z"

        return MATH_SPANS.sub(repl, segment)

    for code in _CODE.finditer(text):
        out.append(math_in(text[pos : code.start()]))
        out.append(code.group(0))
        pos = code.end()
    out.append(math_in(text[pos:]))
    return "".join(out), spans


def render_markdown(item: MediaItem, ctx: Context[None]) -> Markup:
    fitted = ctx.truncate(ctx.text(item.data))
    # Only the head is shown (a tail cut mid-block would render as garbage), so it counts as hidden.
    source, cut = (fitted, 0) if isinstance(fitted, str) else (fitted.head, fitted.cut + len(fitted.tail))
    token = "BAIMATH" + secrets.token_hex(6).upper()
    protected, spans = _protect_math(source, token)
    html = _converter().reset().convert(protected)
    safe = ctx.sanitize(html)
    if spans:
        rendered = [render_tex(tex, display, ctx) for tex, display in spans]
        # Substitute in text only: a placeholder that ended up in an attribute (math in a link
        # URL) stays inert text rather than markup inside quotes.
        pattern = re.compile(_TAG + "|" + token + r"(\d+)Z")
        safe = Markup(pattern.sub(lambda m: m.group(0) if m.group(1) is None else str(rendered[int(m.group(1))]), str(safe)))
    return ctx.render("handlers/markdown.html", html=safe, cut=cut)


def register(registry: Registry) -> None:
    registry.register("text/markdown", render_markdown, rank=75)
