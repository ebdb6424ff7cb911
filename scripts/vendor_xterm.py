"""Refresh the vendored xterm.js in static/vendor/xterm/ from npm (`npm pack`, pinned versions).

The UMD builds are wrapped so they export into ``BackendAI.Media.vendor`` instead of the page's
globals; source-map comments are dropped (the maps are not shipped). Licenses are copied beside.
Run: ``python scripts/vendor_xterm.py`` (needs ``npm``); change the pins below to upgrade.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGES = {"@xterm/xterm": "6.0.0", "@xterm/addon-fit": "0.11.0"}
TARGET = Path(__file__).resolve().parents[1] / "static" / "vendor" / "xterm"
#: package -> (file inside the tarball, vendored name, export name)
FILES = {
    "@xterm/xterm": ("package/lib/xterm.js", "xterm.js", "xterm"),
    "@xterm/addon-fit": ("package/lib/addon-fit.js", "addon-fit.js", "fit"),
}
WRAP = (
    "/*! {package} {version} | MIT License | Copyright (c) The xterm.js authors | vendored by scripts/vendor_xterm.py */\n"
    "(function (BackendAI) {{\nvar module = {{exports: {{}}}}, exports = module.exports, define;\n"
    "{code}\n;BackendAI.Media.vendor = BackendAI.Media.vendor || {{}};\n"
    "BackendAI.Media.vendor.{name} = module.exports;\n}})(window.BackendAI);\n"
)


def strip_source_map(code: str) -> str:
    return "\n".join(line for line in code.split("\n") if not line.startswith("//# sourceMappingURL=")).rstrip("\n") + "\n"


def fetch(package: str, version: str, work: Path) -> Path:
    out = subprocess.run(["npm", "pack", f"{package}@{version}", "--json", "--pack-destination", str(work)],
                         check=True, capture_output=True, text=True).stdout
    return work / json.loads(out)[0]["filename"]


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bai-media-npm-") as tmp:
        for package, version in PACKAGES.items():
            inner, name, export = FILES[package]
            with tarfile.open(fetch(package, version, Path(tmp))) as tar:
                read = lambda member: tar.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]  # noqa: E731
                manifest = json.loads(read("package/package.json"))
                if manifest["version"] != version or manifest["license"] != "MIT":
                    raise SystemExit(f"{package}: unexpected version or license in {manifest}")
                code = strip_source_map(read(inner))
                (TARGET / name).write_text(WRAP.format(package=package, version=version, code=code, name=export))
                (TARGET / f"LICENSE-{name.removesuffix('.js')}").write_text(read("package/LICENSE"))
                if package == "@xterm/xterm":
                    notice = f"/*! {package} {version} | MIT License | Copyright (c) The xterm.js authors */\n"
                    (TARGET / "xterm.css").write_text(notice + read("package/css/xterm.css"))
            print(f"vendored {package}@{version}", file=sys.stderr)
    (TARGET / "VERSIONS.json").write_text(json.dumps(PACKAGES, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
