"""Static assets: the hashed build, the tags that load it, the dev server and the S3 deploy."""

from __future__ import annotations

from .build import BuildResult, build, compile_assets, latest
from .tags import asset_tags, manifest_for

__all__ = ["BuildResult", "asset_tags", "build", "compile_assets", "latest", "manifest_for"]
