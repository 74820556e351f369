"""Overview (总览): headline KPIs, the county map, ranking, trend and what needs attention.

The figures come from ``data_access`` for the scope of the request (``current_scope()``); the
callbacks only read the picked indicator, call :func:`indicator_panels` and return its parts.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html

from components.attention import attention_list
from components.export_menu import briefing_menu, export_menu
from components.format import fmt_period
from components.kpi import headline_card, kpi_row
from components.notices import demo_banner, error_notice, info_notice, source_note
from components.pickers import indicator_picker
from components.ranking import ranking_list
from data_access import store, values
from data_access.errors import CockpitError
from data_access.headlines import headline
from data_access.indicators import THEMES, list_indicators
from data_access.periods import period_for
from data_access.regions import get_region
from data_access.scope import Scope
from pages import _ids as ids
from pages import _views as views
from pages._views import ATTENTION_LIMIT, COMPLETENESS_ALERT, attention_items  # noqa: F401 - the page's names
from web.scope import current_scope

dash.register_page(__name__, path="/", name="总览", title="总览 · 百千万工程驾驶舱", order=0)


def indicator_panels(indicator: str | None, region: str, month: str, scope: Scope) -> dict[str, Any]:
    """The map figure, its title, the ranking and the trend for one indicator (callback logic)."""
    root = get_region(region, scope)
    ind = views.indicator_or_default(indicator, root.level, deepest=False)
    period = period_for(ind.frequency, month)
    title = f"{ind.name} · 各{_child_word(root)} · {fmt_period(period)}"
    if ind.lowest_level <= root.level:
        note = info_notice(
            f"「{ind.name}」只采集到{_level_word(ind.lowest_level)}，没有下级数据。请另选指标。"
        )
        return {
            "figure": {},
            "title": title,
            "ranking": note,
            "trend": views.trend(ind, region, month, scope),
            "map_style": {"display": "none"},
        }
    _, kids = values.children_values(ind.code, root.code, period, scope)
    ranked = values.ranking(ind.code, root.code, period, scope)
    return {
        "figure": views.child_map(ind, root, kids, size=(880, 500)),  # fills its box (desk or wall)
        "title": title,
        "ranking": ranking_list(
            ranked,
            unit=ind.unit,
            decimals=ind.decimals,
            href=lambda code: views.map_href(code, ind.code, month),
        ),
        "trend": views.trend(ind, region, month, scope),
        "map_style": {},
    }


def _child_word(region: Any) -> str:
    return {1: "市", 2: "县（市、区）", 3: "镇（街道）", 4: "村（社区）"}.get(region.level, "下级地区")


def _level_word(level: int) -> str:
    return {1: "省级", 2: "市级", 3: "县级", 4: "镇级", 5: "村级"}.get(level, f"{level}级")


def layout(indicator: str | None = None, **_query: str) -> html.Div:
    """The overview for the scope's root region at the store's as-of month."""
    scope = current_scope()
    try:
        month = views.as_of_month(scope)
        if month is None:
            return html.Div(
                info_notice(
                    "指标库中还没有数据。请先运行 cockpit demo 生成演示数据，或导入数据。", title="暂无数据"
                ),
                className="page",
            )
        root = get_region(scope.root, scope)
        headlines = [headline(i.code, root.code, month, scope) for i in views.headline_indicators()]
        picked = views.indicator_or_default(indicator, root.level, deepest=False)
    except CockpitError as exc:
        return html.Div(error_notice(str(exc)), className="page", id=ids.OVERVIEW_MESSAGE)
    demo = store.get_meta("demo") == "1"
    picker_inds = [i for i in list_indicators() if i.lowest_level > root.level]
    return html.Div(
        [
            demo_banner() if demo else None,
            html.Div(
                [
                    html.H2(f"{root.name} · 总览", className="page-title"),
                    html.Span(f"数据期：{fmt_period(month)}", className="panel-sub"),
                    briefing_menu("overview", root.code, month, element_id="briefing-menu"),
                ],
                className="page-head",
            ),
            kpi_row(
                [headline_card(h, views.map_href(root.code, h.code)) for h in headlines],
                element_id=ids.OVERVIEW_KPIS,
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.H3(id=ids.OVERVIEW_MAP_TITLE, className="panel-title"),
                                    indicator_picker(
                                        ids.OVERVIEW_INDICATOR, picker_inds, THEMES, picked.code
                                    ),
                                    html.Span(id=ids.OVERVIEW_EXPORTS[0]),
                                ],
                                className="picker-row",
                            ),
                            dcc.Graph(
                                id=ids.OVERVIEW_MAP,
                                className="map-graph",
                                style={"height": "500px"},
                                config={
                                    "displaylogo": False,
                                    "scrollZoom": False,
                                    "modeBarButtonsToRemove": ["toImage"],
                                },
                            ),
                            source_note(
                                "点击地区进入下钻地图",
                                "颜色越深表现越好" if picked.direction > 0 else "",
                                "演示数据" if demo else "",
                            ),
                        ],
                        className="panel",
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.H3(
                                        ["排名", html.Span(id=ids.OVERVIEW_EXPORTS[1])],
                                        className="panel-title",
                                    ),
                                    html.Div(id=ids.OVERVIEW_RANKING),
                                ],
                                className="panel",
                            ),
                            html.Div(
                                [
                                    html.H3(
                                        [
                                            "需关注",
                                            export_menu("attention", root.code, None, month, data_only=True),
                                        ],
                                        className="panel-title",
                                    ),
                                    attention_list(
                                        attention_items(root.code, month, scope),
                                        element_id=ids.OVERVIEW_ATTENTION,
                                    ),
                                ],
                                className="panel",
                            ),
                            html.Div(
                                [
                                    html.H3(
                                        [
                                            "近 24 个月走势（与上年同期对比）",
                                            html.Span(id=ids.OVERVIEW_EXPORTS[2]),
                                        ],
                                        className="panel-title",
                                    ),
                                    dcc.Graph(
                                        id=ids.OVERVIEW_TREND,
                                        style={"height": "200px"},
                                        config={"displayModeBar": False},
                                    ),
                                ],
                                className="panel",
                            ),
                        ],
                        className="overview-side",
                    ),
                ],
                className="overview-grid",
            ),
        ],
        className="page page-overview",
    )


@callback(
    Output(ids.OVERVIEW_MAP, "figure"),
    Output(ids.OVERVIEW_MAP_TITLE, "children"),
    Output(ids.OVERVIEW_RANKING, "children"),
    Output(ids.OVERVIEW_TREND, "figure"),
    Output(ids.OVERVIEW_MAP, "style"),
    Input(ids.OVERVIEW_INDICATOR, "value"),
)
def _show_indicator(indicator: str | None):
    scope = current_scope()
    try:
        month = views.as_of_month(scope)
        panels = indicator_panels(indicator, scope.root, month, scope)
    except CockpitError as exc:
        return {}, "无法显示", error_notice(str(exc)), {}, {"display": "none"}
    style = {"height": "500px", **panels["map_style"]}
    return panels["figure"], panels["title"], panels["ranking"], panels["trend"], style


@callback(
    Output(ids.URL, "href"),
    Input(ids.OVERVIEW_MAP, "clickData"),
    State(ids.OVERVIEW_INDICATOR, "value"),
    prevent_initial_call=True,
)
def _drill_from_overview(click: dict | None, indicator: str | None):
    """A click on a county opens the drill-down map there."""
    if not click or not click.get("points"):
        return dash.no_update
    code = click["points"][0].get("location")
    return views.map_href(code, indicator) if code else dash.no_update


@callback(
    *(Output(holder, "children") for holder in ids.OVERVIEW_EXPORTS),
    Input(ids.OVERVIEW_INDICATOR, "value"),
)
def _export_menus(indicator: str | None):
    """The export menus of the map, ranking and trend for the indicator picked."""
    scope = current_scope()
    try:
        month = views.as_of_month(scope)
        root = get_region(scope.root, scope)
        ind = views.indicator_or_default(indicator, root.level, deepest=False)
    except CockpitError:
        return None, None, None
    if month is None:
        return None, None, None
    return tuple(export_menu(kind, root.code, ind.code, month) for kind in ("map", "ranking", "trend"))
