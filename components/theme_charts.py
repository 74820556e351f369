"""Charts of the 数字底座 page as plain figure dicts: coverage bars, data-sharing bars, camera points.

Pure: plain rows in, a figure dict (or traces) out. Titles, units, periods and sources are set by
the panel around each chart (``pages._theme_common.chart_panel``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from components.format import fmt_period, plot_text
from components.trend import base_layout

SERIES = (("collected", "归集", "#1f5f8b"), ("returned", "回流", "#7fb3d5"), ("shared", "共享", "#2e8b57"))
ONLINE_COLOUR, OFFLINE_COLOUR = "#1f3b73", "#d62d20"


def coverage_bars(rows: Sequence[Any]) -> dict:
    """Horizontal bars of 政务外网 coverage per kind of unit: rate in %, text "connected/total".

    ``rows`` have ``label``, ``connected``, ``total`` and ``rate`` (None without data).
    """
    rows = list(rows)[::-1]  # Plotly draws the first category at the bottom
    text = [
        f"{r.rate:.1f}%（{r.connected:,.0f}/{r.total:,.0f}）" if r.rate is not None else "未报送"
        for r in rows
    ]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [plot_text(r.label) for r in rows],
        "x": [r.rate if r.rate is not None else 0 for r in rows],
        "text": text,
        "textposition": "auto",
        "marker": {"color": "#1f5f8b"},
        "hovertemplate": "%{y}：%{text}<extra></extra>",
    }
    layout = base_layout(
        xaxis={
            "range": [0, 105],
            "ticksuffix": "%",
            "gridcolor": "#e3e8ee",
            "title": {"text": "接入率（%）"},
        },
        yaxis={"automargin": True},
        margin={"l": 90, "r": 16, "t": 8, "b": 44},
        showlegend=False,
    )
    return {"data": [trace], "layout": layout}


def sharing_bars(rows: Sequence[Any], *, by_month: bool, scale: float = 1e4) -> dict:
    """Grouped bars of records collected / returned / shared, in 万条 (``scale`` records each).

    ``rows`` have ``key`` (a month ``YYYY-MM`` or a department) and the three counts. By month the
    bars stand upright in time order; by department they lie flat, largest at the top.
    """
    rows = list(rows)
    labels = [fmt_period(r.key) for r in rows] if by_month else [plot_text(r.key) for r in rows][::-1]
    ordered = rows if by_month else rows[::-1]
    traces = []
    for field, name, colour in SERIES:
        values = [round(getattr(r, field) / scale, 2) for r in ordered]
        trace = {
            "type": "bar",
            "name": name,
            "marker": {"color": colour},
            "hovertemplate": f"%{{{'x' if by_month else 'y'}}}<br>{name}：%{{{'y' if by_month else 'x'}:,.2f}} 万条<extra></extra>",
        }
        trace.update(
            {"x": labels, "y": values} if by_month else {"y": labels, "x": values, "orientation": "h"}
        )
        traces.append(trace)
    value_axis = {"title": {"text": "万条"}, "gridcolor": "#e3e8ee", "tickformat": ",~r"}
    layout = base_layout(
        barmode="group",
        legend={"orientation": "h", "x": 0, "y": 1.1},
        margin={"l": 60 if by_month else 150, "r": 16, "t": 28, "b": 40},
        xaxis={"tickangle": "auto", "nticks": 12, "automargin": True} if by_month else value_axis,
        yaxis=value_axis if by_month else {"automargin": True},
    )
    return {"data": traces, "layout": layout}


def camera_traces(points: Sequence[Any]) -> list[dict]:
    """Scattermap traces of cameras, online and offline apart; details in the hover, no text labels.

    ``points`` have ``camera_id``, ``location``, ``lon``, ``lat``, ``online``, ``connected``.
    """
    traces = []
    for online, name, colour in ((True, "在线点位", ONLINE_COLOUR), (False, "离线点位", OFFLINE_COLOUR)):
        group = [p for p in points if p.online == online]
        traces.append(
            {
                "type": "scattermap",
                "mode": "markers",
                "name": name,
                "lon": [p.lon for p in group],
                "lat": [p.lat for p in group],
                "marker": {"size": 5 if online else 7, "color": colour, "opacity": 0.85},
                "customdata": [
                    [plot_text(p.location), plot_text(p.camera_id), "已接入" if p.connected else "未接入"]
                    for p in group
                ],
                "hovertemplate": (
                    f"<b>%{{customdata[0]}}</b><br>{name} · 省平台%{{customdata[2]}}<br>%{{customdata[1]}}<extra></extra>"
                ),
            }
        )
    return traces
