"""Static assets: the hashed build, the tags that load it, the dev server and the S3 deploy.

Names load on first use (PEP 562): a web app that only renders, or only asks for its tags, never
imports the build machinery.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "BuildResult": "build",
    "build": "build",
    "compile_assets": "build",
    "latest": "build",
    "asset_tags": "tags",
    "manifest_for": "tags",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
