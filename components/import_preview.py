"""The preview of a file import: per file its verdict, its errors by row and column, its warnings,
and what would be written (新增 / 修改 old → new / 不变). Pure: a plan in, components out."""

from __future__ import annotations

from html import escape
from typing import Any

from dash import dcc, html

from data_access.intake.model import KIND_NAMES

MAX_SHOWN = 200  # rows of a table shown in the page; the counts always cover everything


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.10g}"


def _cell(tag: str, text: object, cls: str = "") -> str:
    """One escaped cell on one line (a line break in a file's cell would end the HTML block)."""
    flat = " ".join(str(text).split())
    return f"<{tag}{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}>{escape(flat)}</{tag}>"


def _html_table(heads: tuple[str, ...], rows: list[list[tuple[object, str]]], cls: str) -> dcc.Markdown:
    """A table as one component of escaped HTML, not thousands of ``html.Td``: Dash's renderer
    spends milliseconds per component, and a city-wide file's preview would freeze the page.
    Everything in it (file names, raw cell values) is escaped; nothing is trusted."""
    head = "".join(_cell("th", h) for h in heads)
    body = "".join("<tr>" + "".join(_cell("td", t, c) for t, c in row) + "</tr>" for row in rows)
    table = f'<table class="import-table {cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return dcc.Markdown(table, dangerously_allow_html=True, dedent=False, className="import-table-box")


def _issues_table(issues: list, kind: str) -> dcc.Markdown:
    rows = [
        [(i.file, ""), (i.row or "—", ""), (i.column or "—", ""), (i.raw, ""), (i.reason, "")]
        for i in issues[:MAX_SHOWN]
    ]
    return _html_table(("文件", "行", "列", "原值", "原因"), rows, f"import-{kind}")


def _items_table(items: list) -> dcc.Markdown:
    order = ("changed", "new", "unchanged")
    rows = [
        [
            (KIND_NAMES[i.kind], f"import-kind-{i.kind}"),
            (i.row, ""),
            (i.region, ""),
            (i.region_name, ""),
            (i.indicator_name, ""),
            (i.period, ""),
            (_fmt(i.old), ""),
            (_fmt(i.value), ""),
            (i.unit, ""),
        ]
        for i in sorted(items, key=lambda i: order.index(i.kind))[:MAX_SHOWN]
    ]
    heads = ("变化", "行", "区划代码", "单位", "指标", "期别", "原值", "新值", "计量单位")
    return _html_table(heads, rows, "import-items")


def _more(total: int) -> Any:
    return (
        html.P(f"仅显示前 {MAX_SHOWN} 行，共 {total} 行。", className="import-more")
        if total > MAX_SHOWN
        else None
    )


def file_summary(fp) -> html.Div:
    """One file: verdict line, errors, warnings and figures."""
    counts = fp.counts()
    units = sum(len(u) for u in fp.submissions.values())
    verdict = "可以导入" if fp.accepted else f"不能导入：{len(fp.problems)} 处错误，整批文件都不会写入"
    layout = {"long": "长表", "template": "报表模板"}.get(fp.layout, "")
    parts: list[Any] = [
        html.H4(f"{fp.name}：{verdict}", className="import-ok" if fp.accepted else "import-refused"),
        html.P(
            f"{fp.fmt or '未知格式'}{'，' + layout if layout else ''}{'（' + fp.task + '）' if fp.task else ''}；"
            f"新增 {counts['new']} 项，修改 {counts['changed']} 项，不变 {counts['unchanged']} 项；"
            f"完成报送 {units} 个单位",
            className="import-counts",
        ),
    ]
    if fp.problems:
        parts += [
            html.H5("错误（须改正后重新上传）"),
            _issues_table(fp.problems, "errors"),
            _more(len(fp.problems)),
        ]
    if fp.warnings:
        parts += [
            html.H5("提示（不影响导入，请核实）"),
            _issues_table(fp.warnings, "warnings"),
            _more(len(fp.warnings)),
        ]
    if fp.items:
        parts += [html.H5("将写入的数据"), _items_table(fp.items), _more(len(fp.items))]
    return html.Div([p for p in parts if p is not None], className="import-file")


def plan_preview(plan) -> html.Div:
    """Every file of the plan, then one line saying what pressing 确认写入 will do."""
    counts = plan.counts()
    if plan.accepted:
        tail = (
            f"确认后将写入：新增 {counts['new']} 项，修改 {counts['changed']} 项（原值进入历史），"
            f"{counts['unchanged']} 项不变；报送 {plan.submission_count()} 个单位。"
        )
    else:
        tail = "有文件未通过检查：改正后重新上传；在此之前不会写入任何数据。"
    return html.Div(
        [*map(file_summary, plan.files), html.P(tail, className="import-verdict")], id="report-upload-plan"
    )


def commit_result(plan) -> html.Div:
    """What a commit did (or why nothing was written)."""
    if not plan.written:
        return html.Div(
            [html.P("未写入：文件有错误，请看下方说明。", className="import-refused"), plan_preview(plan)]
        )
    counts = plan.counts()
    return html.Div(
        html.P(
            f"已写入：新增 {counts['new']} 项，修改 {counts['changed']} 项，不变 {counts['unchanged']} 项；"
            f"报送 {plan.submission_count()} 个单位。各页面、地图和汇总已更新。",
            className="import-ok",
        ),
        id="report-upload-done",
    )
