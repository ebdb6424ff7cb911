"""The handler contract: what a handler returns is checked, and it changes only its own element
and earlier elements of the same result through :class:`~bai_media.context.Output`."""

from __future__ import annotations

import re

from markupsafe import Markup

from bai_media import MediaItem, MediaResult, Output, Renderer
from bai_media.context import Context


def item_classes(html: str) -> dict[str, str]:
    return {eid: cls for cls, eid in re.findall(r'<div class="bai-media-item ([^"]*)" id="([^"]*)"', str(html))}


def renderer_with(handler) -> Renderer:  # type: ignore[no-untyped-def]
    renderer = Renderer()
    renderer.registry.register("application/x-test", handler)
    return renderer


def test_output_adds_classes_and_updates_earlier_elements_of_the_result() -> None:
    def handler(item: MediaItem, ctx: Context[None]) -> Output:
        target = f"{ctx.result_id}-0"
        updates = {target: Markup("<i>updated</i>")} if ctx.index and ctx.has_element(target) else {}
        return Output(Markup("<b>own</b>"), classes=("bai-media-Extra Class",), updates=updates)

    renderer = renderer_with(handler)
    result = MediaResult("r")
    result.render([("application/x-test", 1)], renderer=renderer)
    changed = result.extend([("application/x-test", 2)], renderer=renderer)
    assert list(item_classes(changed)) == ["r-0", "r-1"]
    assert "<i>updated</i>" in changed and item_classes(changed)["r-1"] == "bai-media-application bai-media-extra-class"


def test_updates_never_reach_another_result_id() -> None:
    renderer = renderer_with(lambda item, ctx: Output(Markup("x"), updates={"a-0": Markup("<i>hijack</i>")}))
    box = MediaResult("box")
    renderer.handle_all([("text/plain", "mine")], "a", box)
    renderer.handle_all([("application/x-test", "")], "b", box)
    assert "hijack" not in str(box.html(renderer)) and "mine" in box.html(renderer)


def test_unsafe_outputs_are_refused() -> None:
    for out in (Output("<b>str</b>"), Output(Markup("ok"), updates={"r-0": "<b>str</b>"}),  # type: ignore[arg-type,dict-item]
                Output(Markup("ok"), classes="not-a-tuple")):  # type: ignore[arg-type]
        html = renderer_with(lambda item, ctx, out=out: out).handle_all([("text/plain", "k"), ("application/x-test", 0)], "r")
        assert "<b>str</b>" not in html and "could not render this item (TypeError)" in html and "k" in html


def test_render_then_extend_starts_a_new_element() -> None:
    """Review bug: after render() replaced item 0, extend() wrote item 0's text into item 1."""
    result = MediaResult("s")
    result.render([("stdout", "A\n"), ("stdout", "B\n")])
    result.render([("stdout", "A2\n")])
    changed = result.extend([("stdout", "C\n")])
    assert list(item_classes(changed)) == ["s-2"]
    texts = re.findall(r'<pre class="bai-media-stream bai-media-stream-stdout">([^<]*)</pre>', str(result))
    assert texts == ["A2\n", "B\n", "C\n"]


def test_a_context_for_an_item_is_the_one_the_constructor_makes() -> None:
    renderer = Renderer()
    state, exists = object(), {"a"}.__contains__
    fast = Context.for_item(renderer, "r", 3, "r-3", True, state, exists, renderer.error_fragment)
    made = Context(renderer, result_id="r", index=3, element_id="r-3", continuing=True, state=state, exists=exists,
                   nested=renderer.error_fragment)
    for name in Context.__slots__:
        assert getattr(fast, name) == getattr(made, name), name
    assert fast.budget.left == renderer.limits.item_parts and fast.budget is fast.budget  # made once, when asked


def test_output_and_media_item_stay_frozen_dataclasses_with_their_defaults() -> None:
    import dataclasses

    import pytest

    out = Output(Markup("x"), classes=("c",))
    assert (out.updates, out.append) == ({}, None) and out.updates is not Output(Markup("x")).updates
    assert dataclasses.replace(out, append=Markup("y")) == Output(Markup("x"), ("c",), {}, Markup("y"))
    item = MediaItem(type="text/plain", data="x")
    assert item == MediaItem("text/plain", "x", {}, None) and item.metadata is not MediaItem("a", 1).metadata
    assert MediaItem("a", 1, None).metadata is None  # given values are kept as given
    for frozen, field in ((out, "html"), (item, "type")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(frozen, field, "z")
    assert MediaItem.coerce(("Text/Plain ", "x", None)) == MediaItem("text/plain", "x")
    assert MediaItem.coerce(["a", 1, "not a mapping"]).metadata == {}
