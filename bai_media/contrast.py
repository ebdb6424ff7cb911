"""Colour contrast (WCAG 2.2): make kernel and palette colours readable on the backgrounds used.

A kernel picks colours for a terminal it imagines, often black; we show them on light and dark
backgrounds. Like xterm.js's ``minimumContrastRatio``, a colour that is too faint keeps its hue
and saturation and moves in lightness until it reaches the ratio against every background of
the scheme it is shown in.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from functools import lru_cache

#: WCAG 2.2 AA for normal text, with a margin so rounding in a browser never lands below 4.5.
MIN_RATIO = 4.6

#: The backgrounds text stands on in each scheme: page, code/stream box, stderr box, notice.
LIGHT_BACKGROUNDS = ("#ffffff", "#f6f8fa", "#ffebe9", "#fff8c5")
DARK_BACKGROUNDS = ("#0d1117", "#151b23", "#3c1618", "#3b2e0a")
#: The default text colours (``--bai-fg``), for text on a kernel-chosen background.
LIGHT_FG = "#1f2328"
DARK_FG = "#e6edf3"


def parse_hex(color: str) -> tuple[float, float, float]:
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def to_hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def luminance(color: str) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg: str, bg: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    a, b = luminance(fg), luminance(bg)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def mix(fg: str, bg: str, alpha: float) -> str:
    """``fg`` drawn at ``alpha`` opacity over ``bg`` (what dim text looks like)."""
    return to_hex([alpha * f + (1 - alpha) * b for f, b in zip(parse_hex(fg), parse_hex(bg))])


@lru_cache(maxsize=8192)
def readable(color: str, backgrounds: tuple[str, ...], minimum: float = MIN_RATIO) -> str:
    """``color`` itself if it reaches ``minimum`` on every background, else the nearest lightness
    (same hue and saturation) that does. Backgrounds of one scheme are all dark or all light."""
    if all(ratio(color, bg) >= minimum for bg in backgrounds):
        return color
    dark_scheme = sum(luminance(bg) for bg in backgrounds) / len(backgrounds) < 0.18
    h, lightness, s = colorsys.rgb_to_hls(*parse_hex(color))
    # Search the lightness between the colour's own and the extreme (white or black), which
    # always reaches the ratio on these backgrounds.
    lo, hi = (lightness, 1.0) if dark_scheme else (0.0, lightness)
    for _ in range(24):
        mid = (lo + hi) / 2
        candidate = to_hex(colorsys.hls_to_rgb(h, mid, s))
        good = all(ratio(candidate, bg) >= minimum for bg in backgrounds)
        if dark_scheme:
            lo, hi = (lo, mid) if good else (mid, hi)
        else:
            lo, hi = (mid, hi) if good else (lo, mid)
    return to_hex(colorsys.hls_to_rgb(h, hi if dark_scheme else lo, s))


def light_dark(color: str, *, on: str | None = None) -> tuple[str, str]:
    """Readable (light, dark) variants of a kernel colour shown on the page's backgrounds, or on
    a background ``on`` the kernel chose itself (then both schemes share it)."""
    if on is not None:
        same = readable(color, (on,))
        return same, same
    return readable(color, LIGHT_BACKGROUNDS), readable(color, DARK_BACKGROUNDS)

#: The 16 ANSI colours (light, dark) as ``--bai-ansi-N`` in bai-media.css, each readable on
#: every background of its scheme; a test keeps the two in step.
PALETTE: tuple[tuple[str, str], ...] = (
    ("#24292f", "#9099a4"),
    ("#cf222e", "#ff7b72"),
    ("#116329", "#3fb950"),
    ("#8a6100", "#d29922"),
    ("#0550ae", "#58a6ff"),
    ("#7f4bde", "#bc8cff"),
    ("#1a777d", "#39c5cf"),
    ("#646c76", "#b1bac4"),
    ("#57606a", "#9299a2"),
    ("#a40e26", "#ffa198"),
    ("#197c36", "#56d364"),
    ("#633c01", "#e3b341"),
    ("#0067d9", "#79c0ff"),
    ("#803ff7", "#d2a8ff"),
    ("#277488", "#56d4dd"),
    ("#636c77", "#f0f6fc"),
)
#: Background of the stream box (``--bai-code-bg``): what dim text is blended against.
CODE_BG = ("#f6f8fa", "#151b23")
DIM_ALPHA = 0.7


def _pair(value: int | str | None, default: tuple[str, str] | None) -> tuple[str, str] | None:
    if isinstance(value, int):
        return PALETTE[value]
    if isinstance(value, str):
        return value, value
    return default


def text_colors(
    fg: int | str | None, bg: int | str | None, *, dim: bool = False, inverse: bool = False
) -> tuple[str, str] | None:
    """The (light, dark) text colour to set inline for a terminal style, or None when its
    classes alone are readable. ``fg``/``bg`` are palette indexes, ``#rrggbb`` or None (the
    default colours; swapped when ``inverse``, as the colours passed in already are)."""
    if not dim and bg is None and (fg is None or isinstance(fg, int)) and not inverse:
        return None  # default text, or a palette colour: readable on every background
    default_fg, default_bg = (CODE_BG, (LIGHT_FG, DARK_FG)) if inverse else ((LIGHT_FG, DARK_FG), None)
    fgs = _pair(fg, default_fg)
    bgs = _pair(bg, default_bg)
    assert fgs is not None
    out = []
    for scheme, color in enumerate(fgs):
        behind = bgs[scheme] if bgs else None
        if dim:
            color = mix(color, behind or CODE_BG[scheme], DIM_ALPHA)
        out.append(readable(color, (behind,) if behind else (LIGHT_BACKGROUNDS, DARK_BACKGROUNDS)[scheme]))
    light, dark = out
    if not dim and (light, dark) == fgs and (isinstance(fg, int) or (fg is None and inverse)):
        return None  # the classes already give this colour (plain default text inherits, as
        # in a stderr box, so it always gets its colour stated)
    return light, dark
