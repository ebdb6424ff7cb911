"""A run whose output arrives in pieces: one result container plus a status that is replaced."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from ..items import MediaItem
from ..renderer import Renderer, default_renderer
from ..result import MediaResult


class RunSession:
    """Feeds successive pieces of one run into the same :class:`MediaResult`.

    Streams continue their block across pieces (a ``\\r`` progress line split between calls
    included) and drawings keep their canvases; the status line is replaced, not appended.
    """

    def __init__(self, run_id: Any, renderer: Renderer | None = None) -> None:
        self.renderer = renderer or default_renderer()
        self.run_id = str(run_id)
        self.result = MediaResult(self.run_id, self.renderer)
        self.status = MediaResult(f"{self.run_id}-status", self.renderer)

    def push(self, items: Iterable[Any], status: MediaItem | None = None) -> Markup:
        """Append items and set the status; returns the changed elements (for in-place updates)."""
        changed = self.result.extend(list(items))
        if status is not None:
            changed += self.status.render([status])
        return changed

    def to_state(self) -> dict[str, Any]:
        """The run's saved state (see :meth:`MediaResult.to_state`), JSON-serialisable."""
        return {"run_id": self.run_id, "result": self.result.to_state(), "status": self.status.to_state()}

    @classmethod
    def from_state(cls, state: dict[str, Any], renderer: Renderer | None = None) -> RunSession:
        session = cls.__new__(cls)
        session.renderer = renderer or default_renderer()
        try:
            session.run_id = str(state["run_id"])
            session.result = MediaResult.from_state(state["result"], session.renderer)
            session.status = MediaResult.from_state(state["status"], session.renderer)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"saved run state is malformed ({type(exc).__name__})") from exc
        return session

    def __html__(self) -> str:
        return str(self.renderer.env.get_template("run.html").render(
            run_id=self.run_id, items=Markup(self.result.__html__()),
            status=Markup(self.status.__html__()) if self.status.items else None))

    def __str__(self) -> str:
        return self.__html__()
