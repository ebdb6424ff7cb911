"""The app behind ``bai-media terminal``: a page with one terminal, its assets, and the socket.

A random token guards the page and the socket, Origin and Host must be this server's own
(DNS rebinding cannot reach it), and every response forbids framing and referrers.
"""

from __future__ import annotations

import hmac
import itertools
import secrets
from collections.abc import Collection
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from ..assets.build import compile_assets
from ..assets.contenttypes import content_type
from ..assets.server import STRICT_CSP
from .asgi import WebtermEndpoint
from .backends.base import Backend
from .bridge import Limits, Recorder
from .recording import AsciicastRecorder

HEADERS = {"Content-Security-Policy": STRICT_CSP, "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
           "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_ok(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def recordings(path: str | None) -> Any:
    """One asciicast per connection: FILE, then FILE's stem with .2, .3 … for later ones."""
    if not path:
        return None
    target = Path(path)
    counter = itertools.count(1)

    def make(session_id: str) -> Recorder:
        n = next(counter)
        name = target if n == 1 else target.with_name(f"{target.stem}.{n}{target.suffix}")
        return AsciicastRecorder(name, title=f"bai-media terminal ({session_id})")

    return make


def terminal_app(backend: Backend, token: str, hosts: Collection[str], *, session: str = "terminal", theme: str = "auto",
                 record: str | None = None, limits: Limits | None = None) -> Starlette:
    """``hosts``: the ``host:port`` names this server answers to (Host and Origin must match)."""
    from ..renderer import default_renderer

    assets = compile_assets()
    origins = [f"http://{host}" for host in hosts]
    template = default_renderer().env.get_template("webterm/page.html")

    async def page(request: Request) -> Response:
        if not token_ok(request.query_params.get("token"), token):
            return PlainTextResponse("a valid ?token= is required (see the URL bai-media terminal printed)", 403, headers=HEADERS)
        html = template.render(session=session, token=token, theme=theme, root="/assets",
                               js="js/main.min.js", css="css/bai-media.min.css")
        return HTMLResponse(html, headers=HEADERS)

    async def asset(request: Request) -> Response:
        name = request.path_params["path"]
        if name not in assets:
            return PlainTextResponse("not found", 404, headers=HEADERS)
        return Response(assets[name], headers={**HEADERS, "Content-Type": content_type(name)[0], "Cache-Control": "no-cache"})

    def authorize(websocket: Any, session_id: str) -> bool:
        return session_id == session and token_ok(websocket.query_params.get("token"), token)

    endpoint = WebtermEndpoint(backend, authorize, allowed_origins=origins, limits=limits, recorder=recordings(record))
    return Starlette(
        routes=[Route("/", page), Route("/assets/{path:path}", asset), WebSocketRoute("/ws/{session_id}", endpoint)],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=sorted({h.rsplit(":", 1)[0] for h in hosts}))],
    )
