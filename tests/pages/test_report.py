"""/report on the tiny store (task VIL, fields and rounds of tests/data_access/test_forms.py).

Layout renders the units with their status and one unit's pre-filled form; the callbacks are called
as Dash calls them (the callback context set to the clicked button), with the account patched to a
staff filer or an admin.
"""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import parse_qs

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict

from data_access import store
from tests.pages.theme_util import by_id, text, walk

V_JIA22, V_JIA21 = "990101002002", "990101002001"


@pytest.fixture
def report_app(tiny_client):
    from tests.data_access.test_forms import seed_forms
    from tests.data_access.test_reporting import seed_reporting

    seed_reporting()
    seed_forms()
    with store.engine().begin() as conn:
        store.set_meta(conn, "demo", "1")
        store.set_meta(conn, "generated_at", "2026-10-05T09:00:00")  # before VIL 2026-09 is due
        store.bump_version(conn)
    return tiny_client.application


@pytest.fixture
def page(report_app, monkeypatch):
    import importlib

    module = importlib.import_module("pages.report")
    monkeypatch.setattr(module, "_account", lambda: ("lz", "staff"))
    return module


def render(app, **query):
    import pages.report as page

    with app.test_request_context("/report"):
        return page.layout(**query)


@contextmanager
def clicked(prop_id: str):
    token = context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": 1}]))
    try:
        yield
    finally:
        context_value.reset(token)


def _fields(root) -> dict[str, str]:
    return {
        n.id["name"]: n.value
        for n in walk(root)
        if isinstance(getattr(n, "id", None), dict) and n.id["type"] == "report-field"
    }


def test_frp001_list_shows_each_unit_with_its_status(report_app, page):
    root = render(report_app, task="VIL", period="2026-09")
    rows = [text(r) for r in walk(root) if type(r).__name__ == "Tr"]
    body = [r for r in rows if "村" in r or "社区" in r]
    assert len(body) == 5
    assert body[0].startswith("甲二二村甲二镇未填")  # most urgent first: 未填 before 已报送
    summary = text(next(n for n in walk(root) if getattr(n, "className", "") == "status-summary"))
    assert summary == "退回0逾期0未填2已填未报0已报送3"


def test_frp002_form_is_prefilled_and_checked_while_typing(report_app, page):
    root = render(report_app, task="VIL", period="2026-09", unit=V_JIA22)
    assert _fields(root) == {"自助机数": "", "业务办理量": "", "集体收入": ""}
    assert by_id(root, page.STATE).data == {"task": "VIL", "period": "2026-09", "unit": V_JIA22}
    msg_ids = [
        {"type": "report-field-msg", "name": n} for n in ("自助机数", "业务办理量", "集体收入", "备注")
    ]
    box_ids = [{"type": "report-note-box", "name": n} for n in ("自助机数", "业务办理量", "集体收入")]
    field_ids = [{"type": "report-field", "name": n} for n in ("自助机数", "业务办理量", "集体收入")]
    with report_app.test_request_context("/_dash-update-component"):
        messages, classes, _ = page.check_typing(
            ["25", "x", "1.234"], [""], field_ids, [{"type": "report-text", "name": "备注"}], msg_ids, box_ids,
            by_id(root, page.STATE).data,
        )  # fmt: skip
    assert messages == ["超出有效范围（0 ～ 20 台）", "不是数字：x", "小数位数不对：最多保留 2 位小数", ""]
    assert classes[0] == "field-msg field-error" and classes[3] == "field-msg field-ok"


def _submit(page, app, state, values, prop="report-submit.n_clicks"):
    names = ("自助机数", "业务办理量", "集体收入")
    with app.test_request_context("/_dash-update-component"), clicked(prop):
        return page.save_or_submit(
            1, 1, list(values), [{"type": "report-field", "name": n} for n in names],
            ["按时"], [{"type": "report-text", "name": "备注"}],
            ["", "", ""], [{"type": "report-note", "name": n} for n in names], state,
        )  # fmt: skip


def test_frp003_submit_refuses_errors_then_records_and_redirects(report_app, page):
    state = {"task": "VIL", "period": "2026-09", "unit": V_JIA22}
    result, url = _submit(page, report_app, state, ["25", "", ""])
    assert "自助机数：超出有效范围" in text(result) and url is page.no_update
    result, url = _submit(page, report_app, state, ["3", "10", ""])
    assert result is page.no_update
    assert parse_qs(url.lstrip("?")) == {
        "task": ["VIL"],
        "period": ["2026-09"],
        "unit": [V_JIA22],
        "done": ["submit"],
    }
    root = render(report_app, task="VIL", period="2026-09", unit=V_JIA22, done="submit")
    head = text(next(n for n in walk(root) if getattr(n, "className", "") == "report-form-head"))
    assert "已报送" in head and "lz 于" in head
    summary = text(next(n for n in walk(root) if getattr(n, "className", "") == "status-summary"))
    assert summary == "退回0逾期0未填1已填未报0已报送4"


def test_frp004_draft_and_the_initial_call_on_drawing(report_app, page):
    state = {"task": "VIL", "period": "2026-09", "unit": V_JIA22}
    with report_app.test_request_context("/_dash-update-component"), clicked("report-save.n_clicks"):
        assert page.save_or_submit(0, 0, [], [], [], [], [], [], state) == (page.no_update, page.no_update)
    _, url = _submit(page, report_app, state, ["3", "", ""], prop="report-save.n_clicks")
    assert "done=draft" in url
    root = render(report_app, task="VIL", period="2026-09", unit=V_JIA22, done="draft")
    assert _fields(root)["自助机数"] == "3"
    assert "已填未报" in text(
        next(n for n in walk(root) if getattr(n, "className", "") == "report-form-head")
    )


def test_frp005_admin_returns_with_reason_and_filer_sees_it(report_app, page, monkeypatch):
    monkeypatch.setattr(page, "_account", lambda: ("boss", "admin"))
    state = {"task": "VIL", "period": "2026-09", "unit": V_JIA21}
    root = render(report_app, **state)
    assert by_id(root, page.RETURN) is not None
    with report_app.test_request_context("/_dash-update-component"):
        result, _ = page.return_form(1, "", state)
        assert "退回原因" in text(result)
        result, url = page.return_form(1, "数据有误", state)
    assert "done=return" in url
    monkeypatch.setattr(page, "_account", lambda: ("lz", "staff"))
    root = render(report_app, **state)
    returned = text(next(n for n in walk(root) if "report-returned" in (getattr(n, "className", "") or "")))
    assert "数据有误" in returned and "boss" in returned
    assert not any(getattr(n, "id", None) == page.RETURN for n in walk(root))  # staff cannot return
