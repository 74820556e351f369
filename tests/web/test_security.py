"""What the security review found (issue 13, section 2), each checked against the running app:
revocable sessions and POST-only logout, an atomic login limiter under concurrency, malformed
callback input answered 400 (never 500), JSON 404 under /geo/, a body size limit, a bounded audit
log under a login flood, full-width digits in codes."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from data_access import audit, ratelimit, store, users
from data_access.codes import normalize_code
from data_access.errors import InvalidInput
from data_access.schema import audit_log
from tests.web import forge
from tests.web.conftest import IN_SCOPE, PASSWORD, login, logout

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _copy_session(app, client):
    """A second client holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.server.test_client()
    thief.set_cookie("bqw_session", client.get_cookie("bqw_session").value)
    return thief


# --- sessions -------------------------------------------------------------------------------


def test_sec001_logout_revokes_a_copied_cookie(tiny_users):
    client = tiny_users.server.test_client()
    assert login(client, "clerk").status_code == 302
    thief = _copy_session(tiny_users, client)
    assert thief.get("/api/v1/regions/990101").status_code == 200
    assert logout(client).status_code == 302
    api = thief.get("/api/v1/regions/990101")
    assert api.status_code == 401 and api.get_json() == {"error": "请先登录"}
    page = thief.get("/map?region=990101")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


@pytest.mark.parametrize("change", ["password", "disable"])
def test_sec002_password_change_and_disable_revoke_copied_cookies(tiny_users, change):
    client = tiny_users.server.test_client()
    login(client, "clerk")
    thief = _copy_session(tiny_users, client)
    if change == "password":
        users.set_password("clerk", "Another-Password-9")
    else:
        users.set_active("clerk", False)
    assert thief.get("/api/v1/regions/990101").status_code == 401
    assert users.live_sessions("clerk") == 0


def test_sec003_logout_only_by_post_with_the_csrf_token(tiny_users):
    client = tiny_users.server.test_client()
    login(client, "clerk")
    assert client.get("/logout").status_code == 405  # a link or an <img> logs nobody out
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400  # another site's form
    assert client.get("/api/v1/regions/990101").status_code == 200  # still logged in
    # The header's 退出 is a POST form carrying the session's token.
    layout = client.get("/_dash-layout").get_json()
    with client.session_transaction() as session:
        token = session["login_csrf"]
    (form,) = _find(layout, lambda node: node.get("props", {}).get("action") == "/logout")
    assert form["type"] == "Form" and form["props"]["method"] == "POST"
    (field,) = _find(form, lambda node: node.get("props", {}).get("name") == "csrf_token")
    assert field["props"]["value"] == token and field["props"]["type"] == "hidden"
    assert logout(client).status_code == 302
    assert client.get("/api/v1/regions/990101").status_code == 401


def _find(tree, match) -> list[dict]:
    """Every component (as Dash sends it) in ``tree`` for which ``match`` is true."""
    found = []
    if isinstance(tree, dict):
        if "props" in tree and match(tree):
            found.append(tree)
        for value in tree.values():
            found += _find(value, match)
    elif isinstance(tree, list):
        for value in tree:
            found += _find(value, match)
    return found


# --- login limiter under concurrency --------------------------------------------------------


class _Server:
    """The app on a real multi-threaded WSGI server (loopback, free port)."""

    def __init__(self, app):
        self.httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.thread.join(10)


def _prepared_login(base: str, username: str, password: str):
    """Fetch the form (cookie + CSRF token) now; return a function that posts it later."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/login", timeout=60).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()

    def post() -> tuple[int, str]:
        try:
            with opener.open(f"{base}/login", data=form, timeout=120) as resp:
                return resp.status, ""
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Retry-After", "")

    return post


def _fire_at_once(posts) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(posts))
    results: list[tuple[int, str]] = [(0, "")] * len(posts)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = posts[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return results


def test_sec004_thirty_simultaneous_guesses_for_one_name_check_only_five(tiny_users):
    with _Server(tiny_users) as server:
        posts = [_prepared_login(server.base, "clerk", f"wrong-{i}") for i in range(30)]
        results = _fire_at_once(posts)
    statuses = Counter(status for status, _ in results)
    assert statuses == {401: ratelimit.LIMITS["user"], 429: 30 - ratelimit.LIMITS["user"]}, statuses
    waits = [int(wait) for status, wait in results if status == 429]
    assert all(0 < w <= ratelimit.WINDOW.total_seconds() + 1 for w in waits)  # Retry-After on every 429
    assert ratelimit.failures("user:clerk") == ratelimit.LIMITS["user"]


def test_sec005_forty_simultaneous_guesses_from_one_address_check_only_twenty(tiny_users):
    with _Server(tiny_users) as server:
        posts = [_prepared_login(server.base, f"guess{i}", "wrong-password") for i in range(40)]
        results = _fire_at_once(posts)
    statuses = Counter(status for status, _ in results)
    assert statuses == {401: ratelimit.LIMITS["addr"], 429: 40 - ratelimit.LIMITS["addr"]}, statuses


def test_sec006_a_success_does_not_count_as_a_failure(tiny_users):
    client = tiny_users.server.test_client()
    for _ in range(ratelimit.LIMITS["addr"] + 3):
        assert login(client, "boss", address="10.0.0.7").status_code == 302
        client = tiny_users.server.test_client()
    assert ratelimit.failures("addr:10.0.0.7") == 0


def test_sec007_a_flood_of_refused_logins_adds_one_audit_row(tiny_users):
    client = tiny_users.server.test_client()
    for _ in range(60):
        resp = login(client, "clerk", "wrong-password", address="10.0.0.8")
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    with store.engine().connect() as conn:
        rows = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    refused = [e for e in audit.recent() if e.outcome == "refused"]
    assert len(refused) == 1 and refused[0].repeats == 60 - ratelimit.LIMITS["user"]
    assert rows == ratelimit.LIMITS["user"] + 1  # the five failures and one counted refusal


# --- malformed input ------------------------------------------------------------------------

MALFORMED = {
    "list": ["440882", ["x"]],
    "dict": {"points": "x", "region": ["x"]},
    "number": 12345,
    "nested": {"a": {"b": {"c": [1, [2, [3]]]}}},
    "bad-click": {"points": [{"location": ["x"], "customdata": {"a": 1}}]},
    "string": "not-a-dict",
}


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_sec008_malformed_callback_input_is_400_never_500(zj_app, clients, kind):
    client = clients["staff"]
    problems = []
    for key, spec in forge.server_callbacks(zj_app).items():
        payload = forge.callback_payload(key, spec, IN_SCOPE)
        for part in ("inputs", "state"):
            payload[part] = [
                {**item, "value": MALFORMED[kind]} if isinstance(item, dict) else item
                for item in payload[part]
            ]
        resp = client.post("/_dash-update-component", json=payload)
        if resp.status_code >= 500:
            problems.append(f"{key}: {resp.status_code} {resp.get_data(as_text=True)[:120]}")
        elif resp.status_code == 400:
            body = resp.get_json()
            if not (body and CHINESE.search(body.get("error", ""))):
                problems.append(f"{key}: 400 without a Chinese message")
    assert not problems, problems


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"output": 1, "inputs": ' + "[" * 200 + "]" * 200 + "}",
        '{"output": "x"}',
        "[]",
        "not json",
    ],
)
def test_sec009_deep_or_broken_callback_bodies_are_400(clients, body):
    resp = clients["staff"].post("/_dash-update-component", data=body, content_type="application/json")
    assert resp.status_code == 400


def test_sec010_unknown_geo_paths_are_a_json_404(clients):
    for path in ("/geo/nothing", "/geo/a/b/c.txt", "/geo/", "/geo/outline/440882"):
        resp = clients["staff"].get(path)
        assert resp.status_code == 404 and resp.is_json and CHINESE.search(resp.get_json()["error"]), path


def test_sec011_a_50_mb_body_is_refused_with_413_before_it_is_read(clients):
    body = b'{"output": "x", "inputs": ["' + b"a" * (50 * 1024 * 1024) + b'"]}'
    for client in (clients["staff"], clients[None]):
        resp = client.post("/_dash-update-component", data=body, content_type="application/json")
        assert resp.status_code == 413 and "过大" in resp.get_json()["error"]


# --- codes ----------------------------------------------------------------------------------


def test_sec012_full_width_digits_are_normalised_everywhere(zj_app, clients):
    assert normalize_code("４４０８８２") == "440882000000"
    for bad in ("٤٤٠٨٨٢", "44O882"):  # other scripts' digits, a letter O: refused
        with pytest.raises(InvalidInput):
            normalize_code(bad)
    staff = clients["staff"]
    api = staff.get("/api/v1/regions/４４０８８２")
    assert api.status_code == 200 and api.get_json()["code"] == "440882000000"
    values = staff.get("/api/v1/regions/440882").get_json()
    assert api.get_json() == values
    geo, ascii_geo = staff.get("/geo/４４０８８２.geojson"), staff.get("/geo/440882.geojson")
    assert geo.status_code == ascii_geo.status_code == 200 and geo.data == ascii_geo.data
    assert staff.get("/api/v1/regions/４４０８８１").status_code == 403  # 廉江市: outside, as in ASCII
    staff.get("/")  # Dash registers its callbacks on the first request
    pages = [
        staff.post("/_dash-update-component", json=forge.router_payload(zj_app, "/map", f"?region={code}"))
        for code in ("４４０８８２", "440882")
    ]
    assert pages[0].status_code == pages[1].status_code == 200
    texts = [forge.text_of(page) for page in pages]
    assert "雷州市" in texts[0] and "地区代码格式错误" not in texts[0] and "无权" not in texts[0]


def test_sec013_login_still_needs_the_right_password_under_the_new_limiter(tiny_users):
    client = tiny_users.server.test_client()
    assert login(client, "boss", "nope-nope-nope").status_code == 401
    assert login(client, "boss", PASSWORD).status_code == 302
