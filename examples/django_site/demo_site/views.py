import json

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from markupsafe import Markup

from bai_media.formats import BackendAISession


@ensure_csrf_cookie  # the JS shim sends the csrftoken cookie back as X-CSRFToken
def index(request):
    session = BackendAISession("demo-run")
    for result in json.loads((settings.EXAMPLES / "backendai_run.json").read_text()):
        session.feed(result)
    showcase = json.loads((settings.EXAMPLES / "showcase.json").read_text())
    # Django escapes non-str objects even when they have __html__; Markup is a str, and safe.
    return render(request, "index.html", {"run": Markup(session.__html__()), "showcase": showcase[:8]})
