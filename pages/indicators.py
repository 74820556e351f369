"""指标体系 (``/indicators``): the catalogue with metadata, latest period and reporting coverage.

Filterable by theme and searchable (the callback only filters the rows ``catalogue_view`` gives);
each indicator links to its map. ``?region=`` and ``?period=`` as on the other theme pages: the
coverage counts the indicator's period for the chosen month under the region.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
from dash import Input, Output, State, callback, dcc, html

from components.count_list import count_list
from components.format import fmt_period
from components.notices import error_notice, source_note
from data_access.catalogue_view import CatalogueRow, catalogue_rows, filter_rows, lowest_coverage, summarise
from data_access.codes import short_code
from data_access.errors import CockpitError
from data_access.forms import task_fields
from data_access.indicators import THEMES
from data_access.periods import FREQUENCY_NAMES
from data_access.regions import LEVEL_NAMES
from data_access.reporting import tasks
from pages import _ids as ids
from pages._theme_common import PageContext, guarded, page_context, page_head
from pages._views import map_href

PATH = "/indicators"
dash.register_page(__name__, path=PATH, name="指标体系", title="指标体系 · 百千万工程驾驶舱", order=15)

THEME_FILTER = "indicators-theme"
SEARCH = "indicators-search"
TABLE = "indicators-table"
COUNT = "indicators-count"
TASKS = "indicators-tasks"
WALL = "indicators-wall"
WALL_ROWS = 8  # the wall shows the indicators with the lowest coverage, not the whole catalogue
HEADERS = (
    "指标（定义）",
    "主题",
    "单位",
    "来源部门",
    "频度",
    "汇总方式",
    "最低采集",
    "最新数据期",
    "报送覆盖",
)


def layout(region: str | None = None, period: str | None = None, **_: str):
    """The catalogue for a region and month; errors become a message."""
    return guarded(lambda: _page(page_context(PATH, region, period)))


def _page(ctx: PageContext) -> html.Div:
    rows = catalogue_rows(ctx.region.code, ctx.scope, ctx.month)
    filters = html.Div(
        [
            html.Span("主题", className="picker-label"),
            dcc.Dropdown(
                id=THEME_FILTER,
                options=[{"label": "全部主题", "value": ""}]
                + [{"label": name, "value": code} for code, name in THEMES.items()],
                value="",
                clearable=False,
                searchable=False,
                className="picker",
                style={"minWidth": "180px"},
            ),
            dcc.Input(
                id=SEARCH,
                type="search",
                placeholder="搜索指标名称、代码、定义或部门",
                debounce=False,
                value="",
            ),
            html.Span(f"共 {len(rows)} 项指标", id=COUNT, className="catalogue-count"),
        ],
        className="catalogue-filters",
    )
    return html.Div(
        [
            page_head(ctx, "指标体系"),
            html.Section(
                [
                    filters,
                    html.Div(catalogue_table(rows, ctx.region.code, ctx.is_root), id=TABLE),
                    source_note(
                        f"报送覆盖：{ctx.region.name}应报单位中已报送的比例，按 {fmt_period(ctx.month)} 对应的统计期计算",
                        "点击指标名称查看地图",
                    ),
                ],
                className="panel wall-hide",
            ),
            task_panel(),
            wall_summary(rows, ctx),
        ],
        className="page theme-page page-indicators",
        id="indicators-page",
    )


def wall_summary(rows: list[CatalogueRow], ctx: PageContext) -> html.Div:
    """The catalogue on the wall (大屏): counts per theme, level and source, and the indicators
    with the lowest reporting coverage (共 N 项); shown instead of the table on the wall (``.wall-only``)."""
    summary = summarise(rows)
    low = lowest_coverage(rows, WALL_ROWS)
    counts = [
        ("按主题", summary.by_theme, f"{len(summary.by_theme)} 个主题"),
        ("按最低采集层级", summary.by_level, "指标采集到的最低一级"),
        ("按来源部门", summary.by_source, f"{len(summary.by_source)} 个部门"),
    ]
    panels = [
        html.Section(
            [
                html.H3([title, html.Span(sub, className="panel-sub")], className="panel-title"),
                count_list(items, unit="项"),
            ],
            className="panel indicators-wall-counts",
        )
        for title, items, sub in counts
    ]
    head = ("指标", "主题", "单位", "来源部门", "频度", "最新数据期", "报送覆盖")
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(h, className="num" if h == "报送覆盖" else None) for h in head])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(
                                dcc.Link(
                                    r.name,
                                    href=map_href(
                                        None if ctx.is_root else short_code(ctx.region.code), r.code
                                    ),
                                )
                            ),
                            html.Td(r.theme_name),
                            html.Td(r.unit),
                            html.Td(r.source_dept),
                            html.Td(r.frequency_name),
                            html.Td(fmt_period(r.latest_period) if r.latest_period else "暂无数据"),
                            html.Td(_coverage(r), className="num"),
                        ],
                        **{"data-wall-indicator": r.code},
                    )
                    for r in low
                ]
                or [html.Tr(html.Td("没有需要报送的指标", colSpan=len(head)))]
            ),
        ],
        className="theme-table catalogue-table",
    )
    counted = f"报送齐全 {summary.complete} 项，未齐 {summary.incomplete} 项" if low else "本级没有应报指标"
    return html.Div(
        [
            html.Div(panels, className="indicators-wall-grid"),
            html.Section(
                [
                    html.H3(
                        [
                            f"{ctx.region.name}指标报送覆盖",
                            html.Span(
                                f"共 {summary.total} 项指标，{counted}；按报送覆盖由低到高列前 {len(low)} 项",
                                className="panel-sub",
                                id=f"{WALL}-count",
                            ),
                        ],
                        className="panel-title",
                    ),
                    table,
                    source_note(
                        f"报送覆盖：应报单位中已报送的比例，按 {fmt_period(ctx.month)} 对应的统计期计算",
                        "完整目录见桌面模式",
                    ),
                ],
                className="panel indicators-wall-low",
            ),
        ],
        className="wall-only indicators-wall",
        id=WALL,
    )


def task_panel() -> html.Section:
    """报表任务: each task with its level, frequency, due day and fields (the forms units fill)."""
    rows = []
    for t in tasks():
        fields = [
            html.Span(f"{f.name}（{f.unit}）" if f.unit else f"{f.name}（文字）", className="task-field")
            for f in task_fields(t.code)
        ]
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            dcc.Link(t.name, href=f"/report?task={t.code}"),
                            html.Span(t.code, className="panel-sub"),
                        ]
                    ),
                    html.Td(t.department),
                    html.Td(LEVEL_NAMES.get(t.level, "")),
                    html.Td(FREQUENCY_NAMES.get(t.frequency, t.frequency)),
                    html.Td(f"次月 {t.due_day} 日"),
                    html.Td(fields or "—", className="task-fields"),
                ],
                **{"data-task": t.code},
            )
        )
    head = html.Thead(
        html.Tr([html.Th(h) for h in ("报表任务", "部门", "填报单位", "频度", "截止", "填报字段")])
    )
    return html.Section(
        [
            html.H3("报表任务", className="panel-title"),
            html.Table([head, html.Tbody(rows)], className="theme-table catalogue-table", id=TASKS),
            source_note("比率指标不作为填报字段，由分子、分母计算得出", "点击任务名称在线填报"),
        ],
        className="panel wall-hide",
    )


def catalogue_table(rows: list[CatalogueRow], region: str, is_root: bool) -> html.Table:
    """One row per indicator; the name links to ``/map?indicator=<code>`` (and the region if not root)."""
    head = html.Thead(html.Tr([html.Th(h, className="num" if h == "报送覆盖" else None) for h in HEADERS]))
    body = [_row(r, None if is_root else short_code(region)) for r in rows]
    if not body:
        body = [html.Tr(html.Td("没有符合条件的指标", colSpan=len(HEADERS)))]
    return html.Table([head, html.Tbody(body)], className="theme-table catalogue-table")


def _coverage(r: CatalogueRow) -> str:
    if not r.expected:
        return "本级不采集"
    return f"{r.coverage:.1f}%（{r.reported}/{r.expected}）" if r.coverage is not None else "—"


def _row(r: CatalogueRow, region: str | None) -> html.Tr:
    name = html.Div(
        [
            dcc.Link(r.name, href=map_href(region, r.code), className="catalogue-name"),
            html.Span(r.code, className="panel-sub"),
            html.Div(r.definition, className="definition"),
        ]
    )
    latest = fmt_period(r.latest_period) if r.latest_period else "暂无数据"
    cells = [
        r.theme_name,
        r.unit,
        r.source_dept,
        r.frequency_name,
        r.aggregation_name,
        r.lowest_level_name,
        latest,
    ]
    return html.Tr(
        [html.Td(name), *[html.Td(c) for c in cells], html.Td(_coverage(r), className="num")],
        **{"data-indicator": r.code},
    )


@callback(
    Output(TABLE, "children"),
    Output(COUNT, "children"),
    Input(THEME_FILTER, "value"),
    Input(SEARCH, "value"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def _filter(theme: str, text: str, search: str):
    """Rows of the chosen theme containing every word searched for."""
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
    try:
        ctx = page_context(PATH, query.get("region"), query.get("period"))
    except CockpitError as exc:
        return error_notice(str(exc)), ""
    rows = filter_rows(catalogue_rows(ctx.region.code, ctx.scope, ctx.month), theme or None, text)
    return catalogue_table(rows, ctx.region.code, ctx.is_root), f"共 {len(rows)} 项指标"
