"""Markdown as JupyterLab shows it: Python-Markdown with math as MathML, for one sanitizer pass.

Math is found as Jupyter finds it, before markdown (so ``_`` and ``*`` in TeX stay TeX, and
display math may span blank lines), and replaced by inert tokens. Only an inline pattern turns a
token into MathML, so only where markdown puts text; a token that lands in a URL, an attribute,
raw HTML or code gets its TeX source back. The MathML is part of the document the sanitizer then
cleans once (HTML + MathML allowlist): nothing is inserted into HTML after sanitizing.

Python-Markdown is superlinear on some shapes (unclosed brackets, backtick runs, unclosed tags,
deep quotes). Those shapes are measured in linear time first; text too costly to parse is shown
literally, with a visible notice, so every item stays linear in its size.
"""

from __future__ import annotations

import html
import os
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import markdown
from markdown.blockparser import BlockParser
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.tables import TableProcessor
from markdown.inlinepatterns import InlineProcessor, SimpleTagInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor, Preprocessor
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor, Treeprocessor
from markdown.util import AtomicString
from pygments import highlight

from .highlight import FORMATTER, lexer
from .mathml import MAX_FORMULA_CHARS, MAX_FORMULAS, MathError, find_math, tex_to_mathml, unrendered_math

# What Jupyter's GFM-style markdown supports; footnotes, abbr and def_list are not part of it.
# Fenced code is ours (below): codehilite builds a Pygments formatter and looks its lexer up per
# block, 1.5 ms each.
EXTENSIONS = ["tables", "sane_lists"]

#: Code spans and fences, whose dollars are not math.
_CODE = re.compile(r"(^|\n)(```|~~~).*?(\n\2[^\n]*(?=\n|$)|$)|(`+)[^`]*?\4", re.DOTALL)

#: Estimated inline parsing cost (roughly µs) one text, and one item, may take.
TEXT_BUDGET = 100_000
ITEM_BUDGET = 800_000
#: Blockquotes nested deeper are flattened to this depth (the parser recurses per level).
MAX_QUOTE_DEPTH = 16
#: Markdown is parsed up to here (about 50 µs a block); the rest of an item is shown as plain text.
MAX_LINES = 5_000
MAX_CHARS = 200_000
#: Python-Markdown retests the rest of a block after each heading or list line it takes: blocks
#: (other than tables) get a break every this many lines, which keeps that linear.
MAX_BLOCK_LINES = 100


@dataclass
class _Render:
    """What one conversion knows: its math token (random, so text cannot forge one), the spans
    the tokens stand for, and what was cut."""

    token: str
    spans: list[tuple[str, str, bool]] = field(default_factory=list)  # (source, tex, display)
    formulas: int = 0
    formula_chars: int = 0
    cost: int = 0
    literal: int = 0
    notices: list[str] = field(default_factory=list)

    def span(self, match: re.Match[str]) -> tuple[str, str, bool] | None:
        """The span a token stands for; ``None`` for a token of another conversion or a forgery."""
        index = int(match.group(2))
        return self.spans[index] if match.group(1) == self.token and index < len(self.spans) else None

    def math(self, span: tuple[str, str, bool]) -> str | None:
        """The span as MathML, or ``None`` once the item's formula budget is spent."""
        _, tex, display = span
        self.formulas += 1
        self.formula_chars += len(tex)
        if self.formulas > MAX_FORMULAS or self.formula_chars > MAX_FORMULA_CHARS:
            return None
        try:
            return str(tex_to_mathml(tex, display))
        except MathError:
            return str(unrendered_math(tex, display))

    def in_raw_html(self, match: re.Match[str]) -> str:
        """Raw HTML (sanitized later with everything else): tokens in tags get their source,
        tokens between tags their MathML, as Jupyter typesets math inside HTML blocks."""
        if match.group(0).startswith("<"):
            return _TOKEN.sub(lambda m: html.escape(self.source(m)), match.group(0))
        span = self.span(match)
        if span is None:
            return match.group(0)
        mathml = self.math(span)
        return html.escape(span[0]) if mathml is None else mathml

    def source(self, match: re.Match[str]) -> str:
        span = self.span(match)
        return span[0] if span else match.group(0)


_local = threading.local()
#: ``BAIMATH<token>N<index>Z``: letters and digits only, so markdown leaves it whole anywhere.
_TOKEN = re.compile(r"BAIMATH([0-9A-F]{12})N(\d+)Z")
_TAG_OR_TOKEN = re.compile(r"<[^<>]*>|" + _TOKEN.pattern)


def _converter() -> tuple[markdown.Markdown, _Bai]:
    """One Markdown instance per thread: building one (extensions, Pygments) costs more than
    converting a typical cell, and instances are not thread-safe."""
    pair = getattr(_local, "converter", None)
    if pair is None:
        bai = _Bai()
        md = markdown.Markdown(extensions=[*EXTENSIONS, bai], output_format="html")
        pair = _local.converter = (md, bai)
    return pair


# -- before markdown: math out, costly shapes bounded ----------------------------------------------

_QUOTES = re.compile(r"^((?:[ \t]*>){%d})(?:[ \t]*>)+" % MAX_QUOTE_DEPTH, re.MULTILINE)
_TAG_START = re.compile(r"<(?=[A-Za-z!/?])")
_ANGLES = re.compile(r"[<>]")


_FENCE = re.compile(r"(```|~~~)")


def _shape(source: str, state: _Render) -> tuple[str, str]:
    """Split ``source`` into the markdown parsed and a plain-text rest; break over-long blocks."""
    lines = source.split("\n", MAX_LINES)
    rest = ""
    if len(lines) > MAX_LINES:
        rest = lines.pop()
    kept, size = [], 0
    fence = ""
    run = 0
    broken = False
    for index, line in enumerate(lines):
        size += len(line) + 1
        if size > MAX_CHARS:
            rest = "\n".join(lines[index:]) + ("\n" + rest if rest else "")
            break
        opener = _FENCE.match(line)
        if opener and (not fence or opener.group(1) == fence):
            fence = "" if fence else opener.group(1)
        if fence or not line.strip():
            run = 0
        else:
            run += 1
            if run > MAX_BLOCK_LINES and "|" not in line:
                kept.append("")
                run = 1
                broken = True
        kept.append(line)
    if broken:
        state.notices.append(f"Blocks longer than {MAX_BLOCK_LINES} lines are shown in parts.")
    if rest:
        state.notices.append(f"Markdown is rendered up to {MAX_LINES:,} lines or {MAX_CHARS:,} characters; "
                             f"the last {len(rest):,} characters are shown as plain text.")
    return "\n".join(kept), rest


def _prepare(text: str, state: _Render) -> str:
    """Math spans outside code become tokens; shapes the parser is superlinear on are bounded."""
    if "`" not in text and "~~~" not in text:  # no code: spare the scan for it
        return _prose(text, state)
    out: list[str] = []
    pos = 0
    for code in _CODE.finditer(text):
        out.append(_prose(text[pos : code.start()], state))
        out.append(code.group(0))
        pos = code.end()
    out.append(_prose(text[pos:], state))
    return "".join(out)


def _prose(segment: str, state: _Render) -> str:
    parts: list[str] = []
    pos = 0
    for span in find_math(segment):
        parts.append(segment[pos : span.start])
        parts.append(f"BAIMATH{state.token}N{len(state.spans)}Z")
        state.spans.append((segment[span.start : span.end], span.tex, span.display))
        pos = span.end
    parts.append(segment[pos:])
    prose = "".join(parts)
    if prose.count(">") > MAX_QUOTE_DEPTH and _QUOTES.search(prose):
        prose = _QUOTES.sub(r"\1", prose)
        state.notices.append(f"Blockquotes nested deeper than {MAX_QUOTE_DEPTH} levels are shown at that depth.")
    if _tag_scan_cost(prose) > TEXT_BUDGET * 10:
        # Python's HTMLParser rescans from every unclosed tag to the next ">": escape the starts
        # that cannot open a tag (another "<" comes before any ">").
        prose = _escape_unclosed(prose)
        state.notices.append("Unclosed HTML tags are shown as text.")
    return prose


def _escape_unclosed(text: str) -> str:
    """Tag starts followed by another ``<`` before any ``>`` cannot open a tag: escape them."""
    angles = [(m.start(), m.group(0)) for m in _ANGLES.finditer(text)]
    out: list[str] = []
    pos = 0
    for i, (at, char) in enumerate(angles):
        if char == "<" and _TAG_START.match(text, at) and (i + 1 == len(angles) or angles[i + 1][1] == "<"):
            out.append(text[pos:at])
            out.append("&lt;")
            pos = at + 1
    out.append(text[pos:])
    return "".join(out)


def _tag_scan_cost(text: str) -> int:
    """Characters HTMLParser scans for tag starts: from each to the next ``>``."""
    cost = 0
    close = -1
    for m in _TAG_START.finditer(text):
        if close < m.start():
            close = text.find(">", m.start())
            if close == -1:
                close = len(text)
        cost += close - m.start()
    return cost


# -- inside markdown -----------------------------------------------------------------------------

_BRACKETS = re.compile(r"\]\(|[\[\]()]")
_TICKS = re.compile(r"`+")
_SPECIAL = re.compile(r"[*_`\[\]<&!~\\]")


def inline_cost(text: str) -> int:
    """An upper estimate of Python-Markdown's inline work on ``text`` (about 0.1 µs units).

    Link patterns scan in Python from each ``[`` to its ``]`` (or the end) and from each ``](``
    to its ``)``; code spans scan from each backtick run to the next run of its length; and every
    match rebuilds the string.
    """
    length = len(text)
    cost = length
    specials = len(_SPECIAL.findall(text))
    cost += specials * length // 200
    if "[" in text or "](" in text:
        squares: list[int] = []
        parens: list[int] = []
        links: list[int] = []
        for m in _BRACKETS.finditer(text):
            char, at = m.group(0), m.start()
            if char == "[":
                squares.append(at)
            elif char == "]":
                if squares:
                    cost += 30 * (at - squares.pop())
            elif char == "](":
                if squares:
                    cost += 30 * (at - squares.pop())
                links.append(len(parens))
                parens.append(at + 1)
            elif char == "(":
                parens.append(at)
            elif parens:  # ")"
                opened = parens.pop()
                if links and links[-1] == len(parens):
                    links.pop()
                    cost += 30 * (at - opened)
        cost += 30 * sum(length - at for at in squares)
        cost += 30 * sum(length - parens[i] for i in links)
    if "`" in text:
        next_run: dict[int, int] = {}
        runs = [(m.start(), len(m.group(0))) for m in _TICKS.finditer(text)]
        for at, size in reversed(runs):
            cost += 5 * (next_run.get(size, length) - at)
            next_run[size] = at
    return cost


class _BaiTreeprocessor(Treeprocessor):
    """A tree processor reading this extension's per-document state."""

    def __init__(self, md: markdown.Markdown, bai: _Bai) -> None:
        super().__init__(md)
        self.bai = bai


class _Bound(_BaiTreeprocessor):
    """Texts whose inline parsing would cost too much are kept literal (before the inline pass)."""

    def run(self, root: etree.Element) -> None:
        state = self.bai.state
        for el in root.iter():
            for attr in ("text", "tail"):
                text = getattr(el, attr)
                if not text or isinstance(text, AtomicString):
                    continue
                cost = inline_cost(text)
                if cost > TEXT_BUDGET or state.cost + cost > ITEM_BUDGET:
                    setattr(el, attr, AtomicString(text))
                    state.literal += 1
                else:
                    state.cost += cost


class _Math(InlineProcessor):
    """A math token in text becomes its MathML (stashed whole, so markdown never re-parses it)."""

    def __init__(self, bai: _Bai, md: markdown.Markdown) -> None:
        super().__init__(_TOKEN.pattern, md)
        self.bai = bai

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:  # type: ignore[override]
        state = self.bai.state
        span = state.span(m)
        if span is None:
            return None, None, None
        mathml = state.math(span)
        return (span[0] if mathml is None else self.md.htmlStash.store(mathml)), m.start(0), m.end(0)


class _Restore(_BaiTreeprocessor):
    """Tokens the math pattern did not reach (URLs, attributes, code) get their source back."""

    def run(self, root: etree.Element) -> None:
        state = self.bai.state
        if not state.spans:
            return
        for el in root.iter():
            for attr in ("text", "tail"):
                text = getattr(el, attr)
                if text and state.token in text:
                    restored = _TOKEN.sub(state.source, text)
                    setattr(el, attr, AtomicString(restored) if isinstance(text, AtomicString) else restored)
            for name, value in el.items():
                if state.token in value:
                    el.set(name, _TOKEN.sub(state.source, value))
        blocks = self.md.htmlStash.rawHtmlBlocks
        for i, block in enumerate(blocks):
            if isinstance(block, str) and state.token in block:
                blocks[i] = _TAG_OR_TOKEN.sub(state.in_raw_html, block)


_STASHED = re.compile("(\x02wzxhzdk:\\d+\x03)")
#: Raw inline HTML whose content the sanitizer removes, so it is no part of the heading's text.
_REMOVED = re.compile(r"<(/?)(script|style|template|textarea|title|noscript|iframe|xmp|select)\b", re.IGNORECASE)
_ESCAPED = re.compile("\x02(\\d+)\x03")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _Headings(Treeprocessor):
    """Heading ids as JupyterLab makes them (text, spaces as ``-``), and a ``¶`` anchor to each.

    The sanitizer prefixes ids and in-page links alike, so ``[..](#Section)`` reaches them."""

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag not in _HEADINGS:
                continue
            ident = self.text(el).strip().replace(" ", "-")
            if not ident:
                continue
            el.set("id", ident)
            anchor = etree.SubElement(el, "a", {"class": "anchor-link", "href": "#" + ident, "title": "Link to this heading"})
            anchor.text = "¶"

    def text(self, heading: etree.Element) -> str:
        """The heading's text as the browser will see it: without raw HTML, nor what sanitizing
        removes with its tags (a script's source)."""
        blocks = self.md.htmlStash.rawHtmlBlocks
        kept: list[str] = []
        removed = 0
        for i, part in enumerate(_STASHED.split("".join(heading.itertext()))):
            if i % 2 == 0:
                if not removed:
                    kept.append(part)
                continue
            tag = _REMOVED.match(str(blocks[int(part[9:-1])]))
            if tag:
                removed = max(0, removed + (-1 if tag.group(1) else 1))
        return _ESCAPED.sub(lambda m: chr(int(m.group(1))), "".join(kept))


_TASK = re.compile(r"\[([ xX])\]\s+")


class _Tasks(Treeprocessor):
    """GFM task list items ``- [x] done``: a checked or empty box (inputs are not allowed HTML)."""

    def run(self, root: etree.Element) -> None:
        for li in root.iter("li"):
            holder = li[0] if len(li) and li[0].tag == "p" and not (li.text or "").strip() else li
            match = _TASK.match(holder.text or "")
            if match is None:
                continue
            done = match.group(1) != " "
            box = etree.Element("span", {"class": "task-list-box", "title": "done" if done else "not done"})
            box.text = "☑" if done else "☐"
            box.tail = " " + (holder.text or "")[match.end() :]
            holder.text = ""
            holder.insert(0, box)
            li.set("class", "task-list-item")


_FENCE_CLASS = re.compile(r"\.?([\w#+-][\w#.+-]*)")


class _Fences(Preprocessor):
    """Fenced code (```` ```python ````), highlighted with Pygments classes and stashed whole."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "```" not in text and "~~~" not in text:
            return lines
        out: list[str] = []
        pos = 0
        for m in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(text):
            language = m.group("lang") or ""
            if m.group("attrs"):
                found = _FENCE_CLASS.match(m.group("attrs").strip())
                language = found.group(1) if found else ""
            code = highlight(m.group("code"), lexer(language.lower()), FORMATTER)
            out += [text[pos : m.start()], "\n", self.md.htmlStash.store(code), "\n"]
            pos = m.end()
        out.append(text[pos:])
        return "".join(out).split("\n")


class _FastTables(TableProcessor):
    """The tables test splits the whole block into rows on every call, which is quadratic in a
    long list; a table's first row must contain a pipe, so look at that first."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return "|" in block.partition("\n")[0] and super().test(parent, block)


class _QuickHtmlBlocks(HtmlBlockPreprocessor):
    """Raw HTML blocks are found by feeding the whole text to an HTML parser; text without a
    ``<`` or an ``&`` is plain data to it and comes back as it went in (so is returned as is)."""

    def run(self, lines: list[str]) -> list[str]:
        if not any("<" in line or "&" in line for line in lines):
            return lines
        return super().run(lines)


#: Block processors whose test searches the whole block, and the strings one of which the block
#: needs for their regular expression to match at all.
_BLOCK_TRIGGERS: dict[str, tuple[str, ...]] = {"hashheader": ("#",), "quote": (">",), "hr": ("-", "_", "*")}


def _needing(needs: tuple[str, ...], test: Callable[[etree.Element, str], bool]) -> Callable[[etree.Element, str], bool]:
    def quick_test(parent: etree.Element, block: str) -> bool:
        return any(needed in block for needed in needs) and test(parent, block)

    return quick_test


def _parse_blocks(parser: BlockParser) -> Callable[[etree.Element, list[str]], None]:
    """:meth:`BlockParser.parseBlocks` with its processors listed once per call, not per block."""

    def parse_blocks(parent: etree.Element, blocks: list[str]) -> None:
        processors = list(parser.blockprocessors)
        while blocks:
            for processor in processors:
                if processor.test(parent, blocks[0]):
                    if processor.run(parent, blocks) is not False:
                        break

    return parse_blocks


#: Inline patterns registered here, and the strings one of which each needs in the text to
#: match at all (a necessary condition of its regular expression, tested with ``in``).
_INLINE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("![",),
    "image_reference": ("![",), "short_reference": ("[",), "short_image_ref": ("![",), "autolink": ("<",),
    "automail": ("<",), "linebreak": ("  \n",), "html": ("<",), "bai_math": ("BAIMATH",), "entity": ("&",),
    "em_strong": ("*", "_"), "bai_strike": ("~~",),
}


class _QuickInline(InlineTreeprocessor):
    """Python-Markdown runs every inline pattern's regular expression over every text run; most
    runs hold nothing a given pattern needs (most prose needs none), and its scan is skipped.

    Skipping is exact: a pattern that cannot match leaves the text as it is and the next one
    starts from the beginning, as here; and a placeholder for a match holds no trigger string,
    so one absent from a run stays absent while patterns replace parts of it.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.trigger = re.compile("|".join(sorted({re.escape(s) for needs in _INLINE_TRIGGERS.values() for s in needs})))
        self.patterns: list[Any] = []
        self.needs: list[tuple[str, ...]] = []

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        if not self.patterns:
            by_id = {id(self.inlinePatterns[name]): needs for name, needs in _INLINE_TRIGGERS.items()}
            self.patterns = list(self.inlinePatterns)
            self.needs = [by_id[id(pattern)] for pattern in self.patterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803
        if isinstance(data, AtomicString) or self.trigger.search(data) is None:
            return data
        patterns, needs = self.patterns, self.needs
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        count = len(patterns)
        while patternIndex < count:
            for needed in needs[patternIndex]:
                if needed in data:
                    break
            else:
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class _Bai(Extension):
    """GFM strikethrough and task lists, heading ids, math in text only, and the cost bounds."""

    def __init__(self) -> None:
        super().__init__()
        self.state = _Render("")

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.ESCAPED_CHARS.append("$")
        md.preprocessors.register(_Fences(md), "fenced_code_block", 25)
        table = md.parser.blockprocessors["table"]
        md.parser.blockprocessors.register(_FastTables(md.parser, table.config), "table", 75)  # type: ignore[attr-defined]
        for name, needs in _BLOCK_TRIGGERS.items():
            processor = md.parser.blockprocessors[name]
            processor.test = _needing(needs, processor.test)  # type: ignore[method-assign]
        md.parser.parseBlocks = _parse_blocks(md.parser)  # type: ignore[method-assign]
        md.preprocessors.register(_QuickHtmlBlocks(md), "html_block", 20)
        # After links, autolinks and raw HTML (so a token in a URL or tag stays inert), before
        # emphasis; tokens hold no markdown characters, so the order changes nothing else.
        md.inlinePatterns.register(_Math(self, md), "bai_math", 85)
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(?=\S)((?:[^~]|~(?!~))+?)(?<=\S)~~", "del"), "bai_strike", 55)
        md.treeprocessors.register(_Bound(md, self), "bai_bound", 25)
        md.treeprocessors.register(_Restore(md, self), "bai_restore", 19)
        md.treeprocessors.register(_Tasks(md), "bai_tasks", 18)
        md.treeprocessors.register(_Headings(md), "bai_headings", 5)
        if {item.name for item in md.inlinePatterns._priority} == _INLINE_TRIGGERS.keys():
            md.treeprocessors.register(_QuickInline(md), "inline", 20)

    def start(self) -> _Render:
        self.state = _Render(os.urandom(6).hex().upper())  # what secrets.token_hex reads, fewer calls
        return self.state


def convert(source: str) -> tuple[str, str, list[str]]:
    """``source`` as unsanitized HTML, the text beyond the parsed part (shown as plain text), and
    notices of what was shown as source or plain text."""
    md, bai = _converter()
    md.reset()
    state = bai.start()
    text, rest = _shape(source, state)
    html_out = md.convert(_prepare(text, state))
    notices = list(state.notices)
    if state.literal:
        notices.append(f"{state.literal:,} long passages shown as plain text: their markup would take too long to parse.")
    if state.formulas > MAX_FORMULAS or state.formula_chars > MAX_FORMULA_CHARS:
        notices.append(f"Formulas beyond the first {MAX_FORMULAS:,} (or {MAX_FORMULA_CHARS:,} characters of TeX) are shown as source.")
    return html_out, rest, notices
