"""Jupyter (nbformat 4): outputs to media items, and whole notebooks to a page.

Notebooks in the wild are messy (lists vs strings, missing keys, odd metadata): what is there is
rendered, what is broken is marked where it is, and nothing raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from markupsafe import Markup
from pygments import highlight

from ..highlight import FORMATTER, lexer
from ..items import MediaItem, invalid
from ..mediatypes import ERROR, WEB_RASTER, WIDGET_STATE, WIDGET_VIEW
from ..registry import Registry
from ..renderer import Renderer, default_renderer
from .registry import Format, FormatRegistry, sample

_TEXT_JOINED = re.compile(r"^(text/|image/svg|application/(javascript|x-latex))")
_ATTACHMENT = re.compile(r"attachment:([^\s)\"'>]+)")


def join_text(value: Any) -> Any:
    """nbformat stores multi-line strings as lists of lines; everything else stays as it is."""
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    return value


#: How many further representations of a bundle stand behind the chosen one.
FALLBACK_DEPTH = 2


def bundle_item(bundle: Mapping[str, Any], metadata: Mapping[str, Any], registry: Registry, depth: int = 0) -> MediaItem:
    """The representation the registry picks, with the next non-empty one it would pick as the
    fallback the renderer shows if this one has nothing left after sanitizing."""
    mime = registry.pick(bundle)
    assert mime is not None
    value = bundle[mime]
    data = join_text(value) if _TEXT_JOINED.match(mime) or mime.startswith("image/") else value
    rest = {k: v for k, v in bundle.items() if k != mime and v not in ("", [], None)} if depth < FALLBACK_DEPTH else {}
    nxt = registry.pick(rest) if rest else None
    entry = registry.lookup(nxt.lower()) if nxt is not None else None
    fallback = bundle_item(rest, metadata, registry, depth + 1) if entry is not None and entry.safe else None
    return MediaItem(mime.lower(), data, metadata, fallback)


_given_state: ContextVar[Mapping[str, Any] | None] = ContextVar("bai_media_widget_state", default=None)


@contextmanager
def given_widget_state(state: Mapping[str, Any] | None) -> Iterator[None]:
    """Within the block, Jupyter outputs and notebooks draw widgets from ``state`` (saved ipywidgets
    state given by the caller) instead of a notebook's own; the format registry's renderers all
    take the same three arguments, so a format-specific option travels this way."""
    if state is None:
        yield
        return
    token = _given_state.set(state)
    try:
        yield
    finally:
        _given_state.reset(token)


def saved_widget_state(nb: Any) -> Mapping[str, Any] | None:
    """The widget state a notebook saved (``metadata.widgets``), if any; validated by the handler."""
    meta = nb.get("metadata") if isinstance(nb, Mapping) else None
    widgets = meta.get("widgets") if isinstance(meta, Mapping) else None
    state = widgets.get(WIDGET_STATE) if isinstance(widgets, Mapping) else None
    return state if isinstance(state, Mapping) else None


def prepare_widgets(saved: Mapping[str, Any], registry: Registry) -> Mapping[str, Any]:
    """Saved widget state with each Output widget's nbformat outputs turned into media items,
    as a cell's are, so they reach the handlers through the normal pipeline. Done once per state.
    """
    models = saved.get("state")
    if not isinstance(models, Mapping):
        return saved
    converted: dict[str, Any] = {}
    prepared = {**saved, "state": converted}  # filled below: widgets shown inside Output widgets see it
    for model_id, model in models.items():
        state = model.get("state") if isinstance(model, Mapping) else None
        if isinstance(state, Mapping) and model.get("model_name") == "OutputModel":
            model = {**model, "state": {**state, "outputs": output_items(state.get("outputs") or [], registry, prepared)}}
        converted[model_id] = model
    return prepared


def output_item(output: Any, registry: Registry, widget_state: Mapping[str, Any] | None = None) -> Any:
    """One nbformat output as one media item (or the raw value, which renders as an error).

    A widget view gets the saved widget state in its metadata, where the widget handler reads it.
    """
    if not isinstance(output, Mapping):
        return output
    kind = output.get("output_type")
    if kind == "stream":
        name = str(output.get("name")) if output.get("name") in ("stdout", "stderr") else "stdout"
        return MediaItem(name, output.get("text", ""))  # a list of lines is not joined: see _stream
    if kind in ("display_data", "execute_result", "update_display_data"):
        bundle = output.get("data")
        if not isinstance(bundle, Mapping) or not bundle:
            return MediaItem("text/plain", "(empty output)")
        raw_meta = output.get("metadata")
        metadata: Mapping[str, Any] = raw_meta if isinstance(raw_meta, Mapping) else {}
        if widget_state is not None and WIDGET_VIEW in bundle:
            metadata = {**metadata, WIDGET_STATE: widget_state}
        return bundle_item(bundle, metadata, registry)
    if kind == "error":
        return MediaItem(ERROR, {"ename": output.get("ename"), "evalue": output.get("evalue"),
                                 "traceback": output.get("traceback") or []})
    return MediaItem(f"application/x-jupyter-{str(kind)[:40]}", dict(output))


def _stream(output: Any) -> tuple[str, list[str]] | None:
    """``(name, parts)`` of a well-formed stream output, else None. A list of lines is not joined:
    the terminal joins only the lines it shows, so a long stream is never copied whole."""
    if not isinstance(output, Mapping) or output.get("output_type") != "stream":
        return None
    text = output.get("text", "")
    parts = [text] if isinstance(text, str) else text
    if not (isinstance(parts, list) and all(isinstance(part, str) for part in parts)):
        return None
    name = str(output.get("name")) if output.get("name") in ("stdout", "stderr") else "stdout"
    return name, parts


def merge_streams(outputs: list[Any]) -> list[Any]:
    r"""Consecutive stream outputs of one name become one, as JupyterLab's output area merges them.

    The terminal then applies ``\r`` and ``\b`` across the old boundaries: a tqdm loop saved by
    ``nbconvert --execute`` (one output per frame) shows as one box holding its last frame.
    Linear: a run's lists of lines are concatenated once (a lone output's list is kept as it is).
    """
    merged: list[Any] = []
    run: list[list[str]] = []
    run_name: str | None = None

    def flush() -> None:
        if run_name is not None:
            parts = run[0] if len(run) == 1 else [part for parts in run for part in parts]
            merged.append({"output_type": "stream", "name": run_name, "text": parts[0] if len(parts) == 1 else parts})

    for output in outputs:
        stream = _stream(output)
        if stream is not None and stream[0] == run_name:
            run.append(stream[1])
            continue
        flush()
        run_name, run = (stream[0], [stream[1]]) if stream is not None else (None, [])
        if stream is None:
            merged.append(output)
    flush()
    return merged


def output_items(outputs: Any, registry: Registry, widget_state: Mapping[str, Any] | None = None) -> list[Any]:
    """A cell's outputs as media items; ``widget_state`` comes from :func:`prepare_widgets`."""
    if not isinstance(outputs, list):
        return [invalid(f"outputs is a {type(outputs).__name__}, expected a list")] if outputs else []
    return [output_item(output, registry, widget_state) for output in merge_streams(outputs)]


def is_notebook(obj: Any) -> bool:
    return isinstance(obj, Mapping) and ("cells" in obj or "nbformat" in obj)


def is_outputs(obj: Any) -> bool:
    first = sample(obj)
    return isinstance(first, Mapping) and "output_type" in first


def render_outputs(outputs: Any, name: str, renderer: Renderer) -> Markup:
    """nbformat outputs (a list, or one output) as one result; widgets from :func:`given_widget_state`."""
    given = _given_state.get()
    prepared = prepare_widgets(given, renderer.registry) if given is not None else None
    return renderer.handle_all(output_items(outputs if isinstance(outputs, list) else [outputs], renderer.registry, prepared), name)


def label_figures(items: list[Any], cell: int) -> list[Any]:
    """Images the kernel gave no alt text get one naming what they are: "figure 2 of cell 12"."""
    labelled, count = [], 0
    for item in items:
        if isinstance(item, MediaItem) and item.type.startswith("image/"):
            count += 1
            alt = item.meta("alt")
            if not (isinstance(alt, str) and alt.strip()):
                item = replace(item, metadata={**item.metadata, "alt": f"figure {count} of cell {cell}"})
        labelled.append(item)
    return labelled


def _language(nb: Mapping[str, Any]) -> str:
    raw_meta = nb.get("metadata")
    meta: Mapping[str, Any] = raw_meta if isinstance(raw_meta, Mapping) else {}
    for key in ("language_info", "kernelspec"):
        info = meta.get(key)
        if isinstance(info, Mapping):
            name = info.get("name") if key == "language_info" else info.get("language")
            if isinstance(name, str) and name:
                return name
    return "python"


#: Every ``<`` in the formatter's output must open one of the tags it writes for us, with class
#: names of word characters only; then the rest is escaped text and nothing can be active.
_FOREIGN_TAG = re.compile(r'<(?!/?span>|span class="[\w -]{1,100}">|/?pre>|/div>|div class="highlight">)')


def _highlight(source: str, language: str, renderer: Renderer) -> Markup:
    """Pygments' HTML, serialized as the sanitizer would (same bytes), without re-parsing it.

    Pygments escapes all token text (``& < > " '``) and writes only ``div``, ``pre`` and
    ``span class`` tags; :data:`_FOREIGN_TAG` checks that on the actual output, and anything
    else (a plug-in lexer's odd token name, say) goes through the sanitizer after all.
    """
    # Lexers and the formatter keep no state between calls, so one of each serves every thread.
    def compute() -> Markup:
        out = highlight(source, lexer(language, stripnl=False), FORMATTER)
        if _FOREIGN_TAG.search(out):
            return renderer.sanitize(out)
        # The sanitizer's serializer writes quotes in text literally, no-break spaces as entities,
        # and drops NUL (the HTML parser ignores it); every "&" Pygments wrote starts an escape.
        return Markup(out.replace("&quot;", '"').replace("&#39;", "'").replace("\xa0", "&nbsp;").replace("\0", ""))

    return renderer.cache.memo(f"highlight:{language}", source, compute) if renderer.cache is not None else compute()


def _with_attachments(source: str, cell: Mapping[str, Any]) -> str:
    """Markdown ``attachment:name`` references become data URIs of the attached raster images."""
    attachments = cell.get("attachments")
    if not isinstance(attachments, Mapping):
        return source

    def replace(match: re.Match[str]) -> str:
        bundle = attachments.get(match.group(1))
        if isinstance(bundle, Mapping):
            for mime in WEB_RASTER:
                data = join_text(bundle.get(mime))
                if isinstance(data, str):
                    return f"data:{mime};base64,{''.join(data.split())}"
        return match.group(0)

    return _ATTACHMENT.sub(replace, source)


def render_notebook(nb: Any, name: str, renderer: Renderer | None = None,
                    widget_state: Mapping[str, Any] | None = None) -> Markup:
    """A whole notebook: markdown cells, highlighted code with prompts, and every output.

    Widgets are drawn from ``widget_state`` (or :func:`given_widget_state`) if given, else from the
    state the notebook saved. Kept in the renderer's cache as a whole, as nbviewer keeps pages: a
    notebook depends on nothing but its content and that widget state (its cells' items are cached
    one by one as well).
    """
    renderer = renderer or default_renderer()
    if widget_state is None:
        widget_state = _given_state.get()  # part of the cache key below
    if renderer.cache is not None and isinstance(nb, Mapping):
        try:
            content = json.dumps([nb, widget_state], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            content = None
        if content is not None:
            return renderer.cache.memo(f"notebook:{name}", content, lambda: _render_notebook(nb, name, renderer, widget_state))
    return _render_notebook(nb, name, renderer, widget_state)


def _render_notebook(nb: Any, name: str, renderer: Renderer, widget_state: Mapping[str, Any] | None) -> Markup:
    if not isinstance(nb, Mapping) or not isinstance(nb.get("cells"), list):
        version = nb.get("nbformat") if isinstance(nb, Mapping) else None
        why = f"nbformat {version} is not supported (convert it to 4 with nbformat)" if version else "not a notebook: no cell list"
        return renderer.error_fragment(why)
    language = _language(nb)
    if widget_state is None:
        widget_state = _given_state.get()
    saved = widget_state if widget_state is not None else saved_widget_state(nb)
    prepared = prepare_widgets(saved, renderer.registry) if saved is not None else None
    cells: list[Markup] = []
    for index, raw in enumerate(nb["cells"]):
        rid = f"{name}-c{index}"
        if not isinstance(raw, Mapping):
            cells.append(_cell(renderer, "broken", renderer.error_fragment(f"cell {index} is not an object")))
            continue
        kind = raw.get("cell_type")
        source = join_text(raw.get("source", ""))
        if not isinstance(source, str):
            source = ""
        if kind == "markdown":
            cells.append(_cell(renderer, "markdown", renderer.handle_all([("text/markdown", _with_attachments(source, raw))], rid)))
        elif kind == "code":
            cells.append(_code_cell(renderer, raw, index, rid, _highlight(source, language, renderer), prepared))
        elif kind == "raw":
            cells.append(_cell(renderer, "raw", renderer.handle_all([("text/plain", source)], rid)))
        else:
            cells.append(_cell(renderer, "broken", renderer.error_fragment(f"cell {index} has unknown type {str(kind)[:40]!r}")))
    return renderer.render_template("notebook.html", cells=Markup("".join([f"{cell}\n" for cell in cells])), name=name)


def _cell(renderer: Renderer, kind: str, body: Markup) -> Markup:
    return renderer.render_template("notebook_cell.html", kind=kind, body=body)


def _code_cell(renderer: Renderer, raw: Mapping[str, Any], index: int, rid: str, source: Markup,
               prepared: Mapping[str, Any] | None) -> Markup:
    """A code cell: its prompt and highlighted source, and its outputs (with an ``Out`` prompt
    when one of them is the cell's result)."""
    count = raw.get("execution_count")
    prompt = f"[{count}]:" if isinstance(count, int) else "[ ]:"
    outputs = label_figures(output_items(raw.get("outputs", []), renderer.registry, prepared), index + 1)
    shown = Markup("")
    if outputs:
        listed = raw.get("outputs")
        raw_outputs: list[Any] = listed if isinstance(listed, list) else []
        has_result = any(isinstance(o, Mapping) and o.get("output_type") == "execute_result" for o in raw_outputs)
        label = renderer.render_template("notebook_out_prompt.html", prompt=prompt) if has_result else Markup("")
        shown = renderer.render_template("notebook_outputs.html", label=label, outputs=renderer.handle_all(outputs, f"{rid}-out"))
    return renderer.render_template("notebook_code.html", prompt=prompt, source=source, outputs=shown)


def register(formats: FormatRegistry) -> None:
    formats.register(Format("notebook", is_notebook, render_notebook))
    formats.register(Format("jupyter", is_outputs, render_outputs))
