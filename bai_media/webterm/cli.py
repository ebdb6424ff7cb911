"""``bai-media terminal``: build the backend from options and environment, then serve."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import shlex
import socket
from collections.abc import Callable
from typing import Any

from .backends.base import Backend

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def make_backend(kind: str, *, command: str | None, endpoint: str | None, jupyter_url: str | None) -> Backend:
    if kind == "local":
        from .backends.local import LocalBackend

        return LocalBackend(shlex.split(command) if command else None)
    if kind == "jupyter":
        from .backends.jupyter import JupyterBackend

        url = jupyter_url or os.environ.get("JUPYTER_URL")
        if not url:
            raise ValueError("--jupyter-url or JUPYTER_URL is required for --backend jupyter")
        return JupyterBackend(url, os.environ.get("JUPYTER_TOKEN", ""))
    from .backends.backendai import BackendAIBackend

    return BackendAIBackend.from_env(endpoint)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run_terminal(kind: str, host: str, port: int, *, record: str | None, command: str | None, session: str,
                 endpoint: str | None, jupyter_url: str | None, theme: str, echo: Callable[..., Any]) -> None:
    import uvicorn

    from .protocol import valid_session_id
    from .server import new_token, terminal_app

    if not valid_session_id(session):
        raise ValueError(f"--session {session!r} is not a valid session name")
    backend = make_backend(kind, command=command, endpoint=endpoint, jupyter_url=jupyter_url)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    port = sock.getsockname()[1]
    names = LOOPBACK_NAMES if is_loopback(host) else (host,)
    hosts = [f"[{n}]:{port}" if ":" in n else f"{n}:{port}" for n in names]
    if kind == "local" and not is_loopback(host):
        echo(f"bai-media: warning: a shell on {host} — anyone with the token runs commands as you", err=True)
    token = new_token()
    app = terminal_app(backend, token, hosts, session=session, theme=theme, record=record)
    url_host = f"[{host}]" if ":" in host else host
    url = f"http://{url_host}:{port}/?token={token}"

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            echo(f"bai-media: {kind} terminal; stop with Ctrl-C", err=True)
            echo(url)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await super().shutdown(sockets)
            close_all = getattr(backend, "close_all", None)
            if close_all:
                await close_all()

    config = uvicorn.Config(app, log_level="warning", ws="websockets-sansio", ws_max_size=1 << 20, lifespan="off",
                            timeout_graceful_shutdown=3)
    server = Server(config)
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
