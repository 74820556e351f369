"""One panel of a page as data: the chart, the table behind it, and what the figure is about.

A panel is rebuilt on the server from what identifies it on a page — its kind, the region, the
indicator and the month — under the caller's scope, with the same ``data_access`` functions the
page uses (not posted from the browser, so nobody can export figures the page would not show).
:func:`build_panel` gives a :class:`Panel`; :func:`framed_figure` the chart with a title, the
region, period, unit, 数据来源, 数据截至 and 演示数据 written on it, so an exported image stands on
its own in a slide; ``Panel.table`` is what XLSX and CSV exports write.

Kinds: ``map`` (the region's children coloured by the indicator), ``ranking`` (the children best
first) and ``trend`` (the region's periods against the year before).
"""

from __future__ import annotations

from dataclasses import dataclass

from components.format import fmt_as_of, fmt_period, fmt_value, plot_text
from components.trend import FONT, trend_figure
from data_access import store, values
from data_access.errors import InvalidInput
from data_access.exports import Column, Table
from data_access.indicators import Indicator, get_indicator
from data_access.periods import parse_period, period_for
from data_access.regions import Region, get_region
from data_access.scope import Scope

KINDS = ("map", "ranking", "trend")  # by indicator; more kinds in briefing.extra_panels (EXTRA)
IMAGE_FORMATS = ("png", "svg")
CHILD_WORDS = {1: "各市", 2: "各县（市、区）", 3: "各镇（街道）", 4: "各村（社区）"}
SIZES = {"map": (1000, 720), "ranking": (1000, 640), "trend": (1100, 560)}
TITLE_SPACE, FOOT_SPACE = 92, 44  # pixels above and below the chart for the frame's text


@dataclass(frozen=True)
class Panel:
    """A panel's figure and table with everything that says what it shows."""

    kind: str
    title: str
    region: Region
    indicator: Indicator | None  # None for panels not about one indicator (政务外网, 一网共享 …)
    period: str  # the indicator's period (2026-Q3 for GDP in 2026-10)
    period_label: str
    unit: str
    source: str
    as_of: str  # 数据截至 …（更新于 …）
    demo: bool
    schematic: bool
    figure: dict | None  # None: a table panel, exported as data only (XLSX, CSV)
    table: Table
    size: tuple[int, int]

    @property
    def subtitle(self) -> str:
        return f"{self.region.name} · {self.period_label} · 单位：{self.unit or '—'}"

    @property
    def footer(self) -> str:
        parts = [f"数据来源：{self.source or '—'}", f"数据截至：{self.as_of}"]
        if self.demo:
            parts.append("演示数据")
        return " · ".join(parts)

    def file_stem(self) -> str:
        """``雷州市_地区生产总值_排名_2026-Q3``: what the file is, readable in a folder."""
        word = {"map": "分布图", "ranking": "排名", "trend": "走势"}.get(self.kind)
        if self.indicator is None or word is None:
            return f"{self.title}_{self.period}"
        return f"{self.region.name}_{self.indicator.name}_{word}_{self.period}"


def as_of_text() -> str:
    """数据截至: the store's as-of month and when it was last written."""
    month = store.get_meta("as_of_period")
    updated = store.get_meta("updated_at")
    text = fmt_period(month) if month else "—"
    return f"{text}（更新于 {fmt_as_of(updated)}）" if updated else text


def build_panel(
    kind: str, region: str, indicator: str | None, month: str, scope: Scope, *, task: str | None = None
) -> Panel:
    """The panel of ``kind`` for a region, indicator and month, read under ``scope``.

    Raises:
        InvalidInput: an unknown kind or a malformed month; OutOfScope, NotFound: as the queries.
    """
    from .extra_panels import EXTRA

    if kind == "report-units":  # /report's unit list: the period is a task's round, not a month
        from .reporting_panels import report_units

        return report_units(get_region(region, scope), month, scope, task)
    if kind in EXTRA:
        return EXTRA[kind](get_region(region, scope), parse_period(month, "month").text, scope, task=task)
    if kind not in KINDS:
        choices = "、".join((*KINDS, *EXTRA, "report-units"))
        raise InvalidInput(f"未知的图表类型：{str(kind)[:20]!r}（可选 {choices}）")
    if not indicator:
        raise InvalidInput("缺少参数：indicator（指标代码）")
    reg = get_region(region, scope)
    ind = get_indicator(indicator)
    period = period_for(ind.frequency, parse_period(month, "month").text)
    if kind == "trend":
        return _trend(reg, ind, month, scope)
    return _children(kind, reg, ind, period, scope)


def _base(
    kind: str,
    title: str,
    reg: Region,
    ind: Indicator | None,
    period: str,
    label: str,
    *,
    unit: str = "",
    source: str = "",
    size: tuple[int, int] | None = None,
) -> dict:
    return dict(
        kind=kind,
        title=title,
        region=reg,
        indicator=ind,
        period=period,
        period_label=label,
        unit=ind.unit if ind else unit,
        source=ind.source_dept if ind else source,
        as_of=as_of_text(),
        demo=store.get_meta("demo") == "1",
        size=size or SIZES[kind],
    )


def _trend(reg: Region, ind: Indicator, month: str, scope: Scope) -> Panel:
    from pages._views import trend_points

    periods, points = trend_points(ind, reg.code, month, scope)
    series = dict(points)
    figure = trend_figure(
        points,
        name=ind.name,
        unit=ind.unit,
        periods=periods,
        decimals=ind.decimals,
        bars=ind.value_type == "cumulative",
    )
    columns = [
        Column("统计期"),
        Column(ind.name, ind.unit, "number", ind.decimals),
        Column("上年同期", ind.unit, "number", ind.decimals),
    ]
    rows = [(fmt_period(p), series.get(p), series.get(f"{int(p[:4]) - 1}{p[4:]}")) for p in periods]
    label = f"{fmt_period(periods[0])}—{fmt_period(periods[-1])}"
    title = f"{reg.name}{ind.name}走势（与上年同期比较）"
    base = _base("trend", title, reg, ind, periods[-1], label)
    table = Table(title, columns, rows, _notes(base))
    return Panel(**base, schematic=False, figure=figure, table=table)


def _children(kind: str, reg: Region, ind: Indicator, period: str, scope: Scope) -> Panel:
    parent, kids = values.children_values(ind.code, reg.code, period, scope)
    ranked = values.ranking(ind.code, reg.code, period, scope)
    rank_of = {r.code: r.rank for r in ranked}
    words = CHILD_WORDS.get(reg.level, "下级地区")
    word = "分布" if kind == "map" else "排名"
    title = f"{reg.name}{words}{ind.name}{word}"
    base = _base(kind, title, reg, ind, period, fmt_period(period))
    columns = [
        Column("排名", "", "number", 0),
        Column("地区代码"),
        Column("地区"),
        Column(ind.name, ind.unit, "number", ind.decimals),
        Column("已报送单位", "个", "number", 0),
        Column("应报送单位", "个", "number", 0),
    ]
    order = sorted(kids, key=lambda k: (rank_of.get(k.code, 10**6), k.code))
    rows = [(rank_of.get(k.code), k.code, k.name, k.value, k.reported, k.expected) for k in order]
    schematic = False
    if kind == "map":
        figure, schematic = _map(reg, ind, {k.code: k.value for k in kids})
    else:
        figure = ranking_figure(
            [(k.name, k.value) for k in order if k.value is not None], ind.unit, ind.decimals
        )
    table = Table(title, columns, rows, _notes(base))
    return Panel(**base, schematic=schematic, figure=figure, table=table)


def _notes(base: dict) -> tuple[str, ...]:
    notes = [
        f"统计期：{base['period_label']}",
        f"数据来源：{base['source'] or '—'}",
        f"数据截至：{base['as_of']}",
    ]
    if base["demo"]:
        notes.append("演示数据")
    return tuple(notes)


def _map(reg: Region, ind: Indicator, by_code: dict[str, float | None]) -> tuple[dict, bool]:
    from briefing.mapfig import static_map
    from geo.prepare import get_layer

    layer = get_layer(reg.code)
    figure = static_map(
        layer.body,
        layer.overlay,
        by_code,
        unit=ind.unit,
        decimals=ind.decimals,
        direction=ind.direction,
        schematic=layer.schematic,
    )
    return figure, layer.schematic


def ranking_figure(items: list[tuple[str, float | None]], unit: str, decimals: int) -> dict:
    """Horizontal bars, best at the top, each labelled with its figure and unit."""
    names = [plot_text(n) for n, _ in items][::-1]
    vals = [v for _, v in items][::-1]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": vals,
                "y": names,
                "marker": {"color": "#1f5f8b"},
                "text": [fmt_value(v, unit, decimals) for v in vals],
                "textposition": "outside",
                "cliponaxis": False,
                "hoverinfo": "skip",
            }
        ],
        "layout": {
            "font": {"family": FONT, "size": 13, "color": "#1d2733"},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "xaxis": {"gridcolor": "#e3e8ee", "zeroline": False, "tickformat": ",~r"},
            "yaxis": {"automargin": True},
            "margin": {"l": 120, "r": 90, "t": 8, "b": 36},
            "showlegend": False,
        },
    }


def framed_figure(panel: Panel) -> tuple[dict, int, int]:
    """The panel's figure with its title, subtitle and footer drawn on it; (figure, width, height)."""
    width, height = panel.size
    figure = {"data": panel.figure["data"], "layout": dict(panel.figure.get("layout", {}))}
    layout = figure["layout"]
    margin = dict(layout.get("margin") or {})
    margin["t"] = margin.get("t", 16) + TITLE_SPACE
    margin["b"] = margin.get("b", 16) + FOOT_SPACE
    margin["l"] = max(margin.get("l", 16), 24)
    margin["r"] = max(margin.get("r", 16), 24)
    layout.update(
        margin=margin,
        paper_bgcolor="#ffffff",
        plot_bgcolor=layout.get("plot_bgcolor")
        if layout.get("plot_bgcolor") != "rgba(0,0,0,0)"
        else "#ffffff",
        font={**(layout.get("font") or {}), "family": FONT},
    )
    if "legend" in layout and layout["legend"].get("orientation") == "h":
        layout["legend"] = {**layout["legend"], "y": 1.02, "yanchor": "bottom"}
    left = -(margin["l"] - 16)  # paper x=0 is the plot area's left edge; the text starts 16 px in
    notes = list(layout.get("annotations") or [])
    notes += [
        _note(panel.title, 1, "top", 20, "#17324d", xshift=left, yshift=margin["t"] - 14, bold=True),
        _note(panel.subtitle, 1, "top", 13, "#5b6878", xshift=left, yshift=margin["t"] - 48),
        _note(panel.footer, 0, "bottom", 11, "#5b6878", xshift=left, yshift=-(margin["b"] - 10)),
    ]
    if panel.demo:
        demo = _note("演示数据", 1, "top", 14, "#a76a00", xshift=margin["r"] - 16, yshift=margin["t"] - 16)
        notes.append({**demo, "x": 1, "xanchor": "right", "text": "<b>演示数据</b>"})
    layout["annotations"] = notes
    return figure, width, height


def _note(
    text: str,
    y: float,
    anchor: str,
    size: int,
    colour: str,
    *,
    xshift: float,
    yshift: float,
    bold: bool = False,
) -> dict:
    return {
        "text": f"<b>{plot_text(text)}</b>"
        if bold
        else plot_text(text),  # names from the store: never markup
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": y,
        "xanchor": "left",
        "yanchor": anchor,
        "xshift": xshift,
        "yshift": yshift,
        "showarrow": False,
        "align": "left",
        "font": {"size": size, "color": colour, "family": FONT},
    }
