"""``text/html``: sanitized, and cut visibly with the true count of what is hidden."""

from __future__ import annotations

from bai_media import Limits, Renderer


def test_truncation_notice_counts_the_hidden_tail_too() -> None:
    """Review bug: 1,000 characters at a 300 limit showed 200 and said 700 were hidden."""
    html = Renderer(limits=Limits(html_chars=300)).handle_all([("text/html", "a" * 200 + "b" * 800)], "r")
    assert "a" * 200 in html and "b" * 10 not in html
    assert "800 characters of HTML not shown" in html
