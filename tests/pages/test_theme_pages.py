"""政务服务, 数字底座 and 指标体系 pages on the demo store; the theme pages' URL helpers."""

from __future__ import annotations

import pytest

from components.format import value_parts
from data_access import values
from data_access.infrastructure import network_coverage, video_by_region
from data_access.scope import Scope
from data_access.theme_views import village_values
from pages._theme_common import THEME_INDICATOR, THEME_MAP, THEME_PERIOD, clicked_href, picked_href
from tests.pages.theme_util import by_class, by_id, kpi_number, links, render, text, walk, with_attr

ROOT = Scope("440800000000")


@pytest.fixture
def app(demo_client):
    return demo_client.application


# --- URL helpers (no store needed) ------------------------------------------------------------


def test_thm001_picker_rewrites_one_parameter_of_the_url():
    trig = {"type": THEME_PERIOD, "path": "/economy", "shown": "2026-10"}
    assert picked_href("/economy", "?region=440882&period=2026-10", trig, "2026-05") == (
        "/economy?region=440882&period=2026-05"
    )
    pick = {"type": THEME_INDICATOR, "path": "/services", "shown": "items_handled"}
    assert picked_href("/services", "", pick, "online_rate") == "/services?indicator=online_rate"
    # Nothing changes: no navigation — the same URL, no value, or the value the page already shows
    # (a dropdown reporting its value on mount while the URL has no ?period=).
    assert picked_href("/economy", "?period=2026-05", trig, "2026-05") is None
    assert picked_href("/economy", "?period=2026-10", trig, None) is None
    assert picked_href("/economy", "", trig, "2026-10") is None


def test_thm002_map_click_opens_the_drill_down_map():
    trig = {"type": THEME_MAP, "indicator": "gdp", "period": "2026-10"}
    click = {"points": [{"location": "440882000000", "curveNumber": 0}]}
    assert clicked_href(trig, click) == "/map?region=440882&indicator=gdp&period=2026-10"
    town = {"points": [{"location": "440882100000"}]}
    assert clicked_href(trig, town) == "/map?region=440882100&indicator=gdp&period=2026-10"
    assert clicked_href(trig, {"points": [{"lon": 110.1, "lat": 21.0}]}) is None  # a camera point
    assert clicked_href(trig, None) is None


# --- 政务服务 ----------------------------------------------------------------------------------


def test_thm003_services_cards_and_kiosk_cells(app):
    root = render(app, "services", "/services", region="440882")
    handled = values.region_value("items_handled", "440882", "2026-10", ROOT).value
    assert kpi_number(root, "items_handled") == value_parts(handled, "件", 0)[0]
    rate = values.region_value("online_rate", "440882", "2026-10", ROOT).value
    assert kpi_number(root, "online_rate") == f"{rate:.1f}"
    villages = village_values("kiosks", "440882", "2026-10", ROOT)
    covered = sum(1 for v in villages if v.value)
    lead = text(by_id(root, "services-kiosk-coverage"))
    assert f"已布设粤智助的村（社区）{covered:,} 个，共 {len(villages):,} 个" in lead
    # Coverage share from the ratio indicator agrees with the village counts.
    share = values.region_value("kiosk_coverage", "440882", "2026-10", ROOT).value
    assert share == pytest.approx(covered / len(villages) * 100)
    # The county's detail ranking lists its towns, each linking to the map.
    ranking = by_id(root, "services-ranking")
    towns = [r.code for r in values.ranking("items_handled", "440882", "2026-10", ROOT)]
    assert [getattr(r, "data-code") for r in by_class(ranking, "ranking-row")] == towns
    assert all(h.startswith("/map?region=440882") and "indicator=items_handled" in h for h in links(ranking))


def test_thm004_services_rate_card_has_no_schedule_and_sentence_says_points(app):
    root = render(app, "services", "/services")
    card = with_attr(root, "data-indicator", "online_rate")
    assert "时间进度" not in text(card)
    sentence = text(with_attr(by_id(root, "services-summary"), "data-indicator", "online_rate"))
    change = values.yoy("online_rate", "440800", "2026-10", ROOT)
    assert change.kind == "pp"
    assert f"同比{'提高' if change.value > 0 else '降低'} {abs(change.value):.1f} 个百分点" in sentence


def _kiosk_figure(root):
    return next(n for n in walk(by_id(root, "services-kiosk-panel")) if hasattr(n, "figure")).figure


def test_thm010_services_city_root_maps_towns_not_villages(app):
    """At the city root the 粤智助 map draws the towns by coverage; villages are one drill away."""
    from data_access.regions import region_index

    root = render(app, "services", "/services")
    figure = _kiosk_figure(root)
    cells = next(t for t in figure["data"] if t["type"] == "choroplethmap")
    towns = {r.code for r in region_index().by_code.values() if r.level == 4 and ROOT.contains(r.code)}
    assert set(cells["locations"]) == towns  # every town, and nothing else: no village cell
    assert all(region_index().get(c).level == 4 for c in cells["locations"])
    assert cells["geojson"].endswith("?level=4")
    by_code = {
        v.code: v.value for v in values.descendant_values("kiosk_coverage", "440800", 4, "2026-10", ROOT)
    }
    assert list(cells["z"]) == pytest.approx([by_code[c] for c in cells["locations"]])
    lead = text(by_id(root, "services-kiosk-coverage"))
    villages = village_values("kiosks", "440800", "2026-10", ROOT)
    assert (
        f"已布设粤智助的村（社区）{sum(1 for v in villages if v.value):,} 个，共 {len(villages):,} 个" in lead
    )
    assert "湛江市各镇（街道）粤智助行政村覆盖率" in text(by_id(root, "services-kiosk-panel"))
    assert "点击镇（街道）查看其下各村（社区）的布设" in lead
    # A click on a town opens /map there with the coverage, which maps its villages.
    graph = next(n for n in walk(by_id(root, "services-kiosk-panel")) if hasattr(n, "figure"))
    town = cells["locations"][0]
    assert clicked_href(graph.id, {"points": [{"location": town}]}).startswith(f"/map?region={town[:9]}")
    # A county still maps its villages.
    county = _kiosk_figure(render(app, "services", "/services", region="440882"))
    cells = next(t for t in county["data"] if t["type"] == "choroplethmap")
    assert cells["locations"] and all(region_index().get(c).level == 5 for c in cells["locations"])


def test_thm011_kiosk_map_level_reads_at_every_level(app):
    """Province → cities, city → towns, county and town → villages, a village → its town's villages."""
    from data_access.theme_views import KIOSK_MAP_LEVEL, kiosk_map

    assert KIOSK_MAP_LEVEL == {1: 2, 2: 4, 3: 5, 4: 5, 5: 5}
    with app.test_request_context("/services"):
        town = kiosk_map("440882100", "2026-10", ROOT)
        village = kiosk_map(town.values[0].code, "2026-10", ROOT)
    assert (town.level, town.indicator, village.place.code) == (5, "kiosks", town.place.code)
    assert village.total == 1 and village.covered in (0, 1)


# --- 数字底座 ----------------------------------------------------------------------------------


def test_thm005_infrastructure_video_table_and_coverage(app):
    root = render(app, "infrastructure", "/infrastructure")
    own, kids = video_by_region("440800", ROOT)
    table = by_id(root, "infrastructure-video-table")
    rows = [n for n in walk(table) if getattr(n, "data-code", None)]
    assert [getattr(r, "data-code") for r in rows] == [k.code for k in kids] + [own.code]
    total = rows[-1]
    assert (
        text(total)
        == f"湛江市{own.cameras:,}{own.connected:,}{own.online:,}{own.online / own.cameras * 100:.1f}%"
    )
    assert sum(k.cameras for k in kids) == own.cameras
    # Coverage chart: one bar per level, city units first (drawn bottom-up, hence reversed).
    figure = next(n.figure for n in walk(by_id(root, "infrastructure-govnet")) if hasattr(n, "figure"))
    levels = network_coverage("440800", "2026-10", ROOT)
    assert figure["data"][0]["y"] == [r.label for r in levels][::-1]
    assert figure["data"][0]["x"] == [r.rate for r in levels][::-1]


def test_thm006_infrastructure_map_has_cameras_as_points(app):
    root = render(app, "infrastructure", "/infrastructure", region="440882")
    graph = next(n for n in walk(by_id(root, "infrastructure-video-map")) if hasattr(n, "figure"))
    kinds = [t.type for t in graph.figure.data]
    assert kinds.count("scattermap") == 2 and "choroplethmap" in kinds
    points = sum(len(t.lon) for t in graph.figure.data if t.type == "scattermap")
    own, _ = video_by_region("440882", ROOT)
    assert points <= own.cameras and points > 0
    assert all(t.mode == "markers" for t in graph.figure.data if t.type == "scattermap")  # no text glyphs
    assert graph.id == {"type": THEME_MAP, "indicator": "camera_online_rate", "period": "2026-10"}


def test_thm012_infrastructure_city_root_maps_rates_without_camera_points(app):
    """The city's cameras (thousands) are not points on one map: the counties' online rates are."""
    root = render(app, "infrastructure", "/infrastructure")
    graph = next(n for n in walk(by_id(root, "infrastructure-video-map")) if hasattr(n, "figure"))
    assert [t.type for t in graph.figure.data] == ["choroplethmap"]
    own, kids = video_by_region("440800", ROOT)
    assert set(graph.figure.data[0].locations) == {k.code for k in kids}  # the counties
    assert f"共有视频点位 {own.cameras:,} 个" in text(by_id(root, "infrastructure-camera"))


# --- 指标体系 ----------------------------------------------------------------------------------


def test_thm007_catalogue_lists_every_indicator_with_a_map_link(app):
    from data_access.indicators import list_indicators

    root = render(app, "indicators", "/indicators")
    rows = [n for n in walk(by_id(root, "indicators-table")) if getattr(n, "data-indicator", None)]
    every = list_indicators()
    assert [getattr(r, "data-indicator") for r in rows] == [i.code for i in every]
    gdp = rows[0]
    assert links(gdp) == ["/map?indicator=gdp"]
    assert "2026年第三季度" in text(gdp) and "100.0%（9/9）" in text(gdp)
    county = render(app, "indicators", "/indicators", region="440882")
    first = next(n for n in walk(county) if getattr(n, "data-indicator", None) == "gdp")
    assert links(first) == ["/map?region=440882&indicator=gdp"]


def test_thm008_catalogue_filter_callback(app):
    import pages.indicators as page

    with app.test_request_context("/indicators"):
        table, count = page._filter("infrastructure", "视频 点位", "?region=440800")
        codes = [getattr(n, "data-indicator") for n in walk(table) if getattr(n, "data-indicator", None)]
        assert codes and all(c.startswith("camera") for c in codes)
        assert count == f"共 {len(codes)} 项指标"
        table, count = page._filter("", "没有这个指标", "")
        assert count == "共 0 项指标" and "没有符合条件的指标" in text(table)


def test_thm009_village_pages_keep_only_what_is_collected_there(app):
    village = values.ranking("kiosks", "440882100", "2026-10", ROOT)[0].code
    root = render(app, "services", "/services", region=village)
    cards = [getattr(n, "data-indicator") for n in by_class(root, "kpi-card")]
    assert cards == ["kiosk_coverage", "kiosk_uses"]  # town-level service figures stop at the town
    infra = render(app, "infrastructure", "/infrastructure", region=village)
    assert [getattr(n, "data-indicator") for n in by_class(infra, "kpi-card")] == ["govnet_village_rate"]
    assert [r.label for r in network_coverage(village, "2026-10", ROOT)] == ["村（社区）"]
