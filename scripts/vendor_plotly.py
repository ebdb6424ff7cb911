"""Refresh the vendored plotly.js: ``npm pack`` the pinned ``plotly.js-dist-min`` and copy its
bundle and licence into static/js/vendor/. Bump VERSION to upgrade, run, rebuild the assets.

    python scripts/vendor_plotly.py
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "plotly.js-dist-min"
VERSION = "4.1.2"
VENDOR = Path(__file__).resolve().parents[1] / "static" / "js" / "vendor"
#: File in the npm tarball -> file in static/js/vendor/.
FILES = {"package/plotly.min.js": "plotly.min.js", "package/LICENSE": "plotly.LICENSE"}


def main() -> int:
    if shutil.which("npm") is None:
        print("vendor_plotly: npm is not installed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bai-media-npm-") as tmp:
        print(f"npm pack {PACKAGE}@{VERSION}", file=sys.stderr)
        out = subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp, check=True,
                             capture_output=True, text=True).stdout.strip().splitlines()[-1]
        VENDOR.mkdir(parents=True, exist_ok=True)
        with tarfile.open(Path(tmp) / out) as tar:
            for member, target in FILES.items():
                source = tar.extractfile(member)
                if source is None:
                    print(f"vendor_plotly: {member} missing from {out}", file=sys.stderr)
                    return 1
                data = source.read()
                (VENDOR / target).write_bytes(data)
                print(f"{target}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}", file=sys.stderr)
    (VENDOR / "plotly.VERSION").write_text(f"{PACKAGE}@{VERSION}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
