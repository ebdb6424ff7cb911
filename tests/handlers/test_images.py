"""Raster images: strict decoding, format check, bombs, metadata, alt text."""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib

import pytest
from PIL import Image

from bai_media import Limits, Renderer, handle_all


def png_bytes(size: tuple[int, int] = (4, 3), fmt: str = "PNG", mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (200, 10, 10)).save(buf, fmt)
    return buf.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def img_tag(html: str) -> str:
    match = re.search(r"<img [^>]*>", str(html))
    assert match, html
    return match.group(0)


@pytest.mark.parametrize("form", ["uri", "raw", "raw-wrapped", "bytes", "list"])
def test_accepts_data_uri_raw_base64_bytes_and_lists(form: str) -> None:
    data = png_bytes()
    value = {"uri": "data:image/png;base64," + b64(data), "raw": b64(data),
             "raw-wrapped": "\n".join(re.findall(".{1,20}", b64(data))) + "\n", "bytes": data,
             "list": [b64(data)[:10], b64(data)[10:]]}[form]
    tag = img_tag(handle_all([("image/png", value)], "i"))
    assert f'src="data:image/png;base64,{b64(data)}"' in tag
    assert 'width="4" height="3"' in tag and 'alt="PNG image, 4 × 3 pixels"' in tag


def test_metadata_size_is_validated_and_aspect_kept() -> None:
    data = b64(png_bytes((40, 20)))
    tag = img_tag(handle_all([("image/png", data, {"image/png": {"width": 100}})], "i"))
    assert 'width="100" height="50"' in tag
    tag = img_tag(handle_all([("image/png", data, {"width": '100" onload="alert(1)', "height": "1e9"})], "i"))
    assert 'width="40" height="20"' in tag and "onload" not in tag


def test_alt_text_is_escaped() -> None:
    tag = img_tag(handle_all([("image/png", b64(png_bytes()), {"alt": '"><script>alert(1)</script>'})], "i"))
    assert 'alt="&#34;&gt;&lt;script&gt;' in tag


@pytest.mark.parametrize("mtype,data,message", [
    ("image/png", b64(png_bytes(fmt="JPEG")), "not a valid PNG"),
    ("image/jpeg", b64(png_bytes()), "not a valid JPEG"),
    ("image/png", "data:image/jpeg;base64," + b64(png_bytes()), "the data URI says image/jpeg"),
    ("image/png", "not base64 at all!", "not valid base64"),
    ("image/png", b64(b"<svg onload=alert(1)>"), "not a valid PNG"),
    ("image/png", "data:image/png,rawbytes", "only base64"),
    ("image/gif", {"not": "data"}, "expected a data URI"),
    ("image/png", "", "empty"),
])
def test_bad_images_are_error_fragments(mtype: str, data: object, message: str) -> None:
    html = handle_all([(mtype, data), ("text/plain", "next")], "i")
    assert "bai-media-error" in html and message in html and "next" in html
    assert "<img" not in html


def test_decompression_bombs_are_refused() -> None:
    # A valid PNG header claiming 60000×60000 pixels; nothing that large is ever decoded.
    raw = png_bytes((1, 1))
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    bomb = raw[:8] + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)) + raw[33:]
    html = handle_all([("image/png", b64(bomb))], "i")
    assert "bai-media-error" in html and ("pixels" in html or "not a valid PNG" in html)
    small = Renderer(limits=Limits(image_pixels=100)).handle_all([("image/png", b64(png_bytes((20, 20))))], "i")
    assert "20×20 pixels is over the limit of 100" in small


def test_oversized_data_is_refused_before_decoding() -> None:
    html = Renderer(limits=Limits(image_bytes=1000)).handle_all([("image/png", "A" * 10_000)], "i")
    assert "over the limit of 1,000" in html


def test_bmp_is_converted_to_png() -> None:
    tag = img_tag(handle_all([("image/bmp", b64(png_bytes(fmt="BMP")))], "i"))
    assert tag.startswith('<img class="bai-media-image" src="data:image/png;base64,')


@pytest.mark.parametrize("fmt,mime", [("GIF", "image/gif"), ("WEBP", "image/webp"), ("JPEG", "image/jpeg")])
def test_other_formats(fmt: str, mime: str) -> None:
    tag = img_tag(handle_all([(mime, b64(png_bytes(fmt=fmt)))], "i"))
    assert f"data:{mime};base64," in tag


def test_needs_background_metadata_adds_a_class() -> None:
    html = handle_all([("image/png", b64(png_bytes()), {"needs_background": "light"})], "i")
    assert "bai-media-needs-light" in html
