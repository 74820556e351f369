"""经济运行 (``/economy``): year-to-date figures, 同比, targets, trends and county comparison.

``?region=<code>`` (default: the scope's root), ``?period=<YYYY-MM>`` (default: the as-of month)
and ``?indicator=<code>`` (the indicator of the detail section, default GDP).
"""

from __future__ import annotations

import dash
from dash import dcc, html

from components.format import fmt_period
from components.kpi import kpi_card, kpi_row
from components.notices import info_notice
from components.ranking import ranking_list
from data_access.errors import CockpitError
from data_access.indicators import get_indicator
from data_access.theme_views import Headline, comparison_values, headline
from data_access.values import ranking
from pages._theme_common import (
    THEME_INDICATOR,
    PageContext,
    chart_panel,
    graph,
    guarded,
    map_graph,
    page_context,
    page_head,
    period_text,
    region_href,
    summary_panel,
)
from pages._views import child_map, trend

PATH = "/economy"
dash.register_page(__name__, path=PATH, name="经济运行", title="经济运行 · 百千万工程驾驶舱", order=10)

INDICATORS = (
    "gdp",
    "industrial_va",
    "fixed_asset_investment",
    "retail_sales",
    "budget_revenue",
    "urban_income",
    "rural_income",
    "exports",
    "imports",
)


def layout(region: str | None = None, period: str | None = None, indicator: str | None = None, **_: str):
    """The page for a region, month and detail indicator; errors become a message."""
    return guarded(lambda: _page(page_context(PATH, region, period), indicator))


def _page(ctx: PageContext, indicator: str | None) -> html.Div:
    heads = [headline(code, ctx.region.code, ctx.month, ctx.scope) for code in INDICATORS]
    selected = indicator if indicator in INDICATORS else INDICATORS[0]
    picker = dcc.Dropdown(
        id={"type": THEME_INDICATOR, "path": PATH},
        options=[{"label": h.name, "value": h.code} for h in heads],
        value=selected,
        clearable=False,
        searchable=False,
        className="picker theme-indicator-picker",
    )
    detail = next(h for h in heads if h.code == selected)
    return html.Div(
        [
            page_head(ctx, "经济运行"),
            kpi_row([_card(h, ctx) for h in heads], element_id="economy-kpis"),
            summary_panel(heads, ctx, "经济运行综述"),
            html.Div(
                [html.Span("分析指标", className="picker-label"), picker],
                className="picker-group theme-detail-picker",
            ),
            html.Div(_detail(ctx, detail), className="theme-grid", id="economy-detail"),
        ],
        className="page theme-page",
        id="economy-page",
    )


def _card(h: Headline, ctx: PageContext) -> html.Div:
    return kpi_card(
        name=h.name,
        value=h.value,
        unit=h.unit,
        decimals=h.decimals,
        period_text=period_text(h),
        change=h.change,
        progress=h.progress,
        reported=h.reported,
        expected=h.expected,
        direction=h.direction,
        href=ctx.href(indicator=h.code),
        code=h.code,
    )


def _detail(ctx: PageContext, h: Headline) -> list:
    """Trend against last year, the comparison regions as a ranking and a map."""
    ind = get_indicator(h.code)
    when = fmt_period(h.period)
    panels = [
        chart_panel(
            f"{h.name}月度走势（与上年同期比较）"
            if ind.frequency == "month"
            else f"{h.name}走势（与上年同期比较）",
            h.unit,
            f"截至 {when}",
            h.source_dept,
            graph(trend(ind, ctx.region.code, ctx.month, ctx.scope), height=340),
            wide=True,
            id="economy-trend",
        )
    ]
    try:
        parent, values = comparison_values(h.code, ctx.region.code, ctx.month, ctx.scope)
    except CockpitError as exc:
        return [*panels, info_notice(str(exc))]
    level_word = "各县（市、区）" if parent.level == 2 else "各镇（街道）"
    ranked = ranking(h.code, parent.code, h.period, ctx.scope)
    link = region_href(h.code, ctx.month)
    panels.append(
        chart_panel(
            f"{parent.name}{level_word}{h.name}排名",
            h.unit,
            when,
            h.source_dept,
            ranking_list(ranked, unit=h.unit, decimals=h.decimals, href=link, element_id="economy-ranking"),
            id="economy-ranking-panel",
        )
    )
    figure = child_map(ind, parent, values, h.period, height=420, size=(700, 420))
    panels.append(
        chart_panel(
            f"{parent.name}{level_word}{h.name}分布（点击查看地图）",
            h.unit,
            when,
            h.source_dept,
            map_graph(figure, h.code, ctx.month),
            id="economy-map-panel",
        )
    )
    return panels
