"""The one cache of the cockpit (flask-caching), attached late like Vizro's data manager.

Query functions are memoized on plain arguments plus the store's data version, so a write in any
worker makes every worker's old entries unreachable. Never memoize on a DataFrame argument.

A Redis cache that cannot be reached reads as a miss, never as an error (:class:`GuardedRedisCache`):
short socket timeouts, no retry loop, and after a failure Redis is skipped for
:data:`COOLDOWN_SECONDS` so a page does not pay a timeout per cached call; meanwhile each worker
serves from the store and memoizes in its own memory, and ``/readyz`` reports the cache down
(:func:`probe`).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from flask import Flask
from flask_caching import Cache
from flask_caching.backends.nullcache import NullCache
from flask_caching.backends.rediscache import RedisCache
from flask_caching.backends.simplecache import SimpleCache

from .settings import Settings

cache = Cache()
F = TypeVar("F", bound=Callable)
log = logging.getLogger(__name__)
COOLDOWN_SECONDS = 5.0  # after a Redis failure, Redis is left alone for this long
LOCAL_THRESHOLD = 2000  # entries of a worker's own stand-in cache while Redis is down
_LOCAL_NAMES = {"unlink": "delete_many"}  # the stand-in (SimpleCache) has no unlink
# Redis on the LAN answers in a millisecond: a connection or reply this slow means it is down.
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_SOCKET_TIMEOUT = 1.0


def _redis_options() -> dict[str, object]:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "retry": Retry(NoBackoff(), 1),  # redis-py's default retries with backoff on every call
        "health_check_interval": 30,
    }


class GuardedRedisCache(RedisCache):
    """flask-caching's Redis backend where an unreachable Redis is a miss (see the module doc)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - RedisCache's
        super().__init__(*args, **kwargs)
        self._down_until = 0.0
        self._lock = threading.Lock()
        # While Redis is down each worker memoizes in its own memory (keys carry the data version,
        # so nothing stale is served); without it every request recomputed everything (p95 ×8).
        self._local = SimpleCache(threshold=LOCAL_THRESHOLD, default_timeout=self.default_timeout)

    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            was_up = not self.is_down()
            self._down_until = time.monotonic() + COOLDOWN_SECONDS
        if was_up:
            log.warning("Redis cache unreachable, serving from the store: %s", exc)

    def _call(self, name: str, default, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        from redis import RedisError

        if self.is_down():
            return getattr(self._local, _LOCAL_NAMES.get(name, name))(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return getattr(self._local, _LOCAL_NAMES.get(name, name))(*args, **kwargs)

    def get(self, key: str):  # noqa: ANN201
        return self._call("get", None, key)

    def get_many(self, *keys: str) -> list:
        return self._call("get_many", [None] * len(keys), *keys)

    def has(self, key: str) -> bool:
        return self._call("has", False, key)

    def set(self, key: str, value, timeout: int | None = None):  # noqa: ANN001, ANN201
        return self._call("set", False, key, value, timeout)

    def add(self, key: str, value, timeout: int | None = None):  # noqa: ANN001, ANN201
        return self._call("add", False, key, value, timeout)

    def set_many(self, mapping, timeout: int | None = None):  # noqa: ANN001, ANN201
        return self._call("set_many", [], mapping, timeout)

    def delete(self, key: str):  # noqa: ANN201
        return self._call("delete", False, key)

    def delete_many(self, *keys: str):  # noqa: ANN201
        return self._call("delete_many", [], *keys)

    def inc(self, key: str, delta: int = 1):  # noqa: ANN201
        return self._call("inc", None, key, delta)

    def dec(self, key: str, delta: int = 1):  # noqa: ANN201
        return self._call("dec", None, key, delta)

    def clear(self) -> bool:
        return self._call("clear", False)

    def unlink(self, *keys: str):  # noqa: ANN201
        return self._call("unlink", None, *keys)

    def probe(self) -> bool:
        """Ask Redis itself (past the cool-down): True when it answers; closes or opens the breaker."""
        from redis import RedisError

        try:
            self._write_client.ping()
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return False
        if self._down_until:
            self._down_until = 0.0
            self._local.clear()  # Redis again: the shared entries, not this worker's old ones
        return True


_pinned: ContextVar[int | None] = ContextVar("cockpit_pinned_version", default=None)


def cache_config(settings: Settings, namespace: str = "") -> dict[str, object]:
    """flask-caching configuration; ``namespace`` (the store's id) keeps stores apart in one cache."""
    url = settings.cache_url
    prefix = f"bqw:{namespace}:" if namespace else "bqw:"
    base: dict[str, object] = {"CACHE_DEFAULT_TIMEOUT": settings.cache_timeout, "CACHE_KEY_PREFIX": prefix}
    if not url:
        return {**base, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 5000}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            **base,
            "CACHE_TYPE": f"{__name__}.GuardedRedisCache",
            "CACHE_REDIS_URL": url,
            "CACHE_OPTIONS": _redis_options(),
        }
    if url == "null":
        return {**base, "CACHE_TYPE": "NullCache"}
    return {**base, "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": url, "CACHE_THRESHOLD": 20000}


def init_cache(server: Flask | None, settings: Settings, namespace: str = "") -> None:
    """Attach the cache to the Flask server (or a private one for the CLI and tests)."""
    server = server or Flask("cockpit-data")
    cache.init_app(server, config=cache_config(settings, namespace))


def clear() -> None:
    cache.clear()


def probe() -> str:
    """The cache's state for ``/readyz``: "ok", "无法连接" (unreachable) or "读写失败"."""
    import uuid

    backend = cache.cache
    if isinstance(backend, GuardedRedisCache) and not backend.probe():
        return "无法连接"
    try:
        key = f"readyz:{uuid.uuid4().hex}"
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1" or isinstance(backend, NullCache)
        cache.delete(key)
    except Exception:  # noqa: BLE001 - any cache backend failure means "not ready"
        return "无法连接"
    return "ok" if ok else "读写失败"


def shared_get(key: str) -> object | None:
    """A derived object other workers may have put in the shared cache (None: absent, or the
    cache cannot be reached: the caller derives it itself)."""
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a page
        return None


def shared_set(key: str, value: object) -> None:
    """Share a derived object with the other workers (keys carry the data version; best effort)."""
    try:
        cache.set(key, value)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a page
        return


def current_version() -> int:
    """The data version for a cache key: the pinned one inside :func:`one_version`, else the store's."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    from .store import data_version  # local: store imports this module

    return data_version()


@contextmanager
def one_version() -> Iterator[int]:
    """Read the data version once for a block of reads (one callback), not once per cached call.

    Every ``@versioned`` call inside uses it, so the block also reads one consistent version.
    For read-only blocks only: a write inside would not be seen by the block's later reads.
    """
    pinned = _pinned.get()
    if pinned is not None:  # nested: the outer block's version
        yield pinned
        return
    token = _pinned.set(current_version())
    try:
        yield _pinned.get()  # type: ignore[misc]
    finally:
        _pinned.reset(token)


def versioned(fn: F) -> F:
    """Memoize ``fn`` on its plain arguments and the current data version.

    The wrapped function receives no extra argument; the version only enters the key.
    """

    def _inner(_version: int, *args, **kwargs):
        return fn(*args, **kwargs)

    # The cache key is built from the qualified name: make it the wrapped function's own.
    _inner.__module__ = fn.__module__
    _inner.__qualname__ = fn.__qualname__
    _inner = cache.memoize()(_inner)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return _inner(current_version(), *args, **kwargs)

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
