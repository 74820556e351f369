"""Forged requests by the 雷州市 staff member: another county's code in callbacks, API parameters and
geo paths; path traversal and SQL metacharacters everywhere. All refused, nothing leaked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.web import forge
from tests.web.conftest import IN_SCOPE, LIANJIANG, PASSWORD, login

# 廉江市 written every way a code is accepted, and near-misses that must not slip through.
LIANJIANG_FORMS = ["440881", "440881000000", "4408", " 440881", "440881%20", "44", "440000", "440881001000"]
HOSTILE = [
    "' OR '1'='1",
    "440882' OR '1'='1",
    "440882; DROP TABLE app_user; --",
    '440882" UNION SELECT password_hash FROM app_user --',
    "../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2fapp.py",
    "440882%00",
    "4408%",
    "44088_",
    "*",
    "<script>alert(1)</script>",
    "4" * 300,
]


@pytest.fixture
def staff(clients):
    return clients["staff"]


@pytest.fixture
def names(zj_app):
    return forge.foreign_names(IN_SCOPE, LIANJIANG)


def _refused(resp, names: set[str]) -> str:
    text = forge.text_of(resp)
    # A path no route matches (e.g. a decoded %2F) falls to Dash's page index: the empty app shell.
    shell = resp.status_code == 200 and "_dash-config" in text and not resp.is_json
    assert resp.status_code in (400, 403, 404) or shell, (resp.status_code, text[:200])
    assert not forge.leaked(text, names)
    assert "Traceback" not in text and "scrypt:" not in text  # no stack trace, no password hash
    return text


@pytest.mark.parametrize("code", LIANJIANG_FORMS)
def test_forged001_api_region_in_other_forms(staff, names, code):
    _refused(staff.get(f"/api/v1/regions/{code}"), names)
    _refused(staff.get(f"/api/v1/values?indicator=X&period=2026-10&parent={code}"), names)


@pytest.mark.parametrize("value", HOSTILE)
def test_forged002_hostile_values_in_every_api_parameter(staff, names, api_args, value):
    indicator, period = api_args
    from urllib.parse import quote

    q = quote(value, safe="")
    urls = [
        f"/api/v1/regions/{q}",
        f"/api/v1/values?indicator={q}&period={period}&parent={IN_SCOPE}",
        f"/api/v1/values?indicator={indicator}&period={q}&parent={IN_SCOPE}",
        f"/api/v1/values?indicator={indicator}&period={period}&parent={q}",
        f"/geo/{q}.geojson",
        f"/geo/outline/{q}.geojson",
        f"/geo/overlay/{q}.geojson",
        f"/geo/{IN_SCOPE}.geojson?level={q}",
    ]
    for url in urls:
        resp = staff.get(url)
        _refused(resp, names)
        if url.startswith("/api/"):
            assert resp.is_json and set(resp.get_json()) == {"error"}


def test_forged003_hostile_values_leave_the_store_intact(staff, api_args):
    from data_access import store, users
    from data_access.schema import app_user

    for value in HOSTILE:
        staff.get(f"/api/v1/regions/{value}")
        staff.get(f"/api/v1/values?indicator={value}&period={value}&parent={value}")
    with store.engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(app_user)).scalar() >= 3
    assert users.authenticate("t_staff", PASSWORD) is not None


@pytest.mark.parametrize("code", LIANJIANG_FORMS[:4])
def test_forged004_geo_path_other_county(staff, names, code):
    _refused(staff.get(f"/geo/{code}.geojson"), names)
    _refused(staff.get(f"/geo/outline/{code}.geojson"), names)


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../app.py",
        "/assets/..%2fapp.py",
        "/assets/%2e%2e/data_access/settings.py",
        "/assets/..%2f..%2finstance%2fsecret_key.css",
        "/assets/../instance/secret_key.css",
        "/login/../api/v1/regions/440881",
        "/healthz/../api/v1/regions/440881",
        "/_dash-component-suites/../../app.py",
    ],
)
def test_forged005_path_traversal_without_session(clients, path):
    resp = clients[None].get(path)
    body = resp.get_data(as_text=True)
    assert resp.status_code in (302, 401, 404), (path, resp.status_code)
    assert "def create_app" not in body and "COCKPIT_" not in body and "440881" not in body.replace(path, "")


@pytest.mark.parametrize(
    "search", [f"?region={c}" for c in LIANJIANG_FORMS[:4]] + [f"?region={v}" for v in HOSTILE]
)
def test_forged006_map_page_refuses_other_county_in_the_url(zj_app, staff, names, search):
    """The map draws from the URL's search in a callback: the staff gets a message, not 廉江市."""
    key, spec = next((k, s) for k, s in forge.server_callbacks(zj_app).items() if "map-graph.figure" in k)
    payload = forge.callback_payload(key, spec, LIANJIANG, "/map")
    for item in payload["inputs"] + payload["state"]:
        if isinstance(item, dict) and item["property"] == "search":
            item["value"] = search
        elif isinstance(item, dict) and item["property"] == "data":
            item["value"] = None
    resp = staff.post("/_dash-update-component", json=payload)
    text = forge.text_of(resp)
    assert resp.status_code == 200 and not forge.leaked(text, names)
    assert "无权查看" in text or "地区代码" in text or "440882" in text  # refused, or back to 雷州市


def test_forged007_callback_inputs_with_other_county_are_refused(zj_app, staff, names):
    """Region carried in a store's data (map-state) instead of the URL: refused all the same."""
    key, spec = next((k, s) for k, s in forge.server_callbacks(zj_app).items() if "map-breadcrumb" in k)
    state = {"region": LIANJIANG, "indicator": None, "period": None}
    payload = forge.callback_payload(key, spec, LIANJIANG, "/map")
    for item in payload["inputs"]:
        item["value"] = state
    resp = staff.post("/_dash-update-component", json=payload)
    assert not forge.leaked(forge.text_of(resp), names)
    assert resp.status_code in (200, 204, 403)


@pytest.mark.parametrize("username", ["' OR '1'='1", "t_staff' --", "admin\x00", "t_staff%", "*"])
def test_forged008_login_with_sql_metacharacters(zj_app, username):
    client = zj_app.server.test_client()
    resp = login(client, username, "' OR '1'='1", address="10.9.9.9")
    assert resp.status_code == 401
    assert client.get("/api/v1/regions/440882").status_code == 401


def test_forged009_staff_token_cannot_read_other_county(zj_app, names):
    from data_access import users

    token = users.issue_token("t_staff")
    client = zj_app.server.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/regions/{IN_SCOPE}", headers=auth).status_code == 200
    _refused(client.get(f"/api/v1/regions/{LIANJIANG}", headers=auth), names)
    _refused(client.get(f"/geo/{LIANJIANG}.geojson", headers=auth), names)
    assert client.post("/_dash-update-component", json={}, headers=auth).status_code == 401
    users.revoke_tokens("t_staff")


@pytest.fixture
def api_args(zj_app):
    from data_access import store
    from data_access.indicators import list_indicators

    ind = next(i for i in list_indicators() if i.frequency == "month" and i.lowest_level >= 4)
    return ind.code, store.get_meta("as_of_period")
