"""A small terminal for kernel output: ANSI colours, ``\\r``/``\\b`` overwrite, safe HTML.

The terminal model: one regex pass tokenizes each chunk, so time is linear in the input;
completed lines are kept as escaped styled runs within a head/tail budget, so memory stays
bounded for any stream length. Styles come from :mod:`.sgr`, the HTML from :mod:`.ansi_html`.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from markupsafe import Markup, escape

from .ansi_html import Line, StyleValues, escaped_runs, html_unescape, line_html, line_runs, render_runs, style_values
from .sanitize import WEB_SCHEMES, check_url
from .templating import escape_text, markup
from .sgr import _SGR_PARAMS, PLAIN, Style, _sgr_cache, apply_sgr_run, csi_number

_TOKEN = re.compile(
    r"""
    (?P<text>[^\x00-\x1f\x7f-\x9f]+)
    | \x1b\[(?P<csi>[0-?]*)[\ -/]*(?P<final>[@-~])
    | \x1b\](?P<osc>[^\x07\x1b]*)(?:\x07|\x1b\\)
    | (?P<nl>\n)
    | (?P<cr>\r)
    | (?P<bs>\x08)
    | (?P<tab>\t)
    | (?P<partial>\x1b(?:\[[0-?]*[\ -/]*|\][^\x07\x1b]*|[\ -/]+)?\Z)
    | \x1b[\ -/]+[0-~]
    | \x1b[@-Z\\-_]?
    | [\x00-\x1f\x7f-\x9f]
    """,
    re.VERBOSE,
)
_MAX_PENDING_ESCAPE = 4096
#: Cursor moves are clamped to this column, as a real terminal clamps to its width.
MAX_COLUMN = 1000
#: Blank cells a terminal may pad with before it has read that many characters: cursor moves
#: and erases create cells from nothing, so padding is paid for by input to stay linear.
PAD_ALLOWANCE = 4096
_MAX_NOTICES = 8  # kinds of notices a restored terminal keeps (there are three)
# Anything that needs the exact terminal path: controls other than \n, and escapes other than SGR.
# Two searches: a plain character class and an ESC-prefixed pattern each scan fast in C, where
# their alternation would not.
_SLOW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f-\x9f]")
_SLOW_ESCAPE = re.compile(r"\x1b(?!\[[0-9;:]*m)")
_FAST_SPLIT = re.compile(r"(\n|\x1b\[[0-9;:]*m)")
#: Text is copied in blocks of about this many characters, so copies stay small: the fast path
#: takes whole lines a block at a time (in one pass, a 10 MB log held 30 MB of pieces at once), and
#: the short parts of a cut middle are joined a block at a time (a long one is scanned in place).
_BLOCK = 65_536
#: Parts (Jupyter's lines) are measured and joined this many at a time: the per-line work is in C.
_GROUP = 256
#: The start of an escape that the scan of a cut middle reads (SGR, OSC 8), as a view may end.
_OPEN_ESCAPE = re.compile(r"\x1b(?:\[[0-9;:]*|\]8?)?")


class _Line:
    """The line under the cursor: appended runs, or per-cell lists once something overwrites."""

    __slots__ = ("runs", "chars", "styles", "cursor", "length", "blank")

    def __init__(self) -> None:
        self.runs: list[tuple[Style, str]] = []
        self.chars: list[str] | None = None
        self.styles: list[Style] | None = None
        self.cursor = 0
        self.length = 0
        self.blank = 0  # cells before this are known blank, so repeated erases cost nothing

    def write(self, text: str, style: Style) -> None:
        if self.cursor >= self.length and self.chars is None:
            if self.cursor > self.length:  # cursor moved past the end: pad, still as runs
                self.runs.append((style, " " * (self.cursor - self.length)))
            self.runs.append((style, text))
        else:
            self.blank = min(self.blank, self.cursor)
            self._cells()
            assert self.chars is not None and self.styles is not None
            end = self.cursor + len(text)
            if self.cursor > self.length:  # cursor moved past the end: pad with spaces
                self.chars.extend(" " * (self.cursor - self.length))
                self.styles.extend([style] * (self.cursor - self.length))
                self.length = self.cursor
            self.chars[self.cursor : end] = list(text)
            self.styles[self.cursor : end] = [style] * len(text)
        self.cursor += len(text)
        self.length = max(self.length, self.cursor)

    def erase(self, mode: int) -> None:
        """CSI K: 0 cursor to end, 1 start to cursor, 2 whole line; the cursor stays."""
        self._cells()
        assert self.chars is not None and self.styles is not None
        if mode == 0:
            del self.chars[self.cursor :], self.styles[self.cursor :]
            self.length = len(self.chars)
            self.blank = min(self.blank, self.length)
        elif mode == 1:
            end = min(self.cursor, self.length)
            if end > self.blank:
                self.chars[self.blank : end] = [" "] * (end - self.blank)
                self.blank = end
        elif mode == 2:
            del self.chars[:], self.styles[:]
            self.length = self.blank = 0

    def _cells(self) -> None:
        if self.chars is None:
            self.chars = []
            self.styles = []
            for style, text in self.runs:
                self.chars.extend(text)
                self.styles.extend([style] * len(text))
            self.runs = []

    def to_runs(self) -> list[tuple[Style, str]]:
        if self.chars is None:
            return self.runs
        assert self.styles is not None
        runs: list[tuple[Style, str]] = []
        start = 0
        for i in range(1, len(self.chars) + 1):
            if i == len(self.chars) or self.styles[i] != self.styles[start]:
                runs.append((self.styles[start], "".join(self.chars[start:i])))
                start = i
        return runs


class Terminal:
    """Feeds chunks of one output stream and renders what a terminal would show.

    ``budget`` bounds the characters kept: the first two thirds of lines as a head, the last
    third as a rolling tail; what falls between is counted and shown as a marker.
    """

    def __init__(self, budget: int = 524_288) -> None:
        self.budget = budget
        self.style = PLAIN
        self.line = _Line()
        self.head: list[_Kept] = []
        self.head_chars = 0  # sealed lines included
        # Head lines restored from a save and not needed since: their saved JSON array, as text,
        # so a continued stream neither parses nor re-encodes what the page already shows.
        self._sealed = ""
        self._sealed_lines = 0
        self.tail: deque[_Kept] = deque()
        self.tail_chars = 0
        self.cut_chars = 0
        self._pending_escape = ""
        self.lines = 0  # finished lines ever stored, shown or cut
        self._shown: tuple[int, int] | None = None  # (lines, cut_chars) when mark_shown() last ran
        self._pad_credit = PAD_ALLOWANCE
        self.notices: set[str] = set()

    def feed(self, text: str | list[str]) -> None:
        """Feed one chunk: a str, or str parts fed as their concatenation (Jupyter's list of lines).

        Parts are joined only as far as they are shown: a stream beyond three budgets is only
        scanned for its colours in between, so its memory is the budget's, not the stream's.
        """
        if type(text) is str and not self._pending_escape and len(text) <= 3 * self.budget:
            self._feed(text, 0, len(text))  # the common chunk: nothing to join or skip
            return
        chunk = _Parts(self._pending_escape, [text] if isinstance(text, str) else text)
        self._pending_escape = ""
        if chunk.total <= 3 * self.budget:
            whole = chunk.text(0, chunk.total)
            self._feed(whole, 0, len(whole))
            return
        # Nothing between the first and the last budget can be shown; track only its colours.
        head = chunk.text(0, self.budget)
        self._feed(head, 0, len(head))
        self._pending_escape = ""  # an escape the head ends inside of is cut with the middle
        self._skip(chunk.views(self.budget, chunk.total - self.budget))
        tail = chunk.text(chunk.total - self.budget, chunk.total)
        self._feed(tail, 0, len(tail))

    def _skip(self, views: Iterable[tuple[str, int, int]]) -> None:
        """Count a cut middle and carry its colour state, without rendering it.

        Views are scanned in place; an escape one ends inside of is read again with what follows
        it, gathered until as long as the escape (a long one costs linear time). The state is
        what one scan of the whole middle would give.
        """
        self._flush_line(force=True)
        escape_open = osc = ""
        following: list[str] = []
        following_len = 0
        for view, start, end in views:
            self.cut_chars += end - start
            while escape_open and start < end:
                wanted = max(_BLOCK, len(escape_open))
                taken = min(end, start + wanted - following_len)
                following.append(view[start:taken])
                following_len += taken - start
                start = taken
                if following_len >= wanted:
                    joined = escape_open + "".join(following)
                    following, following_len = [], 0
                    escape_open, osc = self._scan(joined, 0, len(joined), osc)
            if start < end:
                escape_open, osc = self._scan(view, start, end, osc)
        joined = escape_open + "".join(following)
        osc = self._scan(joined, 0, len(joined), osc, last=True)[1]
        closing = _TOKEN.match(osc) if osc else None
        if closing is not None and closing.lastgroup == "osc":
            # SGR keeps the link and OSC 8 sets only the link, so it may come after the colours.
            self._osc(closing.group("osc"))

    def _scan(self, text: str, start: int, end: int, osc: str, last: bool = False) -> tuple[str, str]:
        """Colour state from a view of a cut middle: returns an escape it ends inside of, unread,
        and ``osc``, the middle from its last OSC 8 on as far as one may reach (read at the end).

        Only what follows the last full reset matters, so SGR is read from there (found in C).
        """
        found = text.rfind("\x1b", start, end)
        if not last and found >= 0 and _OPEN_ESCAPE.fullmatch(text, found, end):
            end, rest = found, text[found:end]
        else:
            rest = ""
        found = text.rfind("\x1b]8;", start, end)
        if found >= 0:
            osc = text[found : min(end, found + _MAX_PENDING_ESCAPE)]
        elif 0 < len(osc) < _MAX_PENDING_ESCAPE:
            osc += text[start : min(end, start + _MAX_PENDING_ESCAPE - len(osc))]
        reset = max(text.rfind("\x1b[0m", start, end), text.rfind("\x1b[m", start, end))
        for match in _SGR_PARAMS.finditer(text, max(start, reset), end):
            self.style = apply_sgr_run(self.style, match.group(0))
        return rest, osc

    #: Complete lines of plain text and SGR go through :meth:`_fast_lines`; tests switch it off
    #: to check that both paths render identically.
    fast = True

    def _feed(self, text: str, start: int, end: int) -> None:
        pos = start
        # Where the exact path is next needed: a control other than \n, an escape other than SGR.
        # Kept across lines and searched again only once passed, so the scans stay linear.
        control = escape_seq = -1
        while pos < end:
            if self.fast and self.line.length == self.line.cursor == 0 and self.line.chars is None:
                if control < pos:
                    found = _SLOW_CONTROL.search(text, pos, end)
                    control = found.start() if found else end
                if escape_seq < pos:
                    esc = text.find("\x1b", pos, end)  # in C; most text has no escape at all
                    found = _SLOW_ESCAPE.search(text, esc, end) if esc >= 0 else None
                    escape_seq = found.start() if found else end
                fast_end = min(control, escape_seq)
                nl = text.rfind("\n", pos, min(fast_end, pos + _BLOCK))
                if nl < pos:  # a line longer than a block
                    nl = text.find("\n", pos, fast_end)
                if nl >= pos:
                    self._fast_lines(text[pos : nl + 1])
                    pos = nl + 1
                    continue
            nl = text.find("\n", pos, end)
            stop = end if nl < 0 or not self.fast else nl + 1
            self._exact(text, pos, stop)
            pos = stop

    def _fast_lines(self, region: str) -> None:
        """Whole lines of text and SGR only: split once in C, emit the same HTML as the exact path.

        Escaping leaves ESC, digits, ``;``, ``m`` and newlines alone, so the region is escaped in
        one call and then split; the pieces alternate text and delimiter (newline or SGR run).
        """
        store = self._store
        if "\x1b" not in region:  # no colours (most output): one run a line, the lines split in C
            values = style_values(self.style)
            for raw, html in zip(region.split("\n"), escape_text(region[:-1]).split("\n")):
                store((values, html) if html else (), len(raw) + 1)
            return
        style = self.style
        pieces = _FAST_SPLIT.split(escape_text(region))
        cache = _sgr_cache
        parts: list[StyleValues | str] = []
        run_text = ""
        run_style = style
        length = 0
        last = len(pieces) - 1
        for idx in range(0, last + 1, 2):
            text = pieces[idx]
            if text:
                if not run_text:
                    run_text, run_style = text, style
                elif run_style == style:
                    run_text += text
                else:
                    parts += style_values(run_style), run_text
                    run_text, run_style = text, style
                length += len(text) if "&" not in text else len(html_unescape(text))
            if idx == last:
                break
            delim = pieces[idx + 1]
            if delim == "\n":
                if run_text:
                    parts += style_values(run_style), run_text
                    run_text = ""
                store(tuple(parts), length + 1)
                parts = []
                length = 0
            else:
                style = cache.get((style, delim)) or apply_sgr_run(style, delim)
        self.style = style

    def _write(self, line: _Line, text: str) -> None:
        """Write at the cursor; a gap before it is padded only as far as input has paid for."""
        gap = line.cursor - line.length
        if gap > 0:
            if gap > self._pad_credit:
                line.cursor = line.length + self._pad_credit
                self.notices.add("cursor moves past the end of lines were shortened")
            self._pad_credit -= line.cursor - line.length
        line.write(text, self.style)

    def _exact(self, text: str, start: int, end: int) -> None:
        line = self.line
        self._pad_credit += end - start
        # Text appended at the end of the line is gathered and written once: one run instead of
        # one per token (a stream of lone escapes makes a token every two characters).
        pending: list[str] = []
        pending_len = 0
        for match in _TOKEN.finditer(text, start, end):
            kind = match.lastgroup
            if kind == "text":
                piece = match.group(kind)
                if line.chars is None and line.cursor == line.length and line.length + pending_len + len(piece) <= self.budget:
                    pending.append(piece)
                    pending_len += len(piece)
                    continue
            if pending:
                self._write(line, "".join(pending))
                pending, pending_len = [], 0
            if kind == "text":
                self._write(line, match.group(kind))
                if line.length > self.budget:
                    self.notices.add(f"lines longer than {self.budget:,} characters were split")
                    self._flush_line(force=True)
                    line = self.line
            elif kind == "nl":
                self._flush_line()
                line = self.line
            elif kind == "cr":
                line.cursor = 0
            elif kind == "bs":
                line.cursor = max(0, line.cursor - 1)
            elif kind == "tab":
                self._write(line, " " * (8 - line.cursor % 8))
            elif kind == "final":
                final = match.group("final")
                params = match.group("csi")
                if final == "m":
                    self.style = apply_sgr_run(self.style, match.group(0))
                elif final == "K":
                    line.erase(csi_number(params, 0))
                elif final == "G":  # cursor to column, clamped like a terminal of MAX_COLUMN columns
                    column = csi_number(params, 1)
                    if column > MAX_COLUMN:
                        column = MAX_COLUMN
                        self.notices.add(f"cursor moves past column {MAX_COLUMN:,} were clamped")
                    line.cursor = max(0, column - 1)
                # Other CSI sequences (cursor up, clear screen, modes) have no meaning in a log.
            elif kind == "osc":
                self._osc(match.group("osc"))
            elif kind == "partial":
                tail = match.group(0)
                if len(tail) <= _MAX_PENDING_ESCAPE:
                    self._pending_escape = tail
        if pending:
            self._write(line, "".join(pending))

    def _osc(self, body: str) -> None:
        # OSC 8 hyperlinks: ESC ] 8 ; params ; URL ST. Only http(s) survive; other OSC is dropped.
        if body.startswith("8;"):
            url = body[2:].partition(";")[2]
            self.style = self.style._replace(link=check_url(url, schemes=WEB_SCHEMES, relative=False) if url else None)

    def _flush_line(self, force: bool = False) -> None:
        if force and self.line.length == 0:
            return
        self._store(escaped_runs(self.line.to_runs()), self.line.length + 1)
        self.line = _Line()

    def _store(self, line: Line, size: int) -> None:
        """Keep a finished line in the head, or in the rolling tail once the head is full.

        A head line is shown in every HTML to come, so it is rendered now, while in the CPU's
        caches; a tail line only when shown, as most lines of a long stream pass the tail unseen.
        """
        self.lines += 1
        if self.head_chars + size <= self.budget * 2 // 3 and not self.cut_chars and not self.tail:
            self.head.append((size, line, line_html(line)))
            self.head_chars += size
        else:
            self.tail.append((size, line, None))
            self.tail_chars += size
            while self.tail_chars > self.budget // 3 and len(self.tail) > 1:
                dropped = self.tail.popleft()[0]
                self.tail_chars -= dropped
                self.cut_chars += dropped

    def html(self) -> Markup:
        """Everything shown so far, lines joined by newlines (for a ``<pre>``)."""
        head = self._whole_head()
        parts = _last_html(head, len(head))
        if self.cut_chars:
            parts.append(
                f'<span class="bai-media-truncated" role="note">… {self.cut_chars:,} characters not shown …</span>'
            )
        if self.tail:
            parts += _last_html(self.tail, len(self.tail))
        return markup(self._join(parts))

    def mark_shown(self) -> None:
        """Note that a page now shows :meth:`html` as it is, for :meth:`html_since_shown`."""
        self._shown = (self.lines, self.cut_chars)

    def html_since_shown(self) -> Markup | None:
        """What a page showing :meth:`html` as of :meth:`mark_shown` appends, after dropping its
        unfinished last line: the lines finished since, and the unfinished line. None when lines
        it shows were cut since (the whole element must be replaced)."""
        shown = self._shown
        if shown is None or shown[1] != self.cut_chars or self.notices:
            return None  # notices follow the last line, so appending would land after them
        new = self.lines - shown[0]
        if new > self._sealed_lines + len(self.head) + len(self.tail):
            return None
        from_head = max(0, new - len(self.tail))
        head = self.head if from_head <= len(self.head) else self._whole_head()
        parts = _last_html(head, from_head) + _last_html(self.tail, new - from_head)
        return markup(self._join(parts))

    def _whole_head(self) -> list[_Kept]:
        """Every head line: sealed ones are parsed (and then kept as lines) only when shown again."""
        if self._sealed:
            try:
                raws = _list(json.loads(self._sealed))
            except ValueError:
                raws = [[[_style_json(PLAIN), f"[{self._sealed_lines:,} saved lines could not be read]"]]]
            self.head[:0] = [(0, raw, None) for raw in raws]
            self._sealed, self._sealed_lines = "", 0
        return self.head

    def _join(self, parts: list[str]) -> str:
        pending = render_runs(self.line.to_runs()) if self.line.length else ""
        text = "\n".join(parts)
        if pending:
            text = f"{text}\n{pending}" if parts else pending
        elif parts:
            text += "\n"
        if self.notices:  # what a limit changed, said once each, after the output
            notes = "".join(f'<span class="bai-media-truncated" role="note">… {escape(n)} …</span>\n'
                            for n in sorted(self.notices))
            text = f"{text}\n{notes}" if text and not text.endswith("\n") else text + notes
        return text

    def to_json(self) -> dict[str, Any]:
        """The terminal as JSON: styles, plain text and the cursor; no HTML."""
        return {
            "budget": self.budget,
            "style": _style_json(self.style),
            "line": {"runs": [[_style_json(st), text] for st, text in self.line.to_runs()], "cursor": self.line.cursor},
            # The head as JSON text: appended to, never re-parsed, by each continued call.
            "head": _join_arrays(self._sealed, json.dumps([_kept_json(kept) for kept in self.head], separators=(",", ":"))),
            "head_lines": self._sealed_lines + len(self.head),
            "head_chars": self.head_chars,
            "tail": [_kept_json(kept) for kept in self.tail],
            "sizes": [kept[0] for kept in self.tail],
            "cut_chars": self.cut_chars,
            "pending_escape": self._pending_escape,
            "lines": self.lines,
            "shown": list(self._shown) if self._shown is not None else None,
            "pad_credit": self._pad_credit,
            "notices": sorted(self.notices),
        }

    @classmethod
    def from_json(cls, data: Any) -> Terminal:
        """A terminal from :meth:`to_json`, every value checked as if a kernel had sent it."""
        budget = _count(data["budget"])
        term = cls(max(budget, 1))
        term.style = _style_from_json(data["style"])
        runs = [(_style_from_json(st), _text(text)) for st, text in _pairs(data["line"]["runs"])]
        term.line.runs = [run for run in runs if run[1]]
        term.line.length = sum(len(text) for _, text in runs)
        term.line.cursor = min(_count(data["line"]["cursor"]), term.line.length + term.budget)
        # Kept lines are checked and rendered only when shown again, which a continued stream
        # never needs: restoring costs little more than parsing the JSON.
        head, tail = data["head"], _list(data["tail"])
        if isinstance(head, str):  # sealed: checked when parsed, if ever
            if not (head.startswith("[") and head.endswith("]")):
                raise ValueError("a saved terminal head is not a JSON array")
            term._sealed, term._sealed_lines = ("", 0) if head == "[]" else (head, _count(data["head_lines"]))
            term.head_chars, head = min(_count(data["head_chars"]), term.budget), []
        sizes = data.get("sizes")
        if not (isinstance(sizes, list) and len(sizes) in (len(tail), len(head) + len(tail))
                and all(type(size) is int and size > 0 for size in sizes)):
            sizes = [_raw_size(raw) for raw in _list(head)] + [_raw_size(raw) for raw in tail]
        sizes = sizes[len(sizes) - len(tail):]
        term.head = [(_raw_size(raw), raw, None) for raw in _list(head)]  # an older save's list
        term.head_chars += sum(kept[0] for kept in term.head)
        term.tail = deque((size, raw, None) for raw, size in zip(tail, sizes))
        term.tail_chars = sum(sizes)
        kept = term._sealed_lines + len(term.head) + len(term.tail)
        term.lines = max(_count(data.get("lines", kept)), kept)
        shown = data.get("shown")
        if isinstance(shown, list) and len(shown) == 2:
            term._shown = (min(_count(shown[0]), term.lines), _count(shown[1]))
        term.cut_chars = _count(data["cut_chars"])
        pending = _text(data["pending_escape"])
        term._pending_escape = pending if pending.startswith("\x1b") and len(pending) <= _MAX_PENDING_ESCAPE else ""
        # Padding already paid for by earlier input, but never more than the budget's worth.
        term._pad_credit = min(_count(data.get("pad_credit", PAD_ALLOWANCE)), term.budget + PAD_ALLOWANCE)
        term.notices = {_text(note)[:200] for note in _list(data.get("notices", []))[:_MAX_NOTICES]}
        return term


#: A finished line the terminal keeps: ``(size, line, html)``. The line is its runs, or its saved
#: JSON when restored (checked like kernel output when first shown); the HTML is made when the
#: line enters the head, else when first shown. Apart from restored JSON (a budget's worth at
#: most), a tuple of plain values, so the collector stops tracking it (see StyleValues).
_Kept = tuple[int, "Line | list[Any]", "str | None"]
_Shown = tuple[int, "Line | list[Any]", str]


def _with_html(kept: _Kept) -> _Shown:
    size, line, html = kept
    if html is not None:
        return size, line, html
    if isinstance(line, list):
        try:
            return size, line, line_html(_line_from_json(line))
        except (TypeError, ValueError):
            return size, line, line_html(escaped_runs([(PLAIN, "[a saved line could not be read]")]))
    return size, line, line_html(line)


def _last_html(lines: list[_Kept] | deque[_Kept], count: int) -> list[str]:
    """The HTML of the last ``count`` lines, each made once: an entry made now replaces the one
    that lacked it (in a deque by popping and pushing back, as indexing one is not O(1))."""
    first = len(lines) - count
    if isinstance(lines, list):
        shown = [html for _, _, html in lines[first:]]
        if None in shown:  # lines restored from a save, not yet shown
            for index in range(first, len(lines)):
                if lines[index][2] is None:
                    lines[index] = _with_html(lines[index])
            shown = [html for _, _, html in lines[first:]]
        return shown  # type: ignore[return-value]
    done = [_with_html(lines.pop()) for _ in range(count)]
    done.reverse()
    lines.extend(done)
    return [html for _, _, html in done]


def _kept_json(kept: _Kept) -> list[Any]:
    line = kept[1]
    return line if isinstance(line, list) else _line_json(line)


class _Parts:
    """A chunk as fed: an escape left from the last chunk, then parts, joined only where read.

    Parts are measured a group at a time (in C), so reading the end does not walk the start.
    """

    __slots__ = ("lead", "parts", "sizes", "total")

    def __init__(self, lead: str, parts: list[str]) -> None:
        self.lead, self.parts = lead, parts
        self.sizes = [sum(map(len, parts[first : first + _GROUP])) for first in range(0, len(parts), _GROUP)]
        self.total = len(lead) + sum(self.sizes)

    def views(self, start: int, end: int) -> Iterator[tuple[str, int, int]]:
        """The text between two offsets as ``(str, start, end)`` views: a long part is viewed in
        place and short parts (Jupyter's lines) are joined a group at a time, so what lies outside
        the offsets is never copied."""
        pos = len(self.lead)
        if start < pos:
            yield self.lead, start, min(end, pos)
        for index, size in enumerate(self.sizes):
            if pos >= end:
                return
            if size and pos + size > start:
                group = self.parts[index * _GROUP : (index + 1) * _GROUP]
                if start <= pos and pos + size <= end and size <= _BLOCK:
                    yield "".join(group), 0, size
                else:
                    at = pos
                    for part in group:
                        low, high = max(start - at, 0), min(end - at, len(part))
                        if low < high:
                            yield part, low, high
                        at += len(part)
            pos += size

    def text(self, start: int, end: int) -> str:
        """The text between two offsets, copied: a chunk of three budgets at most, or the head
        and the tail shown of a longer one."""
        return "".join(view[low:high] for view, low, high in self.views(start, end))


def _join_arrays(left: str, right: str) -> str:
    """Two JSON array texts as one, without parsing either."""
    if not left or left == "[]":
        return right
    return left if right == "[]" else f"{left[:-1]},{right[1:]}"


def _raw_size(raw: Any) -> int:
    """A saved line's size as the budget counts it (its characters and the newline)."""
    pairs = _list(raw)
    if not all(isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str) for pair in pairs):
        raise ValueError("expected [style, text] pairs")
    return sum(len(pair[1]) for pair in pairs) + 1


_HEX_COLOR = re.compile(r"#[0-9a-f]{6}")


def _style_json(style: StyleValues) -> list[Any] | None:
    """A style as JSON; None for the plain style most text has, which keeps saves small."""
    return None if style == PLAIN else list(style)


def _colour(value: Any) -> int | str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 15):
        return value
    if isinstance(value, str) and _HEX_COLOR.fullmatch(value):
        return value
    raise ValueError("a saved terminal colour is not 0-15 or #rrggbb")


def _style_from_json(raw: Any) -> Style:
    if raw is None:
        return PLAIN
    if not isinstance(raw, list) or len(raw) != len(Style._fields):
        raise ValueError("a saved terminal style is malformed")
    fg, bg, *flags, link = raw
    if not all(isinstance(flag, bool) for flag in flags):
        raise ValueError("a saved terminal style flag is not a boolean")
    if link is not None:
        link = check_url(link, schemes=WEB_SCHEMES, relative=False) if isinstance(link, str) else None
    bold, dim, italic, underline, inverse, strike = flags
    return Style(_colour(fg), _colour(bg), bold, dim, italic, underline, inverse, strike, link)


def _line_json(line: Line) -> list[list[Any]]:
    return [[_style_json(style), html_unescape(text)] for style, text in line_runs(line)]


def _line_from_json(raw: Any) -> Line:
    return escaped_runs([(_style_from_json(st), _text(text)) for st, text in _pairs(raw)])


def _list(raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise ValueError("expected a list")
    return raw


def _pairs(raw: Any) -> list[tuple[Any, Any]]:
    pairs = _list(raw)
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
        raise ValueError("expected [style, text] pairs")
    return [(pair[0], pair[1]) for pair in pairs]


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError("expected text")
    return raw


def _count(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise ValueError("expected a non-negative integer")
    return raw


def ansi_to_html(text: str, budget: int = 524_288) -> Markup:
    """Render a complete piece of terminal output in one call."""
    term = Terminal(budget)
    term.feed(text)
    return term.html()
