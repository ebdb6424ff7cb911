"""Include with ``path("bai-media/", include("bai_media.contrib.django.urls"))``."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("render", views.render, name="bai_media_render"),
    path("assets/<str:asset_hash>/<path:path>", views.asset, name="bai_media_asset"),
]
