"""Where the shipped ``templates/``, ``static/`` and examples folders are.

The project keeps them at the top of the repository (the layout every checkout and editable
install sees); a built wheel carries them inside the package. One cached lookup finds either.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """The ``templates``, ``static`` or ``examples`` folder, wherever bai-media was installed."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bai-media: shipped folder {name!r} not found next to {_PACKAGE}")


def templates_dir() -> Path:
    return resource_dir("templates")


def static_dir() -> Path:
    return resource_dir("static")
