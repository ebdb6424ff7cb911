"""Finding math in text: Jupyter's delimiters, linear on unclosed ones; TeX to MathML."""

from __future__ import annotations

import time
from collections import deque

import pytest

from bai_media.mathml import find_math, tex_to_mathml


def test_delimiters_as_jupyter_reads_them() -> None:
    text = "a $x$ b $$y$$ \\(z\\) \\[w\\] \\begin{align}p&=q\\end{align} \\$5 $6 and $7 \\begin{equation}e\\end{equation}"
    assert [(s.tex, s.display) for s in find_math(text)] == [
        ("x", False), ("y", True), ("z", False), ("w", True), ("\\begin{align}p&=q\\end{align}", True), ("e", True)]


def _cpu(text: str, times: int) -> float:
    """CPU time of scanning ``text`` ``times`` over, best of 3 (blocks of equal length compare
    fairly on a busy machine)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for _ in range(times):
            deque(find_math(text), maxlen=0)  # consume without keeping 100,000 spans alive for the GC
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("unit", ["\\[", "\\(", "$$", "$", "$a", "\\begin{equation}", "\\begin{pmatrix}", "\\", "$ a"])
def test_unclosed_delimiters_scan_in_linear_time(unit: str) -> None:
    small, large = (unit * (n // len(unit)) for n in (50_000, 500_000))
    # Linear: 10x the input costs what 10 scans of the small one cost, with room for the larger
    # string falling out of a shared cache (quadratic would be 10x more again).
    assert _cpu(large, 1) <= 2 * _cpu(small, 10), unit


def test_every_formula_carries_its_tex() -> None:
    html = str(tex_to_mathml("a < b", display=True))
    assert html.startswith('<math display="block"><semantics>')
    assert '<annotation encoding="application/x-tex">a &lt; b</annotation>' in html
