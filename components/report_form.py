"""Factories of the online form (``/report``): status tags, the units' list, the fields of one form.

Pure: data in (``data_access.form_entry`` records), Dash components out.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from data_access.form_entry import STATUS_LABELS, FormState, UnitStatus, format_value
from data_access.forms import TaskField

FIELD = "report-field"  # pattern-matching: {"type": FIELD, "name": field name}
TEXT = "report-text"
NOTE = "report-note"
NOTE_BOX = "report-note-box"
MESSAGE = "report-field-msg"
STATUS_ORDER = ("returned", "overdue", "pending", "draft", "submitted")


def status_tag(status: str) -> html.Span:
    return html.Span(STATUS_LABELS[status], className=f"status-tag status-{status}")


def report_href(task: str, period: str, unit: str | None = None, status: str | None = None) -> str:
    query = {k: v for k, v in (("task", task), ("period", period), ("unit", unit), ("status", status)) if v}
    return f"/report?{urlencode(query)}"


def status_summary(units: list[UnitStatus], task: str, period: str, chosen: str | None) -> html.Div:
    """One link per status with its count; the chosen one filters the list."""
    counts = {s: 0 for s in STATUS_ORDER}
    for u in units:
        counts[u.status] += 1
    links = [
        dcc.Link(
            [html.Span(STATUS_LABELS[s]), html.Span(str(counts[s]), className="status-count")],
            href=report_href(task, period, status=None if chosen == s else s),
            className=f"status-filter status-{s}" + (" active" if chosen == s else ""),
        )
        for s in STATUS_ORDER
    ]
    return html.Div(links, className="status-summary")


def unit_table(
    units: list[UnitStatus], task: str, period: str, current: str | None, limit: int = 120
) -> html.Div:
    """Units to fill, most urgent first (退回, 逾期, 未填, 已填未报, 已报送), each opening its form."""
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    ranked = sorted(units, key=lambda u: (order[u.status], u.code))
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(u.name, href=report_href(task, period, u.code))),
                html.Td(u.parent_name, className="muted"),
                html.Td(status_tag(u.status)),
                html.Td(u.submitted_at.strftime("%m-%d %H:%M") if u.submitted_at else "—", className="num"),
            ],
            className="current" if u.code == current else None,
        )
        for u in ranked[:limit]
    ]
    more = len(ranked) - limit
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th("单位"), html.Th("所属"), html.Th("状态"), html.Th("报送时间")])),
            html.Tbody(rows),
        ],
        className="report-units",
    )
    note = (
        html.Div(f"另有 {more} 个单位未列出，请按状态筛选。", className="source-note") if more > 0 else None
    )
    return html.Div([table, note], className="report-units-scroll")


def _baseline_text(state: FormState, f: TaskField) -> str:
    b = state.baseline.get(f.indicator_code or "")
    if b is None:
        return ""
    parts = []
    if b.previous is not None:
        parts.append(f"上期 {format_value(b.previous, f.decimals)}")
    if b.last_year is not None and b.last_year_period != b.previous_period:
        parts.append(f"上年同期 {format_value(b.last_year, f.decimals)}")
    return " · ".join(parts) or "上期无数据"


def _range_text(f: TaskField) -> str:
    low = "" if f.min_value is None else format_value(f.min_value, f.decimals)
    high = "" if f.max_value is None else format_value(f.max_value, f.decimals)
    digits = "整数" if f.decimals == 0 else f"{f.decimals} 位小数"
    return f"{low}～{high}，{digits}"


def indicator_row(state: FormState, f: TaskField, editable: bool) -> html.Div:
    return html.Div(
        [
            html.Label(
                [f.name, html.Span("*", className="required") if f.required else None],
                htmlFor=f"report-input-{f.position}",
                className="field-label",
            ),
            html.Div(
                [
                    dcc.Input(
                        id={"type": FIELD, "name": f.name},
                        value=state.values.get(f.name, ""),
                        type="text",
                        inputMode="decimal",
                        disabled=not editable,
                        className="field-input",
                        debounce=False,
                        autoComplete="off",
                    ),
                    html.Span(f.unit, className="field-unit"),
                ],
                className="field-box",
            ),
            html.Div(_baseline_text(state, f), className="field-baseline"),
            html.Div(_range_text(f), className="field-range"),
            html.Div(id={"type": MESSAGE, "name": f.name}, className="field-msg"),
            html.Div(
                dcc.Input(
                    id={"type": NOTE, "name": f.name},
                    value=state.notes.get(f.name, ""),
                    placeholder="情况说明（变动较大时必填）",
                    disabled=not editable,
                    className="field-note",
                ),
                id={"type": NOTE_BOX, "name": f.name},
                className="field-note-box",
                style={"display": "block" if state.notes.get(f.name) else "none"},
            ),
        ],
        className="field-row",
    )


def text_row(state: FormState, f: TaskField, editable: bool) -> html.Div:
    return html.Div(
        [
            html.Label(
                [f.name, html.Span("*", className="required") if f.required else None],
                className="field-label",
            ),
            dcc.Textarea(
                id={"type": TEXT, "name": f.name},
                value=state.texts.get(f.name, ""),
                disabled=not editable,
                className="field-text",
                maxLength=2000,
            ),
            html.Div(id={"type": MESSAGE, "name": f.name}, className="field-msg"),
        ],
        className="field-row field-row-text",
    )


def form_fields(state: FormState, editable: bool) -> html.Div:
    rows = [
        indicator_row(state, f, editable) if f.kind == "indicator" else text_row(state, f, editable)
        for f in state.fields
    ]
    head = html.Div(
        [
            html.Span("指标", className="field-label"),
            html.Span("本期填报"),
            html.Span("参考"),
            html.Span("有效范围"),
            html.Span("检查"),
        ],
        className="field-row field-head",
    )
    return html.Div([head, *rows], className="report-fields")
