"""Audio and video (e.g. the AWS Polly kernel's ``data:audio/ogg;base64,...``): native controls."""

from __future__ import annotations

from markupsafe import Markup

from ..context import BadData, Context
from ..datauri import decode, to_data_uri
from ..items import MediaItem
from ..registry import Registry

AUDIO = {"audio/ogg", "audio/mpeg", "audio/mp3", "audio/wav", "audio/x-wav", "audio/wave", "audio/webm",
         "audio/flac", "audio/aac", "audio/mp4", "audio/opus"}
VIDEO = {"video/mp4", "video/webm", "video/ogg"}


def render_media(item: MediaItem, ctx: Context[None]) -> Markup:
    if item.type not in AUDIO | VIDEO:
        raise BadData(f"{item.type[:60]} is not an audio or video type shown here")
    decoded = decode(item.data, ctx.limits.image_bytes)
    if decoded.mime is not None and decoded.mime != item.type:
        raise BadData(f"the data URI says {decoded.mime[:60]}, the item says {item.type}")
    kind = "audio" if item.type in AUDIO else "video"
    return ctx.render("handlers/media.html", kind=kind, src=to_data_uri(item.type, decoded.payload), type=item.type)


def register(registry: Registry) -> None:
    registry.register_many(("audio/*", "video/*"), render_media, rank=60)
