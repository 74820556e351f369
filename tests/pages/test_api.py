"""JSON API /api/v1: regions, indicators, values; error statuses and bodies.

Error paths and regions run on the tiny hierarchy (scope 测试市 990100). The rollup checks run
through the API on the demo store built by ``cockpit demo`` (see conftest), on every backend.
"""

from __future__ import annotations

import math

import pytest

JSON = "application/json; charset=utf-8"


def _get(client, url: str, status: int = 200):
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.status_code, resp.get_data(as_text=True)[:500])
    assert resp.content_type == JSON
    return resp.get_json()


def _error(client, url: str, status: int) -> str:
    """The Chinese message of an expected error; the body is exactly {"error": ...}."""
    body = _get(client, url, status)
    assert set(body) == {"error"}
    message = body["error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert "Traceback" not in message
    return message


# --- regions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["9901", "990100", "990100000000"])
def test_api001_region_short_and_long_codes(tiny_client, code):
    body = _get(tiny_client, f"/api/v1/regions/{code}")
    assert body["code"] == "990100000000"
    assert body["name"] == "测试市"
    assert body["level"] == 2
    assert body["parent"] is None  # the province is outside the scope
    assert body["breadcrumb"] == [{"code": "990100000000", "name": "测试市", "level": 2, "kind": "地级市"}]
    assert body["children"] == [
        {"code": "990101000000", "name": "甲区", "level": 3, "kind": "区"},
        {"code": "990102000000", "name": "乙县", "level": 3, "kind": "县"},
    ]


def test_api002_town_by_nine_digit_code(tiny_client):
    body = _get(tiny_client, "/api/v1/regions/990101002")
    assert (body["code"], body["name"], body["kind"]) == ("990101002000", "甲二镇", "镇")
    assert body["parent"] == {"code": "990101000000", "name": "甲区", "level": 3, "kind": "区"}
    assert [r["name"] for r in body["breadcrumb"]] == ["测试市", "甲区", "甲二镇"]
    assert [r["code"] for r in body["children"]] == ["990101002001", "990101002002"]
    assert {r["kind"] for r in body["children"]} == {"村委会"}


def test_api003_non_ascii_json_is_not_escaped(tiny_client):
    resp = tiny_client.get("/api/v1/regions/990100")
    assert resp.headers["Content-Type"] == JSON
    raw = resp.get_data()
    assert "测试市".encode() in raw
    assert b"\\u" not in raw


def test_api004_unknown_region_404(tiny_client):
    assert "990199000000" in _error(tiny_client, "/api/v1/regions/990199", 404)


def test_api005_region_outside_scope_403(tiny_client):
    _error(tiny_client, "/api/v1/regions/990000", 403)  # the province above the root
    _error(tiny_client, "/api/v1/regions/440800", 403)


@pytest.mark.parametrize(
    "code",
    [
        "../etc/passwd",
        "..%2Fetc%2Fpasswd",
        "1' OR '1'='1",
        "440800;DROP TABLE region",
        "44080",
        "abcdef",
        "9901%00",
    ],
)
def test_api006_malformed_region_code_400(tiny_client, code):
    assert "地区代码" in _error(tiny_client, f"/api/v1/regions/{code}", 400)


def test_api007_unknown_endpoint_and_method_are_json(tiny_client):
    _error(tiny_client, "/api/v1/nothing-here", 404)
    _error(tiny_client, "/api/v1/regions/", 404)
    resp = tiny_client.post("/api/v1/indicators")
    assert resp.status_code == 405
    assert resp.content_type == JSON
    assert set(resp.get_json()) == {"error"}


def test_api008_unexpected_error_is_json_500_without_trace(tiny_client, monkeypatch):
    from data_access import regions

    def boom(*_args, **_kwargs):
        raise RuntimeError("secret internal detail /work/main/data_access")

    monkeypatch.setattr(regions, "children", boom)
    message = _error(tiny_client, "/api/v1/regions/990100", 500)
    assert "secret" not in message and "RuntimeError" not in message


# --- values: parameter validation (before any indicator lookup) ----------------------------------


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("", "indicator"),
        ("period=2026-10&parent=990100", "indicator"),
        ("indicator=GDP&parent=990100", "period"),
        ("indicator=GDP&period=2026-10", "parent"),
        ("indicator=GDP&period=2026-10&parent=", "parent"),
        ("indicator=1'%20OR%20'1'%3D'1&period=2026-10&parent=990100", "指标代码"),
        ("indicator=..%2F..%2Fetc%2Fpasswd&period=2026-10&parent=990100", "指标代码"),
        ("indicator=GDP&period=2026-10&parent=440800%3BDROP%20TABLE%20region", "地区代码"),
        ("indicator=GDP&period=2026-10&parent=..%2Fetc%2Fpasswd", "地区代码"),
        ("indicator=" + "X" * 80 + "&period=2026-10&parent=990100", "indicator"),
    ],
)
def test_api009_values_malformed_parameters_400(tiny_client, query, needle):
    assert needle in _error(tiny_client, f"/api/v1/values?{query}", 400)


def test_api010_values_parent_outside_scope_403(tiny_client):
    _error(tiny_client, "/api/v1/values?indicator=GDP&period=2026-10&parent=440800", 403)


def test_api011_values_unknown_parent_404(tiny_client):
    _error(tiny_client, "/api/v1/values?indicator=GDP&period=2026-10&parent=990199", 404)


# --- values and indicators on hand-computed numbers ------------------------------------------------


def _vals(client, indicator: str, period: str, parent: str = "990100", status: int = 200):
    return _get(client, f"/api/v1/values?indicator={indicator}&period={period}&parent={parent}", status)


def test_api012_values_sum_with_missing_village(tiny_values_client):
    body = _vals(tiny_values_client, "T_POP", "2026-10", "9901")
    assert (body["indicator"], body["period"], body["unit"]) == ("T_POP", "2026-10", "人")
    assert body["parent"] == {
        "code": "990100000000",
        "name": "测试市",
        "value": 100.0,
        "reported": 4,
        "expected": 5,
    }
    assert body["children"] == [
        {"code": "990101000000", "name": "甲区", "value": 60.0, "reported": 3, "expected": 3},
        {"code": "990102000000", "name": "乙县", "value": 40.0, "reported": 1, "expected": 2},
    ]


def test_api013_values_ratio_is_ratio_of_sums(tiny_values_client):
    body = _vals(tiny_values_client, "T_RATE", "2026-10")
    assert body["unit"] == "%"
    assert body["parent"]["value"] == pytest.approx(15 / 50 * 100)  # not the mean of 20 and 45
    assert [c["value"] for c in body["children"]] == [pytest.approx(20.0), pytest.approx(45.0)]


def test_api014_values_children_of_a_town(tiny_values_client):
    body = _vals(tiny_values_client, "T_POP", "2026-10", "990101002")
    assert body["parent"]["value"] == 50.0
    assert [(c["code"], c["value"]) for c in body["children"]] == [
        ("990101002001", 20.0),
        ("990101002002", 30.0),
    ]


def test_api015_quarterly_indicator_takes_quarter_not_month(tiny_values_client):
    body = _vals(tiny_values_client, "T_Q", "2026-q3")
    assert body["period"] == "2026-Q3"
    assert body["parent"]["value"] == 23.0
    _error(tiny_values_client, "/api/v1/values?indicator=T_Q&period=2026-09&parent=990100", 400)
    _error(tiny_values_client, "/api/v1/values?indicator=T_POP&period=2026-Q3&parent=990100", 400)


@pytest.mark.parametrize(
    "period", ["2026-13", "2026/10", "20261", "2026-Q5", "26-10", "2026-10;DROP TABLE region"]
)
def test_api016_malformed_period_400(tiny_values_client, period):
    from urllib.parse import quote

    message = _error(
        tiny_values_client, f"/api/v1/values?indicator=T_POP&period={quote(period)}&parent=990100", 400
    )
    assert "2026" in message or "期" in message


def test_api017_unknown_indicator_404(tiny_values_client):
    assert "NOPE" in _error(
        tiny_values_client, "/api/v1/values?indicator=NOPE&period=2026-10&parent=990100", 404
    )


def test_api018_indicators_list_all_metadata(tiny_values_client):
    body = _get(tiny_values_client, "/api/v1/indicators")
    assert [i["code"] for i in body] == ["T_POP", "T_NUM", "T_DEN", "T_RATE", "T_Q"]
    rate = body[3]
    expected = {
        "code": "T_RATE",
        "name": "达标率",
        "unit": "%",
        "theme": "programme",
        "frequency": "month",
        "value_type": "flow",
        "aggregation": "ratio",
        "numerator": "T_NUM",
        "denominator": "T_DEN",
        "weight": None,
        "factor": 100.0,
        "lowest_level": 5,
    }
    assert {k: rate[k] for k in expected} == expected
    for key in ("definition", "source_dept", "direction", "decimals", "min_value", "max_value"):
        assert key in rate
    assert rate["aggregation_name"].startswith("比率")
    assert rate["theme_name"] == "百千万工程"


def test_api019_indicators_by_theme(tiny_values_client):
    assert len(_get(tiny_values_client, "/api/v1/indicators?theme=programme")) == 5
    assert _get(tiny_values_client, "/api/v1/indicators?theme=economy") == []
    _error(tiny_values_client, "/api/v1/indicators?theme=nope", 404)


# --- the demo store (built once per backend by `cockpit demo`) --------------------------------------

ZHANJIANG = "440800"


def _latest(code: str) -> str:
    from data_access.scope import Scope
    from data_access.values import latest_period

    period = latest_period(code, Scope.of(ZHANJIANG))
    assert period, f"{code} has no data in the demo store"
    return period


def _demo_catalogue(client) -> dict[str, dict]:
    return {i["code"]: i for i in _get(client, "/api/v1/indicators")}


def _county_level(catalogue: dict[str, dict], aggregation: str) -> list[dict]:
    """Indicators of one rule collected at county level or below (so the city has county children)."""
    found = [i for i in catalogue.values() if i["aggregation"] == aggregation and i["lowest_level"] >= 3]
    assert found, f"the demo store has no {aggregation} indicator collected at county level or below"
    return found


def test_api020_demo_city_sum_equals_sum_of_counties(demo_client):
    for ind in _county_level(_demo_catalogue(demo_client), "sum"):
        body = _vals(demo_client, ind["code"], _latest(ind["code"]), ZHANJIANG)
        parent, kids = body["parent"], body["children"]
        assert len(kids) == 9, ind["code"]
        assert parent["value"] is not None and math.isfinite(parent["value"]), ind["code"]
        total = sum(c["value"] for c in kids if c["value"] is not None)
        assert parent["value"] == pytest.approx(total, rel=1e-6), ind["code"]
        assert parent["reported"] == sum(c["reported"] for c in kids), ind["code"]
        assert parent["expected"] == sum(c["expected"] for c in kids), ind["code"]
        assert 0 < parent["reported"] <= parent["expected"], ind["code"]


def test_api021_demo_ratio_is_sum_of_numerators_over_sum_of_denominators(demo_client):
    catalogue = _demo_catalogue(demo_client)
    for ind in _county_level(catalogue, "ratio"):
        period = _latest(ind["code"])
        assert catalogue[ind["numerator"]]["aggregation"] == "sum", ind["code"]
        assert catalogue[ind["denominator"]]["aggregation"] == "sum", ind["code"]
        ratio = _vals(demo_client, ind["code"], period, ZHANJIANG)
        num = _vals(demo_client, ind["numerator"], period, ZHANJIANG)
        den = _vals(demo_client, ind["denominator"], period, ZHANJIANG)
        rows = [(ratio["parent"], num["parent"], den["parent"])]
        rows += list(zip(ratio["children"], num["children"], den["children"], strict=True))
        for r, n, d in rows:
            assert r["code"] == n["code"] == d["code"]
            assert n["reported"] == d["reported"] == r["reported"], (ind["code"], r["code"])
            assert d["value"], (ind["code"], r["code"])
            expected = n["value"] / d["value"] * ind["factor"]
            assert r["value"] == pytest.approx(expected, rel=1e-6), (ind["code"], r["code"])


def test_api022_demo_every_indicator_answers_at_its_latest_period(demo_client):
    catalogue = _demo_catalogue(demo_client)
    assert len(catalogue) >= 40
    for code, ind in catalogue.items():
        url = f"/api/v1/values?indicator={code}&period={_latest(code)}&parent={ZHANJIANG}"
        resp = demo_client.get(url)
        if ind["lowest_level"] >= 3:
            assert resp.status_code == 200, (code, resp.get_json())
            assert resp.get_json()["parent"]["code"] == "440800000000"
        else:  # collected at city level: no county breakdown, and the API says so
            assert resp.status_code == 400, (code, resp.status_code)
            assert set(resp.get_json()) == {"error"}


def test_api023_demo_period_must_match_frequency(demo_client):
    catalogue = _demo_catalogue(demo_client)
    by_freq = {}
    for ind in _county_level(catalogue, "sum") + _county_level(catalogue, "ratio"):
        by_freq.setdefault(ind["frequency"], ind["code"])
    assert {"month", "quarter"} <= set(by_freq)
    _error(
        demo_client, f"/api/v1/values?indicator={by_freq['quarter']}&period=2026-10&parent={ZHANJIANG}", 400
    )
    _error(demo_client, f"/api/v1/values?indicator={by_freq['month']}&period=2026-Q3&parent={ZHANJIANG}", 400)
    if "year" in by_freq:
        _error(
            demo_client, f"/api/v1/values?indicator={by_freq['year']}&period=2026-10&parent={ZHANJIANG}", 400
        )
    body = _vals(demo_client, by_freq["quarter"], _latest(by_freq["quarter"]), ZHANJIANG)
    assert body["period"].split("-")[1].startswith("Q")


def test_api024_demo_regions_of_zhanjiang(demo_client):
    body = _get(demo_client, "/api/v1/regions/440882")
    assert (body["name"], body["kind"]) == ("雷州市", "县级市")
    assert body["parent"]["code"] == "440800000000"
    assert [r["name"] for r in body["breadcrumb"]] == ["湛江市", "雷州市"]
    assert "440882100000" in {c["code"] for c in body["children"]}
    _error(demo_client, "/api/v1/regions/440100", 403)  # 广州市: outside the 湛江 scope


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/v1", "/api/v2/regions/440800", "/api/v1/regions"])
def test_api025_any_path_under_api_is_a_json_404(tiny_client, path):
    _error(tiny_client, path, 404)
