"""The file upload of ``/report``: download the task's template, upload files, see exactly what
would be written (新增 / 修改 / 不变, errors by row and column), then 确认写入.

Scope and filer come from the server-side session in every callback, never from the browser; the
upload's bytes are read, checked and written by ``data_access.intake`` (nothing is written before
确认写入, and then all files or none).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from dash import Input, Output, State, callback, dcc, html, no_update

from components.import_preview import commit_result, plan_preview
from data_access import store
from data_access.errors import CockpitError
from data_access.intake import import_files
from data_access.intake.cli import IMPORT_ROLES
from data_access.scope import Scope

P = "report-upload"
TASK, PERIOD, TEMPLATE_BTN, TEMPLATE = f"{P}-task", f"{P}-period", f"{P}-template-button", f"{P}-template"
FILE, PREVIEW, COMMIT, RESULT, NOTE = f"{P}-file", f"{P}-preview", f"{P}-commit", f"{P}-result", f"{P}-note"


def _may_import(account: Any) -> bool:
    return account is not None and getattr(account, "role", "") in IMPORT_ROLES


def _task_options(scope: Scope) -> list[dict[str, str]]:
    """The tasks the online form offers this scope (``form_entry.fillable_tasks``)."""
    from data_access.form_entry import fillable_tasks

    return [{"label": t.name, "value": t.code} for t in fillable_tasks(scope)]


def upload_section(scope: Scope, account: object) -> html.Div:
    """The upload block for this account and scope (a note for accounts that may not import)."""
    if not _may_import(account):
        return html.Div(
            html.P("只有管理员和填报人员可以上传文件导入数据。", className="panel-sub"),
            id=P,
            className="panel",
        )
    options = _task_options(scope)
    first = options[0]["value"] if options else None
    limit = store.settings().import_max_mb
    return html.Div(
        [
            html.H3(
                ["文件导入", html.Span("长表或报表模板；CSV、XLSX、XLS、ODS", className="panel-sub")],
                className="panel-title",
            ),
            html.Div(
                [
                    html.Label("报表任务", htmlFor=TASK),
                    dcc.Dropdown(
                        id=TASK, options=options, value=first, clearable=False, style={"minWidth": "18em"}
                    ),
                    html.Label("期别", htmlFor=PERIOD),
                    dcc.Input(
                        id=PERIOD,
                        type="text",
                        value=_default_period(first),
                        debounce=True,
                        style={"width": "7em"},
                    ),
                    html.Button("下载模板", id=TEMPLATE_BTN, n_clicks=0, className="button"),
                    dcc.Download(id=TEMPLATE),
                ],
                className="import-controls",
            ),
            html.Div(id=NOTE),
            html.P(
                "模板已预填本辖区各单位的代码、名称和上期数值；填好后上传。也可上传长表（区划代码、指标、期别、数值，可加状态、备注）。",
                className="panel-sub",
            ),
            dcc.Upload(
                id=FILE,
                children=html.Div(
                    ["把文件拖到这里，或 ", html.A("点击选择文件"), f"（可多选，单个不超过 {limit:g} MB）"]
                ),
                multiple=True,
                max_size=int(limit * 2_000_000),
                className="import-drop",
            ),
            dcc.Loading(html.Div(id=PREVIEW)),
            html.Button("确认写入", id=COMMIT, n_clicks=0, disabled=True, className="button button-primary"),
            dcc.Loading(html.Div(id=RESULT)),
        ],
        id=P,
        className="panel import-panel",
    )


def _default_period(task: str | None) -> str:
    if not task:
        return ""
    from data_access.intake.template import default_period

    return default_period(task) or ""


def _files(contents: list[str] | None, names: list[str] | None) -> list[tuple[str, bytes]]:
    files = []
    for content, name in zip(contents or [], names or [], strict=False):
        try:
            files.append((name, base64.b64decode(content.split(",", 1)[1], validate=True)))
        except (IndexError, ValueError, binascii.Error):
            files.append((name, b""))  # refused as an empty file, by name
    return files


def _actor() -> tuple[Scope, Any]:
    from web.auth import current_account
    from web.scope import current_scope

    return current_scope(), current_account()


@callback(Output(PERIOD, "value"), Input(TASK, "value"), prevent_initial_call=True)
def _period_for_task(task: str | None) -> str:
    return _default_period(task)


@callback(
    Output(TEMPLATE, "data"),
    Output(NOTE, "children"),
    Input(TEMPLATE_BTN, "n_clicks"),
    State(TASK, "value"),
    State(PERIOD, "value"),
    prevent_initial_call=True,
)
def _template(_clicks: int, task: str | None, period: str | None):
    """The task's template for the user's units (audited as an export)."""
    scope, account = _actor()
    if not task or not _may_import(account):
        return no_update, no_update
    from data_access.intake.template import template_xlsx
    from web.auth import audit_event

    try:
        name, data = template_xlsx(task, period or None, scope)
    except CockpitError as err:
        return no_update, html.P(f"无法生成模板：{err}", className="import-refused")
    audit_event("export", f"报表模板 {name}")
    return dcc.send_bytes(data, name), ""


@callback(
    Output(PREVIEW, "children"),
    Output(COMMIT, "disabled"),
    Output(RESULT, "children"),
    Input(FILE, "contents"),
    State(FILE, "filename"),
    prevent_initial_call=True,
)
def _preview(contents: list[str] | None, names: list[str] | None):
    """Check the uploaded files and show exactly what would be written; nothing is written."""
    scope, account = _actor()
    if not contents or not _may_import(account):
        return None, True, None
    plan = import_files(_files(contents, names), scope=scope, filer=account.username, dry_run=True)
    writes = plan.counts()["new"] + plan.counts()["changed"] + plan.submission_count()
    return plan_preview(plan), not (plan.accepted and writes), None


@callback(
    Output(RESULT, "children", allow_duplicate=True),
    Output(COMMIT, "disabled", allow_duplicate=True),
    Output(PREVIEW, "children", allow_duplicate=True),
    Input(COMMIT, "n_clicks"),
    State(FILE, "contents"),
    State(FILE, "filename"),
    prevent_initial_call=True,
)
def _commit(_clicks: int, contents: list[str] | None, names: list[str] | None):
    """Check the same files again against the store as it is now and write them, all or nothing."""
    scope, account = _actor()
    if not contents or not _may_import(account):
        return no_update, True, no_update
    from web.auth import client_address

    plan = import_files(
        _files(contents, names), scope=scope, filer=account.username, address=client_address()
    )
    return commit_result(plan), True, (no_update if not plan.written else None)
