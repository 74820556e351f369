"""填表报数 panels: the children's reporting (ranking and map by completeness) and its trend.

Read with the same ``data_access.reporting`` functions as ``pages/reporting.py`` (rounds ending
in the month, one task or all, judged against ``reporting.reference_date()``).
"""

from __future__ import annotations

from components.format import fmt_period
from components.trend import FONT
from data_access import reporting
from data_access.exports import Column, Table
from data_access.regions import Region
from data_access.scope import Scope

from .panels import CHILD_WORDS, Panel, _base, _notes, ranking_figure

SOURCE = "填表报数"
TALLY_COLUMNS = (
    Column("已报送", "个", "number", 0),
    Column("应报送", "个", "number", 0),
    Column("按时报送", "个", "number", 0),
    Column("逾期未报", "个", "number", 0),
)


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100


def _task_name(task: str | None) -> str:
    return next((t.name for t in reporting.tasks() if t.code == task), "全部报表任务")


def children(kind: str, reg: Region, month: str, scope: Scope, task: str | None = None) -> Panel:
    """``reporting-ranking`` (bars) or ``reporting-map``: each child's 报送完整率, best first."""
    tallies = reporting.children_tallies(reg.code, month, scope, task, reporting.reference_date())
    ranked = sorted((t for t in tallies if t.expected), key=lambda t: (-(t.completeness or 0), t.key))
    rank = {t.key: i for i, t in enumerate(ranked, start=1)}
    words = CHILD_WORDS.get(reg.level, "下级地区")
    title = (
        f"{reg.name}{words}报送完整率{'分布' if kind == 'reporting-map' else '排名'}（{_task_name(task)}）"
    )
    base = _base(
        kind,
        title,
        reg,
        None,
        month,
        f"{fmt_period(month)}报告期",
        unit="%",
        source=SOURCE,
        size=(1000, 720) if kind == "reporting-map" else (1000, 640),
    )
    columns = [
        Column("排名", "", "number", 0),
        Column("地区代码"),
        Column("地区"),
        Column("报送完整率", "%", "number", 1),
        *TALLY_COLUMNS,
    ]
    order = sorted(tallies, key=lambda t: (rank.get(t.key, 10**6), t.key))
    rows = [
        (rank.get(t.key), t.key, t.name, _pct(t.completeness), t.reported, t.expected, t.on_time, t.overdue)
        for t in order
    ]
    schematic = False
    if kind == "reporting-map":
        from geo.prepare import get_layer

        from .mapfig import static_map

        layer = get_layer(reg.code)
        figure = static_map(
            layer.body,
            layer.overlay,
            {t.key: _pct(t.completeness) for t in tallies},
            unit="%",
            decimals=1,
            schematic=layer.schematic,
        )
        schematic = layer.schematic
    else:
        figure = ranking_figure([(t.name, _pct(t.completeness)) for t in ranked], "%", 1)
    return Panel(**base, schematic=schematic, figure=figure, table=Table(title, columns, rows, _notes(base)))


def trend(reg: Region, month: str, scope: Scope, task: str | None = None) -> Panel:
    """``reporting-trend``: 报送完整率 and 按时报送率 over the last 12 report months."""
    points = reporting.trend(reg.code, scope, task, reporting.reference_date(), end=month)
    title = f"{reg.name}报送完整率与及时率趋势（{_task_name(task)}）"
    label = f"{fmt_period(points[0].key)}—{fmt_period(points[-1].key)}" if points else fmt_period(month)
    base = _base("reporting-trend", title, reg, None, month, label, unit="%", source=SOURCE, size=(1100, 560))
    columns = [
        Column("报告期"),
        Column("报送完整率", "%", "number", 1),
        Column("按时报送率", "%", "number", 1),
    ]
    rows = [(fmt_period(p.key), _pct(p.completeness), _pct(p.timeliness)) for p in points]
    x = [r[0] for r in rows]
    figure = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": x,
                "y": [None if r[i] is None else round(r[i], 1) for r in rows],
                "line": {"color": colour, "width": 2.5},
            }
            for i, name, colour in ((1, "报送完整率", "#1f5f8b"), (2, "按时报送率", "#d08a2c"))
        ],
        "layout": {
            "font": {"family": FONT, "size": 13, "color": "#1d2733"},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "yaxis": {"title": {"text": "%"}, "gridcolor": "#e3e8ee", "rangemode": "tozero"},
            "xaxis": {"showgrid": False, "nticks": 6},
            "legend": {"orientation": "h", "x": 0, "y": 1.12},
            "margin": {"l": 56, "r": 16, "t": 28, "b": 36},
        },
    }
    return Panel(**base, schematic=False, figure=figure, table=Table(title, columns, rows, _notes(base)))


def _tally_row(t: reporting.Tally) -> tuple:
    return (t.expected, t.reported, t.on_time, t.overdue, _pct(t.completeness), _pct(t.timeliness))


COUNT_COLUMNS = (
    Column("应报", "个", "number", 0),
    Column("已报", "个", "number", 0),
    Column("按时", "个", "number", 0),
    Column("逾期未报", "个", "number", 0),
    Column("完整率", "%", "number", 1),
    Column("及时率", "%", "number", 1),
)


def _table_panel(
    kind: str, title: str, reg: Region, month: str, label: str, columns, rows, notes=()
) -> Panel:
    """A table-only panel (no chart: exports as XLSX and CSV only)."""
    base = _base(kind, title, reg, None, month, label, unit="个", source=SOURCE, size=(0, 0))
    table = Table(title, columns, rows, (*_notes(base), *notes))
    return Panel(**base, schematic=False, figure=None, table=table)


def rounds(reg: Region, month: str, scope: Scope, task: str | None = None) -> Panel:
    """``reporting-rounds``: the page's 分任务报送情况 (every round due in the month)."""
    today = reporting.reference_date()
    data = [
        (r.task.name, fmt_period(r.period), r.due_date.isoformat(), *_tally_row(r.tally))
        for r in reporting.round_tallies(reg.code, month, scope, today)
    ]
    columns = (Column("报表任务"), Column("报告期"), Column("截止日期"), *COUNT_COLUMNS)
    title = f"{reg.name}分任务报送情况"
    return _table_panel("reporting-rounds", title, reg, month, f"{fmt_period(month)}报告期", columns, data)


def levels(reg: Region, month: str, scope: Scope, task: str | None = None) -> Panel:
    """``reporting-levels``: the page's 分层级报送情况 for one task or all."""
    today = reporting.reference_date()
    data = [(t.name, *_tally_row(t)) for t in reporting.level_tallies(reg.code, month, scope, task, today)]
    title = f"{reg.name}分层级报送情况（{_task_name(task)}）"
    columns = (Column("填报层级"), *COUNT_COLUMNS)
    return _table_panel("reporting-levels", title, reg, month, f"{fmt_period(month)}报告期", columns, data)


def staff(reg: Region, month: str, scope: Scope, task: str | None = None) -> Panel:
    """``reporting-staff``: 填报员与管理员 by level (units, units with a filer, filers, admins)."""
    data = [
        (s.level_name, s.units, s.units_with_filer, s.filers, s.admins)
        for s in reporting.staff_by_level(reg.code, scope)
    ]
    columns = (
        Column("层级"),
        Column("单位", "个", "number", 0),
        Column("有填报员的单位", "个", "number", 0),
        Column("填报员", "人", "number", 0),
        Column("管理员", "人", "number", 0),
    )
    title = f"{reg.name}填报员与管理员"
    return _table_panel(
        "reporting-staff", title, reg, month, f"在岗人员（截至 {reporting.reference_date()}）", columns, data
    )


def _reveal_phones() -> bool:
    """Full phone numbers only for a request by a leader or admin; masked everywhere else."""
    from flask import has_request_context

    if not has_request_context():
        return False
    from web.auth import can_see_phones

    return can_see_phones()


def overdue(reg: Region, month: str, scope: Scope, task: str | None = None) -> Panel:
    """``reporting-overdue``: every overdue unit (not only the 200 the page lists), with its
    contact; phones masked unless the caller may see them, as on the page."""
    from data_access.regions import LEVEL_NAMES

    units = reporting.overdue_units(
        reg.code, month, scope, task, reporting.reference_date(), _reveal_phones()
    )
    data = [
        (
            u.code,
            u.name,
            LEVEL_NAMES.get(u.level, ""),
            u.task_name,
            fmt_period(u.period),
            u.due_date.isoformat(),
            u.days_overdue,
            u.contact_name,
            u.contact_role,
            u.phone,
        )
        for u in units
    ]
    columns = (
        Column("单位代码"),
        Column("单位"),
        Column("层级"),
        Column("报表任务"),
        Column("报告期"),
        Column("截止日期"),
        Column("已逾期", "天", "number", 0),
        Column("联系人"),
        Column("职务"),
        Column("电话"),
    )
    title = f"{reg.name}逾期未报单位（{_task_name(task)}）"
    note = (f"共 {len(units):,} 个单位逾期未报",)
    return _table_panel(
        "reporting-overdue", title, reg, month, f"{fmt_period(month)}报告期", columns, data, note
    )


def burden(reg: Region, month: str, scope: Scope, task: str | None = None) -> Panel:
    """``reporting-burden``: forms per town and per village each month (份/个), all tasks."""
    from data_access.regions import LEVEL_NAMES

    points = reporting.burden_trend(reg.code, scope, end=month)
    months = sorted({b.month for b in points})
    label = f"{fmt_period(months[0])}—{fmt_period(months[-1])}" if months else fmt_period(month)
    title = f"{reg.name}基层单位每月应报表数（全部报表任务）"
    base = _base(
        "reporting-burden", title, reg, None, month, label, unit="份/个", source=SOURCE, size=(1100, 560)
    )
    columns = (
        Column("报告期"),
        Column("层级"),
        Column("应报表数", "份", "number", 0),
        Column("单位数", "个", "number", 0),
        Column("每单位应报表数", "份/个", "number", 2),
    )
    rows = [(fmt_period(b.month), LEVEL_NAMES.get(b.level, ""), b.forms, b.units, b.per_unit) for b in points]
    data = []
    for level, colour in ((4, "#1f5f8b"), (5, "#5a9e6f")):
        series = [b for b in points if b.level == level]
        if series:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": LEVEL_NAMES[level],
                    "x": [fmt_period(b.month) for b in series],
                    "y": [None if b.per_unit is None else round(b.per_unit, 2) for b in series],
                    "line": {"color": colour, "width": 2.5},
                }
            )
    figure = {
        "data": data,
        "layout": {
            "font": {"family": FONT, "size": 13, "color": "#1d2733"},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "yaxis": {"title": {"text": "份/个"}, "gridcolor": "#e3e8ee", "rangemode": "tozero"},
            "xaxis": {"showgrid": False, "nticks": 6},
            "legend": {"orientation": "h", "x": 0, "y": 1.12},
            "margin": {"l": 56, "r": 16, "t": 28, "b": 36},
        },
    }
    return Panel(**base, schematic=False, figure=figure, table=Table(title, columns, rows, _notes(base)))


def report_units(reg: Region, period: str, scope: Scope, task: str | None = None) -> Panel:
    """``report-units``: /report's list of units for a task and round (``period`` is the round,
    2026-Q3 or 2026-10), most urgent first as on the page, every unit (the page lists 120)."""
    from components.report_form import STATUS_ORDER
    from data_access import form_entry
    from data_access.errors import InvalidInput

    if not task:
        raise InvalidInput("缺少参数：task（报表任务代码）")
    t = form_entry.get_task(task)
    inside = Scope.of(reg.code)
    units = [u for u in form_entry.unit_statuses(task, period, scope) if inside.contains(u.code)]
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    units.sort(key=lambda u: (order[u.status], u.code))
    due = dict(form_entry.task_periods(t.code)).get(period)
    title = f"{reg.name}{t.name}填报单位（{period}）"
    label = f"{period}（{due:%Y-%m-%d} 截止）" if due else period
    base = _base("report-units", title, reg, None, period, label, unit="个", source=t.department, size=(0, 0))
    columns = [
        Column("单位代码"),
        Column("单位"),
        Column("所属"),
        Column("状态"),
        Column("报送时间"),
        Column("按时报送"),
        Column("填报人"),
        Column("退回原因"),
    ]
    rows = [
        (
            u.code,
            u.name,
            u.parent_name,
            u.label,
            u.submitted_at.strftime("%Y-%m-%d %H:%M") if u.submitted_at else "",
            "" if u.on_time is None else ("是" if u.on_time else "否"),
            u.filer,
            u.return_reason,
        )
        for u in units
    ]
    notes = (*_notes(base), f"共 {len(units):,} 个填报单位")
    return Panel(**base, schematic=False, figure=None, table=Table(title, columns, rows, notes))
