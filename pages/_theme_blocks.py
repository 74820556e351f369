"""Blocks of the theme pages built from ``headlines.Headline``: summary, indicator choice, details.

Not a page. Each function takes resolved data and returns components; see ``_theme_common``.
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from components.export_menu import export_menu
from components.format import fmt_period, fmt_rank
from components.kpi import headline_card, kpi_row
from components.notices import info_notice, source_note
from components.ranking import ranking_list
from components.summary import headline_sentence, region_phrase
from components.walltop import mark_beyond, wall_count
from data_access.codes import short_code
from data_access.errors import CockpitError
from data_access.headlines import Headline
from data_access.indicators import get_indicator
from data_access.scope import Scope
from data_access.theme_views import comparison_values
from data_access.values import rank_among_siblings, ranking
from pages._theme_common import THEME_INDICATOR, PageContext, chart_panel, graph, map_graph, region_href
from pages._views import child_map, trend

CHILD_WORDS = {1: "各市", 2: "各县（市、区）", 3: "各镇（街道）", 4: "各村（社区）"}
WALL_RANKING = 10  # rows of a ranking the wall screen shows (the rest: 前 10 / 共 N 个)


def collected_at(codes: Sequence[str], level: int) -> list[str]:
    """The indicators among ``codes`` collected at ``level`` or below (others have no figure there)."""
    return [c for c in codes if get_indicator(c).lowest_level >= level]


def not_collected(ctx: PageContext, theme: str) -> html.Div:
    """Said instead of empty cards when none of a theme's indicators reaches the region's level."""
    up = ctx.href(region=short_code(ctx.region.parent)) if ctx.region.parent else None
    message = f"{theme}指标不采集到{ctx.region.name}这一级。"
    return html.Div(
        [info_notice(message), dcc.Link("查看上一级", href=up, className="button") if up else None],
        className="theme-none",
        id=f"{ctx.path.strip('/')}-none",
    )


def sentence(h: Headline, scope: Scope) -> str:
    """The plain-Chinese summary sentence of a headline (comparison with the parent if any)."""
    return headline_sentence(h, scope.root)


def summary_panel(headlines: Sequence[Headline], ctx: PageContext, title: str) -> html.Section:
    """The summary sentences, one per indicator."""
    items = [html.Li(sentence(h, ctx.scope), **{"data-indicator": h.code}) for h in headlines]
    sources = "、".join(dict.fromkeys(h.source_dept for h in headlines if h.source_dept))
    return html.Section(
        [
            html.H3(title, className="panel-title"),
            html.Ul(items, className="theme-summary", id=f"{ctx.path.strip('/')}-summary"),
            source_note(f"截至 {fmt_period(ctx.month)}", f"数据来源：{sources}" if sources else ""),
        ],
        className="panel theme-summary-panel",
    )


def headline_cards(ctx: PageContext, heads: Sequence[Headline]) -> html.Div:
    """The KPI cards; a card's name selects its indicator for the detail panels of the same page."""
    cards = [headline_card(h, ctx.href(indicator=h.code)) for h in heads]
    return kpi_row(cards, element_id=f"{ctx.path.strip('/')}-kpis")


def indicator_choice(ctx: PageContext, heads: Sequence[Headline], selected: str) -> html.Div:
    """The dropdown that picks the indicator of the detail panels (writes ``?indicator=``)."""
    return html.Div(
        [
            html.Span("分析指标", className="picker-label"),
            dcc.Dropdown(
                id={"type": THEME_INDICATOR, "path": ctx.path, "shown": selected},
                options=[{"label": h.name, "value": h.code} for h in heads],
                value=selected,
                clearable=False,
                searchable=False,
                className="picker",
            ),
        ],
        className="picker-group theme-detail-picker",
    )


def detail_panels(ctx: PageContext, h: Headline, page: str) -> list:
    """Trend against last year, then the comparison regions as a ranking and as a map."""
    ind = get_indicator(h.code)
    when = fmt_period(h.period)
    title = f"{h.name}{'月度' if ind.frequency == 'month' else ''}走势（与上年同期比较）"
    panels: list = [
        chart_panel(
            title,
            h.unit,
            f"截至 {when}",
            h.source_dept,
            graph(trend(ind, ctx.region.code, ctx.month, ctx.scope), height=340),
            wide=True,
            export=export_menu("trend", short_code(ctx.region.code), h.code, ctx.month),
            id=f"{page}-trend",
        )
    ]
    try:
        parent, values = comparison_values(h.code, ctx.region.code, ctx.month, ctx.scope)
    except CockpitError as exc:
        return [*panels, info_notice(str(exc))]
    words = CHILD_WORDS.get(parent.level, "下级地区")
    ranked = ranking(h.code, parent.code, h.period, ctx.scope)
    position = []
    if parent.code != ctx.region.code:
        rank = rank_among_siblings(h.code, ctx.region.code, h.period, ctx.scope)
        where = region_phrase(parent.name, parent.level, parent.kind, is_root=parent.code == ctx.scope.root)
        position = [
            html.Div(
                f"{ctx.region.name}位列{fmt_rank(*rank, where=where)}" if rank else "",
                className="theme-position",
            )
        ]
    link = region_href(h.code, ctx.month)
    ranks = ranking_list(ranked, unit=h.unit, decimals=h.decimals, href=link, element_id=f"{page}-ranking")
    mark_beyond(ranks.children, WALL_RANKING)
    panels.append(
        chart_panel(
            f"{parent.name}{words}{h.name}排名",
            h.unit,
            when,
            h.source_dept,
            html.Div([*position, wall_count(WALL_RANKING, len(ranked), "个"), ranks]),
            export=export_menu("ranking", short_code(parent.code), h.code, ctx.month),
            id=f"{page}-ranking-panel",
        )
    )
    figure = child_map(ind, parent, values, h.period, height=420, size=(700, 420))
    panels.append(
        chart_panel(
            f"{parent.name}{words}{h.name}分布（点击地区查看详情）",
            h.unit,
            when,
            h.source_dept,
            map_graph(figure, h.code, ctx.month),
            export=export_menu("map", short_code(parent.code), h.code, ctx.month),
            id=f"{page}-map-panel",
        )
    )
    return panels
