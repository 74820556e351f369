"""基层治理 (``/governance``): 矛盾纠纷·码上办 — cases received and resolved, 小事不出村、大事不出镇.

KPIs of the month, the summary, the trend, ranking and map of a chosen indicator (default 化解率),
cases by type, and the open cases past their due date with the contact responsible. The figures
are the governance indicators (derived from the cases, see ``data_access.governance``); the type
breakdown and the overdue list read the cases themselves. ``?region=``, ``?period=`` and
``?indicator=`` as on /services.
"""

from __future__ import annotations

import dash
from dash import html

from components.export_menu import export_menu
from components.format import fmt_period
from components.governance import outcome_bars, overdue_table, type_bars
from components.walltop import wall_count
from data_access.codes import short_code
from data_access.governance import outcome_breakdown, overdue_cases, type_breakdown
from data_access.headlines import headline
from data_access.indicators import PAGE_INDICATORS
from data_access.reporting import reference_date
from pages._theme_blocks import (
    collected_at,
    detail_panels,
    headline_cards,
    indicator_choice,
    not_collected,
    summary_panel,
)
from pages._theme_common import PageContext, chart_panel, graph, guarded, page_context, page_head
from pages._views import map_href

PATH = "/governance"
dash.register_page(__name__, path=PATH, name="基层治理", title="基层治理 · 百千万工程驾驶舱", order=12.5)

INDICATORS = PAGE_INDICATORS["governance"]
CARDS = 6  # the first six are cards (one row, as on the other theme pages); all are in the summary
SOURCE = "市委政法委（综治中心）·矛盾纠纷码上办"
OVERDUE_SHOWN = 100
WALL_OVERDUE = 5  # overdue cases the wall screen lists (the most overdue; the count says how many)


def layout(region: str | None = None, period: str | None = None, indicator: str | None = None, **_: str):
    """The page for a region, month and detail indicator; errors become a message."""
    return guarded(lambda: _page(page_context(PATH, region, period), indicator))


def _page(ctx: PageContext, indicator: str | None) -> html.Div:
    codes = collected_at(INDICATORS, ctx.region.level)
    if not codes:
        return html.Div(
            [page_head(ctx, "基层治理"), not_collected(ctx, "基层治理")], className="page theme-page"
        )
    heads = [headline(code, ctx.region.code, ctx.month, ctx.scope, ytd=False) for code in codes]
    selected = indicator if indicator in codes else "dispute_resolution_rate"
    detail = next(h for h in heads if h.code == selected)
    return html.Div(
        [
            page_head(ctx, "基层治理"),
            headline_cards(ctx, heads[:CARDS]),
            summary_panel(heads, ctx, "基层治理综述"),
            indicator_choice(ctx, heads, selected),
            html.Div(
                detail_panels(ctx, detail, "governance"), className="theme-grid", id="governance-detail"
            ),
            html.Div([_outcomes(ctx), _types(ctx), _overdue(ctx)], className="theme-grid"),
        ],
        className="page theme-page page-governance",
        id="governance-page",
    )


def _menu(kind: str, ctx: PageContext, data_only: bool = False) -> html.Details:
    return export_menu(kind, short_code(ctx.region.code), None, ctx.month, data_only=data_only)


def _outcomes(ctx: PageContext) -> html.Section:
    rows = outcome_breakdown(ctx.region.code, ctx.month, ctx.scope)
    return chart_panel(
        "当月受理案件的化解层级与办理状态（小事不出村、大事不出镇）",
        "件",
        fmt_period(ctx.month),
        SOURCE,
        graph(outcome_bars(rows), height=330),
        export=_menu("governance-outcomes", ctx),
        id="governance-outcomes",
    )


def _types(ctx: PageContext) -> html.Section:
    rows = type_breakdown(ctx.region.code, ctx.month, ctx.scope)
    received, resolved = sum(r.received for r in rows), sum(r.resolved for r in rows)
    lead = html.Div(
        f"当月受理 {received:,} 件，截至数据时点已化解 {resolved:,} 件（按受理月份统计）。",
        className="theme-position",
        id="governance-types-total",
    )
    return chart_panel(
        "矛盾纠纷类型分布（当月受理）",
        "件",
        fmt_period(ctx.month),
        SOURCE,
        html.Div([lead, graph(type_bars(rows), height=300)]),
        export=_menu("governance-types", ctx),
        id="governance-types",
    )


def _overdue(ctx: PageContext) -> html.Section:
    from web.auth import can_see_phones  # the one switch: full numbers for leaders and admins

    reveal = can_see_phones()
    today = reference_date()
    stamp = f"截至 {today[:4]}年{int(today[5:7])}月{int(today[8:10])}日"
    cases = overdue_cases(ctx.region.code, ctx.scope, today, reveal)
    count = f"共 {len(cases):,} 件超过办理期限仍未办结" + (
        f"，显示逾期最久的 {OVERDUE_SHOWN} 件" if len(cases) > OVERDUE_SHOWN else ""
    )
    link = lambda code: map_href(short_code(code), "dispute_resolution_rate", ctx.month)  # noqa: E731
    body = html.Div(
        [
            html.Div(count, className="kpi-period", id="governance-overdue-count"),
            wall_count(WALL_OVERDUE, len(cases), "件", what="逾期最久的前"),
            html.Div(
                overdue_table(cases[:OVERDUE_SHOWN], reveal, link, wall_top=WALL_OVERDUE),
                style={"maxHeight": "360px", "overflowY": "auto"},
                className="governance-overdue-scroll",
            ),
        ]
    )
    return chart_panel(
        "逾期未办结案件",
        "件",
        stamp,
        SOURCE,
        body,
        wide=True,
        export=_menu("governance-overdue", ctx, data_only=True),
        id="governance-overdue",
    )
