"""The dev server: preview under a strict CSP, /latest/ assets, on-demand chunks, the JS shim,
rebuild on change. Started on 127.0.0.1 by the tests and stopped after."""

from __future__ import annotations

import json
import shutil
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bai_media.assets import server as server_module
from bai_media.assets.server import STRICT_CSP, DevServer
from bai_media.assets.tags import asset_tags
from bai_media.resources import static_dir

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DevServer]:
    static = tmp_path / "static"
    shutil.copytree(static_dir(), static)
    dev = DevServer(tmp_path / "assets", "127.0.0.1", 0, static=static).start()
    try:
        yield dev
    finally:
        dev.stop()


def url(server: DevServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def test_preview_under_strict_csp_loads_runtime_and_drawing_chunk(server: DevServer, load_page) -> None:  # type: ignore[no-untyped-def]
    with urllib.request.urlopen(url(server, "/")) as response:
        assert response.headers["Content-Security-Policy"] == STRICT_CSP
    page = load_page.open(url=url(server, "/"), wait_ms=1500)
    assert url(server, "/latest/js/main.min.js") in page.requests
    assert url(server, "/latest/js/chunks/drawing.min.js") in page.requests
    assert page.evaluate("document.querySelectorAll('.bai-media-copy').length") >= 3
    assert page.evaluate("document.querySelectorAll('.bai-media-replay').length") == 2
    assert page.evaluate("getComputedStyle(document.querySelector('.bai-media-stream')).fontFamily").startswith("ui-monospace")
    assert page.console_errors == [] and page.page_errors == [] and page.hits == [] and page.blocked_requests == []


def test_chunk_is_not_fetched_without_a_drawing_and_the_shim_renders_through_the_endpoint(server: DevServer, load_page) -> None:  # type: ignore[no-untyped-def]
    html = (f"<!doctype html><html><head>{asset_tags('/latest', server.build.manifest, render_endpoint='/render')}</head>"
            "<body><div id='out' class='bai-media'></div></body></html>")
    test_url = url(server, "/test.html")
    page = load_page.open(url=test_url, fulfill={test_url: (html, {"Content-Security-Policy": STRICT_CSP})}, wait_ms=500)
    assert not any("chunks" in r for r in page.requests)
    first = page.page.evaluate("""async () => {
        const box = document.getElementById('out');
        await BackendAI.Media.handle_all([["text/html", "<b>bold</b><img src=x onerror=__pwned(1)>"], ["stdout", "hi\\n"]], "shim", box);
        await BackendAI.Media.handle_all([["text/html", "<i>replaced</i>"]], "shim", box);
        return [box.querySelectorAll('.bai-media-item').length, document.getElementById('shim-0').innerHTML.includes('<i>replaced</i>'),
                document.getElementById('shim-1').textContent.includes('hi')];
    }""")
    assert first == [2, True, True]
    assert page.evaluate("window.__hits") == [] and page.console_errors == []
    assert url(server, "/render") in page.requests


def test_render_endpoint_refuses_non_json_and_oversized_bodies(server: DevServer) -> None:
    request = urllib.request.Request(url(server, "/render"), data=b"media=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request)
    assert err.value.code == 415
    ok = urllib.request.Request(url(server, "/render"), data=json.dumps({"media": [["text/plain", "<x>"]], "result_id": "r"}).encode(),
                                headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(ok) as response:
        assert 'id="r-0"' in response.read().decode()


def _raw(server: DevServer, request: bytes, wait: float = 5.0) -> bytes:
    """Send raw bytes and read the whole answer (headers a client library would not send)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def _post(body: bytes, host: str = "127.0.0.1", extra: str = "", length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    return (f"POST /render HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n{extra}Connection: close\r\n\r\n").encode() + body


def test_foreign_host_names_are_refused_against_dns_rebinding(server: DevServer) -> None:
    for host in ("attacker.example", f"attacker.example:{server.port}", "127.0.0.1.nip.io"):
        assert _raw(server, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()).startswith(b"HTTP/1.0 421")
        assert _raw(server, _post(b'{"media": []}', host)).startswith(b"HTTP/1.0 421")
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"[::1]:{server.port}"):
        assert _raw(server, f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()).startswith(b"HTTP/1.0 200")


def test_render_endpoint_checks_origin(server: DevServer) -> None:
    body = b'{"media": [["text/plain", "x"]]}'
    assert _raw(server, _post(body, extra="Origin: http://attacker.example\r\n")).startswith(b"HTTP/1.0 403")
    assert _raw(server, _post(body, extra="Origin: null\r\n")).startswith(b"HTTP/1.0 403")
    same = f"Origin: http://127.0.0.1:{server.port}\r\n"
    assert _raw(server, _post(body, f"127.0.0.1:{server.port}", same)).startswith(b"HTTP/1.0 200")


def test_nested_json_and_bad_lengths_answer_400_not_a_dropped_connection(server: DevServer) -> None:
    assert _raw(server, _post(b"[" * 100_000)).startswith(b"HTTP/1.0 400")
    assert _raw(server, _post(b'{"media": [], "result_id": ' + b"[" * 500 + b"]" * 500 + b"}")).startswith(b"HTTP/1.0 400")
    assert _raw(server, _post(b"{}", extra="", length=None).replace(b"Content-Length: 2", b"Content-Length: x")).startswith(b"HTTP/1.0 413")


def test_a_body_shorter_than_its_content_length_does_not_hold_a_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_module, "READ_TIMEOUT", 1)
    dev = DevServer(tmp_path / "assets", "127.0.0.1", 0, watch=False).start()
    try:
        with socket.create_connection(("127.0.0.1", dev.port), timeout=30) as sock:
            sock.sendall(_post(b'{"media"', length=1000))  # promises 1000 bytes, sends 8, stays open
            start = time.monotonic()
            answer = sock.recv(65536)
            assert answer.startswith(b"HTTP/1.0 400") and time.monotonic() - start < 5
        with socket.create_connection(("127.0.0.1", dev.port), timeout=30) as sock:
            sock.sendall(b"POST /render HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never end
            start = time.monotonic()
            assert sock.recv(65536) == b"" and time.monotonic() - start < 5  # closed, not held
    finally:
        dev.stop()


def test_assets_are_served_with_types_and_gzip(server: DevServer) -> None:
    with urllib.request.urlopen(url(server, "/latest/css/bai-media.min.css")) as response:
        assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    with urllib.request.urlopen(url(server, "/latest/js/main.min.js.gz")) as response:
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert response.headers["Content-Encoding"] == "gzip"
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(url(server, "/latest/../../etc/passwd"))


def test_latest_answers_an_index_of_the_build(server: DevServer) -> None:
    for path in ("/latest/", "/latest"):
        with urllib.request.urlopen(url(server, path)) as response:
            assert response.status == 200 and response.headers["Content-Type"] == "text/html; charset=utf-8"
            page = response.read().decode()
        assert f"Build {server.build.hash}" in page
        for name in [*server.build.manifest["files"], "manifest.json"]:
            assert f'<a href="/latest/{name}">' in page
            with urllib.request.urlopen(url(server, f"/latest/{name}")) as linked:
                assert linked.status == 200


def test_a_change_in_static_rebuilds_and_shows_on_reload(server: DevServer) -> None:
    before = server.build.hash
    css = server.static / "css" / "bai-media.css"
    css.write_text(css.read_text() + "\n.bai-media-rebuilt-marker { color: red; }\n")
    deadline = time.monotonic() + 20
    while server.build.hash == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.build.hash != before
    with urllib.request.urlopen(url(server, "/latest/css/bai-media.min.css")) as response:
        assert b"bai-media-rebuilt-marker" in response.read()
    with urllib.request.urlopen(url(server, "/")) as response:
        assert "/latest/css/bai-media.min.css" in response.read().decode()


def test_the_serve_command_starts_and_stops_on_sigterm(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from bai_media.testing import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bai_media.cli", "serve", "--port", str(port), "--out", str(tmp_path)],
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert json.loads(response.read())["builds"] == 1
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        assert proc.stderr is not None and f"serving on http://127.0.0.1:{port}/" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_preview_has_no_axe_violations(server: DevServer, load_page, scheme: str) -> None:  # type: ignore[no-untyped-def]
    from bai_media.testing import axe_violations

    page = load_page.open(url=url(server, "/"), wait_ms=1000, color_scheme=scheme)
    assert axe_violations(page.page) == []
