"""Markdown: extensions, Pygments classes, math outside code, sanitized output."""

from __future__ import annotations

from bai_media import handle_all

from ..html_checks import active_content


def test_tables_fences_and_highlighting() -> None:
    html = handle_all([("text/markdown", "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\ndef f(x):\n    return x\n```\n")], "m")
    assert "<h1>Title</h1>" in html and "<table>" in html and "<td>1</td>" in html
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
    assert html.count("<math") == 1  # only the link text; the URL and attribute keep their placeholder


def test_raw_html_in_markdown_is_sanitized_not_dropped() -> None:
    html = handle_all([("text/markdown", "<details><summary>more</summary>hidden <b>bold</b></details>")], "m")
    assert "<details><summary>more</summary>hidden <b>bold</b></details>" in html


def test_truncation_notice_counts_the_hidden_tail_too() -> None:
    """Review bug: the notice left out the part kept as the truncation's tail."""
    from bai_media import Limits, Renderer

    html = Renderer(limits=Limits(text_chars=300)).handle_all([("text/markdown", "a" * 200 + "b" * 800)], "r")
    assert "a" * 200 in html and "b" * 10 not in html
    assert "800 characters not shown" in html
