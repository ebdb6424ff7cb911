"""The result object users keep: data a renderer renders into, updated in place like the
JavaScript library's container."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .renderer import Renderer, default_renderer
from .state import RenderedItem, ResultData, ResultState

__all__ = ["MediaResult", "RenderedItem", "ResultState"]


class MediaResult(ResultData):
    """Rendered items and per-result state; holds no renderer, so it pickles and saves as JSON.

    :meth:`render` gives item *i* the id ``<result_id>-<i>`` and replaces an earlier item with the
    same id; :meth:`extend` appends after what the result already holds and lets a stream
    continue its previous block (a Backend.AI ``continued`` run). Each takes the renderer to use
    (default: :func:`~bai_media.default_renderer`). ``str()`` is the whole HTML.
    """

    def render(self, media: Any, result_id: str | None = None, renderer: Renderer | None = None) -> Markup:
        """Render ``media`` as items 0..n-1 of ``result_id``; returns the changed item elements."""
        renderer = renderer or default_renderer()
        return renderer.render_changes(self, media, self.result_id if result_id is None else result_id, append=False)

    def extend(self, media: Any, result_id: str | None = None, renderer: Renderer | None = None) -> Markup:
        """Append ``media`` after the items already rendered; returns the changed item elements."""
        renderer = renderer or default_renderer()
        return renderer.render_changes(self, media, self.result_id if result_id is None else result_id, append=True)

    def html(self, renderer: Renderer | None = None) -> Markup:
        """The whole container, with ``renderer``'s templates (default: the default renderer's)."""
        return (renderer or default_renderer()).render_container(self)

    def __html__(self) -> str:
        return self.html()

    def __str__(self) -> str:
        return self.html()
