"""基层治理: the monthly village figures derived from hand-counted cases, rolled up like any indicator.

Tiny hierarchy: v1 甲一社区 (town A1, county A), v2/v3 (town A2, county A), v4/v5 (town B1, county B).
"""

from datetime import date, datetime

import pytest

from data_access import store, values
from data_access.catalogue import BY_CODE, load_catalogue
from data_access.errors import OutOfScope
from data_access.governance import STORED, Case, derive, load_types, observation_rows
from data_access.observations import write_observations
from data_access.scope import Scope

CITY, A, B = "990100000000", "990101000000", "990102000000"
A2, B1 = "990101002000", "990102001000"
V1, V2, V3, V4, V5 = "990101001001", "990101002001", "990101002002", "990102001001", "990102001002"
VILLAGES = [V1, V2, V3, V4, V5]
MONTHS = ["2026-01", "2026-02", "2026-03"]


def _case(cid, village, received, due, status, level=None, resolved=None, sat=None):
    return Case(cid, village, "neighbour", received, "码上办扫码", due, status, level, resolved, sat)


CASES = [
    # resolved in its month by the village, on time, rated 5
    _case("c1", V2, datetime(2026, 1, 10, 8), date(2026, 1, 25), "已化解", "村", datetime(2026, 1, 15, 8), 5),
    # received in January, resolved by the town in February after its due date, rated 3
    _case(
        "c2", V2, datetime(2026, 1, 20, 12), date(2026, 2, 4), "已化解", "镇", datetime(2026, 2, 10, 12), 3
    ),
    # still being handled (open at the end of February and March)
    _case("c3", V3, datetime(2026, 2, 3, 9), date(2026, 2, 18), "调处中"),
    # escalated to the county, still open
    _case("c4", V4, datetime(2026, 2, 5, 9), date(2026, 3, 7), "已上报"),
    # escalated and resolved by the county
    _case("c5", V4, datetime(2026, 3, 1, 9), date(2026, 3, 31), "已化解", "县", datetime(2026, 3, 11, 9)),
    # closed unresolved by the town, rated 1
    _case("c6", V1, datetime(2026, 3, 2, 9), date(2026, 3, 17), "未化解", "镇", datetime(2026, 3, 20, 9), 1),
    # received before the first month: counted nowhere as received, closed before January's end
    _case("c0", V1, datetime(2025, 12, 20, 9), date(2026, 1, 4), "已化解", "村", datetime(2026, 1, 5, 9)),
]
# Hand counts: indicator → {(village, month): value}; everything else is 0.
EXPECTED = {
    "disputes_received": {(V2, "2026-01"): 2, (V3, "2026-02"): 1, (V4, "2026-02"): 1, (V4, "2026-03"): 1,
                          (V1, "2026-03"): 1},
    "disputes_resolved": {(V2, "2026-01"): 2, (V4, "2026-03"): 1},
    "disputes_resolved_on_time": {(V2, "2026-01"): 1, (V4, "2026-03"): 1},
    "disputes_resolved_village": {(V2, "2026-01"): 1},
    "disputes_resolved_town": {(V2, "2026-01"): 2},
    "dispute_days": {(V2, "2026-01"): 26.0, (V4, "2026-03"): 10.0},
    "dispute_ratings": {(V2, "2026-01"): 2, (V1, "2026-03"): 1},
    "dispute_ratings_satisfied": {(V2, "2026-01"): 1},
    "disputes_escalated": {(V4, "2026-02"): 1, (V4, "2026-03"): 1},
    "disputes_open": {(V2, "2026-01"): 1, (V3, "2026-02"): 1, (V3, "2026-03"): 1, (V4, "2026-02"): 1,
                      (V4, "2026-03"): 1},
}  # fmt: skip


def test_gov001_derived_village_figures_match_the_hand_counts():
    figures = derive(CASES, VILLAGES, MONTHS)
    assert set(figures) == set(STORED)
    for code in STORED:
        assert figures[code].shape == (5, 3)
        for i, v in enumerate(VILLAGES):
            for j, m in enumerate(MONTHS):
                assert figures[code][i, j] == EXPECTED[code].get((v, m), 0), (code, v, m)
    # a village without any case still has a figure (0) every month: completeness stays 5 of 5
    assert all(figures[code][4].tolist() == [0, 0, 0] for code in STORED)


def test_gov002_every_stored_figure_and_ratio_is_a_governance_indicator():
    codes = {d.code for d in BY_CODE.values() if d.theme == "governance"}
    assert set(STORED) <= codes
    for d in BY_CODE.values():
        if d.theme == "governance":
            assert d.lowest_level == 5 and d.frequency == "month", d.code
            assert d.definition.startswith(("按受理月份统计", "按月末时点统计")), d.code
    ratios = {
        d.code: (d.numerator, d.denominator)
        for d in BY_CODE.values()
        if d.theme == "governance" and d.derived
    }
    assert ratios == {
        "dispute_resolution_rate": ("disputes_resolved", "disputes_received"),
        "dispute_on_time_rate": ("disputes_resolved_on_time", "disputes_resolved"),
        "dispute_village_share": ("disputes_resolved_village", "disputes_resolved"),
        "dispute_town_share": ("disputes_resolved_town", "disputes_resolved"),
        "dispute_avg_days": ("dispute_days", "disputes_resolved"),
        "dispute_satisfaction": ("dispute_ratings_satisfied", "dispute_ratings"),
    }


@pytest.fixture
def governance_store(tiny_store):
    with store.engine().begin() as conn:
        load_catalogue(conn)
        load_types(conn)
        store.bump_version(conn)
    figures = derive(CASES, VILLAGES, MONTHS)
    write_observations(observation_rows(figures, VILLAGES, MONTHS), source="test", reported_by="test")
    return tiny_store


def _v(code, region, month):
    return values.region_value(code, region, month, Scope(CITY))


def test_gov003_rates_roll_up_from_the_sums(governance_store):
    # January: c1 and c2 (both resolved, c2 late and by the town), only in A2
    assert _v("dispute_resolution_rate", CITY, "2026-01").value == pytest.approx(100.0)
    assert _v("dispute_on_time_rate", CITY, "2026-01").value == pytest.approx(50.0)
    assert _v("dispute_village_share", A, "2026-01").value == pytest.approx(50.0)
    assert _v("dispute_town_share", A, "2026-01").value == pytest.approx(100.0)
    assert _v("dispute_avg_days", CITY, "2026-01").value == pytest.approx(13.0)  # (5 + 21) / 2
    assert _v("dispute_satisfaction", CITY, "2026-01").value == pytest.approx(50.0)
    # February: two cases received, none resolved (one open, one escalated)
    assert _v("disputes_received", CITY, "2026-02").value == 2
    assert _v("dispute_resolution_rate", CITY, "2026-02").value == pytest.approx(0.0)
    assert _v("disputes_escalated", B, "2026-02").value == 1
    # March: c5 resolved by the county (B), c6 closed unresolved (A): 1 of 2
    assert _v("dispute_resolution_rate", CITY, "2026-03").value == pytest.approx(50.0)
    assert _v("dispute_resolution_rate", A, "2026-03").value == pytest.approx(0.0)
    assert _v("dispute_resolution_rate", B, "2026-03").value == pytest.approx(100.0)
    assert _v("dispute_town_share", B, "2026-03").value == pytest.approx(0.0)
    assert _v("disputes_escalated", CITY, "2026-03").value == 1
    assert _v("disputes_open", CITY, "2026-03").value == 2
    # completeness counts the village without cases as reporting (0), not as missing
    received = _v("disputes_received", B1, "2026-01")
    assert (received.value, received.reported, received.expected) == (0, 2, 2)
    assert _v("dispute_resolution_rate", V5, "2026-01").value is None  # 0 ÷ 0: no rate


def test_gov004_rollups_refuse_regions_outside_the_scope(governance_store):
    with pytest.raises(OutOfScope):
        values.region_value("disputes_received", B, "2026-01", Scope(A))


@pytest.fixture
def cases_store(governance_store):
    from sqlalchemy import insert

    from data_access.governance import case_row
    from data_access.schema import contact, dispute_case

    with store.engine().begin() as conn:
        conn.execute(insert(dispute_case), [case_row(c, datetime(2026, 4, 1)) for c in CASES])
        conn.execute(
            insert(contact),
            [
                {
                    "region_code": V3,
                    "role": "村书记",
                    "name": "陈三",
                    "phone": "13800003333",
                    "sort_order": 0,
                },
                {"region_code": B1, "role": "书记", "name": "李乙", "phone": "13900001111", "sort_order": 0},
            ],
        )
        store.bump_version(conn)
    return governance_store


def test_gov005_type_breakdown_counts_cases_received_in_the_period(cases_store):
    from data_access.governance import type_breakdown

    march = {t.name: (t.received, t.resolved) for t in type_breakdown(CITY, "2026-03", Scope(CITY))}
    assert march["邻里纠纷"] == (2, 1) and march["土地山林"] == (0, 0)
    assert list(march) == ["土地山林", "婚姻家庭", "邻里纠纷", "劳资纠纷", "征地拆迁", "其他"]
    ytd = {t.name: t.received for t in type_breakdown(A, "2026-03", Scope(CITY), ytd=True)}
    assert ytd["邻里纠纷"] == 4  # c1, c2, c3 and c6 in county A; c0 was received in 2025
    with pytest.raises(OutOfScope):
        type_breakdown(B, "2026-03", Scope(A))


def test_gov006_overdue_open_cases_with_their_contact_scoped_and_masked(cases_store):
    from data_access.governance import overdue_cases

    cases = overdue_cases(CITY, Scope(CITY), today="2026-03-10")
    # c3 due 02-18 (调处中) and c4 due 03-07 (已上报); closed cases never count
    assert [(c.case_id, c.days_overdue) for c in cases] == [("c3", 20), ("c4", 3)]
    c3, c4 = cases
    assert (c3.village_name, c3.town_name, c3.contact_name, c3.contact_role) == (
        "甲二二村",
        "甲二镇",
        "陈三",
        "村书记",
    )
    assert c3.phone == "138****3333"
    assert (c4.contact_name, c4.contact_role) == ("李乙", "书记")  # no village contact: the town's
    full = overdue_cases(CITY, Scope(CITY), today="2026-03-10", reveal_phones=True)
    assert full[0].phone == "13800003333"
    assert [c.case_id for c in overdue_cases(A, Scope(A), today="2026-03-10")] == ["c3"]
    with pytest.raises(OutOfScope):
        overdue_cases(B, Scope(A), today="2026-03-10")
