"""Registration: nothing replaces a handler by accident; plug-ins load only when asked."""

from __future__ import annotations

import logging

import jinja2
import pytest
from markupsafe import Markup

from bai_media import FALLBACK, Registry, RegistryError, Renderer
from bai_media.context import Context


def shout(item, ctx: Context[None]) -> Markup:  # type: ignore[no-untyped-def]
    return Markup("<b>replaced</b>")


def test_registering_a_taken_type_or_pattern_raises_unless_replace() -> None:
    registry = Renderer().registry
    with pytest.raises(RegistryError, match="text/html"):
        registry.register("text/html", shout)
    with pytest.raises(RegistryError, match=r"audio/\*"):
        registry.register("audio/*", shout)
    with pytest.raises(RegistryError, match="fallback"):
        registry.register(FALLBACK, shout)
    registry.register("text/html", shout, replace=True)
    registry.register(FALLBACK, shout, replace=True)
    renderer = Renderer(registry=registry)
    html = renderer.handle_all([("text/html", "<i>x</i>"), ("x/unknown", "")], "r")
    assert html.count("<b>replaced</b>") == 2


def test_the_fallback_is_registered_like_any_handler() -> None:
    registry = Registry()
    assert registry.fallback is None
    registry.register(FALLBACK, shout)
    assert registry.fallback is not None and registry.fallback.handler is shout
    assert registry.lookup(FALLBACK) is None and registry.pick({"x/y": 1}) == "x/y"


class FakeEntryPoint:
    def __init__(self, name: str, register) -> None:  # type: ignore[no-untyped-def]
        self.name = name
        self._register = register

    def load(self):  # type: ignore[no-untyped-def]
        return self._register


def plugin(registry: Registry) -> None:
    registry.add_templates("demo", jinja2.DictLoader({"demo.html": "<i class='demo'>{{ text }}</i>"}))
    registry.register("application/x-demo", lambda item, ctx: ctx.render("demo/demo.html", text=item.data))


def broken_plugin(registry: Registry) -> None:
    raise RuntimeError("broken plug-in")


def test_plugins_load_when_asked_are_logged_and_ship_templates(monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    eps = [FakeEntryPoint("demo", plugin), FakeEntryPoint("broken", broken_plugin)]
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: eps if group == "bai_media.handlers" else [])
    assert "class='demo'" not in Renderer().handle_all([("application/x-demo", "<x>")], "r")
    with caplog.at_level(logging.INFO, logger="bai_media.registry"):
        html = Renderer(plugins=True).handle_all([("application/x-demo", "<x>")], "r")
    assert "<i class='demo'>&lt;x&gt;</i>" in html
    messages = [rec.getMessage() for rec in caplog.records]
    assert "bai-media: loaded handler plug-in demo" in messages
    assert any("broken" in m and "skipped" in m for m in messages)
    assert Renderer(plugins=["demo"]).registry.lookup("application/x-demo") is not None
    with pytest.raises(RegistryError, match="'missing'"):
        Renderer(plugins=["missing"])


def test_plugin_templates_cannot_shadow_built_in_ones() -> None:
    registry = Renderer().registry
    registry.add_templates("handlers", jinja2.DictLoader({"unknown.html": "<p>hijacked</p>"}))
    html = Renderer(registry=registry).handle_all([("x/y", "")], "r")
    assert "hijacked" not in html and "x/y" in html
