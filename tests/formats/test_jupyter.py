"""Jupyter outputs and whole notebooks, including the shared corpus."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from bai_media import Renderer
from bai_media.limits import Limits
from bai_media.formats import render
from bai_media.formats.jupyter import render_notebook

from ..html_checks import active_content

OUTPUT_IDS = re.compile(r'<div class="bai-media-item [^"]*" id="(nb-c\d+-out-\d+)"')


def test_bundles_pick_one_safe_representation() -> None:
    outputs = [
        {"output_type": "execute_result", "data": {"text/plain": ["<Fig>"], "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="}, "metadata": {"image/png": {"width": 20}}, "execution_count": 1},
        {"output_type": "display_data", "data": {"text/plain": "js fallback", "application/javascript": "alert(1)"}},
        {"output_type": "display_data", "data": {}},
        {"output_type": "stream", "name": "stderr", "text": ["a\n", "b\n"]},
        {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\x1b[31mtb"]},
        {"output_type": "mystery"},
        "garbage",
    ]
    html = str(render(outputs, "jupyter", "o"))
    assert len(re.findall(r'class="bai-media-item', html)) == 7
    assert 'width="20" height="20"' in html and "js fallback" in html and "alert(1)" not in html
    assert "(empty output)" in html and "a\nb\n" in html and "application/x-jupyter-mystery" in html


def test_messy_notebook_renders_and_marks_what_is_broken() -> None:
    nb = {"nbformat": 4, "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"version_major": 2}}},
          "cells": [
              {"cell_type": "markdown", "source": ["# T", "itle <script>alert(1)</script>\n", "![a](attachment:p.png)"],
               "attachments": {"p.png": {"image/png": "iVBORw0KGgo="}}},
              {"cell_type": "code", "source": "print(1)", "outputs": [{"output_type": "stream", "text": "1\n"}]},
              {"cell_type": "code", "execution_count": None, "source": None, "outputs": 7},
              {"cell_type": "raw", "source": "<b>raw</b>"},
              {"cell_type": "banana"}, "not a cell",
          ]}
    html = str(render(nb, "notebook", "nb"))
    assert '<h1 id="user-content-Title">Title <a class="anchor-link"' in html and "alert(1)" not in html and 'src="data:image/png;base64,iVBORw0KGgo="' in html
    assert "In&nbsp;[ ]:" in html and "&lt;b&gt;raw&lt;/b&gt;" in html
    assert "unknown type &#39;banana&#39;" in html and "is not an object" in html
    assert str(render_notebook({"nbformat": 3, "worksheets": []}, "old")).count("not supported") == 1


def _outputs(nb: dict) -> int:
    return sum(len(c.get("outputs") or []) for c in nb["cells"] if c.get("cell_type") == "code")


def test_every_corpus_notebook_renders_every_output(shared: Path) -> None:
    renderer = Renderer()
    notebooks = sorted((shared / "corpus" / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == 19
    total = 0
    for path in notebooks:
        nb = json.loads(path.read_text())
        html = str(render_notebook(nb, "nb", renderer))
        elements = OUTPUT_IDS.findall(html)
        assert len(elements) == _outputs(nb), path.name
        assert "bai-media-error" not in html, path.name
        for b64 in re.findall(r'<img class="bai-media-image" src="data:image/png;base64,([^"]+)"', html):
            Image.open(io.BytesIO(base64.b64decode(b64))).load()
        total += len(elements)
    assert total > 100


@pytest.mark.browser
def test_corpus_notebook_with_figures_in_chromium(shared: Path, load_page) -> None:  # type: ignore[no-untyped-def]
    renderer = Renderer()
    nb = json.loads((shared / "corpus" / "notebooks" / "17-Figures.ipynb").read_text())
    page = load_page.open(renderer.render_page(render_notebook(nb, "nb", renderer)), wait_ms=500)
    sizes = page.evaluate("[...document.querySelectorAll('img.bai-media-image')].map(i => i.naturalWidth)")
    assert sizes and all(w > 0 for w in sizes)
    assert page.console_errors == [] and page.hits == [] and page.blocked_requests == []


def test_images_without_alt_text_are_named_by_figure_and_cell() -> None:
    from bai_media.formats.jupyter import render_notebook

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    output = {"output_type": "display_data", "data": {"image/png": png}, "metadata": {}}
    described = {**output, "metadata": {"image/png": {"alt": "a red dot"}}}
    nb = {"nbformat": 4, "metadata": {}, "cells": [
        {"cell_type": "markdown", "source": "# t"},
        {"cell_type": "code", "execution_count": 1, "source": "", "outputs": [output, described, output]},
    ]}
    html = str(render_notebook(nb, "nb"))
    assert 'alt="figure 1 of cell 2"' in html and 'alt="a red dot"' in html and 'alt="figure 3 of cell 2"' in html
def tqdm_outputs(frames: int = 50) -> list[dict]:
    """What nbconvert --execute saves for a tqdm loop: one stderr output per frame."""
    outs = [{"output_type": "stream", "name": "stdout", "text": "start\n"}]
    for i in range(frames + 1):
        bar = "#" * (10 * i // frames)
        outs.append({"output_type": "stream", "name": "stderr",
                     "text": f"\r{100 * i // frames:3d}%|{bar:<10}| {i}/{frames} [00:00<00:00, 99.0it/s]"})
    outs[-1]["text"] += "\n"
    outs.append({"output_type": "stream", "name": "stdout", "text": "done\n"})
    return outs


def test_consecutive_streams_merge_and_carriage_returns_apply_across_outputs() -> None:
    html = str(render(tqdm_outputs(), "jupyter", "t"))
    boxes = re.findall(r'<pre class="bai-media-stream bai-media-stream-(\w+)">(.*?)</pre>', html, re.S)
    assert [name for name, _ in boxes] == ["stdout", "stderr", "stdout"]
    assert boxes[1][1] == "100%|##########| 50/50 [00:00&lt;00:00, 99.0it/s]\n"
    merged = str(render([{"output_type": "stream", "name": "stdout", "text": "abc"},
                         {"output_type": "stream", "name": "stdout", "text": ["\b", "X\n"]},
                         {"output_type": "stream", "name": "stdout", "text": 7}], "jupyter", "b"))
    assert "abX\n" in merged and merged.count('class="bai-media-item') == 2  # the broken one stays apart


def test_merged_streams_keep_output_ids_in_a_notebook() -> None:
    nb = {"nbformat": 4, "cells": [{"cell_type": "code", "source": "for i in tqdm(range(50)): pass", "outputs": tqdm_outputs()}]}
    html = str(render_notebook(nb, "nb"))
    assert OUTPUT_IDS.findall(html) == ["nb-c0-out-0", "nb-c0-out-1", "nb-c0-out-2"]


@pytest.mark.browser
def test_tqdm_loop_is_one_box_in_chromium(load_page) -> None:  # type: ignore[no-untyped-def]
    renderer = Renderer()
    page = load_page.open(renderer.render_page(render(tqdm_outputs(), "jupyter", "t", renderer)))
    boxes = page.evaluate("[...document.querySelectorAll('pre.bai-media-stream')].map(p => [p.innerText, p.getBoundingClientRect().height])")
    assert len(boxes) == 3 and boxes[1][0].startswith("100%") and boxes[1][1] < 40  # one line high


def test_relative_images_of_a_notebook_on_disk(tmp_path: Path) -> None:
    from bai_media.formats.localimages import FolderImages

    (tmp_path / "figures").mkdir()
    Image.new("RGB", (30, 20), "red").save(tmp_path / "figures" / "x.png")
    nb = {"nbformat": 4, "cells": [
        {"cell_type": "markdown", "source": "![fig](figures/x.png) <img src='figures/x.png' alt=h>"},
        {"cell_type": "code", "source": "", "outputs": [{"output_type": "display_data", "metadata": {},
                                                          "data": {"text/html": '<img src="./figures/x.png">'}}]}]}
    resolver = FolderImages(tmp_path)
    html = str(render(nb, "notebook", "nb", resolve=resolver))
    assert html.count('src="data:image/png;base64,iVBOR') == 3 and resolver.refused == []
    without = str(render(nb, "notebook", "nb"))  # no resolver: relative sources are dropped, not fetched
    assert "figures/x.png" not in without and "data:image/png" not in without


HOSTILE_SOURCES = [
    "</pre><script>__pwned(1)</script>",
    "</div></pre><img src=x onerror=__pwned(2)>",
    'x = "<svg onload=__pwned(3)>" + \'<a href="javascript:__pwned(4)">\'  # -->',
    "%%html\n<iframe srcdoc='<script>parent.__pwned(5)</script>'></iframe>\n<!-- <![CDATA[ ]]> &lt;b&gt; &amp;",
    "\0<scr\0ipt>__pwned(6)</script>\xa0\r\n\x0c\u2028\ufffe",
]
HOSTILE_LANGUAGES = ["python", "html", "javascript", "bash", "text", '"><img src=x onerror=__pwned(7)>', "</pre><script>__pwned(8)</script>"]


def test_highlighted_code_is_exactly_what_the_sanitizer_would_make(shared: Path) -> None:
    """Code cells skip re-sanitizing Pygments' output: the bytes must equal the sanitized ones
    (of Pygments' own lexers: ours try fewer rules for the same tokens)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    from bai_media.formats.jupyter import _highlight, join_text

    def plain_lexer(language: str) -> Lexer:
        try:
            return get_lexer_by_name(language, stripnl=False)
        except ClassNotFound:
            return TextLexer(stripnl=False)

    renderer = Renderer()
    sources = list(HOSTILE_SOURCES)
    for path in sorted((shared / "corpus" / "notebooks").glob("*.ipynb")):
        sources += [join_text(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    assert len(sources) > 300
    for language in HOSTILE_LANGUAGES:
        for source in sources:
            raw = highlight(source, plain_lexer(language), HtmlFormatter(cssclass="highlight"))
            assert str(_highlight(source, language, renderer)) == str(renderer.sanitize(raw)), (language, source[:80])


def test_highlighting_that_writes_other_markup_goes_through_the_sanitizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """If a lexer or formatter ever wrote anything but its own tags, the sanitizer takes over."""
    from bai_media.formats import jupyter

    forged = '<div class="highlight"><pre><span class="n" onclick="__pwned(1)">x</span><img src=x onerror=__pwned(2)></pre></div>'
    monkeypatch.setattr(jupyter, "highlight", lambda *args: forged)
    html = str(jupyter._highlight("x", "python", Renderer()))
    assert "x</span>" in html and "onerror" not in html and "onclick" not in html and active_content(html) == []


@pytest.mark.browser
def test_hostile_code_cells_and_language_stay_inert_in_chromium(load_page) -> None:  # type: ignore[no-untyped-def]
    from ..test_security_browser import DOM_AUDIT

    renderer = Renderer()
    cells = [{"cell_type": "code", "source": source, "outputs": [], "execution_count": 1} for source in HOSTILE_SOURCES]
    body = ""
    for i, language in enumerate(HOSTILE_LANGUAGES):
        nb = {"nbformat": 4, "metadata": {"language_info": {"name": language}}, "cells": cells}
        html = render_notebook(nb, f"nb{i}", renderer)
        assert active_content(str(html)) == []
        body += html
    page = load_page.open(renderer.render_page(body, title="hostile code"), wait_ms=800)
    page.evaluate("""() => { for (const el of document.querySelectorAll('pre, span, img, div')) {
        el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); } }""")
    page.page.wait_for_timeout(200)
    assert page.hits == [] and page.evaluate("window.__hits") == [] and page.dialogs == [] and page.blocked_requests == []
    assert page.evaluate(DOM_AUDIT) == []
    # The hostile source is shown as text, whole, in every code cell.
    texts = page.evaluate("[...document.querySelectorAll('div.highlight pre')].map(p => p.textContent)")
    assert len(texts) == len(HOSTILE_SOURCES) * len(HOSTILE_LANGUAGES)
    assert sum("</pre><script>__pwned(1)</script>" in t for t in texts) == len(HOSTILE_LANGUAGES)


def test_a_stream_as_a_list_of_lines_renders_as_one_str() -> None:
    """Lists of lines reach the terminal unjoined; escapes and \\r split across elements and
    outputs, and the notice of a cut middle, come out as from the joined text."""
    lines = [f"\x1b[3{i % 8}mline {i}\x1b[0m\r{'x' * (i % 7)}\n" for i in range(3_000)]
    lines[1500:1502] = ["\x1b[1;3", "4mbold blue from the cut middle "]
    lines[2000:2001] = ["\x1b]8;;https://e.org/", "x\x07", "link\x1b]8;;\x07\n"]
    lines.append("\x1b[")
    outputs = [{"output_type": "stream", "name": "stdout", "text": lines[:2500]},
               {"output_type": "stream", "name": "stdout", "text": lines[2500:]},
               {"output_type": "stream", "name": "stdout", "text": ["32mgreen\n", "\rlast"]}]
    joined = [{**output, "text": "".join(output["text"])} for output in outputs]
    renderer = Renderer(limits=Limits(text_chars=20_000))
    html = str(render(outputs, "jupyter", "s", renderer))
    assert html == str(render(joined, "jupyter", "s", renderer))
    assert "characters not shown" in html and '<span class="bai-ansi-fg-2">green</span>' in html
    assert html == str(renderer.handle_all([("stdout", [part for output in outputs for part in output["text"]])], "s"))


#: A small notebook's page fragment, byte for byte as the one-template layout wrote it before the
#: layout moved to placeholder-only templates.
PINNED_NOTEBOOK = {"nbformat": 4, "metadata": {"language_info": {"name": "python"}}, "cells": [
    {"cell_type": "markdown", "source": "# Title <b>&</b>"},
    {"cell_type": "code", "source": "x = 1\nx", "execution_count": 2, "outputs": [
        {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
        {"output_type": "execute_result", "execution_count": 2, "data": {"text/plain": "1"}, "metadata": {}}]},
    {"cell_type": "code", "source": "", "execution_count": None, "outputs": []},
    {"cell_type": "raw", "source": "<i>raw</i>"}]}
PINNED_HTML = (
    "<article class=\"bai-media-notebook\" data-result-id=\"nb\">\n"
    "<section class=\"bai-nb-cell bai-nb-markdown\">\n"
    "<div class=\"bai-nb-body\"><div class=\"bai-media\" data-result-id=\"nb-c0\"><div class=\"bai-media-item bai-media-text\" id=\"nb-c0-0\" data-type=\"text/markdown\" style=\"contain: paint\"><div class=\"bai-media-markdown\"><h1 id=\"user-content-Title-&amp;\">Title <b>&amp;</b><a class=\"anchor-link\" href=\"#user-content-Title-&amp;\" title=\"Link to this heading\" rel=\"noopener noreferrer nofollow\">¶</a></h1></div>\n"
    "</div></div></div>\n"
    "</section>\n"
    "<section class=\"bai-nb-cell bai-nb-code\">\n"
    "<div class=\"bai-nb-input\"><div class=\"bai-nb-prompt\">In&nbsp;[2]:</div><div class=\"bai-nb-source bai-media\"><div class=\"highlight\"><pre><span></span><span class=\"n\">x</span> <span class=\"o\">=</span> <span class=\"mi\">1</span>\n"
    "<span class=\"n\">x</span>\n"
    "</pre></div>\n"
    "</div></div>\n"
    "<div class=\"bai-nb-output\"><div class=\"bai-nb-prompt\">Out&nbsp;[2]:</div><div class=\"bai-nb-outputs\"><div class=\"bai-media\" data-result-id=\"nb-c1-out\"><div class=\"bai-media-item bai-media-stdout bai-media-stdout\" id=\"nb-c1-out-0\" data-type=\"stdout\" style=\"contain: paint\"><pre class=\"bai-media-stream bai-media-stream-stdout\">a\n"
    "b\n"
    "</pre></div><div class=\"bai-media-item bai-media-text\" id=\"nb-c1-out-1\" data-type=\"text/plain\" style=\"contain: paint\"><pre class=\"bai-media-stream bai-media-stream-text\">1</pre></div></div></div></div></section>\n"
    "<section class=\"bai-nb-cell bai-nb-code\">\n"
    "<div class=\"bai-nb-input\"><div class=\"bai-nb-prompt\">In&nbsp;[ ]:</div><div class=\"bai-nb-source bai-media\"><div class=\"highlight\"><pre><span></span>\n"
    "</pre></div>\n"
    "</div></div>\n"
    "</section>\n"
    "<section class=\"bai-nb-cell bai-nb-raw\">\n"
    "<div class=\"bai-nb-body\"><div class=\"bai-media\" data-result-id=\"nb-c3\"><div class=\"bai-media-item bai-media-text\" id=\"nb-c3-0\" data-type=\"text/plain\" style=\"contain: paint\"><pre class=\"bai-media-stream bai-media-stream-text\">&lt;i&gt;raw&lt;/i&gt;</pre></div></div></div>\n"
    "</section>\n"
    "</article>"
)


def test_a_notebook_page_keeps_its_bytes() -> None:
    assert str(render(PINNED_NOTEBOOK, name="nb", renderer=Renderer(cache=None))) == PINNED_HTML
