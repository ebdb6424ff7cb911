"""``text/latex`` (e.g. sympy's ``$\\displaystyle \\frac{1}{x}$``): MathML, no client script.

What cannot be rendered is shown as escaped source with a quiet marker.
"""

from __future__ import annotations

from markupsafe import Markup

from ..items import MediaItem
from ..mathml import MathError, find_math, span_tex, tex_to_mathml
from ..registry import Registry
from ..context import Context

#: Per item: converting math costs far more per character than anything else here, so an item
#: renders at most this much as MathML and shows the rest as source, with a notice.
MAX_EXPRESSIONS = 2_000
MAX_TEX_CHARS = 60_000


def render_tex(tex: str, display: bool, ctx: Context[None]) -> Markup:
    """One expression as MathML, or its escaped source marked as unrendered."""
    try:
        return ctx.render("handlers/math.html", mathml=tex_to_mathml(tex, display), display=display)
    except MathError as exc:
        return ctx.render("handlers/math_source.html", source=tex, reason=str(exc)[:200], display=display)


def render_latex(item: MediaItem, ctx: Context[None]) -> Markup:
    text = ctx.text(item.data).strip()
    if len(text) > ctx.limits.text_chars:
        return render_tex(text[:2000] + "…", True, ctx)
    parts: list[Markup | str] = []
    pos = count = converted = 0
    over = False
    for match in find_math(text):
        tex, display = span_tex(match)
        count += 1
        converted += len(tex)
        if over := count > MAX_EXPRESSIONS or converted > MAX_TEX_CHARS:
            break
        parts.append(text[pos : match.start()])
        parts.append(render_tex(tex, display, ctx))
        pos = match.end()
    if pos == 0 and not over:  # no delimiters at all: the whole text is one expression
        parts = [render_tex(text, True, ctx)]
    else:
        parts.append(text[pos:])
    return ctx.render("handlers/latex.html", parts=parts, unrendered=len(text) - pos if over else 0,
                      max_expressions=MAX_EXPRESSIONS, max_chars=MAX_TEX_CHARS)


def register(registry: Registry) -> None:
    registry.register("text/latex", render_latex, rank=55)
