"""LaTeX: MathML with no client script; sympy coverage; hostile TeX inert."""

from __future__ import annotations

import pytest

from bai_media import handle_all
from bai_media.mathml import MathError, tex_to_mathml

from ..html_checks import active_content


def test_sympy_display_output_renders_as_math() -> None:
    html = handle_all([("text/latex", "$\\displaystyle \\frac{1}{x}$")], "l")
    assert "<math" in html and "<mfrac>" in html and "bai-media-math-source" not in html


def test_text_with_several_spans_and_environments() -> None:
    html = handle_all([("text/latex", "Let $a$ and \\(b\\) be \\[a+b\\] \\begin{equation*}c^2\\end{equation*}")], "l")
    assert html.count("<math") == 4 and "Let " in html


@pytest.mark.parametrize("tex", [r"\href{javascript:alert(1)}{x}", r"\url{javascript:alert(1)}", r"\text{<script>alert(1)</script>}",
                                 r"\unicode{60}script\unicode{62}", r"x<img src=x onerror=alert(1)>", r"\mathrm{\" onmouseover=\"alert(1)}"])
def test_hostile_tex_is_inert(tex: str) -> None:
    html = str(handle_all([("text/latex", f"${tex}$")], "l"))
    assert active_content(html) == []
    assert "href=" not in html and "<script" not in html and "<img" not in html  # the TeX source stays, as text


def test_unrenderable_tex_is_escaped_source_with_a_marker() -> None:
    html = handle_all([("text/latex", r"$\notacommand{<b>}$")], "l")
    assert '<code class="bai-media-math-source' in html and "\\notacommand{&lt;b&gt;}" in html
    assert 'title="not rendered: ' in html


def test_limits() -> None:
    with pytest.raises(MathError):
        tex_to_mathml("x" * 30_000)
    with pytest.raises(MathError):
        tex_to_mathml("{" * 5000 + "x" + "}" * 5000)


def test_sympy_corpus_coverage_is_at_least_95_percent() -> None:
    """The measured choice of latex2mathml (scripts/latex_coverage.py prints the comparison)."""
    from scripts.latex_coverage import coverage, sympy_corpus

    corpus = sympy_corpus()
    assert len(corpus) >= 150
    rendered, failures = coverage(corpus, "mathml")
    assert rendered / len(corpus) >= 0.95, failures[:10]


def test_many_formulas_are_bounded_with_a_notice() -> None:
    text = " ".join(f"$a_{{{i}}}$" for i in range(2_100))
    html = str(handle_all([("text/latex", text)], "l"))
    assert html.count("<math") == 2_000 and "are shown as source" in html and "$a_{2099}$" in html


def test_unclosed_delimiters_are_text() -> None:
    html = str(handle_all([("text/latex", "\\(" * 32_000)], "l"))
    assert "bai-media-math-source" in html and "\\(\\(" in html  # one over-long expression, shown as source


@pytest.mark.browser
def test_sympy_display_math_fits_its_box_in_chromium(load_page) -> None:  # type: ignore[no-untyped-def]
    from bai_media import Renderer

    renderer = Renderer()
    body = renderer.handle_all([("text/latex", "$\\displaystyle \\int_{0}^{\\infty} \\frac{\\sin{\\left(x \\right)}}{x}\\, dx = \\frac{\\pi}{2}$"),
                                ("text/latex", "$\\left[\\begin{matrix}1 & x\\\\x^{2} & \\sqrt{x}\\end{matrix}\\right]$")], "l")
    page = load_page.open(renderer.render_page(body), wait_ms=300)
    page.page.evaluate("document.fonts.ready")
    boxes = page.evaluate("""() => [...document.querySelectorAll('.bai-media-item')].map(b => [
        b.scrollHeight - b.clientHeight, b.scrollWidth - b.clientWidth, getComputedStyle(b.querySelector('math')).fontFamily])""")
    assert len(boxes) == 2
    for tall, wide, family in boxes:
        assert tall <= 1 and wide <= 1 and "bai-media STIX Math" in family
