"""Media items as they are: ``[type, data]`` pairs or ``{"type", "data"}`` objects, in a list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..renderer import Renderer
from .registry import Format, FormatRegistry, sample


def detect(obj: Any) -> bool:
    first = sample(obj)
    if isinstance(first, (list, tuple)):
        return True
    return isinstance(first, Mapping) and "type" in first and "data" in first and "executor" not in first


def render(obj: Any, name: str, renderer: Renderer) -> Markup:
    return renderer.handle_all(obj, name)


def register(formats: FormatRegistry) -> None:
    formats.register(Format("media", detect, render))
