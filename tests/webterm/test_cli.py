"""``bai-media terminal`` option errors: one line, non-zero exit, no traceback, nothing started."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from bai_media.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["terminal", *args], env=env)
    return result.exit_code, result.output


def test_missing_settings_are_one_line_errors() -> None:
    code, out = run("--backend", "jupyter", "--port", "0", env={"JUPYTER_URL": ""})
    assert code == 1 and out == "bai-media: error: --jupyter-url or JUPYTER_URL is required for --backend jupyter\n"
    code, out = run("--backend", "backendai", "--port", "0", env={"BACKEND_ENDPOINT": "", "BACKEND_ACCESS_KEY": ""})
    assert code == 1 and "--endpoint or BACKEND_ENDPOINT is required" in out and "Traceback" not in out
    code, out = run("--backend", "backendai", "--endpoint", "http://127.0.0.1:1", "--port", "0",
                    env={"BACKEND_ACCESS_KEY": "", "BACKEND_SECRET_KEY": ""})
    assert code == 1 and "access key and secret key are required" in out


def test_bad_session_name_and_busy_port() -> None:
    code, out = run("--session", "../etc")
    assert code == 1 and "is not a valid session name" in out
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code, out = run("--port", str(busy.getsockname()[1]))
    assert code == 1 and out.startswith("bai-media: error: cannot listen on 127.0.0.1:") and out.count("\n") == 1
