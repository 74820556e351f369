"""基层治理 panels (``/governance``): cases by outcome, cases by type, and the overdue open cases.

Read with the same ``data_access.governance`` functions as ``pages/governance.py`` and drawn with
the same ``components.governance`` figures; the overdue list is a table (data only) with phones
masked unless the caller may see them, like the page.
"""

from __future__ import annotations

from components.format import fmt_period
from components.governance import outcome_bars, type_bars
from data_access import governance
from data_access.exports import Column, Table
from data_access.regions import Region
from data_access.scope import Scope

from .panels import Panel, _base, _notes

SOURCE = "市委政法委（综治中心）·矛盾纠纷码上办"


def outcomes(reg: Region, month: str, scope: Scope) -> Panel:
    """``governance-outcomes``: the month's cases by the level that resolved them, or still open."""
    rows = governance.outcome_breakdown(reg.code, month, scope)
    total = sum(r.count for r in rows)
    title = f"{reg.name}当月受理案件的化解层级与办理状态"
    base = _base(
        "governance-outcomes",
        title,
        reg,
        None,
        month,
        fmt_period(month),
        unit="件",
        source=SOURCE,
        size=(1000, 520),
    )
    columns = [Column("化解层级或状态"), Column("案件", "件", "number", 0), Column("占比", "%", "number", 1)]
    data = [(r.name, r.count, r.count / total * 100 if total else None) for r in rows]
    notes = (*_notes(base), f"当月受理 {total:,} 件")
    return Panel(**base, schematic=False, figure=outcome_bars(rows), table=Table(title, columns, data, notes))


def types(reg: Region, month: str, scope: Scope) -> Panel:
    """``governance-types``: the month's cases received and resolved by type."""
    rows = governance.type_breakdown(reg.code, month, scope)
    title = f"{reg.name}矛盾纠纷类型分布（当月受理）"
    base = _base(
        "governance-types",
        title,
        reg,
        None,
        month,
        fmt_period(month),
        unit="件",
        source=SOURCE,
        size=(1000, 600),
    )
    columns = [
        Column("类型代码"),
        Column("类型"),
        Column("受理", "件", "number", 0),
        Column("已化解", "件", "number", 0),
    ]
    data = [(r.code, r.name, r.received, r.resolved) for r in rows]
    return Panel(
        **base, schematic=False, figure=type_bars(rows), table=Table(title, columns, data, _notes(base))
    )


def _reveal_phones() -> bool:
    from .reporting_panels import _reveal_phones as reveal

    return reveal()


def overdue(reg: Region, month: str, scope: Scope) -> Panel:
    """``governance-overdue``: every open case past its due date (the page lists the first 100)."""
    today = governance_today()
    cases = governance.overdue_cases(reg.code, scope, today, _reveal_phones())
    title = f"{reg.name}逾期未办结案件"
    base = _base(
        "governance-overdue", title, reg, None, month, f"截至 {today}", unit="件", source=SOURCE, size=(0, 0)
    )
    columns = [
        Column("案件编号"),
        Column("村（社区）代码"),
        Column("村（社区）"),
        Column("镇（街道）"),
        Column("类型"),
        Column("状态"),
        Column("受理日期"),
        Column("办理期限"),
        Column("已逾期", "天", "number", 0),
        Column("联系人"),
        Column("职务"),
        Column("电话"),
    ]
    data = [
        (
            c.case_id,
            c.village_code,
            c.village_name,
            c.town_name,
            c.type_name,
            c.status,
            c.received.isoformat(),
            c.due_date.isoformat(),
            c.days_overdue,
            c.contact_name,
            c.contact_role,
            c.phone,
        )
        for c in cases
    ]
    notes = (*_notes(base), f"共 {len(cases):,} 件超过办理期限仍未办结")
    return Panel(**base, schematic=False, figure=None, table=Table(title, columns, data, notes))


def governance_today() -> str:
    """The day overdue is judged against: the page's (``reporting.reference_date``)."""
    from data_access.reporting import reference_date

    return reference_date()
