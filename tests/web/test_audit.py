"""Audit log on the 湛江 demo store: exports are recorded with who and where; the admin page lists
the log and the users inside the administrator's scope, and nobody else sees it."""

from __future__ import annotations

from data_access import audit
from tests.web import forge
from tests.web.conftest import login


def _export_payload(app) -> dict:
    key, spec = next((k, s) for k, s in forge.server_callbacks(app).items() if "command-download" in k)
    payload = forge.callback_payload(key, spec, "440882000000", "/command")
    for item in payload["inputs"] + payload["state"]:
        if item["property"] == "n_clicks":
            item["value"] = 1 if item["id"].endswith("csv") else 0
        elif item["property"] == "data":
            item["value"] = {"region": "440882000000"}
        elif item["property"] == "value":
            item["value"] = "" if item["id"].endswith("search") else []
    payload["changedPropIds"] = ["command-export-csv.n_clicks"]
    return payload


def test_audit001_export_is_recorded_with_user_and_address(zj_app):
    client = zj_app.server.test_client()
    assert login(client, "t_staff", address="10.20.30.40").status_code == 302
    resp = client.post(
        "/_dash-update-component", json=_export_payload(zj_app), environ_base={"REMOTE_ADDR": "10.20.30.40"}
    )
    assert resp.status_code == 200
    exports = [e for e in audit.recent(action="export") if e.username == "t_staff"]
    assert exports and exports[0].address == "10.20.30.40" and exports[0].region_code == "440882000000"
    assert "440882" in exports[0].detail


def test_audit002_admin_page_lists_log_and_users_in_scope(zj_app, clients):
    resp = clients["admin"].post("/_dash-update-component", json=forge.router_payload(zj_app, "/admin", ""))
    text = forge.text_of(resp)
    assert resp.status_code == 200
    assert "admin-audit" in text and "admin-users" in text
    assert "t_staff" in text and "t_leader" in text  # users of the city, and their logins
    assert "登录" in text and "成功" in text
    assert "scrypt:" not in text and "password" not in text.lower()


def test_audit003_admin_page_refused_to_others(zj_app, clients):
    for role in ("leader", "staff"):
        resp = clients[role].post("/_dash-update-component", json=forge.router_payload(zj_app, "/admin", ""))
        text = forge.text_of(resp)
        assert "仅管理员可查看" in text and "admin-audit" not in text and "t_admin" not in text
    assert (
        clients[None]
        .post("/_dash-update-component", json=forge.router_payload(zj_app, "/admin", ""))
        .status_code
        == 401
    )
