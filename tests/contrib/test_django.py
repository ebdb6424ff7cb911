"""Django: the app, template tags, CSRF-protected endpoint and system check, via Django's test client."""

from __future__ import annotations

import threading

import django
import pytest
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="test",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["bai_media.contrib.django"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware"],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "OPTIONS": {}}],
        DATABASES={},
        USE_TZ=True,
    )
    django.setup()

from django.core import checks  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import ensure_csrf_cookie  # noqa: E402

from bai_media.contrib.common import local_assets  # noqa: E402
from bai_media.contrib.django.settings import renderer  # noqa: E402

from ..attacks import HTML_ATTACKS  # noqa: E402
from ..html_checks import active_content  # noqa: E402
from .shout import SHOUT  # noqa: E402

TEMPLATE = """{% load bai_media %}<head>{% bai_media_assets %}</head><body>{{ note }}
{% bai_media items "r" %}
{{ result|bai_media:"run" }}</body>"""


@ensure_csrf_cookie
def page(request: HttpRequest) -> HttpResponse:
    items = [["text/html", "<table class='dataframe'><tr><td>1</td></tr></table>"]] + [["text/html", a] for a in HTML_ATTACKS]
    result = {"status": "finished", "exitCode": 0, "console": [["stdout", "\x1b[32mgreen\x1b[0m\n"]]}
    html = engines["django"].from_string(TEMPLATE).render({"items": items, "result": result, "note": "<b>escaped</b>"}, request)
    return HttpResponse(html)


urlpatterns = [path("page", page), path("bai-media/", include("bai_media.contrib.django.urls"))]


def test_page_renders_sanitized_fragments_with_asset_tags() -> None:
    html = Client().get("/page").content.decode()
    asset_hash = local_assets()[0]
    assert f'<script src="/bai-media/assets/{asset_hash}/js/main.min.js" defer data-asset-root="/bai-media/assets/{asset_hash}"' in html
    assert 'data-render-endpoint="/bai-media/render"' in html and html.count('integrity="sha384-') == 2
    assert "&lt;b&gt;escaped&lt;/b&gt;" in html
    assert 'class="dataframe"' in html and '<span class="bai-ansi-fg-2">green</span>' in html
    assert active_content(html.split("</head>", 1)[1]) == []


def test_render_view_requires_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    payload = {"media": [["text/html", "<i>x</i><img src=x onerror=alert(1)>"]], "result_id": "live"}
    assert client.post("/bai-media/render", payload, content_type="application/json").status_code == 403
    client.get("/page")
    token = client.cookies["csrftoken"].value
    ok = client.post("/bai-media/render", payload, content_type="application/json", headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and 'id="live-0"' in ok.content.decode() and "onerror" not in ok.content.decode()
    assert client.post("/bai-media/render", "media=x", content_type="application/x-www-form-urlencoded",
                       headers={"X-CSRFToken": token}).status_code == 415


def test_assets_view() -> None:
    asset_hash = local_assets()[0]
    response = Client().get(f"/bai-media/assets/{asset_hash}/css/bai-media.min.css")
    assert response.status_code == 200 and response["Content-Type"] == "text/css; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Client().get("/bai-media/assets/0000000000000000/css/bai-media.min.css").status_code == 404


def test_configured_root_and_system_check() -> None:
    with override_settings(BACKENDAI_ASSET_ROOT=None, DEBUG=False):
        assert [m.id for m in checks.run_checks()] == ["bai_media.W001"]
    with override_settings(BACKENDAI_ASSET_ROOT="https://cdn.example.org/bai/0123456789abcdef", DEBUG=False):
        assert checks.run_checks() == []
        html = Client().get("/page").content.decode()
        assert 'src="https://cdn.example.org/bai/0123456789abcdef/js/main.min.js"' in html
    with override_settings(BACKENDAI_ASSET_ROOT=None, DEBUG=True):
        assert checks.run_checks() == []


def test_tags_return_markup_safe_in_django() -> None:
    from markupsafe import Markup

    from bai_media.contrib.django.templatetags.bai_media import bai_media

    out = bai_media([["text/plain", "<x>"]], "t")
    assert isinstance(out, Markup) and "&lt;x&gt;" in out
    rendered = engines["django"].from_string("{{ v }}").render({"v": out})
    assert rendered == str(out)


def test_a_visitor_continues_their_own_run_only() -> None:
    alice, mallory = Client(), Client()
    first = alice.post("/bai-media/render", {"media": [["stdout", "one\n"]], "result_id": "r"}, content_type="application/json")
    assert first.status_code == 200 and 'data-result-id="r"' in first.content.decode()
    more = {"media": [["stdout", "two\n"]], "result_id": "r", "continue": True}
    assert mallory.post("/bai-media/render", more, content_type="application/json").status_code == 409
    second = alice.post("/bai-media/render", more, content_type="application/json").content.decode()
    assert 'id="r-0"' in second and ">two\n</pre>" in second and 'class="bai-media"' not in second


def test_runs_in_a_django_cache_store() -> None:
    from bai_media.store import DjangoCacheStore

    with override_settings(BAI_MEDIA_STATE_STORE="django-cache://default"):
        from bai_media.contrib.django.settings import service

        assert isinstance(service().store, DjangoCacheStore)
        client = Client()
        client.post("/bai-media/render", {"media": [["stdout", "a"]], "result_id": "c"}, content_type="application/json")
        again = client.post("/bai-media/render", {"media": [["stdout", "b\n"]], "result_id": "c", "continue": True},
                            content_type="application/json").content.decode()
        assert 'data-bai-append><pre class="bai-media-stream bai-media-stream-stdout">ab\n</pre>' in again  # "a" was unfinished


def test_body_limit_is_bai_medias_not_djangos() -> None:
    image = {"media": [["image/png", "A" * 2_900_000]], "result_id": "big"}  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    answer = Client().post("/bai-media/render", image, content_type="application/json")
    assert answer.status_code == 200 and 'id="big-0"' in answer.content.decode()
    with override_settings(BAI_MEDIA_MAX_BODY=1_000_000):
        refused = Client().post("/bai-media/render", image, content_type="application/json")
        assert refused.status_code == 413 and refused["Content-Type"].startswith("text/plain")
    nested = Client().post("/bai-media/render", "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert nested.status_code == 400
SHOUT_TEMPLATE = '{% load bai_media %}{% bai_media items "a" %}|{{ items|bai_media:"b" }}'


@pytest.mark.parametrize("setting", ["tests.contrib.shout.shouting_renderer", "tests.contrib.shout.SHOUTING"])
def test_configured_renderer_reaches_tag_filter_and_endpoint(setting: str) -> None:
    items = [[SHOUT, "hi"]]
    with override_settings(BAI_MEDIA_RENDERER=setting):
        html = engines["django"].from_string(SHOUT_TEMPLATE).render({"items": items})
        assert html.count("<strong class=shout>HI</strong>") == 2
        answer = Client().post("/bai-media/render", {"media": [[SHOUT, "live"]], "result_id": "r"}, content_type="application/json")
        assert answer.status_code == 200 and "<strong class=shout>LIVE</strong>" in answer.content.decode()
        assert renderer() is renderer()  # a factory is called once
    assert "class=shout" not in engines["django"].from_string(SHOUT_TEMPLATE).render({"items": items})


def test_a_wrong_renderer_setting_is_a_configuration_error() -> None:
    for setting in ("tests.contrib.shout.nothing_here", "tests.contrib.shout.SHOUT"):
        with override_settings(BAI_MEDIA_RENDERER=setting), pytest.raises(ImproperlyConfigured, match="BAI_MEDIA_RENDERER"):
            renderer()


def test_nested_json_body_is_a_400_not_a_500() -> None:
    client = Client()
    for body in ("[" * 100_000, '{"media": [], "result_id": ' + "[" * 500 + "]" * 500 + "}"):
        response = client.post("/bai-media/render", body, content_type="application/json")
        assert response.status_code == 400
    small = client.post("/bai-media/render", '{"media": [["stdout", "\\u001b[100000000Gx"]]}', content_type="application/json")
    assert small.status_code == 200 and len(small.content) < 5000


def test_remote_media_setting_builds_the_default_renderer_a_configured_one_keeps_its_own() -> None:
    items = [["text/html", "<img src='https://attacker.example/p.png'>"]]
    page = '{% load bai_media %}{% bai_media items "a" %}'
    with override_settings(BAI_MEDIA_REMOTE_MEDIA="block"):
        html = engines["django"].from_string(page).render({"items": items})
        assert "bai-media-remote-link" in html and 'src="https://attacker' not in html
        answer = Client().post("/bai-media/render", {"media": items, "result_id": "r"}, content_type="application/json")
        assert answer.status_code == 200 and "bai-media-remote-link" in answer.content.decode()
        with override_settings(BAI_MEDIA_RENDERER="tests.contrib.shout.SHOUTING"):  # allows remote media
            assert 'src="https://attacker.example/p.png"' in engines["django"].from_string(page).render({"items": items})


def test_a_heavy_request_finding_every_slot_taken_is_told_to_retry() -> None:
    from bai_media.contrib.django.settings import service

    big = {"media": [["text/markdown", "*big* " * 400]], "result_id": "big"}
    with override_settings(BAI_MEDIA_HEAVY_BODY=1_000, BAI_MEDIA_HEAVY_SLOTS=1):
        lane = service().lane
        assert lane is not None and lane.threshold == 1_000 and lane.slots == 1
        inside, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=lane.run, args=(lambda: (inside.set(), release.wait(10)),))
        holder.start()
        try:
            assert inside.wait(10)
            refused = Client().post("/bai-media/render", big, content_type="application/json")
            assert refused.status_code == 503 and refused["Retry-After"] == "1"
        finally:
            release.set()
            holder.join()
        answer = Client().post("/bai-media/render", big, content_type="application/json")
        assert answer.status_code == 200 and not answer.has_header("Retry-After") and "<em>big</em>" in answer.content.decode()
