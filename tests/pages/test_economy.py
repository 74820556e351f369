"""经济运行 page on the demo store (湛江, as of 2026-10): figures, sentences, links, errors."""

from __future__ import annotations

import pytest

from components.format import value_parts
from data_access import values
from data_access.scope import Scope
from tests.pages.theme_util import by_class, by_id, kpi_number, links, render, text, with_attr

ROOT = Scope("440800000000")
COUNTIES = [
    "440802000000",
    "440803000000",
    "440804000000",
    "440811000000",
    "440823000000",
    "440825000000",
    "440881000000",
    "440882000000",
    "440883000000",
]


@pytest.fixture
def app(demo_client):
    return demo_client.application


def economy(app, **query):
    return render(app, "economy", "/economy", **query)


def test_eco001_root_cards_equal_the_rollups(app):
    root = economy(app)
    # GDP is quarterly and cumulative: 2026-10 shows 2026-Q3, the value the API gives for that period.
    gdp = values.region_value("gdp", "440800", "2026-Q3", ROOT).value
    assert kpi_number(root, "gdp") == value_parts(gdp, "亿元", 2)[0]
    # Retail sales is a monthly flow: the card is 1—10月, the sum of the nine counties' year to date.
    retail = sum(values.ytd_value("retail_sales", c, "2026-10", ROOT) for c in COUNTIES)
    assert kpi_number(root, "retail_sales") == value_parts(retail, "亿元", 2)[0]
    card = with_attr(root, "data-indicator", "retail_sales")
    assert "2026年1—10月" in text(card)
    assert "报送 9/9" in text(card)


def test_eco002_county_sentence_compares_with_the_city(app):
    root = economy(app, region="440882")
    sentence = text(with_attr(by_id(root, "economy-summary"), "data-indicator", "gdp"))
    own = values.yoy("gdp", "440882", "2026-Q3", ROOT)
    city = values.yoy("gdp", "440800", "2026-Q3", ROOT)
    value = values.region_value("gdp", "440882", "2026-Q3", ROOT).value
    verb = "增长" if own.value > 0 else "下降"
    diff = own.value - city.value
    side = "高于" if diff > 0 else "低于"
    assert sentence.startswith(
        f"前三季度雷州市地区生产总值 {value:,.2f} 亿元，同比{verb} {abs(own.value):.1f}%"
    )
    assert f"{side}全市 {abs(diff):.1f} 个百分点" in sentence
    assert "完成年度目标" in sentence and "时间进度 75.0%" in sentence


def test_eco003_ranking_lists_counties_best_first_linking_to_the_map(app):
    root = economy(app, indicator="retail_sales")
    ranking = by_id(root, "economy-ranking")
    expected = values.ranking("retail_sales", "440800", "2026-10", ROOT)
    rows = by_class(ranking, "ranking-row")
    assert [getattr(r, "data-code") for r in rows] == [r.code for r in expected]
    assert sorted(getattr(r, "data-code") for r in rows) == COUNTIES
    assert links(ranking) == [
        f"/map?region={r.code[:6]}&indicator=retail_sales&period=2026-10" for r in expected
    ]
    maps = [n.id for n in walk_ids(by_id(root, "economy-map-panel"))]
    assert maps == [{"type": "theme-map", "indicator": "retail_sales", "period": "2026-10"}]


def test_eco004_county_compares_with_its_siblings_and_says_its_rank(app):
    root = economy(app, region="440882", indicator="retail_sales")
    n, m = values.rank_among_siblings("retail_sales", "440882", "2026-10", ROOT)
    panel = by_id(root, "economy-ranking-panel")
    assert f"雷州市位列全市第 {n}/{m} 位" in text(panel)
    assert m == 9


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"region": "440899"}, "未知地区"),
        ({"region": "440100"}, "无权查看"),
        ({"region": "abc"}, ""),
        ({"period": "2026-13"}, "期间格式错误"),
    ],
)
def test_eco005_bad_query_shows_a_chinese_message(app, query, message):
    root = economy(app, **query)
    alert = next(n for n in by_class(root, "notice-error"))
    assert message in text(alert)
    assert "Traceback" not in text(root)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text(alert))


def test_eco006_past_month_and_detail_indicator(app):
    root = economy(app, period="2025-12", indicator="exports")
    assert "2025年1—12月" in text(with_attr(root, "data-indicator", "exports"))
    picker = next(
        n for n in walk_ids(root) if n.id == {"type": "theme-period", "path": "/economy", "shown": "2025-12"}
    )
    assert picker.value == "2025-12"
    detail = next(
        n
        for n in walk_ids(root)
        if n.id == {"type": "theme-indicator", "path": "/economy", "shown": "exports"}
    )
    assert detail.value == "exports"
    assert "出口总额月度走势" in text(by_id(root, "economy-trend"))


def walk_ids(root):
    from tests.pages.theme_util import walk

    return [n for n in walk(root) if isinstance(getattr(n, "id", None), dict)]


def test_eco007_town_says_the_theme_is_not_collected_there(app):
    root = economy(app, region="440882100")
    notice = by_id(root, "economy-none")
    assert "经济运行指标不采集到白沙镇这一级" in text(notice)
    assert links(notice) == ["/economy?region=440882&period=2026-10"]
    assert by_class(root, "kpi-card") == []
