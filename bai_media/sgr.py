"""SGR (Select Graphic Rendition) parsing: the style a terminal is in after ``ESC [ ... m``.

Styles are plain tuples, and transitions are cached: logs repeat the same few.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_SGR_PARAMS = re.compile(r"\x1b\[([0-9;:]*)m")


class Style(NamedTuple):
    """SGR attributes. Colours are 0-15 (palette classes) or ``"#rrggbb"`` (generated inline).

    A tuple, so hashing and comparing (done per run on hot paths) happen in C.
    """

    fg: int | str | None = None
    bg: int | str | None = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    inverse: bool = False
    strike: bool = False
    link: str | None = None


PLAIN = Style()

_XTERM_LEVELS = (0, 95, 135, 175, 215, 255)


def _color256(n: int) -> int | str | None:
    if not 0 <= n <= 255:
        return None
    if n < 16:
        return n
    if n < 232:
        n -= 16
        r, g, b = _XTERM_LEVELS[n // 36], _XTERM_LEVELS[(n // 6) % 6], _XTERM_LEVELS[n % 6]
    else:
        r = g = b = 8 + (n - 232) * 10
    return f"#{r:02x}{g:02x}{b:02x}"


_SGR_SET = {1: "bold", 2: "dim", 3: "italic", 4: "underline", 7: "inverse", 9: "strike"}
_SGR_RESET = {22: ("bold", "dim"), 23: ("italic",), 24: ("underline",), 27: ("inverse",), 29: ("strike",)}
#: Parameters longer than this are huge numbers; nothing is computed from their digits.
_MAX_DIGITS = 9


def csi_number(param: str, default: int) -> int:
    """One numeric CSI parameter, bounded before conversion: a huge one reads as ``10**9``."""
    if not param.isdigit():
        return default
    return int(param) if len(param) <= _MAX_DIGITS else 10**_MAX_DIGITS


def apply_sgr(style: Style, params: str) -> Style:
    """The style after one SGR sequence (``ESC [ params m``)."""
    codes = [csi_number(p, 0) for p in params.replace(":", ";").split(";")] if params else [0]
    i = 0
    changes: dict[str, object] = {}
    while i < len(codes):
        code = codes[i]
        if code == 0:
            style, changes = PLAIN._replace(link=style.link), {}
        elif code in _SGR_SET:
            changes[_SGR_SET[code]] = True
        elif code in _SGR_RESET:
            changes.update(dict.fromkeys(_SGR_RESET[code], False))
        elif 30 <= code <= 37 or 90 <= code <= 97:
            changes["fg"] = code - 30 if code < 90 else code - 82
        elif 40 <= code <= 47 or 100 <= code <= 107:
            changes["bg"] = code - 40 if code < 100 else code - 92
        elif code == 39:
            changes["fg"] = None
        elif code == 49:
            changes["bg"] = None
        elif code in (38, 48):
            key = "fg" if code == 38 else "bg"
            mode = codes[i + 1] if i + 1 < len(codes) else None
            if mode == 5 and i + 2 < len(codes):
                changes[key] = _color256(codes[i + 2])
                i += 2
            elif mode == 2 and i + 4 < len(codes):
                r, g, b = (min(max(c, 0), 255) for c in codes[i + 2 : i + 5])
                changes[key] = f"#{r:02x}{g:02x}{b:02x}"
                i += 4
            else:
                i = len(codes)
        i += 1
    return style._replace(**changes) if changes else style  # type: ignore[arg-type]


_sgr_cache: dict[tuple[Style, str], Style] = {}


def apply_sgr_run(style: Style, sequences: str) -> Style:
    """The style after a run of SGR sequences, cached: logs repeat the same few transitions."""
    key = (style, sequences)
    cached = _sgr_cache.get(key)
    if cached is None:
        cached = style
        for params in _SGR_PARAMS.findall(sequences):
            cached = apply_sgr(cached, params)
        if len(sequences) <= 256:  # a bounded cache of the short runs logs repeat
            if len(_sgr_cache) > 4096:
                _sgr_cache.clear()
            _sgr_cache[key] = cached
    return cached
