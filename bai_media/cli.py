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

from . import __version__, formats

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


INPUT_SUFFIXES = (".json", ".ipynb")


def _expand(inputs: tuple[str, ...]) -> list[str]:
    """Files as given; folders contribute their .json and .ipynb files, sorted."""
    found: list[str] = []
    for source in inputs:
        path = Path(source)
        if source != "-" and path.is_dir():
            found += sorted(str(p) for p in path.rglob("*") if p.suffix in INPUT_SUFFIXES and p.is_file())
        else:
            found.append(source)
    return found


def _target(source: str, output: str | None, many: bool) -> str:
    if source == "-":
        return output or "-"
    name = Path(source).with_suffix(".html").name
    if output and many:
        return str(Path(output) / name)
    return output or str(Path(source).with_suffix(".html"))


def render_file(source: str, target: str, fmt: str, fragment: bool, sanitizer: str, title: str | None,
                asset_root: str | None = None) -> str:
    """Render one input file to ``target``; returns the detected format. Runs in worker processes."""
    from .formats.localimages import FolderImages
    from .renderer import Renderer

    renderer = Renderer(sanitizer=sanitizer)  # type: ignore[arg-type]
    data = _read_json(source)
    name = "stdin" if source == "-" else Path(source).stem
    used = formats.detect(data) if fmt == "auto" else fmt
    # Relative images (figures next to a notebook) are embedded from the input's own folder.
    images = None if source == "-" else FolderImages(Path(source).resolve().parent, max_pixels=renderer.limits.image_pixels)
    html = formats.render(data, used, name, renderer, resolve=images)
    for url, why in images.refused if images else ():
        click.echo(f"bai-media: warning: {source}: image {url!r} not embedded: {why}", err=True)
    head = None
    if asset_root:
        from .assets.tags import asset_tags

        head = asset_tags(asset_root)
    text = str(html) if fragment else renderer.render_page(html, title=title or name, head=head)
    if target == "-":
        click.echo(text)
    else:
        Path(target).write_text(text, encoding="utf-8")
    return used


def _render_one(args: tuple[str, str, str, bool, str, str | None, str | None]) -> tuple[str, str | None, str]:
    source = args[0]
    try:
        return source, render_file(*args), ""
    except CliError as exc:
        return source, None, exc.format_message()
    except Exception as exc:  # reported per file; the batch goes on
        return source, None, f"{type(exc).__name__}: {exc}".splitlines()[0]


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", type=click.Path(), help="Output file (one input) or folder (several). Default: INPUT with .html; stdout for '-'.")
@click.option("-f", "--format", "fmt", type=click.Choice(["auto", *formats.FORMATS]),
              default="auto", show_default=True, help="Input format; auto detects it per file.")
@click.option("--fragment", is_flag=True, help="Write only the HTML fragment, not a complete page.")
@click.option("--sanitizer", type=click.Choice(["nh3", "bleach"]), default="nh3", show_default=True, help="HTML sanitizer engine.")
@click.option("--title", default=None, help="Page title. Default: the input file name.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes for several inputs. Default: CPU count.")
@click.option("--asset-root", default=None, metavar="URL",
              help="Link the CSS and JS from this asset root (e.g. BACKENDAI_ASSET_ROOT) instead of inlining the CSS.")
@one_line_errors
def render(inputs: tuple[str, ...], output: str | None, fmt: str, fragment: bool, sanitizer: str, title: str | None,
           jobs: int | None, asset_root: str | None) -> None:
    """Render INPUT files to safe HTML pages: standalone (CSS inlined, no script) by default.

    INPUT is a JSON file (media items, a Backend.AI result or run, Jupyter outputs, unklearn
    events, interactive-widgets frames), a notebook (.ipynb), a folder of those, or '-' for
    stdin. Several inputs are rendered in parallel processes with a progress bar.
    """
    sources = _expand(inputs)
    if not sources:
        raise CliError("no .json or .ipynb files found in the given folders")
    many = len(sources) > 1
    if many and output:
        Path(output).mkdir(parents=True, exist_ok=True)
    if many and "-" in sources:
        raise CliError("'-' (stdin) cannot be combined with other inputs")
    tasks = [(s, _target(s, output, many), fmt, fragment, sanitizer, title, asset_root) for s in sources]
    if not many:
        source, target = tasks[0][0], tasks[0][1]
        render_file(*tasks[0])
        if target != "-":
            click.echo(f"wrote {target}", err=True)
        return
    failures = _batch(tasks, jobs)
    click.echo(f"rendered {len(tasks) - len(failures)} of {len(tasks)} files", err=True)
    if failures:
        for source, message in failures:
            click.echo(f"bai-media: error: {source}: {message}", err=True)
        raise click.exceptions.Exit(1)


def _batch(tasks: list[tuple[str, str, str, bool, str, str | None, str | None]], jobs: int | None) -> list[tuple[str, str]]:
    from concurrent.futures import ProcessPoolExecutor

    failures: list[tuple[str, str]] = []
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    with ProcessPoolExecutor(max_workers=workers) as pool, click.progressbar(
        pool.map(_render_one, tasks), length=len(tasks), label="rendering", file=sys.stderr,
        item_show_func=lambda r: Path(r[0]).name if r else None,
    ) as results:
        for source, _used, error in results:
            if error:
                failures.append((source, error))
    return failures


@main.command("build")
@click.option("--static", "static", type=click.Path(file_okay=False, exists=True), default=None,
              help="Folder of sources (css/, js/). Default: the static/ shipped with bai-media.")
@click.option("--out", type=click.Path(file_okay=False), default="assets", show_default=True,
              help="Where assets/<hash>/ is written; other hash folders in it are deleted.")
@one_line_errors
def build_command(static: str | None, out: str) -> None:
    """Bundle and minify the CSS and JavaScript into OUT/<hash>/.

    The hash covers the content of every built file: same sources, same hash, on any machine.
    The folder holds js/main.min.js, chunks, css/, .gz siblings and manifest.json (sizes and
    SRI integrity). The hash is printed as the last line.
    """
    import time

    from .assets.build import build

    start = time.perf_counter()
    result = build(out, Path(static) if static else None, progress=lambda m: click.echo(m, err=True))
    files = result.manifest["files"]
    for name, info in files.items():
        click.echo(f"  {name:32s} {info['size']:>8,} bytes", err=True)
    state = "unchanged" if result.reused else "built"
    click.echo(f"{state} {result.path} in {time.perf_counter() - start:.2f} s", err=True)
    click.echo(result.hash)


@main.command()
@click.option("--bucket", required=True, help="Target bucket.")
@click.option("--prefix", default="", help="Key prefix; objects go to PREFIX/<hash>/...")
@click.option("--endpoint-url", default=None, help="S3-compatible endpoint. Default: AWS_ENDPOINT_URL_S3 or AWS.")
@click.option("--region", default=None, help="Region. Default: from the AWS configuration.")
@click.option("--out", type=click.Path(file_okay=False), default="assets", show_default=True, help="Local assets folder.")
@click.option("--build/--no-build", "do_build", default=True, show_default=True, help="Build first, or deploy the latest existing build.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=8, show_default=True, help="Parallel uploads.")
@click.option("--dry-run", is_flag=True, help="Say what would be uploaded (and pruned); change nothing.")
@click.option("--compat-checksums", is_flag=True, help="Send checksums only when required, for stores that reject boto3's default CRC checksums.")
@click.option("--prune-remote", "prune_keep", type=click.IntRange(1), default=None, metavar="KEEP",
              help="Afterwards delete remote hash folders beyond the KEEP newest (never the current one).")
@click.option("--public-url", default=None, help="Public base URL (e.g. a CDN) for the printed asset root.")
@one_line_errors
def deploy(bucket: str, prefix: str, endpoint_url: str | None, region: str | None, out: str, do_build: bool, jobs: int,
           dry_run: bool, compat_checksums: bool, prune_keep: int | None, public_url: str | None) -> None:
    """Upload assets/<hash>/ to S3 and print the asset root for BACKENDAI_ASSET_ROOT.

    Credentials come from the standard AWS chain. Objects get explicit Content-Type,
    immutable Cache-Control, Content-Encoding for .gz files and a sha256 in metadata;
    objects already there with the same sha256 are skipped; manifest.json is uploaded last,
    so re-running after a failure finishes the job. The asset root is the last line printed.
    """
    from .assets.build import build, latest
    from .assets.deploy import DeployError
    from .assets.deploy import deploy as run_deploy

    if do_build:
        build_dir = build(out).path
    else:
        found = latest(out)
        if found is None:
            raise CliError(f"no build in {out}/; run bai-media build or use --build")
        build_dir = found
    total = sum(1 for p in build_dir.rglob("*") if p.is_file())
    verb = "checking" if dry_run else "uploading"
    with click.progressbar(length=total, label=f"{verb} {build_dir.name}", file=sys.stderr) as bar:
        try:
            report = run_deploy(build_dir, bucket, prefix, endpoint_url=endpoint_url, region=region, jobs=jobs,
                                compat_checksums=compat_checksums, dry_run=dry_run, public_url=public_url,
                                prune_keep=prune_keep, progress=lambda key, uploaded: bar.update(1))
        except DeployError as exc:
            raise CliError(str(exc)) from exc
    would = "would upload" if dry_run else "uploaded"
    click.echo(f"{would} {len(report.uploaded)}, already there {len(report.skipped)} (of {total})", err=True)
    if report.pruned:
        click.echo(f"{'would prune' if dry_run else 'pruned'} remote: {', '.join(report.pruned)}", err=True)
    click.echo(report.root_url)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8002, show_default=True, help="Port (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--out", type=click.Path(file_okay=False), default="assets", show_default=True, help="Where builds are written.")
@click.option("--csp/--no-csp", default=True, show_default=True, help="Send the strict Content-Security-Policy with the preview page.")
@one_line_errors
def serve(port: int, host: str, out: str, csp: bool) -> None:
    """Dev server: the latest build at /latest/, a live preview of the showcase at /.

    Rebuilds when a file in static/ or templates/ changes; reload the page to see it.
    POST /render renders media items for BackendAI.Media.handle_all. Stop with Ctrl-C.
    """
    import signal
    import threading

    from .assets.server import DevServer

    server = DevServer(out, host, port, csp=csp, on_event=lambda m: click.echo(f"bai-media: {m}", err=True)).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
