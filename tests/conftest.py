"""Shared fixtures: the optional shared/ corpus, and a real headless Chromium.

Components the tests need (Chromium, S3 servers) are started here and stopped after. When one is
missing, a developer's run skips those tests; in CI (``CI=true``) a missing component fails.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CHROMIUM = os.environ.get("BAI_MEDIA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def need(condition: bool, what: str) -> None:
    """Skip when a component is missing on a developer machine; fail in CI."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true but {what} is missing; .ci/run must provide it")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared next to the checkout; tests that read it skip cleanly without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a user's checkout has none)")
    return SHARED


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    need(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "the playwright package")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
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
        page.on("dialog", lambda d: (report.dialogs.append(d.message), d.dismiss()))
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


@pytest.fixture
def load_page(chromium: Any) -> Iterator[PageLoader]:
    tmp = Path(tempfile.mkdtemp(prefix="bai-media-page-"))
    loader = PageLoader(chromium, tmp)
    try:
        yield loader
    finally:
        loader.close()
        shutil.rmtree(tmp, ignore_errors=True)
