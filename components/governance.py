"""Pieces of the 基层治理 page: cases by type as bars, overdue open cases as a table.

Pure: plain rows in, a figure dict or Dash components out. Titles, units, periods and sources are
set by the panel around each piece (``pages._theme_common.chart_panel``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dash import dcc, html

from components.format import MISSING
from components.trend import base_layout
from components.walltop import mark_beyond

RECEIVED_COLOUR, RESOLVED_COLOUR = "#7fb3d5", "#1f5f8b"


def type_bars(rows: Sequence[Any]) -> dict:
    """Horizontal grouped bars per case type: received and resolved (``name``, ``received``, ``resolved``)."""
    rows = list(rows)[::-1]  # Plotly draws the first category at the bottom
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": label,
            "y": [r.name for r in rows],
            "x": [getattr(r, field) for r in rows],
            "text": [f"{getattr(r, field):,}" for r in rows],
            "textposition": "auto",
            "marker": {"color": colour},
            "hovertemplate": f"%{{y}}<br>{label}：%{{x:,}} 件<extra></extra>",
        }
        for field, label, colour in (
            ("received", "受理", RECEIVED_COLOUR),
            ("resolved", "已化解", RESOLVED_COLOUR),
        )
    ]
    layout = base_layout(
        barmode="group",
        legend={"orientation": "h", "x": 0, "y": 1.12},
        margin={"l": 80, "r": 16, "t": 28, "b": 40},
        xaxis={"title": {"text": "件"}, "gridcolor": "#e3e8ee", "rangemode": "tozero", "tickformat": ",d"},
        yaxis={"automargin": True},
    )
    return {"data": traces, "layout": layout}


def outcome_bars(rows: Sequence[Any]) -> dict:
    """Horizontal bars of cases by outcome (``name``, ``count``), with each one's share of the total."""
    rows = list(rows)[::-1]
    total = sum(r.count for r in rows)
    colours = {"村级化解": "#1f5f8b", "镇级化解": "#4a86b5", "县级化解": "#9cc3e0", "市级化解": "#c9dcec"}
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [r.name for r in rows],
        "x": [r.count for r in rows],
        "text": [f"{r.count:,}（{r.count / total * 100:.1f}%）" if total else "0" for r in rows],
        "textposition": "auto",
        "marker": {"color": [colours.get(r.name, "#d9a441") for r in rows]},
        "hovertemplate": "%{y}：%{x:,} 件<extra></extra>",
    }
    layout = base_layout(
        margin={"l": 110, "r": 16, "t": 8, "b": 40},
        xaxis={"title": {"text": "件"}, "gridcolor": "#e3e8ee", "rangemode": "tozero", "tickformat": ",d"},
        yaxis={"automargin": True},
        showlegend=False,
    )
    return {"data": [trace], "layout": layout}


def phone_cell(phone: str, reveal: bool) -> Any:
    """A tel: link when the user may see the number; the masked number as text otherwise."""
    if not phone:
        return MISSING
    if reveal:
        return html.A(f"☎ {phone}", href=f"tel:{phone}", className="tel-link")
    return html.Span(phone, title="完整号码仅对领导和管理员显示", className="phone-masked")


def overdue_table(
    cases: Sequence[Any], reveal: bool, map_link: Callable[[str], str], wall_top: int | None = None
) -> html.Div:
    """Overdue open cases: id, village, town (a link to the map), type, status, dates, days, contact.

    ``wall_top``: the rows after the first ``wall_top`` are marked for the wall screen to hide
    (``components.walltop``)."""
    if not cases:
        return html.Div("没有逾期未办结的案件", className="attention-empty")
    heads = [
        "案件编号",
        "村（社区）",
        "镇（街道）",
        "类型",
        "状态",
        "受理日期",
        "办理期限",
        "已逾期",
        "责任人",
        "电话",
    ]
    rows = [
        html.Tr(
            [
                html.Td(c.case_id),
                html.Td(dcc.Link(c.village_name, href=map_link(c.village_code), className="drill-link")),
                html.Td(dcc.Link(c.town_name, href=map_link(c.town_code), className="drill-link")),
                html.Td(c.type_name),
                html.Td(c.status),
                html.Td(c.received.isoformat()),
                html.Td(c.due_date.isoformat()),
                html.Td(f"{c.days_overdue} 天"),
                html.Td(f"{c.contact_name}（{c.contact_role}）" if c.contact_name else MISSING),
                html.Td(phone_cell(c.phone, reveal)),
            ],
            **{"data-case": c.case_id},
        )
        for c in cases
    ]
    if wall_top is not None:
        mark_beyond(rows, wall_top)
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(rows)], className="profile"
    )
    return html.Div(table, style={"overflowX": "auto"})
