"""How a wall display logs in: a long-lived token of a read-only ``wall`` account.

An administrator creates the account and its token once::

    cockpit user add wall-zj --role wall --region 440800 --password-stdin
    cockpit user token wall-zj

and opens the kiosk browser at ``/wall#token=<token>&play=<playlist>``. The fragment never reaches
the server or its logs; the page's script keeps the token in the browser's local storage, trades it
for a session (``POST /wall/session`` with ``Authorization: Bearer``) and goes on to ``/screen``.
When that session later fails — a restart with a new secret key, the session's 12 hours over —
the wall player trades the stored token again by itself. Only tokens of ``wall`` accounts open a
session here (an API token of a leader stays an API token); revoking the token or disabling the
account ends it all.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, session
from flask_login import login_user

from data_access import audit, users

bp = Blueprint(
    "wall",
    __name__,
    static_folder=str(Path(__file__).with_name("wall_static")),
    static_url_path="/wall/static",
)
PUBLIC = ("/wall", "/wall/session", "/wall/static/wall-login.js")

# No favicon request: /favicon.ico would be answered by the login page, whose fresh anonymous session
# cookie could arrive after /wall/session's and log the wall out again.
_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>大屏登录 · 百千万工程驾驶舱</title>
<link rel="icon" href="data:,">
<style>body{margin:0;background:#071a33;color:#dbe6f3;font:20px "Microsoft YaHei","PingFang SC",sans-serif;
display:flex;min-height:100vh;align-items:center;justify-content:center}</style></head>
<body><p id="wall-login-message">正在登录大屏…</p>
<script src="/wall/static/wall-login.js"></script></body></html>"""


@bp.get("/wall")
def wall_page() -> Response:
    """The kiosk's entry page: its script reads the token from the URL fragment."""
    return Response(_PAGE, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


@bp.post("/wall/session")
def wall_session() -> Response:
    """Trade a wall account's token for a session cookie (204), or 401."""
    from flask import request

    from web.auth import Account, _json, client_address

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = users.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None or user.role != "wall":
        audit.record("wall_login", outcome="failed", address=client_address())
        return _json("大屏令牌无效、已吊销，或不属于大屏账号", 401)
    session.clear()
    login_user(Account(user, users.start_session(user, client_address())))  # a server-side session
    session.permanent = True
    audit.record("wall_login", username=user.username, region_code=user.region_code, address=client_address())
    return Response(status=204, headers={"Cache-Control": "no-store"})
