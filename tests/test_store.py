"""Stores: memory and a real redis-server behave alike, and the lock never loses an update."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bai_media.store import MemoryStore, RedisStore, Store, StoreBusy, from_url


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    store = RedisStore(request.getfixturevalue("redis_url"), prefix=f"test-{time.monotonic_ns()}:")
    yield store
    store.client.close()


def test_get_set_delete(store: Store) -> None:
    assert store.get("a") is None
    store.set("a", b"\x00one")
    assert store.get("a") == b"\x00one"
    store.set("a", b"two")
    assert store.get("a") == b"two"
    store.delete("a")
    assert store.get("a") is None


def test_values_expire(store: Store) -> None:
    store.set("short", b"x", ttl=0.2)
    store.set("long", b"y", ttl=60)
    assert store.get("short") == b"x"
    time.sleep(0.5)
    assert store.get("short") is None and store.get("long") == b"y"


def test_concurrent_read_modify_write_loses_no_update(store: Store) -> None:
    store.set("counter", b"0")

    def bump() -> None:
        for _ in range(20):
            with store.lock("counter"):
                value = int(store.get("counter") or b"0")
                time.sleep(0.0005)  # widen the window a lost update would need
                store.set("counter", str(value + 1).encode())

    threads = [threading.Thread(target=bump) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.get("counter") == b"120"


def test_a_held_lock_makes_others_wait_then_give_up(store: Store) -> None:
    with store.lock("run", lease=5):
        started = time.monotonic()
        with pytest.raises(StoreBusy):
            with store.lock("run", wait=0.3):
                pass
        assert time.monotonic() - started >= 0.15  # it waited (redis-py polls every 0.1 s)
    with store.lock("run", wait=0.3):  # released: free again at once
        pass


def test_a_dead_holders_lock_lapses_after_its_lease(store: Store) -> None:
    holder = store.lock("run", lease=0.3)
    holder.__enter__()  # never released, as if the worker died
    with store.lock("run", wait=3):
        pass


def test_memory_store_is_a_bounded_lru() -> None:
    store = MemoryStore(max_entries=3, max_bytes=10)
    for key in "abc":
        store.set(key, b"1")
    store.get("a")
    store.set("d", b"1")
    assert store.get("b") is None and store.get("a") == b"1"
    store.set("big", b"x" * 9)
    assert [k for k in "acd" if store.get(k)] == ["a"]  # least recently used evicted until 10 bytes fit
    store.set("huge", b"x" * 11)
    assert store.get("huge") is None and store.get("big") == b"x" * 9


def test_from_url(redis_url: str) -> None:
    assert isinstance(from_url(None), MemoryStore) and isinstance(from_url("memory://"), MemoryStore)
    redis_store = from_url(redis_url)
    assert isinstance(redis_store, RedisStore)
    redis_store.set("from-url", b"ok")
    assert redis_store.get("from-url") == b"ok"
    with pytest.raises(ValueError, match="unknown state store"):
        from_url("ftp://example")
