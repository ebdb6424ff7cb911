"""The one sanitizer policy for every piece of HTML that came from a kernel.

Modelled on JupyterLab's sanitizer (``packages/apputils/src/sanitizer.ts``) and tightened
per ``security.md``: no active content, no forms, no event handlers, no ``data-*``, ``id`` and
``name`` prefixed against DOM clobbering, links with ``rel=noopener``, URL schemes checked after
removing whitespace, control and invisible characters, and ``style`` through a property allowlist.

Two engines apply the same policy: nh3 (default, fast) and bleach (deprecated upstream, kept
selectable). Both call :func:`filter_attribute`, so the attribute rules live in one place.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from urllib.parse import unquote
from typing import Any, Literal

from urllib.parse import quote

from markupsafe import Markup, escape

from .mediatypes import WEB_RASTER

Engine = Literal["nh3", "bleach"]
ENGINES: tuple[Engine, ...] = ("nh3", "bleach")

#: Prefix for user-supplied ``id``/``name`` values, as GitHub does, so kernel HTML cannot
#: clobber globals or elements of the host page.
ID_PREFIX = "user-content-"

LINK_REL = "noopener noreferrer nofollow"

ALLOWED_TAGS: frozenset[str] = frozenset(
    """a abbr acronym address article aside audio b bdi bdo big blockquote br caption center
    cite code col colgroup data dd del details dfn dir div dl dt em figcaption figure font footer
    h1 h2 h3 h4 h5 h6 header hgroup hr i img ins kbd li mark meter nobr ol p pre progress q rp rt
    ruby s samp section small source span strike strong sub summary sup table tbody td tfoot th
    thead time tr tt u ul var video wbr""".split()
)

#: Removed together with everything inside them (their text is code or junk, not content).
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset(
    """script style template iframe object embed noscript noembed noframes xmp textarea select
    title frameset applet svg math head""".split()
)

_GLOBAL_ATTRS = {"class", "title", "lang", "dir", "style", "align", "valign", "id", "hidden"}
_CELL_ATTRS = {"colspan", "rowspan", "headers", "scope", "abbr", "nowrap", "width", "height"}
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset(_GLOBAL_ATTRS),
    "a": frozenset({"href", "name", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset(_CELL_ATTRS),
    "th": frozenset(_CELL_ATTRS),
    "table": frozenset({"border", "cellpadding", "cellspacing", "summary", "width", "frame", "rules"}),
    "col": frozenset({"span", "width"}),
    "colgroup": frozenset({"span", "width"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "ul": frozenset({"type"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
    "data": frozenset({"value"}),
    "meter": frozenset({"value", "min", "max", "low", "high", "optimum"}),
    "progress": frozenset({"value", "max"}),
    "audio": frozenset({"src", "controls", "loop", "muted", "preload"}),
    "video": frozenset({"src", "controls", "loop", "muted", "preload", "width", "height"}),
    "source": frozenset({"src", "type"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "font": frozenset({"color", "face", "size"}),
}

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
#: Where a link may lead when it must leave the page for the web (terminal links, output files).
WEB_SCHEMES: frozenset[str] = frozenset({"http", "https"})
#: ``data:`` is allowed only here, only for these image types (never SVG or HTML).
DATA_IMAGE_TYPES: frozenset[str] = frozenset(WEB_RASTER)
_URL_ATTRS = frozenset({"href", "src", "cite", "poster", "action", "formaction", "background", "longdesc"})

STYLE_PROPERTIES: frozenset[str] = frozenset(
    """color background-color text-align vertical-align font-weight font-style font-size
    font-family font-variant text-decoration text-transform text-indent white-space word-break
    overflow-wrap line-height letter-spacing word-spacing width height min-width max-width
    min-height max-height padding padding-top padding-right padding-bottom padding-left margin
    margin-top margin-right margin-bottom margin-left border border-top border-right border-bottom
    border-left border-color border-style border-width border-collapse border-spacing
    border-radius list-style-type caption-side empty-cells table-layout display float clear
    background background-image""".split()
)
# Values: words, numbers, units, colours, quotes, commas, parentheses; the only functions are
# colours and gradients (pandas Styler's bar charts), never url(), expression(), var(), image-set()
# or escapes that could smuggle one of them.
_STYLE_VALUE = re.compile(r"^[-#%.,\w\s'\"!/+()]*$")
_STYLE_FUNCTION = re.compile(r"([\w-]*)\s*\(")
_STYLE_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla", "linear-gradient", "repeating-linear-gradient"})
_KEYWORD_VALUES: dict[str, frozenset[str]] = {
    "display": frozenset({"block", "inline", "inline-block", "none", "table", "table-cell", "table-row", "flex"}),
    # Floats stay inside the output: its element is a block formatting context (our CSS).
    "float": frozenset({"left", "right", "none"}),
    "clear": frozenset({"left", "right", "both", "none"}),
}

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
#: Without ``//`` a browser resolves ``http:x`` against an http page: a relative URL in disguise.
_NEEDS_SLASHES = frozenset({"http", "https"})
_CLASS_TOKEN = re.compile(r"^[A-Za-z_][\w-]{0,63}$")


def _strip_invisible(value: str) -> str:
    """Drop characters a browser ignores or that hide a scheme: whitespace, C0/C1, format chars.

    The whole value is checked (browsers delete tabs and newlines anywhere in a URL), but plain
    printable ASCII without spaces, like a long data URI, has nothing to drop.
    """
    if value.isascii() and value.isprintable() and " " not in value:
        return value
    return "".join(
        ch for ch in value if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"))
    )


def check_url(
    value: str, *, schemes: Collection[str] = URL_SCHEMES, relative: bool = True, data_image: bool = False
) -> str | None:
    """Return the URL if it may be used, else None: the one URL check of the project.

    A scheme must be in ``schemes``; a relative URL passes only with ``relative``; ``data_image``
    additionally admits ``data:`` URIs of raster image types (for ``img src``). Without
    ``relative``, the URL must be absolute as a browser reads it: the scheme spelled plainly,
    and ``//`` after ``http:``/``https:`` (``http:x`` resolves against the page).
    """
    stripped = value.strip()
    probe = _strip_invisible(stripped).lower()
    match = _SCHEME.match(probe)
    if match is None:
        # No scheme: a relative URL. A colon before any path character still means the browser
        # may see a scheme we failed to parse; refuse rather than guess.
        head = re.split(r"[/?#]", probe, maxsplit=1)[0]
        return None if ":" in head or not relative else stripped
    scheme = match.group(1)
    if not relative and not stripped.lower().startswith(scheme + ("://" if scheme in _NEEDS_SLASHES else ":")):
        return None
    if scheme in schemes:
        return stripped
    if scheme == "data" and data_image:
        mime = probe[5:].split(";", 1)[0].split(",", 1)[0]
        if mime in DATA_IMAGE_TYPES and ";base64," in probe:
            return stripped
    return None


def clean_style(value: str) -> str:
    """Keep only allowlisted CSS declarations with plain values; ``""`` if none survive."""
    kept = []
    for declaration in value.split(";"):
        prop, sep, val = declaration.partition(":")
        prop = prop.strip().lower()
        val = val.strip()
        if not sep or prop not in STYLE_PROPERTIES or not val or len(val) > 200:
            continue
        if not _STYLE_VALUE.match(val) or "/*" in val:
            continue
        if any(name.lower() not in _STYLE_FUNCTIONS for name in _STYLE_FUNCTION.findall(val)):
            continue
        if prop in _KEYWORD_VALUES and val.lower() not in _KEYWORD_VALUES[prop]:
            continue
        kept.append(f"{prop}: {val}")
    return "; ".join(kept) + (";" if kept else "")


def anchor_token(value: str) -> str:
    """An ``id`` or in-page link target as both are kept, so links reach their ids: everything
    but whitespace, control, format and markup characters (JupyterLab's heading ids keep
    punctuation), bounded."""
    if value.isascii() and value.isprintable() and not any(ch in value for ch in " \"'<>`"):
        return value[:128]
    return "".join(ch for ch in value[:256] if ch not in "\"'<>`" and not (
        ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")))[:128]


#: Turns a relative image URL into a ``data:`` URI of the image or an absolute http(s) URL, or
#: None to refuse it.
ImageResolver = Callable[[str], str | None]
BROKEN_IMAGE = "data:image/png;base64,"
_image_resolver: ContextVar[ImageResolver | None] = ContextVar("bai_media_image_resolver", default=None)


@contextmanager
def resolving_images(resolve: ImageResolver | None) -> Iterator[None]:
    """Within the block, relative ``img src`` URLs go through ``resolve`` (e.g. files next to a
    notebook read by the caller); what it returns is checked like any ``src``. Without a
    resolver, relative image URLs are dropped: they would fetch from the host application."""
    if resolve is None:
        yield
        return
    token = _image_resolver.set(resolve)
    try:
        yield
    finally:
        _image_resolver.reset(token)


def resolving() -> bool:
    """Whether an image resolver is active: output then depends on more than the input."""
    return _image_resolver.get() is not None


def _resolved_image(value: str) -> str:
    """A relative ``img src`` through the active resolver; other values unchanged."""
    resolve = _image_resolver.get()
    if resolve is None or value.strip().startswith("//") or check_url(value) is None:
        return value
    if check_url(value, relative=False, data_image=True) is not None:  # absolute: not a file
        return value
    # A refused image stays visible as a broken one (its alt text and the browser's icon), as
    # JupyterLab shows a missing file; the empty image data never loads anything.
    return resolve(value.strip()) or BROKEN_IMAGE


def filter_attribute(tag: str, name: str, value: str) -> str | None:
    """The per-attribute rules shared by both engines; ``None`` drops the attribute."""
    if name in _URL_ATTRS:
        if tag == "a" and name == "href" and value.strip().startswith("#"):
            token = anchor_token(unquote(value.strip()[1:]))
            return "#" + ID_PREFIX + token if token else None
        data_image = tag == "img" and name == "src"
        if data_image:
            value = _resolved_image(value)
        if tag in ("audio", "video", "source", "img") and name == "src":
            # A relative src would make the viewer's browser send an authenticated GET to the
            # host application; only absolute http(s) or inline image data.
            return check_url(value, relative=False, data_image=data_image)
        return check_url(value, data_image=data_image)
    if name in ("id", "name"):
        token = anchor_token(value)
        return (ID_PREFIX + token) if token else None
    if name == "style":
        return clean_style(value) or None
    if name == "class":
        # Our own classes (bai-*) drive the page's CSS and JS; kernel HTML may not claim them.
        classes = [c for c in value.split() if _CLASS_TOKEN.match(c) and not c.startswith("bai-")]
        return " ".join(classes) or None
    if name in ("width", "height"):
        return value if re.fullmatch(r"\d{1,5}(?:\.\d+)?%?", value.strip()) else None
    return value


def _allowed(tag: str, name: str) -> bool:
    return name in ALLOWED_ATTRIBUTES["*"] or name in ALLOWED_ATTRIBUTES.get(tag, ())


@cache
def _nh3_cleaner(mathml: bool = False) -> Callable[[str], str]:
    import nh3

    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    tags, clean_content = set(ALLOWED_TAGS), set(CLEAN_CONTENT_TAGS)
    if mathml:
        tags |= MATHML_TAGS
        clean_content.discard("math")
        attributes.update({tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS})
    # Schemes and rel are nh3's own options. Its allowed_classes and filter_style_properties
    # match exact names only; our class and style rules judge tokens and values, so they stay in
    # filter_attribute (shared with bleach).
    cleaner = nh3.Cleaner(
        tags=tags,
        clean_content_tags=clean_content,
        attributes=attributes,
        attribute_filter=_filter_with_math if mathml else filter_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES) | {"data"},
    )
    return cleaner.clean


@cache
def _bleach_cleaner(mathml: bool = False) -> Callable[[str], str]:
    try:
        import bleach
        from bleach.html5lib_shim import Filter
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("the bleach engine needs the 'bleach' extra: pip install 'bai-media[bleach]'") from exc

    class PolicyFilter(Filter):  # type: ignore[misc]
        """Applies :func:`filter_attribute` and the link rel, as nh3's callback does."""

        def __iter__(self):  # type: ignore[no-untyped-def]
            for token in super().__iter__():
                if token["type"] in ("StartTag", "EmptyTag"):
                    tag = token["name"]
                    attrs = {}
                    for key, value in token["data"].items():
                        # bleach keeps entity references in values; judge what the browser sees.
                        decoded = html.unescape(value)
                        new = (_filter_with_math if mathml else filter_attribute)(tag, key[1], decoded)
                        if new is not None:
                            attrs[key] = value if new == decoded else new
                    if tag == "a":
                        attrs[(None, "rel")] = LINK_REL
                    token["data"] = attrs
                yield token

    class PolicyCss:
        def sanitize_css(self, style: str) -> str:
            return clean_style(style)

    def allowed(tag: str, name: str, value: str) -> bool:
        return name in MATHML_ATTRIBUTES if mathml and tag in MATHML_TAGS else _allowed(tag, name)

    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS | MATHML_TAGS if mathml else ALLOWED_TAGS,
        attributes=allowed,
        protocols=URL_SCHEMES | {"data"},
        strip=True,
        strip_comments=True,
        css_sanitizer=PolicyCss(),
        filters=[PolicyFilter],
    )
    # bleach's etree walker finds a node's next sibling by scanning its parent's children, so its
    # time is quadratic in the width of the tree (a 500-row table); the DOM builder and walker keep
    # sibling links. The DOM builder leaves each '&' as a text node of its own, and bleach only
    # recognises a character reference inside one text token, so adjacent text is joined first.
    from bleach import html5lib_shim
    from bleach._vendor.html5lib import treebuilders

    dom_walker = html5lib_shim.getTreeWalker("dom")

    def joined_text(tree: Any) -> Iterator[dict[str, Any]]:
        pending: list[str] = []
        for token in dom_walker(tree):
            if token["type"] in ("Characters", "SpaceCharacters"):
                pending.append(token["data"])
                continue
            if pending:
                yield {"type": "Characters", "data": "".join(pending)}
                pending = []
            yield token
        if pending:
            yield {"type": "Characters", "data": "".join(pending)}

    cleaner.parser = html5lib_shim.BleachHTMLParser(
        tags=cleaner.tags, strip=cleaner.strip, consume_entities=False, namespaceHTMLElements=False,
        tree=treebuilders.getTreeBuilder("dom"))
    cleaner.walker = joined_text
    # bleach keeps the text of removed elements (e.g. a script's source, shown as inert text);
    # nh3 drops it. Both are safe; only nh3 is tidy, one reason it is the default.
    return cleaner.clean


# -- nesting bounds ------------------------------------------------------------------------------
# Both engines' HTML5 parsers slow down superlinearly with the depth of the tree and with the
# number of open formatting elements (which the parser re-creates for every later block). One
# linear pass over the tags models both conservatively and drops the start tags (and matching end
# tags) beyond the caps; the sanitizer still runs on the result, so this pass cannot weaken it.

MAX_NESTING = 256
MAX_FORMATTING = 4
_TAG = re.compile(r"<(/?[A-Za-z][^\t\n\f\r />]*)[^>]*>")
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_FORMATTING = frozenset("a b big code em font i nobr s small strike strong tt u".split())
#: Start tags that close an open element of these names on top of the stack (the common
#: implied end tags), so unclosed ``<li>`` or ``<td>`` lists do not count as nesting.
_IMPLIED_END = {"p": ("p",), "li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "td": ("td", "th"),
                "th": ("td", "th"), "tr": ("tr", "td", "th"), "option": ("option",), "rt": ("rt", "rp"),
                "rp": ("rt", "rp"), "tbody": ("tbody", "thead", "tfoot", "tr", "td", "th"),
                "thead": ("tbody", "thead", "tfoot", "tr", "td", "th"), "tfoot": ("tbody", "thead", "tfoot", "tr", "td", "th")}
#: html5lib (inside bleach) is pure Python, 20-50x slower than nh3 and superlinear on some
#: shapes (runs of ``<``, re-opened formatting); this keeps every item within about a second.
BLEACH_MAX_CHARS = 50_000
NESTING_NOTICE = Markup(
    f'<div class="bai-media-truncated" role="note">… markup nested deeper than {MAX_NESTING} levels '
    f"(or more than {MAX_FORMATTING} open formatting tags) was flattened …</div>"
)


def bound_nesting(source: str) -> tuple[str, bool]:
    """``source`` with start tags beyond the nesting caps removed, and whether any were."""
    if source.count("<") <= MAX_FORMATTING:
        return source, False
    drop = _tags_to_drop(_TAG.findall(source.lower()))
    if not drop:
        return source, False
    out: list[str] = []
    pos = 0
    for index, match in enumerate(_TAG.finditer(source)):
        if index in drop:
            out.append(source[pos : match.start()])
            pos = match.end()
    out.append(source[pos:])
    return "".join(out), True


def _tags_to_drop(tags: list[str]) -> set[int]:
    """Indexes of the start tags (and their end tags) beyond the caps; one pass, O(1) per tag."""
    stack: list[str] = []
    depth_of: dict[str, int] = {}  # open elements per name, to find an end tag's element in O(1)
    formatting: dict[str, int] = {}  # formatting start tags not yet ended by their own end tag
    open_formatting = 0
    dropped: dict[str, int] = {}
    drop: set[int] = set()
    for index, tag in enumerate(tags):
        if tag[0] == "/":
            name = tag[1:]
            if dropped and dropped.get(name):
                dropped[name] -= 1
                drop.add(index)
                continue
            if name in formatting and formatting[name]:
                formatting[name] -= 1
                open_formatting -= 1
            if stack and stack[-1] == name:
                stack.pop()
                depth_of[name] -= 1
            elif depth_of.get(name):
                while (top := stack.pop()) != name:
                    depth_of[top] -= 1
                depth_of[name] -= 1
            continue
        if tag in _VOID:
            continue
        if stack and stack[-1] in _IMPLIED_END.get(tag, ()):
            depth_of[stack.pop()] -= 1
        if len(stack) >= MAX_NESTING or (tag in _FORMATTING and open_formatting >= MAX_FORMATTING):
            dropped[tag] = dropped.get(tag, 0) + 1
            drop.add(index)
            continue
        stack.append(tag)
        depth_of[tag] = depth_of.get(tag, 0) + 1
        if tag in _FORMATTING:
            formatting[tag] = formatting.get(tag, 0) + 1
            open_formatting += 1
    return drop


# -- remote media ----------------------------------------------------------------------------------
# An <img>, <audio>, <video> or <source> with an http(s) src makes every viewer's browser fetch a
# third-party URL, telling it who viewed what and when. Jupyter keeps them, so "allow" is the
# default; "block" shows each as a link instead; a proxy URL template (containing "{url}", as
# GitHub's camo does) sends the fetch through a server the site runs.

REMOTE_MEDIA_MODES = ("allow", "block")
#: One token of serialized, sanitized HTML: a whole tag (quoted values consumed, so a "<img"
#: inside an attribute value is never taken for a tag), a run of text, or a lone "<".
_MARKUP = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|<""")
_ATTRIBUTE = re.compile(r"""\s+([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_MEDIA_TAGS = frozenset({"img", "audio", "video", "source"})


def check_remote_media(policy: str) -> str:
    """``policy`` if valid ("allow", "block" or an http(s) proxy template with ``{url}``)."""
    if policy in REMOTE_MEDIA_MODES:
        return policy
    if "{url}" in policy and policy.count("{") == 1 and policy.count("}") == 1 and re.match(r"https?://[^\s\"'<>]+$", policy):
        return policy
    raise ValueError(f"remote media policy must be 'allow', 'block' or an http(s) URL template with {{url}}, got {policy[:80]!r}")


def apply_remote_media(clean: str, policy: str) -> str:
    """Sanitized HTML with remote media sources blocked (as links) or rewritten to the proxy.

    Runs on the sanitizer's output: tags are read whole and rebuilt, every value escaped for a
    double-quoted attribute or for text, whatever quoting the engine chose.
    """
    if policy == "allow" or "src" not in clean:
        return clean

    def token(match: re.Match[str]) -> str:
        name = (match.group(2) or "").lower()
        if name not in _MEDIA_TAGS:
            return match.group(0)
        if match.group(1):  # an end tag: audio and video become spans when blocked
            return "</span>" if policy == "block" and name in ("audio", "video") else match.group(0)
        attrs = _attributes(match.group(3))
        src = attrs.get("src", "") if attrs is not None else ""
        remote = attrs is None or (bool(src) and _remote(src))
        if not remote:
            return match.group(0)
        if policy != "block":
            attrs = attrs or {}
            attrs["src"] = policy.replace("{url}", quote(src, safe=""))
            return f"<{name}" + "".join(f' {k}="{escape(v)}"' for k, v in attrs.items()) + ">"
        link = _link(src, name if name != "img" else (attrs or {}).get("alt") or "image") if src else ""
        # Their other content (fallback text, sources) must stay visible, so no media element.
        return f'<span class="bai-media-remote">{link}' if name in ("audio", "video") else link

    return _MARKUP.sub(token, clean)


def _attributes(attrs: str) -> dict[str, str] | None:
    """A serialized tag's attributes, values unescaped; None if they do not parse cleanly."""
    found: dict[str, str] = {}
    attrs = attrs.rstrip(" /")
    pos = 0
    while pos < len(attrs):
        match = _ATTRIBUTE.match(attrs, pos)
        if match is None:
            return None
        value = match.group(2) or ""
        found[match.group(1).lower()] = html.unescape(value[1:-1] if value[:1] in "\"'" and value else value)
        pos = match.end()
    return found


def _remote(src: str) -> bool:
    return _SCHEME.match(_strip_invisible(src).lower()) is not None and not src.strip().lower().startswith("data:")


def _link(url: str, label: str) -> str:
    return (f'<a href="{escape(url)}" rel="{LINK_REL}" class="bai-media-remote-link" '
            f'title="remote media, not loaded">[{escape(label[:200])}: {escape(url[:200])}]</a>')


def sanitize_html(source: str, engine: Engine = "nh3", remote_media: str = "allow", *, mathml: bool = False) -> Markup:
    """Sanitize untrusted HTML under the project policy and mark the result safe.

    Nesting beyond the caps is flattened first, with a notice after the fragment; remote media
    follow ``remote_media`` (see :func:`apply_remote_media`). ``mathml`` also admits the MathML
    allowlist (for markdown, whose math is part of its tree).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown sanitizer engine {engine!r}; choose one of {', '.join(ENGINES)}")
    bounded, flattened = bound_nesting(source)
    if engine == "nh3":
        clean = Markup(accessible(apply_remote_media(_nh3_cleaner(mathml)(bounded), remote_media)))
    else:
        cut = max(0, len(bounded) - BLEACH_MAX_CHARS)
        # The sanitizer closes what the cut left open.
        clean = Markup(accessible(apply_remote_media(_bleach_cleaner(mathml)(bounded[:BLEACH_MAX_CHARS]), remote_media)))
        if cut:
            clean += Markup(f'<div class="bai-media-truncated" role="note">… {cut:,} characters of HTML not shown: '
                            f"the bleach engine sanitizes at most {BLEACH_MAX_CHARS:,} an item …</div>")
    return clean + NESTING_NOTICE if flattened else clean


# -- generated XML (SVG the project builds) ------------------------------------------------------

#: Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF):
#: one of them makes a whole generated SVG a broken image, so each becomes U+FFFD.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_chars(text: str) -> str:
    """``text`` with every character XML 1.0 does not allow replaced by U+FFFD."""
    return _XML_FORBIDDEN.sub("\ufffd", text)


# -- accessibility repairs on sanitized output --------------------------------------------------

#: One token of serialized, sanitized HTML: a tag (attribute values are always quoted there, so
#: a ``>`` inside one cannot end it), a run of text, or a lone ``<``. Each alternative starts
#: with a different character, so the scan is linear.
_TOKEN = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|<""")
_HAS_ALT = re.compile(r"(?:^|\s)alt(?:\s|$)")
_ATTR_VALUES = re.compile(r"""="[^"]*"|='[^']*'""")
_BLANK = re.compile(r"(?:\s|&nbsp;|&#160;|\xa0)+")


def accessible(html: str) -> str:
    """Repairs that screen readers need and kernel HTML often lacks: every ``img`` gets an
    ``alt`` (empty: the kernel did not say what it shows), and an empty header cell (pandas'
    index corner) becomes a data cell. Works on the engine's serialized output, whose tags are
    well-formed, and inserts only fixed text at tag boundaries."""
    if "<img" not in html and "<th" not in html:
        return html
    out: list[str] = []
    open_th: tuple[int, str] | None = None  # a <th> just written: where, and its attributes
    for match in _TOKEN.finditer(html):  # one token at a time: a list of them all cost superlinear GC work
        closing, tag, attrs = match.group(1), (match.group(2) or "").lower(), match.group(3) or ""
        text = match.group(0)
        if open_th is not None and tag == "th" and closing:
            out[open_th[0]] = f"<td{open_th[1]}>"
            text = "</td>"
        elif open_th is not None and not tag and _BLANK.fullmatch(text) and open_th[0] == len(out) - 1:
            out.append(text)  # only blanks (pandas writes &nbsp;) so far: still an empty header
            continue
        open_th = None
        if tag == "img" and not closing and not _HAS_ALT.search(_ATTR_VALUES.sub("", attrs)):
            text = f'<img{attrs.rstrip("/ ")} alt="">'
        elif tag == "th" and not closing:
            open_th = (len(out), attrs)
        out.append(text)
    return "".join(out)


# -- MathML (generated by latex2mathml from untrusted TeX) ------------------------------------

MATHML_TAGS: frozenset[str] = frozenset(
    """math mrow mi mn mo ms mtext mspace msub msup msubsup munder mover munderover mfrac msqrt
    mroot mtable mtr mtd mstyle mpadded mphantom menclose merror semantics annotation""".split()
)
MATHML_ATTRIBUTES: frozenset[str] = frozenset(
    """display mathvariant displaystyle scriptlevel stretchy fence form columnalign rowalign width
    height depth lspace rspace accent accentunder movablelimits separator linethickness
    columnlines rowlines rowspacing columnspacing frame largeop symmetric minsize maxsize
    notation voffset encoding""".split()
)
_MATH_VALUE = re.compile(r"^[\w\s.%#+/-]{0,64}$")


def _filter_math_attribute(tag: str, name: str, value: str) -> str | None:
    # No URLs exist in this allowlist (no href, no maction); values are short plain tokens.
    return value if _MATH_VALUE.match(value) else None


def _filter_with_math(tag: str, name: str, value: str) -> str | None:
    return _filter_math_attribute(tag, name, value) if tag in MATHML_TAGS else filter_attribute(tag, name, value)


@cache
def _mathml_cleaner() -> Callable[[str], str]:
    import nh3

    cleaner = nh3.Cleaner(
        tags=set(MATHML_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"*": set(MATHML_ATTRIBUTES)},
        attribute_filter=_filter_math_attribute,
        strip_comments=True,
        link_rel=None,
        url_schemes=set(),
    )
    return cleaner.clean


def sanitize_mathml(source: str) -> Markup:
    """Sanitize generated MathML under a MathML-only allowlist (no links, no actions)."""
    return Markup(_mathml_cleaner()(source))
