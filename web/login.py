"""The login page ``/login`` and ``POST /logout``: a plain Flask form (no Dash needed before login).

A login starts a server-side session (:func:`data_access.users.start_session`); ``POST /logout``
(with the session's CSRF token, as the header's 退出 button sends it) revokes it in the store, so
a copy of the cookie is worthless afterwards. ``GET /logout`` logs nobody out: a link or an image
on any page could otherwise end a user's session.

Failed logins are limited per user name and per address (:mod:`data_access.ratelimit`) and answer
the same whether or not the user exists. Every attempt goes to the audit log; the password never
goes anywhere but the hash check.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, redirect, request, session
from flask_login import login_user, logout_user
from markupsafe import Markup, escape

from data_access import audit, ratelimit, store, users

log = logging.getLogger(__name__)
bp = Blueprint("login", __name__)

GENERIC_FAILURE = "用户名或密码错误，或账号已停用。"
MAX_FIELD = 256

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 百千万工程驾驶舱</title>
<style>
body{{margin:0;font-family:"Microsoft YaHei","PingFang SC",sans-serif;background:#0b2545;color:#1b263b;
display:flex;min-height:100vh;align-items:center;justify-content:center}}
main{{background:#fff;border-radius:8px;padding:32px 40px;width:340px;box-shadow:0 8px 24px rgba(0,0,0,.3)}}
h1{{font-size:20px;margin:0 0 4px}} p.sub{{color:#5c677d;margin:0 0 20px;font-size:13px}}
label{{display:block;font-size:14px;margin:12px 0 4px}}
input[type=text],input[type=password]{{width:100%;box-sizing:border-box;padding:8px;font-size:15px;
border:1px solid #8d99ae;border-radius:4px}}
button{{margin-top:20px;width:100%;padding:10px;font-size:16px;background:#c1121f;color:#fff;border:0;
border-radius:4px;cursor:pointer}}
.msg{{color:#c1121f;font-size:14px;margin:12px 0 0}} .note{{color:#5c677d;font-size:12px;margin-top:16px}}
</style></head>
<body><main>
<h1>百千万工程驾驶舱</h1><p class="sub">百县千镇万村高质量发展工程</p>
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="csrf_token" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label for="login-username">用户名</label>
<input type="text" id="login-username" name="username" value="{username}" maxlength="64" required autofocus>
<label for="login-password">密码</label>
<input type="password" id="login-password" name="password" maxlength="256" required>
<button type="submit" id="login-submit">登录</button>
{message}
</form>
{note}
</main></body></html>"""

DEMO_NOTE = (
    '<p class="note" id="login-demo-note">演示库：内置演示账号 leader（市领导）、admin（市管理员）、'
    "leizhou（雷州市工作人员），密码为 COCKPIT_DEMO_PASSWORD 的值，未设置时见 cockpit demo 的输出。"
    "数据为演示数据，不代表真实情况。</p>"
)


def login_url(next_path: str = "") -> str:
    """``/login`` remembering where to go afterwards (only same-site paths are kept)."""
    target = safe_next(next_path)
    return "/login" if target == "/" else f"/login?next={quote(target, safe='/')}"


def safe_next(value: str | None) -> str:
    """A local path to return to after login; anything else (other sites, schemes) becomes ``/``."""
    value = (value or "").strip()
    parts = urlsplit(value)
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or parts.scheme
        or parts.netloc
        or "\\" in value
        or any(ord(ch) < 32 for ch in value)
        or value.startswith("/login")
    ):
        return "/"
    return value


def csrf_token() -> str:
    """The session's CSRF token for our own forms (login, logout), created on first use."""
    token = session.get("login_csrf")
    if not token:
        token = session["login_csrf"] = secrets.token_urlsafe(24)
    return token


def _render(message: str = "", username: str = "", next_path: str = "/", status: int = 200) -> Response:
    demo = store.get_meta("demo") == "1"
    page = _PAGE.format(
        csrf=escape(csrf_token()),
        next=escape(safe_next(next_path)),
        username=escape(username[:64]),
        message=Markup(f'<p class="msg" id="login-message" role="alert">{escape(message)}</p>')
        if message
        else "",
        note=Markup(DEMO_NOTE) if demo else "",
    )
    return Response(page, status=status, content_type="text/html; charset=utf-8")


@bp.get("/login")
def login_form() -> Response:
    """The form; an already logged-in user goes straight on."""
    from web.auth import current_account

    if current_account() is not None:
        return redirect(safe_next(request.args.get("next")))
    return _render(next_path=request.args.get("next", "/"))


@bp.post("/login")
def login_submit() -> Response:
    """Check the form: CSRF token, rate limit, password; then start a fresh session."""
    from web.auth import Account, client_address

    # Control characters (NUL above all) never belong in a name; PostgreSQL refuses NUL in text.
    username = "".join(ch for ch in (request.form.get("username") or "") if ch >= " ").strip()[:MAX_FIELD]
    password = (request.form.get("password") or "")[:MAX_FIELD]
    next_path = safe_next(request.form.get("next"))
    address = client_address()
    if not _csrf_ok():
        return _render("页面已过期，请重新登录。", username, next_path, status=400)
    keys = ratelimit.keys_for(username, address)
    slot = ratelimit.attempt(keys)  # check and count in one step: concurrent guesses cannot race it
    if slot.wait:
        audit.record_repeated(
            "login",
            username=username[:64],
            outcome="refused",
            detail="rate limited",
            address=address,
            window=ratelimit.WINDOW,
        )
        minutes = max(1, (slot.wait + 59) // 60)
        page = _render(f"登录失败次数过多，请 {minutes} 分钟后再试。", username, next_path, status=429)
        page.headers["Retry-After"] = str(slot.wait)
        return page
    user = users.authenticate(username, password) if username and password else None
    if user is None:
        known = users.find_user(username) if username else None
        audit.record(
            "login",
            username=username[:64],
            region_code=known.region_code if known else "",
            outcome="failed",
            address=address,
        )
        return _render(GENERIC_FAILURE, username, next_path, status=401)
    ratelimit.release(slot)  # not a failure after all
    ratelimit.clear(keys[0])
    session.clear()
    login_user(Account(user, users.start_session(user, address)))
    session.permanent = True
    csrf_token()  # a fresh token for this session's forms (the 退出 button)
    audit.record("login", username=user.username, region_code=user.region_code, address=address)
    return redirect(next_path)


def _csrf_ok() -> bool:
    sent = request.form.get("csrf_token") or ""
    expected = session.get("login_csrf") or ""
    return bool(expected) and hmac.compare_digest(sent, expected)


@bp.post("/logout")
def logout() -> Response:
    """End the session on the server (revoked in the store) and go back to the login form."""
    from web.auth import client_address, current_account

    if not _csrf_ok():  # another site's form, or a stale page: nobody is logged out
        return Response("页面已过期，请刷新后再退出。", status=400, content_type="text/plain; charset=utf-8")
    user = current_account()
    token = session.get("_user_id")
    if token:
        users.end_session(token)
    if user is not None and user.id:
        audit.record("logout", username=user.username, region_code=user.region_code, address=client_address())
    logout_user()
    session.clear()
    return redirect("/login")


@bp.get("/logout")
def logout_get() -> Response:
    """A link cannot log anyone out: only the 退出 button's POST does."""
    return Response(
        "请使用页面右上角的“退出”按钮退出登录。",
        status=405,
        headers={"Allow": "POST"},
        content_type="text/plain; charset=utf-8",
    )
