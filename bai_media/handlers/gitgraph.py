"""``application/vnd.sorna.gitgraph``: commit lanes, merge edges, dots and labels as SVG."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..datauri import to_data_uri
from ..items import MediaItem
from ..registry import Registry
from ..context import BadData, Context

LANE = 50
ROW = 30
DOT = 4
MARGIN = 20
MAX_COMMITS = 2000
PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#1b7c83", "#d4418e", "#57606a")


@dataclass(frozen=True, slots=True)
class Commit:
    x: int
    y: int
    color: str
    label: str


@dataclass(frozen=True, slots=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    color: str


def layout(commits: list[Any]) -> tuple[list[Commit], list[Edge], int, int]:
    lanes: dict[str, int] = {}
    placed: dict[str, tuple[int, int, str]] = {}
    dots: list[Commit] = []
    edges: list[Edge] = []
    pending: list[tuple[list[str], int, int, str]] = []
    for row, commit in enumerate(commits):
        if not isinstance(commit, dict):
            raise BadData(f"commit {row} is a {type(commit).__name__}, expected an object")
        branch = str(commit.get("branch") or "?")[:100]
        lane = lanes.setdefault(branch, len(lanes))
        x, y = MARGIN + lane * LANE, MARGIN + row * ROW
        color = PALETTE[lane % len(PALETTE)]
        oid = str(commit.get("oid") or "")[:40]
        message = str(commit.get("message") or "").splitlines()[0][:200] if commit.get("message") else ""
        author = str(commit.get("author") or "")[:60]
        label = f"{oid[:8]}  {message}" + (f" — {author}" if author else "")
        dots.append(Commit(x, y, color, label))
        placed[oid] = (x, y, color)
        parents = commit.get("parent_ids") or []
        pending.append(([str(p)[:40] for p in parents] if isinstance(parents, list) else [], x, y, color))
    for parents, x, y, color in pending:
        for parent in parents:
            if parent in placed:
                px, py, pcolor = placed[parent]
                edges.append(Edge(px, py, x, y, color if px == x else (pcolor if len(parents) < 2 else color)))
    width = MARGIN * 2 + max(len(lanes) - 1, 0) * LANE + 12 + 7 * max((len(c.label) for c in dots), default=0)
    height = MARGIN * 2 + max(len(dots) - 1, 0) * ROW
    return dots, edges, min(width, 4000), height


def render_gitgraph(item: MediaItem, ctx: Context[None]) -> Markup:
    data = item.data
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise BadData("gitgraph data is not valid JSON") from exc
    if not isinstance(data, list):
        raise BadData(f"gitgraph data must be a list of commits, got {type(data).__name__}")
    if len(data) > MAX_COMMITS:
        raise BadData(f"{len(data):,} commits is over the limit of {MAX_COMMITS:,}")
    dots, edges, width, height = layout(data)
    label_x = MARGIN + max((d.x - MARGIN for d in dots), default=0) + 12
    svg = ctx.render("handlers/gitgraph.svg", dots=dots, edges=edges, width=width, height=height, label_x=label_x, r=DOT)
    return ctx.render("handlers/gitgraph.html", src=to_data_uri("image/svg+xml", str(svg).encode()),
                      width=width, height=height, count=len(dots))


def register(registry: Registry) -> None:
    registry.register("application/vnd.sorna.gitgraph", render_gitgraph, rank=60)
