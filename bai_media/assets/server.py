"""`bai-media serve`: a dev server for the assets and a live preview of the showcase.

It serves the latest build under ``/latest/``, rebuilds when anything in ``static/`` or
``templates/`` changes (watchfiles events, not webassets' whole-second mtime check), re-renders
the preview on every request so a template change shows on reload, and answers the render
endpoint that ``BackendAI.Media.handle_all`` posts to. The preview is sent under a strict
Content-Security-Policy, the one the runtime is built to work under.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from ..contrib.common import same_origin
from ..contrib.lanes import Lane
from ..contrib.runs import MAX_BODY, Answer, RunService, read_body
from ..renderer import Renderer
from ..resources import resource_dir, static_dir, templates_dir
from ..store import MemoryStore
from .build import BuildResult, build
from .contenttypes import content_type
from .tags import asset_tags

log = logging.getLogger("bai_media")

#: Scripts only from this origin, no inline script, no eval. Inline style attributes are allowed:
#: sanitized tables and generated ANSI colours use them, and they cannot run code.
STRICT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "media-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class _Server(ThreadingHTTPServer):
    """A listen backlog that holds a browser's burst (the standard library's is 5)."""

    request_queue_size = 128


#: A client gets this long (seconds) per socket read and for the whole body, so a request that
#: promises more bytes than it sends cannot hold a handler thread.
READ_TIMEOUT = 10


def local_host(host_header: str | None, bound: str) -> bool:
    """Whether a Host header names this server: an IP literal, localhost or the bound name.

    A DNS-rebinding page reaches the server under its own domain name and sends that as Host.
    """
    if not host_header:
        return False
    name = urlsplit(f"//{host_header}").hostname or ""
    if name in ("localhost", bound.lower()) or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def showcase_media() -> Any:
    """The shipped showcase (in the repo or the wheel), or a tiny sample without it."""
    try:
        return json.loads((resource_dir("examples") / "showcase.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return [["text/markdown", "# bai-media preview\n\nThe showcase file is not installed."], ["stdout", "\x1b[32mok\x1b[0m\n"]]


class DevServer:
    """Build, watch, serve. ``port=0`` picks a free port (see :attr:`port` after :meth:`start`)."""

    def __init__(self, out: Path | str = "assets", host: str = "127.0.0.1", port: int = 8002, *, csp: bool = True,
                 watch: bool = True, static: Path | None = None, on_event: Callable[[str], None] | None = None) -> None:
        self.out = Path(out)
        self.static = static or static_dir()
        self.host, self.csp, self.watch = host, csp, watch
        self.say = on_event or (lambda message: log.info("%s", message))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.build: BuildResult = self._rebuild()
        self.renderer = Renderer()
        self.builds = 1
        self.runs = RunService(self.renderer, MemoryStore(), lane=Lane())
        self.httpd = _Server((host, port), self._handler())
        self.port = self.httpd.server_address[1]
        self._threads: list[threading.Thread] = []

    def _rebuild(self) -> BuildResult:
        result = build(self.out, self.static)
        self.say(f"built {result.path}")
        return result

    def rebuild(self) -> None:
        """Rebuild assets and reload templates (new renderer), e.g. after a file changed."""
        try:
            result = self._rebuild()
        except Exception as exc:  # keep serving the last good build
            self.say(f"build failed: {exc}")
            return
        with self._lock:
            self.build, self.renderer = result, Renderer()
            self.runs = RunService(self.renderer, self.runs.store, lane=self.runs.lane)
            self.builds += 1

    def start(self) -> DevServer:
        if self.watch:
            import watchfiles  # noqa: F401 - fail here, in the caller, not in the watcher thread

        serve = threading.Thread(target=self.httpd.serve_forever, name="bai-media-serve", daemon=True)
        serve.start()
        self._threads.append(serve)
        if self.watch:
            watcher = threading.Thread(target=self._watch, name="bai-media-watch", daemon=True)
            watcher.start()
            self._threads.append(watcher)
        self.say(f"serving on http://{self.host}:{self.port}/ (assets at /latest/)")
        return self

    def _watch(self) -> None:
        from watchfiles import watch

        for changes in watch(self.static, templates_dir(), stop_event=self._stop, debounce=200, rust_timeout=500):
            names = sorted({Path(path).name for _, path in changes})
            self.say(f"changed: {', '.join(names)}; rebuilding")
            self.rebuild()

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def preview(self) -> str:
        from .. import formats

        with self._lock:
            renderer, manifest = self.renderer, self.build.manifest
        body = formats.render(showcase_media(), "auto", "showcase", renderer)
        head = asset_tags("/latest", manifest, render_endpoint="/render")
        return renderer.render_page(Markup(body), title="bai-media preview", head=head)

    def index(self) -> str:
        """``/latest/``: the files of the current build, as the README promises it is there."""
        with self._lock:
            build = self.build
        rows = Markup("").join(
            Markup('<li><a href="/latest/{0}">{0}</a> {1:,} bytes</li>').format(name, info["size"])
            for name, info in sorted(build.manifest["files"].items()))
        return str(Markup('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bai-media build {0}</title>'
                          '</head><body><h1>Build {0}</h1><ul>{1}<li><a href="/latest/manifest.json">manifest.json</a>'
                          '</li></ul></body></html>\n').format(build.hash, rows))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "bai-media-dev"
            timeout = READ_TIMEOUT  # per socket read, request line and headers included
            _deadline = 0.0  # for the whole body of the current request

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("serve: " + format, *args)

            def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self.send_header("X-Content-Type-Options", "nosniff")
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_HEAD(self) -> None:
                self.do_GET()

            def _foreign_host(self) -> bool:
                if local_host(self.headers.get("Host"), server.host):
                    return False
                self._send(421, b"unknown host name\n", "text/plain; charset=utf-8")
                return True

            def do_GET(self) -> None:
                if self._foreign_host():
                    return
                path = urlsplit(self.path).path
                if path in ("/", "/index.html"):
                    headers = {"Content-Security-Policy": STRICT_CSP} if server.csp else {}
                    self._send(200, server.preview().encode(), "text/html; charset=utf-8", headers)
                elif path in ("/latest", "/latest/"):
                    headers = {"Content-Security-Policy": STRICT_CSP} if server.csp else {}
                    self._send(200, server.index().encode(), "text/html; charset=utf-8", headers)
                elif path.startswith("/latest/"):
                    self._asset(path[len("/latest/"):])
                elif path == "/healthz":
                    self._send(200, json.dumps({"hash": server.build.hash, "builds": server.builds}).encode(), "application/json")
                else:
                    self._send(404, b"not found\n", "text/plain; charset=utf-8")

            def _asset(self, relative: str) -> None:
                root = server.build.path.resolve()
                target = (root / relative).resolve()
                if not target.is_relative_to(root) or not target.is_file():
                    self._send(404, b"not found\n", "text/plain; charset=utf-8")
                    return
                ctype, encoding = content_type(target.name)
                self._send(200, target.read_bytes(), ctype, {"Content-Encoding": encoding} if encoding else None)

            def do_POST(self) -> None:
                if self._foreign_host():
                    return
                if urlsplit(self.path).path != "/render":
                    self._send(404, b"not found\n", "text/plain; charset=utf-8")
                    return
                if not same_origin(self.headers.get("Origin"), f"http://{self.headers['Host']}/"):
                    self._send(403, b"cross-origin request refused\n", "text/plain; charset=utf-8")
                    return
                length = self.headers.get("Content-Length")
                if length is None or not length.isdigit():  # no chunked decoding here: refuse plainly
                    self._send(411, b"a Content-Length is required\n", "text/plain; charset=utf-8")
                    self.close_connection = True
                    return
                self._deadline = time.monotonic() + READ_TIMEOUT
                try:
                    body = read_body(self.headers.get("Content-Type", ""), int(length), self._read_body, MAX_BODY)
                except ValueError as exc:
                    body = Answer(HTTPStatus.BAD_REQUEST, f"{exc}\n")
                # One local developer: one scope, so continued results work without sessions.
                answer = server.runs.respond(body, "dev-server")
                self._send(answer.status, answer.body.encode(), answer.content_type, answer.headers)
                if answer.status != HTTPStatus.OK:
                    self.close_connection = True  # the body may be unread

            def _read_body(self, size: int) -> bytes:
                """Up to ``size`` bytes of the body, or a ValueError once the client is slower than
                READ_TIMEOUT in all (read_body reads in chunks; the deadline spans them all)."""
                try:
                    chunk = self.rfile.read1(size)
                except TimeoutError as exc:
                    raise ValueError("the body arrived too slowly") from exc
                if not chunk or time.monotonic() > self._deadline:
                    raise ValueError("the body ended early or arrived too slowly")
                return chunk

        return Handler
