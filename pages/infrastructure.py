"""数字底座 (``/infrastructure``): 政务外网 coverage, 一网共享 data sharing, video resources, accounts.

``?region=<code>`` (default: the scope's root) and ``?period=<YYYY-MM>`` (default: the as-of month).
Coverage and accounts come from indicators; data sharing and cameras from their own tables.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, callback, dcc, html

from components.choropleth import choropleth_figure
from components.export_menu import export_menu
from components.format import fmt_period, fmt_value, fmt_ytd_period
from components.notices import info_notice
from components.ranking import ranking_list
from components.theme_charts import camera_traces, coverage_bars, sharing_bars
from data_access.codes import short_code
from data_access.errors import CockpitError
from data_access.headlines import headline
from data_access.indicators import PAGE_INDICATORS
from data_access.infrastructure import (
    VideoCount,
    camera_points,
    network_coverage,
    sharing_by_department,
    sharing_by_month,
    video_by_region,
)
from data_access.periods import month_range
from data_access.theme_views import comparison_values
from data_access.values import ranking
from pages._cameras import camera_clicked, nearby_panels
from pages._theme_blocks import CHILD_WORDS, collected_at, headline_cards, summary_panel
from pages._theme_common import (
    THEME_MAP,
    PageContext,
    chart_panel,
    graph,
    guarded,
    map_graph,
    page_context,
    page_head,
    region_href,
)

PATH = "/infrastructure"
dash.register_page(__name__, path=PATH, name="数字底座", title="数字底座 · 百千万工程驾驶舱", order=13)

INDICATORS = PAGE_INDICATORS["infrastructure"]
SERVICES = "政务服务和数据管理局"
CAMERA_PANEL = "infrastructure-camera"
POINTS_FROM_LEVEL = 3  # cameras are drawn as points on the map of a county or below
MAP_FIT = (1400, 540)  # pixel size the camera map's view is fitted to (the desk's box)


def layout(region: str | None = None, period: str | None = None, radius: str | None = None, **_: str):
    """The page for a region and month (``radius``: km for 附近视频点位); errors become a message."""
    return guarded(lambda: _page(page_context(PATH, region, period), radius))


def _page(ctx: PageContext, radius: str | None = None) -> html.Div:
    codes = collected_at(INDICATORS, ctx.region.level)
    heads = [headline(code, ctx.region.code, ctx.month, ctx.scope, ytd=False) for code in codes]
    month = fmt_period(ctx.month)
    year_start = f"{ctx.month[:4]}-01"
    coverage = network_coverage(ctx.region.code, ctx.month, ctx.scope)
    by_month = sharing_by_month(ctx.region.code, ctx.scope, month_range(ctx.month, 12)[0], ctx.month)
    by_dept = sharing_by_department(ctx.region.code, ctx.scope, year_start, ctx.month)
    ytd = fmt_ytd_period(ctx.month)  # 2026年1—10月; January alone: 2026年1月
    code = short_code(ctx.region.code)
    return html.Div(
        [
            page_head(ctx, "数字底座"),
            headline_cards(ctx, heads),
            summary_panel(heads, ctx, "数字底座综述"),
            html.Div(
                [
                    chart_panel(
                        "政务外网接入情况（按层级）",
                        "%（已接入/应接入）",
                        month,
                        SERVICES,
                        graph(coverage_bars(coverage), height=260),
                        export=export_menu("govnet", code, None, ctx.month),
                        id="infrastructure-govnet",
                    ),
                    _accounts(ctx),
                    chart_panel(
                        "一网共享数据归集、回流、共享（按月）",
                        "万条",
                        f"{fmt_period(by_month[0].key) if by_month else month}—{month}",
                        SERVICES,
                        graph(sharing_bars(by_month, by_month=True), height=320),
                        wide=True,
                        export=export_menu("sharing-month", code, None, ctx.month),
                        id="infrastructure-sharing-month",
                    ),
                    chart_panel(
                        "一网共享数据（按部门，本年累计）",
                        "万条",
                        ytd,
                        SERVICES,
                        graph(sharing_bars(by_dept, by_month=False), height=max(300, 34 * len(by_dept) + 80)),
                        export=export_menu("sharing-dept", code, None, ctx.month),
                        id="infrastructure-sharing-dept",
                    ),
                    _video_table(ctx),
                    _video_map(ctx),
                    *nearby_panels(ctx, radius),
                ],
                className="theme-grid",
            ),
        ],
        className="page theme-page page-infrastructure",
        id="infrastructure-page",
    )


def _accounts(ctx: PageContext) -> html.Section:
    """Platform accounts of the counties (or of the region's siblings) as a ranking."""
    h = headline("platform_accounts", ctx.region.code, ctx.month, ctx.scope, ytd=False)
    try:
        parent, _ = comparison_values(h.code, ctx.region.code, ctx.month, ctx.scope)
        body = ranking_list(
            ranking(h.code, parent.code, h.period, ctx.scope),
            unit=h.unit,
            decimals=h.decimals,
            href=region_href(h.code, ctx.month),
            element_id="infrastructure-accounts",
        )
        title = f"{parent.name}{CHILD_WORDS.get(parent.level, '')}驾驶舱平台开通账号数"
        menu = export_menu("ranking", short_code(parent.code), h.code, ctx.month)
    except CockpitError as exc:
        body, title, menu = info_notice(str(exc)), "驾驶舱平台开通账号数", None
    return chart_panel(
        title,
        h.unit,
        fmt_period(h.period),
        h.source_dept,
        body,
        export=menu,
        id="infrastructure-accounts-panel",
    )


def _video_row(v: VideoCount, link: str | None) -> html.Tr:
    name = dcc.Link(v.name, href=link) if link else html.Strong(v.name)
    return html.Tr(
        [
            html.Td(name),
            html.Td(f"{v.cameras:,}"),
            html.Td(f"{v.connected:,}"),
            html.Td(f"{v.online:,}"),
            html.Td(fmt_value(v.online_rate, "%", 1)),
        ],
        **{"data-code": v.code},
    )


def _video_table(ctx: PageContext) -> html.Section:
    """Cameras, connected, online and online rate of the region and of each child."""
    own, kids = video_by_region(ctx.region.code, ctx.scope)
    link = region_href("camera_online_rate", ctx.month)
    head = html.Thead(html.Tr([html.Th(h) for h in ("地区", "点位数", "接入省平台", "在线", "在线率")]))
    rows = [_video_row(k, link(k.code)) for k in kids] + [_video_row(own, None)]
    table = html.Table([head, html.Tbody(rows)], className="theme-table", id="infrastructure-video-table")
    return chart_panel(
        f"{ctx.region.name}视频资源（按地区）",
        "个、%",
        "当前",
        SERVICES,
        html.Div(table, className="theme-scroll"),
        export=export_menu("cameras", short_code(ctx.region.code), None, ctx.month),
        id="infrastructure-video-panel",
    )


def _video_map(ctx: PageContext) -> html.Section:
    """The children coloured by camera online rate; from a county down every camera is a point
    (hover for details, click for its panel). A city or the province has too many cameras for one
    map (湛江 3,346, the province tens of thousands: 4 MB of JSON): its map shows the rates only."""
    from geo.prepare import get_layer
    from geo.serve import geojson_url, outline_url

    own, kids = video_by_region(ctx.region.code, ctx.scope)
    if not kids:
        return _video_panel(
            ctx, info_notice(f"{ctx.region.name}没有下级地区，共有视频点位 {own.cameras:,} 个。")
        )
    layer = get_layer(ctx.region.code)
    by_code = {k.code: k for k in kids}
    codes = [c for c in layer.codes if c in by_code]
    figure = choropleth_figure(
        geojson_url(ctx.region.code),
        codes,
        [by_code[c].name for c in codes],
        [by_code[c].online_rate for c in codes],
        unit="%",
        bounds=layer.bounds,
        outline=outline_url(ctx.region.code),
        schematic=layer.schematic,
        size=MAP_FIT,
        height=None,  # the graph's box sets it: 540 px on the desk, the height left on the wall
    )
    # The view is fitted to 1400×540 px; on the wall the box is smaller, and
    if ctx.region.level >= POINTS_FROM_LEVEL:
        figure.update_traces(showlegend=False)
        figure.add_traces(camera_traces(camera_points(ctx.region.code, ctx.scope)))
        figure.update_layout(
            showlegend=True, legend={"x": 0.01, "y": 0.98, "bgcolor": "rgba(255,255,255,0.8)"}
        )
        hint = "点击地图上的视频点位，查看点位信息和视频。"
    else:
        hint = (
            f"共有视频点位 {own.cameras:,} 个，地图按地区显示在线率；"
            "打开某县（市、区）的数字底座页面，可在地图上逐点查看。"
        )
    body = html.Div(
        [
            map_graph(figure, "camera_online_rate", ctx.month, height=540),
            html.Div(html.Div(hint, className="attention-empty"), id=CAMERA_PANEL, className="camera-panel"),
        ],
        className="camera-map",
    )
    points = ctx.region.level >= POINTS_FROM_LEVEL
    return _video_panel(ctx, body, points=points, mapped=points)


def _video_panel(
    ctx: PageContext, body: object, *, points: bool = True, mapped: bool = False
) -> html.Section:
    """``mapped``: the body is the map with every camera as a point (the panel then exports them)."""
    what = "视频点位分布与在线率（蓝点在线、红点离线）" if points else "视频点位在线率（按地区）"
    return chart_panel(
        f"{ctx.region.name}{what}",
        "%",
        "当前",
        SERVICES,
        body,
        # every point as data and as a picture: only where the map draws the points
        export=export_menu("camera-map", short_code(ctx.region.code), None, ctx.month) if mapped else None,
        wide=True,
        id="infrastructure-video-map",
    )


@callback(
    Output(CAMERA_PANEL, "children"),
    Input({"type": THEME_MAP, "indicator": "camera_online_rate", "period": ALL}, "clickData"),
    prevent_initial_call=True,
)
def _camera(clicks: list) -> object:
    """A click on a camera point: its panel (the id is checked against the scope on the server)."""
    click = dash.ctx.triggered[0].get("value") if dash.ctx.triggered else None
    return camera_clicked(click)
