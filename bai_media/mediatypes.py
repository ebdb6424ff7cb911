"""Media types that adapters produce and handlers render, named once for both.

The run types are bai-media's own (``vnd.bai-media``); formats build items of them without
importing the handler modules that render them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: A run's status (``finished``, ``waiting-input``, ...), its exit code and prompt.
STATUS = "application/vnd.bai-media.status+json"
#: A log record: ``[level, time, logger, message]``.
LOG = "application/vnd.bai-media.log+json"
#: Output files: ``[{"name", "url"}, ...]``.
FILES = "application/vnd.bai-media.files+json"
#: Completion candidates.
COMPLETION = "application/vnd.bai-media.completion+json"
#: A Jupyter ``error`` output: ``{"ename", "evalue", "traceback"}``.
ERROR = "application/vnd.jupyter.error"
#: A Jupyter widget view (``{"model_id"}``), and the saved widget state it is drawn from.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: Raster image types shown, with the Pillow format each must decode as.
RASTER: Mapping[str, str] = MappingProxyType(
    {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP", "image/bmp": "BMP"}
)
#: Raster types every browser shows from a ``data:`` URI, in order of preference (BMP is not
#: among them: the image handler converts it to PNG).
WEB_RASTER: tuple[str, ...] = ("image/png", "image/jpeg", "image/gif", "image/webp")
