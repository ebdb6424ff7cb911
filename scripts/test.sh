#!/usr/bin/env bash
# Install everything the tests need into a venv and run every test. Arguments go to pytest.
#   bash scripts/test.sh            # all tests
#   bash scripts/test.sh -k ansi    # a subset
# Browser tests need Debian's chromium at /usr/bin/chromium; run as root, this installs it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${BAI_MEDIA_VENV:-.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
"$venv/bin/python" -c 'import bai_media, pytest, playwright, nh3, bleach' # fail here, clearly, if the install did not
# The official Backend.AI client's wheel, only read by the signing cross-check (its dependencies
# are heavy and pinned, so it is downloaded, never installed).
sdk=.cache/sdk
ls "$sdk"/backend.ai_client-23.9.10-*.whl >/dev/null 2>&1 || "$venv/bin/python" -m pip download -q --disable-pip-version-check --no-deps -d "$sdk" 'backend.ai-client==23.9.10' 2>&1 | grep -v '^WARNING: Location' || true
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian chromium for the browser tests..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "note: /usr/bin/chromium is missing; browser tests will be skipped (apt-get install chromium)" >&2
  fi
fi
exec "$venv/bin/python" -m pytest "$@"
