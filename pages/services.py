"""政务服务 (``/services``): items handled, online and on-the-spot rates, satisfaction, 粤智助.

Monthly figures for the region with 同比, trends and rankings by county and town, and the 粤智助
kiosks mapped as village cells. ``?region=``, ``?period=`` and ``?indicator=`` as on /economy.
"""

from __future__ import annotations

import dash
from dash import html

from components.choropleth import choropleth_figure
from components.export_menu import export_menu
from components.format import fmt_period, fmt_value
from data_access.codes import short_code
from data_access.headlines import Headline, headline
from data_access.indicators import PAGE_INDICATORS
from data_access.theme_views import kiosk_map
from pages._theme_blocks import (
    collected_at,
    detail_panels,
    headline_cards,
    indicator_choice,
    not_collected,
    summary_panel,
)
from pages._theme_common import PageContext, chart_panel, guarded, map_graph, page_context, page_head

PATH = "/services"
dash.register_page(__name__, path=PATH, name="政务服务", title="政务服务 · 百千万工程驾驶舱", order=11)

INDICATORS = PAGE_INDICATORS["services"]
LEVEL_WORDS = {2: "地市", 3: "县（市、区）", 4: "镇（街道）"}
DRILL_WORDS = {2: "逐级查看到各村（社区）", 3: "查看其下各镇、村", 4: "查看其下各村（社区）的布设"}
CHILD_WORDS_AT = {2: "各市", 3: "各县（市、区）", 4: "各镇（街道）"}


def layout(region: str | None = None, period: str | None = None, indicator: str | None = None, **_: str):
    """The page for a region, month and detail indicator; errors become a message."""
    return guarded(lambda: _page(page_context(PATH, region, period), indicator))


def _page(ctx: PageContext, indicator: str | None) -> html.Div:
    codes = collected_at(INDICATORS, ctx.region.level)
    if not codes:
        return html.Div(
            [page_head(ctx, "政务服务"), not_collected(ctx, "政务服务")], className="page theme-page"
        )
    heads = [headline(code, ctx.region.code, ctx.month, ctx.scope, ytd=False) for code in codes]
    selected = indicator if indicator in codes else codes[0]
    detail = next(h for h in heads if h.code == selected)
    coverage = next(h for h in heads if h.code == "kiosk_coverage")
    return html.Div(
        [
            page_head(ctx, "政务服务"),
            headline_cards(ctx, heads),
            summary_panel(heads, ctx, "政务服务综述"),
            indicator_choice(ctx, heads, selected),
            html.Div(detail_panels(ctx, detail, "services"), className="theme-grid", id="services-detail"),
            html.Div(_kiosk_map(ctx, coverage), className="theme-grid"),
        ],
        className="page theme-page page-services",
        id="services-page",
    )


def _kiosk_map(ctx: PageContext, coverage: Headline) -> html.Section:
    """粤智助 at the level that reads: the province's cities or a city's towns coloured by
    coverage, a county's or town's villages by their kiosks (0 = not covered)."""
    from geo.prepare import get_layer
    from geo.serve import geojson_url, outline_url

    view = kiosk_map(ctx.region.code, ctx.month, ctx.scope)
    place = view.place
    level = None if view.level == place.level + 1 else view.level  # children: the layer /map uses too
    layer = get_layer(place.code, level)
    by_code = {v.code: v for v in view.values}
    codes = [c for c in layer.codes if c in by_code]
    villages = view.level == 5
    unit = "台" if villages else "%"
    figure = choropleth_figure(
        geojson_url(place.code, level),
        codes,
        [by_code[c].name for c in codes],
        [by_code[c].value for c in codes],
        unit=unit,
        bounds=layer.bounds,
        outline=outline_url(place.code),
        schematic=layer.schematic,
        decimals=0 if villages else 1,
        size=(1400, 520),
        height=520,
    )
    share = fmt_value(coverage.value, "%", 1)
    counts = (
        f"已布设粤智助的村（社区）{_count(view.covered)} 个，共 {_count(view.total)} 个，覆盖率 {share}；"
    )
    how = (
        "颜色越深自助机越多，最浅为未布设。"
        if villages
        else f"颜色越深覆盖率越高；点击{LEVEL_WORDS[view.level]}{DRILL_WORDS[view.level]}。"
    )
    lead = html.Div(counts + how, className="theme-position", id="services-kiosk-coverage")
    what = "各村（社区）粤智助自助机布设" if villages else f"{CHILD_WORDS_AT[view.level]}粤智助行政村覆盖率"
    indicator = "kiosk_coverage"
    return chart_panel(
        f"{place.name if villages else ctx.region.name}{what}",
        unit,
        fmt_period(ctx.month),
        "政务服务和数据管理局",
        html.Div([lead, map_graph(figure, indicator, ctx.month, height=520)]),
        wide=True,
        export=export_menu("kiosks", short_code(ctx.region.code), None, ctx.month),
        id="services-kiosk-panel",
        **{"data-level": str(view.level)},
    )


def _count(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"
