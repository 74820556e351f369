"""Trend chart: an indicator over recent periods against the same periods a year earlier.

Built as a plain figure dict (no ``go.Figure`` validation on the request path).
"""

from __future__ import annotations

from collections.abc import Sequence

from components.format import fmt_period, plot_text, scale

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
CURRENT_COLOUR = "#1f5f8b"
LAST_YEAR_COLOUR = "#9aa7b5"


def _shift_year(period: str) -> str:
    return f"{int(period[:4]) + 1}{period[4:]}"


def base_layout(**extra: object) -> dict:
    """Shared layout: transparent background, system CJK font, compact margins."""
    layout = {
        "font": {"family": FONT, "size": 13, "color": "#1d2733"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 56, "r": 16, "t": 16, "b": 40},
        "hoverlabel": {"font": {"family": FONT}},
    }
    layout.update(extra)
    return layout


def trend_figure(
    series: Sequence[tuple[str, float | None]],
    *,
    name: str,
    unit: str,
    periods: Sequence[str],
    decimals: int = 1,
    bars: bool = False,
) -> dict:
    """Lines (or grouped bars) for ``periods`` and for the same periods one year earlier.

    Year-to-date (累计) figures restart every January, so as lines they draw a saw; ``bars=True``
    shows each period's figure beside last year's instead.

    Args:
        series: (period, value) pairs covering ``periods`` and the year before them.
        name: indicator name for the legend and hover.
        unit: the indicator's unit; large figures are scaled to 万/亿 and the axis says so.
        periods: the periods to show, oldest first (e.g. the last 24 months).
    """
    values = dict(series)
    current = [values.get(p) for p in periods]
    prior = [values.get(f"{int(p[:4]) - 1}{p[4:]}") for p in periods]
    known = [abs(v) for v in current + prior if v is not None]
    factor, axis_unit = (1.0, unit)
    if known:
        scaled, axis_unit = scale(max(known), unit)
        factor = scaled / max(known) if max(known) else 1.0
    labels = [fmt_period(p) for p in periods]
    name, axis_unit = plot_text(name), plot_text(axis_unit)  # store text drawn by plotly: never markup

    def trace(ys: list[float | None], label: str, colour: str, dash: str) -> dict:
        rounded = [None if v is None else round(v * factor, max(decimals, 2)) for v in ys]
        hover = f"%{{x}}<br>{label}：%{{y:,.{decimals}f}} {axis_unit}<extra></extra>"
        if bars:
            return {
                "type": "bar",
                "name": label,
                "x": labels,
                "y": rounded,
                "marker": {"color": colour},
                "hovertemplate": hover,
            }
        return {
            "type": "scatter",
            "mode": "lines+markers",
            "name": label,
            "x": labels,
            "y": rounded,
            "line": {"color": colour, "width": 2.5, "dash": dash},
            "marker": {"size": 4},
            "connectgaps": False,
            "hovertemplate": hover,
        }

    return {
        "data": [
            trace(prior, "上年同期", LAST_YEAR_COLOUR, "dot"),
            trace(current, name, CURRENT_COLOUR, "solid"),
        ],
        "layout": base_layout(
            xaxis={"showgrid": False, "tickangle": 0, "nticks": 6},
            yaxis={
                "title": {"text": axis_unit},
                "gridcolor": "#e3e8ee",
                "zeroline": False,
                "tickformat": ",~r",
            },
            legend={"orientation": "h", "x": 0, "y": 1.12},
            barmode="group",
            bargap=0.25,
            margin={"l": 64, "r": 16, "t": 28, "b": 36},
        ),
    }
