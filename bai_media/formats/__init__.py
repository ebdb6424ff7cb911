"""Input format adapters: each turns one system's results into media items for the renderer.

``detect`` recognises a parsed JSON document; ``render`` turns it into one HTML fragment. The
formats live in :data:`FORMATS`, registered by their modules in detection order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..renderer import Renderer, default_renderer
from ..sanitize import ImageResolver, resolving_images
from . import backendai, jupyter, media, unklearn, widgets
from .backendai import BackendAISession
from .registry import Format, FormatError, FormatRegistry, Session
from .session import RunSession
from .unklearn import UnklearnSession
from .widgets import WidgetsSession

__all__ = [
    "FORMATS",
    "BackendAISession",
    "Format",
    "FormatError",
    "FormatRegistry",
    "RunSession",
    "Session",
    "UnklearnSession",
    "WidgetsSession",
    "detect",
    "render",
]

#: Every input format, in the order detection tries them; ``media`` when none recognises a document.
FORMATS = FormatRegistry(default="media")
for _module in (jupyter, widgets, media, unklearn, backendai):
    _module.register(FORMATS)


def detect(obj: Any) -> str:
    """Name the format of a parsed document (one of :data:`FORMATS`); ``media`` when unsure."""
    return FORMATS.detect(obj)


def render(obj: Any, fmt: str = "auto", name: str = "result", renderer: Renderer | None = None, *,
           resolve: ImageResolver | None = None, widget_state: Mapping[str, Any] | None = None) -> Markup:
    """One fragment for a document in any supported format; ``resolve`` embeds relative images
    (e.g. :class:`~bai_media.formats.localimages.FolderImages` for a file on disk).

    ``widget_state`` is saved ipywidgets state (``application/vnd.jupyter.widget-state+json``) for
    Jupyter outputs that show widgets; a notebook's own saved state is used when it is None.
    """
    renderer = renderer or default_renderer()
    adapter = FORMATS[FORMATS.detect(obj) if fmt == "auto" else fmt]
    with resolving_images(resolve), jupyter.given_widget_state(widget_state):
        return Markup(adapter.render(obj, name, renderer))
