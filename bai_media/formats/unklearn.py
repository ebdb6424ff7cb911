"""unklearn runtime events: the spec's ``cell_result`` and the reference runtime's variant.

Spec: ``{"cellId", "notebookId", "output": [str...], "error": [str...]}`` framed by
``cell_run_start`` (``status: "busy"``) and ``cell_run_end`` (``status: "done" | "error"``).
Reference python-runtime: ``{"id": cell_id, "output": str}`` / ``{"id", "error": str}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..items import MediaItem, invalid
from ..renderer import Renderer, default_renderer
from ..state import StateError
from .registry import Format, FormatRegistry, sample
from .session import RunSession, status_item


def _lines(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(v if v.endswith("\n") else v + "\n" for v in value)
    return None


def normalize(event: Any) -> tuple[str, Mapping[str, Any]]:
    """(event name, payload) for either shape; the payload may sit under ``data``."""
    if not isinstance(event, Mapping):
        return "invalid", {}
    data = event.get("data")
    payload: Mapping[str, Any] = data if isinstance(data, Mapping) else event
    name = event.get("event") or event.get("type")
    if not isinstance(name, str):
        name = "cell_result" if ("output" in payload or "error" in payload) else "unknown"
    return name, payload


class UnklearnSession:
    """All cells of one notebook run; each cell is a :class:`RunSession` keyed by its id."""

    def __init__(self, name: str = "unklearn", renderer: Renderer | None = None) -> None:
        self.name = name
        self.renderer = renderer or default_renderer()
        self.cells: dict[str, RunSession] = {}

    def cell(self, payload: Mapping[str, Any]) -> RunSession:
        cell_id = str(payload.get("cellId", payload.get("id", "?")))[:100]
        notebook = payload.get("notebookId")
        key = f"{notebook}-{cell_id}" if notebook is not None else cell_id
        if key not in self.cells:
            self.cells[key] = RunSession(f"{self.name}-{key}", self.renderer)
        return self.cells[key]

    def feed(self, event: Any) -> Markup:
        name, payload = normalize(event)
        if name == "invalid":
            return self.cell({"id": "invalid"}).push([invalid(f"an unklearn event must be an object, got {type(event).__name__}")])
        session = self.cell(payload)
        if name == "cell_result":
            items = []
            for key, stream in (("output", "stdout"), ("error", "stderr")):
                if key in payload:
                    text = _lines(payload[key])
                    items.append((stream, text) if text is not None else invalid(f"{key} must be text or a list of lines"))
            return session.push(items)
        if name in ("cell_run_start", "cell_run_end"):
            status = payload.get("status") or ("busy" if name == "cell_run_start" else "done")
            return session.push([], status_item(str(status)))
        return session.push([MediaItem(f"application/x-unklearn-{name[:40]}", dict(payload))])

    def to_state(self, html: bool = True) -> dict[str, Any]:
        """Every cell's run as versioned JSON (see :meth:`RunSession.to_state`)."""
        return {"name": self.name, "cells": {key: cell.to_state(html) for key, cell in self.cells.items()}}

    @classmethod
    def from_state(cls, state: Any, renderer: Renderer | None = None) -> UnklearnSession:
        if not isinstance(state, dict) or not isinstance(state.get("name"), str) or not isinstance(state.get("cells"), dict):
            raise StateError("a saved unklearn session needs a name and cells")
        session = cls(state["name"], renderer)
        session.cells = {str(key): RunSession.from_state(raw, session.renderer) for key, raw in state["cells"].items()}
        return session

    def __html__(self) -> str:
        return "".join(cell.__html__() for cell in self.cells.values())


def render(events: Any, name: str, renderer: Renderer | None = None) -> UnklearnSession:
    session = UnklearnSession(name, renderer)
    for event in events if isinstance(events, list) else [events]:
        session.feed(event)
    return session


def detect(obj: Any) -> bool:
    first = sample(obj)
    if not isinstance(first, Mapping):
        return False
    return first.get("event") in ("cell_result", "cell_run_start", "cell_run_end") or "cellId" in first or (
        "id" in first and ("output" in first or "error" in first)
    )


def register(formats: FormatRegistry) -> None:
    formats.register(Format("unklearn", detect, render, UnklearnSession))
