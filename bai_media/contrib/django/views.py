"""The render endpoint (CSRF-protected by Django's middleware) and the locally served assets."""

from __future__ import annotations

import secrets

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from ..common import local_asset
from ..runs import SCOPE_KEY, read_body
from .settings import max_body, service


def _scope(request: HttpRequest) -> str | None:
    """The visitor's random scope token in their Django session; None without SessionMiddleware."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if SCOPE_KEY not in session:
        session[SCOPE_KEY] = secrets.token_urlsafe(24)
    return str(session[SCOPE_KEY])


@require_POST
def render(request: HttpRequest) -> HttpResponse:
    """The render endpoint (see :mod:`bai_media.contrib.runs`) for BackendAI.Media.handle_all.

    The body is read from the stream under ``BAI_MEDIA_MAX_BODY``, not through ``request.body``,
    so Django's smaller DATA_UPLOAD_MAX_MEMORY_SIZE does not refuse a legitimate image.
    """
    length = request.META.get("CONTENT_LENGTH")
    body = read_body(request.content_type or "", int(length) if length and length.isdigit() else None, request.read, max_body())
    answer = service().respond(body, _scope(request))
    return HttpResponse(answer.body, status=int(answer.status), content_type=answer.content_type, headers=answer.headers)


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
