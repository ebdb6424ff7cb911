"""A renderer with a handler and a template the default renderer does not have."""

from __future__ import annotations

from jinja2 import DictLoader
from markupsafe import Markup

from bai_media import Context, MediaItem, Renderer

SHOUT = "application/x-shout"


def shout(item: MediaItem, ctx: Context[None]) -> Markup:
    return ctx.render("shout/shout.html", text=ctx.text(item.data).upper())


def shouting_renderer() -> Renderer:
    renderer = Renderer()
    renderer.registry.add_templates("shout", DictLoader({"shout.html": "<strong class=shout>{{ text }}</strong>"}))
    renderer.registry.register(SHOUT, shout)
    return renderer


#: The same, as an instance (Django's ``BAI_MEDIA_RENDERER`` takes either).
SHOUTING = shouting_renderer()
