"""The drawing fixtures from shared/, or the same payloads built by our producers without it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bai_media.producers import encode_commands

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "drawing" / "fixtures.json"


def load_fixtures() -> dict[str, Any] | None:
    if not SHARED_FIXTURES.exists():
        return None
    return json.loads(SHARED_FIXTURES.read_text())


def media(commands: list[list[Any]]) -> tuple[str, str]:
    return ("application/x-sorna-drawing", encode_commands([tuple(c) for c in commands]))
