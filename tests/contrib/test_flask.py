"""Flask: a real app with the extension, through Flask's test client."""

from __future__ import annotations

import io
import threading

import pytest
from flask import Flask, render_template_string

from bai_media import Renderer
from bai_media.contrib.common import local_assets
from bai_media.contrib.flask import BaiMedia, _renderer

from ..attacks import HTML_ATTACKS
from ..html_checks import active_content
from .shout import shouting_renderer

PAGE = """<!doctype html><head>{{ bai_media_assets() }}</head><body>
{{ note }}
{{ bai_media(items, "r") }}
{{ result|bai_media("run") }}
</body>"""


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config["TESTING"] = True
    ext = BaiMedia()
    ext.init_app(app)

    @app.get("/page")
    def page() -> str:
        items = [["text/html", "<table class='dataframe'><tr><td>1</td></tr></table>"]] + [["text/html", a] for a in HTML_ATTACKS]
        result = {"status": "finished", "exitCode": 0, "console": [["stdout", "\x1b[31mred\x1b[0m\n"]]}
        return render_template_string(PAGE, items=items, result=result, note="<b>escaped</b>")

    return app


def test_page_has_sanitized_fragments_assets_and_autoescape(app: Flask) -> None:
    html = app.test_client().get("/page").get_data(as_text=True)
    asset_hash = local_assets()[0]
    assert f'<script src="/bai-media/assets/{asset_hash}/js/main.min.js" defer data-asset-root="/bai-media/assets/{asset_hash}"' in html
    assert 'data-render-endpoint="/bai-media/render"' in html and html.count('integrity="sha384-') == 2
    assert "&lt;b&gt;escaped&lt;/b&gt;" in html
    assert 'class="dataframe"' in html and '<span class="bai-ansi-fg-1">red</span>' in html
    body = html.split("</head>", 1)[1]
    assert active_content(body) == []


def test_configured_asset_root_is_used(app: Flask) -> None:
    asset_hash = local_assets()[0]
    app.config["BACKENDAI_ASSET_ROOT"] = f"https://cdn.example.org/bai/{asset_hash}"
    html = app.test_client().get("/page").get_data(as_text=True)
    assert f'href="https://cdn.example.org/bai/{asset_hash}/css/bai-media.min.css" integrity="sha384-' in html


def test_render_endpoint(app: Flask) -> None:
    client = app.test_client()
    ok = client.post("/bai-media/render", json={"media": [["text/html", "<i>x</i><script>alert(1)</script>"]], "result_id": "live"})
    assert ok.status_code == 200 and 'id="live-0"' in ok.get_data(as_text=True) and "<script>" not in ok.get_data(as_text=True)
    assert client.post("/bai-media/render", data={"media": "x"}).status_code == 415
    assert client.post("/bai-media/render", json={"media": []}, headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/bai-media/render", json={"nope": 1}).status_code == 400
    app.config["BAI_MEDIA_MAX_BODY"] = 10
    assert client.post("/bai-media/render", json={"media": [["text/plain", "long enough"]]}).status_code == 413


def test_local_assets_are_served_immutable(app: Flask) -> None:
    asset_hash = local_assets()[0]
    client = app.test_client()
    js = client.get(f"/bai-media/assets/{asset_hash}/js/main.min.js")
    assert js.status_code == 200 and js.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert js.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(f"/bai-media/assets/{asset_hash}/js/main.min.js.gz").headers["Content-Encoding"] == "gzip"
    assert client.get("/bai-media/assets/0000000000000000/js/main.min.js").status_code == 404
    assert client.get(f"/bai-media/assets/{asset_hash}/../../app.py").status_code == 404


def test_one_extension_serves_several_apps() -> None:
    ext = BaiMedia()
    apps = [Flask(f"a{i}") for i in range(2)]
    for app in apps:
        ext.init_app(app)
        assert app.extensions["bai_media"] is ext and "bai_media_assets" in app.jinja_env.globals
    assert not hasattr(ext, "app")


def test_continuing_is_per_session_and_limits_agree(app: Flask) -> None:
    app.secret_key = "test-secret"
    alice, mallory = app.test_client(), app.test_client()
    alice.post("/bai-media/render", json={"media": [["stdout", "line one\n"]], "result_id": "run1"})
    more = {"media": [["stdout", "line two\n"]], "result_id": "run1", "continue": True}
    assert mallory.post("/bai-media/render", json=more).status_code == 409
    second = alice.post("/bai-media/render", json=more).get_data(as_text=True)
    assert 'id="run1-0" data-type="stdout" data-bai-append>' in second and ">line two\n</pre>" in second
    image = {"media": [["image/png", "A" * 12_000_000]], "result_id": "big"}
    assert alice.post("/bai-media/render", json=image).status_code == 413
    app.config["BAI_MEDIA_MAX_BODY"] = 20_000_000  # raising the limit is enough: no second, hidden one
    assert alice.post("/bai-media/render", json=image).status_code == 200
    # A chunked body as gunicorn passes it on: no length, the stream ends with the body.
    chunked = alice.post("/bai-media/render", input_stream=io.BytesIO(b'{"media": [["stdout", "chunked\\n"]]}'),
                         headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                         environ_overrides={"wsgi.input_terminated": True})
    assert chunked.status_code == 200 and "chunked" in chunked.get_data(as_text=True)
    nested = alice.post("/bai-media/render", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert nested.status_code == 400


def test_without_a_secret_key_nothing_is_continued(app: Flask) -> None:
    client = app.test_client()
    assert client.post("/bai-media/render", json={"media": [], "result_id": "r"}).status_code == 200
    assert client.post("/bai-media/render", json={"media": [], "result_id": "r", "continue": True}).status_code == 400
SHOUT_PAGE = '{{ bai_media([["application/x-shout", "hi"]], "a") }}|{{ [["application/x-shout", "<yo>"]]|bai_media("b") }}'


@pytest.mark.parametrize("where", ["constructor", "init_app"])
def test_injected_renderer_reaches_helpers_filter_and_endpoint(where: str) -> None:
    app = Flask(__name__)
    renderer = shouting_renderer()
    if where == "constructor":
        BaiMedia(app, renderer=renderer)
    else:
        BaiMedia().init_app(app, renderer=renderer)
    app.add_url_rule("/page", "page", lambda: render_template_string(SHOUT_PAGE))
    client = app.test_client()
    html = client.get("/page").get_data(as_text=True)
    assert '<strong class=shout>HI</strong>' in html and '<strong class=shout>&lt;YO&gt;</strong>' in html
    answer = client.post("/bai-media/render", json={"media": [["application/x-shout", "live"]], "result_id": "r"})
    assert answer.status_code == 200 and "<strong class=shout>LIVE</strong>" in answer.get_data(as_text=True)
    plain = Flask("plain")
    BaiMedia(plain)  # other apps keep the default renderer, which does not know the type
    plain.add_url_rule("/page", "page", lambda: render_template_string(SHOUT_PAGE))
    assert "class=shout" not in plain.test_client().get("/page").get_data(as_text=True)


def test_init_app_renderer_is_per_app() -> None:
    ext = BaiMedia(renderer=shouting_renderer())
    default_app, own_app = Flask("a"), Flask("b")
    ext.init_app(default_app)
    own = Renderer()
    ext.init_app(own_app, renderer=own)
    with default_app.app_context():
        assert _renderer() is ext.renderer
    with own_app.app_context():
        assert _renderer() is own


def test_nested_json_body_is_a_400_not_a_500(app: Flask) -> None:
    client = app.test_client()
    for body in ("[" * 100_000, '{"media": [], "result_id": ' + "[" * 500 + "]" * 500 + "}"):
        assert client.post("/bai-media/render", data=body, content_type="application/json").status_code == 400


def test_a_44_byte_post_cannot_ask_for_megabytes(app: Flask) -> None:
    body = '{"media": [["stdout", "\\u001b[100000000Gx"]]}'
    response = app.test_client().post("/bai-media/render", data=body, content_type="application/json")
    assert response.status_code == 200 and len(response.get_data()) < 5000


def test_remote_media_policy_from_config(app: Flask) -> None:
    app.config["BAI_MEDIA_REMOTE_MEDIA"] = "block"
    body = {"media": [["text/html", "<img src='https://attacker.example/p.png'>"]]}
    html = app.test_client().post("/bai-media/render", json=body).get_data(as_text=True)
    assert 'src="https://attacker' not in html and "bai-media-remote-link" in html


def test_remote_media_config_builds_the_default_renderer_an_injected_one_keeps_its_own() -> None:
    body = {"media": [["text/html", "<img src='https://attacker.example/p.png'>"]]}
    blocked, injected = Flask("blocked"), Flask("injected")
    blocked.config["BAI_MEDIA_REMOTE_MEDIA"] = "block"
    BaiMedia(blocked)
    injected.config["BAI_MEDIA_REMOTE_MEDIA"] = "block"  # the injected renderer's own policy wins
    BaiMedia(injected, renderer=Renderer(remote_media="https://proxy.test/p?u={url}"))
    html = blocked.test_client().post("/bai-media/render", json=body).get_data(as_text=True)
    assert "bai-media-remote-link" in html and 'src="https://attacker' not in html
    html = injected.test_client().post("/bai-media/render", json=body).get_data(as_text=True)
    assert 'src="https://proxy.test/p?u=https%3A%2F%2Fattacker.example%2Fp.png"' in html


def test_a_heavy_request_finding_every_slot_taken_is_told_to_retry(app: Flask) -> None:
    from bai_media.contrib.flask import _service

    app.config.update(BAI_MEDIA_HEAVY_BODY=1_000, BAI_MEDIA_HEAVY_SLOTS=1)
    with app.app_context():
        lane = _service().lane
    assert lane is not None and lane.threshold == 1_000 and lane.slots == 1
    client = app.test_client()
    big = {"media": [["text/markdown", "*big* " * 400]], "result_id": "big"}
    inside, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=lane.run, args=(lambda: (inside.set(), release.wait(10)),))
    holder.start()
    try:
        assert inside.wait(10)
        refused = client.post("/bai-media/render", json=big)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
        assert client.post("/bai-media/render", json={"media": [["stdout", "small"]]}).status_code == 200
    finally:
        release.set()
        holder.join()
    answer = client.post("/bai-media/render", json=big)
    assert answer.status_code == 200 and "Retry-After" not in answer.headers and "<em>big</em>" in answer.get_data(as_text=True)
