"""The format registry: one list of formats for detection, rendering, sessions and the CLI."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from bai_media import Renderer
from bai_media.cli import main
from bai_media.formats import (
    FORMATS,
    BackendAISession,
    Format,
    FormatError,
    FormatRegistry,
    render,
)


def test_every_format_is_registered_in_detection_order() -> None:
    assert list(FORMATS) == ["notebook", "jupyter", "widgets", "media", "unklearn", "backendai"]
    assert FORMATS.default == "media"
    assert FORMATS["backendai"].session is BackendAISession and FORMATS["media"].session is None


def test_the_cli_offers_exactly_the_registered_formats() -> None:
    option = next(p for p in main.commands["render"].params if p.name == "fmt")
    assert list(option.type.choices) == ["auto", *FORMATS]  # type: ignore[attr-defined]
    bad = CliRunner().invoke(main, ["render", "-", "-f", "nope"], input="[]")
    assert bad.exit_code == 2 and "'nope' is not one of 'auto', 'notebook'" in bad.output


def test_unknown_names_and_second_registrations_are_refused() -> None:
    with pytest.raises(FormatError, match="unknown format 'nope'; choose one of auto, notebook, jupyter"):
        render([], "nope")
    with pytest.raises(FormatError, match="already registered"):
        FORMATS.register(FORMATS["media"])


def test_a_registry_detects_in_order_and_renders_through_its_format() -> None:
    formats = FormatRegistry(default="plain")

    def shout(obj: Any, name: str, renderer: Renderer) -> Markup:
        return renderer.handle_all([("text/plain", str(obj).upper())], name)

    formats.register(Format("shout", lambda obj: isinstance(obj, str), shout))
    formats.register(Format("later", lambda obj: True, shout))
    assert formats.detect("hi") == "shout" and formats.detect(1) == "later"
    formats.register(Format("later", lambda obj: False, shout), replace=True)
    assert formats.detect(1) == "plain" and len(formats) == 2
    assert ">HI<" in formats["shout"].render("hi", "r", Renderer())
