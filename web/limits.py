"""Input limits for every request: body size, JSON depth, malformed Dash callback input.

- A body larger than ``MAX_CONTENT_LENGTH`` (setting ``COCKPIT_MAX_REQUEST_MB``) is refused with
  413 before anything reads it.
- A Dash callback body nested deeper than :data:`MAX_JSON_DEPTH` is refused with 400 before it is
  parsed (Python's parser would recurse until it fails).
- A callback that trips over input of the wrong shape — a list where a string belongs, a store
  value that is not a dict, a ``clickData`` without points — raises ``TypeError``, ``KeyError``,
  ``ValueError``, ``AttributeError`` or ``IndexError``; on the callback route that is the client's
  malformed request, answered 400 with a Chinese message (logged as a warning), never 500.
  Callbacks stay free of defensive parsing; scope checks still run first and answer 403/404.
- The store unreachable or going away (:func:`data_access.store.is_unavailable`: PostgreSQL
  restarting, a dropped connection, the pool exhausted) answers 503 with ``Retry-After`` at once —
  JSON on JSON paths and for callbacks, a short page otherwise — logged as one warning line, no
  traceback; any other database error stays a 500.
"""

from __future__ import annotations

import logging
import re

from dash.exceptions import UnsupportedRelativePath
from flask import Flask, Response, current_app, request

from data_access.store import StoreError

log = logging.getLogger(__name__)

CALLBACK_PATH = "/_dash-update-component"
MAX_JSON_DEPTH = 64  # Dash's own bodies (figures, patches, store values) stay well below 20
# Exceptions a callback raises on input of the wrong shape (Dash's own: a pathname that is no path).
BAD_INPUT = (
    TypeError,
    KeyError,
    ValueError,
    AttributeError,
    IndexError,
    RecursionError,
    UnsupportedRelativePath,
)
BAD_CALLBACK_INPUT = "请求参数格式错误：页面传来的数据不符合要求，请刷新页面后重试。"
TOO_LARGE = "请求内容过大（上限 {mb} MB）。"
STORE_UNAVAILABLE = "指标库暂时无法访问，请稍后重试。"
RETRY_AFTER_SECONDS = 5
# Strings (with escapes) or single brackets: everything else cannot change the nesting depth.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text nests arrays/objects more than ``limit`` deep (without parsing it)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def _json(message: str, status: int) -> Response:
    from web.auth import _json as json_error

    return json_error(message, status)


def _size_limit() -> Response | None:
    """413 for a declared body over the limit, before the guard, Dash or a form parser reads it."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is not None and request.content_length > limit:
        return _json(TOO_LARGE.format(mb=limit // (1024 * 1024)), 413)
    return None


def check_callback_body() -> Response | None:
    """400 for a callback body nested too deep; called by the guard after the session check."""
    if request.path == CALLBACK_PATH and request.method == "POST" and json_too_deep(request.get_data()):
        return _json(BAD_CALLBACK_INPUT, 400)
    return None


def _bad_input(exc: Exception):  # noqa: ANN202 - a Response
    from web.auth import _unexpected_error

    if request.path != CALLBACK_PATH:
        return _unexpected_error(exc)
    log.warning("malformed callback input on %s: %r", request.path, exc, exc_info=True)
    return _json(BAD_CALLBACK_INPUT, 400)


def _too_large(exc: Exception) -> Response:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _json(TOO_LARGE.format(mb=limit // (1024 * 1024)), 413)


def store_unavailable(exc: Exception) -> Response | None:
    """The 503 for a store outage (None: not an outage)."""
    from data_access.store import is_unavailable
    from web.auth import _error_page, _wants_json

    if not is_unavailable(exc):
        return None
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    log.warning("store unavailable on %s %s: %s", request.method, request.path, reason)
    response = (
        _json(STORE_UNAVAILABLE, 503) if _wants_json(request.path) else _error_page(STORE_UNAVAILABLE, 503)
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _store_error(exc: Exception):  # noqa: ANN202 - a Response
    """503 for a store outage; anything else from the database is the generic 500."""
    from web.auth import _unexpected_error

    return store_unavailable(exc) or _unexpected_error(exc)


def init_limits(server: Flask, max_request_mb: int) -> None:
    """Set the body limit and install the checks and handlers (after ``web.auth.init_auth``)."""
    from werkzeug.exceptions import RequestEntityTooLarge

    server.config["MAX_CONTENT_LENGTH"] = max_request_mb * 1024 * 1024
    server.before_request_funcs.setdefault(None, []).insert(0, _size_limit)  # before the guard
    for kind in BAD_INPUT:
        server.register_error_handler(kind, _bad_input)
    server.register_error_handler(RequestEntityTooLarge, _too_large)
    server.register_error_handler(StoreError, _store_error)
