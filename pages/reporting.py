"""填表报数 (``/reporting?region=<code>&month=<YYYY-MM>&task=<code>``): is every unit reporting, on time?

The URL is the state: the pickers write a new query into the shell's ``dcc.Location`` and Dash's
router rebuilds the page; region names in the tables drill down (``?region=``) and their 地图 links
open ``/map`` at that region. Figures come from :mod:`data_access.reporting` for the scope of the
request; a round belongs to the month in which its period ends.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
from dash import Input, Output, State, callback, dcc, html

from components.breadcrumb import breadcrumb
from components.export_menu import briefing_menu, export_menu
from components.format import MISSING, fmt_period, fmt_share
from components.kpi import kpi_card
from components.notices import error_notice, info_notice, source_note
from components.pickers import period_picker
from components.trend import base_layout
from components.walltop import mark_beyond, mark_extra, wall_count
from data_access import regions, reporting
from data_access.errors import CockpitError
from data_access.regions import Region
from data_access.scope import Scope
from pages import _ids as ids
from web.scope import current_scope

dash.register_page(
    __name__, path="/reporting", name="填表报数", title="填表报数 · 百千万工程驾驶舱", order=12
)

MONTH = "reporting-month"
TASK = "reporting-task"
QUERY = "reporting-query"
KPIS = "reporting-kpis"
ROUNDS = "reporting-rounds"
LEVELS = "reporting-levels"
CHILDREN = "reporting-children"
TREND = "reporting-trend"
BURDEN = "reporting-burden"
OVERDUE = "reporting-overdue"
STAFF = "reporting-staff"
MESSAGE = "reporting-message"

SOURCE = "数据来源：填表报数系统（各单位报送记录）"
OVERDUE_SHOWN = 200
WALL_OVERDUE = 5  # overdue units the wall screen lists (the most overdue; the count says how many)
WALL_CHILDREN = 12  # children the wall screen lists (the least complete; the count says how many)
ALL_TASKS = ""
GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}


def page_href(region: str, month: str | None, task: str | None, path: str = "/reporting") -> str:
    """Link to this page (or another) for a region, keeping the month and task."""
    query = {k: v for k, v in (("region", region), ("month", month), ("task", task)) if v}
    return f"{path}?{urlencode(query)}"


def map_href(region: str) -> str:
    return f"/map?{urlencode({'region': region})}"


def layout(
    region: str | None = None, month: str | None = None, task: str | None = None, **_: str
) -> html.Div:
    """The page for a query; a clear message instead of figures when the query cannot be shown."""
    scope = current_scope()
    head = [html.H2("填表报数", className="page-title")]
    try:
        place = regions.get_region(region or scope.root, scope)
        months = reporting.report_months(scope)
        if not months:
            return _page(head, info_notice("暂无填表报数数据。", title="无数据"))
        month = month if month in months else reporting.default_month(scope)
        body = build_body(place, month, task or None, scope)
    except CockpitError as exc:
        return _page(head, error_notice(str(exc), element_id=MESSAGE))
    head += [
        period_picker(MONTH, months, month),
        _task_picker(task),
        briefing_menu("reporting", place.code, month, element_id="briefing-menu"),
    ]
    return _page(head, body, dcc.Store(id=QUERY, data={"region": place.code}))


def _page(head: list, *content: Any) -> html.Div:
    return html.Div([html.Div(head, className="page-head"), *content], className="page page-reporting")


def _task_picker(value: str | None) -> html.Div:
    options = [{"label": "全部报表任务", "value": ALL_TASKS}] + [
        {"label": f"{t.name}（{regions.LEVEL_NAMES.get(t.level, '')}）", "value": t.code}
        for t in reporting.tasks()
    ]
    return html.Div(
        [
            html.Span("报表任务", className="picker-label"),
            dcc.Dropdown(
                id=TASK,
                options=options,
                value=value or ALL_TASKS,
                clearable=False,
                searchable=False,
                className="picker",
                style={"minWidth": "300px"},
            ),
        ],
        className="picker-group",
    )


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(MONTH, "value"),
    Input(TASK, "value"),
    State(QUERY, "data"),
    prevent_initial_call=True,
)
def _pick(month: str | None, task: str | None, query: dict | None) -> str:
    """A picker changed: write the new query; the router redraws the page (and checks the region)."""
    region = (query or {}).get("region") or current_scope().root
    return "?" + urlencode({k: v for k, v in (("region", region), ("month", month), ("task", task)) if v})


# --- the body -------------------------------------------------------------------------------------


def build_body(place: Region, month: str, task: str | None, scope: Scope) -> html.Div:
    """Every panel for one region, month and task (``None``: all tasks)."""
    today = reporting.reference_date()
    total = reporting.region_tally(place.code, month, scope, task, today)
    period = fmt_period(month)
    task_name = next((t.name for t in reporting.tasks() if t.code == task), "全部报表任务")
    where = f"{place.name} · {task_name} · {period}报告期 · 截至 {today}"
    crumbs = [(r.name, page_href(r.code, month, task)) for r in regions.breadcrumb(place.code, scope)]
    parent = crumbs[-2][1] if len(crumbs) > 1 else None

    def menu(kind: str, data_only: bool = False) -> html.Details:
        return export_menu(kind, place.code, None, month, task=task, data_only=data_only)

    return html.Div(
        [
            html.Div(
                [
                    breadcrumb(crumbs, up_href=parent),
                    dcc.Link("在地图中查看", href=map_href(place.code), className="button"),
                ],
                className="page-head",
            ),
            _kpis(total, period),
            _panel(
                "分任务报送情况（单位：个）",
                where,
                _rounds_table(place, month, scope, today),
                ROUNDS,
                export=menu("reporting-rounds", data_only=True),
            ),
            _two(
                _panel(
                    "分层级报送情况（单位：个）",
                    where,
                    _levels_table(place, month, task, scope, today),
                    LEVELS,
                    export=menu("reporting-levels", data_only=True),
                ),
                _panel(
                    "填报员与管理员（单位：个、人）",
                    f"{place.name} · 在岗人员 · 截至 {today}",
                    _staff_table(place, scope),
                    STAFF,
                    export=menu("reporting-staff", data_only=True),
                ),
            ),
            _panel(
                f"{_child_word(place)}报送情况（单位：个）",
                where + " · 点击名称下钻",
                _children_table(place, month, task, scope, today),
                CHILDREN,
                export=menu("reporting-ranking"),
            ),
            _two(
                _panel(
                    "报送完整率与及时率趋势（%）",
                    f"{place.name} · {task_name} · 截至{period}的 12 个报告期",
                    _graph(TREND, trend_figure(reporting.trend(place.code, scope, task, today, end=month))),
                    export=menu("reporting-trend"),
                ),
                _panel(
                    "基层单位每月应报表数（份/个）",
                    f"{place.name} · 全部报表任务 · 截至{period}的 12 个报告期",
                    _graph(BURDEN, burden_figure(reporting.burden_trend(place.code, scope, end=month))),
                    export=menu("reporting-burden"),
                ),
            ),
            _panel(
                "逾期未报单位",
                where,
                _overdue(place, month, task, scope, today),
                OVERDUE,
                export=menu("reporting-overdue", data_only=True),
            ),
        ],
        className="page",
    )


def _kpis(t: reporting.Tally, period: str) -> html.Div:
    def card(code: str, name: str, value: float | None, unit: str, decimals: int = 0, **kw: Any) -> html.Div:
        return kpi_card(
            name=name,
            value=value,
            unit=unit,
            period_text=f"{period}报告期",
            decimals=decimals,
            code=code,
            **kw,
        )

    def pct(share: float | None) -> float | None:
        return None if share is None else share * 100

    cards = [
        card("expected", "应报单位", t.expected, "个"),
        card("reported", "已报送", t.reported, "个", reported=t.reported, expected=t.expected),
        card("on-time", "按时报送", t.on_time, "个"),
        card("overdue", "逾期未报", t.overdue, "个"),
        card("completeness", "报送完整率", pct(t.completeness), "%", 1),
        card("timeliness", "按时报送率", pct(t.timeliness), "%", 1),
    ]
    # Six cards: narrower minimum than kpi_row's so they stay on one row at 1366 px.
    return html.Div(
        cards,
        id=KPIS,
        className="kpi-row",
        style={"gridTemplateColumns": "repeat(auto-fit, minmax(180px, 1fr))"},
    )


def _two(left: html.Div, right: html.Div) -> html.Div:
    return html.Div([left, right], className="overview-bottom")


def _panel(title: str, sub: str, content: Any, element_id: str | None = None, export: Any = None) -> html.Div:
    return html.Div(
        [
            html.H3([title, html.Span(sub, className="panel-sub"), export], className="panel-title"),
            content,
            source_note(SOURCE),
        ],
        className="panel",
        style={"minWidth": 0},
        **({"id": element_id} if element_id else {}),
    )


def _child_word(place: Region) -> str:
    return {1: "各市", 2: "各县（市、区）", 3: "各镇（街道）", 4: "各村（社区）"}.get(place.level, "下级地区")


COUNT_HEADS = ["应报", "已报", "按时", "逾期未报", "完整率", "及时率"]


def _count_cells(t: reporting.Tally) -> list[html.Td]:
    numbers = [t.expected, t.reported, t.on_time, t.overdue]
    return [html.Td(f"{n:,}") for n in numbers] + [
        html.Td(fmt_share(t.completeness, 1)),
        html.Td(fmt_share(t.timeliness, 1)),
    ]


def _table(heads: list[str], rows: list[html.Tr], empty: str) -> html.Div:
    if not rows:
        return html.Div(empty, className="attention-empty")
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(rows)], className="profile"
    )
    return html.Div(table, style={"overflowX": "auto"})


def _rounds_table(place: Region, month: str, scope: Scope, today: str) -> html.Div:
    rows = [
        html.Tr(
            [
                html.Td(r.task.name),
                html.Td(fmt_period(r.period)),
                html.Td(r.due_date.isoformat()),
                *_count_cells(r.tally),
            ],
            **{"data-task": r.task.code},
        )
        for r in reporting.round_tallies(place.code, month, scope, today)
    ]
    return _table(["报表任务", "报告期", "截止日期", *COUNT_HEADS], rows, "本月没有到期的报表任务")


def _levels_table(place: Region, month: str, task: str | None, scope: Scope, today: str) -> html.Div:
    rows = [
        html.Tr([html.Td(t.name), *_count_cells(t)], **{"data-level": t.key})
        for t in reporting.level_tallies(place.code, month, scope, task, today)
    ]
    return _table(["填报层级", *COUNT_HEADS], rows, "本月没有应报单位")


def _children_table(place: Region, month: str, task: str | None, scope: Scope, today: str) -> html.Div:
    tallies = reporting.children_tallies(place.code, month, scope, task, today)
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(t.name, href=page_href(t.key, month, task), className="drill-link")),
                *_count_cells(t),
                html.Td(dcc.Link("地图", href=map_href(t.key), className="map-link")),
            ],
            **{"data-code": t.key},
        )
        for t in tallies
    ]
    # The wall screen lists the children that report least completely (in the table's order).
    mark_extra(rows, _least_complete(tallies, WALL_CHILDREN))
    count = wall_count(WALL_CHILDREN, len(rows), "个", what="报送完整率最低的")
    return html.Div([count, _table(["地区", *COUNT_HEADS, "地图"], rows, "该地区没有下级单位")])


def _least_complete(tallies: list[reporting.Tally], n: int) -> list[int]:
    """Positions of the ``n`` tallies with the lowest completeness (nothing expected counts last)."""
    order = sorted(
        range(len(tallies)),
        key=lambda i: (tallies[i].completeness is None, tallies[i].completeness or 0.0, i),
    )
    return order[:n]


def _overdue(place: Region, month: str, task: str | None, scope: Scope, today: str) -> html.Div:
    from web.auth import can_see_phones  # the one switch: full numbers for leaders and admins

    reveal = can_see_phones()
    units = reporting.overdue_units(place.code, month, scope, task, today, reveal, limit=OVERDUE_SHOWN)
    total = reporting.region_tally(place.code, month, scope, task, today).overdue
    rows = [
        html.Tr(
            [
                html.Td(u.name),
                html.Td(regions.LEVEL_NAMES.get(u.level, "")),
                html.Td(u.task_name),
                html.Td(fmt_period(u.period)),
                html.Td(u.due_date.isoformat()),
                html.Td(f"{u.days_overdue} 天"),
                html.Td(f"{u.contact_name}（{u.contact_role}）" if u.contact_name else MISSING),
                html.Td(_phone(u.phone, reveal)),
            ],
            **{"data-code": u.code},
        )
        for u in units
    ]
    mark_beyond(rows, WALL_OVERDUE)
    count = f"共 {total:,} 个单位逾期未报" + (
        f"，显示逾期最久的 {OVERDUE_SHOWN} 个" if total > OVERDUE_SHOWN else ""
    )
    table = _table(
        ["单位", "层级", "报表任务", "报告期", "截止日期", "已逾期", "联系人", "电话"],
        rows,
        "没有逾期未报的单位",
    )
    return html.Div(
        [
            html.Div(count, className="kpi-period reporting-overdue-count"),
            wall_count(WALL_OVERDUE, total, "个", what="逾期最久的前"),
            html.Div(
                table, style={"maxHeight": "420px", "overflowY": "auto"}, className="reporting-overdue-scroll"
            ),
        ]
    )


def _phone(phone: str, reveal: bool) -> Any:
    """A tel: link when the user may see the number; the masked number as text otherwise."""
    if not phone:
        return MISSING
    if reveal:
        return html.A(f"☎ {phone}", href=f"tel:{phone}", className="tel-link")
    return html.Span(phone, title="完整号码仅对领导和管理员显示", className="phone-masked")


def _staff_table(place: Region, scope: Scope) -> html.Div:
    rows = [
        html.Tr(
            [
                html.Td(s.level_name),
                html.Td(f"{s.units:,}"),
                html.Td(f"{s.units_with_filer:,}"),
                html.Td(f"{s.filers:,}"),
                html.Td(f"{s.admins:,}"),
            ],
            **{"data-level": str(s.level)},
        )
        for s in reporting.staff_by_level(place.code, scope)
    ]
    return _table(["层级", "单位", "有填报员的单位", "填报员", "管理员"], rows, "暂无人员")


# --- figures (plain dicts: no validation on the request path) -------------------------------------


def _graph(element_id: str, figure: dict) -> dcc.Graph:
    return dcc.Graph(id=element_id, figure=figure, config=GRAPH_CONFIG, style={"height": "300px"})


def trend_figure(points: list[reporting.Tally]) -> dict:
    """Completeness and timeliness (%) per month, oldest first."""
    x = [fmt_period(p.key) for p in points]

    def line(name: str, ys: list[float | None], colour: str) -> dict:
        return {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": x,
            "y": [None if v is None else round(v * 100, 1) for v in ys],
            "line": {"color": colour, "width": 2.5},
            "hovertemplate": f"%{{x}}<br>{name}：%{{y:.1f}}%<extra></extra>",
        }

    return {
        "data": [
            line("报送完整率", [p.completeness for p in points], "#1f5f8b"),
            line("按时报送率", [p.timeliness for p in points], "#d08a2c"),
        ],
        "layout": base_layout(
            yaxis={"title": {"text": "%"}, "gridcolor": "#e3e8ee", "rangemode": "tozero"},
            xaxis={"showgrid": False, "nticks": 6},
            legend={"orientation": "h", "x": 0, "y": 1.15},
            margin={"l": 52, "r": 16, "t": 28, "b": 36},
        ),
    }


def burden_figure(burden: list[reporting.Burden]) -> dict:
    """Forms per town and per village each month (份/个), one line per level."""
    data = []
    for level, colour in ((4, "#1f5f8b"), (5, "#5a9e6f")):
        points = [b for b in burden if b.level == level]
        if points:
            name = regions.LEVEL_NAMES[level]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "x": [fmt_period(b.month) for b in points],
                    "y": [None if b.per_unit is None else round(b.per_unit, 2) for b in points],
                    "line": {"color": colour, "width": 2.5},
                    "hovertemplate": f"%{{x}}<br>{name}：%{{y:.2f}} 份/个<extra></extra>",
                }
            )
    return {
        "data": data,
        "layout": base_layout(
            yaxis={"title": {"text": "份/个"}, "gridcolor": "#e3e8ee", "rangemode": "tozero"},
            xaxis={"showgrid": False, "nticks": 6},
            legend={"orientation": "h", "x": 0, "y": 1.15},
            margin={"l": 52, "r": 16, "t": 28, "b": 36},
        ),
    }
