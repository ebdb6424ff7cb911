"""The built wheel carries templates/, static/ and the built assets, and renders when installed elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from bai_media.assets.installed import installed_assets

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installs_and_renders_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("bai_media-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "bai_media/templates/item.html" in names
    assert "bai_media/static/css/bai-media.css" in names
    assert {"bai_media/assets/prebuilt/manifest.json", "bai_media/assets/prebuilt/js/main.min.js.gz"} <= set(names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = (
        "import bai_media, sys; from bai_media.resources import templates_dir;"
        "assert bai_media.__file__.startswith(sys.argv[1]), bai_media.__file__;"
        "assert str(templates_dir()).startswith(sys.argv[1]);"
        "r = bai_media.Renderer(); print(r.render_page(r.handle_all([('text/plain', '<wheel>')], 'w')))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code, str(target)], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True).stdout
    assert "&lt;wheel&gt;" in out and ".bai-media-item" in out
    # Installed from the wheel, the assets are never built: the minifier is not even reachable.
    asset_hash = installed_assets().hash
    code = (
        "import importlib; importlib.import_module('bai_media.assets.build')._minify = None;"
        "from bai_media import asset_tags; from bai_media.contrib.common import local_asset, local_assets;"
        "h, files, manifest = local_assets(); print(h);"
        "print(asset_tags('https://cdn.example.org/bai/' + h));"
        "print(local_asset(h, 'js/main.min.js.gz')[1]['Content-Encoding'])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout
    assert out.splitlines()[0] == asset_hash  # the same build the checkout makes from the same sources
    assert out.count('integrity="sha384-') == 2 and out.splitlines()[-1] == "gzip"
