"""Input formats by name, in detection order: how to recognise a document, how to render it.

Each adapter module registers its own formats (``register(formats)``), as handler modules do;
the CLI's ``--format`` choices and :func:`bai_media.formats.detect` both read this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from markupsafe import Markup

from ..renderer import Renderer


class Session(Protocol):
    """A run fed one piece at a time (``feed`` returns what changed); its HTML is the whole run."""

    def __init__(self, name: str, renderer: Renderer | None = None) -> None: ...

    def feed(self, piece: Any) -> Markup: ...

    def __html__(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Format:
    """One input format.

    ``detect`` gets a parsed document and says whether it is in this format; ``render`` turns a
    document into one fragment (anything with ``__html__``); ``session`` is the type that takes
    the same document piece by piece, when the format has pieces.
    """

    name: str
    detect: Callable[[Any], bool]
    render: Callable[[Any, str, Renderer], Any]
    session: type[Session] | None = None


class FormatError(ValueError):
    """An unknown format name, or a name registered twice."""


class FormatRegistry:
    """Formats in registration order, which is the order :meth:`detect` tries them in."""

    def __init__(self, default: str) -> None:
        self._formats: dict[str, Format] = {}
        #: The format of documents no format recognises.
        self.default = default

    def register(self, fmt: Format, *, replace: bool = False) -> None:
        if fmt.name in self._formats and not replace:
            raise FormatError(f"format {fmt.name!r} is already registered; pass replace=True")
        self._formats[fmt.name] = fmt

    def __getitem__(self, name: str) -> Format:
        try:
            return self._formats[name]
        except KeyError:
            raise FormatError(f"unknown format {name!r}; choose one of auto, {', '.join(self._formats)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)

    def detect(self, obj: Any) -> str:
        """The name of the first format that recognises ``obj``, else :attr:`default`."""
        return next((fmt.name for fmt in self._formats.values() if fmt.detect(obj)), self.default)


def sample(obj: Any) -> Any:
    """What element formats look at: a list's first element, or the document itself."""
    if isinstance(obj, list):
        return obj[0] if obj else None
    return obj
