"""Where the shipped ``templates/`` and ``static/`` folders are.

In a built wheel they sit inside the package; in a source checkout (or an editable install)
they sit at the top of the repository, next to the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """The ``templates`` or ``static`` folder, wherever this copy of bai-media was installed."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bai-media: shipped folder {name!r} not found next to {_PACKAGE}")


def templates_dir() -> Path:
    return resource_dir("templates")


def static_dir() -> Path:
    return resource_dir("static")
