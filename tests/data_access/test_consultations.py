"""一键会商: participants within the scope only (forged ids refused, nothing stored), audit, .ics."""

from datetime import datetime

import pytest
from sqlalchemy import func, insert, select

from data_access import consultations, store
from data_access.errors import InvalidInput, NotFound, OutOfScope
from data_access.schema import audit_log, consultation, contact
from data_access.scope import Scope

CITY, A, B = "990100000000", "990101000000", "990102000000"
A2, B1 = "990101002000", "990102001000"
PEOPLE = [  # id, region, role, name, phone
    (1, A, "总指挥", "王甲", "13800000001"),
    (2, A, "指挥办负责人", "李甲", "13800000002"),
    (3, A2, "书记", "陈甲二", "13800000003"),
    (4, B, "指挥办负责人", "张乙", "13900000004"),
    (5, B1, "书记", "黄乙一", "13900000005"),
]
WHEN = datetime(2026, 12, 3, 15, 0)


@pytest.fixture
def people_store(tiny_store):
    with store.engine().begin() as conn:
        conn.execute(
            insert(contact),
            [
                {"id": i, "region_code": r, "role": role, "name": n, "title": "", "organisation": "指挥部",
                 "phone": ph, "sort_order": 0}
                for i, r, role, n, ph in PEOPLE
            ],
        )  # fmt: skip
    return tiny_store


def _start(scope, ids, **kw):
    args = dict(topic="台风“海燕”防御会商", starts_at=WHEN, duration_minutes=60, place="市应急指挥中心三楼",
                note="请带防汛物资清单", contact_ids=ids, scope=scope, called_by="leader")  # fmt: skip
    args.update(kw)
    return consultations.create(**args)


def _count(table):
    with store.engine().connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_con001_a_county_account_invites_only_its_own_contacts(people_store):
    new = _start(Scope(A), [1, 2, 3])
    got = consultations.get(new, Scope(A))
    assert [p.name for p in got.participants] == ["王甲", "李甲", "陈甲二"]  # region, then command order
    assert got.participants[0].phone == "138****0001"  # masked unless revealed
    assert consultations.get(new, Scope(A), reveal_phones=True).participants[0].phone == "13800000001"
    # a forged id from the other county: refused, nothing stored, the refusal audited
    with pytest.raises(OutOfScope):
        _start(Scope(A), [1, 4])
    with pytest.raises(OutOfScope):
        _start(Scope(A), [999])  # no such contact
    assert _count(consultation) == 1
    with store.engine().connect() as conn:
        outcomes = conn.execute(
            select(audit_log.c.outcome).where(audit_log.c.action == "consultation")
        ).scalars()
        assert sorted(outcomes) == ["ok", "refused", "refused"]
    # the other county cannot see it; the city can
    with pytest.raises(NotFound):
        consultations.get(new, Scope(B))
    assert consultations.get(new, Scope(CITY)).topic == "台风“海燕”防御会商"


def test_con002_bad_input_is_refused_with_a_reason(people_store):
    for kw, word in (({"topic": " "}, "会商主题"), ({"duration_minutes": 5}, "时长"), ({"contact_ids": []}, "参会"),
                     ({"contact_ids": ["x"]}, "编号"), ({"place": ""}, "地点")):  # fmt: skip
        with pytest.raises(InvalidInput, match=word):
            _start(Scope(CITY), kw.pop("contact_ids", [1]), **kw)
    assert _count(consultation) == 0


def test_con003_upcoming_and_past(people_store):
    early = _start(Scope(CITY), [1], starts_at=datetime(2026, 11, 1, 9))
    late = _start(Scope(CITY), [4], starts_at=WHEN)
    upcoming, past = consultations.listing(Scope(CITY), now=datetime(2026, 11, 20))
    assert [c.id for c in upcoming] == [late] and [c.id for c in past] == [early]
    assert consultations.listing(Scope(A), now=datetime(2026, 11, 20)) == ([], [])  # called by the city


def test_con004_ics_parses_with_icalendar_and_keeps_chinese(people_store):
    from icalendar import Calendar

    c = consultations.get(_start(Scope(CITY), [1, 4, 5]), Scope(CITY))
    data = consultations.ics_bytes(c)
    data.decode("utf-8")  # valid UTF-8
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded at 75 octets (RFC 5545 3.1)
    cal = Calendar.from_ical(data)
    assert (str(cal["version"]), str(cal["prodid"])) == ("2.0", "-//BQW cockpit//一键会商//ZH")
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == "台风“海燕”防御会商"
    assert str(event["location"]) == "市应急指挥中心三楼"
    assert event["uid"] and event["dtstamp"]
    assert event.decoded("dtstart").isoformat() == "2026-12-03T07:00:00+00:00"  # 15:00 China time
    assert event.decoded("dtend").isoformat() == "2026-12-03T08:00:00+00:00"
    names = [str(a.params["CN"]) for a in event["attendee"]]
    assert names == ["王甲（甲区总指挥）", "张乙（乙县指挥办负责人）", "黄乙一（乙一镇书记）"]
    assert "请带防汛物资清单" in str(event["description"])


def test_con005_notice_and_phone_list(people_store):
    new = _start(Scope(CITY), [2, 5])
    text = consultations.notice_text(consultations.get(new, Scope(CITY)))
    assert text.splitlines()[:3] == [
        "【会商通知】台风“海燕”防御会商",
        "时间：2026年12月3日（星期四）15:00—16:00",
        "地点：市应急指挥中心三楼",
    ]
    assert "  甲区 指挥办负责人 李甲" in text and "  乙一镇 书记 黄乙一" in text
    masked = consultations.phone_list(consultations.get(new, Scope(CITY)))
    assert masked == "甲区 指挥办负责人 李甲：138****0002\n乙一镇 书记 黄乙一：139****0005"
    full = consultations.phone_list(consultations.get(new, Scope(CITY), reveal_phones=True))
    assert "13800000002" in full
