"""Raster images: decoded strictly, checked by Pillow to be the declared format, bounded."""

from __future__ import annotations

import io
import math
from typing import Any

from ..context import BadData, Context, Output
from ..datauri import decode, to_data_uri
from ..items import MediaItem
from ..mediatypes import RASTER
from ..registry import Registry

MAX_DIMENSION = 20_000


def metadata_value(item: MediaItem, key: str) -> Any:
    return item.meta(key)


def dimension(value: Any) -> int | None:
    """A width/height from metadata: a positive finite number, else None (never raw text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number) or not 0 < number <= MAX_DIMENSION:
        return None
    return round(number)


def alt_text(item: MediaItem, default: str) -> str:
    alt = metadata_value(item, "alt")
    return alt[:500] if isinstance(alt, str) and alt.strip() else default


def render_image(item: MediaItem, ctx: Context[None]) -> Output:
    expected = RASTER[item.type]  # BMP is converted to PNG (smaller, universally shown)
    decoded = decode(item.data, ctx.limits.image_bytes)
    if decoded.mime is not None and decoded.mime != item.type and not (decoded.mime == "image/jpg" and expected == "JPEG"):
        raise BadData(f"the data URI says {decoded.mime[:60]}, the item says {item.type}")
    from PIL import Image, UnidentifiedImageError  # ~15 ms to import: paid by pages with images

    try:
        with Image.open(io.BytesIO(decoded.payload), formats=[expected]) as image:
            width, height = image.size
            if width * height > ctx.limits.image_pixels:
                raise BadData(f"{width}×{height} pixels is over the limit of {ctx.limits.image_pixels:,}")
            if expected == "BMP":
                out = io.BytesIO()
                image.save(out, "PNG")
                payload, mime = out.getvalue(), "image/png"
            else:
                image.verify()  # reads the whole PNG (chunk CRCs); cheap header checks for others
                payload, mime = decoded.payload, item.type
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, BadData):
            raise
        raise BadData(f"the data is not a valid {expected} image") from exc
    want_w = dimension(metadata_value(item, "width"))
    want_h = dimension(metadata_value(item, "height"))
    if want_w and not want_h:
        want_h = max(1, round(height * want_w / width))
    elif want_h and not want_w:
        want_w = max(1, round(width * want_h / height))
    background = metadata_value(item, "needs_background")
    html = ctx.render(
        "handlers/image.html",
        src=to_data_uri(mime, payload),
        width=want_w or width,
        height=want_h or height,
        alt=alt_text(item, f"{expected} image, {width} × {height} pixels"),
    )
    return Output(html, classes=(f"bai-media-needs-{background}",) if background in ("light", "dark") else ())


def register(registry: Registry) -> None:
    registry.register_many(RASTER, render_image, rank=60)
