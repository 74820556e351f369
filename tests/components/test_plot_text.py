"""Store text in plotly figures is never markup: one escape (``components.format.plot_text``)."""

from __future__ import annotations

import json

import orjson
import pytest
from sqlalchemy import update

from components.choropleth import LAYER_NAME, choropleth_figure, map_figure
from components.format import plot_text
from components.theme_charts import camera_traces, sharing_bars
from components.trend import trend_figure
from data_access import store
from data_access.schema import region
from tests.geo.conftest import LEIZHOU, ZHANJIANG, zhanjiang  # noqa: F401 - fixture

EVIL = '<a href="https://evil.example/">雷州</a>'
ESCAPED = '&lt;a href="https://evil.example/"&gt;雷州&lt;/a&gt;'


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("雷州市", "雷州市"),
        (EVIL, ESCAPED),
        ("A&B <b>x</b>", "A&amp;B &lt;b&gt;x&lt;/b&gt;"),
        ("50%{y}", "50&#37;{y}"),
        (None, ""),
    ],
)
def test_esc001_plot_text(raw, shown):
    assert plot_text(raw) == shown


def test_esc002_names_units_and_titles_in_the_map_figure_are_escaped():
    args = ("/geo/440800000000.geojson", ["440882000000", "440881000000"], [EVIL, "廉江市"], [1.0, None])
    fig = map_figure(*args, unit="<b>元</b>", bounds=(109.6, 20.2, 110.9, 21.9), layer_names=False)
    text = json.dumps(fig, ensure_ascii=False)
    assert "<a href" not in text and "<b>元" not in text
    (values,) = (t for t in fig["data"] if "customdata" in t)
    assert values["text"] == [ESCAPED] and values["customdata"] == ["1.0 &lt;b&gt;元&lt;/b&gt;"]
    titled = choropleth_figure(*args, unit="元", bounds=(109.6, 20.2, 110.9, 21.9), title=EVIL)
    assert titled.layout.title.text == ESCAPED


def test_esc003_layer_hover_name_is_escaped_and_the_map_reads_it(zhanjiang):  # noqa: F811
    from geo.prepare import get_layer

    with store.engine().begin() as conn:
        conn.execute(update(region).where(region.c.code == LEIZHOU).values(name=EVIL))
        store.bump_version(conn)
    layer = get_layer(ZHANJIANG, None)
    props = {f["properties"]["code"]: f["properties"] for f in orjson.loads(layer.body)["features"]}
    assert props[LEIZHOU]["hover"] == ESCAPED and props[LEIZHOU]["name"] == EVIL
    assert "properties.hover" in LAYER_NAME
    hover = map_figure("/geo/x.geojson", [LEIZHOU], [EVIL], [3.0], unit="元", bounds=(109, 20, 111, 22))
    template = hover["layout"]["template"]["data"]["choroplethmap"][0]["hovertemplate"]
    assert LAYER_NAME in template and "properties.name" not in template


def test_esc004_other_charts_escape_store_text():
    trend = trend_figure([("2026-01", 1.0)], name=EVIL, unit="元", periods=["2026-01"])
    bars = sharing_bars(
        [type("R", (), {"key": EVIL, "collected": 1, "returned": 1, "shared": 1})()], by_month=False
    )
    point = type(
        "P",
        (),
        {"location": EVIL, "camera_id": "c<1>", "lon": 1, "lat": 2, "online": True, "connected": True},
    )
    cams = camera_traces([point()])
    for figure in (trend, bars, {"data": cams}):
        assert "<a href" not in json.dumps(figure, ensure_ascii=False)
    assert trend["data"][1]["name"] == ESCAPED


def test_esc005_briefing_figures_escape_store_text():
    from briefing.panels import _note, ranking_figure

    bars = ranking_figure([(EVIL, 1.0), ("廉江市", 2.0)], "亿元", 2)
    assert bars["data"][0]["y"][-1] == ESCAPED
    assert _note(EVIL, 1, "top", 20, "#000", xshift=0, yshift=0, bold=True)["text"] == f"<b>{ESCAPED}</b>"
    assert "<a href" not in json.dumps(bars, ensure_ascii=False)


def test_esc006_camera_layer_hover_shows_escaped_ids_and_clicks_send_the_raw_ones():
    from components.cameras import camera_layer

    def point(cid: str, online: bool) -> object:
        fields = {"camera_id": cid, "location": EVIL, "lon": 110.123456, "lat": 20.9, "online": online}
        return type("P", (), {**fields, "connected": True})()

    plain, odd = camera_layer([point("4408820001", True)]), camera_layer([point('c<a href="x">', False)])
    assert plain[0]["customdata"] == ["4408820001"] and "text" not in plain[0]
    assert "%{customdata}" in plain[0]["hovertemplate"] and plain[0]["lon"] == [110.12346]
    assert odd[0]["customdata"] == ['c<a href="x">']  # what a click sends back: the id itself
    assert odd[0]["text"] == ['c&lt;a href="x"&gt;'] and "%{text}" in odd[0]["hovertemplate"]
    assert EVIL not in json.dumps(plain + odd, ensure_ascii=False)  # the place is not sent at all
