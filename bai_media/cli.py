"""The ``bai-media`` command line: render, build, serve, deploy, terminal.

Errors are one line on stderr and a non-zero exit; tracebacks only with ``BAI_MEDIA_DEBUG=1``.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import json
import logging
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
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
        text = super().format(record)
        # Library messages start with "bai-media: " for plain logging; the prefix here says it already.
        return text.replace("warning: bai-media: ", "warning: ", 1)


def _quiet_logging() -> None:
    logger = logging.getLogger("bai_media")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(_OneLine("bai-media: warning: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


#: Inputs larger than this are refused before reading (``--max-input-size``): parsed JSON takes
#: several times its size in memory.
MAX_INPUT_BYTES = 100_000_000
#: Write failures that mean the disk (or quota, or file size limit) is full: a batch stops there.
DISK_FULL = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def require(module: str, extra: str, what: str) -> None:
    """A missing optional dependency as one line naming the extra to install."""
    try:
        importlib.import_module(module)
    except ImportError:
        raise CliError(f"{what} needs the '{extra}' extra: pip install 'bai-media[{extra}]'") from None


def _display(source: str) -> str:
    return "stdin" if source == "-" else source


def _read_json(source: str, max_bytes: int = MAX_INPUT_BYTES) -> Any:
    """Parse one input; every failure is a CliError naming it. Size is checked before reading."""
    name = _display(source)
    too_big = f"{name} is larger than the input limit of {max_bytes:,} bytes (--max-input-size)"
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(source, "rb") as handle:
                info = os.fstat(handle.fileno())
                if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                    raise CliError(too_big)
                raw = handle.read(max_bytes + 1)  # a pipe or device: read at most one byte too many
    except OSError as exc:
        why = "symlink loop" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
        raise CliError(f"cannot read {name}: {why}") from exc
    if len(raw) > max_bytes:
        raise CliError(too_big)
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:
        raise CliError(f"{name} is not UTF-8 text (undecodable byte at offset {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise CliError(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise CliError(f"{name} is nested too deeply to parse") from exc


def _unsupported(data: Any) -> str | None:
    """Why auto-detection found no supported format in ``data`` (it falls back to media items),
    or None. Only the shape of the document is judged: bad items render as visible errors."""
    if formats.detect(data) != "media":
        return None
    if isinstance(data, list):
        first = data[0] if data else None
        if first is None or isinstance(first, (list, tuple)) or (isinstance(first, dict) and "type" in first and "data" in first):
            return None
        return f"a list of {type(first).__name__ if not isinstance(first, dict) else 'objects without type/data'}"
    return "an object of no known format" if isinstance(data, dict) else f"a JSON {type(data).__name__}"


INPUT_SUFFIXES = (".json", ".ipynb")


def _expand(inputs: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Files as given; folders contribute their .json and .ipynb files, sorted. Also returns the
    entries that cannot be read (symlink loops, broken links), to be reported, never skipped."""
    found: list[str] = []
    problems: list[str] = []
    for source in inputs:
        if source == "-" or not os.path.isdir(source):
            found.append(source)
            continue
        seen: set[tuple[int, int]] = set()
        unreadable = lambda exc: problems.append(f"cannot read {exc.filename}: {exc.strerror}")  # noqa: E731
        for folder, dirs, files in os.walk(source, followlinks=True, onerror=unreadable):
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:  # reached again through a symlink: not walked twice
                real = os.path.realpath(folder)
                if (os.path.realpath(os.path.dirname(folder)) + os.sep).startswith(real.rstrip(os.sep) + os.sep):
                    problems.append(f"{folder}: symlink loop (not followed)")
                dirs[:] = []
                continue
            seen.add((info.st_dev, info.st_ino))
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                if not name.endswith(INPUT_SUFFIXES):
                    continue
                if os.path.isfile(path):
                    found.append(path)
                elif os.path.islink(path):
                    try:
                        os.stat(path)
                        why = "not a regular file"
                    except OSError as exc:
                        why = "symlink loop" if exc.errno == errno.ELOOP else "broken symlink"
                    problems.append(f"{path}: {why}")
    return found, problems


def _target(source: str, output: str | None, many: bool) -> str:
    if source == "-":
        return output or "-"
    name = Path(source).with_suffix(".html").name
    if output and (many or os.path.isdir(output)):
        return str(Path(output) / name)
    return output or str(Path(source).with_suffix(".html"))


def _check_output(output: str | None, many: bool, count: int) -> None:
    """``-o`` must fit the inputs, checked before anything is rendered."""
    if not output or not many:
        return
    if output == "-":
        raise CliError(f"-o - (stdout) takes one input; there are {count}")
    if os.path.exists(output) and not os.path.isdir(output):
        raise CliError(f"-o {output} is a file, but there are {count} inputs: give a folder")
    if Path(output).suffix.lower() in (".html", ".htm"):
        raise CliError(f"-o {output} looks like a file, but there are {count} inputs: give a folder")


def write_atomic(target: str, text: str) -> None:
    """Write through a temporary file renamed over ``target``: a full disk or a kill leaves the
    old file or none, never a truncated one."""
    path = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as a plain open() would have made it
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class RenderTask:
    """One input to render (picklable: batches run in worker processes)."""

    source: str
    target: str
    fmt: str = "auto"
    fragment: bool = False
    sanitizer: str = "nh3"
    title: str | None = None
    asset_root: str | None = None
    strict: bool = False
    max_bytes: int = MAX_INPUT_BYTES
    remote_media: str = "allow"


@dataclass
class Rendered:
    fmt: str
    item_errors: list[str] = field(default_factory=list)


@lru_cache(maxsize=2)
def _renderer(sanitizer: str, remote_media: str = "allow") -> Any:
    """One renderer per engine and process, so templates compile once for all files; it counts
    the items that fail (each renders through ``error_fragment``) into ``errors``."""
    from .renderer import Renderer

    class Counting(Renderer):
        errors: list[str] = []

        def error_fragment(self, message: str, mtype: str | None = None) -> Any:
            self.errors.append(message)
            return super().error_fragment(message, mtype)

    return Counting(sanitizer=sanitizer, remote_media=remote_media)  # type: ignore[arg-type]


def render_file(task: RenderTask) -> Rendered:
    """Render one input file to its target; raise CliError naming the file. Runs in workers."""
    from .formats.localimages import FolderImages

    name = _display(task.source)
    data = _read_json(task.source, task.max_bytes)
    if task.fmt == "auto" and (why := _unsupported(data)):
        raise CliError(f"{name} is no supported format ({why}); use -f to force one")
    done = Rendered(formats.detect(data) if task.fmt == "auto" else task.fmt)
    renderer = _renderer(task.sanitizer, task.remote_media)
    renderer.errors = done.item_errors  # files render one at a time in a process
    stem = "stdin" if task.source == "-" else Path(task.source).stem
    # Relative images (figures next to a notebook) are embedded from the input's own folder.
    images = None if task.source == "-" else FolderImages(Path(task.source).resolve().parent,
                                                          max_pixels=renderer.limits.image_pixels)
    try:
        html = formats.render(data, done.fmt, stem, renderer, resolve=images)
        for url, why in images.refused if images else ():
            click.echo(f"bai-media: warning: {name}: image {url!r} not embedded: {why}", err=True)
        head = None
        if task.asset_root:
            from .assets.tags import asset_tags

            head = asset_tags(task.asset_root)
        text = str(html) if task.fragment else renderer.render_page(html, title=task.title or stem, head=head)
    except (CliError, click.ClickException):
        raise
    except Exception as exc:
        if os.environ.get("BAI_MEDIA_DEBUG"):
            raise
        raise CliError(f"{name}: {type(exc).__name__}: {exc}".splitlines()[0]) from exc
    if task.strict and done.item_errors:
        raise CliError(f"{name}: {_items(done)} could not be rendered (first: {done.item_errors[0]}); --strict wrote nothing")
    if task.target == "-":
        click.echo(text)
    else:
        try:
            write_atomic(task.target, text)
        except OSError as exc:
            raise _WriteError(f"cannot write {task.target}: {exc.strerror or exc}", exc.errno) from exc
    return done


def _items(done: Rendered) -> str:
    count = len(done.item_errors)
    return f"{count} item{'s' if count != 1 else ''}"


class _WriteError(CliError):
    def __init__(self, message: str, code: int | None) -> None:
        super().__init__(message)
        self.disk_full = code in DISK_FULL


def _render_one(task: RenderTask) -> tuple[str, Rendered | None, str, bool]:
    try:
        return task.source, render_file(task), "", False
    except _WriteError as exc:
        return task.source, None, exc.format_message(), exc.disk_full
    except CliError as exc:
        return task.source, None, exc.format_message(), False
    except Exception as exc:  # reported per file; the batch goes on
        return task.source, None, f"{_display(task.source)}: {type(exc).__name__}: {exc}".splitlines()[0], False


def _warn_items(source: str, done: Rendered) -> None:
    if done.item_errors:
        click.echo(f"bai-media: warning: {_display(source)}: {_items(done)} could not be rendered "
                   f"(shown as errors in the page; --strict makes this fail)", err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", type=click.Path(), help="Output file (one input) or folder (several, or a folder input). Default: INPUT with .html; stdout for '-'.")
@click.option("-f", "--format", "fmt", type=click.Choice(["auto", *formats.FORMATS]),
              default="auto", show_default=True, help="Input format; auto detects it per file.")
@click.option("--fragment", is_flag=True, help="Write only the HTML fragment, not a complete page.")
@click.option("--sanitizer", type=click.Choice(["nh3", "bleach"]), default="nh3", show_default=True, help="HTML sanitizer engine.")
@click.option("--title", default=None, help="Page title. Default: the input file name.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes for several inputs (under 4 MB in all they render in one process). Default: CPU count.")
@click.option("--asset-root", default=None, metavar="URL",
              help="Link the CSS and JS from this asset root (e.g. BACKENDAI_ASSET_ROOT) instead of inlining the CSS.")
@click.option("--strict", is_flag=True, help="Exit 1 (and write nothing for that input) if any item could not be rendered.")
@click.option("--max-input-size", "max_bytes", type=click.IntRange(1), default=MAX_INPUT_BYTES, show_default=True,
              metavar="BYTES", help="Refuse larger inputs before reading them.")
@click.option("--remote-media", default="allow", show_default=True, metavar="allow|block|URL",
              help="Remote images, audio and video: load them (as Jupyter does), block them (shown as links), "
                   "or load them through a proxy URL template containing {url}.")
@one_line_errors
def render(inputs: tuple[str, ...], output: str | None, fmt: str, fragment: bool, sanitizer: str, title: str | None,
           jobs: int | None, asset_root: str | None, strict: bool, max_bytes: int, remote_media: str) -> None:
    """Render INPUT files to safe HTML pages: standalone (CSS inlined, no script) by default.

    INPUT is a JSON file (media items, a Backend.AI result or run, Jupyter outputs, unklearn
    events, interactive-widgets frames), a notebook (.ipynb), a folder of those, or '-' for
    stdin. Several inputs are rendered with a progress bar, in parallel processes when they add
    up to megabytes. Input that is no supported format fails; an item that cannot be rendered
    shows as an error in the page (with --strict, fails). Pages are written to a temporary file renamed into place.
    """
    if sanitizer == "bleach":
        require("bleach", "bleach", "--sanitizer bleach")
    from .sanitize import check_remote_media

    try:
        check_remote_media(remote_media)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    sources, problems = _expand(inputs)
    if not sources and not problems:
        raise CliError(f"no .json or .ipynb files found in {', '.join(inputs)}")
    many = len(sources) + len(problems) > 1 or any(s != "-" and os.path.isdir(s) for s in inputs)
    if many and "-" in sources:
        raise CliError("'-' (stdin) cannot be combined with other inputs")
    _check_output(output, many, len(sources) + len(problems))
    if many and output:
        Path(output).mkdir(parents=True, exist_ok=True)
    tasks = [RenderTask(s, _target(s, output, many), fmt, fragment, sanitizer, title, asset_root, strict, max_bytes, remote_media)
             for s in sources]
    if not many:
        done = render_file(tasks[0])
        _warn_items(tasks[0].source, done)
        if tasks[0].target != "-":
            click.echo(f"wrote {tasks[0].target}", err=True)
        return
    rendered, failures = _batch(tasks, jobs) if tasks else (0, [])
    failures = problems + failures
    click.echo(f"rendered {rendered} of {len(tasks) + len(problems)} files", err=True)
    if failures:
        for message in failures:
            click.echo(f"bai-media: error: {message}", err=True)
        raise click.exceptions.Exit(1)


def _batch(tasks: list[RenderTask], jobs: int | None) -> tuple[int, list[str]]:
    """Render in worker processes: how many were written, and the failures. A full disk stops
    the batch (the rest would fail the same way)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    failures: list[str] = []
    written = stopped = 0
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers > 1 and _input_bytes(tasks) < POOL_MIN_BYTES:
        workers = 1  # each worker would spend longer starting (imports, templates) than rendering
    with click.progressbar(length=len(tasks), label="rendering", file=sys.stderr) as bar:
        def record(outcome: tuple[str, Rendered | None, str, bool]) -> bool:
            """Count one file's outcome; whether the disk was full."""
            nonlocal written
            source, done, error, disk_full = outcome
            bar.update(1)
            if error:
                failures.append(error)
            elif done is not None:
                written += 1
                _warn_items(source, done)
            return disk_full

        if workers == 1:
            for number, task in enumerate(tasks):
                if record(_render_one(task)):
                    stopped = len(tasks) - number - 1
                    break
        else:
            # Workers start from a clean server process: a fork of a caller that already runs
            # threads or vl-convert's JavaScript engine (Vega charts) would deadlock in the child.
            context = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = [pool.submit(_render_one, task) for task in tasks]
                for future in as_completed(futures):
                    if future.cancelled():
                        continue
                    if record(future.result()) and not stopped:
                        stopped = sum(f.cancel() for f in futures)
    if stopped:
        failures.append(f"disk full: stopped, {stopped} file(s) not rendered")
    return written, failures


#: Below this much input in all, a batch renders in this process: starting a worker (imports,
#: templates) costs about as much as rendering a few megabytes of notebooks.
POOL_MIN_BYTES = 4_000_000


def _input_bytes(tasks: list[RenderTask]) -> int:
    total = 0
    for task in tasks:
        with contextlib.suppress(OSError):
            total += os.path.getsize(task.source)
    return total


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
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=10, show_default=True, help="Parallel uploads (aws s3 cp uses 10).")
@click.option("--dry-run", is_flag=True, help="Say what would be uploaded (and pruned); change nothing.")
@click.option("--compat-checksums", is_flag=True, help="Send checksums only when required, for stores that reject boto3's default CRC checksums.")
@click.option("--prune-remote", "prune_keep", type=click.IntRange(1), default=None, metavar="KEEP",
              help="Afterwards delete remote hash folders beyond the KEEP newest (never the current one).")
@click.option("--public-url", default=None, help="Public base URL (e.g. a CDN) for the printed asset root.")
@click.option("--connect-timeout", type=click.FloatRange(0.1), default=None, metavar="SECONDS",
              help="Seconds to wait for a connection to the store. [default: 5]")
@click.option("--read-timeout", type=click.FloatRange(0.1), default=None, metavar="SECONDS",
              help="Seconds to wait for each answer; with 3 attempts a silent store fails in under 30 s. [default: 5]")
@one_line_errors
def deploy(bucket: str, prefix: str, endpoint_url: str | None, region: str | None, out: str, do_build: bool, jobs: int,
           dry_run: bool, compat_checksums: bool, prune_keep: int | None, public_url: str | None,
           connect_timeout: float | None, read_timeout: float | None) -> None:
    """Upload assets/<hash>/ to S3 and print the asset root for BACKENDAI_ASSET_ROOT.

    Credentials come from the standard AWS chain. Every local file is first checked against
    manifest.json. Objects get explicit Content-Type, immutable Cache-Control, Content-Encoding
    for .gz files and a sha256 in metadata; objects already there with the same sha256 are
    skipped; manifest.json is uploaded last, so re-running after a failure or Ctrl-C finishes
    the job. The asset root is the last line printed.
    """
    require("boto3", "deploy", "bai-media deploy")
    from .assets import deploy as uploads
    from .assets.build import build, latest

    if do_build:
        build_dir = build(out).path
    else:
        found = latest(out)
        if found is None:
            raise CliError(f"no build in {out}/; run bai-media build or use --build")
        build_dir = found
    total = sum(1 for p in build_dir.rglob("*") if p.is_file())
    verb = "checking" if dry_run else "uploading"
    sent: list[str] = []

    def progress(key: str, uploaded: bool) -> None:
        bar.update(1)
        if uploaded:
            sent.append(key)

    with click.progressbar(length=total, label=f"{verb} {build_dir.name}", file=sys.stderr) as bar:
        try:
            report = uploads.deploy(
                build_dir, bucket, prefix, endpoint_url=endpoint_url, region=region, jobs=jobs,
                compat_checksums=compat_checksums, dry_run=dry_run, public_url=public_url, prune_keep=prune_keep,
                progress=progress, connect_timeout=connect_timeout or uploads.CONNECT_TIMEOUT,
                read_timeout=read_timeout or uploads.READ_TIMEOUT)
        except uploads.DeployError as exc:
            raise CliError(str(exc)) from exc
        except KeyboardInterrupt:
            click.echo(f"\nbai-media: error: interrupted: uploaded {len(sent)} of {total}, manifest.json not, so the "
                       "deploy is incomplete; run the same command again to finish", err=True)
            raise click.exceptions.Exit(130) from None
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

    require("watchfiles", "serve", "bai-media serve")
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


@main.command()
@click.option("--backend", type=click.Choice(["local", "backendai", "jupyter"]), default="local", show_default=True,
              help="local: a shell in a pty on this machine; backendai: a Backend.AI session; jupyter: a Jupyter terminal.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback: only this machine).")
@click.option("--port", type=click.IntRange(0, 65535), default=8003, show_default=True, help="Port (0 picks a free one).")
@click.option("--record", type=click.Path(dir_okay=False, writable=True), default=None, metavar="FILE",
              help="Write the session as an asciicast v2 file (later connections: FILE.2, FILE.3 ...).")
@click.option("--command", "command", default=None, help="local: the command to run. Default: $SHELL.")
@click.option("--session", default="terminal", show_default=True,
              help="backendai: the session name; jupyter: the terminal name (created if missing).")
@click.option("--endpoint", default=None, help="backendai: manager endpoint. Default: BACKEND_ENDPOINT.")
@click.option("--jupyter-url", default=None, help="jupyter: server URL. Default: JUPYTER_URL.")
@click.option("--theme", type=click.Choice(["auto", "light", "dark"]), default="auto", show_default=True, help="Terminal colours.")
@one_line_errors
def terminal(backend: str, host: str, port: int, record: str | None, command: str | None, session: str, endpoint: str | None,
             jupyter_url: str | None, theme: str) -> None:
    """Serve a page with a web terminal, guarded by a random token; the URL is the last line printed.

    Keys and tokens come from the environment: BACKEND_ACCESS_KEY, BACKEND_SECRET_KEY (backendai),
    JUPYTER_TOKEN (jupyter). Stop with Ctrl-C; a local shell ends with the server.
    """
    from .webterm.cli import run_terminal

    run_terminal(backend, host, port, record=record, command=command, session=session, endpoint=endpoint,
                 jupyter_url=jupyter_url, theme=theme, echo=click.echo)


if __name__ == "__main__":  # pragma: no cover
    main()
