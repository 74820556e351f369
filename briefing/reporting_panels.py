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
