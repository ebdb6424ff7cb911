"""System check: in production the assets should come from a deployed, cacheable root."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register()
def asset_root_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.DEBUG or getattr(settings, "BACKENDAI_ASSET_ROOT", None):
        return []
    return [Warning(
        "BACKENDAI_ASSET_ROOT is not set; bai-media assets are served by this application.",
        hint="Run `bai-media deploy --bucket ...` and set BACKENDAI_ASSET_ROOT to the URL it prints.",
        id="bai_media.W001",
    )]
