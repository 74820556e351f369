"""Access control for the web app: sessions, API tokens, the request guard and security headers.

:func:`init_auth` (called by ``create_app``) installs flask-login, a ``before_request`` guard that
requires a session — or ``Authorization: Bearer <token>`` on ``/api/v1`` and ``/geo`` — for every
route except :data:`PUBLIC_PATHS` and the login page's static files, security headers on every
response, and error handlers that never send a stack trace. :func:`current_account` is the user a
request runs as; ``web.scope.current_scope()`` derives the scope from it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import dash
from flask import Flask, Response, current_app, g, has_request_context, redirect, request
from flask_login import LoginManager, current_user
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from data_access import audit, store, users
from data_access.codes import normalize_code
from data_access.errors import CockpitError
from data_access.users import User
from web.wall import PUBLIC as WALL_PUBLIC  # the wall display's token login (web/wall.py)

log = logging.getLogger(__name__)

EXTENSION = "cockpit_auth"
PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/login", "/logout", "/_favicon.ico", *WALL_PUBLIC})
# The login page's static files: theme CSS, fonts and images under /assets/ (never scripts or data).
PUBLIC_ASSET_SUFFIXES = (".css", ".woff", ".woff2", ".ttf", ".otf", ".png", ".svg", ".ico", ".jpg", ".webp")
TOKEN_PREFIXES = ("/api/", "/geo/", "/export/")  # where a Bearer token may stand in for a session
JSON_PREFIXES = ("/api/", "/geo/", "/export/", "/_dash-", "/_reload-hash")
SESSION_HOURS = 12
LOGIN_DISABLED_USER = "test-leader"


@dataclass(frozen=True)
class Account:
    """flask-login's view of a :class:`~data_access.users.User` in one server-side session.

    The id flask-login keeps in the cookie is the session's random token; the store knows only its
    hash, and :func:`data_access.users.user_for_session` checks it on every request (revoked on
    logout, password change and disable).
    """

    user: User
    token: str = ""
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return self.token


def init_auth(app: dash.Dash, *, login_disabled: bool = False) -> None:
    """Install login, guard, headers and error handlers on the app's server.

    ``login_disabled`` is for tests only: every request then runs as a leader of the configured
    root region, as before access control existed. Nothing in settings or the environment sets it.
    """
    server: Flask = app.server
    settings = store.settings()
    server.config.update(
        SESSION_COOKIE_NAME="bqw_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    server.extensions[EXTENSION] = {"login_disabled": login_disabled, "dash": app}
    manager = LoginManager()
    manager.init_app(server)

    @manager.user_loader
    def _load(token: str) -> Account | None:
        user = users.user_for_session(token)
        return Account(user, token) if user else None

    from web.login import bp as login_bp
    from web.wall import bp as wall_bp

    server.register_blueprint(login_bp)
    server.register_blueprint(wall_bp)
    # First of all before_request hooks: Dash's own (first-request setup) may evaluate layouts.
    server.before_request_funcs.setdefault(None, []).insert(0, _guard)
    server.after_request(_security_headers)
    server.register_error_handler(CockpitError, _cockpit_error)
    server.register_error_handler(Exception, _unexpected_error)


def auth_enabled() -> bool:
    """True when the current Flask app requires logins (it was built by ``create_app``)."""
    state = current_app.extensions.get(EXTENSION)
    return state is not None and not state["login_disabled"]


def _login_disabled_user() -> User:
    return User(
        0,
        LOGIN_DISABLED_USER,
        "测试（免登录）",
        "leader",
        normalize_code(store.settings().root_region),
        True,
        0,
        datetime(2026, 1, 1),
    )


def current_account() -> User | None:
    """The user this request runs as (session or API token), or None (anonymous, or no request)."""
    if not has_request_context():
        return None
    state = current_app.extensions.get(EXTENSION)
    if state is None:
        return None
    if state["login_disabled"]:
        return _login_disabled_user()
    if "cockpit_token_user" in g:
        return g.cockpit_token_user
    account = current_user
    return account.user if account and getattr(account, "is_authenticated", False) else None


def can_see_phones() -> bool:
    """True when the current user may see phone numbers in full (leader and admin)."""
    user = current_account()
    return bool(user and user.can_see_phones)


def client_address() -> str:
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def audit_event(action: str, detail: str = "", outcome: str = "ok") -> None:
    """Record an audit entry for the current user and address (exports, imports…)."""
    user = current_account()
    audit.record(
        action,
        username=user.username if user else "",
        region_code=user.region_code if user else "",
        outcome=outcome,
        detail=detail,
        address=client_address(),
    )


def _is_public(path: str) -> bool:
    if path in PUBLIC_PATHS:
        return True
    return path.startswith("/assets/") and path.lower().endswith(PUBLIC_ASSET_SUFFIXES) and ".." not in path


def _json(message: str, status: int, **headers: str) -> Response:
    from flask import json

    body = json.dumps({"error": message}, ensure_ascii=False)
    return Response(body, status=status, content_type="application/json; charset=utf-8", headers=headers)


def _wants_json(path: str) -> bool:
    return path.startswith(JSON_PREFIXES) or request.method != "GET"


def _guard() -> Response | None:
    """Refuse every non-public request without a session (or a valid token where allowed)."""
    from web.limits import check_callback_body

    path = request.path
    state = current_app.extensions[EXTENSION]
    if _is_public(path):
        return None
    if state["login_disabled"]:
        return check_callback_body()
    header = request.headers.get("Authorization", "")
    if header and path.startswith(TOKEN_PREFIXES):
        scheme, _, token = header.partition(" ")
        user = users.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return _json("API 令牌无效或已吊销", 401, **{"WWW-Authenticate": 'Bearer error="invalid_token"'})
        g.cockpit_token_user = user
        return None
    if current_account() is not None:
        return check_callback_body()  # only a logged-in user's body is worth a look
    if _wants_json(path):
        extra = {"WWW-Authenticate": "Bearer"} if path.startswith(TOKEN_PREFIXES) else {}
        return _json("请先登录", 401, **extra)
    from web.login import login_url

    return redirect(login_url(request.full_path if request.query_string else path))


def content_security_policy(app: dash.Dash | None) -> str:
    """The CSP: scripts only from this server plus Dash's own inline scripts (by hash)."""
    hashes = " ".join(app.csp_hashes()) if app is not None else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}".strip(),
            "style-src 'self' 'unsafe-inline'",  # plotly and dash components inject <style> elements
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _security_headers(response: Response) -> Response:
    state = current_app.extensions.get(EXTENSION, {})
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(state.get("dash")))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path in ("/login", "/admin") or request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def _error_page(message: str, status: int) -> Response:
    html = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{status}</title></head>'
        f'<body><p>{escape(message)}</p><p><a href="/">返回首页</a></p></body></html>'
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _cockpit_error(exc: CockpitError) -> Response:
    """A typed data-layer error not handled closer to its source: its status and message only."""
    if request.path.startswith(JSON_PREFIXES):
        return _json(str(exc), exc.status)
    return _error_page(str(exc), exc.status)


def _unexpected_error(exc: Exception) -> Response | HTTPException:
    """Anything else: logged here with its traceback, a plain 500 to the client."""
    if isinstance(exc, HTTPException):
        return exc
    log.exception("unhandled error on %s %s", request.method, request.path)
    if request.path.startswith(JSON_PREFIXES):
        return _json("服务器内部错误", 500)
    return _error_page("服务器内部错误，请稍后再试。", 500)
