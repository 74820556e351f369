"""Indicator and period pickers. Indicators are grouped by theme (a disabled heading per theme)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from components.format import fmt_period

THEME_ORDER = ("economy", "services", "programme", "infrastructure", "reporting")


def indicator_options(indicators: Sequence[Any], themes: Mapping[str, str]) -> list[dict[str, Any]]:
    """Dropdown options: a disabled heading per theme, then its indicators (name and unit)."""
    options: list[dict[str, Any]] = []
    ordered = sorted(themes, key=lambda t: THEME_ORDER.index(t) if t in THEME_ORDER else 99)
    for theme in ordered:
        members = [i for i in indicators if i.theme == theme]
        if not members:
            continue
        options.append({"label": f"【{themes[theme]}】", "value": f"__theme__{theme}", "disabled": True})
        options += [
            {
                "label": f"{i.name}（{i.unit}）" if i.unit else i.name,
                "value": i.code,
                "search": f"{i.name} {i.code}",
            }
            for i in members
        ]
    return options


def indicator_picker(
    element_id: str, indicators: Sequence[Any], themes: Mapping[str, str], value: str | None
) -> html.Div:
    """A labelled, searchable indicator dropdown."""
    return html.Div(
        [
            html.Span("指标", className="picker-label"),
            dcc.Dropdown(
                id=element_id,
                options=indicator_options(indicators, themes),
                value=value,
                clearable=False,
                searchable=True,
                placeholder="选择指标",
                className="picker",
                style={"minWidth": "320px"},
            ),
        ],
        className="picker-group",
    )


def period_picker(element_id: str, months: Sequence[str], value: str | None) -> html.Div:
    """A labelled month dropdown, newest first; quarterly and yearly indicators convert the month."""
    return html.Div(
        [
            html.Span("期间", className="picker-label"),
            dcc.Dropdown(
                id=element_id,
                options=[{"label": fmt_period(m), "value": m} for m in reversed(list(months))],
                value=value,
                clearable=False,
                searchable=False,
                className="picker",
                style={"minWidth": "180px"},
            ),
        ],
        className="picker-group",
    )
