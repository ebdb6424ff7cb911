"""`bai-media deploy`: upload ``assets/<hash>/`` to S3 or any S3-compatible store with boto3.

Every object gets an explicit Content-Type, ``Cache-Control: public, max-age=31536000,
immutable`` (the folder is content-addressed), ``Content-Encoding: gzip`` for ``.gz`` siblings,
and its sha256 in metadata. ``manifest.json`` goes last, so a hash folder counts as deployed only
when complete; a re-run after a failure skips what is already there (by sha256, never by ETag,
which is not an MD5 for multipart uploads) and finishes the job.

Nothing is uploaded unless every local file matches the build's manifest (the bytes checked are
the bytes sent). Ctrl-C cancels the queued uploads at once and leaves manifest.json out. Every
request has connect and read timeouts, so a store that accepts connections and never answers
fails in seconds, not minutes. Prune deletes nothing when any answer about a folder is uncertain.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import HASH_DIR, check_files, read_folder
from .contenttypes import content_type

IMMUTABLE = "public, max-age=31536000, immutable"
MANIFEST = "manifest.json"
#: Seconds; with 3 attempts a silent endpoint fails in 3 x 5 s plus retry backoff, under 30 s.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
ATTEMPTS = 3
#: A remote folder without manifest.json newer than this may be a deploy in progress: prune keeps it.
PRUNE_GRACE = 3600.0

Progress = Callable[[str, bool], None]  # (key, uploaded?) once per object


class DeployError(RuntimeError):
    """A failure with a one-line message for users; ``report`` says what was and was not done."""

    def __init__(self, message: str, report: DeployReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class DeployReport:
    hash: str
    bucket: str
    prefix: str
    uploaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    root_url: str = ""
    dry_run: bool = False


@dataclass(frozen=True)
class Upload:
    key: str
    data: bytes
    sha256: str
    content_type: str
    encoding: str | None


def make_client(endpoint_url: str | None = None, region: str | None = None, *, jobs: int = 10,
                compat_checksums: bool = False, connect_timeout: float = CONNECT_TIMEOUT,
                read_timeout: float = READ_TIMEOUT) -> Any:
    """One S3 client shared by all upload threads (boto3 clients are thread-safe)."""
    import boto3
    from botocore.config import Config

    options: dict[str, Any] = {
        "max_pool_connections": max(10, jobs * 2),
        "retries": {"max_attempts": ATTEMPTS, "mode": "standard"},
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
    }
    if compat_checksums:  # several S3-compatible stores reject boto3's default CRC checksums
        options.update(request_checksum_calculation="when_required", response_checksum_validation="when_required")
    session = boto3.session.Session()
    if session.get_credentials() is None:
        raise DeployError("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE")
    # Without --endpoint-url, botocore honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL itself.
    return session.client("s3", endpoint_url=endpoint_url, region_name=region, config=Config(**options))


def plan(build_dir: Path, prefix: str) -> tuple[str, list[Upload], Upload]:
    """What to upload: every file of the build (manifest separately, to go last), each checked
    against the manifest first; the bytes checked are the bytes uploaded."""
    if not HASH_DIR.match(build_dir.name) or not (build_dir / MANIFEST).is_file():
        raise DeployError(f"{build_dir} is not a complete build (assets/<hash>/ with {MANIFEST}); run bai-media build")
    try:
        files = read_folder(build_dir)
    except OSError as exc:
        raise DeployError(f"cannot read {exc.filename or build_dir}: {exc.strerror or exc}") from exc
    problem = check_files(build_dir, files)
    if problem:
        raise DeployError(f"{problem}; nothing uploaded (run bai-media build to rebuild it)")
    base = "/".join(part for part in (prefix.strip("/"), build_dir.name) if part)
    uploads = []
    for relative, data in sorted(files.items()):
        ctype, encoding = content_type(relative)
        uploads.append(Upload(f"{base}/{relative}", data, hashlib.sha256(data).hexdigest(), ctype, encoding))
    manifest = next(u for u in uploads if u.key.endswith("/" + MANIFEST))
    return build_dir.name, [u for u in uploads if u is not manifest], manifest


def _describe(exc: BaseException, bucket: str, endpoint: str) -> str:
    """One line for the usual ways S3 calls fail."""
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"
    if isinstance(exc, ConnectTimeoutError):
        return f"cannot connect to the S3 endpoint {endpoint} (connect timeout, {ATTEMPTS} attempts)"
    if isinstance(exc, ReadTimeoutError):
        return f"no answer from the S3 endpoint {endpoint} (read timeout, {ATTEMPTS} attempts)"
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach the S3 endpoint {endpoint}"
    if isinstance(exc, ConnectionClosedError):
        return f"connection to {endpoint} lost"
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in ("404", "NoSuchBucket") or (status == 404 and "Bucket" in exc.operation_name):
            return f"no such bucket: {bucket}"
        if code in ("SignatureDoesNotMatch", "InvalidAccessKeyId") or (status == 403 and code in ("403", "")):
            return f"access denied to bucket {bucket}: check the access key and secret (the request signature was refused)"
        if code in ("AccessDenied", "403"):
            return f"access denied to bucket {bucket}"
        return f"S3 error {code or status} on {exc.operation_name}: {exc.response.get('Error', {}).get('Message', '')}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


def _endpoint(client: Any) -> str:
    return str(client.meta.endpoint_url)


def public_root(client: Any, bucket: str, prefix: str, asset_hash: str, public_url: str | None = None) -> str:
    """The URL to put into BACKENDAI_ASSET_ROOT."""
    tail = "/".join(part for part in (prefix.strip("/"), asset_hash) if part)
    if public_url:
        return f"{public_url.rstrip('/')}/{tail}"
    endpoint = _endpoint(client).rstrip("/")
    if "amazonaws.com" in endpoint:
        region = client.meta.region_name or "us-east-1"
        return f"https://{bucket}.s3.{region}.amazonaws.com/{tail}"
    return f"{endpoint}/{bucket}/{tail}"


def _remote_sha(client: Any, bucket: str, key: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            return None
        raise
    return head.get("Metadata", {}).get("sha256")


def _put(client: Any, bucket: str, item: Upload, **metadata: str) -> None:
    extra: dict[str, Any] = {"ContentType": item.content_type, "CacheControl": IMMUTABLE,
                             "Metadata": {"sha256": item.sha256, **metadata}}
    if item.encoding:
        extra["ContentEncoding"] = item.encoding
    client.put_object(Bucket=bucket, Key=item.key, Body=item.data, **extra)


def deploy(build_dir: Path | str, bucket: str, prefix: str = "", *, client: Any = None, endpoint_url: str | None = None,
           region: str | None = None, jobs: int = 10, compat_checksums: bool = False, dry_run: bool = False,
           public_url: str | None = None, prune_keep: int | None = None, progress: Progress | None = None,
           connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT) -> DeployReport:
    """Upload one build; raise :class:`DeployError` (with the report so far) on failure.

    A KeyboardInterrupt cancels the uploads not yet started and propagates; manifest.json is
    then not uploaded, so the remote folder does not count as deployed.
    """
    build_dir = Path(build_dir)
    asset_hash, uploads, manifest = plan(build_dir, prefix)
    client = client or make_client(endpoint_url, region, jobs=jobs, compat_checksums=compat_checksums,
                                   connect_timeout=connect_timeout, read_timeout=read_timeout)
    report = DeployReport(asset_hash, bucket, prefix.strip("/"), dry_run=dry_run)
    endpoint = _endpoint(client)
    tell = progress or (lambda key, uploaded: None)
    try:
        # One listing says what is there (and that the bucket exists): only those keys need a HEAD.
        present = _present(client, bucket, manifest.key.rsplit("/", 1)[0] + "/")
        complete = manifest.key in present and _remote_sha(client, bucket, manifest.key) == manifest.sha256
    except DeployError:
        raise
    except Exception as exc:
        raise DeployError(_describe(exc, bucket, endpoint), report) from exc
    report.root_url = public_root(client, bucket, prefix, asset_hash, public_url)
    if complete:  # the manifest goes last: if it is there and current, so is everything else
        report.skipped = [u.key for u in uploads] + [manifest.key]
        for key in report.skipped:
            tell(key, False)
    else:
        total = len(uploads) + 1
        _upload_all(client, bucket, uploads, present, report, jobs, dry_run, tell, endpoint, total)
        if not dry_run:
            try:
                # S3's LastModified has whole seconds; prune orders deploys by this instead.
                _put(client, bucket, manifest, deployed=str(time.time_ns()))
            except Exception as exc:
                report.failed.append(manifest.key)
                raise DeployError(_summary(_describe(exc, bucket, endpoint), report, total), report) from exc
        report.uploaded.append(manifest.key)
        tell(manifest.key, True)
    if prune_keep is not None:
        try:
            report.pruned = prune(client, bucket, prefix, keep=prune_keep, current=asset_hash, dry_run=dry_run)
        except DeployError as exc:
            raise DeployError(f"{exc} (the deploy itself is complete)", report) from exc
    return report


def _present(client: Any, bucket: str, folder: str) -> set[str]:
    paginator = client.get_paginator("list_objects_v2")
    return {obj["Key"] for page in paginator.paginate(Bucket=bucket, Prefix=folder) for obj in page.get("Contents", [])}


def _upload_all(client: Any, bucket: str, uploads: list[Upload], present: set[str], report: DeployReport, jobs: int,
                dry_run: bool, tell: Callable[[str, bool], None], endpoint: str, total: int) -> None:
    """Upload with ``jobs`` daemon threads. On Ctrl-C the main thread stops the queue and leaves
    at once: daemon threads do not hold the exit, so at most ``jobs`` requests were in flight."""
    lock = threading.Lock()
    errors: list[BaseException] = []
    stop = threading.Event()
    todo: queue.SimpleQueue[Upload] = queue.SimpleQueue()
    for item in uploads:
        todo.put(item)

    def one(item: Upload) -> None:
        if item.key in present and _remote_sha(client, bucket, item.key) == item.sha256:
            with lock:
                report.skipped.append(item.key)
            tell(item.key, False)
            return
        if stop.is_set():  # cancelled while asking
            todo.put(item)
            return
        if not dry_run:
            _put(client, bucket, item)
        with lock:
            report.uploaded.append(item.key)
        tell(item.key, True)

    def work() -> None:
        while not stop.is_set():
            try:
                item = todo.get_nowait()
            except queue.Empty:
                return
            try:
                one(item)
            except Exception as exc:
                stop.set()  # the endpoint is likely gone; do not hammer it with the rest
                with lock:
                    report.failed.append(item.key)
                    errors.append(exc)

    threads = [threading.Thread(target=work, name=f"bai-media-deploy-{i}", daemon=True) for i in range(max(1, min(jobs, len(uploads))))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)  # a timed join lets Ctrl-C through at once
    except BaseException:
        stop.set()
        raise
    while not todo.empty():
        report.failed.append(todo.get_nowait().key)
    if errors:
        raise DeployError(_summary(_describe(errors[0], bucket, endpoint), report, total), report)


def _summary(reason: str, report: DeployReport, total: int) -> str:
    missing = total - len(report.uploaded) - len(report.skipped)
    return (f"{reason}; uploaded {len(report.uploaded)}, already there {len(report.skipped)}, not uploaded {missing} "
            f"of {total} (manifest.json is not, so the deploy is incomplete); run the same command again to finish")


def prune(client: Any, bucket: str, prefix: str, *, keep: int, current: str, dry_run: bool = False,
          now: float | None = None) -> list[str]:
    """Delete remote hash folders beyond the ``keep`` newest (by manifest time); never ``current``.

    A folder without manifest.json (a failed deploy) counts as oldest, unless it changed within
    :data:`PRUNE_GRACE` (it may be a deploy in progress). Any answer other than found / not found
    raises before anything is deleted: an uncertain folder might be live.
    """
    try:
        doomed = _doomed(client, bucket, prefix, keep=keep, current=current, now=time.time() if now is None else now)
    except Exception as exc:
        raise DeployError(f"prune: {_describe(exc, bucket, _endpoint(client))}; nothing deleted") from exc
    base = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    paginator = client.get_paginator("list_objects_v2")
    for done, name in enumerate(doomed if not dry_run else []):
        try:
            keys = [obj["Key"] for page in paginator.paginate(Bucket=bucket, Prefix=f"{base}{name}/") for obj in page.get("Contents", [])]
            for start in range(0, len(keys), 1000):
                client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]], "Quiet": True})
        except Exception as exc:
            raise DeployError(f"prune: {_describe(exc, bucket, _endpoint(client))}; deleted {done} of {len(doomed)} old "
                              f"folders, {name} maybe in part (run again to finish)") from exc
    return sorted(doomed)


def _doomed(client: Any, bucket: str, prefix: str, *, keep: int, current: str, now: float) -> list[str]:
    """The folders prune deletes; raises on any answer other than found / not found."""
    from botocore.exceptions import ClientError

    base = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    paginator = client.get_paginator("list_objects_v2")
    names = [common["Prefix"][len(base):].rstrip("/") for page in paginator.paginate(Bucket=bucket, Prefix=base, Delimiter="/")
             for common in page.get("CommonPrefixes", [])]
    folders: dict[str, int] = {}
    recent: set[str] = set()
    for name in filter(HASH_DIR.match, names):
        try:
            head = client.head_object(Bucket=bucket, Key=f"{base}{name}/{MANIFEST}")
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
                raise
            newest = max((obj["LastModified"].timestamp() for page in paginator.paginate(Bucket=bucket, Prefix=f"{base}{name}/")
                          for obj in page.get("Contents", [])), default=None)
            if newest is None:  # an empty prefix some stores keep listing after a delete
                continue
            folders[name] = -1  # no manifest: an incomplete deploy, oldest of all
            if now - newest < PRUNE_GRACE:
                recent.add(name)
            continue
        deployed = head.get("Metadata", {}).get("deployed", "")
        folders[name] = int(deployed) if deployed.isdigit() else int(head["LastModified"].timestamp() * 1e9)
    ordered = sorted(folders, key=lambda n: (n == current, folders[n]), reverse=True)
    return [name for name in ordered[max(keep, 1):] if name != current and name not in recent]
