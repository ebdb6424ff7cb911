"""``text/markdown``: markdown as JupyterLab shows it (:mod:`bai_media.jupyter_markdown`), math
as MathML, one sanitizer pass.

Python-Markdown takes about 20 ms to import, more than the rest of a short command line's render:
it is imported with the first markdown item, so outputs without markdown never pay for it.
"""

from __future__ import annotations

from markupsafe import Markup

from ..context import Context
from ..items import MediaItem
from ..registry import Registry


def render_markdown(item: MediaItem, ctx: Context[None]) -> Markup:
    from ..jupyter_markdown import convert

    fitted = ctx.truncate(ctx.text(item.data))
    # Only the head is shown (a tail cut mid-block would render as garbage), so it counts as hidden.
    source, cut = (fitted, 0) if isinstance(fitted, str) else (fitted.head, fitted.cut + len(fitted.tail))
    html, rest, notices = convert(source)
    safe = ctx.sanitize(html, mathml=True)
    return ctx.render("handlers/markdown.html", html=safe, rest=rest, cut=cut, notices=notices)


def register(registry: Registry) -> None:
    registry.register("text/markdown", render_markdown, rank=75)
