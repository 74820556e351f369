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
