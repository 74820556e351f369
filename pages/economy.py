"""经济运行 (``/economy``): year-to-date figures, 同比, targets, trends and county comparison.

``?region=<code>`` (default: the scope's root), ``?period=<YYYY-MM>`` (default: the as-of month)
and ``?indicator=<code>`` (the indicator of the detail section, default GDP).
"""

from __future__ import annotations

import dash
from dash import html

from data_access.headlines import headline
from data_access.indicators import PAGE_INDICATORS
from pages._theme_blocks import (
    collected_at,
    detail_panels,
    headline_cards,
    indicator_choice,
    not_collected,
    summary_panel,
)
from pages._theme_common import PageContext, guarded, page_context, page_head

PATH = "/economy"
dash.register_page(__name__, path=PATH, name="经济运行", title="经济运行 · 百千万工程驾驶舱", order=10)

INDICATORS = PAGE_INDICATORS["economy"]


def layout(region: str | None = None, period: str | None = None, indicator: str | None = None, **_: str):
    """The page for a region, month and detail indicator; errors become a message."""
    return guarded(lambda: _page(page_context(PATH, region, period), indicator))


def _page(ctx: PageContext, indicator: str | None) -> html.Div:
    codes = collected_at(INDICATORS, ctx.region.level)
    if not codes:
        return html.Div(
            [page_head(ctx, "经济运行"), not_collected(ctx, "经济运行")], className="page theme-page"
        )
    heads = [headline(code, ctx.region.code, ctx.month, ctx.scope) for code in codes]
    selected = indicator if indicator in codes else codes[0]
    detail = next(h for h in heads if h.code == selected)
    return html.Div(
        [
            page_head(ctx, "经济运行"),
            headline_cards(ctx, heads),
            summary_panel(heads, ctx, "经济运行综述"),
            indicator_choice(ctx, heads, selected),
            html.Div(detail_panels(ctx, detail, "economy"), className="theme-grid", id="economy-detail"),
        ],
        className="page theme-page page-economy",
        id="economy-page",
    )
