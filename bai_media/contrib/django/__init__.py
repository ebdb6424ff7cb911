"""Django integration: add ``"bai_media.contrib.django"`` to INSTALLED_APPS.

Settings, read lazily: ``BACKENDAI_ASSET_ROOT`` (unset: the installed assets are served by the
app's own URLs, include ``bai_media.contrib.django.urls``), ``BAI_MEDIA_SANITIZER`` ("nh3"),
``BAI_MEDIA_REMOTE_MEDIA`` ("allow", "block" or a proxy URL template with ``{url}``),
``BAI_MEDIA_MAX_BODY`` (10 MB, for the render endpoint, above DATA_UPLOAD_MAX_MEMORY_SIZE),
``BAI_MEDIA_STATE_STORE`` ("memory://", "redis://host:port/db" or "django-cache://alias") and
``BAI_MEDIA_STATE_TTL`` (3600 s), ``BAI_MEDIA_HEAVY_BODY`` (64,000 bytes of work make a request
heavy; None: none is) and ``BAI_MEDIA_HEAVY_SLOTS`` (heavy requests rendering at once per machine;
None: half the CPUs). Continuing a run needs SessionMiddleware.
``BAI_MEDIA_RENDERER`` (a dotted path to a ``Renderer`` or a factory returning one; used by the
tags, the filter and the render endpoint instead of the default renderer for the two settings above).
Templates: ``{% load bai_media %}``, ``{% bai_media_assets %}``, ``{% bai_media media "id" %}``
and the filter ``{{ value|bai_media:"id" }}``; all return ``Markup`` (safe in Django and Jinja2).
"""
