"""The ``bai-media`` command line: render, build, serve, deploy.

Errors are one line on stderr and a non-zero exit; tracebacks only with ``BAI_MEDIA_DEBUG=1``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__

F = TypeVar("F", bound=Callable[..., Any])


class CliError(click.ClickException):
    """An expected failure: printed as one line, exit status 1."""

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"bai-media: error: {self.format_message()}", err=True)


def one_line_errors(func: F) -> F:
    """Turn unexpected exceptions into one clear line, as users of a CLI expect."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("BAI_MEDIA_DEBUG"):
                raise
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise CliError(detail) from exc

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bai-media")
def main() -> None:
    """Render kernel output (Backend.AI, Jupyter, ...) to safe HTML, and build and ship the assets."""
    _quiet_logging()


class _OneLine(logging.Formatter):
    """Items that fail to render are reported in one line each; tracebacks with BAI_MEDIA_DEBUG."""

    def format(self, record: logging.LogRecord) -> str:
        if not os.environ.get("BAI_MEDIA_DEBUG"):
            record.exc_info = None
            record.exc_text = None
        return super().format(record)


def _quiet_logging() -> None:
    logger = logging.getLogger("bai_media")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(_OneLine("bai-media: warning: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


def _read_json(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", type=click.Path(dir_okay=True, writable=True), help="Output file (one input) or folder (several). Default: INPUT with .html, or stdout for '-'.")
@click.option("--fragment", is_flag=True, help="Write only the HTML fragment, not a complete page.")
@click.option("--sanitizer", type=click.Choice(["nh3", "bleach"]), default="nh3", show_default=True, help="HTML sanitizer engine.")
@click.option("--title", default=None, help="Page title. Default: the input file name.")
@one_line_errors
def render(inputs: tuple[str, ...], output: str | None, fragment: bool, sanitizer: str, title: str | None) -> None:
    """Render INPUT (a JSON list of [type, data] media items, or '-' for stdin) to HTML.

    The page is standalone: CSS inlined, no script, nothing loaded from elsewhere.
    """
    from .renderer import Renderer

    renderer = Renderer(sanitizer=sanitizer)  # type: ignore[arg-type]
    for source in inputs:
        data = _read_json(source)
        name = "stdin" if source == "-" else Path(source).stem
        html = renderer.handle_all(data, name)
        text = str(html) if fragment else renderer.render_page(html, title=title or name)
        target = output or ("-" if source == "-" else str(Path(source).with_suffix(".html")))
        if target == "-":
            click.echo(text)
        else:
            Path(target).write_text(text, encoding="utf-8")
            click.echo(f"wrote {target}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
