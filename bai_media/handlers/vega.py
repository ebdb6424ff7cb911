"""Vega and Vega-Lite charts, drawn as SVG on the server by vl-convert (the ``vega`` extra).

The SVG then takes the same road as any SVG output: hardened parse, scripting stripped, shown
only through ``<img>``. A spec can never make the server fetch anything: specs that name a data
URL are refused with a notice before vl-convert sees them, and vl-convert itself runs with no
allowed base URL. Without the extra, the bundle's image or text is shown with a notice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from ..context import BadData, Context, Output
from ..datauri import to_data_uri
from ..items import MediaItem
from ..registry import Registry
from .fallback import substitute
from .images import alt_text
from .svg import clean_svg

_TYPE = re.compile(r"^application/vnd\.vega(?P<lite>lite)?\.v(?P<major>\d+)[+.]json$")
VEGA_LITE_TYPES = [f"application/vnd.vegalite.v{v}{sep}json" for v in (3, 4, 5, 6) for sep in "+."]
VEGA_TYPES = [f"application/vnd.vega.v{v}{sep}json" for v in (5, 6) for sep in "+."]
#: Rows a ``sequence`` generator may make: beyond this a spec could keep the server busy.
SEQUENCE_ROWS = 100_000


@lru_cache(maxsize=1)
def _converter() -> Any:
    try:
        import vl_convert
    except ImportError:
        return None
    return vl_convert


def vegalite_version(major: int) -> str | None:
    """The newest Vega-Lite release vl-convert has for a major version (v3 and v4 specs use v5)."""
    versions = _converter().get_vegalite_versions()
    wanted = [v for v in versions if v.split(".")[0] == str(max(major, 5))]
    return wanted[-1].replace(".", "_") if wanted else None


def _prepare(spec: Any, found: list[str]) -> Any:
    """A copy of the spec without links (inert in an image; vl-convert fails on them), noting in
    ``found`` why it may not be drawn on the server: data URLs, unbounded generators."""
    if isinstance(spec, list):
        return [_prepare(value, found) for value in spec]
    if not isinstance(spec, Mapping):
        return spec
    url = spec.get("url")
    if isinstance(url, str):  # data, lookup and topojson sources; image URLs are {"value": ...}
        found.append(f"it loads data from {url[:200]!r}, and the server fetches nothing")
    generator = spec.get("sequence") if isinstance(spec.get("sequence"), Mapping) else spec if spec.get("type") == "sequence" else None
    if generator is not None and _sequence_rows(generator) is None:
        found.append(f"its sequence generator is not a fixed range of at most {SEQUENCE_ROWS:,} rows")
    return {key: value if key == "values" else _prepare(value, found) for key, value in spec.items() if key != "href"}


def _sequence_rows(sequence: Mapping[str, Any]) -> int | None:
    start, stop, step = sequence.get("start", 0), sequence.get("stop"), sequence.get("step", 1)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, stop, step)) or step == 0:
        return None
    rows = (stop - start) / step
    return int(rows) if 0 <= rows <= SEQUENCE_ROWS else None


def render_vega(item: MediaItem, ctx: Context[None]) -> Markup | Output:
    match = _TYPE.match(item.type)
    assert match is not None
    lite, major = bool(match["lite"]), int(match["major"])
    name = "Vega-Lite chart" if lite else "Vega chart"
    spec = item.data
    if isinstance(spec, (str, bytes)):
        text = ctx.text(spec)
        if len(text) > ctx.limits.vega_chars:
            raise BadData(f"{len(text):,} characters of chart spec is over the limit of {ctx.limits.vega_chars:,}")
        try:
            spec = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise BadData(f"the chart spec is not valid JSON: {str(exc)[:120]}") from exc
    if not isinstance(spec, Mapping):
        raise BadData(f"a {name} spec must be a JSON object, got {type(spec).__name__}")
    vlc = _converter()
    if vlc is None:
        return substitute(item, ctx, name, "drawing it on the server needs the vega extra (pip install 'bai-media[vega]')")
    refused: list[str] = []
    try:
        if not isinstance(item.data, (str, bytes)) and len(json.dumps(spec, default=str)) > ctx.limits.vega_chars:
            raise BadData(f"the chart spec is over the limit of {ctx.limits.vega_chars:,} characters")
        prepared = _prepare(spec, refused)
    except RecursionError as exc:
        raise BadData("the chart spec is nested too deeply") from exc
    if refused:
        return ctx.render("handlers/vega_refused.html", name=name, type=item.type, reasons=refused[:5],
                          spec=ctx.render_item(MediaItem("application/json", spec)))
    try:
        if lite:
            svg = vlc.vegalite_to_svg(prepared, vl_version=vegalite_version(major), allowed_base_urls=[])
        else:
            svg = vlc.vega_to_svg(prepared, allowed_base_urls=[])
    except ValueError as exc:
        message = str(exc).split("\n")[1:2] or [str(exc)]
        raise BadData(f"vl-convert could not draw this {name}: {message[0][:300]}") from exc
    if len(svg) > ctx.limits.svg_bytes:
        raise BadData(f"the drawn chart is {len(svg):,} characters of SVG, over the limit of {ctx.limits.svg_bytes:,}")
    title = spec.get("title")
    default = f"{name}: {title[:200]}" if isinstance(title, str) and title.strip() else name
    html = ctx.render("handlers/vega.html", src=to_data_uri("image/svg+xml", clean_svg(svg)), alt=alt_text(item, default))
    return Output(html, classes=("bai-media-vega",))


def register(registry: Registry) -> None:
    # Above text/html (70): altair's HTML is a script that loads vega-embed from a CDN.
    registry.register_many([*VEGA_LITE_TYPES, *VEGA_TYPES], render_vega, rank=80)
