"""LaTeX: MathML with no client script; sympy coverage; hostile TeX inert."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bai_media import handle_all
from bai_media.handlers.latex import MAX_EXPRESSIONS
from bai_media.mathml import MATH_SPANS, MathError, find_math, tex_to_mathml

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
    assert "href" not in html and "<script" not in html and "<img" not in html


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


TOKENS = ["$", "$$", "\\[", "\\]", "\\(", "\\)", "a", " ", "1", "\\", "\n",
          "\\begin{equation}", "\\end{equation}", "\\begin{align*}", "\\end{align*}"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_linear_span_finder_agrees_with_the_regex(text: str) -> None:
    expected = [(m.span(), m.groupdict()) for m in MATH_SPANS.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in find_math(text)] == expected


@pytest.mark.parametrize("opener", ["\\(", "\\[", "\\begin{equation}"])
def test_unclosed_delimiters_find_nothing(opener: str) -> None:
    # The regex alone rescanned the rest of the text from every opener (minutes for 128 KB);
    # tests/test_scaling.py holds the time to linear growth.
    assert list(find_math(opener * 20_000)) == []


def test_unbalanced_or_deep_braces_are_refused_before_conversion() -> None:
    for tex in ("\\text{" * 5000, "{" * 60 + "}" * 60, "a}{b"):
        with pytest.raises(MathError):
            tex_to_mathml(tex)
    assert "<mi>a</mi>" in tex_to_mathml("{" * 10 + "a" + "}" * 10)


def test_math_beyond_the_item_budget_is_shown_as_source_with_a_notice() -> None:
    html = str(handle_all([("text/latex", "$a$ " * 3000)], "l"))
    assert html.count("<math") == MAX_EXPRESSIONS
    assert "shown as source" in html and html.count("$a$") == 1000
