"""在线填报 (``/report?task=<code>&period=<P>&unit=<code>&status=<s>``): fill, check and submit forms.

The URL is the state: a filer picks a task and round, sees the units of their scope with their
status (未填 / 已填未报 / 已报送 / 逾期 / 退回) and opens one unit's form. Values are checked while
typing (:func:`data_access.forms.check_values`, the rule the file import shares); 保存草稿, 报送
and 退回 go through :mod:`data_access.form_entry`, then write a new query (``done=…``) so the page
redraws with the new status. The file upload lives in :mod:`pages._report_upload`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from components.export_menu import export_menu
from components.notices import error_notice, info_notice, source_note
from components.report_form import (
    FIELD,
    MESSAGE,
    NOTE,
    NOTE_BOX,
    TEXT,
    form_fields,
    report_href,
    status_summary,
    status_tag,
    unit_table,
)
from data_access import form_entry, forms, regions
from data_access.errors import CockpitError, ValidationError
from data_access.indicators import FREQUENCY_NAMES
from data_access.scope import Scope
from pages import _ids as ids
from pages._report_upload import upload_section
from web.auth import current_account
from web.scope import current_scope

dash.register_page(__name__, path="/report", name="在线填报", title="在线填报 · 百千万工程驾驶舱", order=13)

TASK = "report-task"
PERIOD = "report-period"
SHOWN = "report-shown"  # dcc.Store: the task and period the page was drawn for
STATE = "report-state"
SAVE = "report-save"
SUBMIT = "report-submit"
RESULT = "report-result"
RETURN_REASON = "report-return-reason"
RETURN = "report-return"
MESSAGE_ID = "report-message"
DONE = {"draft": "草稿已保存。", "submit": "已报送。", "return": "已退回，填报单位会看到退回原因。"}


def _account() -> tuple[str, str]:
    user = current_account()
    return (user.username, user.role) if user else ("", "")


def layout(
    task: str | None = None,
    period: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    done: str | None = None,
    **_: str,
) -> html.Div:
    scope = current_scope()
    head: list[Any] = [html.H2("在线填报", className="page-title")]
    try:
        head.append(html.Span(f"辖区：{regions.get_region(scope.root, scope).name}", className="panel-sub"))
        choices = form_entry.fillable_tasks(scope)
        if not choices:
            return _page(head, info_notice("当前账号的辖区内没有需要填报的报表任务。", title="无报表"))
        task = task if task in {t.code for t in choices} else choices[0].code
        rounds = form_entry.task_periods(task)
        period = period if period in dict(rounds) else form_entry.default_period(task)
        head += [
            _pickers(choices, task, rounds, period),
            dcc.Store(id=SHOWN, data={"task": task, "period": period}),
        ]
        body = _body(task, period, unit, status, done, scope)
    except CockpitError as exc:
        return _page(head, error_notice(str(exc), element_id=MESSAGE_ID))
    return _page(head, body, upload_section(scope, current_account()))


def _page(head: list, *content: Any) -> html.Div:
    return html.Div([html.Div(head, className="page-head"), *content], className="page page-report")


def _pickers(choices: list, task: str, rounds: list, period: str | None) -> html.Div:
    level = regions.LEVEL_NAMES
    return html.Div(
        [
            html.Span("报表任务", className="picker-label"),
            dcc.Dropdown(
                id=TASK,
                options=[{"label": f"{t.name}（{level.get(t.level, '')}）", "value": t.code} for t in choices],
                value=task, clearable=False, searchable=False, className="picker", style={"minWidth": "320px"},
            ),
            html.Span("报告期", className="picker-label"),
            dcc.Dropdown(
                id=PERIOD,
                options=[{"label": f"{p}（{d:%m月%d日}截止）", "value": p} for p, d in rounds],
                value=period, clearable=False, searchable=True, className="picker", style={"minWidth": "220px"},
            ),
        ],
        className="picker-row",
    )  # fmt: skip


def _body(
    task: str, period: str | None, unit: str | None, status: str | None, done: str | None, scope: Scope
):
    if period is None:
        return info_notice("该报表任务还没有报告期。", title="无报告期")
    t = form_entry.get_task(task)
    units = form_entry.unit_statuses(task, period, scope)
    if not units:
        return info_notice(f"辖区内没有「{t.name}」的填报单位。", title="无填报单位")
    shown = [u for u in units if u.status == status] if status in form_entry.STATUS_LABELS else units
    due = dict(form_entry.task_periods(task))[period]
    left = html.Div(
        [
            html.H3([t.name, html.Span(f"{period} · {FREQUENCY_NAMES.get(t.frequency, '')} · {due:%Y-%m-%d} 截止", className="panel-sub"), export_menu("report-units", scope.root, None, period, task=task, data_only=True)], className="panel-title"),
            status_summary(units, task, period, status),
            unit_table(shown, task, period, unit),
            source_note(f"共 {len(units)} 个填报单位", t.department),
        ],
        className="panel report-list",
    )  # fmt: skip
    right = _form_panel(task, period, unit, done, scope) if unit else _hint()
    return html.Div([left, right], className="report-layout")


def _hint() -> html.Div:
    return html.Div(
        info_notice(
            "在左侧选择一个单位，打开本期报表。数值会随输入即时检查，变动较大时需填写情况说明。",
            title="选择填报单位",
        ),
        className="panel report-form",
    )


def _form_panel(task: str, period: str, unit: str, done: str | None, scope: Scope) -> html.Div:
    state = form_entry.form_state(task, unit, period, scope)
    user, role = _account()
    can_fill = role in form_entry.FILL_ROLES
    can_return = role in form_entry.RETURN_ROLES and state.status == "submitted"
    parts: list[Any] = [
        html.Div(
            [
                html.H3(state.region_name, className="panel-title"),
                status_tag(state.status),
                _submitted_text(state),
            ],
            className="report-form-head",
        )
    ]
    if state.status == "returned":
        parts.append(
            html.Div(
                [html.Strong("退回原因："), state.return_reason, html.Span(f"（{state.returned_by}，{state.returned_at:%m-%d %H:%M}）" if state.returned_at else "", className="muted")],
                className="notice notice-error report-returned",
            )
        )  # fmt: skip
    if done in DONE:
        parts.append(html.Div(DONE[done], className="notice notice-info report-done"))
    parts.append(form_fields(state, can_fill))
    if can_fill:
        parts.append(
            html.Div(
                [
                    html.Button("保存草稿", id=SAVE, className="button button-secondary", n_clicks=0),
                    html.Button("报送", id=SUBMIT, className="button button-primary", n_clicks=0),
                ],
                className="button-row",
            )
        )
    else:
        parts.append(html.Div("当前账号只能查看，不能填报。", className="source-note"))
    parts.append(html.Div(id=RESULT, className="report-result", role="status"))
    if can_return:
        parts.append(
            html.Div(
                [
                    dcc.Input(
                        id=RETURN_REASON, placeholder="退回原因（填报单位会看到）", className="field-note"
                    ),
                    html.Button("退回", id=RETURN, className="button button-danger", n_clicks=0),
                ],
                className="report-return",
            )
        )
    parts.append(dcc.Store(id=STATE, data={"task": task, "period": period, "unit": state.region}))
    parts.append(source_note(f"预填：本期已有数据与草稿；参考值为上期和上年同期。填报人：{user or '—'}"))
    return html.Div(parts, className="panel report-form")


def _submitted_text(state: form_entry.FormState) -> html.Span:
    if state.submitted_at is None:
        return html.Span(f"{state.due_date:%Y-%m-%d} 截止", className="muted")
    when = "按时" if state.submitted_at.date() <= state.due_date else "逾期"
    return html.Span(
        f"{state.filer} 于 {state.submitted_at:%Y-%m-%d %H:%M} 报送（{when}）", className="muted"
    )


# --- callbacks -------------------------------------------------------------------------------------


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(TASK, "value"),
    Input(PERIOD, "value"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def _pick(task: str | None, period: str | None, shown: dict | None) -> str:
    """A picker changed: a new query (a new task starts at its current round).

    Dash also calls this when the pickers are drawn (their output, the URL, already exists):
    nothing to do while they still show what the page was drawn for.
    """
    if shown and (task, period) == (shown.get("task"), shown.get("period")):
        return no_update
    if ctx.triggered_id == TASK:
        return "?" + urlencode({"task": task or ""})
    return "?" + urlencode({k: v for k, v in (("task", task), ("period", period)) if v})


def _collect(names: list[dict], values: list) -> dict[str, object]:
    return {n["name"]: v for n, v in zip(names, values, strict=True)}


@callback(
    Output({"type": MESSAGE, "name": ALL}, "children"),
    Output({"type": MESSAGE, "name": ALL}, "className"),
    Output({"type": NOTE_BOX, "name": ALL}, "style"),
    Input({"type": FIELD, "name": ALL}, "value"),
    Input({"type": TEXT, "name": ALL}, "value"),
    State({"type": FIELD, "name": ALL}, "id"),
    State({"type": TEXT, "name": ALL}, "id"),
    State({"type": MESSAGE, "name": ALL}, "id"),
    State({"type": NOTE_BOX, "name": ALL}, "id"),
    State(STATE, "data"),
)
def check_typing(values, texts, field_ids, text_ids, msg_ids, box_ids, state):
    """Check every field while typing: the first problem of each field next to it, in plain Chinese."""
    if not state:
        return no_update, no_update, no_update
    raw = {**_collect(field_ids, values), **_collect(text_ids, texts)}
    issues = forms.check_values(state["task"], state["unit"], state["period"], raw)
    first: dict[str, forms.FieldIssue] = {}
    for issue in issues:
        first.setdefault(issue.field, issue)
    messages = [first[m["name"]].message if m["name"] in first else "" for m in msg_ids]
    classes = [
        f"field-msg field-{first[m['name']].severity}" if m["name"] in first else "field-msg field-ok"
        for m in msg_ids
    ]
    warned = {f for f, i in first.items() if i.severity == "warning"}
    styles = [{"display": "block" if b["name"] in warned else "none"} for b in box_ids]
    return messages, classes, styles


@callback(
    Output(RESULT, "children"),
    Output(ids.URL, "search", allow_duplicate=True),
    Input(SAVE, "n_clicks"),
    Input(SUBMIT, "n_clicks"),
    State({"type": FIELD, "name": ALL}, "value"),
    State({"type": FIELD, "name": ALL}, "id"),
    State({"type": TEXT, "name": ALL}, "value"),
    State({"type": TEXT, "name": ALL}, "id"),
    State({"type": NOTE, "name": ALL}, "value"),
    State({"type": NOTE, "name": ALL}, "id"),
    State(STATE, "data"),
    prevent_initial_call=True,
)
def save_or_submit(_save, _submit, values, field_ids, texts, text_ids, notes, note_ids, state):
    """保存草稿 or 报送 for the unit in the page state (scope and account from the session)."""
    # Dash calls this when the buttons are drawn (the URL output already exists): only a click counts.
    clicks = {SAVE: _save, SUBMIT: _submit}
    if not state or not clicks.get(ctx.triggered_id):
        return no_update, no_update
    user, role = _account()
    args = (
        state["task"],
        state["unit"],
        state["period"],
        _collect(field_ids, values),
        _collect(text_ids, texts),
        _collect(note_ids, notes),
    )
    try:
        if ctx.triggered_id == SUBMIT:
            form_entry.submit_form(*args, scope=current_scope(), user=user, role=role)
            done = "submit"
        else:
            form_entry.save_draft(*args, scope=current_scope(), user=user, role=role)
            done = "draft"
    except ValidationError as exc:
        problems = getattr(exc, "errors", [(0, exc.field or "", exc.message)])
        return html.Div(
            [
                html.Strong("未报送：请先改正以下问题"),
                html.Ul([html.Li(f"{f}：{m}") for _, f, m in problems]),
            ],
            className="notice notice-error",
        ), no_update
    except CockpitError as exc:
        return html.Div(str(exc), className="notice notice-error"), no_update
    return no_update, "?" + urlencode({**state, "done": done})


@callback(
    Output(RESULT, "children", allow_duplicate=True),
    Output(ids.URL, "search", allow_duplicate=True),
    Input(RETURN, "n_clicks"),
    State(RETURN_REASON, "value"),
    State(STATE, "data"),
    prevent_initial_call=True,
)
def return_form(n_clicks, reason, state):
    """退回 the unit's submitted form with a reason (admin or leader of the area)."""
    if not n_clicks or not state:
        return no_update, no_update
    user, role = _account()
    try:
        form_entry.return_submission(
            state["task"],
            state["unit"],
            state["period"],
            reason or "",
            scope=current_scope(),
            user=user,
            role=role,
        )
    except CockpitError as exc:
        return html.Div(str(exc), className="notice notice-error"), no_update
    return no_update, "?" + urlencode({**state, "done": "return"})


__all__ = ["report_href"]
