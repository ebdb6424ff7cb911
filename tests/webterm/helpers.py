"""Real servers for the web terminal tests, on 127.0.0.1, stopped after; and process checks."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
SHELL = "bash --norc --noprofile"


def marked_pids(mark: str) -> list[int]:
    """Processes whose environment carries ``mark``: every shell a test server started."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            if f"BAI_MEDIA_TEST_MARK={mark}".encode() in environ.split(b"\0"):
                found.append(int(entry))
        except OSError:
            continue
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError("no VmRSS")


class TerminalCli:
    """``bai-media terminal`` as a user runs it, in its own process group."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.mark = uuid.uuid4().hex
        cmd = [sys.executable, "-m", "bai_media.cli", "terminal", "--port", "0", *args]
        full_env = {**os.environ, "BAI_MEDIA_TEST_MARK": self.mark, "PS1": "$ ", **(env or {})}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env,
                                     cwd=ROOT, start_new_session=True)
        self.lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                raise RuntimeError(f"bai-media terminal exited: {self.proc.stderr.read()}")  # type: ignore[union-attr]
            self.lines.append(line.rstrip("\n"))
            if line.startswith("http://"):
                break
        self.url = self.lines[-1]
        parts = urlsplit(self.url)
        self.netloc = parts.netloc
        self.origin = f"http://{parts.netloc}"
        self.token = parse_qs(parts.query)["token"][0]

    def shells(self) -> list[int]:
        """Processes the server started (they inherit the mark; the server itself is left out)."""
        return [pid for pid in marked_pids(self.mark) if pid != self.proc.pid]

    def ws_url(self, session: str = "terminal", token: str | None = None) -> str:
        return f"ws://{self.netloc}/ws/{session}?token={self.token if token is None else token}"

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
        return self.proc.returncode


@contextmanager
def terminal_cli(*args: str) -> Iterator[TerminalCli]:
    cli = TerminalCli("--command", SHELL, *args)
    try:
        yield cli
    finally:
        cli.stop()
        # No shell may outlive the server; leftovers are killed so a failure cannot leak them.
        leftovers = marked_pids(cli.mark)
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert not leftovers, f"processes left behind: {leftovers}"


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """An ASGI app under a real uvicorn on a free loopback port, in a thread; yields host:port."""
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="websockets-sansio", lifespan="off"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def stdin(text: str, sid: str = "terminal") -> str:
    return json.dumps({"sid": sid, "type": "stdin", "chars": base64.b64encode(text.encode()).decode()})


async def read_until(ws: Any, needle: bytes, timeout: float = 10) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while needle not in out:
        message = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
        if message["type"] == "out":
            out += base64.b64decode(message["data"])
    return out


def run_async(coro: Any) -> Any:
    """``asyncio.run`` in a fresh thread: Playwright's sync API holds a loop in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class JupyterServer:
    """A real jupyter_server with jupyter-server-terminals on 127.0.0.1, isolated config, a token."""

    def __init__(self, tmp: Path) -> None:
        import secrets
        import socket

        self.token = secrets.token_hex(16)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        config = tmp / "config"
        config.mkdir()
        (config / "jupyter_server_config.py").write_text(
            "c.ServerApp.terminado_settings = {'shell_command': ['bash', '--norc', '--noprofile']}\n")
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_DATA_DIR": str(tmp / "data"),
               "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "JUPYTER_PLATFORM_DIRS": "1", "PS1": "$ ",
               "BAI_MEDIA_TEST_MARK": uuid.uuid4().hex}
        self.mark = env["BAI_MEDIA_TEST_MARK"]
        self.log = open(tmp / "jupyter.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False",
             f"--ServerApp.root_dir={tmp}", "--ServerApp.allow_root=True"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        import urllib.request

        while True:
            try:
                req = urllib.request.Request(self.url + "api/terminals", headers={"Authorization": f"token {self.token}"})
                with urllib.request.urlopen(req, timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"jupyter_server did not start: {(tmp / 'jupyter.log').read_text()[-2000:]}")
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                pass
        with suppress_lookup():
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(5)
        self.log.close()
        for pid in marked_pids(self.mark):
            with suppress_lookup():
                os.kill(pid, signal.SIGKILL)


def suppress_lookup() -> Any:
    import contextlib

    return contextlib.suppress(ProcessLookupError, PermissionError)
