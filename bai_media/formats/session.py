"""A run whose output arrives in pieces: one result container plus a status that is replaced."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from markupsafe import Markup

from ..items import MediaItem
from ..mediatypes import STATUS
from ..renderer import Renderer, default_renderer
from ..result import MediaResult
from ..state import StateError


def status_item(status: str, exit_code: Any = None, **extra: Any) -> MediaItem:
    """The run's status line (rendered by the status handler, replaced on every change)."""
    return MediaItem(STATUS, {"status": status, "exitCode": exit_code, **extra})


class RunSession:
    """Feeds successive pieces of one run into the same :class:`MediaResult`.

    Streams continue their block across pieces (a ``\\r`` progress line split between calls
    included) and drawings keep their canvases; the status line is replaced, not appended.
    """

    def __init__(self, run_id: Any, renderer: Renderer | None = None) -> None:
        self.renderer = renderer or default_renderer()
        self.run_id = str(run_id)
        self.result = MediaResult(self.run_id)
        self.status = MediaResult(f"{self.run_id}-status")

    def push(self, items: Iterable[Any], status: MediaItem | None = None) -> Markup:
        """Append items and set the status; returns the changed elements (for in-place updates)."""
        changed = self.result.extend(list(items), renderer=self.renderer)
        if status is not None:
            changed += self.status.render([status], renderer=self.renderer)
        return changed

    def to_state(self, html: bool = True) -> dict[str, Any]:
        """The run as versioned JSON (see :meth:`~bai_media.state.ResultData.to_state`)."""
        return {"run_id": self.run_id, "result": self.result.to_state(html), "status": self.status.to_state(html)}

    @classmethod
    def from_state(cls, state: Any, renderer: Renderer | None = None) -> Self:
        """The run :meth:`to_state` saved, continued with ``renderer``; StateError if unusable."""
        if not isinstance(state, dict) or not isinstance(state.get("run_id"), str):
            raise StateError("a saved run needs a run_id")
        session = cls(state["run_id"], renderer)
        session.result = MediaResult.from_state(state.get("result"))
        session.status = MediaResult.from_state(state.get("status"))
        return session

    def __html__(self) -> str:
        return str(self.renderer.env.get_template("run.html").render(
            run_id=self.run_id, items=self.result.html(self.renderer),
            status=self.status.html(self.renderer) if self.status.items else None))

    def __str__(self) -> str:
        return self.__html__()
