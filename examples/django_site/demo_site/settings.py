"""Settings for the demo site: the minimum Django needs, plus bai-media."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
EXAMPLES = BASE_DIR.parents[1]

SECRET_KEY = "demo-only-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "demo_site.urls"
INSTALLED_APPS = ["django.contrib.staticfiles", "bai_media.contrib.django"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",  # bai-media continues runs per session
    "django.middleware.csrf.CsrfViewMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"  # no database in this demo
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"],
    "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
}]
DATABASES: dict = {}
STATIC_URL = "/static/"
STATICFILES_DIRS = [EXAMPLES / "shared_static"]
USE_TZ = True
# Unset: the app serves the installed assets itself. In production, point it at `bai-media deploy`'s output.
BACKENDAI_ASSET_ROOT = None
