"""Default handlers, one module per media family; each module has a ``register(registry)``."""

from __future__ import annotations

from importlib import import_module

from ..registry import Registry

#: Handler modules in registration order. Adding a family never edits the others.
MODULES = (
    "text",
    "html",
    "fallback",
    "errors",
    "images",
    "svg",
    "markdown",
    "latex",
    "json",
    "media",
    "drawing",
    "gitgraph",
    "session",
    "jupyter_widgets",
    "vega",
    "plotly",
    "asciicast",
)


def default_registry() -> Registry:
    """A fresh registry with every shipped handler registered."""
    registry = Registry()
    for name in MODULES:
        import_module(f"{__name__}.{name}").register(registry)
    return registry
