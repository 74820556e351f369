"""Tables: the sortable children grid (dash-ag-grid) and the region profile (cards per indicator)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import dash_ag_grid as dag
from dash import dcc
from dash import html as dh  # the name html is the standard library's escape module here

from components.format import (
    MISSING,
    NOT_REPORTED,
    fmt_change,
    fmt_completeness,
    fmt_gap,
    fmt_rank,
    fmt_share,
    fmt_value,
    number,
    scale,
)
from components.targets import level_met, target_is_level

LOCALE = {
    "noRowsToShow": "无下级地区",
    "loadingOoo": "加载中…",
    "sortAscending": "升序",
    "sortDescending": "降序",
}


def grid_rows(children: Sequence[Any], ranks: dict[str, int], unit: str) -> tuple[list[dict[str, Any]], str]:
    """Rows for :func:`children_grid` and the unit shown in the value column's header.

    Values are scaled together (万/亿) so the column sorts numerically and reads with one unit.
    """
    known = [abs(c.value) for c in children if c.value is not None]
    factor, shown_unit = 1.0, unit
    if known and max(known):
        scaled, shown_unit = scale(max(known), unit)
        factor = scaled / max(known)
    rows = [
        {
            "code": c.code,
            "name": c.name,
            "value": None if c.value is None else c.value * factor,
            "rank": ranks.get(c.code),
            "completeness": round(c.reported / c.expected * 100, 1) if c.expected else None,
            "reported": fmt_completeness(c.reported, c.expected).removeprefix("报送 "),
        }
        for c in children
    ]
    return rows, shown_unit


def grid_columns(
    unit: str, decimals: int = 1, *, child_level_name: str = "下级地区", missing_text: str = NOT_REPORTED
) -> list[dict[str, Any]]:
    """Column definitions of :func:`children_grid`: name, value (unit in the header), rank, 报送."""
    shown = max(decimals, 2) if unit.startswith(("万", "亿")) else decimals
    value_fmt = f"params.value == null ? '{missing_text}' : d3.format(',.{shown}f')(params.value)"
    return [
        {"field": "name", "headerName": child_level_name, "flex": 2, "minWidth": 110},
        {
            "field": "value",
            "headerName": f"数值（{unit}）" if unit else "数值",
            "flex": 2,
            "type": "rightAligned",
            "valueFormatter": {"function": value_fmt},
        },
        {"field": "rank", "headerName": "排名", "flex": 1, "type": "rightAligned"},
        {
            # Sorts by the reported share; shows "n/m".
            "field": "completeness",
            "headerName": "报送",
            "flex": 1,
            "type": "rightAligned",
            "valueFormatter": {"function": "params.data.reported"},
        },
    ]


def grid_row_rules(selected: str | None) -> dict[str, str]:
    """Highlight the selected region's row (a village picked on the map)."""
    return {"row-current": f"params.data.code === '{selected or ''}'"}


def children_grid(
    element_id: str,
    rows: list[dict[str, Any]],
    columns: list[dict[str, Any]],
    *,
    selected: str | None = None,
    height: str = "420px",
) -> dag.AgGrid:
    """Sortable table of the children (``grid_rows`` + ``grid_columns``); a row click drills in."""
    return dag.AgGrid(
        id=element_id,
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True},
        getRowId="params.data.code",
        rowClassRules=grid_row_rules(selected),
        dashGridOptions={"localeText": LOCALE, "animateRows": False},  # row heights: assets CSS
        className="map-table",
        style={"height": height, "width": "100%"},
    )


def profile_table(
    rows: Sequence[dict[str, Any]],
    themes: dict[str, str],
    *,
    sibling_word: str = "同级",
    current: str | None = None,
) -> dcc.Markdown:
    """Every indicator of a region as a two-line card: name and value with its unit on top, 同比,
    target progress, rank among siblings and completeness (报送) below.

    ``rows`` are ``data_access.values.region_profile`` dicts; missing keys show as —. Cards are
    grouped by theme (``div.profile-group`` with a ``div.profile-theme`` heading); each card is a
    ``div.profile-item`` with ``data-indicator``, its facts ``span.profile-yoy``, ``.profile-target``,
    ``.profile-rank``, ``.profile-reported`` (label ``span.profile-label``, figure
    ``span.profile-fact``). A card never needs a column as wide as a table's: a narrow side column
    keeps every name on one line and wraps whole facts, never characters.

    The first card of each theme is marked ``profile-lead`` and the card of ``current`` (the
    indicator on the map) ``profile-current``: the wall screen shows only those, as one line each,
    with the count ``div.profile-count``.

    One component holding the cards as HTML, not ~500 ``html.*`` components: Dash's renderer
    spends a few ms on each component it mounts, a second and more for one region's profile in
    headless Chromium, on the same thread that draws the map. Every text and attribute is escaped
    here; nothing in it comes from the browser.
    """
    groups: list[str] = []
    shown = 0
    for theme, items in _by_theme(rows):
        cards = []
        for n, row in enumerate(items):
            lead = n == 0
            is_current = current is not None and (row.get("indicator") or row.get("code")) == current
            shown += lead or is_current
            cards.append(_profile_item(row, sibling_word, lead=lead, current=is_current))
        heading = _cell("div", themes.get(theme, theme or ""), **{"class": "profile-theme"})
        groups.append(f'<div class="profile-group">{heading}{"".join(cards)}</div>')
    count = _cell("div", f"重点 {shown} 项 / 共 {len(rows)} 项指标", **{"class": "profile-count"})
    body = f'<div class="profile-cards">{count}{"".join(groups)}</div>'
    # One line, no blank line: Markdown keeps it as a single raw HTML block.
    return dcc.Markdown(body, dangerously_allow_html=True, dedent=False, className="profile-box")


def _by_theme(rows: Sequence[dict[str, Any]]) -> list[tuple[Any, list[dict[str, Any]]]]:
    """Consecutive rows of one theme together, in the rows' order."""
    groups: list[tuple[Any, list[dict[str, Any]]]] = []
    for row in rows:
        if not groups or groups[-1][0] != row.get("theme"):
            groups.append((row.get("theme"), []))
        groups[-1][1].append(row)
    return groups


def _profile_item(row: dict[str, Any], sibling_word: str, *, lead: bool, current: bool) -> str:
    change = row.get("yoy")
    progress = row.get("progress")
    rank = row.get("rank")
    value = row.get("value")
    unit, decimals = row.get("unit", ""), row.get("decimals", 1)
    value_text = fmt_value(value, unit, decimals) if value is not None else NOT_REPORTED
    progress_text, progress_title = _target_text(progress, unit, decimals, row.get("direction", 1), value)
    change_text = (
        fmt_change(_get(change, "value"), _get(change, "kind") or "pct", label="").strip()
        if change is not None
        else MISSING
    )
    name = _cell(
        "span",
        row.get("name", row.get("indicator", "")),
        title=row.get("period_text") or row.get("period") or "",
        **{"class": "profile-name"},
    )
    shown = _cell(
        "span", value_text, **{"class": "profile-value" + (" profile-missing" if value is None else "")}
    )
    facts = [
        _fact("profile-yoy", "同比", change_text),
        # A rate's text names its target level (目标 95.0%…); an amount's is a share (72%…).
        _fact("profile-target", "" if target_is_level(unit) else "目标进度", progress_text, progress_title)
        if progress_text != MISSING
        else "",
        _fact("profile-rank", f"{sibling_word}排名", fmt_rank(*rank)) if rank else "",
        _fact(
            "profile-reported",
            "报送",
            fmt_completeness(row.get("reported"), row.get("expected")).removeprefix("报送 "),
        ),
    ]
    classes = "profile-item" + (" profile-lead" if lead else "") + (" profile-current" if current else "")
    code = escape(str(row.get("indicator") or row.get("code") or ""))
    return (
        f'<div class="{classes}" data-indicator="{code}"><div class="profile-main">{name}{shown}</div>'
        f'<div class="profile-facts">{"".join(facts)}</div></div>'
    )


def _fact(kind: str, label: str, text: str, title: str = "") -> str:
    """One fact of a profile card: ``<span class="kind"><span class="profile-label">label</span>…``."""
    inner = (_cell("span", label, **{"class": "profile-label"}) if label else "") + _cell(
        "span", text, **{"class": "profile-fact"}
    )
    extra = f' title="{escape(title)}"' if title else ""
    return f'<span class="{kind}"{extra}>{inner}</span>'


def _target_text(
    progress: Any, unit: str, decimals: int, direction: int, value: float | None = None
) -> tuple[str, str]:
    """The 目标进度 cell, by ``components.targets``'s rule (as the KPI cards and 需关注 judge).

    An amount: share of the annual target done and the gap to 时间进度 (``72%（落后 3.2 个百分点）``).
    A rate: its target is a level, so the value against it (``目标 95.0%（低于 2.7 个百分点）``,
    ``目标 95.0%（已达到）``; for a lower-is-better rate, above the target is what falls short).
    A flow rate is judged on its year-to-date figure, which may differ from the month shown
    beside it: the cell then says 累计 and its title gives that figure. Returns (text, title).
    """
    if progress is None:
        return MISSING, ""
    if target_is_level(unit):
        met = level_met(progress, direction, decimals)
        if met is None:
            return MISSING, ""
        actual, goal = _get(progress, "actual"), _get(progress, "target")
        verdict = (
            "已达到"
            if met
            else f"{'低于' if actual < goal else '高于'} {number(abs(actual - goal), decimals)} 个百分点"
        )
        cumulative = value is not None and number(value, decimals) != number(actual, decimals)
        shown = f"{'年初至今累计' if cumulative else '本期'} {number(actual, decimals)}%"
        title = f"{shown}，年度目标 {number(goal, decimals)}%"
        return f"目标 {number(goal, decimals)}%（{'累计' if cumulative else ''}{verdict}）", title
    if _get(progress, "progress") is None:
        return MISSING, ""
    return f"{fmt_share(_get(progress, 'progress'))}（{fmt_gap(_get(progress, 'gap_pp'))}）", ""


def _cell(tag: str, text: object, **attrs: object) -> str:
    """``<td title="…">text</td>`` with the text and every attribute value escaped."""
    extra = "".join(f' {k}="{escape(str(v))}"' for k, v in attrs.items() if v not in (None, ""))
    return f"<{tag}{extra}>{escape(str(text))}</{tag}>"


def _get(obj: Any, key: str) -> Any:
    if obj is None:
        return None
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def history_table(changes: Sequence[Any], indicators: dict[str, Any]) -> dh.Details | None:
    """修改记录: a region's latest revised figures (old → new, who, when), folded under the profile.

    ``changes`` are ``data_access.observations.Change``; ``indicators`` maps code → Indicator.
    None when nothing was ever revised.
    """
    if not changes:
        return None
    rows = []
    for c in changes:
        ind = indicators.get(c.indicator)
        name, unit, decimals = (ind.name, ind.unit, ind.decimals) if ind else (c.indicator, "", 1)
        new = fmt_value(c.new, unit, decimals) if c.new is not None else NOT_REPORTED
        rows.append(
            dh.Tr(
                [
                    dh.Td(name),
                    dh.Td(c.period),
                    dh.Td(f"{fmt_value(c.old, unit, decimals)} → {new}", className="num"),
                    dh.Td(c.changed_by),
                    dh.Td(f"{c.changed_at:%Y-%m-%d %H:%M}", className="num"),
                ],
                **{"data-indicator": c.indicator},
            )
        )
    head = dh.Thead(dh.Tr([dh.Th(h) for h in ("指标", "期别", "原值 → 新值", "修改人", "修改时间")]))
    return dh.Details(
        [
            dh.Summary(f"最近修改记录（{len(changes)} 条）"),
            dh.Table([head, dh.Tbody(rows)], className="profile history-table"),
        ],
        className="profile-history",
    )
