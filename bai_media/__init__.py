"""bai-media: render the output of code-execution kernels into safe HTML on the server.

>>> from bai_media import handle_all
>>> print(handle_all([("text/plain", "<hi>")], "r1"))  # doctest: +NORMALIZE_WHITESPACE
<div class="bai-media" data-result-id="r1"><div class="bai-media-item bai-media-text" id="r1-0" data-type="text/plain" style="contain: paint"><pre class="bai-media-stream bai-media-stream-text">&lt;hi&gt;</pre></div></div>
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .items import BadItem, MediaItem
from .limits import Limits
from .context import BadData, Context, Handler, NothingShown, Output
from .registry import FALLBACK, Registry, RegistryError
from .renderer import Renderer, default_renderer, handle_all
from .result import MediaResult
from .state import StateError
from .sanitize import sanitize_html

if TYPE_CHECKING:
    from .assets.tags import asset_tags

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The asset tags need the asset package (the build, gzip, the manifest): loaded when used,
    # so that ``import bai_media`` and every command line stay quick.
    if name == "asset_tags":
        from .assets.tags import asset_tags

        return asset_tags
    raise AttributeError(f"module 'bai_media' has no attribute {name!r}")

__all__ = [
    "FALLBACK",
    "BadData",
    "BadItem",
    "Context",
    "Handler",
    "Limits",
    "MediaItem",
    "MediaResult",
    "NothingShown",
    "Output",
    "Registry",
    "RegistryError",
    "Renderer",
    "StateError",
    "__version__",
    "asset_tags",
    "default_renderer",
    "handle_all",
    "sanitize_html",
]
