"""Admission for heavy render requests, so they cannot crowd out ordinary ones.

A request whose media carry more than ``threshold`` bytes of work (raster images are only
checked and passed through, so they do not count) is *heavy*. At most ``slots`` heavy requests
render at once on this machine, across every worker process (a ``flock`` on one file per slot),
each in a thread at lower CPU priority; one that finds every slot taken is answered 503 with
``Retry-After`` at once instead of holding a worker while it waits. The browser runtime retries.
Small requests never wait for a slot, so a burst of huge or hostile payloads leaves the workers
and most of the CPU to everyone else, which is what keeps ordinary latency flat under attack.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..mediatypes import RASTER

try:
    import fcntl
except ImportError:  # Windows: slots are counted per process only
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Bytes of work above which a request is heavy (a few hundred ms of the costliest handlers).
HEAVY_BODY = 64_000
#: How much lower (in nice steps) heavy requests run than the worker.
NICENESS = 10


def default_slots() -> int:
    """Half the CPUs: ordinary requests keep the other half whatever heavy ones do."""
    return max(1, (os.cpu_count() or 2) // 2)


def cheap_bytes(media: Any) -> int:
    """Bytes of raster image data in a request's media: decoding them is checked and cheap.

    Looks at ``[type, data]`` items, ``{"type", "data"}`` items, MIME bundles and a Backend.AI
    result's ``console`` list, one level deep each: constant work per item, never a deep walk.
    """
    if isinstance(media, dict):  # a Backend.AI result, maybe wrapped as {"result": ...}
        inner = media.get("result", media)
        media = inner.get("console") if isinstance(inner, dict) else None
    if not isinstance(media, list):
        return 0
    total = 0
    for item in media:
        if isinstance(item, (list, tuple)) and len(item) >= 2:
            kind, data = item[0], item[1]
        elif isinstance(item, dict) and "type" in item:
            kind, data = item.get("type"), item.get("data")
        else:
            continue
        if isinstance(kind, str) and kind in RASTER and isinstance(data, str):
            total += len(data)
        elif isinstance(data, dict):  # a MIME bundle
            total += sum(len(value) for key, value in data.items() if key in RASTER and isinstance(value, str))
    return total


class Lane:
    """Where heavy requests render: ``slots`` at a time per machine, at lower CPU priority."""

    def __init__(self, threshold: int | None = HEAVY_BODY, slots: int | None = None, directory: str | Path | None = None) -> None:
        self.threshold = threshold
        self.slots = slots if slots is not None else default_slots()
        if self.slots < 1:
            raise ValueError("a lane needs at least one slot (a threshold of None makes no request heavy)")
        self.directory = Path(directory) if directory is not None else Path(tempfile.gettempdir()) / f"bai-media-lanes-{_uid()}"
        self._pid = -1
        self._guard = threading.Lock()

    def heavy(self, size: int, media: Any) -> bool:
        """Whether a request of ``size`` body bytes carrying ``media`` must take a slot."""
        return self.threshold is not None and size > self.threshold and size - cheap_bytes(media) > self.threshold

    def run(self, work: Callable[[], T]) -> T | None:
        """``work()`` in a free slot, at lower priority; None (at once) when every slot is taken."""
        self._after_fork()
        slot = self._take()
        if slot is None:
            return None
        try:
            return self._pool.submit(work).result()
        finally:
            self._give(slot)

    # -- slots: a thread lock (threads of one process) and an flock (processes of one machine) --

    def _after_fork(self) -> None:
        """Per-process state: an flock is shared by a forked child, so each process opens its own."""
        if self._pid == os.getpid():
            return
        with self._guard:
            if self._pid == os.getpid():
                return
            self._locks = [threading.Lock() for _ in range(self.slots)]
            self._files = [self._open(n) for n in range(self.slots)]
            self._pool = ThreadPoolExecutor(self.slots, thread_name_prefix="bai-media-heavy", initializer=_lower_priority)
            self._pid = os.getpid()

    def _open(self, n: int) -> int | None:
        if fcntl is None:
            return None
        try:
            self.directory.mkdir(mode=0o700, exist_ok=True)
            info = self.directory.lstat()
            if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                raise PermissionError(f"{self.directory} is not a directory of this user")
            return os.open(self.directory / f"slot-{n}", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:  # counted per process instead: still bounded, only less tightly
            log.warning("bai-media: heavy-request slots are per process: %s", exc)
            return None

    def _take(self) -> int | None:
        for n, lock in enumerate(self._locks):
            if not lock.acquire(blocking=False):
                continue
            fd = self._files[n]
            if fd is None:
                return n
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return n
            except OSError:  # another process holds it
                lock.release()
        return None

    def _give(self, n: int) -> None:
        fd = self._files[n]
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        self._locks[n].release()


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def _lower_priority() -> None:
    """Lower this thread's CPU priority (Linux keeps a nice value per thread; elsewhere it would
    lower the whole process, so nothing is done there)."""
    if sys.platform != "linux":
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + NICENESS))
    except OSError as exc:
        log.warning("bai-media: cannot lower the priority of heavy renders: %s", exc)
