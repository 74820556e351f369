"""The application factory: health check, first page, Dash's 404 page, errors off /api/ untouched."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def app(configured):
    from app import create_app

    return create_app(configured, login_disabled=True)


def _route(app, pathname: str) -> dict:
    """Run Dash's page router for ``pathname`` as the browser would; return the JSON response."""
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # the router callback is registered on first request
    key, spec = next((k, v) for k, v in app.callback_map.items() if "_pages_content.children" in k)
    values = {("_pages_location", "pathname"): pathname, ("_pages_location", "search"): ""}
    inputs = [{**i, "value": values.get((i["id"], i["property"]))} for i in spec["inputs"]]
    payload = {
        "output": key,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": inputs,
        "state": [{**s, "value": None} for s in spec.get("state", [])],
        "changedPropIds": ["_pages_location.pathname"],
    }
    resp = client.post("/_dash-update-component", json=payload)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp.get_json()


def test_app001_healthz(app):
    resp = app.server.test_client().get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_app002_first_page_serves_the_dash_index(app):
    resp = app.server.test_client().get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<title>百千万工程驾驶舱</title>" in html
    assert "_dash-config" in html
    assert "cdn" not in html.lower()  # intranet: every script is served locally


def test_app003_unknown_page_renders_the_404_page(app):
    response = _route(app, "/no-such-page")["response"]
    text = json.dumps(response["_pages_content"]["children"], ensure_ascii=False)
    assert "页面不存在" in text
    assert "返回总览" in text
    assert "页面不存在" in response["_pages_store"]["data"]["title"]


def test_app004_errors_outside_api_are_not_turned_into_json(app):
    resp = app.server.test_client().post("/healthz")
    assert resp.status_code == 405
    assert not resp.content_type.startswith("application/json")


def test_app005_readyz_says_ready_without_a_login_and_nothing_about_data(configured):
    from app import create_app

    client = create_app(configured).server.test_client()  # access control on, nobody logged in
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "checks": {"store": "ok", "schema": "ok", "cache": "ok"}}
    assert resp.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").status_code == 200


def test_app006_readyz_is_503_when_the_schema_is_behind(configured):
    from sqlalchemy import text

    from app import create_app
    from data_access import store

    client = create_app(configured).server.test_client()
    with store.engine().begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "unavailable" and body["checks"]["store"] == "ok"
    assert "0003" in body["checks"]["schema"]


def test_app007_readyz_is_503_when_the_cache_is_unreachable(configured):
    import dataclasses

    from app import create_app

    broken = dataclasses.replace(configured, cache_url="redis://127.0.0.1:1/0")
    resp = create_app(broken).server.test_client().get("/readyz")
    assert resp.status_code == 503 and resp.get_json()["checks"]["cache"] != "ok"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"database_url": "nosuch://x/y"}, "COCKPIT_DATABASE_URL"),
        ({"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"}, "COCKPIT_DATABASE_URL"),
        ({"cache_url": "redis://127.0.0.1:1/0"}, "COCKPIT_CACHE_URL"),
        ({"secret_key": "too-short"}, "COCKPIT_SECRET_KEY"),
        ({"root_region": "440100"}, "COCKPIT_ROOT_REGION"),
        ({"root_region": "44x"}, "COCKPIT_ROOT_REGION"),
    ],
)
def test_app008_settings_are_validated_with_a_clear_message(tiny_store, change, named):
    import dataclasses

    from data_access.errors import SettingsError
    from data_access.health import validate_settings

    good = dataclasses.replace(tiny_store, root_region="990100")
    validate_settings(good, production=True)  # the tiny store's root is there, its key long enough
    with pytest.raises(SettingsError) as err:
        validate_settings(dataclasses.replace(good, **change), production=True)
    assert named in str(err.value)
    if "secret_key" in change:  # the development server accepts a short key
        validate_settings(dataclasses.replace(good, **change), production=False)
