"""JSON trees: escaped, collapsible, bounded."""

from __future__ import annotations

import json

import pytest

from bai_media import Limits, Renderer, handle_all
from bai_media.renderer import default_renderer


def test_tree_with_details_and_escaping() -> None:
    html = handle_all([("application/json", {"a": [1, True, None, "</script><b>"], "k<": {"n": 1.5}})], "j")
    assert "<details" in html and "<summary>" in html
    assert "&lt;/script&gt;&lt;b&gt;" in html and "k&lt;" in html and "</script>" not in html
    assert '<span class="bai-json-bool">true</span>' in html and '<span class="bai-json-null">null</span>' in html


def test_string_and_vendor_json() -> None:
    html = handle_all([("application/vnd.example+json", '{"x": [1, 2]}'), ("application/json", "{bad")], "j")
    assert '<span class="bai-json-number">2</span>' in html
    assert "not valid JSON" in html


def test_node_and_depth_limits_show_what_is_cut() -> None:
    renderer = Renderer(limits=Limits(json_nodes=50, json_depth=3))
    html = renderer.handle_all([("application/json", list(range(1000))), ("application/json", {"a": {"b": {"c": {"d": {}}}}})], "j")
    assert "more not shown" in html
    assert html.count('<li class="bai-json-more">') == 2


def test_deep_nesting_and_a_million_elements_do_not_break() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    huge = json.dumps(list(range(1_000_000)))
    html = handle_all([("application/json", deep), ("application/json", huge), ("text/plain", "ok")], "j")
    assert "ok" in html and "nested too deeply" in html
    assert "980,001 more not shown"  # 20,000 nodes: the root and 19,999 items in html


def test_counts_are_worded_in_the_singular_and_plural() -> None:
    html = str(handle_all([("application/json", {"one": {"k": 1}, "two": [1, 2], "single": [0], "none": {}})], "j"))
    assert ">1 key<" in html and ">1 item<" in html and ">2 items<" in html and ">0 keys<" in html and ">4 keys<" in html


@pytest.mark.browser
def test_collapsed_nodes_close_with_their_own_bracket(load_page) -> None:  # type: ignore[no-untyped-def]
    page = default_renderer().render_page(handle_all([("application/json", {"list": [1, 2, 3, 4], "map": {"a": 1}})], "j"))
    report = load_page.open(page)
    closers = report.evaluate("""[...document.querySelectorAll('details details')].map(d => (d.open = false,
        [d.querySelector('summary').innerText, getComputedStyle(d.querySelector('summary'), '::after').content]))""")
    assert closers == [["list: [4 items", '" … ]"'], ["map: {1 key", '" … }"']]
