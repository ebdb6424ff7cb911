"""Plotly figures (``application/vnd.plotly.v1+json``): interactive, drawn by the ``plotly`` chunk.

The figure travels in the page as inert, escaped JSON text; the runtime loads the vendored
plotly.js only when such an item is on the page, and draws it under a strict CSP (no inline
script, no eval). plotly.js reads a small HTML dialect in every text it shows (titles, trace
names, tick labels, hover templates, even category values), so every string of the figure is
cleaned here to attribute-free formatting tags. Without JavaScript the item shows the bundle's
image, or a static summary, with a notice.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..context import BadData, Context, Output
from ..items import MediaItem
from ..registry import Registry
from ..sanitize import check_url
from .fallback import stand_in

PLOTLY_TYPE = "application/vnd.plotly.v1+json"
#: What plotly.js parses as a tag (its SPLIT_TAGS), and the tags it may keep: formatting only,
#: never with attributes (no <a href>, no <span style>). <extra> is hovertemplate syntax.
_TAG = re.compile(r"<[^<>]*>")
_KEPT_TAG = re.compile(r"^<(/?)(b|i|em|sub|sup|s|u|br|extra)\s*/?>$", re.IGNORECASE)
_MARKUP = re.compile(r"^<(/?[A-Za-z]|[!?])")
#: Traces that fetch map tiles or topojson from the network when drawn.
NETWORK_TRACES = {"scattergeo", "choropleth", "scattermapbox", "choroplethmapbox", "densitymapbox",
                  "scattermap", "choroplethmap", "densitymap"}
SUMMARY_TRACES = 20


@lru_cache(maxsize=4096)
def _tag(found: str) -> str:
    """What one bracketed span becomes (cached: figures repeat the same few tags many times)."""
    tag = _KEPT_TAG.match(found)
    if tag is not None:
        slash, name = tag.group(1), tag.group(2).lower()
        return "<br>" if name == "br" else f"<{slash}{name}>"
    return "" if _MARKUP.match(found) else f"&lt;{found[1:-1]}&gt;"


def clean_text(value: str) -> str:
    """A string plotly.js may show: entities decoded, then only attribute-free formatting tags.

    Other markup is removed; a bracketed span that is no markup (``a < b and c > d``) is escaped,
    which plotly.js shows as the text it was.
    """
    if "<" not in value and "&" not in value:
        return value
    return _TAG.sub(lambda match: _tag(match.group(0)), html.unescape(value))


def plain_text(value: Any, limit: int = 300) -> str:
    """A figure text for the static summary: no tags at all."""
    if isinstance(value, Mapping):
        value = value.get("text")
    return " ".join(_TAG.sub(" ", html.unescape(value)).split())[:limit] if isinstance(value, str) else ""


@dataclass
class _Cleaner:
    strings: int
    depth: int
    dropped: list[str] = field(default_factory=list)

    def clean(self, value: Any, key: str = "", level: int = 0) -> Any:
        """A copy of ``value`` safe to hand to plotly.js; raises BadData past the limits."""
        if isinstance(value, str):
            self.strings -= 1
            if self.strings < 0:
                raise BadData("the figure has too many strings to draw")
            if key == "source":  # layout images and image traces: inline raster data only
                url = check_url(value, data_image=True)
                if url is None or not url.startswith("data:image/"):
                    self.dropped.append("an image that plotly.js would fetch from the network")
                    return None
                return url
            return clean_text(value)
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if level >= self.depth:
            raise BadData(f"the figure is nested more than {self.depth} deep")
        if isinstance(value, Mapping):
            return {str(k)[:200]: self.clean(v, str(k), level + 1) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.clean(v, key, level + 1) for v in value]
        return None


def parse_figure(item: MediaItem, ctx: Context[None]) -> Mapping[str, Any]:
    data = item.data
    if isinstance(data, (str, bytes)):
        text = ctx.text(data)
        if len(text) > ctx.limits.plotly_chars:
            raise BadData(f"{len(text):,} characters of figure is over the limit of {ctx.limits.plotly_chars:,}")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise BadData(f"the figure is not valid JSON: {str(exc)[:120]}") from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("data", []), list):
        raise BadData("a Plotly figure must be an object with a list of traces under 'data'")
    return data


def render_plotly(item: MediaItem, ctx: Context[None]) -> Output:
    figure = parse_figure(item, ctx)
    traces = [t for t in figure.get("data", []) if isinstance(t, Mapping)]
    kinds = [str(t.get("type") or "scatter")[:40] for t in traces]
    cleaner = _Cleaner(ctx.limits.plotly_strings, ctx.limits.json_depth)
    network = sorted(set(kinds) & NETWORK_TRACES)
    why_static = f"its {', '.join(network)} traces load map data from the network" if network else None
    payload = None
    if why_static is None:
        try:
            clean = {key: cleaner.clean(figure[key], key) for key in ("data", "layout", "frames") if key in figure}
            payload = json.dumps(clean, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (BadData, RecursionError) as exc:
            why_static = str(exc) if isinstance(exc, BadData) else "the figure is nested too deeply"
    image = stand_in(item)
    return Output(ctx.render(
        "handlers/plotly.html",
        figure=payload,
        why_static=why_static,
        dropped=sorted(set(cleaner.dropped)),
        image=ctx.render_item(image) if image is not None and image.family == "image" else None,
        title=plain_text((figure.get("layout") or {}).get("title") if isinstance(figure.get("layout"), Mapping) else None),
        traces=[(kind, plain_text(t.get("name"), 100)) for kind, t in zip(kinds, traces)][:SUMMARY_TRACES],
        more=max(0, len(traces) - SUMMARY_TRACES),
    ), classes=("bai-media-plotly-item",))


def register(registry: Registry) -> None:
    # Above text/html (70): plotly's HTML is a script tag that the sanitizer would leave empty.
    registry.register(PLOTLY_TYPE, render_plotly, rank=80)
