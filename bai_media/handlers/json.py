"""JSON (``application/json``, ``*+json``): an escaped, collapsible tree with ``<details>``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..items import MediaItem
from ..registry import Registry
from ..context import BadData, Context


@dataclass(slots=True)
class Node:
    """One value of the tree, bounded: ``more`` counts children not shown."""

    key: str | None
    kind: str
    text: str = ""
    children: list[Node] = field(default_factory=list)
    more: int = 0
    size: int = 0


class _Budget:
    def __init__(self, nodes: int) -> None:
        self.left = nodes


def _scalar(value: Any) -> tuple[str, str]:
    if value is None:
        return "null", "null"
    if isinstance(value, bool):
        return "bool", "true" if value else "false"
    if isinstance(value, (int, float)):
        return "number", json.dumps(value)
    if isinstance(value, str):
        shown = value if len(value) <= 2000 else value[:2000] + f"… ({len(value):,} characters)"
        return "string", json.dumps(shown, ensure_ascii=False)
    return "other", repr(value)[:200]


def build(value: Any, key: str | None, depth: int, max_depth: int, budget: _Budget) -> Node:
    """A bounded tree of nodes; iteration stops when the node budget or depth runs out."""
    budget.left -= 1
    if isinstance(value, dict) or isinstance(value, (list, tuple)):
        is_dict = isinstance(value, dict)
        node = Node(key, "object" if is_dict else "array", size=len(value))
        if depth >= max_depth:
            node.more = len(value)
            return node
        pairs: Any = value.items() if isinstance(value, dict) else enumerate(value)
        for i, (child_key, child) in enumerate(pairs):
            if budget.left <= 0:
                node.more = len(value) - i
                break
            node.children.append(build(child, str(child_key) if is_dict else None, depth + 1, max_depth, budget))
        return node
    kind, text = _scalar(value)
    return Node(key, kind, text)


def render_json(item: MediaItem, ctx: Context[None]) -> Markup:
    data = item.data
    if isinstance(data, (str, bytes, bytearray)):
        text = ctx.text(data)
        if len(text) > ctx.limits.json_chars:
            raise BadData(f"{len(text):,} characters of JSON is over the limit of {ctx.limits.json_chars:,}")
        try:
            data = json.loads(text)
        except RecursionError as exc:
            raise BadData("JSON nested too deeply to parse") from exc
        except ValueError as exc:
            raise BadData(f"not valid JSON: {str(exc)[:120]}") from exc
    try:
        tree = build(data, None, 0, ctx.limits.json_depth, _Budget(ctx.limits.json_nodes))
    except RecursionError as exc:
        raise BadData("JSON nested too deeply to show") from exc
    return ctx.render("handlers/json.html", root=tree)


def register(registry: Registry) -> None:
    registry.register("application/json", render_json, rank=40)
    registry.register("application/*+json", render_json, rank=40)
    registry.register("text/json", render_json, rank=40)
