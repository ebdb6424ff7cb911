"""Where the shipped ``static/`` folder and examples are, and the package's ``templates/``.

Templates live inside the package (Jinja's ``PackageLoader`` finds them); ``static/`` sits inside
the package in a built wheel and at the top of the repository in a source checkout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """The ``static`` or ``examples`` folder, wherever this copy of bai-media was installed."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bai-media: shipped folder {name!r} not found next to {_PACKAGE}")


def templates_dir() -> Path:
    return _PACKAGE / "templates"


def static_dir() -> Path:
    return resource_dir("static")
