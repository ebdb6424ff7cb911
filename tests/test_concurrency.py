"""One renderer, eight threads, different results: the same output as rendering them one by one."""

from __future__ import annotations

import base64
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from bai_media import Renderer
from bai_media.formats import BackendAISession
from bai_media.producers import Canvas, Turtle

ROOT = Path(__file__).resolve().parents[1]


def png(i: int) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (3 + i, 2), (i * 20, 0, 0)).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def workload(i: int) -> list:
    canvas = Canvas(100 + i, 80)
    turtle = Turtle(canvas)
    for _ in range(3):
        turtle.forward(20 + i)
        turtle.left(120)
    return [
        ("stdout", f"\x1b[3{i % 8}mthread {i}\x1b[0m\r{'#' * i}\n"),
        ("text/markdown", f"# Title {i}\n\n$x^{i}$ and `code {i}`\n\n```python\nprint({i})\n```"),
        ("text/html", f"<table class='dataframe'><tr><td>{i}</td></tr></table><script>alert({i})</script>"),
        ("text/latex", f"$\\frac{{{i}}}{{x}}$"),
        ("image/png", png(i)),
        ("application/json", {"i": i, "nested": [list(range(i))]}),
        *canvas.update(),
    ]


def test_threads_match_serial_rendering() -> None:
    renderer = Renderer()
    jobs = [workload(i) for i in range(16)]
    serial = [str(renderer.handle_all(job, f"r{i}")) for i, job in enumerate(jobs)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda pair: str(renderer.handle_all(pair[1], f"r{pair[0]}")), enumerate(jobs)))
    assert parallel == serial


def test_streaming_sessions_in_threads_match_serial() -> None:
    run = json.loads((ROOT / "examples" / "backendai_run.json").read_text())
    renderer = Renderer()

    def replay(name: str) -> str:
        session = BackendAISession(name, renderer)
        for result in run:
            session.feed(result)
        return str(session)

    serial = [replay(f"run{i}") for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(replay, [f"run{i}" for i in range(8)])) == serial
