"""The Django app config: registers the system check."""

from __future__ import annotations

from django.apps import AppConfig


class BaiMediaConfig(AppConfig):
    name = "bai_media.contrib.django"
    label = "bai_media"
    verbose_name = "bai-media"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the check)
