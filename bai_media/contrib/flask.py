"""Flask integration: ``BaiMedia(app)`` or ``BaiMedia().init_app(app)``.

Config (with defaults): ``BACKENDAI_ASSET_ROOT`` (None: serve the installed assets from this app),
``BAI_MEDIA_SANITIZER`` ("nh3"), ``BAI_MEDIA_REMOTE_MEDIA`` ("allow", "block" or a proxy URL template),
``BAI_MEDIA_URL_PREFIX`` ("/bai-media"), ``BAI_MEDIA_RENDER_ENDPOINT`` (True), ``BAI_MEDIA_MAX_BODY`` (10 MB),
``BAI_MEDIA_STATE_STORE`` ("memory://"; or "redis://host:port/db" to continue runs across worker
processes and machines), ``BAI_MEDIA_STATE_TTL`` (3600 s), ``BAI_MEDIA_HEAVY_BODY`` (64,000 bytes
of work make a request heavy; None: no request is) and ``BAI_MEDIA_HEAVY_SLOTS`` (heavy requests
rendering at once per machine; None: half the CPUs). Continuing a run needs Flask sessions (``SECRET_KEY``).
``BaiMedia(app, renderer=Renderer(...))`` (or ``init_app(app, renderer=...)``) gives the helpers,
the filter and the render endpoint a configured renderer (custom handlers, limits, templates);
without one they share a default renderer for ``BAI_MEDIA_SANITIZER`` and ``BAI_MEDIA_REMOTE_MEDIA``.

Templates get ``bai_media_assets()``, ``bai_media(media, result_id)`` and the filter
``value|bai_media(result_id, format="auto")``; all return ``Markup``.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request, session, url_for
from markupsafe import Markup

from ..assets.tags import asset_tags
from ..renderer import Renderer
from ..store import DEFAULT_TTL, from_url
from .common import local_asset, local_assets, render_value, renderer_for, same_origin
from .lanes import HEAVY_BODY, Lane
from .runs import MAX_BODY, SCOPE_KEY, RunService, read_body

blueprint = Blueprint("bai_media", __name__)


class BaiMedia:
    """The extension object; it keeps no app, so one instance can serve several apps.

    ``renderer`` is used by every app this instance is initialised on, unless ``init_app`` is
    given its own.
    """

    def __init__(self, app: Flask | None = None, *, renderer: Renderer | None = None) -> None:
        self.renderer = renderer
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask, *, renderer: Renderer | None = None) -> None:
        app.config.setdefault("BACKENDAI_ASSET_ROOT", None)
        app.config.setdefault("BAI_MEDIA_SANITIZER", "nh3")
        app.config.setdefault("BAI_MEDIA_REMOTE_MEDIA", "allow")
        app.config.setdefault("BAI_MEDIA_URL_PREFIX", "/bai-media")
        app.config.setdefault("BAI_MEDIA_RENDER_ENDPOINT", True)
        app.config.setdefault("BAI_MEDIA_MAX_BODY", MAX_BODY)
        app.config.setdefault("BAI_MEDIA_HEAVY_BODY", HEAVY_BODY)
        app.config.setdefault("BAI_MEDIA_HEAVY_SLOTS", None)
        app.config.setdefault("BAI_MEDIA_STATE_STORE", "memory://")
        app.config.setdefault("BAI_MEDIA_STATE_TTL", DEFAULT_TTL)
        app.extensions["bai_media"] = self
        app.extensions[_RENDERER] = renderer if renderer is not None else self.renderer
        app.add_template_global(bai_media_assets)
        app.add_template_global(bai_media)
        app.add_template_filter(bai_media_filter, "bai_media")
        app.register_blueprint(blueprint, url_prefix=app.config["BAI_MEDIA_URL_PREFIX"])


_RENDERER = "bai_media.renderer"


def _renderer() -> Renderer:
    """This app's renderer: the one given to the extension, else the shared default for its config."""
    injected: Renderer | None = current_app.extensions.get(_RENDERER)
    if injected is not None:
        return injected
    config = current_app.config
    return renderer_for(config["BAI_MEDIA_SANITIZER"], config["BAI_MEDIA_REMOTE_MEDIA"], config["BAI_MEDIA_STATE_STORE"])


_services_lock = threading.Lock()


def _service() -> RunService:
    """This app's run service, made on first use (so config set after init_app counts)."""
    services: dict[Any, RunService] = current_app.extensions.setdefault("bai_media_services", {})
    config = current_app.config
    renderer = _renderer()
    key = (id(renderer), config["BAI_MEDIA_STATE_STORE"], config["BAI_MEDIA_STATE_TTL"],
           config["BAI_MEDIA_HEAVY_BODY"], config["BAI_MEDIA_HEAVY_SLOTS"])
    with _services_lock:  # one service per app and config: two memory stores would split runs
        if key not in services:
            store = config["BAI_MEDIA_STATE_STORE"]
            services[key] = RunService(renderer, from_url(store), float(config["BAI_MEDIA_STATE_TTL"]),
                                       lane=Lane(config["BAI_MEDIA_HEAVY_BODY"], config["BAI_MEDIA_HEAVY_SLOTS"]))
        return services[key]


def _scope() -> str | None:
    """The visitor's random scope token, kept in their signed session; None without sessions."""
    if not current_app.secret_key:
        return None
    if SCOPE_KEY not in session:
        session[SCOPE_KEY] = secrets.token_urlsafe(24)
    return str(session[SCOPE_KEY])


def asset_root() -> str:
    """``BACKENDAI_ASSET_ROOT``, or this app's URL for the installed assets."""
    configured = current_app.config["BACKENDAI_ASSET_ROOT"]
    if configured:
        return str(configured)
    return url_for("bai_media.asset", asset_hash=local_assets()[0], path="x").rsplit("/", 1)[0]


def bai_media_assets() -> Markup:
    """The ``<link>`` and ``<script>`` tags, with SRI, pointing at the asset root."""
    root = asset_root()
    manifest = None if current_app.config["BACKENDAI_ASSET_ROOT"] else local_assets()[2]
    endpoint = url_for("bai_media.render") if current_app.config["BAI_MEDIA_RENDER_ENDPOINT"] else None
    return asset_tags(root, manifest, render_endpoint=endpoint)


def bai_media(media: Any, result_id: str = "result", format: str = "media") -> Markup:
    """Render media items (or, with ``format``, a Backend.AI result or Jupyter outputs)."""
    return render_value(media, str(result_id), format, _renderer())


def bai_media_filter(value: Any, result_id: str = "result", format: str = "auto") -> Markup:
    return render_value(value, str(result_id), format, _renderer())


@blueprint.post("/render")
def render() -> Response:
    """Render endpoint for ``BackendAI.Media.handle_all``: JSON in, sanitized fragment out."""
    if not current_app.config["BAI_MEDIA_RENDER_ENDPOINT"]:
        abort(404)
    if not same_origin(request.headers.get("Origin"), request.host_url):
        return Response("cross-origin request refused\n", 403, mimetype="text/plain")
    body = read_body(request.headers.get("Content-Type", ""), request.content_length, request.stream.read,
                     current_app.config["BAI_MEDIA_MAX_BODY"])
    answer = _service().respond(body, _scope())
    return Response(answer.body, int(answer.status), content_type=answer.content_type, headers=answer.headers)


@blueprint.get("/assets/<asset_hash>/<path:path>")
def asset(asset_hash: str, path: str) -> Response:
    """The installed assets, built in memory, for apps without a deployed asset root."""
    found = local_asset(asset_hash, path)
    if found is None:
        abort(404)
    data, headers = found
    return Response(data, 200, headers=headers)
