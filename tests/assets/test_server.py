"""The dev server: preview under a strict CSP, /latest/ assets, on-demand chunks, the JS shim,
rebuild on change. Started on 127.0.0.1 by the tests and stopped after."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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
