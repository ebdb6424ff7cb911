"""Markdown: extensions, Pygments classes, math outside code, sanitized output."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bai_media import Renderer, handle_all
from bai_media.limits import Limits
from bai_media.sanitize import ENGINES, Engine

from ..html_checks import active_content


def test_tables_fences_and_highlighting() -> None:
    html = handle_all([("text/markdown", "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\ndef f(x):\n    return x\n```\n")], "m")
    assert '<h1 id="user-content-Title">Title<a class="anchor-link" href="#user-content-Title"' in html and "<table>" in html and "<td>1</td>" in html
    assert '<div class="highlight"><pre>' in html and '<span class="k">def</span>' in html
    assert "style=" not in html.split("bai-media-markdown", 1)[1]


def test_math_outside_code_becomes_mathml_and_inside_code_stays_text() -> None:
    html = handle_all([("text/markdown", "Euler: $e^{i\\pi}=-1$, $$\\frac{a_1}{b_2}$$ and `$x_1$` costs $5 or $6.\n\n```\n$y_2$\n```")], "m")
    assert html.count("<math") == 2
    assert "<code>$x_1$</code>" in html and "$y_2$" in html
    assert "costs $5 or $6" in html


def test_hostile_markdown_is_inert() -> None:
    html = handle_all([("text/markdown", "[a](javascript:alert(1)) ![b](javascript:alert(2))\n\n[c][r] <img src=x onerror=alert(3)>\n\n"
                        "[r]: javascript:alert(4)\n\n[$x$](http://e.org/$y$) <a href='x' title='$z$'>t</a>\n\n<script>alert(5)</script>")], "m")
    assert active_content(str(html)) == []
    assert "alert(5)" not in html
    assert html.count("<math") == 1  # only the link text; the URL and the attribute keep their TeX
    assert 'href="http://e.org/$y$"' in html and "title=\"$z$\"" in html


def test_raw_html_in_markdown_is_sanitized_not_dropped() -> None:
    html = handle_all([("text/markdown", "<details><summary>more</summary>hidden <b>bold</b></details>")], "m")
    assert "<details><summary>more</summary>hidden <b>bold</b></details>" in html


def test_truncation_notice_counts_the_hidden_tail_too() -> None:
    """Review bug: the notice left out the part kept as the truncation's tail."""
    from bai_media import Limits, Renderer

    html = Renderer(limits=Limits(text_chars=300)).handle_all([("text/markdown", "a" * 200 + "b" * 800)], "r")
    assert "a" * 200 in html and "b" * 10 not in html
    assert "800 characters not shown" in html


# -- math is rendered only in text; nothing is inserted after sanitizing (issue 14, finding 1) ------

#: Math in every place that is not text, with every attribute quoting; each would call __pwned if
#: TeX ever landed raw inside markup (``\text{}`` copies quotes and brackets through).
MATH_IN_MARKUP = [
    "<img title='a\" $\\text{'/src='x'/onerror='__pwned(1)'/x='}$'>",
    "<img title=\"a' $\\text{\"/src=\"x\"/onerror=\"__pwned(2)\"/x=\"}$\">",
    "<img title=a $\\text{ src=x onerror=__pwned(3) }$>",
    "<img title=`$\\text{`/src=x/onerror=__pwned(4)/x=`}$`>",
    "<div title='$x$'>$\\text{</div><img src=x onerror=__pwned(5)>}$</div>",
    "[$\\text{\"><img src=x onerror=__pwned(6)>}$](http://e.com/$\\text{\"onmouseover=\"__pwned(7)}$)",
    "![$\\text{\" onerror=\"__pwned(8)}$](http://127.0.0.1:9/x.png \"$\\text{' onerror='__pwned(9)}$\")",
    "<a href='$\\text{javascript:__pwned(10)}$'>x</a> [y]($javascript:__pwned(11)$)",
    "`$\\text{<img src=x onerror=__pwned(12)>}$` and\n\n    $\\text{<img src=x onerror=__pwned(13)>}$\n",
    "<http://e.com/$\\text{\"><img src=x onerror=__pwned(14)>}$>",
    "$$\\text{<img src=x onerror=__pwned(15)>}$$ $\\text{<math><mtext><img src=x onerror=__pwned(16)></mtext></math>}$",
    "<math><mtext><table><mglyph><style><img src=x onerror=__pwned(17)></style></mglyph></table></mtext></math>",
    "<math><maction actiontype=statusline xlink:href='javascript:__pwned(18)'>x</maction><annotation-xml encoding='text/html'><img src=x onerror=__pwned(19)></annotation-xml></math>",
    "<p title=\"</p><img src=x onerror=__pwned(20)>\">$x$</p> <span title='$a$' class='$b$'>$c$</span>",
    "[r]\n\n[r]: http://e.com/$\\text{\" onmouseover=\"__pwned(21)}$ \"$\\text{'}$\"",
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("source", MATH_IN_MARKUP)
def test_math_inside_markup_stays_inert_text(engine: Engine, source: str) -> None:
    html = str(Renderer(sanitizer=engine).handle_all([("text/markdown", source)], "m"))
    assert active_content(html) == []


def test_math_in_urls_and_attributes_keeps_its_tex() -> None:
    html = handle_all([("text/markdown", "[docs](http://e.com/$a$) <span title='$b$'>$c$</span> ![i](http://e.com/$d$.png)")], "m")
    assert 'href="http://e.com/$a$"' in html and 'title="$b$"' in html and 'src="http://e.com/$d$.png"' in html
    assert html.count("<math") == 1


def test_math_inside_html_blocks_renders_as_jupyter_does() -> None:
    html = handle_all([("text/markdown", "<div title='$y$'>$x$ and <b>$z$</b></div>\n\n<center>$$a^2$$</center>")], "m")
    assert html.count("<math") == 3 and 'title="$y$"' in html and '<center><math display="block">' in html


@pytest.mark.browser
@pytest.mark.parametrize("engine", ENGINES)
def test_math_in_markup_runs_nothing_in_chromium(engine: Engine, load_page: Any) -> None:
    renderer = Renderer(sanitizer=engine)
    body = renderer.handle_all([("text/markdown", source) for source in MATH_IN_MARKUP], "m")
    page = load_page.open(renderer.render_page(body), wait_ms=800)
    page.evaluate("""() => { for (const el of document.querySelectorAll('*')) {
        el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); } }""")
    page.page.wait_for_timeout(200)
    assert page.evaluate("window.__hits") == [] and page.dialogs == [] and page.blocked_requests == []
    assert page.evaluate("document.querySelectorAll('.bai-media-item').length") == len(MATH_IN_MARKUP)
    assert page.evaluate("document.querySelectorAll('maction, annotation-xml, script, [onerror], [onmouseover]').length") == 0


# -- Jupyter's markdown: GFM, heading ids, environments, accessible math (issue 15) -------------------

def test_heading_ids_as_jupyterlab_and_links_reach_them() -> None:
    html = str(handle_all([("text/markdown", "# Intro Part 1.2\n\n## Café?\n\n[a](#Intro-Part-1.2) [b](#Caf%C3%A9?) [c](#Café?)")], "m"))
    assert '<h1 id="user-content-Intro-Part-1.2">' in html and '<h2 id="user-content-Café?">' in html
    assert html.count('href="#user-content-Intro-Part-1.2"') == 2  # the link and the heading's anchor
    assert html.count('href="#user-content-Café?"') == 3
    assert '<a class="anchor-link"' in html


def test_gfm_strikethrough_and_task_lists() -> None:
    html = str(handle_all([("text/markdown", "~~gone~~ and ~~ not ~~\n\n- [x] done\n- [ ] todo\n- [y] plain")], "m"))
    assert "<del>gone</del>" in html and "~~ not ~~" in html
    assert html.count('class="task-list-item"') == 2 and "☑" in html and "☐" in html and "[y] plain" in html


@pytest.mark.parametrize("env", ["aligned", "align", "align*", "cases", "matrix", "pmatrix", "bmatrix", "gathered"])
def test_environments_render_as_tables_with_their_source(env: str) -> None:
    body = "a & b \\\\ c & d" if env != "gathered" else "a \\\\ b"
    tex = f"\\begin{{{env}}}{body}\\end{{{env}}}"
    html = str(handle_all([("text/markdown", f"$$\n{tex}\n$$\n\nand {tex}")], "m"))
    assert html.count("<mtable") == 2 and "<mi>&amp;</mi>" not in html and "&amp;</mi>" not in html
    assert f'<annotation encoding="application/x-tex">{tex.replace("&", "&amp;")}</annotation>' in html


def test_array_and_unrenderable_math_is_visible_source() -> None:
    html = str(handle_all([("text/markdown", "$$\\begin{array}{cc}1&2\\\\3&4\\end{array}$$ and $\\notacommand{x}$")], "m"))
    assert "<mtable" in html and "<merror><mtext>\\notacommand{x}</mtext></merror>" in html


def test_escaped_dollars_and_prices_are_text() -> None:
    html = str(handle_all([("text/markdown", "costs \\$5 and $6, or $7.")], "m"))
    assert "<math" not in html and "costs $5 and $6, or $7." in html


# -- linear time at any shape (issue 14, findings 3 and 6) ---------------------------------------------

#: Shapes Python-Markdown or the math scan were superlinear on, and their neighbours.
WORST = ["[", "![", "[a](", "](", "*a", " _a", "``a`", "<a ", "<!--", "<http://", "\\[", "\\(", "\\begin{align}", "$a",
         ">", "- \n", "a\n=\n", "# a\n", "  - x\n", "|a|\n|-|\n", "```\n", "~~a ", "&amp;", "x$\\"]


def _cpu(text: str, runs: int = 3) -> float:
    renderer = Renderer()
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        renderer.handle_all([("text/markdown", text)], "m")
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("unit", WORST)
def test_markdown_scales_linearly(unit: str) -> None:
    small, large = (unit * (n // len(unit)) for n in (10_000, 100_000))
    assert _cpu(large) <= 12 * max(_cpu(small), 0.002), unit


@pytest.mark.parametrize("unit", WORST)
def test_the_largest_markdown_the_limits_admit_takes_under_two_seconds(unit: str) -> None:
    text = unit * (Limits().text_chars // len(unit))
    assert _cpu(text, runs=1) < 2.0, unit


def test_what_is_bounded_says_so() -> None:
    html = str(handle_all([("text/markdown", "[" * 100_000)], "m"))
    assert "shown as plain text" in html and html.count("[") >= 100_000
    html = str(handle_all([("text/markdown", "- x\n" * 20_000)], "m"))
    assert "5,000 lines" in html and "- x" in html  # the rest as plain text, not dropped
    html = str(handle_all([("text/markdown", ">" * 50 + " deep")], "m"))
    assert html.count("<blockquote>") == 16 and "deep" in html


# -- in Chromium: the math font in use, display math that fits, ids that links reach ---------------------

LAYOUT = """# Results and Discussion

See [the sums](#Sums-and-integrals) and `inline code`.

## Sums and integrals

$$\\sum_{i=0}^{n} \\frac{1}{i^2} = \\int_0^1 \\left( \\frac{x}{2} \\right) dx$$

$$\\begin{aligned} a &= b + c \\\\ d &= e \\end{aligned}$$

$$\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$$
"""


@pytest.mark.browser
def test_math_layout_fonts_and_anchors_in_chromium(load_page: Any) -> None:
    renderer = Renderer()
    page = load_page.open(renderer.render_page(renderer.handle_all([("text/markdown", LAYOUT)], "m")), wait_ms=300)
    page.page.evaluate("document.fonts.ready")
    facts = page.evaluate("""() => {
      const blocks = [...document.querySelectorAll('math[display="block"]')];
      const sum = [...document.querySelectorAll('mo')].find(mo => mo.textContent === '∑');
      const link = document.querySelector('p a[href^="#"]');
      const h1 = document.querySelector('h1'), p = document.querySelector('p');
      const code = document.querySelector('p code');
      return {
        blocks: blocks.length,
        fits: blocks.map(b => b.scrollHeight <= b.clientHeight + 1 && b.scrollWidth <= b.clientWidth + 1),
        family: getComputedStyle(blocks[0]).fontFamily,
        loaded: document.fonts.check('16px "bai-media STIX Math"') && [...document.fonts].some(f => f.family.includes('STIX Math') && f.status === 'loaded'),
        sumTaller: sum.getBoundingClientRect().height / parseFloat(getComputedStyle(sum).fontSize),
        rows: document.querySelectorAll('mtable mtr').length,
        target: link && document.getElementById(link.getAttribute('href').slice(1)) !== null,
        anchors: [...document.querySelectorAll('h1 > a.anchor-link, h2 > a.anchor-link')].every(a => document.getElementById(a.getAttribute('href').slice(1)) === a.parentElement),
        h1Ratio: parseFloat(getComputedStyle(h1).fontSize) / parseFloat(getComputedStyle(p).fontSize),
        codeBackground: getComputedStyle(code).backgroundColor,
        tex: [...document.querySelectorAll('annotation[encoding="application/x-tex"]')].map(a => a.textContent.trim()),
      };
    }""")
    assert facts["blocks"] == 3 and all(facts["fits"]), facts
    assert "bai-media STIX Math" in facts["family"] and facts["loaded"]
    assert facts["sumTaller"] > 1.3  # a display-style sum grows, as with MathJax (0.75 em without a MATH font)
    assert facts["rows"] == 4  # aligned and pmatrix as tables, not one row with literal &
    assert facts["target"] and facts["anchors"]
    assert facts["h1Ratio"] > 1.9 and facts["codeBackground"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert facts["tex"][0].startswith("\\sum_{i=0}^{n}") and len(facts["tex"]) == 3


@pytest.mark.browser
def test_notebook_markdown_lines_up_with_the_code_column(load_page: Any) -> None:
    from bai_media.formats.jupyter import render_notebook

    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "Some **text** and `code`"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [], "source": "x = 1"}]}
    renderer = Renderer()
    page = load_page.open(renderer.render_page(render_notebook(nb, "nb", renderer)), wait_ms=200, viewport={"width": 1000, "height": 600})
    text_left, code_left = page.evaluate("""() => [
        document.querySelector('.bai-nb-markdown p').getBoundingClientRect().left,
        (() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('.bai-nb-source pre'));
                 return r.getClientRects()[0].left; })()]""")
    assert abs(text_left - code_left) <= 2
