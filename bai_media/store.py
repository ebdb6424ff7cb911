"""Where saved run state and cached renders live between requests, processes and machines.

A store keeps bytes under string keys with a time to live, and gives a per-key lock so two
requests continuing one run are applied one after the other instead of one losing the other's
update. Three stores, chosen by one URL (``BAI_MEDIA_STATE_STORE``): ``memory://`` (one process,
the default), ``redis://host:port/db`` (redis-py) and ``django-cache://alias`` (a Django cache).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from urllib.parse import urlsplit

#: How long saved run state lives after its last update, in seconds.
DEFAULT_TTL = 3600.0
#: How long a request waits for another request on the same run before giving up.
LOCK_WAIT = 10.0
#: How long a lock outlives a crashed holder; longer than a request's wall-clock budget.
LOCK_LEASE = 30.0


class StoreBusy(RuntimeError):
    """The lock on a key stayed held longer than the wait (another request is still working)."""


class Store(Protocol):
    """Bytes by key with expiry, plus a lock per key that lapses if its holder dies."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl: float | None = DEFAULT_TTL) -> None: ...

    def delete(self, key: str) -> None: ...

    def lock(self, key: str, wait: float = LOCK_WAIT, lease: float = LOCK_LEASE) -> Any:
        """A context manager held while a request reads, updates and writes back ``key``."""
        ...


class MemoryStore:
    """One process's store: a bounded LRU (entries and bytes) with expiry and per-key locks."""

    def __init__(self, max_entries: int = 10_000, max_bytes: int = 256_000_000) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._data: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._bytes = 0
        self._mutex = threading.Lock()
        self._held: dict[str, float] = {}
        self._released = threading.Condition(self._mutex)

    def get(self, key: str) -> bytes | None:
        with self._mutex:
            found = self._data.get(key)
            if found is None:
                return None
            if found[1] < time.monotonic():
                self._drop(key)
                return None
            self._data.move_to_end(key)
            return found[0]

    def set(self, key: str, value: bytes, ttl: float | None = DEFAULT_TTL) -> None:
        value = bytes(value)
        if len(value) > self.max_bytes:
            return  # a value larger than the whole store would only evict everything else
        with self._mutex:
            self._drop(key)
            self._data[key] = (value, time.monotonic() + ttl if ttl else float("inf"))
            self._bytes += len(value)
            while len(self._data) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._data)))

    def delete(self, key: str) -> None:
        with self._mutex:
            self._drop(key)

    def _drop(self, key: str) -> None:
        found = self._data.pop(key, None)
        if found is not None:
            self._bytes -= len(found[0])

    @contextmanager
    def lock(self, key: str, wait: float = LOCK_WAIT, lease: float = LOCK_LEASE) -> Iterator[None]:
        deadline = time.monotonic() + wait
        with self._released:
            while self._held.get(key, 0.0) > time.monotonic():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreBusy(f"{key} is locked by another request")
                self._released.wait(min(left, 0.05))
            self._held[key] = token = time.monotonic() + lease
        try:
            yield
        finally:
            with self._released:
                if self._held.get(key) == token:
                    del self._held[key]
                self._released.notify_all()


class RedisStore:
    """A Redis database shared by every process and machine; locks are redis-py's (SET NX PX)."""

    def __init__(self, url: str, prefix: str = "bai-media:") -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        value = self.client.get(self.prefix + key)
        return bytes(value) if value is not None else None  # type: ignore[arg-type]

    def set(self, key: str, value: bytes, ttl: float | None = DEFAULT_TTL) -> None:
        self.client.set(self.prefix + key, value, px=int(ttl * 1000) if ttl else None)

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    @contextmanager
    def lock(self, key: str, wait: float = LOCK_WAIT, lease: float = LOCK_LEASE) -> Iterator[None]:
        from redis.exceptions import LockError

        lock = self.client.lock(f"{self.prefix}lock:{key}", timeout=lease, blocking_timeout=wait)
        if not lock.acquire():
            raise StoreBusy(f"{key} is locked by another request")
        try:
            yield
        finally:
            try:
                lock.release()
            except LockError:  # the lease ran out; another request may hold it now
                pass


class DjangoCacheStore:
    """A Django cache by alias; the lock is ``cache.add`` (atomic in every shipped backend)."""

    def __init__(self, alias: str = "default", prefix: str = "bai-media:") -> None:
        from django.core.cache import caches

        self.cache = caches[alias]
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        value = self.cache.get(self.prefix + key)
        return bytes(value) if isinstance(value, (bytes, bytearray)) else None

    def set(self, key: str, value: bytes, ttl: float | None = DEFAULT_TTL) -> None:
        self.cache.set(self.prefix + key, bytes(value), timeout=ttl)

    def delete(self, key: str) -> None:
        self.cache.delete(self.prefix + key)

    @contextmanager
    def lock(self, key: str, wait: float = LOCK_WAIT, lease: float = LOCK_LEASE) -> Iterator[None]:
        name, token = f"{self.prefix}lock:{key}", os.urandom(16).hex()  # uuid4's randomness, without importing uuid
        deadline = time.monotonic() + wait
        while not self.cache.add(name, token, timeout=lease):
            if time.monotonic() >= deadline:
                raise StoreBusy(f"{key} is locked by another request")
            time.sleep(0.01)
        try:
            yield
        finally:
            if self.cache.get(name) == token:
                self.cache.delete(name)


def from_url(url: str | None) -> Store:
    """The store a ``BAI_MEDIA_STATE_STORE`` URL names; ``None`` or ``memory://`` is in-process."""
    if not url or url == "memory://":
        return MemoryStore()
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss", "unix"):
        return RedisStore(url)
    if scheme == "django-cache":
        return DjangoCacheStore(urlsplit(url).netloc or "default")
    raise ValueError(f"unknown state store {url!r}; use memory://, redis://host:port/db or django-cache://alias")
