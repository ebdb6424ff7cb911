"""``text/latex`` (e.g. sympy's ``$\\displaystyle \\frac{1}{x}$``): MathML, no client script.

What cannot be rendered is shown as escaped source with a quiet marker.
"""

from __future__ import annotations

from markupsafe import Markup

from ..items import MediaItem
from ..mathml import MATH_SPANS, MathError, span_tex, tex_to_mathml
from ..registry import Registry
from ..context import Context


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
    pos = 0
    for match in MATH_SPANS.finditer(text):
        parts.append(text[pos : match.start()])
        parts.append(render_tex(*span_tex(match), ctx))
        pos = match.end()
    if pos == 0:  # no delimiters at all: the whole text is one expression
        return ctx.render("handlers/latex.html", parts=[render_tex(text, True, ctx)])
    parts.append(text[pos:])
    return ctx.render("handlers/latex.html", parts=parts)


def register(registry: Registry) -> None:
    registry.register("text/latex", render_latex, rank=55)
