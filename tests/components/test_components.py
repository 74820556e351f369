"""Component factories: plain data in, Dash components out (checked through their rendered JSON)."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from plotly.utils import PlotlyJSONEncoder

from components.attention import AttentionItem, attention_list
from components.breadcrumb import breadcrumb
from components.kpi import headline_card, kpi_card
from components.pickers import indicator_options
from components.ranking import ranking_list
from components.shell import header, nav_pages
from components.tables import grid_rows, profile_table
from components.trend import trend_figure


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_cmp001_kpi_card_shows_value_unit_period_change_progress_and_completeness():
    card = kpi_card(
        name="地区生产总值",
        value=3006.214,
        unit="亿元",
        decimals=2,
        period_text="2026年第三季度",
        change=SimpleNamespace(value=4.12, kind="pct"),
        progress=SimpleNamespace(progress=0.72, schedule=0.75, gap_pp=-3.3),
        reported=9,
        expected=9,
        href="/map?indicator=gdp",
        code="gdp",
    )
    text = _text(card)
    for part in (
        "3,006.21",
        "亿元",
        "2026年第三季度",
        "同比 +4.1%",
        "完成年度目标 72%，时间进度 75%",
        "落后 3.3 个百分点",
        "报送 9/9",
        "tone-bad",
    ):
        assert part in text, part


def test_cmp002_breadcrumb_links_every_step_but_the_current_one():
    nav = breadcrumb(
        [("湛江市", "/map?region=440800"), ("雷州市", "/map?region=440882")], up_href="/map?region=440800"
    )
    steps = nav.children[0].children
    assert steps[0].href == "/map?region=440800" and steps[0].children == "湛江市"
    assert steps[-1].children == "雷州市" and not hasattr(steps[-1], "href")
    assert nav.children[1].href == "/map?region=440800"
    root = breadcrumb([("湛江市", "/map")], up_href=None)
    assert "aria-disabled" in _text(root)


def test_cmp003_ranking_lists_best_first_and_unreported_last():
    rows = [
        SimpleNamespace(rank=1, code="a", name="甲", value=20.0),
        SimpleNamespace(rank=2, code="b", name="乙", value=10.0),
        SimpleNamespace(rank=None, code="c", name="丙", value=None),
    ]
    items = ranking_list(rows, unit="亿元", decimals=1, href=lambda c: f"/map?region={c}").children
    assert [i.children[3].children for i in items] == ["20.0 亿元", "10.0 亿元", "未报送"]
    assert items[1].children[2].children.style == {"width": "50.0%"}
    assert items[0].children[1].children.href == "/map?region=a"


def test_cmp004_nav_lists_registry_pages_by_order_without_hidden_ones():
    registry = {
        "pages.map": {"name": "地图", "path": "/map", "relative_path": "/map", "order": 1},
        "pages.overview": {"name": "总览", "path": "/", "relative_path": "/", "order": 0},
        "pages.economy": {"name": "经济运行", "path": "/economy", "relative_path": "/economy", "order": 2},
        "web.login": {
            "name": "登录",
            "path": "/login",
            "relative_path": "/login",
            "order": 9,
            "nav": False,
        },
        "pages.not_found_404": {"name": "404", "path": "/404", "relative_path": "/404"},
        "pages.unordered": {"name": "其他", "path": "/other", "relative_path": "/other", "order": None},
        "pages.admin": {
            "name": "管理",
            "path": "/admin",
            "relative_path": "/admin",
            "order": 90,
            "admin_only": True,
        },
    }
    assert nav_pages(registry, is_admin=False) == [
        ("总览", "/"),
        ("地图", "/map"),
        ("经济运行", "/economy"),
        ("其他", "/other"),
    ]
    assert ("管理", "/admin") in nav_pages(registry, is_admin=True)


def test_cmp005_header_shows_root_as_of_and_demo_badge():
    text = _text(header("湛江市", "2026-10", "2026-11-05T09:00:00", demo=True))
    assert "百千万工程驾驶舱" in text and "湛江市" in text and "2026年10月" in text
    assert "更新于 2026-11-05 09:00" in text and "演示数据" in text
    assert "演示数据" not in _text(header("湛江市", "2026-10", None, demo=False))
    signed_in = _text(
        header("湛江市", "2026-10", None, demo=False, user_name="雷州市工作人员", role_name="工作人员")
    )
    assert "雷州市工作人员" in signed_in and "退出" in signed_in
    assert "退出" not in _text(header("湛江市", "2026-10", None, demo=False))


def test_cmp006_grid_rows_share_one_scaled_unit_and_keep_sorting_numeric():
    kids = [
        SimpleNamespace(code="a", name="甲", value=25000.0, reported=3, expected=4),
        SimpleNamespace(code="b", name="乙", value=None, reported=0, expected=4),
    ]
    rows, unit = grid_rows(kids, {"a": 1}, "万元")
    assert unit == "亿元" and rows[0]["value"] == 2.5 and rows[0]["reported"] == "3/4"
    assert rows[0]["completeness"] == 75.0 and rows[1]["value"] is None and rows[1]["rank"] is None


def test_cmp007_trend_compares_with_the_same_months_last_year():
    series = [("2025-01", 1.0), ("2025-02", 2.0), ("2026-01", 3.0), ("2026-02", None)]
    fig = trend_figure(series, name="零售额", unit="亿元", periods=["2026-01", "2026-02"])
    last_year, current = fig["data"]
    assert current["y"] == [3.0, None] and last_year["y"] == [1.0, 2.0]
    assert current["x"] == ["2026年1月", "2026年2月"] and fig["layout"]["yaxis"]["title"]["text"] == "亿元"
    assert current["type"] == "scatter"
    bars = trend_figure(series, name="零售额", unit="亿元", periods=["2026-01", "2026-02"], bars=True)
    assert [t["type"] for t in bars["data"]] == ["bar", "bar"] and bars["layout"]["barmode"] == "group"
    assert bars["data"][1]["y"] == [3.0, None] and bars["data"][0]["y"] == [1.0, 2.0]


def test_cmp008_indicator_options_grouped_by_theme_with_units():
    inds = [
        SimpleNamespace(code="gdp", name="地区生产总值", unit="亿元", theme="economy"),
        SimpleNamespace(code="online_rate", name="网上办理率", unit="%", theme="services"),
    ]
    options = indicator_options(inds, {"services": "政务服务", "economy": "经济运行"})
    assert [o["label"] for o in options] == [
        "【经济运行】",
        "地区生产总值（亿元）",
        "【政务服务】",
        "网上办理率（%）",
    ]
    assert options[0]["disabled"] and not options[1].get("disabled")


def test_cmp009_attention_list_links_items_and_says_when_calm():
    items = [AttentionItem("schedule", "地区生产总值：落后 3.3 个百分点", "/map?indicator=gdp")]
    assert "落后进度" in _text(attention_list(items)) and "/map?indicator=gdp" in _text(attention_list(items))
    assert "暂无需要关注的事项" in _text(attention_list([]))


def _headline(**changes):
    """A ``data_access.headlines.Headline`` as the card sees it."""
    fields = {
        "code": "gdp",
        "name": "地区生产总值",
        "unit": "亿元",
        "decimals": 2,
        "direction": 1,
        "period": "2026-Q3",
        "cumulative": True,
        "value": 3006.214,
        "change": SimpleNamespace(value=4.12, kind="pct"),
        "progress": SimpleNamespace(progress=0.72, schedule=0.75, gap_pp=-3.3),
        "reported": 9,
        "expected": 9,
    }
    return SimpleNamespace(**{**fields, **changes})


def test_cmp010_headline_card_formats_a_headline():
    card = headline_card(_headline(), href="/map?indicator=gdp")
    text = _text(card)
    for part in ("3,006.21", "亿元", "2026年前三季度", "同比 +4.1%", "时间进度 75%", "报送 9/9"):
        assert part in text, part
    assert getattr(card, "data-indicator") == "gdp" and "/map?indicator=gdp" in text
    month = _text(headline_card(_headline(period="2026-10", cumulative=False)))
    assert "2026年10月" in month and "1—10月" not in month


def test_cmp011_rate_card_shows_no_time_schedule():
    """A rate's target is a level, not an amount that accumulates over the year."""
    rate = headline_card(_headline(unit="%", value=93.4, change=SimpleNamespace(value=1.2, kind="pp")))
    text = _text(rate)
    assert "93.40" in text and "同比 +1.2 个百分点" in text
    assert "时间进度" not in text and "完成年度目标" not in text


def test_cmp012_profile_target_cell_follows_the_target_rule():
    """Amounts: share done and the gap to 时间进度 (a cap used slower than the year is ahead);
    rates: the value against the target level, never a share of it against the calendar."""

    def cell(**row) -> str | None:
        html = profile_table([{"name": "x", "theme": "t", "value": None, "decimals": 1, **row}], {}).children
        target = re.search(r'<span class="profile-target"[^>]*>(.*?)</span></span>', html)
        if target is None:
            return None  # no target: the card shows no 目标 fact
        label = re.findall(r'<span class="profile-label">([^<]*)</span>', target.group(1))
        fact = re.findall(r'<span class="profile-fact">([^<]*)', target.group(1))[0]
        # An amount's share carries the label 目标进度; a rate's text names its target level itself.
        assert label == ([] if fact.startswith("目标") else ["目标进度"]), target.group(1)
        return fact

    amount = SimpleNamespace(target=100.0, actual=72.0, progress=0.72, schedule=0.75, gap_pp=-3.0)
    assert cell(unit="亿元", progress=amount) == "72%（落后 3.0 个百分点）"
    cap = SimpleNamespace(target=20.0, actual=4.0, progress=0.2, schedule=0.25, gap_pp=5.0)
    assert cell(unit="起", direction=-1, progress=cap) == "20%（领先 5.0 个百分点）"
    rate = SimpleNamespace(target=95.0, actual=92.3, progress=0.9716, schedule=0.75, gap_pp=22.2)
    assert cell(unit="%", progress=rate) == "目标 95.0%（低于 2.7 个百分点）"
    assert (
        cell(unit="%", progress=SimpleNamespace(**{**vars(rate), "actual": 96.0})) == "目标 95.0%（已达到）"
    )
    # Lower is better (e.g. 差评率): above the target level falls short, below it is met.
    assert cell(unit="%", direction=-1, progress=rate) == "目标 95.0%（已达到）"
    assert cell(unit="%", direction=-1, progress=SimpleNamespace(**{**vars(rate), "actual": 96.0})) == (
        "目标 95.0%（高于 1.0 个百分点）"
    )
    assert cell(unit="亿元", progress=None) is None
    # A flow rate is judged on its year-to-date figure: when that differs from the month shown,
    # the cell says so and its title gives the figure compared.
    html = profile_table(
        [{"name": "x", "theme": "t", "value": 90.0, "unit": "%", "progress": rate}], {}
    ).children
    assert (
        "目标 95.0%（累计低于 2.7 个百分点）" in html and 'title="年初至今累计 92.3%，年度目标 95.0%"' in html
    )


def _profile_cards(html: str) -> list[dict]:
    """The cards of ``profile_table``'s HTML: classes, code, name, value and facts (label → figure)."""
    cards = []
    for item in re.findall(
        r'<div class="(profile-item[^"]*)" data-indicator="([^"]*)">(.*?)</div></div>', html
    ):
        classes, code, body = item
        facts = re.findall(
            r'<span class="profile-(\w+)"[^>]*>(?:<span class="profile-label">([^<]*)</span>)?'
            r'<span class="profile-fact">([^<]*)</span></span>',
            body,
        )
        cards.append(
            {
                "classes": set(classes.split()),
                "code": code,
                "name": re.search(r'<span class="profile-name"[^>]*>([^<]*)</span>', body).group(1),
                "value": re.search(r'<span class="profile-value[^"]*">([^<]*)</span>', body).group(1),
                "facts": {kind: (label, fact) for kind, label, fact in facts},
            }
        )
    return cards


def test_cmp013_profile_is_a_two_line_card_per_indicator_grouped_by_theme():
    """Name and value with its unit on top; 同比, 目标进度, 同级排名, 报送 below, each labelled;
    the first card of each theme and the mapped indicator are marked for the wall, with the count."""
    amount = SimpleNamespace(target=100.0, actual=72.0, progress=0.72, schedule=0.75, gap_pp=-3.0)
    rows = [
        {
            "code": "gdp",
            "name": "地区生产总值",
            "theme": "economy",
            "unit": "亿元",
            "decimals": 2,
            "value": 3004.664,
            "yoy": SimpleNamespace(value=4.1, kind="pct"),
            "progress": amount,
            "rank": (4, 9),
            "reported": 9,
            "expected": 9,
        },
        {
            "code": "exports",
            "name": "出口<总额>",
            "theme": "economy",
            "unit": "亿元",
            "value": None,
            "reported": 3,
            "expected": 9,
        },
        {
            "code": "online_rate",
            "name": "网上办理率",
            "theme": "services",
            "unit": "%",
            "value": 91.26,
            "decimals": 1,
            "yoy": SimpleNamespace(value=-1.5, kind="pp"),
            "reported": 0,
            "expected": 0,
        },
    ]
    html = profile_table(rows, {"economy": "经济运行", "services": "政务服务"}, current="exports").children
    assert re.findall(r'<div class="profile-theme">([^<]*)</div>', html) == ["经济运行", "政务服务"]
    assert '<div class="profile-count">重点 3 项 / 共 3 项指标</div>' in html
    gdp, exports, online = _profile_cards(html)
    assert (gdp["code"], gdp["name"], gdp["value"]) == ("gdp", "地区生产总值", "3,004.66 亿元")
    assert gdp["facts"] == {
        "yoy": ("同比", "+4.1%"),
        "target": ("目标进度", "72%（落后 3.0 个百分点）"),
        "rank": ("同级排名", "第 4/9 位"),
        "reported": ("报送", "9/9"),
    }
    assert gdp["classes"] == {"profile-item", "profile-lead"}
    # Not reported: the value says so; no target, no rank: those facts are left out, 报送 stays.
    assert exports["name"] == "出口&lt;总额&gt;" and exports["value"] == "未报送"
    assert exports["facts"] == {"yoy": ("同比", "—"), "reported": ("报送", "3/9")}
    assert exports["classes"] == {"profile-item", "profile-current"}
    assert online["value"] == "91.3%" and online["facts"]["yoy"] == ("同比", "-1.5 个百分点")
    assert online["facts"]["reported"] == ("报送", "—") and "profile-lead" in online["classes"]
