"""``text/latex`` (e.g. sympy's ``$\\displaystyle \\frac{1}{x}$``): MathML, no client script.

What cannot be rendered is shown as escaped source with a quiet marker.
"""

from __future__ import annotations

from markupsafe import Markup

from ..items import MediaItem
from ..mathml import MATH_SPANS, MathError, span_tex, tex_to_mathml
from ..registry import Registry
from ..context import Context


class MathSpans:
    """Renders one item's expressions: each distinct one once, at most ``limits.math_spans``
    (the rest shown as source), so one item of many expressions cannot hold a worker."""

    def __init__(self, ctx: Context[None]) -> None:
        self.ctx, self.count = ctx, 0
        self.done: dict[tuple[str, bool], Markup] = {}

    def __call__(self, tex: str, display: bool) -> Markup:
        self.count += 1
        if (tex, display) in self.done:
            return self.done[tex, display]
        limit = self.ctx.limits.math_spans
        if self.count > limit:
            return self.ctx.render("handlers/math_source.html", source=tex, display=display,
                                   reason=f"not rendered: an item renders at most {limit:,} expressions")
        self.done[tex, display] = html = render_tex(tex, display, self.ctx)
        return html


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
    spans = MathSpans(ctx)
    for match in MATH_SPANS.finditer(text):
        parts.append(text[pos : match.start()])
        parts.append(spans(*span_tex(match)))
        pos = match.end()
    if pos == 0:  # no delimiters at all: the whole text is one expression
        return ctx.render("handlers/latex.html", parts=[render_tex(text, True, ctx)])
    parts.append(text[pos:])
    return ctx.render("handlers/latex.html", parts=parts)


def register(registry: Registry) -> None:
    registry.register("text/latex", render_latex, rank=55)
