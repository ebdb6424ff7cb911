"""``text/html`` (pandas tables, rich reprs, Backend.AI ``html`` items): sanitized, never raw."""

from __future__ import annotations

from markupsafe import Markup

from ..items import MediaItem
from ..limits import Truncated
from ..registry import Registry
from ..context import Context


def render_html(item: MediaItem, ctx: Context[None]) -> Markup:
    fitted = ctx.truncate(ctx.text(item.data), ctx.limits.html_chars)
    # Cutting markup mid-way is harmless: the sanitizer closes what was left open.
    # Only the head is shown, so the tail counts as hidden too.
    source, cut = (fitted.head, fitted.cut + len(fitted.tail)) if isinstance(fitted, Truncated) else (fitted, 0)
    return ctx.render("handlers/html.html", html=ctx.sanitize(source), cut=cut)


def register(registry: Registry) -> None:
    registry.register("text/html", render_html, rank=70)
