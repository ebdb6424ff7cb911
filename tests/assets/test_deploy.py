"""`bai-media deploy` against a real SeaweedFS (and moto for the fault case), on 127.0.0.1."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bai_media.assets.build import build
from bai_media.assets.deploy import IMMUTABLE, PRUNE_GRACE, DeployError, deploy, prune
from bai_media.cli import main
from bai_media.resources import static_dir
from bai_media.testing import MotoServer, SeaweedFS, asset_tree, s3_env

pytestmark = pytest.mark.s3


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in s3_env().items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def bucket(seaweed: SeaweedFS, request: pytest.FixtureRequest) -> str:
    digest = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:8]
    name = "bai-" + request.node.name.lower().replace("_", "-")[:40].strip("-") + "-" + digest
    seaweed.client().create_bucket(Bucket=name)
    return name


@pytest.fixture
def built(tmp_path: Path) -> Path:
    return build(tmp_path / "assets", static_dir()).path


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["deploy", *args])
    return result.exit_code, result.stdout, result.stderr


def test_deploy_sets_headers_and_a_second_deploy_uploads_nothing(seaweed: SeaweedFS, bucket: str, built: Path) -> None:
    code, out, err = run_cli("--bucket", bucket, "--prefix", "static/bai", "--endpoint-url", seaweed.endpoint_url,
                             "--no-build", "--out", str(built.parent))
    assert code == 0, err
    root = out.strip().splitlines()[-1]
    assert root == f"{seaweed.endpoint_url}/{bucket}/static/bai/{built.name}"
    files = sorted(p for p in built.rglob("*") if p.is_file())
    assert f"uploaded {len(files)}, already there 0" in err
    client = seaweed.client()
    expected = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json",
                ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8"}
    for path in files:
        key = f"static/bai/{built.name}/{path.relative_to(built).as_posix()}"
        head = client.head_object(Bucket=bucket, Key=key)
        base = path.name[:-3] if path.name.endswith(".gz") else path.name
        assert head["ContentType"] == expected[Path(base).suffix], key
        assert head["CacheControl"] == IMMUTABLE
        assert head.get("ContentEncoding") == ("gzip" if path.name.endswith(".gz") else None)
        assert len(head["Metadata"]["sha256"]) == 64
    code, out, err = run_cli("--bucket", bucket, "--prefix", "static/bai", "--endpoint-url", seaweed.endpoint_url,
                             "--no-build", "--out", str(built.parent))
    assert code == 0 and f"uploaded 0, already there {len(files)}" in err


@pytest.mark.browser
def test_a_browser_get_of_the_gzip_sibling_decodes(seaweed: SeaweedFS, bucket: str, built: Path, load_page) -> None:  # type: ignore[no-untyped-def]
    deploy(built, bucket, endpoint_url=seaweed.endpoint_url)
    url = seaweed.client().generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": f"{built.name}/js/main.min.js.gz"})
    page = load_page.open(url=url, wait_ms=100)
    text = page.evaluate("document.body.innerText")
    assert text.strip() == (built / "js" / "main.min.js").read_text().strip()
    assert gzip.decompress((built / "js" / "main.min.js.gz").read_bytes()).decode().strip() == text.strip()


def test_wrong_secret_fails_with_a_clear_message(seaweed: SeaweedFS, bucket: str, built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    code, out, err = run_cli("--bucket", bucket, "--endpoint-url", seaweed.endpoint_url, "--no-build", "--out", str(built.parent))
    assert code == 1 and out.strip() == ""
    assert err.strip().splitlines()[-1] == (f"bai-media: error: access denied to bucket {bucket}: check the access key and "
                                             "secret (the request signature was refused)")


@pytest.mark.parametrize("case", ["no-bucket", "unreachable", "no-credentials"])
def test_other_failures_are_one_line(seaweed: SeaweedFS, built: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    endpoint, name, expected = seaweed.endpoint_url, "bai-missing-bucket", "no such bucket: bai-missing-bucket"
    if case == "unreachable":
        endpoint, name = "http://127.0.0.1:9", "bai-x"
        expected = "cannot reach the S3 endpoint http://127.0.0.1:9"
    if case == "no-credentials":
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        expected = "no AWS credentials found"
    code, _, err = run_cli("--bucket", name, "--endpoint-url", endpoint, "--no-build", "--out", str(built.parent))
    last = err.strip().splitlines()[-1]
    assert code == 1 and last.startswith(f"bai-media: error: {expected}") and "Traceback" not in err


def test_prune_keeps_the_newest_and_never_the_current(seaweed: SeaweedFS, bucket: str, tmp_path: Path) -> None:
    static = tmp_path / "static"
    shutil.copytree(static_dir(), static)
    hashes = []
    for i in range(3):
        (static / "css" / "bai-media.css").write_text((static / "css" / "bai-media.css").read_text() + f"\n.v{i}{{}}")
        result = build(tmp_path / f"out{i}", static)
        deploy(result.path, bucket, "p", endpoint_url=seaweed.endpoint_url)
        hashes.append(result.hash)
    dry = deploy(result.path, bucket, "p", endpoint_url=seaweed.endpoint_url, prune_keep=2, dry_run=True)
    assert dry.pruned == [hashes[0]]
    client = seaweed.client()
    assert client.list_objects_v2(Bucket=bucket, Prefix=f"p/{hashes[0]}/")["KeyCount"] > 0
    real = deploy(result.path, bucket, "p", endpoint_url=seaweed.endpoint_url, prune_keep=1)
    assert real.pruned == sorted(hashes[:2])
    left = {o["Key"].split("/")[1] for o in client.list_objects_v2(Bucket=bucket, Prefix="p/")["Contents"]}
    assert left == {hashes[2]}


def test_server_lost_midway_then_a_rerun_completes(built: Path) -> None:
    server = MotoServer()
    server.start()
    try:
        server.client().create_bucket(Bucket="bai-fault")
        uploaded: list[str] = []

        def progress(key: str, did_upload: bool) -> None:
            uploaded.append(key)
            if len(uploaded) == 2:
                server.stop()  # the store goes away in the middle of the deploy

        with pytest.raises(DeployError) as failure:
            deploy(built, "bai-fault", endpoint_url=server.endpoint_url, jobs=1, progress=progress)
        message = str(failure.value)
        assert message.startswith(f"cannot reach the S3 endpoint {server.endpoint_url}; uploaded 2, already there 0, not uploaded")
        assert "manifest.json is not" in message and "run the same command again" in message
        server.start()
        keys = {o["Key"] for o in server.client().list_objects_v2(Bucket="bai-fault").get("Contents", [])}
        assert len(keys) == 2 and f"{built.name}/manifest.json" not in keys
        again = deploy(built, "bai-fault", endpoint_url=server.endpoint_url, jobs=4)
        assert len(again.skipped) == 2 and f"{built.name}/manifest.json" in again.uploaded
        assert len(again.uploaded) + len(again.skipped) == sum(1 for p in built.rglob("*") if p.is_file())
    finally:
        server.stop()


@pytest.mark.parametrize("damage", ["truncated", "only-manifest", "extra"])
def test_a_folder_that_does_not_match_its_manifest_uploads_nothing(seaweed: SeaweedFS, bucket: str, built: Path, damage: str) -> None:
    js = built / "js" / "main.min.js"
    if damage == "truncated":
        js.write_bytes(js.read_bytes()[:50])
    elif damage == "only-manifest":  # what a crashed concurrent build once left behind
        for path in [p for p in built.rglob("*") if p.is_file() and p.name != "manifest.json"]:
            path.unlink()
    else:
        (built / "js" / "extra.js").write_text("alert(1)")
    code, out, err = run_cli("--bucket", bucket, "--endpoint-url", seaweed.endpoint_url, "--no-build", "--out", str(built.parent))
    assert code == 1 and out.strip() == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("bai-media: error: ") and "nothing uploaded" in last and str(built) in last
    assert seaweed.client().list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def _count(client: Any, bucket: str) -> int:
    return sum(page.get("KeyCount", 0) for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket))


def test_ctrl_c_cancels_queued_uploads_at_once_and_leaves_the_manifest_out(seaweed: SeaweedFS, bucket: str, tmp_path: Path) -> None:
    tree = asset_tree(tmp_path / "out", 800)
    jobs = 2
    proc = subprocess.Popen([sys.executable, "-m", "bai_media.cli", "deploy", "--bucket", bucket, "--endpoint-url",
                             seaweed.endpoint_url, "--no-build", "--out", str(tree.parent), "-j", str(jobs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    client = seaweed.client()
    try:
        deadline = time.monotonic() + 60
        while _count(client, bucket) < 30:  # uploads are under way
            assert proc.poll() is None and time.monotonic() < deadline, "the deploy ended before it could be interrupted"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    after = _count(client, bucket)
    assert proc.returncode == 130 and out == "" and "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("bai-media: error: interrupted: uploaded ") and "manifest.json not" in last
    counted = int(last.split("uploaded ")[1].split()[0])
    # Nothing starts after Ctrl-C: only the requests in flight then (at most one per job) may land.
    assert counted <= after <= counted + jobs, (counted, after)
    assert after < 400
    # The queue stops at once; the exit itself includes interpreter teardown on a shared machine.
    assert took < 3, f"exited {took:.2f} s after Ctrl-C"
    keys = {o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page.get("Contents", [])}
    assert f"{tree.name}/manifest.json" not in keys


@pytest.fixture
def silent_endpoint() -> Iterator[tuple[str, list[socket.socket]]]:
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", held
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        listener.close()


def test_a_silent_endpoint_fails_within_the_configured_timeout(silent_endpoint: tuple[str, list[socket.socket]], built: Path) -> None:
    endpoint, held = silent_endpoint
    start = time.monotonic()
    code, out, err = run_cli("--bucket", "bai-silent", "--endpoint-url", endpoint, "--no-build", "--out", str(built.parent),
                             "--connect-timeout", "1", "--read-timeout", "1")
    took = time.monotonic() - start
    assert code == 1 and held, "the endpoint was never reached"
    assert err.strip().splitlines()[-1] == f"bai-media: error: no answer from the S3 endpoint {endpoint} (read timeout, 3 attempts)"
    assert took < 10, f"took {took:.1f} s with a 1 s read timeout"


def test_a_silent_endpoint_fails_within_30_s_by_default(silent_endpoint: tuple[str, list[socket.socket]], built: Path) -> None:
    endpoint, held = silent_endpoint
    start = time.monotonic()
    with pytest.raises(DeployError, match="no answer from the S3 endpoint"):
        deploy(built, "bai-silent", endpoint_url=endpoint)
    took = time.monotonic() - start
    assert held and took < 30, f"took {took:.1f} s"


def _three_deploys(seaweed: SeaweedFS, bucket: str, tmp_path: Path) -> tuple[list[str], Path]:
    static = tmp_path / "static"
    shutil.copytree(static_dir(), static)
    hashes = []
    for i in range(3):
        (static / "css" / "bai-media.css").write_text((static / "css" / "bai-media.css").read_text() + f"\n.v{i}{{}}")
        result = build(tmp_path / f"out{i}", static)
        deploy(result.path, bucket, "p", endpoint_url=seaweed.endpoint_url)
        hashes.append(result.hash)
    return hashes, result.path


def _folders(client: Any, bucket: str) -> set[str]:
    return {o["Key"].split("/")[1] for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="p/")
            for o in page.get("Contents", [])}


def test_prune_deletes_nothing_when_one_head_fails(seaweed: SeaweedFS, bucket: str, tmp_path: Path) -> None:
    from botocore.exceptions import EndpointConnectionError

    hashes, current = _three_deploys(seaweed, bucket, tmp_path)
    client = seaweed.client()

    def flaky(params: dict[str, Any], **_: Any) -> None:  # one transient failure, on the live middle folder
        if params.get("Key") == f"p/{hashes[1]}/manifest.json":
            raise EndpointConnectionError(endpoint_url=seaweed.endpoint_url)

    client.meta.events.register("before-parameter-build.s3.HeadObject", flaky)
    with pytest.raises(DeployError) as failure:
        deploy(current, bucket, "p", client=client, prune_keep=2)
    assert str(failure.value).startswith(f"prune: cannot reach the S3 endpoint {seaweed.endpoint_url}; nothing deleted")
    assert _folders(client, bucket) == set(hashes)


def test_prune_keeps_a_recent_incomplete_folder_and_deletes_an_old_one(seaweed: SeaweedFS, bucket: str, tmp_path: Path) -> None:
    hashes, current = _three_deploys(seaweed, bucket, tmp_path)
    client = seaweed.client()
    client.delete_object(Bucket=bucket, Key=f"p/{hashes[0]}/manifest.json")  # a deploy still under way, or one that failed
    assert prune(client, bucket, "p", keep=1, current=hashes[2]) == [hashes[1]]
    assert _folders(client, bucket) == {hashes[0], hashes[2]}
    later = time.time() + 2 * PRUNE_GRACE  # the same folder, long after: a leftover
    assert prune(client, bucket, "p", keep=1, current=hashes[2], now=later) == [hashes[0]]
    assert _folders(client, bucket) == {hashes[2]}
