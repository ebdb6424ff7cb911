"""The test helpers themselves: SeaweedFS on loopback ports it chose, alive as long as tests run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bai_media.testing import HOST, SeaweedFS

pytestmark = pytest.mark.s3

#: ``weed mini`` once exited with 255 about 123 s after start; long test runs need it for longer.
LIFETIME = 180.0


def listening(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every listening TCP socket the process holds, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table, width in (("tcp", 8), ("tcp6", 32)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                address, port = fields[1].split(":")
                if width == 8:
                    host = ".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0))
                else:
                    host = "ipv6:" + address
                found.add((host, int(port, 16)))
    return found


def serves(server: SeaweedFS, key: str) -> bool:
    client = server.client()
    bucket = "bai-lifetime"
    try:
        client.head_bucket(Bucket=bucket)
    except Exception:
        client.create_bucket(Bucket=bucket)
    client.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return client.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()


@pytest.mark.slow
def test_seaweedfs_listens_only_where_told_and_still_serves_after_three_minutes(seaweed: SeaweedFS) -> None:
    """The session's server: by the time this runs in a whole-suite run, most of the three
    minutes have passed in other tests; alone, it waits for the rest."""
    assert seaweed.proc is not None
    expected = {(HOST, port) for port in seaweed.ports.values()}
    assert listening(seaweed.proc.pid) == expected  # loopback only, no port it did not choose (10000, random)
    assert serves(seaweed, "early")
    left = LIFETIME - (time.monotonic() - seaweed.started)
    if left > 0:
        time.sleep(left)
    assert seaweed.proc.poll() is None, f"weed exited with {seaweed.proc.returncode}: {seaweed.log_tail()}"
    assert serves(seaweed, "after-three-minutes")
    assert listening(seaweed.proc.pid) == expected
