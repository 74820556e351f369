"""Login, logout, sessions, rate limiting, audit, tokens, headers and error pages (tiny store)."""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from data_access import audit, ratelimit, store, users
from data_access.schema import api_token, app_user, audit_log, login_attempt
from tests.web.conftest import PASSWORD, login, logout

T0 = datetime(2026, 11, 27, 9, 0, 0)


@pytest.fixture
def clock(monkeypatch):
    """Freeze the rate limiter's clock; ``clock.now`` can be moved by the test."""

    class Clock:
        now = T0

    monkeypatch.setattr(ratelimit, "utcnow", lambda: Clock.now)
    return Clock


def test_login001_form_fields(tiny_users):
    resp = tiny_users.server.test_client().get("/login")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html and 'type="submit"' in html
    assert "login-demo-note" not in html  # the tiny store is not a demo store
    assert resp.headers["Cache-Control"] == "no-store"


def test_login002_demo_store_says_so(tiny_users):
    with store.engine().begin() as conn:
        store.set_meta(conn, "demo", "1")
    html = tiny_users.server.test_client().get("/login").get_data(as_text=True)
    assert "演示" in html and "COCKPIT_DEMO_PASSWORD" in html and "leizhou" in html


def _message(resp) -> str:
    return re.search(r'id="login-message"[^>]*>([^<]*)<', resp.get_data(as_text=True)).group(1)


def test_login003_failures_do_not_reveal_whether_the_user_exists(tiny_users, clock):
    client = tiny_users.server.test_client()
    wrong = login(client, "clerk", "wrong-password")
    unknown = login(client, "nobody", "wrong-password")
    assert wrong.status_code == unknown.status_code == 401
    assert _message(wrong) == _message(unknown) == "用户名或密码错误，或账号已停用。"
    assert client.get("/").status_code == 302


def test_login004_success_sets_a_safe_session_cookie_and_redirects(tiny_users, clock):
    client = tiny_users.server.test_client()
    resp = login(client, "clerk", next_path="/map?region=990101")
    assert resp.status_code == 302 and resp.headers["Location"] == "/map?region=990101"
    cookie = resp.headers["Set-Cookie"]
    assert "bqw_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/regions/990101").status_code == 200
    assert client.get("/api/v1/regions/990102").status_code == 403  # staff of 甲区


def test_login005_secure_cookie_setting(tiny_store, clock):
    from app import create_app

    app = create_app(dataclasses.replace(tiny_store, root_region="990100", secure_cookies=True))
    users.add_user("boss", PASSWORD, "leader", "990100")
    client = app.server.test_client()
    resp = login(client, "boss")
    assert "Secure" in resp.headers["Set-Cookie"]
    assert client.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:x",
        "/login?next=//evil.example",
    ],
)
def test_login006_next_never_leaves_the_site(tiny_users, clock, target):
    resp = login(tiny_users.server.test_client(), "boss", next_path=target)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_login007_form_without_csrf_token_refused(tiny_users, clock):
    client = tiny_users.server.test_client()
    resp = client.post("/login", data={"username": "boss", "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/").status_code == 302


def test_login008_rate_limit_per_user(tiny_users, clock):
    client = tiny_users.server.test_client()
    for _ in range(ratelimit.LIMITS["user"]):
        assert login(client, "clerk", "wrong-password").status_code == 401
    blocked = login(client, "clerk")  # even the right password is not tried now
    assert blocked.status_code == 429 and "次数过多" in _message(blocked)
    assert "次数过多" in _message(login(client, "CLERK"))  # the name's case does not matter
    assert login(client, "boss").status_code == 302  # another user from the same address is not blocked
    clock.now = T0 + ratelimit.WINDOW + timedelta(seconds=1)
    assert login(tiny_users.server.test_client(), "clerk").status_code == 302
    assert ratelimit.failures("user:clerk", clock.now) == 0  # success clears the user's count


def test_login009_rate_limit_per_address(tiny_users, clock):
    client = tiny_users.server.test_client()
    for i in range(ratelimit.LIMITS["addr"]):
        assert login(client, f"guess{i}", "wrong-password", address="10.0.0.9").status_code == 401
    assert login(client, "boss", address="10.0.0.9").status_code == 429
    assert login(client, "boss", address="10.0.0.10").status_code == 302


@pytest.mark.parametrize("hops", [0, 1])
def test_login009b_behind_a_proxy_the_forwarded_address_counts(tiny_store, clock, hops):
    """COCKPIT_PROXY_HOPS=1: the client's address comes from X-Forwarded-For, so 20 failures from
    one client do not lock out the others behind the same proxy; 0: the header is not trusted."""
    from app import create_app

    app = create_app(dataclasses.replace(tiny_store, root_region="990100", proxy_hops=hops))
    users.add_user("boss", PASSWORD, "leader", "990100")
    client = app.server.test_client()

    def through_proxy(username: str, password: str, client_address: str):
        headers = {"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"}
        return login(client, username, password, address="10.9.9.9", headers=headers)  # the proxy

    for i in range(ratelimit.LIMITS["addr"]):
        assert through_proxy(f"guess{i}", "wrong-password", "172.16.0.5").status_code == 401
    other = through_proxy("boss", PASSWORD, "172.16.0.6")
    assert other.status_code == (302 if hops else 429)
    (entry, *_) = [e for e in audit.recent() if e.outcome == "failed"]
    assert entry.address == ("172.16.0.5" if hops else "10.9.9.9")


def test_login009c_proxy_hops_must_be_a_number():
    from data_access.settings import get_settings

    with pytest.raises(ValueError, match="COCKPIT_PROXY_HOPS"):
        get_settings(proxy_hops="yes", secret_key="x")
    assert get_settings(proxy_hops="2", secret_key="x").proxy_hops == 2


def test_login010_unknown_users_are_limited_like_known_ones(tiny_users, clock):
    client = tiny_users.server.test_client()
    for _ in range(ratelimit.LIMITS["user"]):
        login(client, "nobody", "x-password")
    assert login(client, "nobody", "x-password").status_code == 429


def test_login011_audit_log_records_logins_and_logouts(tiny_users, clock):
    client = tiny_users.server.test_client()
    login(client, "clerk", "wrong-password", address="10.1.1.1")
    login(client, "ghost", "wrong-password", address="10.1.1.1")
    login(client, "clerk", address="10.1.1.1")
    logout(client, address="10.1.1.1")
    entries = [(e.action, e.outcome, e.username, e.region_code, e.address) for e in audit.recent()]
    assert entries == [
        ("logout", "ok", "clerk", "990101000000", "10.1.1.1"),
        ("login", "ok", "clerk", "990101000000", "10.1.1.1"),
        ("login", "failed", "ghost", "", "10.1.1.1"),
        ("login", "failed", "clerk", "990101000000", "10.1.1.1"),
    ]
    assert client.get("/").status_code == 302  # logged out


def test_login012_passwords_never_stored_or_logged(tiny_users, clock, caplog):
    caplog.set_level(logging.DEBUG)
    client = tiny_users.server.test_client()
    login(client, "clerk", "Wrong-Password-77")
    login(client, "clerk")
    users.set_password("boss", "Fresh-Password-88")
    token = users.issue_token("boss")
    with store.engine().connect() as conn:
        stored = repr(
            [conn.execute(select(t)).all() for t in (app_user, api_token, audit_log, login_attempt)]
        )
    for secret in (PASSWORD, "Wrong-Password-77", "Fresh-Password-88", token):
        assert secret not in stored
        assert secret not in caplog.text


def test_login013_changed_password_or_disabled_user_ends_sessions(tiny_users, clock):
    client = tiny_users.server.test_client()
    login(client, "clerk")
    assert client.get("/").status_code == 200
    users.set_password("clerk", "Other-Password-1")
    assert client.get("/").status_code == 302
    login(client, "clerk", "Other-Password-1")
    assert client.get("/").status_code == 200
    users.set_active("clerk", False)
    assert client.get("/").status_code == 302
    assert login(client, "clerk", "Other-Password-1").status_code == 401


def test_login014_bearer_token_on_api_and_geo_only(tiny_users):
    client = tiny_users.server.test_client()
    token = users.issue_token("clerk")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/regions/990101", headers=auth).get_json()["name"] == "甲区"
    assert client.get("/api/v1/regions/990102", headers=auth).status_code == 403
    assert client.get("/geo/990102.geojson", headers=auth).status_code == 403
    assert client.get("/", headers=auth).status_code == 302  # pages need a session
    assert client.post("/_dash-update-component", json={}, headers=auth).status_code == 401
    bad = client.get("/api/v1/regions/990101", headers={"Authorization": "Bearer bqw_forged"})
    assert bad.status_code == 401 and bad.get_json() == {"error": "API 令牌无效或已吊销"}
    users.revoke_tokens("clerk")
    assert client.get("/api/v1/regions/990101", headers=auth).status_code == 401


def test_login015_security_headers_everywhere(tiny_users, clock):
    client = tiny_users.server.test_client()
    login(client, "boss")
    for path in ("/", "/login", "/healthz", "/api/v1/regions/990100", "/api/v1/nothing"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        script_src = next(part for part in csp.split("; ") if part.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_login016_csp_hashes_dash_inline_scripts(tiny_users, clock):
    client = tiny_users.server.test_client()
    login(client, "boss")
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    for digest in tiny_users.csp_hashes():
        assert digest in csp
    assert "new DashRenderer" in resp.get_data(as_text=True)


def test_login017_errors_never_show_a_stack_trace(tiny_store, clock, caplog):
    from app import create_app

    app = create_app(dataclasses.replace(tiny_store, root_region="990100"))

    @app.server.get("/boom")
    def boom():
        raise RuntimeError("secret internals /srv/app.py line 42")

    users.add_user("boss", PASSWORD, "leader", "990100")
    client = app.server.test_client()
    login(client, "boss")
    with caplog.at_level(logging.ERROR):
        resp = client.get("/boom")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Traceback" not in body and "secret internals" not in body and "RuntimeError" not in body
    assert "服务器内部错误" in body
    assert "secret internals" in caplog.text  # kept in the server's log


def test_login018_anonymous_requests(tiny_users):
    client = tiny_users.server.test_client()
    page = client.get("/map?region=990101&indicator=X")
    assert (
        page.status_code == 302
        and page.headers["Location"] == "/login?next=/map%3Fregion%3D990101%26indicator%3DX"
    )
    form = client.get(page.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/map?region=990101&amp;indicator=X"' in form
    api = client.get("/api/v1/regions/990100")
    assert api.status_code == 401 and api.get_json() == {"error": "请先登录"}
    assert api.headers["WWW-Authenticate"] == "Bearer"
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/logout").status_code == 405  # a link logs nobody out


def test_login019_control_characters_are_harmless(tiny_users, clock):
    client = tiny_users.server.test_client()
    assert login(client, "clerk\x00", "wrong\x00password").status_code == 401
    assert login(client, "\x00", PASSWORD).status_code == 401
    audit.record("export", username="x\x00y", detail="a\x00b")
    assert [(e.username, e.detail) for e in audit.recent(action="export")] == [("x?y", "a?b")]
    assert users.find_user("clerk\x00") is None
