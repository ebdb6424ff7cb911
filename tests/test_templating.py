"""The fast path for one-line templates renders exactly what Jinja renders."""

from __future__ import annotations

import re

import jinja2
import pytest
from hypothesis import given, strategies as st
from markupsafe import Markup, escape

from bai_media.renderer import Renderer
from bai_media.resources import templates_dir
from bai_media.state import RenderedItem
from bai_media.templating import compile_simple, escape_value

ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())), autoescape=True,
                         undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
values = st.one_of(st.text(), st.text().map(Markup), st.integers(), st.none(), st.floats(allow_nan=False))


@given(st.one_of(st.text(), st.integers(), st.text().map(Markup)))
def test_escape_value_is_markupsafe_escape(value: object) -> None:
    assert escape_value(value) == escape(value)


def test_shipped_one_line_templates_compile_and_others_stay_with_jinja() -> None:
    assert compile_simple((templates_dir() / "item.html").read_text()) is not None
    assert compile_simple((templates_dir() / "handlers" / "stream.html").read_text()) is not None
    assert compile_simple((templates_dir() / "handlers" / "json.html").read_text()) is None
    assert compile_simple("{{ x|upper }}") is None and compile_simple("{% if x %}{% endif %}") is None


@given(values, values, st.text(), st.text())
def test_item_and_stream_templates_render_as_jinja_does(a: object, b: object, c: str, d: str) -> None:
    item = RenderedItem(str(a), c * 50, d, Markup(str(b)), "r", 0)
    for name, context in (("item.html", {"item": item}), ("handlers/stream.html", {"name": a, "html": b}),
                          ("container.html", {"result_id": c * 40, "items": b})):
        source = ENV.loader.get_source(ENV, name)[0]  # type: ignore[union-attr]
        fast = compile_simple(source)
        assert fast is not None
        assert fast(**context) == ENV.get_template(name).render(**context), name


@given(st.text(alphabet="{}<>&'\"x \n", max_size=30), values)
def test_literal_text_with_braces_and_markup_characters_is_kept(text: str, value: object) -> None:
    source = text.replace("{{", "").replace("}}", "").replace("{%", "").replace("{#", "") + "{{ v }}" + text[::-1].replace("{{", "").replace("}}", "").replace("{%", "").replace("{#", "")
    fast = compile_simple(source)
    if fast is not None:
        assert fast(v=value) == jinja2.Environment(autoescape=True).from_string(source).render(v=value)


def test_an_overriding_template_of_any_shape_is_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "item.html").write_text('<section id="{{ item.element_id }}">{% if item.inner %}{{ item.inner }}{% endif %}</section>\n')
    html = Renderer(template_dirs=[tmp_path]).handle_all([("stdout", "hi\n")], "r")
    assert '<section id="r-0"><pre class="bai-media-stream bai-media-stream-stdout">hi\n</pre></section>' in html


@given(st.text())
def test_both_escapes_of_text_are_markupsafe_escape(text: str) -> None:
    from bai_media.templating import _escape_text, escape_text

    assert _escape_text(text) == escape_text(text) == escape(text)


class _Html:
    def __init__(self, html: object) -> None:
        self.html = html

    def __html__(self) -> object:
        return self.html


@given(st.text())
def test_objects_with_their_own_html_render_as_jinja_renders_them(text: str) -> None:
    source = "<p>{{ v }}</p>"
    fast = compile_simple(source)
    assert fast is not None
    for value in (_Html(text), _Html(Markup(text)), _Html(_Html(text)), 3.5, None):
        assert fast(v=value) == jinja2.Environment(autoescape=True).from_string(source).render(v=value)


def test_placeholders_named_like_keywords_or_helpers_stay_with_jinja() -> None:
    assert compile_simple("{{ class }}") is None and compile_simple("{{ a.if }}") is None
    assert compile_simple("{{ _text }}") is None and compile_simple("{{ _v0 }}") is None
    fast = compile_simple('<b data-type="{{ type }}">{{ str }}</b>')  # builtin names are fine
    assert fast is not None and fast(type="<x>", str="&") == '<b data-type="&lt;x&gt;">&amp;</b>'


class _Attrs:
    """A template value whose every attribute is ``value`` (``{{ item.classes }}`` and the like)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __getattr__(self, name: str) -> object:
        return self.value


#: Every shipped template that renders without Jinja (the per-item ones, pages, notebook layout).
SIMPLE = sorted(path.relative_to(templates_dir()).as_posix() for path in templates_dir().rglob("*.html")
                if compile_simple(path.read_text(encoding="utf-8")) is not None)


def test_the_page_and_notebook_templates_render_without_jinja() -> None:
    assert {"page.html", "notice.html", "notebook.html", "notebook_cell.html", "notebook_code.html",
            "notebook_outputs.html", "notebook_out_prompt.html"} <= set(SIMPLE)


@pytest.mark.parametrize("name", SIMPLE)
@given(text=st.text(alphabet="<>&'\"x\n ", max_size=20), markup=st.text(max_size=20).map(Markup))
def test_every_shipped_simple_template_renders_as_jinja_does(name: str, text: str, markup: Markup) -> None:
    source = (templates_dir() / name).read_text(encoding="utf-8")
    fast = compile_simple(source)
    assert fast is not None
    context: dict[str, object] = {}
    for number, found in enumerate(re.finditer(r"\{\{\s*(\w+)(\.)?", source)):
        value = text if number % 2 else markup
        context[found.group(1)] = _Attrs(value) if found.group(2) else value
    assert fast(**context) == ENV.get_template(name).render(**context), name
