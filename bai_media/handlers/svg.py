"""SVG: parsed by a hardened XML parser, scripting stripped, shown only through ``<img>``.

Browsers run no script and fetch nothing for an SVG loaded as an image; stripping is a second
line of defence for anyone who opens the data URI on its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..context import BadData, Context
from ..datauri import decode, to_data_uri
from ..items import MediaItem
from ..registry import Registry
from .images import alt_text, dimension, metadata_value

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: Prefixes we write, passed explicitly: ``ET.register_namespace`` would change the output of
#: every ElementTree user in the host process. After SVG's own two, ElementTree's defaults, so
#: the rest reads as before; other namespaces get ``ns0``, ``ns1``... as ElementTree numbers them.
PREFIXES = {
    SVG_NS: "",
    XLINK_NS: "xlink",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/1999/xhtml": "html",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://schemas.xmlsoap.org/wsdl/": "wsdl",
    "http://www.w3.org/2001/XMLSchema": "xs",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi",
    "http://purl.org/dc/elements/1.1/": "dc",
}

_DROP_ELEMENTS = {"script", "foreignObject", "iframe", "handler", "listener"}
_HREF = {"href", f"{{{XLINK_NS}}}href"}
_SAFE_HREF = re.compile(r"^(#[\w.:-]*|data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*)$")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


MAX_DEPTH = 200


def _keep(child: ET.Element) -> bool:
    if not isinstance(child.tag, str) or _local(child.tag) in _DROP_ELEMENTS:
        return False
    attribute = child.get("attributeName", "").lower()
    animates = _local(child.tag) in ("animate", "set", "animateTransform", "animateMotion")
    return not (animates and (attribute.startswith("on") or attribute in ("href", "xlink:href")))


def clean_svg(text: str) -> bytes:
    """Parse and clean SVG text; raise BadData for anything that is not plain, safe SVG."""
    # The XML parsers take ~5 ms to import: paid by the first SVG, not by every command line.
    import xml.etree.ElementTree as ET

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        # A bare DOCTYPE (matplotlib writes one) is harmless; any entity declaration is refused,
        # which stops XXE and billion-laughs before a single entity is expanded.
        root = fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BadData("SVG with entity declarations or external references is refused") from exc
    except (ET.ParseError, ValueError) as exc:
        raise BadData(f"not well-formed SVG: {str(exc)[:120]}") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise BadData("the document's root is not an SVG <svg> element")
    # One walk with an explicit stack: deep trees are refused before anything recursive
    # (serializing, the browser) meets them.
    stack = [(root, 1)]
    while stack:
        parent, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadData(f"SVG nested deeper than {MAX_DEPTH} levels is refused")
        kept = [child for child in parent if _keep(child)]
        if len(kept) != len(parent):
            parent[:] = kept  # one rebuild; removing children one by one is quadratic
        if parent.attrib:
            for name in list(parent.attrib):
                value = parent.attrib[name]
                if _local(name).lower().startswith("on") or (name in _HREF and not _SAFE_HREF.match(value.strip())):
                    del parent.attrib[name]
        stack.extend((child, depth + 1) for child in kept)
    return serialize(root)


def serialize(root: ET.Element) -> bytes:
    """The tree as XML with the prefixes of :data:`PREFIXES`, declared on the root element.

    Names are rewritten to their prefixed form first, so ElementTree's own (process-wide)
    namespace registry is never consulted.
    """
    import xml.etree.ElementTree as ET

    declared: dict[str, str] = {}

    def prefixed(name: str) -> str:
        if name[:1] != "{":
            return name
        uri, local = name[1:].rsplit("}", 1)
        prefix = declared.get(uri)
        if prefix is None:
            prefix = PREFIXES.get(uri, f"ns{len(declared)}")
            if prefix != "xml":  # predeclared by XML itself
                declared[uri] = prefix
        return f"{prefix}:{local}" if prefix else local

    for element in root.iter():
        element.tag = prefixed(element.tag)
        attrib = {prefixed(name): value for name, value in element.attrib.items()}
        element.attrib.clear()
        element.attrib.update(attrib)
    xmlns = {f"xmlns:{prefix}" if prefix else "xmlns": uri for uri, prefix in sorted(declared.items(), key=lambda x: x[1])}
    attrib = {**xmlns, **root.attrib}
    root.attrib.clear()
    root.attrib.update(attrib)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def svg_text(item: MediaItem, ctx: Context[None]) -> str:
    data = item.data
    if isinstance(data, str) and data.lstrip()[:5] == "data:":
        if data[:40].lower().partition(",")[0].endswith(";base64"):
            return decode(data, ctx.limits.svg_bytes).payload.decode("utf-8", "replace")
        from urllib.parse import unquote

        return unquote(data.partition(",")[2])
    text = ctx.text(data)
    if len(text) > ctx.limits.svg_bytes:
        raise BadData(f"{len(text):,} characters of SVG is over the limit of {ctx.limits.svg_bytes:,}")
    return text


def render_svg(item: MediaItem, ctx: Context[None]) -> Markup:
    cleaned = clean_svg(svg_text(item, ctx))
    return ctx.render(
        "handlers/svg.html",
        src=to_data_uri("image/svg+xml", cleaned),
        width=dimension(metadata_value(item, "width")),
        height=dimension(metadata_value(item, "height")),
        alt=alt_text(item, "SVG image output"),
    )


def register(registry: Registry) -> None:
    registry.register("image/svg+xml", render_svg, rank=65)
