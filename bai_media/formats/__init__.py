"""Input format adapters: each turns one system's results into media items for the renderer.

``detect`` recognises a parsed JSON document; ``render`` turns it into one HTML fragment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..renderer import Renderer, default_renderer
from ..sanitize import ImageResolver, resolving_images
from . import backendai, jupyter, unklearn, widgets
from .backendai import BackendAISession
from .session import RunSession
from .unklearn import UnklearnSession
from .widgets import WidgetsSession

FORMATS = ("media", "backendai", "notebook", "jupyter", "unklearn", "widgets")

__all__ = ["FORMATS", "BackendAISession", "RunSession", "UnklearnSession", "WidgetsSession", "detect", "render"]


def _looks_backendai(obj: Mapping[str, Any]) -> bool:
    result = obj.get("result")
    inner: Mapping[str, Any] = result if isinstance(result, Mapping) else obj
    return "console" in inner or "runId" in inner or any(key in inner for key in backendai.V1_KEYS) or "status" in inner


def _element_format(first: Any) -> str | None:
    if isinstance(first, (list, tuple)):
        return "media"
    if not isinstance(first, Mapping):
        return None
    if "output_type" in first:
        return "jupyter"
    if "executor" in first and "message" in first:
        return "widgets"
    if "type" in first and "data" in first and "executor" not in first:
        return "media"
    if first.get("event") in ("cell_result", "cell_run_start", "cell_run_end") or "cellId" in first or (
        "id" in first and ("output" in first or "error" in first)
    ):
        return "unklearn"
    if _looks_backendai(first):
        return "backendai"
    return None


def detect(obj: Any) -> str:
    """Name the format of a parsed document (one of :data:`FORMATS`); ``media`` when unsure."""
    if isinstance(obj, Mapping):
        if "cells" in obj or "nbformat" in obj:
            return "notebook"
        return _element_format(obj) or "media"
    if isinstance(obj, list) and obj:
        return _element_format(obj[0]) or "media"
    return "media"


def render(obj: Any, fmt: str = "auto", name: str = "result", renderer: Renderer | None = None, *,
           resolve: ImageResolver | None = None, widget_state: Mapping[str, Any] | None = None) -> Markup:
    """One fragment for a document in any supported format; ``resolve`` embeds relative images
    (e.g. :class:`~bai_media.formats.localimages.FolderImages` for a file on disk).

    ``widget_state`` is saved ipywidgets state (``application/vnd.jupyter.widget-state+json``) for
    Jupyter outputs that show widgets; a notebook's own saved state is used when it is None.
    """
    with resolving_images(resolve):
        return _render(obj, fmt, name, renderer or default_renderer(), widget_state)


def _render(obj: Any, fmt: str, name: str, renderer: Renderer, widget_state: Mapping[str, Any] | None) -> Markup:
    fmt = detect(obj) if fmt == "auto" else fmt
    if fmt == "notebook":
        return jupyter.render_notebook(obj, name, renderer, widget_state)
    if fmt == "jupyter":
        outputs = obj if isinstance(obj, list) else [obj]
        prepared = jupyter.prepare_widgets(widget_state, renderer.registry) if widget_state is not None else None
        return renderer.handle_all(jupyter.output_items(outputs, renderer.registry, prepared), name)
    if fmt == "backendai":
        return Markup(backendai.render(obj, name, renderer).__html__())
    if fmt == "unklearn":
        return Markup(unklearn.render(obj, name, renderer).__html__())
    if fmt == "widgets":
        return Markup(widgets.render(obj, name, renderer).__html__())
    if fmt == "media":
        return renderer.handle_all(obj, name)
    raise ValueError(f"unknown format {fmt!r}; choose one of auto, {', '.join(FORMATS)}")
