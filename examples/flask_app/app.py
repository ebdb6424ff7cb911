"""A Flask app showing bai-media: rendered results, a replayed Backend.AI run, the JS shim.

    pip install -e '.[flask]'
    python examples/flask_app/app.py            # http://127.0.0.1:5000/

Several processes continuing the same runs (settings from ``FLASK_*`` environment variables):

    FLASK_SECRET_KEY=... FLASK_BAI_MEDIA_STATE_STORE=redis://127.0.0.1:6379/0 \
        gunicorn -w 4 --chdir examples/flask_app 'app:create_app()'
"""

from __future__ import annotations

import argparse
import json
import secrets
from pathlib import Path

from flask import Flask, render_template
from markupsafe import Markup

from bai_media.contrib.flask import BaiMedia
from bai_media.formats import BackendAISession

EXAMPLES = Path(__file__).resolve().parents[1]


def create_app() -> Flask:
    app = Flask(__name__, static_folder=str(EXAMPLES / "shared_static"), static_url_path="/static")
    app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_BAI_MEDIA_STATE_STORE, ...
    if not app.secret_key:  # one process only: several must share FLASK_SECRET_KEY
        app.secret_key = secrets.token_hex(32)
    BaiMedia(app)

    @app.get("/")
    def index() -> str:
        session = BackendAISession("demo-run")
        for result in json.loads((EXAMPLES / "backendai_run.json").read_text()):
            session.feed(result)  # what a front-end does as each `continued` result arrives
        showcase = json.loads((EXAMPLES / "showcase.json").read_text())
        return render_template("index.html", run=Markup(session.__html__()), showcase=showcase[:8])

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    create_app().run(host="127.0.0.1", port=args.port)
