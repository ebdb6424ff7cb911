"""handle_all, MediaResult and the registry: shapes, ids, isolation, update in place."""

from __future__ import annotations

import logging
import re

import pytest
from markupsafe import Markup

from bai_media import MediaItem, MediaResult, Registry, Renderer, handle_all
from bai_media.context import Context

ITEMS = [("text/plain", "hello"), ("text/html", "<b>bold</b>"), ("stdout", "out\n")]


def item_divs(html: str) -> list[str]:
    return re.findall(r'<div class="bai-media-item [^"]*" id="([^"]*)"', str(html))


def test_returns_markup_with_one_element_per_item() -> None:
    html = handle_all(ITEMS, "r1")
    assert isinstance(html, Markup)
    assert html.startswith('<div class="bai-media" data-result-id="r1">')
    assert item_divs(html) == ["r1-0", "r1-1", "r1-2"]


def test_tuples_lists_and_dicts_render_identically() -> None:
    as_tuples = handle_all(ITEMS, "r")
    as_lists = handle_all([list(i) for i in ITEMS], "r")
    as_dicts = handle_all([{"type": t, "data": d} for t, d in ITEMS], "r")
    assert as_tuples == as_lists == as_dicts


@pytest.mark.parametrize(
    "bad",
    [None, 5, "text/plain", ("text/plain",), ("a", "b", "c", "d"), {"type": "text/plain"}, (3, "x"),
     ("text/plain", {"a": 1}), ("text/plain", None), ("text/html", 3.5), ("stdout", ["a", 1])],
)
def test_a_bad_item_among_good_ones_yields_exactly_one_error(bad: object) -> None:
    html = handle_all([ITEMS[0], bad, ITEMS[1]], "r")
    assert item_divs(html) == ["r-0", "r-1", "r-2"]
    assert html.count('class="bai-media-error"') == 1
    assert "hello" in html and "<b>bold</b>" in html


@pytest.mark.parametrize("media", [None, "text", b"bytes", {"type": "text/plain", "data": "x"}, 42, object()])
def test_media_that_is_not_a_list_is_one_visible_error(media: object) -> None:
    html = handle_all(media, "r")
    assert item_divs(html) == ["r-0"]
    assert "media must be a list" in html


def test_generators_are_accepted() -> None:
    assert item_divs(handle_all((i for i in ITEMS), "g")) == ["g-0", "g-1", "g-2"]


def test_unknown_types_are_a_visible_notice_with_size() -> None:
    html = handle_all([("application/x-made-up", "abcdef")], "r")
    assert "No renderer for media type <code>application/x-made-up</code> (6 characters)" in html


def test_result_ids_are_made_safe_and_escaped() -> None:
    html = handle_all([("text/plain", "x")], '"><script>alert(1)</script>')
    assert "<script>" not in html
    assert 'id="___script_alert_1___script_-0"' in html
    assert 'data-result-id="&#34;&gt;&lt;script&gt;' in html


def test_hostile_type_strings_are_escaped_everywhere() -> None:
    html = handle_all([('x/y" onclick="alert(1)', "d"), ("<img src=x>", "d")], "r")
    assert 'onclick="' not in html and "<img" not in html


def test_handler_exceptions_are_isolated_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    def broken(item: MediaItem, ctx: Context[None]) -> Markup:
        raise RuntimeError("boom with <secret>")

    renderer = Renderer()
    renderer.registry.register("application/x-broken", broken)
    with caplog.at_level(logging.ERROR, logger="bai_media"):
        html = renderer.handle_all([("application/x-broken", 1), ("text/plain", "still here")], "r")
    assert "could not render this item (RuntimeError)" in html
    assert "<secret>" not in html and "still here" in html
    assert any("application/x-broken" in rec.getMessage() for rec in caplog.records)


def test_a_handler_returning_plain_str_is_refused() -> None:
    renderer = Renderer()
    renderer.registry.register("application/x-str", lambda item, ctx: "<b>unsafe</b>")  # type: ignore[arg-type,return-value]
    html = renderer.handle_all([("application/x-str", "")], "r")
    assert "<b>unsafe</b>" not in html and "bai-media-error" in html


def test_container_updates_in_place_and_appends() -> None:
    result = MediaResult("run")
    handle_all([("text/plain", "a"), ("text/plain", "b")], "run", result)
    changed = result.render([("text/plain", "A"), ("text/plain", "B"), ("text/plain", "C")])
    assert item_divs(changed) == ["run-0", "run-1", "run-2"]
    whole = str(result)
    assert item_divs(whole) == ["run-0", "run-1", "run-2"]
    assert ">A<" in whole and ">a<" not in whole


def test_extend_appends_and_continues_streams() -> None:
    result = MediaResult("s")
    result.extend([("stdout", "progress  0%\r")])
    result.extend([("stdout", "progress 50%\r"), ("stdout", "progress 100%\n")])
    changed = result.extend([("stderr", "warn\n"), ("stdout", "done\n")])
    assert item_divs(changed) == ["s-1", "s-2"]
    whole = str(result)
    assert item_divs(whole) == ["s-0", "s-1", "s-2"]
    assert "progress 100%" in whole and "50%" not in whole


def test_stream_colour_continues_across_items() -> None:
    html = handle_all([("stdout", "\x1b[31mred starts\n"), ("stdout", "still red\n")], "c")
    assert html.count('class="bai-ansi-fg-1"') == 2


def test_container_holds_items_of_several_result_ids() -> None:
    box = MediaResult("box")
    handle_all([("text/plain", "one")], "a", box)
    handle_all([("text/plain", "two")], "b", box)
    assert item_divs(str(box)) == ["a-0", "b-0"]


def test_registry_prefers_exact_then_longest_pattern() -> None:
    registry = Registry()
    star = lambda item, ctx: Markup("star")  # noqa: E731
    image = lambda item, ctx: Markup("image")  # noqa: E731
    png = lambda item, ctx: Markup("png")  # noqa: E731
    registry.register("*", star)
    registry.register("image/*", image)
    registry.register("image/png", png)
    assert registry.lookup("image/png").handler is png  # type: ignore[union-attr]
    assert registry.lookup("image/gif").handler is image  # type: ignore[union-attr]
    assert registry.lookup("text/x").handler is star  # type: ignore[union-attr]


def test_bundle_pick_prefers_safe_rich_types() -> None:
    registry = Renderer().registry
    assert registry.pick({"text/plain": "x", "text/html": "<b>"}) == "text/html"
    assert registry.pick({"text/plain": "x", "application/javascript": "a()"}) == "text/plain"
    assert registry.pick({"application/x-unknown": 1}) == "application/x-unknown"
    assert registry.pick({}) is None


def test_user_templates_override_shipped_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "unknown.html").write_text("<p class='mine'>{{ type }}</p>")
    html = Renderer(template_dirs=[tmp_path]).handle_all([("x/y", "")], "r")
    assert "<p class='mine'>x/y</p>" in html


def test_text_limit_truncates_visibly() -> None:
    from bai_media import Limits

    html = Renderer(limits=Limits(text_chars=300)).handle_all([("stdout", "".join(f"line {i}\n" for i in range(1000)))], "r")
    assert "line 0\n" in html and "line 999" in html and "line 500" not in html
    assert "characters not shown" in html


def test_plugins_register_through_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:

    class EntryPoint:
        name = "demo"

        def load(self):  # type: ignore[no-untyped-def]
            return lambda reg: reg.register("application/x-demo", lambda item, ctx: Markup("<i>demo</i>"))

    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: [EntryPoint()] if group == "bai_media.handlers" else [])
    assert "<i>demo</i>" not in Renderer().handle_all([("application/x-demo", "")], "r")  # only when asked
    assert "<i>demo</i>" in Renderer(plugins=True).handle_all([("application/x-demo", "")], "r")
    assert "<i>demo</i>" in Renderer(plugins=["demo"]).handle_all([("application/x-demo", "")], "r")


def test_items_beyond_the_result_limit_become_one_notice() -> None:
    from bai_media import Limits

    html = Renderer(limits=Limits(result_items=5)).handle_all([("text/plain", str(i)) for i in range(12)], "r")
    assert item_divs(html) == [f"r-{i}" for i in range(6)]
    assert "7 more items not rendered: a result holds at most 5" in html


def test_nested_items_are_bounded_and_isolated() -> None:
    """render_item: an item drawn inside another goes through the registry, errors stay inside."""
    from bai_media.items import MediaItem
    from bai_media.limits import Limits
    from bai_media.registry import Registry

    registry = Registry()
    registry.register("x/nest", lambda item, ctx: ctx.render_item(MediaItem("x/nest", item.data)))
    registry.register("x/bad", lambda item, ctx: ctx.render_item(MediaItem("image/png", "not an image")))
    from bai_media.handlers import images

    images.register(registry)
    html = str(Renderer(registry=registry, limits=Limits(nesting=5)).handle_all([("x/nest", 1), ("x/bad", 2)], "n"))
    assert html.count('class="bai-media-nested') == 5 + 1
    assert "nested more than 5 deep" in html and "the data is not valid base64" in html
    assert 'id="n-1"' in html  # the second item is there and carries its own error inside


def test_template_names_cannot_leave_the_template_folders(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import jinja2

    (tmp_path / "mine").mkdir()
    (tmp_path / "secret.html").write_text("SECRET {{ x }}")
    renderer = Renderer(template_dirs=[tmp_path / "mine"])
    for name in ("../secret.html", "handlers/../../secret.html", "./../secret.html", "/secret.html", ""):
        with pytest.raises(jinja2.TemplateNotFound):
            renderer.render_template(name, x=1)


def test_a_user_folder_overrides_a_template_that_needs_jinja(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "error.html").write_text("{% if message %}<p class='mine'>{{ message }}</p>{% endif %}")
    assert "<p class='mine'>bad &lt;x&gt;</p>" in Renderer(template_dirs=[tmp_path]).error_fragment("bad <x>")
