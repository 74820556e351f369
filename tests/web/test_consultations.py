"""一键会商 over HTTP: the .ics is scoped like the directory, and the page's start callback refuses
forged participants and staff."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, insert, select

from data_access import consultations, store
from data_access.schema import consultation, contact
from data_access.scope import Scope
from tests.web.conftest import login

CITY, A, B = "990100000000", "990101000000", "990102000000"


@pytest.fixture
def people(tiny_users):
    with store.engine().begin() as conn:
        conn.execute(
            insert(contact),
            [
                {"id": 1, "region_code": A, "role": "总指挥", "name": "王甲", "title": "", "organisation": "",
                 "phone": "13800000001", "sort_order": 0},
                {"id": 2, "region_code": A, "role": "指挥办负责人", "name": "李甲", "title": "", "organisation": "",
                 "phone": "13800000002", "sort_order": 0},
                {"id": 4, "region_code": B, "role": "指挥办负责人", "name": "张乙", "title": "", "organisation": "",
                 "phone": "13900000004", "sort_order": 0},
            ],
        )  # fmt: skip
        store.bump_version(conn)
    return tiny_users


def _new(scope, ids):
    return consultations.create(
        topic="秋冬季矛盾纠纷排查会商", starts_at=datetime(2026, 12, 3, 15), duration_minutes=90,
        place="https://meeting.example/j/123", note="", contact_ids=ids, scope=scope, called_by="boss",
    )  # fmt: skip


def _client(app, name):
    client = app.server.test_client()
    assert login(client, name).status_code == 302
    assert client.get("/command").status_code == 200  # Dash registers the callbacks on its first page
    return client


def test_cow001_ics_download_is_scoped(people):
    from icalendar import Calendar

    county = _new(Scope(A), [1, 2])
    city = _new(Scope(CITY), [1, 4])
    clerk, boss = _client(people, "clerk"), _client(people, "boss")
    resp = clerk.get(f"/command/consultations/{county}.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    assert "charset=utf-8" in resp.headers["Content-Type"]
    event = Calendar.from_ical(resp.data).walk("VEVENT")[0]
    assert str(event["summary"]) == "秋冬季矛盾纠纷排查会商"
    assert len(event["attendee"]) == 2
    assert b"1380000" not in resp.data  # no phone numbers in the file
    assert clerk.get(f"/command/consultations/{city}.ics").status_code == 404  # called by the city
    assert boss.get(f"/command/consultations/{city}.ics").status_code == 200
    assert boss.get("/command/consultations/999.ics").status_code == 404
    anonymous = people.server.test_client().get(f"/command/consultations/{county}.ics")
    assert anonymous.status_code in (302, 401)


def _start_request(ids):
    states = [
        ("consult-topic", "value", "排查会商"),
        ("consult-when", "value", "2026-12-03 15:00"),
        ("consult-duration", "value", 60),
        ("consult-place", "value", "会议室"),
        ("consult-note", "value", ""),
        ("consult-people", "value", ids),
    ]
    return {
        "output": "..consult-message.children...consult-list.children..",
        "outputs": [
            {"id": "consult-message", "property": "children"},
            {"id": "consult-list", "property": "children"},
        ],
        "inputs": [{"id": "consult-start", "property": "n_clicks", "value": 1}],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in states],
        "changedPropIds": ["consult-start.n_clicks"],
    }


def _count():
    with store.engine().connect() as conn:
        return conn.execute(select(func.count()).select_from(consultation)).scalar()


def test_cow002_start_callback_refuses_forged_ids_and_staff(people):
    boss, clerk = _client(people, "boss"), _client(people, "clerk")
    ok = boss.post("/_dash-update-component", json=_start_request([1, 4]))
    assert ok.status_code == 200 and "已发起会商" in ok.get_data(as_text=True)
    assert _count() == 1
    # a staff member of 甲区 may not start one, even with ids of 甲区
    refused = clerk.post("/_dash-update-component", json=_start_request([1, 2]))
    assert "只有领导和管理员可以发起会商" in refused.get_data(as_text=True)
    assert _count() == 1
    # a leader whose scope is 甲区 cannot invite 乙县's contact by sending its id
    from data_access import users

    users.add_user("county_boss", "correct-horse-battery-42", "leader", "990101")
    county = _client(people, "county_boss")
    forged = county.post("/_dash-update-component", json=_start_request([1, 4]))
    body = json.loads(forged.get_data(as_text=True))
    assert "不在您的权限范围内" in json.dumps(body, ensure_ascii=False)
    assert _count() == 1
