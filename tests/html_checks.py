"""Structural checks on rendered HTML: parse it and list anything that could run or leak."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bai_media.sanitize import check_url

ACTIVE_TAGS = {"script", "iframe", "object", "embed", "form", "input", "button", "textarea", "select",
               "meta", "base", "link", "style", "frame", "frameset", "applet", "svg", "template", "noscript",
               "maction", "foreignobject"}
#: Form controls the widget handler draws from saved state: harmless when disabled and unnamed.
CONTROLS = {"input", "select", "textarea", "button"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "srcset", "data"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag in ACTIVE_TAGS and not (tag in CONTROLS and "disabled" in names and not names & {"name", "form", "autofocus"}):
            self.findings.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.findings.append(f"{tag}[{name}]")
            elif name in URL_ATTRS:
                ok = check_url(value, data_image=(tag == "img" and name == "src")) or _own_media(tag, name, value)
                if (name == "srcset" and not (tag == "source" and _own_media("img", "src", value))) or (name != "srcset" and not ok):
                    self.findings.append(f"{tag}[{name}={value[:40]!r}]")
            elif name == "style" and any(bad in value.lower() for bad in ("url(", "expression", "fixed", "\\", "@import")):
                self.findings.append(f"{tag}[style={value[:40]!r}]")
            elif name.startswith("data-") and name not in ("data-type", "data-result-id", "data-bai-animated"):
                self.findings.append(f"{tag}[{name}]")


def _own_media(tag: str, name: str, value: str) -> bool:
    """Data URIs our handlers generate: SVG only inside <img> (no script runs there), media."""
    if name != "src":
        return False
    if tag == "img":
        return re.match(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]*$", value) is not None
    if tag in ("audio", "video"):
        return re.match(r"data:(audio|video)/[\w.+-]+;base64,[A-Za-z0-9+/=]*$", value) is not None
    return False


def active_content(html: str) -> list[str]:
    """Everything in ``html`` that a sanitized fragment must not contain."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.findings
