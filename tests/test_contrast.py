"""Kernel and palette colours reach WCAG AA contrast on the backgrounds they are shown on."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, strategies as st

from bai_media.ansi import ansi_to_html
from bai_media.contrast import (
    DARK_BACKGROUNDS,
    LIGHT_BACKGROUNDS,
    PALETTE,
    luminance,
    ratio,
    readable,
    text_colors,
)

ROOT = Path(__file__).resolve().parents[1]
hex_colors = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def test_ratio_matches_wcag_reference_values() -> None:
    assert ratio("#000000", "#ffffff") == 21
    assert round(ratio("#777777", "#ffffff"), 2) == 4.48  # the well-known just-failing grey
    assert luminance("#ffffff") == 1 and luminance("#000000") == 0


@given(hex_colors)
def test_readable_reaches_the_ratio_on_every_background_and_keeps_readable_colours(color: str) -> None:
    for backgrounds in (LIGHT_BACKGROUNDS, DARK_BACKGROUNDS):
        out = readable(color, backgrounds)
        assert min(ratio(out, bg) for bg in backgrounds) >= 4.5
        if min(ratio(color, bg) for bg in backgrounds) >= 4.6:
            assert out == color


@given(hex_colors, hex_colors)
def test_text_on_a_kernel_background_is_readable(fg: str, bg: str) -> None:
    light, dark = text_colors(fg, bg)  # type: ignore[misc]
    assert ratio(light, bg) >= 4.5 and ratio(dark, bg) >= 4.5


def test_css_palette_is_the_python_palette_and_readable() -> None:
    css = (ROOT / "static" / "css" / "bai-media.css").read_text()
    found = dict((int(n), (l, d)) for n, l, d in re.findall(r"--bai-ansi-(\d+): light-dark\((#\w+), (#\w+)\)", css))
    assert [found[i] for i in range(16)] == list(PALETTE)
    for light, dark in PALETTE:
        assert min(ratio(light, bg) for bg in LIGHT_BACKGROUNDS) >= 4.5
        assert min(ratio(dark, bg) for bg in DARK_BACKGROUNDS) >= 4.5


def test_256_colour_grey_from_the_audit_is_lifted_in_dark_mode() -> None:
    out = ansi_to_html("\x1b[38;5;241mfaint")  # #626262: 2.83:1 on the dark code background
    light, dark = re.search(r"light-dark\((#\w+), (#\w+)\)", out).groups()  # type: ignore[union-attr]
    assert light == "#626262" and ratio(dark, "#151b23") >= 4.5


def test_default_text_on_a_kernel_background_gets_a_colour() -> None:
    out = ansi_to_html("\x1b[44mblue")
    light, dark = re.search(r"light-dark\((#\w+), (#\w+)\)", out).groups()  # type: ignore[union-attr]
    light_bg, dark_bg = PALETTE[4]
    assert ratio(light, light_bg) >= 4.5 and ratio(dark, dark_bg) >= 4.5
