"""HTML outputs: kernel <style> rules inlined and scoped, JupyterLab's table layout, alert boxes,
side-by-side floats, iframes as links, and script-only HTML falling back, checked in Chromium."""

from __future__ import annotations

import time

import pytest
from markupsafe import Markup

from bai_media import Renderer, handle_all
from bai_media.formats import render
from bai_media.handlers.html import inline_styles, style_cost
from bai_media.limits import Limits
from bai_media.renderer import default_renderer
from tests.html_checks import active_content

# What pandas 3.1 Styler writes for df.style.background_gradient().bar(subset=["b"]) (trimmed).
STYLER = """<style type="text/css">
#T_ab12_row0_col0 { background-color: #fff7fb; color: #000000; }
#T_ab12_row1_col0, #T_ab12_row0_col1 { background-color: #023858; color: #f1f1f1; }
#T_ab12_row1_col1 { background-color: #fff7fb; color: #000000; width: 10em; background: linear-gradient(90deg, #d65f5f 50.0%, transparent 50.0%); }
#T_ab12 th { font-style: italic; }
</style>
<table id="T_ab12">
  <thead><tr><th class="blank level0">&nbsp;</th><th id="T_ab12_level0_col0" class="col_heading level0 col0">a</th><th id="T_ab12_level0_col1" class="col_heading level0 col1">b</th></tr></thead>
  <tbody>
    <tr><th id="T_ab12_level0_row0" class="row_heading level0 row0">0</th><td id="T_ab12_row0_col0" class="data row0 col0">1</td><td id="T_ab12_row0_col1" class="data row0 col1">0.5</td></tr>
    <tr><th id="T_ab12_level0_row1" class="row_heading level0 row1">1</th><td id="T_ab12_row1_col0" class="data row1 col0">22</td><td id="T_ab12_row1_col1" class="data row1 col1">1.25</td></tr>
  </tbody>
</table>"""

HOSTILE_STYLE = """<style>
body, html, :root, main, .host, #host { background: rgb(255, 0, 0) !important; color: rgb(255, 0, 0) !important; }
.bai-media-item { display: none !important; }
p { color: rgb(0, 128, 0); background: url(http://evil.example/x.png); position: fixed; top: 0; }
@import url(http://evil.example/a.css);
@font-face { font-family: x; src: url(http://evil.example/f.woff); }
</style><link rel="stylesheet" href="http://evil.example/b.css"><p>kernel text</p>"""


def page(body: str, *, dark: bool = False) -> str:
    host = '<p class="host" id="host">host text</p>'
    return default_renderer().render_page(Markup(host + body), title="t").replace('<body class="bai-media-page">', f'<body class="bai-media-page{" bai-media-dark" if dark else ""}">')


def test_styler_rules_reach_their_cells_and_pass_the_style_allowlist() -> None:
    html = str(handle_all([("text/html", STYLER)], "s"))
    assert "<style" not in html and active_content(html) == []
    assert 'id="user-content-T_ab12_row0_col0" style="background-color: #fff7fb; color: #000000;"' in html
    assert "linear-gradient(90deg, #d65f5f 50.0%, transparent 50.0%)" in html


def test_kernel_css_cannot_reach_the_host_page_or_fetch(load_page) -> None:  # type: ignore[no-untyped-def]
    fragment = handle_all([("text/html", HOSTILE_STYLE)], "k")
    assert "evil" not in str(fragment) and active_content(str(fragment)) == []
    report = load_page.open(page(str(fragment)))
    styles = report.evaluate("""() => {
      const s = e => getComputedStyle(e);
      const host = document.getElementById('host'), kernel = document.querySelector('.bai-media-html p');
      return {body: s(document.body).backgroundColor, host: s(host).color, item: s(document.querySelector('.bai-media-item')).display,
              kernel: s(kernel).color, position: s(kernel).position};
    }""")
    assert styles["body"] != "rgb(255, 0, 0)" and styles["host"] != "rgb(255, 0, 0)"
    assert styles["item"] != "none" and styles["position"] == "static"
    assert styles["kernel"] == "rgb(0, 128, 0)"  # the kernel's own element did get its allowed rule
    assert report.blocked_requests == [] and report.hits == []


@pytest.mark.parametrize("dark", [False, True])
def test_styler_table_in_chromium_looks_as_in_jupyterlab(load_page, dark: bool) -> None:  # type: ignore[no-untyped-def]
    report = load_page.open(page(str(handle_all([("text/html", STYLER)], "s")), dark=dark), color_scheme="dark" if dark else "light")
    cells = report.evaluate("""() => [...document.querySelectorAll('.bai-media-html td, .bai-media-html th')].map(c => {
      const s = getComputedStyle(c); return [c.tagName + c.textContent, s.textAlign, s.backgroundColor, s.backgroundImage, s.fontStyle, s.color];
    })""")
    by_text = {c[0]: c[1:] for c in cells}
    assert all(align == "right" for align, *_ in by_text.values())
    assert by_text["TD1"][1] == "rgb(255, 247, 251)" and by_text["TD22"][1] == "rgb(2, 56, 88)"
    assert "linear-gradient" in by_text["TD1.25"][2]
    assert by_text["THa"][3] == "italic"
    thead = report.evaluate("getComputedStyle(document.querySelector('.bai-media-html thead')).borderBottomStyle")
    assert thead == "solid"
    text = report.evaluate("getComputedStyle(document.querySelector('.bai-media-html th.row_heading')).color")
    channels = [int(v) for v in text[text.index("(") + 1:-1].split(",")[:3]]
    assert (min(channels) > 150) if dark else (max(channels) < 100), text


@pytest.mark.parametrize("dark", [False, True])
def test_alert_boxes_keep_their_styling(load_page, dark: bool) -> None:  # type: ignore[no-untyped-def]
    items = [("text/html", '<div class="alert alert-warning"><b>Note</b> careful</div>'),
             ("text/markdown", '<div class="alert alert-block alert-info">info box</div>')]
    report = load_page.open(page(str(handle_all(items, "a")), dark=dark), color_scheme="dark" if dark else "light")
    boxes = report.evaluate("""() => [...document.querySelectorAll('.alert')].map(a => {
      const s = getComputedStyle(a); return [s.backgroundColor, s.color, s.borderTopStyle, parseFloat(s.paddingTop)];
    })""")
    page_bg = report.evaluate("getComputedStyle(document.body).backgroundColor")
    assert len(boxes) == 2 and boxes[0][0] != boxes[1][0]
    for background, color, border, padding in boxes:
        assert background not in (page_bg, "rgba(0, 0, 0, 0)") and color != background and border == "solid" and padding > 4


def test_float_left_tables_sit_side_by_side_inside_their_output(load_page) -> None:  # type: ignore[no-untyped-def]
    table = '<table style="float: left; margin-right: 20px"><tr><td>1</td></tr><tr><td>2</td></tr></table>'
    items = [("text/html", table * 2), ("text/plain", "after")]
    report = load_page.open(page(str(handle_all(items, "f"))))
    boxes = report.evaluate("""() => [...document.querySelectorAll('.bai-media-html table')].map(t => {
      const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
    item = report.evaluate("(() => { const r = document.getElementById('f-0').getBoundingClientRect(); return [r.top, r.bottom]; })()")
    after = report.evaluate("document.getElementById('f-1').getBoundingClientRect().top")
    (l1, t1, r1, b1), (l2, t2, _, b2) = boxes
    assert t1 == t2 and l2 >= r1 + 19
    assert item[1] >= max(b1, b2) and after >= max(b1, b2), "the floats escaped their output"


def test_iframe_becomes_a_link_with_a_notice(load_page) -> None:  # type: ignore[no-untyped-def]
    items = [("text/html", '<iframe width="400" height="300" src="https://example.com/map?x=1&amp;y=2" frameborder="0"></iframe>'),
             ("text/html", '<iframe src="javascript:alert(1)"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>')]
    html = str(handle_all(items, "i"))
    assert active_content(html) == []
    report = load_page.open(page(html))
    links = report.evaluate("[...document.querySelectorAll('.bai-media-frame a')].map(a => a.href)")
    notices = report.evaluate("[...document.querySelectorAll('.bai-media-frame')].map(n => n.innerText)")
    assert links == ["https://example.com/map?x=1&y=2"]
    assert len(notices) == 3 and "javascript:alert(1)" in notices[1] and "an inline document" in notices[2]
    assert report.evaluate("document.querySelectorAll('iframe').length") == 0 and report.hits == []


def test_script_only_html_falls_back_to_the_next_representation() -> None:
    altair = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
              "data": {"text/html": '<style>#altair-viz-1.vega-embed { width: 100%; }</style><div id="altair-viz-1"></div>'
                                    '<script type="text/javascript">vegaEmbed("#altair-viz-1", spec)</script>',
                       "text/plain": "alt.Chart(...)"}}
    bokeh = {"output_type": "display_data", "metadata": {"application/vnd.bokehjs_exec.v0+json": {"id": "p1"}},
             "data": {"text/html": '<div class="bk-root" id="p1"></div>', "application/javascript": "Bokeh.embed()",
                      "application/vnd.bokehjs_exec.v0+json": ""}}
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    with_image = {"output_type": "display_data", "metadata": {},
                  "data": {"text/html": "<script>draw()</script>", "image/png": png, "text/plain": "<Figure>"}}
    html = str(render([altair, bokeh, with_image], "jupyter", "o"))
    # Bokeh's own type outranks its placeholder HTML and says what it is (handlers/fallback.py).
    assert html.count("Interactive content was removed") == 2 and "Bokeh plot (<code>application/vnd.bokehjs_exec.v0+json</code>)" in html
    assert "alt.Chart(...)" in html and 'src="data:image/png;base64,' in html and "&lt;Figure&gt;" not in html
    assert "vegaEmbed" not in html and "Bokeh.embed" not in html


def test_plain_handle_all_script_only_html_shows_a_notice() -> None:
    html = str(handle_all([("text/html", "<script>x()</script>"), ("text/html", "<b>kept</b><script>x()</script>")], "p"))
    assert html.count("bai-media-notice") == 1 and "<b>kept</b>" in html


def test_style_inlining_is_bounded_with_a_notice() -> None:
    nth = ",".join(f":not(:nth-child({i}n+1)) p" for i in range(1, 2000))
    hostile = f"<style>{nth} {{ color: red }}</style>" + "<div>" * 20 + "<p>a</p>" * 20_000
    start = time.perf_counter()
    html = str(handle_all([("text/html", hostile)], "b"))
    assert time.perf_counter() - start < 60  # inlining this would take minutes; refusing takes a fraction
    assert "style rules were not applied" in html and "color: red" not in html and html.count("<p>a</p>") == 20_000
    styler_like = "<style>" + "".join(f"#c{i} {{ color: red }}" for i in range(5000)) + "</style>" + "".join(
        f'<td id="c{i}">{i}</td>' for i in range(5000))
    assert style_cost(styler_like).matching < Limits().style_matching  # per-cell id rules cost one match each
    assert inline_styles(styler_like, Limits())[1] is None
    small = Renderer(limits=Limits(style_matching=10))
    assert "style rules were not applied" in str(small.handle_all([("text/html", STYLER)], "s"))
    # Few selectors, but each copies long declarations into every element: the output is bounded.
    blowup = "<style>* { " + "color: red; " * 2000 + "}</style>" + "<p>x</p>" * 2000
    assert style_cost(blowup).added > Limits().html_chars
    assert "style rules were not applied" in str(handle_all([("text/html", blowup)], "b"))


def test_style_cost_counts_hostile_shapes() -> None:
    page = "<p id=a>x</p>" * 1000
    assert style_cost("<style>#a { color: red }</style>" + page) == (1 + 1000, 1000 * len(" color: red "))  # all carry id a
    assert style_cost("<style>p { color: red }</style>" + page).matching == 2002
    assert style_cost("<style>div p, a > b { }</style>" + page).matching == 2 * 2002 * 2
    assert style_cost("<style>p:first-child { }</style>" + page).matching == 2002 * 11
    assert style_cost("<style>@media print { p { } }</style>" + page).matching == 2002
    assert style_cost("no style " * 10) == (0, 0)


def test_truncation_notice_counts_the_hidden_tail_too() -> None:
    """Review bug: 1,000 characters at a 300 limit showed 200 and said 700 were hidden."""
    html = Renderer(limits=Limits(html_chars=300)).handle_all([("text/html", "a" * 200 + "b" * 800)], "r")
    assert "a" * 200 in html and "b" * 10 not in html
    assert "800 characters of HTML not shown" in html
