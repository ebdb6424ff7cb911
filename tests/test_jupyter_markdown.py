"""The markdown engine's shortcuts: skipped work never changes what a markdown item renders to."""

from __future__ import annotations

import random
import re
import threading

import pytest
from markdown.preprocessors import HtmlBlockPreprocessor

from bai_media import Renderer
from bai_media import jupyter_markdown as module

QUICK_INLINE_SAMPLES = [
    "Plain prose, nothing to parse.\nSecond line, still plain; (parens) and 'quotes' and \"doubles\".",
    "a  \nhard break", "x ~~gone~~ ~single~ y", "&amp; &#x41; & alone", "<b>bold</b> <http://a.example> <me@a.example>",
    "a\\*b \\[c\\]", "**b** _i_ __u__ *", "[l](http://x.example) ![i](http://y.example/i.png) [ref][r]\n\n[r]: http://r.example",
    "$x^2$ and $$y$$ and `$z$`", "- item *one*\n- item two\n\n1. plain\n2. [x] task", "| a | b |\n|---|---|\n| *1* | 2 |",
    "# Heading with `code`\n\n> quote with [link](#Heading)",
]


@pytest.mark.parametrize("source", QUICK_INLINE_SAMPLES)
def test_skipping_plain_text_runs_changes_no_output(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text runs no inline pattern could match skip the pattern tries; the output is the same."""
    token = re.compile(r"[0-9A-F]{12}")
    renderer = Renderer(cache=None)  # a cache would answer the second call with the first's output
    assert type(module._converter()[0].treeprocessors["inline"]) is module._QuickInline  # all patterns known
    quick = token.sub("", str(renderer.handle_all([("text/markdown", source)], "m")))
    monkeypatch.setattr(module, "_INLINE_TRIGGERS", {})
    monkeypatch.setattr(module, "_local", threading.local())
    assert type(module._converter()[0].treeprocessors["inline"]) is not module._QuickInline
    assert token.sub("", str(renderer.handle_all([("text/markdown", source)], "m"))) == quick


#: Pieces of markdown syntax that random texts are made of, to reach pattern orders no sample does.
MARKDOWN_PIECES = ["*", "**", "_", "__", "`", "``", "```", "~~", "~", "[", "]", "](", ")", "(", "![", "<", ">", "&",
                   "&amp;", "\\", "\\*", "  \n", "\n", "\n\n", "$", "$$", "# ", "> ", "- ", "1. ", "| ", "|---|", "    ",
                   "<b>", "</b>", "<div>", "</div>", "<http://a.example>", "<me@x.example>", "[x]: http://r.example",
                   "[x]", "- [x] ", "word", " ", "\\(", "\\)", "a^2", "===", "<script>__pwned(1)</script>", "é", '"', "<!--",
                   "#", "&#65", "&#x41;", "***", "___"]


def random_markdown(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(MARKDOWN_PIECES) for _ in range(rng.randint(1, 50))) for _ in range(count)]


def test_skipping_patterns_changes_no_output_on_random_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inline patterns and block tests are skipped on text without what they need, raw HTML
    blocks are not looked for in text without ``<`` or ``&``: the same output as doing it all."""
    token = re.compile(r"[0-9A-F]{12}")
    sources = random_markdown(400, 20) + QUICK_INLINE_SAMPLES
    renderer = Renderer(cache=None)
    quick = [token.sub("", str(renderer.handle_all([("text/markdown", s)], "m"))) for s in sources]
    monkeypatch.setattr(module, "_INLINE_TRIGGERS", {})
    monkeypatch.setattr(module, "_BLOCK_TRIGGERS", {})
    monkeypatch.setattr(module._QuickHtmlBlocks, "run", HtmlBlockPreprocessor.run)
    monkeypatch.setattr(module, "_parse_blocks", lambda parser: parser.parseBlocks)
    monkeypatch.setattr(module, "_local", threading.local())
    assert type(module._converter()[0].treeprocessors["inline"]) is not module._QuickInline
    assert [token.sub("", str(renderer.handle_all([("text/markdown", s)], "m"))) for s in sources] == quick
