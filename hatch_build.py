"""Wheel build hook: ship the built assets, so an installed bai-media never minifies at run time.

``bai_media.assets.build`` runs once here, over the ``static/`` the wheel ships, and its output
lands in ``bai_media/assets/prebuilt/`` (see ``bai_media/assets/installed.py``). Editable
installs skip it: a source checkout builds its assets once per process instead.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PREBUILT = "bai_media/assets/prebuilt"


class AssetsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        sys.path.insert(0, self.root)
        try:
            from bai_media.assets.build import build
        finally:
            sys.path.remove(self.root)
        self._out = tempfile.mkdtemp(prefix="bai-media-wheel-assets-")
        result = build(Path(self._out), Path(self.root) / "static")
        self.app.display_info(f"bai-media: assets {result.hash} built into {PREBUILT}")
        build_data["force_include"][str(result.path)] = PREBUILT

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out:
            shutil.rmtree(out, ignore_errors=True)
