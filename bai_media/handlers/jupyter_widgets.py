"""ipywidgets drawn statically from the state a notebook saved (widget state schema v2).

A widget view names a model; the models live in the notebook's ``metadata.widgets`` and reach
this handler as data in the item's metadata (the Jupyter adapter puts them there). Controls are
shown disabled with their saved values, layouts nest their children, HTML values go through the
one sanitizer policy and an Output widget's outputs through the normal pipeline. The model graph
is hostile data: cycles, depth and the number of views drawn are bounded, with visible notices.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

from ..context import Context, Output
from ..items import MediaItem
from ..mediatypes import WIDGET_STATE, WIDGET_VIEW
from ..registry import Registry
from .fallback import substitute

REF = "IPY_MODEL_"
STYLES = {"primary", "success", "info", "warning", "danger"}
IMAGE_FORMATS = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
                 "webp": "image/webp", "svg+xml": "image/svg+xml", "svg": "image/svg+xml"}
_READOUT = re.compile(r"^\.?\d{0,2}[dfe%]?$")
TEXT_CHARS = 100_000
OPTIONS = 1_000


class _Walk:
    """One drawing of a model graph: the models and the current path (for cycles and depth)."""

    def __init__(self, ctx: Context[None], models: Mapping[str, Any]) -> None:
        self.ctx = ctx
        self.models = models
        self.path: list[str] = []

    def notice(self, message: str) -> Markup:
        return self.ctx.render("handlers/widgets/notice.html", message=message)

    def model(self, model_id: str) -> tuple[str, Mapping[str, Any], Mapping[str, Any]] | None:
        model = self.models.get(model_id)
        if not isinstance(model, Mapping) or not isinstance(model.get("state"), Mapping):
            return None
        return str(model.get("model_name") or "")[:100], model["state"], model

    def draw(self, model_id: Any) -> Markup:
        """The view of one model, or a notice saying why it is not drawn."""
        if not isinstance(model_id, str):
            return self.notice("a widget reference that is not a model id")
        model_id = model_id.removeprefix(REF)[:200]
        if model_id in self.path:
            return self.notice("a widget that contains itself (not drawn again)")
        if len(self.path) >= self.ctx.limits.widget_depth:
            return self.notice(f"widgets nested more than {self.ctx.limits.widget_depth} deep are not shown")
        found = self.model(model_id)
        if found is None:
            return self.notice("a widget whose state was not saved")
        name, state, model = found
        draw = VIEWS.get(name)
        if draw is None:
            return self.notice(f"a {name or 'nameless'} widget, which has no static view")
        if not self.ctx.budget.take():  # shared with Output widgets' nested items: nesting cannot multiply it
            return self.notice(f"more widgets: one output draws at most {self.ctx.limits.item_parts:,} parts")
        self.path.append(model_id)
        try:
            return draw(self, state, model)
        finally:
            self.path.pop()

    def template(self, name: str, state: Mapping[str, Any], **values: Any) -> Markup:
        return self.ctx.render(f"handlers/widgets/{name}.html", description=text(state.get("description"), 500),
                               tooltip=text(state.get("tooltip"), 500), **values)


def text(value: Any, limit: int = TEXT_CHARS) -> str:
    return value[:limit] if isinstance(value, str) else ""


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def attr(value: float) -> str:
    """A number as an HTML attribute value: ``7`` rather than ``7.0``."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def style(state: Mapping[str, Any], key: str) -> str:
    value = state.get(key)
    return value if value in STYLES else ""


def readout(value: float, fmt: Any, integer: bool) -> str:
    if integer:
        return str(int(value))
    spec = fmt if isinstance(fmt, str) and _READOUT.match(fmt) else ".2f"
    try:
        return format(value, spec.replace("d", "f") if "d" in spec else spec)
    except ValueError:
        return f"{value:.2f}"


def _slider(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    integer = "Int" in str(model.get("model_name"))
    low, high = number(state.get("min")) or 0.0, number(state.get("max"))
    high = 100.0 if high is None else high
    value = number(state.get("value"))
    step = number(state.get("step"))
    value = low if value is None else value
    return walk.template(
        "slider", state, min=attr(low), max=attr(high), value=attr(value), step=attr(step) if step and step > 0 else "any",
        readout=readout(value, state.get("readout_format"), integer) if state.get("readout", True) else None,
        vertical=state.get("orientation") == "vertical",
    )


def _progress(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    low, high = number(state.get("min")) or 0.0, number(state.get("max"))
    high = 100.0 if high is None else high
    value = number(state.get("value"))
    value = low if value is None else min(max(value, low), high)
    span = high - low
    return walk.template("progress", state, value=attr(value - low), max=attr(span) if span > 0 else "1",
                         percent=round(100 * (value - low) / span) if span > 0 else 0, bar_style=style(state, "bar_style"))


def _checkbox(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    return walk.template("checkbox", state, checked=state.get("value") is True)


def _text(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    name = str(model.get("model_name"))
    if name == "PasswordModel":  # a saved password is never shown
        value = "•" * min(len(text(state.get("value"))), 40)
    else:
        value = text(state.get("value"))
    return walk.template("textarea" if name == "TextareaModel" else "text", state, value=value,
                         placeholder=text(state.get("placeholder"), 500))


def _select(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    labels = state.get("_options_labels")
    options = [str(label)[:500] for label in labels[:OPTIONS]] if isinstance(labels, list) else []
    index = state.get("index")
    chosen = {i for i in (index if isinstance(index, list) else [index]) if isinstance(i, int) and not isinstance(i, bool)}
    name = str(model.get("model_name"))
    rows = state.get("rows")
    size = None if name == "DropdownModel" else (rows if isinstance(rows, int) and 0 < rows <= 50 else min(max(len(options), 2), 10))
    return walk.template("select", state, options=list(enumerate(options)), chosen=chosen, size=size,
                         multiple=name == "SelectMultipleModel", more=len(labels) - OPTIONS if isinstance(labels, list) and len(labels) > OPTIONS else 0)


def _button(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    return walk.template("button", state, button_style=style(state, "button_style"))


def _label(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    return walk.template("label", state, value=text(state.get("value")))


def _html(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    return walk.template("html", state, html=walk.ctx.sanitize(text(state.get("value"), walk.ctx.limits.html_chars)))


def _image(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    mime = IMAGE_FORMATS.get(str(state.get("format")).lower())
    payload = state.get("value")
    buffers = model.get("buffers")
    for buffer in buffers if isinstance(buffers, list) else []:
        if isinstance(buffer, Mapping) and buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
            payload = buffer.get("data")
    if mime is None:
        return walk.notice("an Image widget of a format that is not shown (an URL or unknown type)")
    if not isinstance(payload, str) or not payload:
        return walk.notice("an Image widget whose image was not saved")
    if mime == "image/svg+xml":
        try:
            payload = base64.b64decode(payload, validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return walk.notice("an Image widget whose SVG is not valid base64")
    size = {key: state.get(key) for key in ("width", "height") if state.get(key)}
    return walk.template("image", state, inner=walk.ctx.render_item(MediaItem(mime, payload, size)))


def _children(walk: _Walk, state: Mapping[str, Any]) -> list[Markup]:
    children = state.get("children")
    return [walk.draw(child) for child in children[: walk.ctx.limits.item_parts]] if isinstance(children, list) else []


def _titles(state: Mapping[str, Any], count: int) -> list[str]:
    titles = state.get("titles")  # ipywidgets 8: a list; 7: "_titles", a dict keyed by index
    if isinstance(titles, list):
        return [text(titles[i], 500) if i < len(titles) else "" for i in range(count)]
    old = state.get("_titles")
    return [text(old.get(str(i)), 500) if isinstance(old, Mapping) else "" for i in range(count)]


def _box(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    name = str(model.get("model_name"))
    direction = "row" if name == "HBoxModel" else "column" if name == "VBoxModel" else "wrap"
    return walk.template("box", state, direction=direction, children=_children(walk, state),
                         box_style=style(state, "box_style"))


def _panels(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    children = _children(walk, state)
    selected = state.get("selected_index")
    name = "tabs" if model.get("model_name") == "TabModel" else "accordion"
    return walk.template(name, state, panels=list(zip(_titles(state, len(children)), children)),
                         selected=selected if isinstance(selected, int) and not isinstance(selected, bool) else None)


def _output(walk: _Walk, state: Mapping[str, Any], model: Mapping[str, Any]) -> Markup:
    outputs = state.get("outputs")
    items = outputs if isinstance(outputs, list) else []
    # The Jupyter adapter turns the saved nbformat outputs into media items (see formats/jupyter.py).
    drawn = []
    for raw in items[: walk.ctx.limits.item_parts]:
        try:
            drawn.append(walk.ctx.render_item(MediaItem.coerce(raw)))
        except ValueError:
            drawn.append(walk.notice("an output of an Output widget that is not a media item"))
    return walk.template("output", state, outputs=drawn)


View = Callable[[_Walk, Mapping[str, Any], Mapping[str, Any]], Markup]
VIEWS: dict[str, View] = {
    **dict.fromkeys(("IntSliderModel", "FloatSliderModel", "FloatLogSliderModel"), _slider),
    **dict.fromkeys(("IntProgressModel", "FloatProgressModel"), _progress),
    "CheckboxModel": _checkbox,
    **dict.fromkeys(("TextModel", "TextareaModel", "PasswordModel"), _text),
    **dict.fromkeys(("DropdownModel", "SelectModel", "SelectMultipleModel"), _select),
    "ButtonModel": _button,
    "LabelModel": _label,
    **dict.fromkeys(("HTMLModel", "HTMLMathModel"), _html),
    "ImageModel": _image,
    **dict.fromkeys(("HBoxModel", "VBoxModel", "BoxModel", "GridBoxModel"), _box),
    **dict.fromkeys(("TabModel", "AccordionModel"), _panels),
    "OutputModel": _output,
}


def saved_models(item: MediaItem) -> Mapping[str, Any] | None:
    """The models of the saved widget state (schema v2) that came with the item, if any."""
    saved = item.metadata.get(WIDGET_STATE)
    if not isinstance(saved, Mapping) or saved.get("version_major") != 2:
        return None
    models = saved.get("state")
    return models if isinstance(models, Mapping) else None


def render_widget(item: MediaItem, ctx: Context[None]) -> Markup | Output:
    view = item.data
    model_id = view.get("model_id") if isinstance(view, Mapping) else None
    models = saved_models(item)
    walk = _Walk(ctx, models) if models is not None else None
    found = walk.model(str(model_id).removeprefix(REF)) if walk is not None and isinstance(model_id, str) else None
    if walk is None or found is None:
        why = "the notebook saved no widget state for it" if walk is None else "its state was not saved"
        return substitute(item, ctx, "Jupyter widget", why)
    if found[0] not in VIEWS:
        return substitute(item, ctx, f"{found[0] or 'A'} widget", "it has no static view")
    return Output(walk.draw(model_id), classes=("bai-media-widget",))


def register(registry: Registry) -> None:
    # Above text/plain: the saved state shows more than the widget's repr.
    registry.register(WIDGET_VIEW, render_widget, rank=75)
