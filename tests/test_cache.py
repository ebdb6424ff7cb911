"""The render cache: stateless items rendered once per content and options, stateful ones never."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from bai_media import MediaItem, MediaResult, Renderer
from bai_media.context import Context
from bai_media.handlers import default_registry
from bai_media.store import RedisStore


def counting() -> tuple[Any, list[str]]:
    calls: list[str] = []

    def handler(item: MediaItem, ctx: Context[None]) -> Markup:
        calls.append(item.data)
        return ctx.sanitize(f"<b>{item.data}</b><script>x</script>")

    registry = default_registry()
    registry.register("text/x-counted", handler)
    return registry, calls


def test_a_stateless_item_is_rendered_once_per_content() -> None:
    registry, calls = counting()
    renderer = Renderer(registry=registry)
    first = renderer.handle_all([["text/x-counted", "a"], ["text/x-counted", "b"]], "r")
    again = renderer.handle_all([["text/x-counted", "a"], ["text/x-counted", "b"]], "r")
    assert first == again and calls == ["a", "b"] and "<script" not in first
    renderer.handle_all([["text/x-counted", "a", {"note": 1}]], "r")  # metadata is part of the content
    assert calls == ["a", "b", "a"]


def test_options_and_no_cache() -> None:
    registry, calls = counting()
    Renderer(registry=registry).handle_all([["text/x-counted", "a"]], "r")
    Renderer(registry=registry, sanitizer="bleach").handle_all([["text/x-counted", "a"]], "r")
    assert calls == ["a", "a"]  # each renderer its own LRU; different options never share keys
    uncached = Renderer(registry=registry, cache=None)
    uncached.handle_all([["text/x-counted", "a"]], "r")
    uncached.handle_all([["text/x-counted", "a"]], "r")
    assert calls == ["a"] * 4


def test_streams_and_canvas_deltas_are_never_cached() -> None:
    renderer = Renderer()
    result = MediaResult("r")
    result.extend([["stdout", "one\n"]], renderer=renderer)
    result.extend([["stdout", "one\n"]], renderer=renderer)
    assert "one\none\n" in str(result.html(renderer))
    assert renderer.handle_all([["stdout", "x"]], "a") == renderer.handle_all([["stdout", "x"]], "a")


def test_renderers_in_several_processes_share_a_redis_cache(redis_url: str) -> None:
    registry, calls = counting()
    store = RedisStore(redis_url, prefix="cache-test:")
    one = Renderer(registry=registry, cache=store).handle_all([["text/x-counted", "shared"]], "r")
    two = Renderer(registry=registry, cache=store).handle_all([["text/x-counted", "shared"]], "r")
    assert one == two and calls == ["shared"]
    store.client.close()


def test_unhashable_data_is_rendered_uncached() -> None:
    renderer = Renderer()
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    html = renderer.handle_all([["application/json", deep], ["application/json", [1]]], "r")
    assert html.count('class="bai-media-item') == 2
    assert renderer.cache is not None and len(renderer.cache.store._data) == 1  # type: ignore[attr-defined]  # only [1] kept


def test_nothing_is_cached_while_an_image_resolver_reads_files() -> None:
    from bai_media.sanitize import resolving_images

    renderer = Renderer()
    item = [["text/markdown", "![x](pic.png)"]]
    with resolving_images(lambda url: "data:image/png;base64,AAAA"):
        resolved = renderer.handle_all(item, "r")
    plain = renderer.handle_all(item, "r")
    assert "data:image/png;base64,AAAA" in resolved and "AAAA" not in plain
