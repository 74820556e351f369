"""The one cache of the cockpit (flask-caching), attached late like Vizro's data manager.

Query functions are memoized on plain arguments plus the store's data version, so a write in any
worker makes every worker's old entries unreachable. Never memoize on a DataFrame argument.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from flask import Flask
from flask_caching import Cache

from .settings import Settings

cache = Cache()
F = TypeVar("F", bound=Callable)
_pinned: ContextVar[int | None] = ContextVar("cockpit_pinned_version", default=None)


def cache_config(settings: Settings, namespace: str = "") -> dict[str, object]:
    """flask-caching configuration; ``namespace`` (the store's id) keeps stores apart in one cache."""
    url = settings.cache_url
    prefix = f"bqw:{namespace}:" if namespace else "bqw:"
    base: dict[str, object] = {"CACHE_DEFAULT_TIMEOUT": settings.cache_timeout, "CACHE_KEY_PREFIX": prefix}
    if not url:
        return {**base, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 5000}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {**base, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url}
    if url == "null":
        return {**base, "CACHE_TYPE": "NullCache"}
    return {**base, "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": url, "CACHE_THRESHOLD": 20000}


def init_cache(server: Flask | None, settings: Settings, namespace: str = "") -> None:
    """Attach the cache to the Flask server (or a private one for the CLI and tests)."""
    server = server or Flask("cockpit-data")
    cache.init_app(server, config=cache_config(settings, namespace))


def clear() -> None:
    cache.clear()


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
