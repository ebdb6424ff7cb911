"""``text/latex`` (e.g. sympy's ``$\\displaystyle \\frac{1}{x}$``): MathML, no client script.

What cannot be rendered is shown as escaped source with a quiet marker.
"""

from __future__ import annotations

from markupsafe import Markup

from ..items import MediaItem
from ..mathml import MAX_FORMULA_CHARS, MAX_FORMULAS, MathError, find_math, tex_to_mathml
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
    pos = count = chars = 0
    notice = ""
    for span in find_math(text):
        count, chars = count + 1, chars + len(span.tex)
        if count > MAX_FORMULAS or chars > MAX_FORMULA_CHARS:  # the rest as text, not unbounded work
            notice = f"Formulas beyond the first {MAX_FORMULAS:,} (or {MAX_FORMULA_CHARS:,} characters of TeX) are shown as source."
            break
        parts.append(text[pos : span.start])
        parts.append(render_tex(span.tex, span.display, ctx))
        pos = span.end
    if pos == 0 and not notice:  # no delimiters at all: the whole text is one expression
        return ctx.render("handlers/latex.html", parts=[render_tex(text, True, ctx)], notice="")
    parts.append(text[pos:])
    return ctx.render("handlers/latex.html", parts=parts, notice=notice)


def register(registry: Registry) -> None:
    registry.register("text/latex", render_latex, rank=55)
