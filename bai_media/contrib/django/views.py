"""The render endpoint (CSRF-protected by Django's middleware) and the locally served assets."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from ...assets.server import render_request
from ..common import local_asset
from .settings import renderer


@require_POST
def render(request: HttpRequest) -> HttpResponse:
    """JSON ``{"media", "result_id"}`` in, sanitized fragment out (for BackendAI.Media.handle_all)."""
    body = request.body
    status, html = render_request(request.content_type or "", len(body), lambda n: body[:n], renderer())
    return HttpResponse(html, status=int(status), content_type="text/html; charset=utf-8" if status == 200 else "text/plain")


@require_GET
def asset(request: HttpRequest, asset_hash: str, path: str) -> HttpResponse:
    found = local_asset(asset_hash, path)
    if found is None:
        raise Http404("no such asset")
    data, headers = found
    response = HttpResponse(data, content_type=headers.pop("Content-Type"))
    for key, value in headers.items():
        response[key] = value
    return response
